"""`weft-models export classifier` and `weft-models validate classifier` (registered by
../cli.py): export (or just re-validate) classifier packages and print one JSON report line each.

Exit codes as the other subcommands: 0 ok; 1 a band below the requirement (fp32: PASS, or WARN
with --allow-warn; int8/fp16: WARN) or a top-1 disagreement in fp32; 2 bad usage or input.
"""
from __future__ import annotations

import glob
import json
import time
from pathlib import Path

from ..common.cli import add_command


def _images(args) -> list[Path]:
    if args.images:
        paths = sorted(p for p in Path(args.images).iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg"))
        if not paths:
            raise FileNotFoundError(f"--images {args.images}: no .png/.jpg files")
        return paths
    import tempfile

    from .images import write_images
    return write_images(Path(tempfile.mkdtemp(prefix="weft-images-")))


def _check(report, precision: str, allow_warn: bool) -> bool:
    need = "PASS" if precision == "fp32" and not allow_warn else "WARN"
    ok_band = ("PASS", "WARN").index(report.band) <= ("PASS", "WARN").index(need) if report.band != "FAIL" else False
    ok_top1 = precision != "fp32" or report.top1_agree == report.images
    return ok_band and ok_top1


def _validate(out: Path, images, precision: str, args, arch: str, t0: float) -> bool:
    """Validate one package, record the result in its weft.json, print the report and its line."""
    from .check import record_validation, report_text, validate_classifier
    r = validate_classifier(out, images)
    record_validation(out, r)
    if not args.quiet:
        print(report_text(r))
    good = _check(r, precision, args.allow_warn)
    line = r.line(arch)
    line.update(package=str(out), seconds=round(time.perf_counter() - t0, 1), ok=good)
    print(json.dumps(line))
    return good


def cmd_export(args) -> int:
    from .export import export_classifier
    labels = Path(args.labels).read_text().splitlines() if args.labels else None
    jobs = []  # (checkpoint, out)
    if args.pattern:
        found = sorted(glob.glob(args.pattern))
        if not found:
            raise FileNotFoundError(f"--pattern {args.pattern!r} matched no checkpoint")
        jobs = [(Path(p), args.out / Path(p).stem) for p in found]
    else:
        jobs = [(args.checkpoint, args.out)]
    images = _images(args)
    ok = True
    for ckpt, base in jobs:
        for precision in args.precision:
            out = base / precision if len(args.precision) > 1 else base
            t0 = time.perf_counter()
            if not args.validate_only:
                export_classifier(args.arch, out, seed=args.seed, checkpoint=ckpt,
                                  num_classes=args.num_classes, multi_label=args.multi_label,
                                  opset=args.opset, precision=precision, crop=args.crop,
                                  labels=labels, name=args.name)
            elif not (out / "weft.json").is_file():
                raise FileNotFoundError(f"--validate-only: {out}/weft.json does not exist")
            ok &= _validate(out, images, precision, args, args.arch, t0)
    return 0 if ok else 1


def cmd_validate(args) -> int:
    from ..common.manifest import read_manifest
    t0 = time.perf_counter()
    source = read_manifest(args.package).get("source") or {}
    return 0 if _validate(args.package, _images(args), source.get("precision", "fp32"), args,
                          source.get("arch", "?"), t0) else 1


def add_export(sub, common) -> None:
    from .build import CHECKPOINT_FORMS, PARITY_ARCHS
    cl = add_command(sub, "classifier", common, cmd_export,
                     help="an image classifier (torchvision or custom)",
                     description="Export an image classifier to a package (model.onnx + weft.json "
                                 "with the preprocessing), validated against PyTorch (int8: against its own "
                                 "fp32 export, by cosine and top-1 on images). Checkpoints: "
                                 + ", ".join(CHECKPOINT_FORMS) + " ('module.' prefixes are stripped).")
    cl.add_argument("arch", help=f"torchvision name ({', '.join(PARITY_ARCHS)}, ...) or module:function "
                                 "(or path/file.py:function) returning the nn.Module skeleton")
    cl.add_argument("--out", type=Path, required=True, help="package folder (with --pattern: parent folder)")
    cl.add_argument("--checkpoint", type=Path, default=None, help="weights (default: seeded random)")
    cl.add_argument("--pattern", default=None, help="glob of checkpoints: one package each, in --out/<stem>")
    cl.add_argument("--num-classes", type=int, default=None, help="replace the head with N outputs")
    cl.add_argument("--multi-label", action="store_true", help="sigmoid outputs (validated as sigmoid)")
    cl.add_argument("--labels", default=None, help="text file, one label per line")
    cl.add_argument("--precision", nargs="+", choices=["fp32", "int8", "fp16"], default=["fp32"],
                    help="int8 = dynamic 8-bit MatMul (int8 per-channel weights) and Conv (uint8 weights; not the first or depthwise ones), see weft_models/classifier/quantize.py; several: one package per precision in --out/<p>")
    cl.add_argument("--opset", type=int, default=18)
    cl.add_argument("--seed", type=int, default=0, help="weights and dummy-input seed")
    cl.add_argument("--crop", type=int, default=None, help="input size (default: the arch's, e.g. 224)")
    cl.add_argument("--name", default=None, help="manifest name (default: the arch)")
    cl.add_argument("--images", default=None, help="folder of images for top-1 agreement (default: generated)")
    cl.add_argument("--validate-only", action="store_true", help="validate existing package(s), no export")
    cl.add_argument("--allow-warn", action="store_true", help="accept WARN for fp32")


def add_validate(sub, common) -> None:
    va = add_command(sub, "classifier", common, cmd_validate, help="a classifier package vs PyTorch",
                     description="Grade a classifier package against the PyTorch model its "
                                 "weft.json 'source' record names (input sets and top-1 on "
                                 "images; an int8 package against its fp32 export, by cosine "
                                 "and top-1 on images), record the result in weft.json, print a JSON line.",
                     package=True)
    va.add_argument("--images", default=None, help="folder of images for top-1 agreement (default: generated)")
    va.add_argument("--allow-warn", action="store_true", help="accept WARN for fp32")
