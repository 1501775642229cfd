"""`weft-models export decoder` and `weft-models validate decoder` (registered by ../cli.py)."""
from __future__ import annotations

import time
from pathlib import Path

from ..common.cli import add_command


def cmd_export(args) -> int:
    from .export import export_toy
    t0 = time.perf_counter()
    out = export_toy(args.out, preset=args.preset, seed=args.seed, opset=args.opset,
                     nan_token=args.nan_token, name=args.name)
    size = sum(p.stat().st_size for p in Path(out).iterdir())
    print(f"wrote {out} ({size} bytes) in {time.perf_counter() - t0:.1f} s")
    return 0


def cmd_validate(args) -> int:
    from .check import validate_package
    ok = validate_package(args.package, steps=args.steps, seed=args.seed,
                          quiet=args.quiet > 0, strict=not args.allow_warn)
    print("validation:", "OK" if ok else "FAILED")
    return 0 if ok else 1


def add_export(sub, common) -> None:
    ex = add_command(sub, "decoder", common, cmd_export,
                     help="the toy decoder (or its gpt2-small preset)",
                     description="Export the seeded toy decoder: decoder.onnx + weft.json, "
                                 "verified symbolic and equal to PyTorch at unseen shapes.")
    ex.add_argument("--out", type=Path, required=True, help="package folder to write")
    ex.add_argument("--preset", choices=["default", "gpt2-small"], default="default")
    ex.add_argument("--opset", type=int, default=18)
    ex.add_argument("--seed", type=int, default=0, help="weight init seed")
    ex.add_argument("--nan-token", type=int, default=None,
                    help="set this token's embedding row to NaN (fault-injection package)")
    ex.add_argument("--name", default=None, help="manifest name (default: toy / toy-<preset>)")


def add_validate(sub, common) -> None:
    va = add_command(sub, "decoder", common, cmd_validate,
                     help="ONNX vs PyTorch reports for a decoder package",
                     description="Component report (bands per output and input set) and "
                                 "autoregressive report (KV cache vs full recompute) for a "
                                 "decoder package whose weft.json has a 'source' record.",
                     package=True)
    va.add_argument("--steps", type=int, default=60, help="autoregressive steps (default 60)")
    va.add_argument("--seed", type=int, default=0, help="seed of the input sets and prompt")
    va.add_argument("--allow-warn", action="store_true", help="accept WARN bands (default: PASS)")


def legacy(argv: list[str], families) -> tuple[int, list[str]] | None:
    """The deprecated spellings `export toy …` and `validate PACKAGE …`: (how many of argv's
    words they are, today's words)."""
    if argv[:2] == ["export", "toy"]:
        return 2, ["export", "decoder"]
    if argv[:1] == ["validate"] and len(argv) > 1 and argv[1] not in families \
            and not argv[1].startswith("-"):
        return 1, ["validate", "decoder"]
    return None
