"""The musicgen-tiny package: every component graded against transformers, symbolic axes,
manifest layout, shared weights and the transformers.js config files."""
from __future__ import annotations

import json

import numpy as np
import onnx
import pytest


@pytest.fixture(scope="session")
def mg_pkg(built_models):
    return built_models / "musicgen-tiny"


@pytest.fixture(scope="session")
def mg_model(mg_pkg):
    import torch
    from weft_models.common.manifest import read_manifest
    from weft_models.musicgen.build import model_from_source
    torch.set_num_threads(1)
    return model_from_source(read_manifest(mg_pkg)["source"])


@pytest.fixture(scope="session")
def mg_reports(mg_model, mg_pkg):
    from weft_models.musicgen.check import check_package
    from weft_models.musicgen.components import Dims
    return {r.component: r for r in check_package(mg_model, mg_pkg, Dims.of(mg_model))}


COMPONENTS = ["text_encoder", "encodec_encode", "encodec_decode", "decoder_cross_kv",
              "decoder_step", "decoder_step_inplace", "decoder_cache_merge", "decoder_model_merged"]


@pytest.mark.parametrize("name", COMPONENTS)
def test_component_pass_vs_transformers(mg_reports, name):
    r = mg_reports[name]
    assert r.band == "PASS", r.summary()
    assert r.results, "no outputs graded"


def test_encoder_codes_exact_at_one_second(mg_reports):
    rows = [x for x in mg_reports["encodec_encode"].results if x.input_set == "b1_n32000"]
    assert rows and rows[0].shape == (1, 4, 50) and rows[0].max_abs == 0


@pytest.mark.parametrize("name", COMPONENTS)
def test_dynamic_axes_symbolic(mg_pkg, mg_model, name):
    """Constants baked at trace length: every dynamic axis must stay a dim_param."""
    from weft_models.common.onnx_tools import check_symbolic
    from weft_models.musicgen.components import Dims, specs
    from weft_models.musicgen.export import _axes
    spec = next(s for s in specs(Dims.of(mg_model)) if s.name == name)
    proto = onnx.load(str(mg_pkg / spec.file), load_external_data=False)
    check_symbolic(proto, {n: a for n, a in _axes([*spec.inputs, *spec.outputs]).items() if a})


def test_static_export_is_caught(mg_model, tmp_path):
    """The check that guards the package fails on a graph whose lengths were frozen."""
    import torch
    from weft_models.common.onnx_tools import ExportError, check_symbolic
    from weft_models.musicgen.graphs import CrossKV, DecoderCore
    core = DecoderCore(mg_model).eval()
    args = (torch.zeros(2, 5, mg_model.config.text_encoder.d_model),
            torch.ones(2, 5, dtype=torch.int64))
    prog = torch.onnx.export(CrossKV(core), args, input_names=["encoder_hidden_states",
                             "encoder_attention_mask"], dynamo=True, verbose=False)
    with pytest.raises(ExportError, match="encoder_hidden_states axis 1"):
        check_symbolic(prog.model_proto, {"encoder_hidden_states": {1: "enc_seq"}})


def test_manifest_layout(mg_pkg):
    from weft_models.common.manifest import read_manifest, sha256_file
    m = read_manifest(mg_pkg)
    assert set(m["components"]) == set(COMPONENTS)
    for name, c in m["components"].items():
        assert c["sha256"] == sha256_file(mg_pkg / c["file"]), name
    assert m["generator"]["type"] == "musicgen"
    assert m["generator"]["special_token"] == 2048 and m["dims"]["codebooks"] == 4
    assert [v["band"] for v in m["validation"]["fp32"]] == ["PASS"] * len(COMPONENTS)
    tiers = [s for s in m["state"] if s.get("components") == ["decoder_step", "decoder_cache_merge"]]
    # one decoder graph for the prompt and the steps: its cache starts empty (no second copy of
    # the LM weights in a runtime), and the generator runs the prompt through it too
    assert {s["init"] for s in tiers} == {"empty"} and all("init_from" not in s for s in tiers)
    assert m["generator"]["prefill"] == m["generator"]["step"] == "decoder_step"
    # the cache in two tiers: the step writes the recent one, the merge the long one, which
    # starts with one masked placeholder position
    written = {s["input"].split(".")[0]: (s["output"].split(".")[0], s.get("empty_length", 0))
               for s in tiers}
    assert written == {"recent": ("present", 0), "past_key_values": ("merged", 1)}
    assert m["generator"]["cache_merge"] == "decoder_cache_merge"
    assert m["generator"]["cache_merge_every"] >= 1
    cross = [s for s in m["state"] if s.get("components") == ["decoder_step", "decoder_step_inplace"]]
    assert len(cross) == 2 and all(s["init_from"]["component"] == "decoder_cross_kv" for s in cross)
    # WebGPU: one cache the in-place step updates itself, standing in for both tiers there
    in_place = [s for s in m["state"] if s.get("mode") == "in_place"]
    assert [(s["input"], s["output"], s["init"]) for s in in_place] == [
        ("cache.{layer}.key", "present.{layer}.key", "zeros"),
        ("cache.{layer}.value", "present.{layer}.value", "zeros")]
    assert m["generator"]["step_in_place"] == "decoder_step_inplace"
    assert m["components"]["decoder_step_inplace"]["backends"] == ["webgpu"]
    gqa = onnx.load(str(mg_pkg / "decoder_step_inplace.onnx"), load_external_data=False)
    assert [n.op_type for n in gqa.graph.node if n.domain == "com.microsoft"] == \
        ["GroupQueryAttention"] * m["dims"]["layers"]
    # bound as GPU buffers on WebGPU: the integer inputs are read by lookups and the attention
    # operator only (a Shape, Cast or Reshape of them would run on the CPU and copy them back)
    readers = {}
    for n in gqa.graph.node:
        for i, name in enumerate(n.input):
            if name in ("input_ids", "position_ids", "encoder_attention_mask", "seqlens_k",
                        "total_sequence_length"):
                readers.setdefault(name, set()).add((n.op_type, i))
    assert readers == {"input_ids": {("Gather", 1)}, "position_ids": {("Gather", 1)},
                       "encoder_attention_mask": {("Gather", 1)},
                       "seqlens_k": {("GroupQueryAttention", 5)},
                       "total_sequence_length": {("GroupQueryAttention", 6)}}
    assert m["generator"]["io"]["positions"] == "position_ids"


def test_decoder_weights_stored_once(mg_pkg):
    sizes = sum((mg_pkg / f).stat().st_size for f in ("decoder_step.onnx", "decoder_cross_kv.onnx"))
    assert sizes < 1_000_000  # graphs only; the weights live in decoder_weights.bin
    merged = (mg_pkg / "decoder_model_merged.onnx_data").stat().st_size
    assert (mg_pkg / "decoder_weights.bin").stat().st_size <= merged


def test_merged_weights_where_transformers_js_looks(mg_pkg):
    # transformers.js fetches `<file>_data` for each graph its config lists; an inline graph of
    # musicgen-small size does not fit onnxruntime-web's heap.
    cfg = json.loads((mg_pkg / "config.json").read_text())
    assert cfg["transformers.js_config"]["use_external_data_format"] == {"decoder_model_merged.onnx": 1}
    assert (mg_pkg / "decoder_model_merged.onnx").stat().st_size < 1_000_000
    ext = json.loads((mg_pkg / "weft.json").read_text())["components"]["decoder_model_merged"]["external_data"]
    assert [e["file"] for e in ext] == ["decoder_model_merged.onnx_data"]
    assert ext[0]["bytes"] == (mg_pkg / "decoder_model_merged.onnx_data").stat().st_size


def test_merged_layout_matches_transformers_js(mg_pkg, mg_model):
    import onnxruntime as ort
    s = ort.InferenceSession(str(mg_pkg / "decoder_model_merged.onnx"),
                             providers=["CPUExecutionProvider"])
    names = {i.name for i in s.get_inputs()}
    L = mg_model.config.decoder.num_hidden_layers
    for i in range(L):
        for part in ("decoder", "encoder"):
            for kv in ("key", "value"):
                assert f"past_key_values.{i}.{part}.{kv}" in names
    assert {"input_ids", "encoder_hidden_states", "encoder_attention_mask",
            "use_cache_branch"} <= names
    assert any(n.op_type == "If" for n in onnx.load(str(mg_pkg / "decoder_model_merged.onnx"))
               .graph.node)


def test_hf_config_files_load(mg_pkg, mg_model):
    from transformers import GenerationConfig, MusicgenConfig
    cfg = json.loads((mg_pkg / "config.json").read_text())
    assert cfg["model_type"] == "musicgen"
    assert cfg["architectures"] == ["MusicgenForConditionalGeneration"]
    c = MusicgenConfig.from_dict(cfg)
    assert c.decoder.num_codebooks == 4
    assert c.decoder.hidden_size == mg_model.config.decoder.hidden_size
    g = GenerationConfig.from_pretrained(str(mg_pkg))
    assert g.decoder_start_token_id == 2048 and g.guidance_scale == 3.0


def test_tokenizer_file(mg_pkg, mg_model):
    from tokenizers import Tokenizer
    ids = Tokenizer.from_file(str(mg_pkg / "tokenizer.json")).encode("calm piano").ids
    assert ids[-1] == 1 and max(ids) < mg_model.config.text_encoder.vocab_size
