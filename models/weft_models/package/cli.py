"""`weft-models package stream|classifier MODEL.onnx --out DIR …`: a Weft package around an
existing .onnx file. The graph's inputs and outputs are read from the file (graph_io.py), the
generator keys come from the flags, the file is copied and hashed, and the package is proven by
loading it (check.py). Exit codes as the other subcommands: 0 written and loaded; 2 bad usage or
input (a file that is not an ONNX graph, a tensor the graph lacks)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..common.cli import add_command


def _size(text: str):
    """An integer, or HEIGHT,WIDTH."""
    parts = [int(p) for p in text.split(",")]
    if len(parts) not in (1, 2):
        raise ValueError(f"expected N or HEIGHT,WIDTH but got {text!r}")
    return parts[0] if len(parts) == 1 else parts


def _size_or_object(text: str):
    """N, HEIGHT,WIDTH, or a JSON object (an aspect-preserving resize, docs/MANIFEST.md)."""
    return _object(text) if text.lstrip().startswith("{") else _size(text)


def _object(text: str) -> dict:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"expected a JSON object but got {text!r} ({e.msg})") from None
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object but got {text!r}")
    return value


def _rgb(text: str) -> list[float]:
    parts = [float(p) for p in text.split(",")]
    if len(parts) != 3:
        raise ValueError(f"expected three numbers R,G,B but got {text!r}")
    return parts


def _pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name or not value:
        raise ValueError(f"expected NAME=VALUE but got {text!r}")
    return name, value


# The classifier's preprocessing flags: (flag, manifest key under generator.preprocess, parser,
# help). docs/MANIFEST.md lists the keys; a new key is one more row.
CLASSIFIER_PREPROCESS_FLAGS = [
    ("--resize", "resize", _size_or_object, "shorter side N (needs --crop), exact HEIGHT,WIDTH, or an "
     "aspect-preserving resize as JSON, e.g. '{\"mode\": \"height\", \"height\": 48, \"max_width\": 192, "
     "\"rounding\": \"ceil\"}'"),
    ("--crop", "crop", _size, "center crop N or HEIGHT,WIDTH"),
    ("--pad", "pad", _object, "the resized image on a canvas, as JSON, e.g. "
     "'{\"size\": [48, 192], \"position\": \"top-left\", \"normalized_value\": 0}'"),
    ("--channels", "channels", str, "the tensor's channel order: rgb (default) or bgr"),
    ("--mean", "mean", _rgb, "R,G,B subtracted after scaling to [0, 1]"),
    ("--std", "std", _rgb, "R,G,B divided by after the mean"),
    ("--interpolation", "interpolation", str, "bilinear (default) or bicubic"),
    ("--max-pixels", "max_pixels", int, "larger images are refused"),
]


def _write(args, manifest: dict) -> int:
    from ..common import manifest as mf
    from .check import check_package
    out: Path = args.out
    if out.exists() and any(out.iterdir()):
        raise ValueError(f"--out {out}: not empty (the package needs a new or empty folder)")
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(args.model, out / args.model.name)
    mf.write_manifest(mf.fill_file_info(manifest, out), out)
    loaded = check_package(out)
    print(json.dumps({"package": str(out), "generator": manifest["generator"]["type"], **loaded}))
    return 0


def cmd_stream(args) -> int:
    from .graph_io import graph_io
    from .manifest import stream_manifest
    inputs, outputs = graph_io(args.model)
    constants = []
    for text in args.constant:
        name, value = _pair(text)
        constants.append((name, float(value)))
    manifest = stream_manifest(args.name or args.model.stem, args.model.name, inputs, outputs,
                               states=[_pair(s) for s in args.state], constants=constants,
                               samples=args.samples, result=args.result, chunk=args.chunk,
                               context=args.context, sample_rate=args.sample_rate)
    return _write(args, manifest)


def cmd_classifier(args) -> int:
    from .graph_io import graph_io
    from .manifest import classifier_manifest, read_labels
    inputs, outputs = graph_io(args.model)
    preprocess = {key: getattr(args, key) for _, key, _, _ in CLASSIFIER_PREPROCESS_FLAGS
                  if getattr(args, key) is not None}
    manifest = classifier_manifest(args.name or args.model.stem, args.model.name, inputs, outputs,
                                   preprocess=preprocess, pixel_values=args.pixel_values, logits=args.logits,
                                   postprocess=args.postprocess,
                                   labels=read_labels(args.labels) if args.labels else None, top_k=args.top_k)
    return _write(args, manifest)


def _common_flags(p) -> None:
    p.add_argument("model", type=Path, help="the .onnx file")
    p.add_argument("-o", "--out", type=Path, required=True, help="the package folder to write (new or empty)")
    p.add_argument("--name", default=None, help="the package's name (default: the file's stem)")


def _argtype(parse):
    """argparse reports a ValueError from a type as a usage error naming the flag."""
    def wrapped(text):
        try:
            return parse(text)
        except ValueError as e:
            import argparse
            raise argparse.ArgumentTypeError(str(e)) from None
    return wrapped


def add_package(sub, common) -> None:
    top = sub.add_parser("package", help="a package around an existing .onnx file",
                         description="Write a Weft package around an existing .onnx file: its inputs and "
                                     "outputs read from the graph, the generator keys from the flags.")
    kinds = top.add_subparsers(dest="generator", required=True)
    st = add_command(kinds, "stream", common, cmd_stream, help="a stream package (chunks of samples)",
                     description="A stream generator: fixed-size chunks of float32 samples through a "
                                 "stateful graph (docs/MANIFEST.md, stream).")
    _common_flags(st)
    st.add_argument("--state", action="append", default=[], metavar="IN=OUT",
                    help="a state pair: input IN starts as zeros and is replaced by output OUT after each run")
    st.add_argument("--constant", action="append", default=[], metavar="NAME=VALUE",
                    help="input NAME fed VALUE on every run (every element), e.g. sr=16000")
    st.add_argument("--samples", default=None, help="the samples input (default: the one input left)")
    st.add_argument("--result", default=None, help="the result output (default: the one non-state output)")
    st.add_argument("--chunk", type=int, default=None, help="new samples per run")
    st.add_argument("--context", type=int, default=None, help="samples of the previous input before each chunk")
    st.add_argument("--sample-rate", type=int, default=None, help="the rate the graph expects, in Hz")
    cl = add_command(kinds, "classifier", common, cmd_classifier, help="an image classifier package",
                     description="An image classifier: one RGBA image preprocessed by the core, one run, "
                                 "softmax/sigmoid and the top labels (docs/MANIFEST.md, classifier).")
    _common_flags(cl)
    for flag, key, parse, help_ in CLASSIFIER_PREPROCESS_FLAGS:
        cl.add_argument(flag, dest=key, type=_argtype(parse), default=None, help=help_)
    cl.add_argument("--pixel-values", default=None, help="the image input (default: the only input)")
    cl.add_argument("--logits", default=None, help="the scores output (default: the only output)")
    cl.add_argument("--postprocess", choices=["softmax", "sigmoid", "none"], default=None,
                    help="none: the graph already gives scores (ends in Softmax/Sigmoid)")
    cl.add_argument("--labels", type=Path, default=None, help="a text file, one label a line, in class order")
    cl.add_argument("--top-k", type=int, default=None, help="classes a request reports by default")
