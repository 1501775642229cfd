"""Export every component of a MusicGen model into one package folder.

Each graph is exported with torch.export (dynamo), its dynamic axes checked symbolic, the
decoder graphs' weights written once to a shared file, and the package manifest written last
(after validation, in packaging.py) so an interrupted export never looks complete.
"""
from __future__ import annotations

import inspect
import logging
import time
from pathlib import Path

import numpy as np
import onnx

from ..export import ExportError, MIN_OPSET, check_symbolic
from .components import Dims, Spec, specs
from .onnx_tools import WeightFiles, export_module, merge_if, name_dims

log = logging.getLogger(__name__)
WEIGHTS_FILE = "decoder_weights.bin"


def weights_file(spec: Spec) -> str | None:
    """The external data file of a graph's large initializers: the shared one, or `<file>_data`
    for a graph that keeps its weights to itself (the name transformers.js looks for; inline, a
    graph over ~1.5 GB does not fit onnxruntime-web's 4 GB heap, which holds the model bytes and
    the initializers made from them together while the session loads). None: inline."""
    if spec.shared_weights:
        return WEIGHTS_FILE
    return f"{spec.file}_data" if spec.own_weights else None


FIXED = {"heads", "head_dim", "codebooks", "vocab", "text_hidden", "hidden"}  # manifest dims


def _sym(shape) -> dict:
    return {i: s for i, s in enumerate(shape) if isinstance(s, str) and s not in FIXED}


def _dynamic(spec_inputs, module) -> dict:
    """dynamic_shapes keyed like the module's forward signature (var-positional -> tuple)."""
    axes = [_sym(shape) for _, _, shape in spec_inputs]
    params = list(inspect.signature(module.forward).parameters.values())
    out, k = {}, 0
    for p in params:
        if p.kind == p.VAR_POSITIONAL:
            if k < len(axes):
                out[p.name] = tuple(axes[k:])
            k = len(axes)
        elif k < len(axes):
            out[p.name] = axes[k]
            k += 1
    return out


def _axes(spec_io) -> dict:
    return {n: _sym(shape) for n, _, shape in spec_io}


def _export_one(spec: Spec, module, dims: Dims, opset: int, inputs=None, outputs=None,
                feeds=None) -> onnx.ModelProto:
    import torch
    inputs = inputs or spec.inputs
    outputs = outputs or spec.outputs
    feeds = feeds if feeds is not None else spec.trace(dims, np.random.default_rng(1234))
    args = tuple(torch.from_numpy(feeds[n]) for n, _, _ in inputs)
    proto = export_module(module, args, [n for n, _, _ in inputs], [n for n, _, _ in outputs],
                          _dynamic(inputs, module), opset)
    name_dims(proto, {n: s for n, _, s in [*inputs, *outputs]})
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
            try:
                onnx.checker.check_model(str(path), full_check=True)
            except Exception as e:
                raise ExportError(f"{spec.name}: not valid ONNX (opset {opset}): {e}") from e
            times[spec.name] = time.perf_counter() - t0
            log.info("exported %s (%.1f s)", spec.name, times[spec.name])
            if progress:
                progress(spec.name)
    finally:
        files.close()
    return times
