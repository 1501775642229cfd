"""`weft-models quantize musicgen --mode int8` on the tiny package: every decoder graph the
runtimes use is really quantized (decoder_step for Weft, the If branches of
decoder_model_merged for transformers.js), and the grades against transformers land in the new
package's weft.json under validation.int8."""
from __future__ import annotations

import json

import onnx
import pytest

DECODERS = ("decoder_step", "decoder_model_merged")


@pytest.fixture(scope="module")
def int8_pkg(built_models, tmp_path_factory):
    from weft_models.cli import main
    out = tmp_path_factory.mktemp("mg-int8") / "pkg"
    rc = main(["quantize", "musicgen", str(built_models / "musicgen-tiny"), "--out", str(out),
               "--mode", "int8", "-q"])
    assert rc == 0
    return out


def _nodes(graph):
    for n in graph.node:
        yield n
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                yield from _nodes(a.g)


def _weights(model):
    names = {t.name for t in model.graph.initializer}
    return [n for n in _nodes(model.graph) if n.op_type == "MatMul" and set(n.input) & names]


@pytest.mark.parametrize("name", DECODERS)
def test_decoder_graphs_quantized(int8_pkg, name):
    m = onnx.load(str(int8_pkg / f"{name}.onnx"))
    ops = [n.op_type for n in _nodes(m.graph)]
    assert ops.count("MatMulInteger") >= 8, f"{name}: {ops.count('MatMulInteger')} MatMulInteger"
    assert not _weights(m), f"{name}: fp32 MatMul on weights left: {[n.name for n in _weights(m)]}"
    if name == "decoder_model_merged":
        branch_ops = [[x.op_type for x in _nodes(a.g)] for n in m.graph.node if n.op_type == "If"
                      for a in n.attribute]
        assert len(branch_ops) == 2 and all("MatMulInteger" in b for b in branch_ops)


def test_int8_metrics_recorded(int8_pkg):
    m = json.loads((int8_pkg / "weft.json").read_text())
    assert m["name"].endswith("-int8")
    grades = {r["component"]: r for r in m["validation"]["int8"]}
    assert set(grades) >= set(DECODERS) | {"text_encoder", "decoder_cross_kv"}
    for name in DECODERS:
        g = grades[name]
        # graded against transformers' fp32: quantized (not bit-equal) yet close
        assert 1e-4 < g["max_abs"] < 2.0 and g["cosine"] > 0.99, (name, g)
    assert m["validation"]["fp32"], "the fp32 grades of the source package are kept"
