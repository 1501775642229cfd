"""Writes the graphs of `npm run bench -- musicgen-cache` (bench/musicgen-cache.mjs): what a
decoder step of musicgen-small costs in moving its self-attention cache, without the model, for
each layer's key and value ([rows 2, heads 16, positions, 64] float32):

- concat.onnx: the merged decoder's way (transformers.js): past [.., T, ..] and one new position
  in, Concat out as present [.., T + 1, ..], which the caller feeds back as the next past.
- two_tier.onnx: Weft's wasm way: a long tier [.., T, ..] read (one position of it is sliced, so
  the input is consumed) and a short recent tier [.., r, ..] in, recent + new out.
- merge.onnx: the two-tier cache's merge: long + recent -> long.

Usage: python tools/musicgen_cache_graphs.py OUT_DIR   (writes OUT_DIR/*.onnx and graphs.json)
"""
import json
import sys
from pathlib import Path

import onnx
from onnx import TensorProto, helper

LAYERS, ROWS, HEADS, HEAD_DIM = 24, 2, 16, 64  # musicgen-small, CFG's two rows


def _kv(prefix: str, length: str):
    return [helper.make_tensor_value_info(f"{prefix}.{i}.{kv}", TensorProto.FLOAT,
                                          [ROWS, HEADS, length, HEAD_DIM])
            for i in range(LAYERS) for kv in ("key", "value")]


def _model(nodes, inputs, outputs, extra_inits=()) -> onnx.ModelProto:
    graph = helper.make_graph(nodes, "cache", inputs, outputs, list(extra_inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 10
    onnx.checker.check_model(model, full_check=True)
    return model


def _slice_inits():
    return [helper.make_tensor(n, TensorProto.INT64, [1], [v])
            for n, v in (("zero", 0), ("one", 1), ("axis", 2))]


def concat() -> onnx.ModelProto:
    nodes = [helper.make_node("Concat", [f"past.{n}", f"new.{n}"], [f"present.{n}"], axis=2)
             for n in _names()]
    return _model(nodes, _kv("past", "T") + _kv("new", "1"), _kv("present", "T1"))


def two_tier() -> onnx.ModelProto:
    nodes = []
    for n in _names():
        nodes.append(helper.make_node("Slice", [f"long.{n}", "zero", "one", "axis"], [f"first.{n}"]))
        nodes.append(helper.make_node("Add", [f"new.{n}", f"first.{n}"], [f"sum.{n}"]))
        nodes.append(helper.make_node("Concat", [f"recent.{n}", f"sum.{n}"], [f"out.{n}"], axis=2))
    return _model(nodes, _kv("long", "T") + _kv("recent", "R") + _kv("new", "1"),
                  _kv("out", "R1"), _slice_inits())


def merge() -> onnx.ModelProto:
    nodes = [helper.make_node("Concat", [f"long.{n}", f"recent.{n}"], [f"merged.{n}"], axis=2)
             for n in _names()]
    return _model(nodes, _kv("long", "T") + _kv("recent", "R"), _kv("merged", "TR"))


def _names():
    return [f"{i}.{kv}" for i in range(LAYERS) for kv in ("key", "value")]


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, build in (("concat", concat), ("two_tier", two_tier), ("merge", merge)):
        onnx.save(build(), str(out / f"{name}.onnx"))
    (out / "graphs.json").write_text(json.dumps({
        "layers": LAYERS, "rows": ROWS, "heads": HEADS, "head_dim": HEAD_DIM,
        "files": {"concat": "concat.onnx", "two_tier": "two_tier.onnx", "merge": "merge.onnx"}}))


if __name__ == "__main__":
    main(sys.argv[1])
