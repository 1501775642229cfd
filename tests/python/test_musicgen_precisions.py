"""`weft-models export musicgen --precision fp32 fp16 int8`: one package per precision, each
graded against transformers, naming its precision and backends, and an index weft.json listing
them in preference order with their sizes (docs/MANIFEST.md, "Package index")."""
from __future__ import annotations

import json

import onnx
import pytest
from onnx import numpy_helper

BACKENDS = {"fp16": ["webgpu"], "int8": ["wasm", "cpu"], "fp32": ["webgpu", "wasm", "cpu"]}


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    import torch
    from weft_models.cli import main
    torch.set_num_threads(1)
    out = tmp_path_factory.mktemp("mg-precisions") / "mg"
    rc = main(["export", "musicgen", "--preset", "tiny", "--precision", "fp32", "fp16", "int8",
               "--out", str(out), "-q"])
    assert rc == 0
    return out


def _manifest(folder):
    return json.loads((folder / "weft.json").read_text())


def _weight_bytes(folder) -> int:
    """Bytes of every initializer and constant of the package's graphs (external data loaded)."""
    def graph_bytes(g):
        n = sum(numpy_helper.to_array(t).nbytes for t in g.initializer)
        for node in g.node:
            for a in node.attribute:
                if a.type == onnx.AttributeProto.GRAPH:
                    n += graph_bytes(a.g)
                elif a.type == onnx.AttributeProto.TENSOR:
                    n += numpy_helper.to_array(a.t).nbytes
        return n
    return sum(graph_bytes(onnx.load(str(f)).graph) for f in sorted(folder.glob("*.onnx")))


def test_index_lists_the_variants_in_preference_order(out):
    index = _manifest(out)
    assert set(index) == {"format", "name", "variants"}
    assert [v["folder"] for v in index["variants"]] == ["fp16", "int8", "fp32"]
    for v in index["variants"]:
        assert v["precision"] == v["folder"] and v["backends"] == BACKENDS[v["precision"]]
        files = [f for f in (out / v["folder"]).iterdir() if f.is_file()]
        assert v["bytes"] == sum(f.stat().st_size for f in files), v


@pytest.mark.parametrize("precision", ["fp32", "fp16", "int8"])
def test_each_package_names_its_precision_and_backends(out, precision):
    m = _manifest(out / precision)
    assert m["precision"] == precision and m["backends"] == BACKENDS[precision]
    for name, comp in m["components"].items():
        assert (out / precision / comp["file"]).stat().st_size == comp["bytes"], name


def test_fp16_weights_are_at_most_55_percent_of_fp32(out):
    fp32, fp16 = _weight_bytes(out / "fp32"), _weight_bytes(out / "fp16")
    assert fp16 <= 0.55 * fp32, (fp16, fp32)


def test_each_variant_is_graded_against_transformers(out):
    """fp32 PASSes; fp16 and int8 are close to transformers' fp32 (not bit-equal): fp16 within
    fp16 rounding, int8 as `quantize --mode int8` is held to (test_musicgen_quantize.py)."""
    grades = {p: {r["component"]: r for r in _manifest(out / p)["validation"][p]}
              for p in ("fp32", "fp16", "int8")}
    for p, by_component in grades.items():
        assert set(by_component) >= {"text_encoder", "decoder_step", "decoder_model_merged",
                                     "encodec_decode"}, p
    assert all(r["band"] == "PASS" for r in grades["fp32"].values()), grades["fp32"]
    for name, r in grades["fp16"].items():
        assert r["max_abs"] < 0.05 and r["cosine"] > 0.9999, (name, r)
    for name in ("decoder_step", "decoder_model_merged"):
        r = grades["int8"][name]
        assert 1e-4 < r["max_abs"] < 2.0 and r["cosine"] > 0.99, (name, r)


def test_quantizing_a_package_that_names_its_precision_names_the_new_one(out, tmp_path):
    from weft_models.musicgen.quantize import transform_package
    transform_package(out / "fp32", tmp_path / "q", "fp16", validate=False)
    m = _manifest(tmp_path / "q")
    assert (m["precision"], m["backends"]) == ("fp16", ["webgpu"])
