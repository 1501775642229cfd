"""Concrete input sets for any graph, learned from the package's `weft.json` where there is one.

Validation needs concrete shapes for symbolic dims that stay mutually consistent (a decoder's
`total` must equal `past + seq`) and valid ranges for integer inputs (ids < vocab). Both come
from the manifest beside the graph; a bare .onnx file falls back to conservative defaults.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx

from .manifest import read_manifest
from .validate import InputSpec, make_input_sets

# batch, seq, past differ from each other and from the export trace (2, 3, 4) on purpose.
DEFAULT_SIZES = {"batch": 2, "seq": 5, "past": 3, "total": 8}
UNKNOWN_DIM = 3
INT_HIGH_BY_NAME = {"input_ids": "vocab", "position_ids": "max_positions"}

_ONNX_DTYPES = {onnx.TensorProto.FLOAT: "float32", onnx.TensorProto.INT64: "int64",
                onnx.TensorProto.INT32: "int32", onnx.TensorProto.FLOAT16: "float16",
                onnx.TensorProto.BOOL: "bool", onnx.TensorProto.DOUBLE: "float64"}


def find_manifest(onnx_path: str | Path) -> tuple[dict, str] | None:
    """(manifest, component name) when a weft.json next to the file names it."""
    p = Path(onnx_path)
    mpath = p.parent / "weft.json"
    if not mpath.is_file():
        return None
    m = read_manifest(p.parent)
    for name, comp in m["components"].items():
        if comp["file"] in (p.name, p.name.replace(".sanitized.onnx", ".onnx")):
            return m, name
    return None


def graph_input_specs(onnx_path: str | Path, manifest: dict | None = None,
                      component: str | None = None) -> tuple[list[InputSpec], dict]:
    """Concrete InputSpecs for every graph input, and constants to pin ({name: array}).

    Dims: an int stays; a manifest `dims` name takes its value; batch/seq/past/total take
    DEFAULT_SIZES; anything else UNKNOWN_DIM. Ints: ids bounded by the manifest's vocab /
    max_positions, everything else 0..1. Manifest constants are fed as given (e.g. sr=16000).
    """
    model = onnx.load(str(onnx_path), load_external_data=False)
    dims = dict(manifest["dims"]) if manifest else {}
    declared = {}
    constants = {}
    if manifest and component:
        for e in manifest["components"][component]["inputs"]:
            declared[e["name"]] = e["shape"]
        for c in manifest.get("constants", []):
            if c["component"] == component:
                constants[c["input"]] = np.array(c["values"], dtype=c["dtype"]).reshape(c["shape"])
    init_names = {i.name for i in model.graph.initializer}
    specs = []
    for vi in model.graph.input:
        if vi.name in init_names or vi.name in constants:
            continue
        tt = vi.type.tensor_type
        shape_src = _declared_shape(vi.name, declared) or [
            d.dim_value if d.HasField("dim_value") else (d.dim_param or None) for d in tt.shape.dim]
        shape = tuple(_size(d, dims) for d in shape_src)
        high = None
        if vi.name in INT_HIGH_BY_NAME and INT_HIGH_BY_NAME[vi.name] in dims:
            high = int(dims[INT_HIGH_BY_NAME[vi.name]])
        specs.append(InputSpec(vi.name, _ONNX_DTYPES.get(tt.elem_type, "float32"), shape, high))
    return specs, constants


def _declared_shape(name: str, declared: dict):
    for pattern, shape in declared.items():  # `{layer}` templates match any layer index
        if pattern == name or ("{layer}" in pattern and _template_match(pattern, name)):
            return shape
    return None


def _template_match(pattern: str, name: str) -> bool:
    pre, post = pattern.split("{layer}")
    if not (name.startswith(pre) and name.endswith(post)):
        return False
    return name[len(pre): len(name) - len(post)].isdigit()


def _size(d, dims: dict) -> int:
    if isinstance(d, int):
        return d
    if d in dims:
        return int(dims[d])
    return DEFAULT_SIZES.get(d, UNKNOWN_DIM) if d else UNKNOWN_DIM


def input_sets_for(onnx_path: str | Path, seed: int = 0) -> dict:
    """zeros / ones / random / extreme feeds for any graph, manifest-aware when possible."""
    found = find_manifest(onnx_path)
    manifest, comp = found if found else (None, None)
    specs, constants = graph_input_specs(onnx_path, manifest, comp)
    sets = make_input_sets(specs, seed=seed)
    for feeds in sets.values():
        feeds.update(constants)
    return sets
