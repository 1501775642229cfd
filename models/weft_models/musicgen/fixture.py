"""The stamped build/models/musicgen-tiny item (fixtures.py lists it; tests and parity reuse it)."""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
NAME = "musicgen-tiny"
PARAMS = {"preset": "tiny", "seed": 0, "opset": 18}
LIBS = ("torch", "onnx", "onnxruntime", "onnxscript", "numpy", "transformers", "tokenizers")


def sources() -> list[Path]:
    shared = [HERE.parent / n for n in ("export.py", "validate.py", "manifest.py", "toy.py")]
    own = ("build.py", "graphs.py", "components.py", "exporter.py", "onnx_tools.py", "check.py",
           "reference.py", "package.py", "tokenizer.py", "pipeline.py", "pattern.py",
           "fixture.py")  # what shapes the package's bytes (not the CLI, parity, quantize)
    return [HERE / n for n in own] + shared


def build(tmp: Path) -> None:
    from .build import build_random
    from .package import export_package
    model = build_random(PARAMS["preset"], PARAMS["seed"])
    # export_package validates every component (PASS vs transformers) before weft.json exists.
    export_package(model, tmp / NAME, name=NAME, opset=PARAMS["opset"],
                   source={"builder": "weft_models.musicgen", "preset": PARAMS["preset"],
                           "seed": PARAMS["seed"]})
