"""Dynamic int8 for classifier packages.

onnxruntime's quantize_dynamic turns a weight-bearing MatMul into DynamicQuantizeLinear +
MatMulInteger and a Conv into ConvInteger (uint8 activations per tensor, ranges computed at run
time; weights int8 per output channel for MatMul, uint8 for Conv, see quantize_int8); all of it
runs on the wasm CPU EP. It does not touch
Gemm, so torch's 2-D Linear layers (every CNN head, ViT's attention out_proj) are first rewritten
as MatMul + Add, which is exact. Kept fp32, as onnxruntime's guide suggests for sensitive or
pointless nodes: the first Conv (stem / ViT patch embedding: raw pixels, few weights), depthwise
and grouped Convs (few weights, no integer kernel gain), weights under MIN_WEIGHTS elements, and
activation x activation MatMuls (attention scores), which have no weight to quantize.

What int8 costs in accuracy is measured, never assumed: every package is validated against
PyTorch fp32 like any other (check.py) and the result is recorded in weft.json. The bands are
absolute (common/validate.py): a logit of 30 (resnet18 on saturated pixels) would need 0.03%
relative precision to be WARN, which no 8-bit activation grid gives.
"""
from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

MIN_WEIGHTS = 4096  # smaller weights save nothing worth a quantize/dequantize pair
REVISION = 3        # bumped when the selection changes, so cached int8 packages are rebuilt


def gemm_to_matmul(model) -> int:
    """Gemm(A, B[, C]) with constant B, alpha = beta = 1, transA = 0 -> MatMul(A, B') [+ Add C]."""
    import onnx
    from onnx import helper, numpy_helper
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    out, n_done = [], 0
    for node in g.node:
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if (node.op_type != "Gemm" or node.input[1] not in inits or attrs.get("transA", 0)
                or attrs.get("alpha", 1.0) != 1.0 or attrs.get("beta", 1.0) != 1.0):
            out.append(node)
            continue
        w = numpy_helper.to_array(inits[node.input[1]])
        if attrs.get("transB", 0):
            w = np.ascontiguousarray(w.T)
        name = node.input[1] + "_matmul"
        g.initializer.append(numpy_helper.from_array(w, name))
        has_bias = len(node.input) > 2 and node.input[2]
        mm_out = node.output[0] + "_matmul" if has_bias else node.output[0]
        out.append(helper.make_node("MatMul", [node.input[0], name], [mm_out], name=node.name + "_MatMul"))
        if has_bias:
            out.append(helper.make_node("Add", [mm_out, node.input[2]], [node.output[0]], name=node.name + "_Add"))
        n_done += 1
    del g.node[:]
    g.node.extend(out)
    used = {i for n in g.node for i in n.input}
    keep = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(keep)
    onnx.checker.check_model(model)
    return n_done


def _weight_elements(model) -> dict[str, int]:
    return {i.name: int(np.prod(i.dims)) for i in model.graph.initializer}


def int8_nodes(model) -> tuple[list[str], int, int]:
    """(nodes to quantize, their weight elements, all MatMul/Conv weight elements)."""
    from onnx import helper
    sizes = _weight_elements(model)
    weighted = [n for n in model.graph.node
                if n.op_type in ("MatMul", "Conv") and len(n.input) > 1 and n.input[1] in sizes]
    first_conv = next((n.name for n in weighted if n.op_type == "Conv"), None)
    chosen = []
    for n in weighted:
        group = next((helper.get_attribute_value(a) for a in n.attribute if a.name == "group"), 1)
        if n.name == first_conv or group != 1 or sizes[n.input[1]] < MIN_WEIGHTS:
            continue
        chosen.append(n.name)
    by_name = {n.name: n for n in weighted}
    return (chosen, sum(sizes[by_name[c].input[1]] for c in chosen),
            sum(sizes[n.input[1]] for n in weighted))


def quantize_int8(src: Path, dst: Path) -> dict:
    """Writes dst; returns the record for the manifest's source.quantization."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    model = onnx.load(str(src))
    converted = gemm_to_matmul(model)
    nodes, int8_elems, total = int8_nodes(model)
    if not nodes:  # an "int8" package that is the fp32 graph would be a lie
        raise ValueError(f"int8: no MatMul or Conv of this model is worth quantizing (every one is the first "
                         f"Conv, depthwise, or has < {MIN_WEIGHTS} weights); export fp32 instead")
    ops = {n.name: n.op_type for n in model.graph.node}
    matmuls = [n for n in nodes if ops[n] == "MatMul"]
    convs = [n for n in nodes if ops[n] == "Conv"]
    with tempfile.TemporaryDirectory(prefix="weft-int8-") as tmp:
        src_path = Path(tmp) / "base.onnx"
        onnx.save(model, str(src_path))
        # Weight types per op, for onnxruntime's fast kernels: MatMulInteger runs uint8 x int8
        # (per-channel int8 weights), ConvInteger only uint8 x uint8 fast -- with int8 weights
        # it takes a generic path, 6x slower than fp32 Conv on resnet18 (uint8: 1.2x).
        for i, (names, wt, per_channel) in enumerate([(matmuls, QuantType.QInt8, True),
                                                      (convs, QuantType.QUInt8, False)]):
            if not names:
                continue
            out = Path(tmp) / f"pass{i}.onnx"
            quantize_dynamic(str(src_path), str(out), weight_type=wt, per_channel=per_channel,
                             op_types_to_quantize=[ops[names[0]]], nodes_to_quantize=names)
            src_path = out
        Path(dst).write_bytes(src_path.read_bytes())
    q = onnx.load(str(dst), load_external_data=False)
    integer_ops = sum(1 for n in q.graph.node if n.op_type in ("MatMulInteger", "ConvInteger"))
    if integer_ops != len(nodes):  # the record below must describe the graph actually written
        raise RuntimeError(f"int8: {len(nodes)} nodes selected but the quantized graph has "
                           f"{integer_ops} MatMulInteger/ConvInteger nodes")
    log.info("int8: %d nodes, %.1f%% of the weights", len(nodes), 100 * int8_elems / max(total, 1))
    return {
        "method": "onnxruntime quantize_dynamic (MatMulInteger / ConvInteger)", "revision": REVISION,
        "weights": {"MatMul": "int8 symmetric per output channel", "Conv": "uint8 per tensor"},
        "activations": "uint8 per tensor, dynamic",
        "gemm_rewritten_as_matmul": converted, "nodes_quantized": len(nodes),
        "int8_weight_share": round(int8_elems / total, 4) if total else 0.0,
        "kept_fp32": "first Conv, depthwise/grouped Conv, weights < 4096 elements, attention MatMuls",
    }
