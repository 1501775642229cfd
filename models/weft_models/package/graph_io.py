"""An ONNX graph's real inputs and outputs, as a manifest declares them (docs/MANIFEST.md,
"components"): name, dtype and shape, read with `onnx` without loading external weights."""
from __future__ import annotations

from pathlib import Path

import onnx
from google.protobuf.message import DecodeError

# ONNX element types Weft runs, by their manifest names.
DTYPES = {onnx.TensorProto.FLOAT: "float32", onnx.TensorProto.FLOAT16: "float16",
          onnx.TensorProto.INT64: "int64", onnx.TensorProto.INT32: "int32",
          onnx.TensorProto.INT8: "int8", onnx.TensorProto.UINT8: "uint8",
          onnx.TensorProto.BOOL: "bool"}
# A dynamic dim the graph leaves unnamed is the batch: the core reads such a graph the same way
# (session_check.h, kUnnamedDim).
UNNAMED_DIM = "batch"


def load_graph(path: str | Path) -> onnx.ModelProto:
    """The graph of an .onnx file (its external data left on disk); ValueError naming the file
    when it is not an ONNX model."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    try:  # protobuf whatever the file's extension (onnx.load guesses a text format from it)
        proto = onnx.load_model_from_string(path.read_bytes(), format="protobuf")
    except (DecodeError, ValueError) as e:
        raise ValueError(f"{path}: not an ONNX model ({type(e).__name__}: {e})") from None
    if not proto.HasField("graph") or not proto.graph.output:
        raise ValueError(f"{path}: not an ONNX model (it parses to an empty graph)")
    return proto


def _tensor(vi, where: str) -> dict:
    t = vi.type.tensor_type
    if not vi.type.HasField("tensor_type") or t.elem_type not in DTYPES:
        kind = onnx.TensorProto.DataType.Name(t.elem_type) if vi.type.HasField("tensor_type") else vi.type.WhichOneof("value")
        raise ValueError(f"{where}: '{vi.name}' is {kind}, which Weft does not run "
                         f"(supported: {', '.join(DTYPES.values())})")
    shape = []
    for d in t.shape.dim:
        shape.append(d.dim_value if d.HasField("dim_value") else d.dim_param or UNNAMED_DIM)
    return {"name": vi.name, "dtype": DTYPES[t.elem_type], "shape": shape}


def graph_io(path: str | Path) -> tuple[list[dict], list[dict]]:
    """(inputs, outputs) of the graph as manifest tensor entries; initializers listed as graph
    inputs (older exporters do that) are not inputs anyone feeds."""
    proto = load_graph(path)
    weights = {i.name for i in proto.graph.initializer}
    inputs = [_tensor(vi, f"{path}: input") for vi in proto.graph.input if vi.name not in weights]
    outputs = [_tensor(vi, f"{path}: output") for vi in proto.graph.output]
    return inputs, outputs
