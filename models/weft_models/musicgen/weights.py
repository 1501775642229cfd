"""Shared external weights: the large initializers of several graphs written to one file, each
distinct tensor once (the decoder graphs hold the same ~1.7 GB of weights for musicgen-small)."""
from __future__ import annotations

import hashlib
from pathlib import Path

import onnx
from onnx import numpy_helper

MIN_EXTERNAL = 1024  # bytes; smaller initializers stay inline


def tensor_key(t: onnx.TensorProto) -> str:
    """A content hash of an initializer: its bytes, dtype and shape."""
    arr = numpy_helper.to_array(t)
    return hashlib.sha1(arr.tobytes() + str((arr.dtype, arr.shape)).encode()).hexdigest()


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
                k = tensor_key(t)
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
