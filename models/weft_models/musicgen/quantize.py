"""sanitize / quantize a MusicGen package into a new folder, then grade the result against
transformers with the same checks as the export, recording the metrics in its weft.json."""
from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import onnx

from ..common import manifest as mf
from .weights import WeightFiles

log = logging.getLogger(__name__)
MODES = ("sanitize", "int8", "fp16")


def _convert(proto: onnx.ModelProto, mode: str, src: Path, tmp: Path) -> onnx.ModelProto:
    if mode == "sanitize":
        from ..common.sanitize import sanitize_model
        return sanitize_model(proto)
    if mode == "fp16":
        from onnxruntime.transformers.float16 import convert_float_to_float16
        # fp32 inputs/outputs kept: the runtime's feeds and state stay as in the manifest.
        return convert_float_to_float16(proto, keep_io_types=True, disable_shape_infer=True)
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from ..common.sanitize import sanitize_model
    inp, out = tmp / "in.onnx", tmp / "out.onnx"
    # Folded first: EnCodec's weight-norm weights are computed (Mul) in the exported graph, and
    # the quantizer only quantizes weights that are initializers.
    onnx.save(sanitize_model(proto), str(inp))
    # EnableSubgraph: decoder_model_merged computes everything inside its If branches (weights
    # shared from the outer graph); without it the quantizer leaves that graph fp32.
    quantize_dynamic(str(inp), str(out), weight_type=QuantType.QInt8,
                     op_types_to_quantize=["MatMul", "Gemm"],
                     extra_options={"EnableSubgraph": True})
    return onnx.load(str(out))


def transform_package(src: str | Path, dst: str | Path, mode: str, *, validate: bool = True,
                      progress=None) -> dict:
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; known: {', '.join(MODES)}")
    from .build import model_from_source
    from .check import check_package
    from .components import Dims
    from .manifest import fill_external_data
    src, dst = Path(src), Path(dst)
    m = mf.read_manifest(src)
    if src.resolve() == dst.resolve():
        raise ValueError(f"{dst}: write the {mode} package to another folder")
    dst.mkdir(parents=True, exist_ok=True)
    (dst / "weft.json").unlink(missing_ok=True)
    # Each external data file is written anew, holding the converted weights of the graphs that
    # name it (the shared decoder weights, a graph's own `<file>_data`).
    rewritten = {e["file"] for c in m["components"].values() for e in c.get("external_data", [])}
    for f in src.iterdir():
        if f.is_file() and f.suffix != ".onnx" and f.name != "weft.json" and f.name not in rewritten:
            shutil.copyfile(f, dst / f.name)
    tmp = dst / ".tmp"
    tmp.mkdir(exist_ok=True)
    files = WeightFiles(dst)
    try:
        for name, comp in m["components"].items():
            proto = onnx.load(str(src / comp["file"]))  # external data loaded too
            proto = _convert(proto, mode, src, tmp)
            for ext in comp.get("external_data", []):
                files.externalize(proto, ext["file"])
            onnx.save(proto, str(dst / comp["file"]))
            if progress:
                progress(name)
    finally:
        files.close()
        shutil.rmtree(tmp, ignore_errors=True)
    model = model_from_source(m["source"])
    reports = []
    if validate:
        reports = [r.summary() for r in check_package(model, dst, Dims.of(model))]
    m["validation"] = {**m.get("validation", {}), mode: reports}
    m["name"] = f"{m['name']}-{mode}" if mode != "sanitize" else m["name"]
    if mode != "sanitize" and "precision" in m:  # a package that names its precision names the new one
        from ..common.precisions import BACKENDS
        m["precision"], m["backends"] = mode, BACKENDS[mode]
    mf.write_manifest(fill_external_data(mf.fill_file_info(m, dst), dst), dst)
    log.info("%s -> %s (%s): %s", src, dst, mode, json.dumps(reports))
    return {"reports": reports}
