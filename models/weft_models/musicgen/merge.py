"""The If-merge that builds transformers.js' decoder_model_merged from two exported branches
(without and with a past), initializers shared by content."""
from __future__ import annotations

import onnx
from onnx import helper

from ..common.onnx_tools import ExportError
from .weights import tensor_key


def merge_if(no_past: onnx.ModelProto, with_past: onnx.ModelProto, inputs, outputs,
             cond: str = "use_cache_branch") -> onnx.ModelProto:
    """One graph: If(cond) then with_past else no_past. Initializers are deduplicated by content
    into the outer graph; each branch's internal names get a prefix so the two never collide."""
    outer_inits: dict[str, onnx.TensorProto] = {}
    by_key: dict[str, str] = {}
    branches = [_branch(prefix, m.graph, outer_inits, by_key, outputs)
                for prefix, m in (("past/", with_past), ("nopast/", no_past))]
    then_g, else_g = branches
    node = helper.make_node("If", [cond], list(outputs), then_branch=then_g, else_branch=else_g,
                            name="use_cache_branch_if")
    opsets = {}
    for m in (no_past, with_past):
        for o in m.opset_import:
            opsets[o.domain] = max(opsets.get(o.domain, 0), o.version)
    funcs = {f.name: f for m in (no_past, with_past) for f in m.functions}
    graph = helper.make_graph([node], "decoder_model_merged", list(inputs), [
        _value_info(with_past, no_past, name) for name in outputs], list(outer_inits.values()))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v)
                                                    for d, v in opsets.items()],
                              functions=list(funcs.values()))
    model.ir_version = max(no_past.ir_version, with_past.ir_version)
    return model


def _branch(prefix: str, g: onnx.GraphProto, outer_inits: dict, by_key: dict,
            outputs) -> onnx.GraphProto:
    """One If branch: the graph's nodes with every name it defines prefixed, its initializers
    moved to the outer graph (`outer_inits`, one per distinct content: `by_key`)."""
    rename = {}
    for t in g.initializer:
        k = tensor_key(t)
        if k not in by_key:
            by_key[k] = t.name if t.name not in outer_inits else prefix + t.name
            t2 = onnx.TensorProto()
            t2.CopyFrom(t)
            t2.name = by_key[k]
            outer_inits[t2.name] = t2
        rename[t.name] = by_key[k]
    graph_inputs = {i.name for i in g.input}
    nodes = []
    for n in g.node:
        if any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS)
               for a in n.attribute):
            raise ExportError(f"merge_if: branch node {n.name} has a subgraph")
        for o in n.output:
            if o:
                rename[o] = prefix + o
    for n in g.node:
        n2 = onnx.NodeProto()
        n2.CopyFrom(n)
        n2.name = prefix + n.name
        n2.input[:] = [rename.get(i, i) if i not in graph_inputs else i for i in n.input]
        n2.output[:] = [rename.get(o, o) for o in n.output]
        nodes.append(n2)
    outs = []
    for o in g.output:
        src = rename.get(o.name, o.name)
        if src in graph_inputs:  # a pass-through output still needs a node in the branch
            nodes.append(helper.make_node("Identity", [src], [prefix + "id/" + o.name]))
            src = prefix + "id/" + o.name
        vi = onnx.ValueInfoProto()
        vi.CopyFrom(o)
        vi.name = src
        outs.append(vi)
    order = {o.name: i for i, o in enumerate(g.output)}
    outs = [outs[order[name]] for name in outputs]
    return helper.make_graph(nodes, prefix.rstrip("/"), [], outs)


def _value_info(a: onnx.ModelProto, b: onnx.ModelProto, name: str) -> onnx.ValueInfoProto:
    for m in (a, b):
        for o in m.graph.output:
            if o.name == name:
                vi = onnx.ValueInfoProto()
                vi.CopyFrom(o)
                return vi
    raise ExportError(f"merge_if: no branch has output {name}")
