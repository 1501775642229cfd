"""Graphs whose integer inputs stay on the GPU under onnxruntime's WebGPU provider.

That provider (onnxruntime-web 1.30, by its node placement log) runs a Shape of an int64 input
and small integer ops (Reshape, Split, Cast, Unsqueeze of ids) on the CPU; a graph input any of
them reads is then treated as a CPU tensor: fed from a GPU buffer, it is downloaded, and
uploaded again for the GPU nodes, every run. A graph meant to run with its host inputs bound as GPU buffers therefore reads each integer
input only as the indices of a lookup (Gather) or in an operator that takes it on the GPU (or,
for an input the operator reads on the CPU, only there).

torch.export binds every symbolic size to the input it first appears on, so the exported graph
takes a Shape of the ids even when the model only looks them up. `shapes_from_lookups` moves such
a Shape onto the lookup's float result, whose leading dims are the ids' own.
"""
from __future__ import annotations

import onnx

INTEGER = {onnx.TensorProto.INT64, onnx.TensorProto.INT32}


def _integer_inputs(graph) -> dict[str, int]:
    """Integer graph inputs -> rank."""
    return {i.name: len(i.type.tensor_type.shape.dim) for i in graph.input
            if i.type.tensor_type.elem_type in INTEGER}


def _attr(node, name, default):
    for a in node.attribute:
        if a.name == name:
            return a.i
    return default


def _lookup_of(graph, name):
    """A Gather (axis 0) over an initializer with `name` as its indices, else None."""
    inits = {i.name for i in graph.initializer}
    for node in graph.node:
        if (node.op_type == "Gather" and node.domain in ("", "ai.onnx") and len(node.input) == 2
                and node.input[1] == name and node.input[0] in inits and _attr(node, "axis", 0) == 0):
            return node
    return None


def shapes_from_lookups(proto: onnx.ModelProto) -> int:
    """Rewrites Shape(ids, start, end) as Shape(Gather(table, ids), start, end) with the range
    made explicit within the ids' rank; returns the number of Shape nodes moved."""
    graph = proto.graph
    ranks = _integer_inputs(graph)
    moved = 0
    for node in graph.node:
        if node.op_type != "Shape" or node.input[0] not in ranks:
            continue
        lookup = _lookup_of(graph, node.input[0])
        if lookup is None:
            continue
        rank = ranks[node.input[0]]
        start, end = _attr(node, "start", 0), _attr(node, "end", rank)
        start, end = (start + rank if start < 0 else start), (end + rank if end < 0 else end)
        del node.attribute[:]
        node.attribute.extend([onnx.helper.make_attribute("start", max(0, min(start, rank))),
                               onnx.helper.make_attribute("end", max(0, min(end, rank)))])
        node.input[0] = lookup.output[0]
        moved += 1
    if moved:
        _sort_topologically(graph)
    return moved


def _sort_topologically(graph) -> None:
    """Reorders graph.node so each node follows the producers of its inputs (stable otherwise)."""
    ready = {i.name for i in graph.input} | {i.name for i in graph.initializer} | {""}
    pending, ordered = list(graph.node), []
    while pending:
        rest = []
        for node in pending:
            if all(name in ready for name in node.input):
                ordered.append(node)
                ready.update(node.output)
            else:
                rest.append(node)
        if len(rest) == len(pending):
            raise ValueError(f"graph has a cycle or an unknown input at node {rest[0].name}")
        pending = rest
    copies = [onnx.NodeProto.FromString(n.SerializeToString()) for n in ordered]
    del graph.node[:]
    graph.node.extend(copies)


def device_input_readers(proto: onnx.ModelProto, host_read: dict[str, tuple[str, str]]) -> list[str]:
    """Nodes that read an integer graph input other than as a lookup's indices, described for an
    error. `host_read`: input -> (domain, op_type) of the one operator allowed to read it (an
    operator's CPU input, or a GPU input of a fused operator)."""
    bad = []
    ranks = _integer_inputs(proto.graph)
    for node in proto.graph.node:
        for index, name in enumerate(node.input):
            if name not in ranks:
                continue
            if node.op_type == "Gather" and index == 1:
                continue
            if host_read.get(name) == (node.domain, node.op_type):
                continue
            bad.append(f"{node.op_type} {node.name} reads {name} (input {index})")
    return bad
