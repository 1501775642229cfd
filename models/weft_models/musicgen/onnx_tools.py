"""Graph-level helpers: generic torch.export-based export, the If-merge that builds
transformers.js' decoder_model_merged from two exported branches, and shared external weights
(the decoder graphs hold the same ~1.7 GB of weights for musicgen-small: stored once)."""
from __future__ import annotations

import contextlib
import hashlib
import io
import warnings
from pathlib import Path

import onnx
from onnx import helper, numpy_helper

from ..export import ExportError, _explain_export_failure, _quiet_exporter

MIN_EXTERNAL = 1024  # bytes; smaller initializers stay inline


def export_module(module, args: tuple, input_names, output_names, dynamic_shapes,
                  opset: int) -> onnx.ModelProto:
    """torch.onnx.export (dynamo) to an in-memory proto; ExportError with the exporter's reason."""
    import torch
    chatter = io.StringIO()
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(chatter), _quiet_exporter():
            warnings.simplefilter("ignore")
            prog = torch.onnx.export(module, args, input_names=list(input_names),
                                     output_names=list(output_names),
                                     dynamic_shapes=dynamic_shapes, opset_version=opset,
                                     dynamo=True, external_data=False, verbose=False)
    except Exception as e:
        raise ExportError(_explain_export_failure(str(e))) from e
    return prog.model_proto


def name_dims(proto: onnx.ModelProto, shapes: dict[str, list]) -> None:
    """Give graph inputs/outputs the manifest's dim names where the graph has a symbol."""
    for vi in [*proto.graph.input, *proto.graph.output]:
        want = shapes.get(vi.name)
        if want is None:
            continue
        for d, w in zip(vi.type.tensor_type.shape.dim, want):
            if isinstance(w, str) and d.HasField("dim_param"):
                d.dim_param = w


def _key(t: onnx.TensorProto) -> str:
    arr = numpy_helper.to_array(t)
    return hashlib.sha1(arr.tobytes() + str((arr.dtype, arr.shape)).encode()).hexdigest()


def merge_if(no_past: onnx.ModelProto, with_past: onnx.ModelProto, inputs, outputs,
             cond: str = "use_cache_branch") -> onnx.ModelProto:
    """One graph: If(cond) then with_past else no_past. Initializers are deduplicated by content
    into the outer graph; each branch's internal names get a prefix so the two never collide."""
    outer_inits: dict[str, onnx.TensorProto] = {}
    by_key: dict[str, str] = {}
    branches = []
    for prefix, m in (("past/", with_past), ("nopast/", no_past)):
        g = m.graph
        rename = {}
        for t in g.initializer:
            k = _key(t)
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
        branches.append(helper.make_graph(nodes, prefix.rstrip("/"), [], outs))
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


def _value_info(a: onnx.ModelProto, b: onnx.ModelProto, name: str) -> onnx.ValueInfoProto:
    for m in (a, b):
        for o in m.graph.output:
            if o.name == name:
                vi = onnx.ValueInfoProto()
                vi.CopyFrom(o)
                return vi
    raise ExportError(f"merge_if: no branch has output {name}")


class SharedWeights:
    """Moves large initializers of several graphs into one file, each distinct tensor once."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.offsets: dict[str, tuple[int, int]] = {}
        self.size = 0
        self._f = open(self.path, "wb")

    def externalize(self, proto: onnx.ModelProto) -> None:
        for graph in _graphs(proto.graph):
            for t in graph.initializer:
                arr = numpy_helper.to_array(t)
                if arr.nbytes < MIN_EXTERNAL:
                    continue
                k = _key(t)
                if k not in self.offsets:
                    pad = (-self.size) % 64  # aligned for mmap
                    self._f.write(b"\0" * pad)
                    self.size += pad
                    data = arr.tobytes()
                    self._f.write(data)
                    self.offsets[k] = (self.size, len(data))
                    self.size += len(data)
                off, n = self.offsets[k]
                t.ClearField("raw_data")
                for f in ("float_data", "int64_data", "int32_data", "double_data"):
                    t.ClearField(f)
                t.data_location = onnx.TensorProto.EXTERNAL
                del t.external_data[:]
                for key, val in (("location", self.path.name), ("offset", str(off)),
                                 ("length", str(n))):
                    e = t.external_data.add()
                    e.key, e.value = key, val
        self._f.flush()  # complete on disk before the graph naming it is saved and checked

    def close(self) -> None:
        self._f.close()


class WeightFiles:
    """The external data files of a package folder, each a SharedWeights opened on first use."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.files: dict[str, SharedWeights] = {}

    def externalize(self, proto: onnx.ModelProto, name: str) -> None:
        if name not in self.files:
            self.files[name] = SharedWeights(self.folder / name)
        self.files[name].externalize(proto)

    def close(self) -> None:
        for f in self.files.values():
            f.close()


def _graphs(g: onnx.GraphProto):
    yield g
    for n in g.node:
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                yield from _graphs(a.g)
            for sub in a.graphs:
                yield from _graphs(sub)
