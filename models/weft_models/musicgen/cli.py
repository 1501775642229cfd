"""`weft-models export musicgen`, `validate musicgen`, `quantize musicgen` and the package form of
`weft-models sanitize` (registered by ../cli.py)."""
from __future__ import annotations

import argparse
import glob
import json
import logging
import time
from pathlib import Path

from ..common.cli import add_command

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
    from .assemble import load_source
    from .export import ValidationError
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
        loaded = load_source(ckpt, base=args.base, compression=args.compression, t5=args.t5,
                             preset=args.preset, seed=args.seed, random_base=args.random_base)
        try:
            if args.precision:
                _export_precisions(loaded, out, args)
                size = ""
            else:
                size = f" ({_export_one(loaded, out, args, name=args.name or out.name)} bytes)"
        except ValidationError as e:
            log.error("%s", e)
            failed += 1
            continue
        print(f"wrote {out}{size} in {time.perf_counter() - t0:.1f} s")
    return 1 if failed else 0


def _export_one(loaded, out: Path, args, *, name: str) -> int:
    """The fp32 package in out; returns its bytes."""
    from .export import export_package
    bar, tick = _bar(7, f"export {out.name}")
    try:
        r = export_package(loaded.model, out, name=name, source=loaded.source, opset=args.opset,
                           validate=not args.no_validate, tokenizer_dir=loaded.tokenizer_dir,
                           generation=loaded.generation, progress=tick)
    finally:
        bar.close()
    _print_reports(r["reports"])
    return r["bytes"]


def _export_precisions(loaded, out: Path, args) -> None:
    """out/<precision> for each of --precision, and the index out/weft.json."""
    from ..common.precisions import write_precisions

    written = write_precisions(out, args.precision,
                               lambda d: _export_one(loaded, d, args, name=args.name or out.name),
                               lambda src, dst, mode: _run_transform(src, dst, mode,
                                                                     validate=not args.no_validate))
    for w in written:
        print(json.dumps(w))


def cmd_validate(args) -> int:
    from .check import validate_package
    ok = True
    for line in validate_package(args.package, getattr(args, "steps", 68)):
        print(json.dumps(line), flush=True)
        ok &= line["band"] == "PASS" if "component" in line else line["matched"] == line["steps"]
    print("validation:", "OK" if ok else "FAILED")
    return 0 if ok else 1


def _run_transform(src: Path, dst: Path, mode: str, *, validate: bool = True) -> None:
    from .quantize import transform_package
    bar, tick = _bar(7, mode)
    try:
        r = transform_package(src, dst, mode, validate=validate, progress=tick)
    finally:
        bar.close()
    _print_reports(r["reports"])


def _transform(mode):
    def run(args) -> int:
        _run_transform(args.package, args.out, mode)
        print(f"wrote {args.out}")
        return 0
    return run


def sanitize_package(package: Path, out: Path) -> int:
    """`weft-models sanitize PACKAGE --out DIR` for a MusicGen package."""
    return _transform("sanitize")(argparse.Namespace(package=package, out=out))


def add_export(sub, common) -> None:
    ex = add_command(sub, "musicgen", common, cmd_export,
                     help="MusicGen: one model or many (--pattern)",
                     description="Export text_encoder, encodec_encode/decode, Weft's decoder "
                                 "graphs and transformers.js' decoder_model_merged, validate "
                                 "each against transformers (MusicgenForConditionalGeneration, "
                                 "the source of truth), write weft.json.")
    ex.add_argument("--out", type=Path, required=True, help="package folder (parent with --pattern)")
    ex.add_argument("--preset", choices=["tiny", "small"], default="tiny",
                    help="config for random weights (and for --random-base)")
    ex.add_argument("--seed", type=int, default=0)
    ex.add_argument("--checkpoint", help="Hugging Face folder or audiocraft state_dict.bin")
    ex.add_argument("--pattern", help="glob of checkpoints; each to --out/<name>")
    ex.add_argument("--base", help="Hugging Face MusicGen folder an audiocraft state_dict.bin "
                                   "was fine-tuned from: its T5, EnCodec, configs and tokenizer")
    ex.add_argument("--compression", help="audiocraft compression_state_dict.bin (EnCodec), "
                                          "with --t5, instead of --base")
    ex.add_argument("--t5", help="T5 folder (save_pretrained, with its tokenizer) for the text "
                                 "encoder, with --compression")
    ex.add_argument("--random-base", action="store_true",
                    help="export an audiocraft state_dict.bin over a random --preset (T5, "
                         "EnCodec, tokenizer random: noise; for tests)")
    ex.add_argument("--precision", nargs="+", choices=["fp32", "fp16", "int8"],
                    help="one package per precision in --out/<precision> (fp16 for webgpu, "
                         "int8 for wasm and cpu, fp32 for all) and an index --out/weft.json "
                         "listing them; without it, one fp32 package in --out")
    ex.add_argument("--opset", type=int, default=18)
    ex.add_argument("--name", default=None)
    ex.add_argument("--no-validate", action="store_true")
    ex.add_argument("--validate-only", action="store_true",
                    help="validate the existing package in --out instead of exporting")


def add_validate(sub, common) -> None:
    va = add_command(sub, "musicgen", common, cmd_validate,
                     help="components + greedy loop vs transformers",
                     description="Grade every component against transformers and the "
                                 "onnxruntime greedy loop (text, continuation) against its "
                                 "`generate`; one JSON line each.",
                     package=True)
    va.add_argument("--steps", type=int, default=68)


def add_quantize(sub, common) -> None:
    qu = add_command(sub, "musicgen", common, lambda a: _transform(a.mode)(a),
                     help="int8 (dynamic) or fp16, then validate",
                     description="Writes a quantized package, grades it against transformers "
                                 "and records the metrics under validation.<mode> in weft.json.",
                     package=True)
    qu.add_argument("--out", type=Path, required=True, help="the new package folder")
    qu.add_argument("--mode", choices=["int8", "fp16"], default="int8")


# The deprecated `weft-models musicgen <command> …` -> today's spelling.
_LEGACY = {"export": ["export", "musicgen"], "validate": ["validate", "musicgen"],
           "quantize": ["quantize", "musicgen"], "sanitize": ["sanitize"]}


def legacy(argv: list[str], families) -> tuple[int, list[str]] | None:
    """(how many of argv's words are the deprecated spelling, today's words)."""
    if argv[:1] == ["musicgen"] and len(argv) > 1 and argv[1] in _LEGACY:
        return 2, _LEGACY[argv[1]]
    return None
