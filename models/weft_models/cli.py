"""`weft-models`: export, validate, sanitize, sample, fixtures.

Exit codes: 0 success; 1 a validation / export check failed; 2 bad usage or input.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

log = logging.getLogger("weft_models")


def _setup_logging(verbosity: int) -> None:
    level = {-1: logging.WARNING, 0: logging.INFO}.get(verbosity, logging.DEBUG)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    log.setLevel(level)  # third-party loggers stay at WARNING; ours follow -v / -q


def cmd_export(args) -> int:
    from .export import export_toy
    t0 = time.perf_counter()
    out = export_toy(args.out, preset=args.preset, seed=args.seed, opset=args.opset,
                     nan_token=args.nan_token, name=args.name)
    size = sum(p.stat().st_size for p in Path(out).iterdir())
    print(f"wrote {out} ({size} bytes) in {time.perf_counter() - t0:.1f} s")
    return 0


def cmd_validate(args) -> int:
    from .packages import validate_package
    ok = validate_package(args.package, steps=args.steps, seed=args.seed,
                          quiet=args.quiet > 0, strict=not args.allow_warn)
    print("validation:", "OK" if ok else "FAILED")
    return 0 if ok else 1


def cmd_sanitize(args) -> int:
    from .sanitize import sanitize_file
    from .validate import format_table
    r = sanitize_file(args.file, args.out)
    if not args.quiet:
        print(format_table(r.results))
    print(f"wrote {r.path}: {r.nodes_before} -> {r.nodes_after} nodes, all outputs PASS")
    return 0


def cmd_sample(args) -> int:
    from .sampling_reference import draw_tokens
    req = json.load(sys.stdin)
    json.dump({"tokens": draw_tokens(req["rows"], req["cases"])}, sys.stdout)
    sys.stdout.write("\n")
    return 0


def cmd_fixtures(args) -> int:
    from .fixtures import run
    run(args.out, args.only, args.force)
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv)")
    common.add_argument("-q", "--quiet", action="count", default=0, help="only warnings")
    # -v/-q live on the leaf parsers only: argparse lets a subparser's defaults overwrite values
    # parsed by its parent, so a top-level -v would be silently reset.
    ap = argparse.ArgumentParser(prog="weft-models",
                                 description="Export PyTorch models to Weft model packages "
                                             "and prove them equivalent.")
    sub = ap.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("export", help="export a model to a package folder")
    exs = ex.add_subparsers(dest="model", required=True)
    toy = exs.add_parser("toy", parents=[common], help="the toy decoder (or its gpt2-small preset)",
                         description="Export the seeded toy decoder: decoder.onnx + weft.json, "
                                     "verified symbolic and equal to PyTorch at unseen shapes.")
    toy.add_argument("--out", type=Path, required=True, help="package folder to write")
    toy.add_argument("--preset", choices=["default", "gpt2-small"], default="default")
    toy.add_argument("--opset", type=int, default=18)
    toy.add_argument("--seed", type=int, default=0, help="weight init seed")
    toy.add_argument("--nan-token", type=int, default=None,
                     help="set this token's embedding row to NaN (fault-injection package)")
    toy.add_argument("--name", default=None, help="manifest name (default: toy / toy-<preset>)")
    toy.set_defaults(fn=cmd_export)
    from .classifier_cli import add_parser as add_classifier_parser
    add_classifier_parser(exs, common)  # `export classifier`

    va = sub.add_parser("validate", parents=[common], help="ONNX vs PyTorch reports for a package",
                        description="Component report (bands per output and input set) and "
                                    "autoregressive report (KV cache vs full recompute) for a "
                                    "decoder package whose weft.json has a 'source' record.")
    va.add_argument("package", type=Path, help="package folder containing weft.json")
    va.add_argument("--steps", type=int, default=60, help="autoregressive steps (default 60)")
    va.add_argument("--seed", type=int, default=0, help="seed of the input sets and prompt")
    va.add_argument("--allow-warn", action="store_true", help="accept WARN bands (default: PASS)")
    va.set_defaults(fn=cmd_validate)

    sa = sub.add_parser("sanitize", parents=[common], help="shape inference + folding + DCE",
                        description="Write <name>.sanitized.onnx and check it equals the original "
                                    "(PASS on every output and input set).")
    sa.add_argument("file", type=Path, help="an .onnx file (a weft.json beside it gives shapes)")
    sa.add_argument("--out", type=Path, default=None, help="output path")
    sa.set_defaults(fn=cmd_sanitize)

    sm = sub.add_parser("sample", parents=[common], help="NumPy reference sampler (stdin JSON)",
                        description='Reads {"rows": [[...]], "cases": [...]} on stdin and prints '
                                    '{"tokens": [[...]]}: the same contract as weft-sample.')
    sm.set_defaults(fn=cmd_sample)

    fx = sub.add_parser("fixtures", parents=[common], help="build packages and test fixtures",
                        description="Same as python -m weft_models.fixtures.")
    fx.add_argument("--out", type=Path, default=Path("build/models"))
    fx.add_argument("--only", nargs="*")
    fx.add_argument("--force", action="store_true")
    fx.set_defaults(fn=cmd_fixtures)
    from .musicgen.cli import add_parser as add_musicgen_parser
    add_musicgen_parser(sub, common)  # `musicgen export|validate|sanitize|quantize`
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup_logging(-1 if args.quiet else args.verbose)
    try:
        return args.fn(args)
    except (FileNotFoundError, ValueError) as e:
        log.error("%s", e)
        return 2
    except RuntimeError as e:  # ExportError, SanitizeError, fixture build failures
        log.error("%s", e)
        return 1


if __name__ == "__main__":
    sys.exit(main())
