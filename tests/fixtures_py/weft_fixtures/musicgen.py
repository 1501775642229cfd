"""The stamped build/models/musicgen-tiny items (items.py lists them; tests and parity reuse
them): the package, and transformers' own greedy `generate` codes for a few texts
(fixtures/musicgen_tiny_generate.json), the reference other libraries' loops on the package's
files are checked against."""
from __future__ import annotations

from pathlib import Path

NAME = "musicgen-tiny"
PARAMS = {"preset": "tiny", "seed": 0, "opset": 18}
REFS = "fixtures/musicgen_tiny_generate.json"
REF_PARAMS = {**PARAMS, "max_new_tokens": 68, "guidance_scale": 3.0,
              "texts": ["calm piano music with drums", "upbeat electronic beat with bass"]}
LIBS = ("torch", "onnx", "onnxruntime", "onnxscript", "numpy", "transformers", "tokenizers")


def build(tmp: Path) -> None:
    from weft_models.musicgen.build import BUILDER, build_random
    from weft_models.musicgen.export import export_package
    model = build_random(PARAMS["preset"], PARAMS["seed"])
    # export_package validates every component (PASS vs transformers) before weft.json exists.
    export_package(model, tmp / NAME, name=NAME, opset=PARAMS["opset"],
                   source={"builder": BUILDER, "preset": PARAMS["preset"],
                           "seed": PARAMS["seed"]})


def build_refs(tmp: Path) -> None:
    """Text ids from Hugging Face `tokenizers` on the package's tokenizer.json, codes [4, frames]
    from transformers' greedy generate (text only, CFG) on the same seeded model.

    `codes_no_end_pad`: the same frames from a generate run nq - 1 steps longer. transformers
    forces the pad token into the last nq - 1 columns of its delay pattern (the "EOS" triangle),
    which later steps of the run read; a loop that does not (transformers.js) matches this run,
    and `codes` everywhere but the cells predicted after that triangle began."""
    import json

    import numpy as np
    from tokenizers import Tokenizer

    from weft_models.musicgen import reference as R
    from weft_models.musicgen.build import build_random
    from weft_models.musicgen.components import Dims
    from weft_models.musicgen.tokenizer import write_tokenizer
    model = build_random(PARAMS["preset"], PARAMS["seed"])
    out = tmp / REFS
    out.parent.mkdir(parents=True, exist_ok=True)
    tok = Tokenizer.from_file(str(write_tokenizer(out.parent, Dims.of(model).text_vocab)))
    for f in ("tokenizer.json", "tokenizer_config.json"):
        (out.parent / f).unlink()
    cases = []
    for text in REF_PARAMS["texts"]:
        ids = np.array(tok.encode(text).ids, np.int64)
        runs = []
        for extra in (0, model.config.decoder.num_codebooks - 1):
            _, codes, _ = R.generate(model, ids[None], np.ones((1, ids.size), np.int64),
                                     max_new_tokens=REF_PARAMS["max_new_tokens"] + extra,
                                     guidance_scale=REF_PARAMS["guidance_scale"])
            runs.append(codes[0])
        frames = runs[0].shape[-1]
        cases.append({"text": text, "input_ids": ids.tolist(), "codes": runs[0].tolist(),
                      "codes_no_end_pad": runs[1][:, :frames].tolist()})
    out.write_text(json.dumps({"package": NAME, "max_new_tokens": REF_PARAMS["max_new_tokens"],
                               "guidance_scale": REF_PARAMS["guidance_scale"],
                               "source": "transformers MusicgenForConditionalGeneration.generate "
                                         "(do_sample=False)", "cases": cases}) + "\n")
