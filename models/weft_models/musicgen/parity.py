"""`python -m weft_models.musicgen.parity`: JSON lines for `npm run parity -- musicgen-export`.

One line per component (ONNX vs transformers, fp32 bands) and one per pipeline mode: greedy
tokens of the onnxruntime loop (pipeline.py) vs transformers' own `generate`, CFG 3.0; the
continuation prompt is >= 1 s of audio encoded by the exported encoder. Exit 1 on any mismatch.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

DEFAULT_PKG = Path(__file__).resolve().parents[3] / "build" / "models" / "musicgen-tiny"


def prompt_audio(seconds: float = 1.2, sr: int = 32000, seed: int = 0) -> np.ndarray:
    """A deterministic test signal: a gliding tone with a little noise."""
    t = np.arange(int(seconds * sr)) / sr
    rng = np.random.default_rng(seed)
    return (0.4 * np.sin(2 * np.pi * 220 * t * (1 + 0.5 * t))
            + 0.05 * rng.standard_normal(t.size)).astype(np.float32)


def text_ids(pkg: Path, text: str = "calm piano music with drums") -> np.ndarray:
    from tokenizers import Tokenizer
    return np.array(Tokenizer.from_file(str(pkg / "tokenizer.json")).encode(text).ids, np.int64)


def pipeline_parity(model, pkg: Path, mode: str, steps: int, cfg: float = 3.0,
                    fault: str | None = None, sessions=None) -> dict:
    from . import pipeline as P
    from . import reference as R
    ids = text_ids(pkg)
    audio = prompt_audio() if mode == "continuation" else None
    ref_steps, ref_codes, ref_audio = R.generate(
        model, ids[None], np.ones((1, ids.size), np.int64), max_new_tokens=steps,
        guidance_scale=cfg, input_values=None if audio is None else audio[None, None])
    got = P.generate(sessions or pkg, ids, max_new_tokens=steps, cfg=cfg, prompt_audio=audio,
                     decode=fault is None, fault=fault)
    ok = (ref_steps.reshape(steps, -1) == got.tokens).all(axis=1)
    line = {"pipeline": mode, "cfg": cfg, "steps": steps, "matched": int(ok.sum())}
    if not ok.all():
        line["first_divergence"] = int(np.argmin(ok))
    if fault is None:
        line["frames"] = int(got.codes.shape[-1])
        line["codes_equal"] = bool(got.codes.shape == ref_codes[0].shape
                                   and (got.codes == ref_codes[0]).all())
        if got.audio is not None and got.audio.shape == ref_audio.shape:
            line["audio_max_abs"] = float(np.abs(got.audio - ref_audio).max())
        if got.prompt_codes is not None:
            line["prompt_frames"] = int(got.prompt_codes.shape[-1])
    return line


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m weft_models.musicgen.parity",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--package", type=Path, default=DEFAULT_PKG)
    ap.add_argument("--steps", type=int, default=68, help="new decoder steps (>= 64 frames)")
    ap.add_argument("--cfg", type=float, default=3.0)
    args = ap.parse_args(argv)
    import torch
    from ..manifest import read_manifest
    from .check import check_package
    from .components import Dims
    from .package import model_from_source
    torch.set_num_threads(1)
    m = read_manifest(args.package)
    model = model_from_source(m["source"])
    ok = True
    for r in check_package(model, args.package, Dims.of(model)):
        s = r.summary()
        print(json.dumps({k: s[k] for k in ("component", "max_abs", "cosine", "band")}),
              flush=True)
        ok &= s["band"] == "PASS"
    for mode in ("text", "continuation"):
        line = pipeline_parity(model, args.package, mode, args.steps, args.cfg)
        print(json.dumps(line), flush=True)
        ok &= line["matched"] == line["steps"] and line.get("codes_equal", False)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
