"""`weft-models musicgen {export,validate,sanitize,quantize}` (added to the main CLI)."""
from __future__ import annotations

import argparse
import glob
import json
import logging
import time
from pathlib import Path

log = logging.getLogger("weft_models.musicgen")


def _bar(total: int, desc: str):
    from tqdm import tqdm
    bar = tqdm(total=total, desc=desc, unit="graph", leave=False,
               disable=not log.isEnabledFor(logging.INFO))
    return bar, (lambda name: (bar.set_postfix_str(name), bar.update(1)))


def _print_reports(reports):
    for r in reports:
        print(json.dumps(r))


def cmd_export(args) -> int:
    from .build import build_random, load_checkpoint
    from .package import ValidationError, export_package
    if args.validate_only:
        return cmd_validate(argparse.Namespace(package=args.out))
    if args.pattern:
        sources = sorted(glob.glob(args.pattern))
        if not sources:
            raise FileNotFoundError(f"--pattern {args.pattern!r} matches no checkpoint")
    else:
        sources = [args.checkpoint] if args.checkpoint else [None]
    failed = 0
    for ckpt in sources:
        out = Path(args.out) / Path(ckpt).stem if args.pattern else Path(args.out)
        t0 = time.perf_counter()
        if ckpt:
            model = load_checkpoint(ckpt, args.preset)
            source = {"builder": "weft_models.musicgen", "checkpoint": str(Path(ckpt).resolve()),
                      "preset": args.preset}
        else:
            model = build_random(args.preset, args.seed)
            source = {"builder": "weft_models.musicgen", "preset": args.preset, "seed": args.seed}
        bar, tick = _bar(7, f"export {out.name}")
        try:
            r = export_package(model, out, name=args.name or out.name, source=source,
                               opset=args.opset, validate=not args.no_validate,
                               tokenizer_dir=Path(ckpt) if ckpt and Path(ckpt).is_dir() else None,
                               progress=tick)
        except ValidationError as e:
            log.error("%s", e)
            failed += 1
            continue
        finally:
            bar.close()
        _print_reports(r["reports"])
        print(f"wrote {out} ({r['bytes']} bytes) in {time.perf_counter() - t0:.1f} s")
    return 1 if failed else 0


def cmd_validate(args) -> int:
    import torch

    from ..manifest import read_manifest
    from .check import check_package
    from .components import Dims
    from .package import model_from_source
    from .parity import pipeline_parity
    torch.set_num_threads(1)
    m = read_manifest(args.package)
    model = model_from_source(m["source"])
    reports = [r.summary() for r in check_package(model, args.package, Dims.of(model))]
    _print_reports(reports)
    ok = all(r["band"] == "PASS" for r in reports)
    for mode in ("text", "continuation"):
        line = pipeline_parity(model, Path(args.package), mode, getattr(args, "steps", 68))
        print(json.dumps(line))
        ok &= line["matched"] == line["steps"]
    print("validation:", "OK" if ok else "FAILED")
    return 0 if ok else 1


def _transform(mode):
    def run(args) -> int:
        from .transform import transform_package
        bar, tick = _bar(7, mode)
        try:
            r = transform_package(args.package, args.out, mode, progress=tick)
        finally:
            bar.close()
        _print_reports(r["reports"])
        print(f"wrote {args.out}")
        return 0
    return run


def add_parser(sub, common) -> None:
    mg = sub.add_parser("musicgen", help="MusicGen: export / validate / sanitize / quantize",
                        description="MusicGen packages (transformers' "
                                    "MusicgenForConditionalGeneration as the source of truth).")
    s = mg.add_subparsers(dest="mg_command", required=True)
    ex = s.add_parser("export", parents=[common], help="export one model or many (--pattern)",
                      description="Export text_encoder, encodec_encode/decode, Weft's decoder "
                                  "graphs and transformers.js' decoder_model_merged, validate "
                                  "each against transformers, write weft.json.")
    ex.add_argument("--out", type=Path, required=True, help="package folder (parent with --pattern)")
    ex.add_argument("--preset", choices=["tiny", "small"], default="tiny",
                    help="config for random weights, or T5/EnCodec sizes for audiocraft files")
    ex.add_argument("--seed", type=int, default=0)
    ex.add_argument("--checkpoint", help="Hugging Face folder or audiocraft state_dict.bin")
    ex.add_argument("--pattern", help="glob of checkpoints; each to --out/<name>")
    ex.add_argument("--opset", type=int, default=18)
    ex.add_argument("--name", default=None)
    ex.add_argument("--no-validate", action="store_true")
    ex.add_argument("--validate-only", action="store_true",
                    help="validate the existing package in --out instead of exporting")
    ex.set_defaults(fn=cmd_export)
    va = s.add_parser("validate", parents=[common], help="components + greedy loop vs transformers")
    va.add_argument("package", type=Path)
    va.add_argument("--steps", type=int, default=68)
    va.set_defaults(fn=cmd_validate)
    sa = s.add_parser("sanitize", parents=[common], help="fold/clean every graph, then validate")
    sa.add_argument("package", type=Path)
    sa.add_argument("--out", type=Path, required=True)
    sa.set_defaults(fn=_transform("sanitize"))
    qu = s.add_parser("quantize", parents=[common], help="int8 (dynamic) or fp16, then validate",
                      description="Writes a quantized package, grades it against transformers "
                                  "and records the metrics under validation.<mode> in weft.json.")
    qu.add_argument("package", type=Path)
    qu.add_argument("--out", type=Path, required=True)
    qu.add_argument("--mode", choices=["int8", "fp16"], default="int8")
    qu.set_defaults(fn=lambda a: _transform(a.mode)(a))
