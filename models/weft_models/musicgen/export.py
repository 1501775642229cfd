"""Export a MusicGen model to a package folder: every component graph, the grades against
transformers, the transformers.js config files and the tokenizer, then weft.json (last: a folder
without it is not a package, so an interrupted export never looks complete).

Each graph is exported with torch.export (dynamo) and its dynamic axes checked symbolic; the
decoder graphs' weights are written once to a shared file.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
import onnx

from ..common import manifest as mf
from ..common.device_inputs import device_input_readers, shapes_from_lookups
from ..common.onnx_tools import MIN_OPSET, ExportError, check_symbolic, export_module, name_dims
from ..common.torch_tools import dynamic_shapes, threads_for
from .components import Dims, Spec, specs, weights_file
from .manifest import fill_external_data, manifest_for, write_hf_configs
from .merge import merge_if
from .weights import WeightFiles

log = logging.getLogger(__name__)


class ValidationError(RuntimeError):
    pass


FIXED = {"heads", "head_dim", "codebooks", "vocab", "text_hidden", "hidden"}  # manifest dims


def _sym(shape) -> dict:
    return {i: s for i, s in enumerate(shape) if isinstance(s, str) and s not in FIXED}


def _dynamic(spec_inputs, module) -> dict:
    return dynamic_shapes([_sym(shape) for _, _, shape in spec_inputs], module)


def _axes(spec_io) -> dict:
    return {n: _sym(shape) for n, _, shape in spec_io}


def _export_one(spec: Spec, module, dims: Dims, opset: int, inputs=None, outputs=None,
                feeds=None) -> onnx.ModelProto:
    import torch
    inputs = inputs or spec.inputs
    outputs = outputs or spec.outputs
    feeds = feeds if feeds is not None else spec.trace(dims, np.random.default_rng(1234))
    args = tuple(torch.from_numpy(feeds[n]) for n, _, _ in inputs)
    translations = None
    if spec.extra.get("contrib_ops"):
        from .cache_attention import onnx_translation
        translations = onnx_translation()
    proto = export_module(module, args, [n for n, _, _ in inputs], [n for n, _, _ in outputs],
                          _dynamic(inputs, module), opset, translations)
    name_dims(proto, {n: s for n, _, s in [*inputs, *outputs]})
    if "device_inputs" in spec.extra:  # run with its host inputs bound as GPU buffers
        shapes_from_lookups(proto)
        bad = device_input_readers(proto, spec.extra["device_inputs"])
        if bad:
            raise ExportError(f"{spec.name}: an integer input is read on the CPU under WebGPU: "
                              + "; ".join(bad))
    return proto


def _export_merged(spec: Spec, core, dims: Dims, opset: int) -> onnx.ModelProto:
    from .graphs import MergedBranch
    rng = np.random.default_rng(1234)
    nopast_in = spec.inputs[:3]
    past_in = spec.inputs[:-1]
    outs = spec.outputs
    f0 = spec.trace(dims, rng, p=0)
    f1 = spec.trace(dims, rng, p=5)
    p0 = _export_one(spec, MergedBranch(core, False), dims, opset, nopast_in, outs, f0)
    p1 = _export_one(spec, MergedBranch(core, True), dims, opset, past_in, outs, f1)
    ins = [onnx.helper.make_tensor_value_info(
        n, {"int64": onnx.TensorProto.INT64, "float32": onnx.TensorProto.FLOAT,
            "bool": onnx.TensorProto.BOOL}[dt], shape) for n, dt, shape in spec.inputs]
    merged = merge_if(p0, p1, ins, [n for n, _, _ in outs])
    name_dims(merged, {n: s for n, _, s in outs})
    return merged


def export_components(model, out: str | Path, *, opset: int = 18,
                      only: list[str] | None = None, progress=None) -> dict[str, float]:
    """Write every component's .onnx into `out`; returns seconds per component."""
    from .graphs import DecoderCore, symbolic_encodec_padding
    if opset < MIN_OPSET:
        raise ExportError(f"opset {opset} is not supported (minimum {MIN_OPSET})")
    if model.training:
        raise ExportError("model is in training mode; call model.eval() first")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    dims = Dims.of(model)
    core = DecoderCore(model).eval()
    all_specs = specs(dims)
    todo = [s for s in all_specs if not only or s.name in only]
    if any(s.shared_weights for s in todo):  # the shared weights file is rewritten: all of them
        todo = [s for s in all_specs if s in todo or s.shared_weights]
    files = WeightFiles(out)
    times = {}
    try:
        for spec in todo:
            t0 = time.perf_counter()
            if spec.name == "decoder_model_merged":
                proto = _export_merged(spec, core, dims, opset)
            else:
                with symbolic_encodec_padding():
                    proto = _export_one(spec, spec.make(model, core).eval(), dims, opset)
            check_symbolic(proto, {n: a for n, a in _axes([*spec.inputs, *spec.outputs]).items()
                                   if a})
            if weights_file(spec):
                files.externalize(proto, weights_file(spec))
            path = out / spec.file
            onnx.save(proto, str(path))
            try:  # onnxruntime's own operators have no schema in `onnx`: checked structurally
                onnx.checker.check_model(str(path), full_check=not spec.extra.get("contrib_ops"))
            except Exception as e:
                raise ExportError(f"{spec.name}: not valid ONNX (opset {opset}): {e}") from e
            times[spec.name] = time.perf_counter() - t0
            log.info("exported %s (%.1f s)", spec.name, times[spec.name])
            if progress:
                progress(spec.name)
    finally:
        files.close()
    return times


def export_package(model, out: str | Path, *, name: str, source: dict, opset: int = 18,
                   validate: bool = True, tokenizer_dir: Path | None = None,
                   generation: dict | None = None, progress=None) -> dict:
    """Export + validate; returns {"times": ..., "reports": [...], "bytes": n}."""
    from .check import check_package
    from .tokenizer import write_tokenizer
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "weft.json").unlink(missing_ok=True)
    t0 = time.perf_counter()
    dims = Dims.of(model)
    with threads_for(model):
        times = export_components(model, out, opset=opset, progress=progress)
        reports = []
        if validate:
            reports = [r.summary() for r in check_package(model, out, dims)]
            bad = [r for r in reports if r["band"] != "PASS"]
            if bad:
                raise ValidationError(f"{out}: components not PASS vs transformers: {bad}")
    write_hf_configs(model, out)
    write_tokenizer(out, dims.text_vocab, tokenizer_dir)
    src = dict(source, opset=opset)
    m = manifest_for(name, dims, src, reports, generation)
    tok = out / "tokenizer.json"  # the core's tokenizer encodes the descriptions
    m["tokenizer"] = {"file": tok.name, "sha256": mf.sha256_file(tok), "bytes": tok.stat().st_size}
    mf.write_manifest(fill_external_data(mf.fill_file_info(m, out), out), out)
    total = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    log.info("%s: %d bytes in %.1f s", out, total, time.perf_counter() - t0)
    return {"times": times, "reports": reports, "bytes": total,
            "seconds": time.perf_counter() - t0}
