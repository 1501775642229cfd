"""Export a Pocket TTS model to a package folder: the four component graphs (torch.export /
dynamo, dynamic axes checked symbolic), their grades against pocket-tts, the tokenizer, then
weft.json (last: a folder without it is not a package, so an interrupted export never looks
complete). A graph whose weights exceed EXTERNAL_BYTES keeps them in `<file>_data`."""
from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

import numpy as np
import onnx

from ..common import manifest as mf
from ..common.onnx_tools import MIN_OPSET, ExportError, check_symbolic, export_module, name_dims
from ..common.torch_tools import dynamic_shapes, threads_for
from .components import FIXED, Dims, Spec, specs

log = logging.getLogger(__name__)

EXTERNAL_BYTES = 64 << 20
# Bumped whenever the same (preset, seed) exports to different graphs or weights.
EXPORT_REVISION = 2


class ValidationError(RuntimeError):
    pass


def _sym(shape) -> dict:
    return {i: s for i, s in enumerate(shape) if isinstance(s, str) and s not in FIXED}


def _dynamic(spec: Spec, module) -> dict:
    return dynamic_shapes([_sym(shape) for _, _, shape in spec.inputs], module)


def axes_of(spec: Spec) -> dict:
    return {n: a for n, _, shape in [*spec.inputs, *spec.outputs] if (a := _sym(shape))}


def export_graph(spec: Spec, model, dims: Dims, opset: int) -> onnx.ModelProto:
    import torch
    module = spec.make(model).eval()
    feeds = spec.trace(dims, np.random.default_rng(1234))
    args = tuple(torch.from_numpy(np.asarray(feeds[n])) for n, _, _ in spec.inputs)
    proto = export_module(module, args, [n for n, _, _ in spec.inputs],
                          [n for n, _, _ in spec.outputs], _dynamic(spec, module), opset)
    name_dims(proto, {n: s for n, _, s in [*spec.inputs, *spec.outputs]})
    check_symbolic(proto, axes_of(spec))
    return proto


def _save(proto: onnx.ModelProto, path: Path) -> list[str]:
    """Save the graph; its weights beside it when large. Returns the external data files."""
    size = sum(len(t.raw_data) for t in proto.graph.initializer)
    data = path.with_name(path.name + "_data")
    data.unlink(missing_ok=True)
    if size > EXTERNAL_BYTES:
        onnx.save(proto, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                  location=data.name, size_threshold=1024)
        data.chmod(0o644)  # onnx creates it owner-only; it is served like the graph
        return [data.name]
    onnx.save(proto, str(path))
    return []


def export_components(model, out: Path, *, opset: int = 18, decode_steps: int = 1,
                      progress=None) -> tuple[dict, dict]:
    """Every component's .onnx in `out`: ({name: seconds}, {name: [external data files]})."""
    if opset < MIN_OPSET:
        raise ExportError(f"opset {opset} is not supported (minimum {MIN_OPSET})")
    dims = Dims.of(model)
    times, external = {}, {}
    for spec in specs(dims, decode_steps):
        t0 = time.perf_counter()
        proto = export_graph(spec, model, dims, opset)
        path = out / spec.file
        external[spec.name] = _save(proto, path)
        try:
            onnx.checker.check_model(str(path), full_check=True)
        except Exception as e:
            raise ExportError(f"{spec.name}: not valid ONNX (opset {opset}): {e}") from e
        times[spec.name] = round(time.perf_counter() - t0, 2)
        log.info("exported %s (%.1f s)", spec.name, times[spec.name])
        if progress:
            progress(spec.name)
    return times, external


def export_package(model, tokenizer: Path, out: str | Path, *, name: str, source: dict,
                   opset: int = 18, decode_steps: int = 1, validate: bool = True,
                   progress=None) -> dict:
    """Export + validate; {"times", "reports", "bytes", "seconds"}."""
    from .check import check_package
    from .manifest import manifest_for
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "weft.json").unlink(missing_ok=True)
    t0 = time.perf_counter()
    with threads_for(model):
        times, external = export_components(model, out, opset=opset, decode_steps=decode_steps,
                                            progress=progress)
        tok_name = "tokenizer.json" if Path(tokenizer).suffix == ".json" else "tokenizer.model"
        shutil.copyfile(tokenizer, out / tok_name)
        reports = []
        if validate:
            reports = [r.summary() for r in check_package(model, out, decode_steps=decode_steps)]
            bad = [r for r in reports if r["band"] != "PASS"]
            if bad:
                raise ValidationError(f"{out}: components not PASS vs pocket-tts: {bad}")
    src = dict(source, opset=opset, revision=EXPORT_REVISION, decode_steps=decode_steps)
    m = manifest_for(model, name, src, reports, external, tok_name, decode_steps)
    mf.write_manifest(fill_files(m, out), out)
    total = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    return {"times": times, "reports": reports, "bytes": total,
            "seconds": round(time.perf_counter() - t0, 1)}


def fill_files(m: dict, out: Path) -> dict:
    """sha256 / bytes of every component, external data file and the tokenizer."""
    mf.fill_file_info(m, out)
    entries = [e for c in m["components"].values() for e in c.get("external_data", [])]
    for e in [*entries, m["tokenizer"]]:
        e["sha256"] = mf.sha256_file(out / e["file"])
        e["bytes"] = (out / e["file"]).stat().st_size
    return m
