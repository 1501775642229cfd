"""`weft-models export pocket-tts` and `weft-models validate pocket-tts` (registered by
../cli.py): export a Pocket TTS package (a preset with seeded random weights, or a checkpoint
folder), graded against pocket-tts; optionally its int8 copy beside it."""
from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from ..common.cli import add_command

log = logging.getLogger("weft_models.pocket_tts")
FAMILY = "pocket-tts"


def cmd_export(args) -> int:
    from .build import BUILDER, build_random, load_checkpoint
    from .export import ValidationError, export_package
    t0 = time.perf_counter()
    if args.checkpoint:
        model, tok = load_checkpoint(args.checkpoint)
        source = {"builder": BUILDER, "checkpoint": str(Path(args.checkpoint).resolve())}
    else:
        model, tok = build_random(args.preset, args.seed)
        source = {"builder": BUILDER, "preset": args.preset, "seed": args.seed}
    name = args.name or (Path(args.out).name if args.checkpoint else f"pocket-tts-{args.preset}")
    try:
        r = export_package(model, tok, args.out, name=name, source=source, opset=args.opset,
                           decode_steps=args.decode_steps, validate=not args.no_validate)
    except ValidationError as e:
        log.error("%s", e)
        return 1
    for line in r["reports"]:
        print(json.dumps(line))
    print(f"wrote {args.out} ({r['bytes']} bytes) in {time.perf_counter() - t0:.1f} s")
    if args.int8:
        from .quantize import quantize_package
        out8 = Path(str(args.out).rstrip("/") + "-int8")
        q = quantize_package(model, Path(args.out), out8)
        print(json.dumps(q["grade"]))
        print(f"wrote {out8} ({q['bytes']} bytes)")
        if not q["grade"]["ok"]:
            return 1
    return 0


def cmd_validate(args) -> int:
    from ..common.manifest import read_manifest
    if read_manifest(args.package).get("source", {}).get("quantization"):
        from .quantize import validate_int8
        line = validate_int8(args.package)
        print(json.dumps(line))
        return 0 if line["ok"] else 1
    from .check import validate_package
    ok = True
    for line in validate_package(args.package):
        print(json.dumps(line), flush=True)
        ok &= line["band"] == "PASS"
    print("validation:", "OK" if ok else "FAILED")
    return 0 if ok else 1


def add_export(sub, common) -> None:
    from .build import PRESETS
    ex = add_command(sub, FAMILY, common, cmd_export,
                     help="Kyutai's Pocket TTS (text-to-speech, voice cloning)",
                     description="Export text_embedder, flow_lm, mimi_decoder and voice_encoder "
                                 "from pocket-tts' TTSModel, grade each against pocket-tts, "
                                 "write weft.json (docs/POCKET_TTS.md).")
    ex.add_argument("--out", type=Path, required=True, help="package folder")
    ex.add_argument("--preset", choices=PRESETS, default="tiny",
                    help="config for seeded random weights (ignored with --checkpoint)")
    ex.add_argument("--checkpoint", type=Path, default=None,
                    help="folder with a YAML config, model.safetensors (TTSModel.state_dict()) "
                         "and tokenizer.json or tokenizer.model")
    ex.add_argument("--seed", type=int, default=0)
    ex.add_argument("--decode-steps", type=int, default=1,
                    help="the flow head's sampler steps unrolled in flow_lm (pocket-tts: 1)")
    ex.add_argument("--opset", type=int, default=18)
    ex.add_argument("--name", default=None)
    ex.add_argument("--int8", action="store_true",
                    help="also write OUT-int8: flow_lm and text_embedder with dynamic int8 "
                         "MatMul/Gather weights, graded as docs/POCKET_TTS.md says")
    ex.add_argument("--no-validate", action="store_true")


def add_validate(sub, common) -> None:
    add_command(sub, FAMILY, common, cmd_validate, help="a Pocket TTS package vs pocket-tts",
                description="Rebuild the model the package's `source` names and grade every "
                            "component against pocket-tts (int8 packages: their own grade); "
                            "one JSON line each.", package=True)
