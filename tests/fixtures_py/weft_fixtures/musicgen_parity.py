"""`python -m weft_fixtures.musicgen_parity`: JSON lines for `npm run parity -- musicgen-export`.

One line per component (ONNX vs transformers, fp32 bands) and one per pipeline mode: greedy
tokens of the onnxruntime loop vs transformers' own `generate`, CFG 3.0; the continuation prompt
is >= 1 s of audio encoded by the exported encoder (weft_models/musicgen/check.py). Exit 1 on any
mismatch.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .items import REPO

DEFAULT_PKG = REPO / "build" / "models" / "musicgen-tiny"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m weft_fixtures.musicgen_parity",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--package", type=Path, default=DEFAULT_PKG)
    ap.add_argument("--steps", type=int, default=68, help="new decoder steps (>= 64 frames)")
    ap.add_argument("--cfg", type=float, default=3.0)
    args = ap.parse_args(argv)
    from weft_models.musicgen.check import validate_package
    ok = True
    for line in validate_package(args.package, args.steps, args.cfg):
        if "component" in line:
            print(json.dumps({k: line[k] for k in ("component", "max_abs", "cosine", "band")}),
                  flush=True)
            ok &= line["band"] == "PASS"
        else:
            print(json.dumps(line), flush=True)
            ok &= line["matched"] == line["steps"] and line.get("codes_equal", False)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
