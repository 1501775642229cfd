"""The stamped build/models/pocket-tts-tiny item (items.py lists it): the tiny preset with seeded
random weights, every component graded PASS against pocket-tts at export."""
from __future__ import annotations

from pathlib import Path

NAME = "pocket-tts-tiny"
PARAMS = {"preset": "tiny", "seed": 0, "opset": 18}
LIBS = ("torch", "onnx", "onnxruntime", "onnxscript", "numpy", "pocket-tts", "sentencepiece",
        "tokenizers", "transformers")
SOURCES = ("build", "graphs", "components", "export", "check", "reference", "manifest",
           "tokenizer")


def build(tmp: Path) -> None:
    from weft_models.pocket_tts.build import BUILDER, build_random
    from weft_models.pocket_tts.export import export_package
    model, tokenizer = build_random(PARAMS["preset"], PARAMS["seed"])
    # export_package grades every component (PASS vs pocket-tts) before weft.json exists.
    export_package(model, tokenizer, tmp / NAME, name=NAME, opset=PARAMS["opset"],
                   source={"builder": BUILDER, "preset": PARAMS["preset"],
                           "seed": PARAMS["seed"]})
