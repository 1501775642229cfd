"""The pocket-tts-tiny package: every component graded against pocket-tts itself (TTSModel's own
modules and streaming state), dynamic axes symbolic, the manifest's contracted names and keys
(docs/POCKET_TTS.md), the stand-in tokenizer, faults the grades must catch, and the int8 copy's
own grade. When the core knows the `pocket_tts` generator, the package loads in it."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import onnx
import pytest

REPO = Path(__file__).resolve().parents[2]
COMPONENTS = ["text_embedder", "voice_encoder", "flow_lm", "mimi_decoder"]
GENERATOR_KEYS = {"type", "text_embedder", "flow_lm", "audio_decoder", "voice_encoder", "io",
                  "flow_type", "insert_bos_before_voice",
                  "sample_rate", "frame_samples", "latent_dim", "model_dim", "decode_steps",
                  "eos_threshold", "min_frames_before_eos", "frames_after_eos",
                  "tokens_per_second", "gen_seconds_padding", "max_tokens_per_chunk",
                  "fade_in_samples", "text", "voice"}


@pytest.fixture(scope="module")
def pkg():
    from weft_fixtures.driver import run
    from weft_fixtures.pocket_tts import NAME
    out = REPO / "build" / "models"
    run(out, only=[NAME])
    return out / NAME


@pytest.fixture(scope="module")
def manifest(pkg):
    from weft_models.common.manifest import read_manifest
    return read_manifest(pkg)


@pytest.fixture(scope="module")
def model(manifest):
    import torch
    from weft_models.pocket_tts.build import model_from_source
    torch.set_num_threads(1)
    return model_from_source(manifest["source"])


@pytest.fixture(scope="module")
def reports(model, pkg):
    from weft_models.pocket_tts.check import check_package
    return {r.component: r for r in check_package(model, pkg)}


@pytest.mark.parametrize("name", COMPONENTS)
def test_component_pass_vs_pocket_tts(reports, name):
    r = reports[name]
    assert r.band == "PASS", r.summary()
    assert len(r.results) >= 3


def test_sequences_are_long_enough(reports):
    flow = {x.input_set for x in reports["flow_lm"].results}
    assert {"voice", "text"} <= flow and sum(s.startswith("step") for s in flow) >= 10
    mimi = {x.input_set for x in reports["mimi_decoder"].results}
    single = [s for s in mimi if s.startswith("sequence") and s.endswith("_f1")]
    multi = [s for s in mimi if s.startswith("sequence") and not s.endswith("_f1")]
    assert len(single) >= 20 and len(multi) >= 2
    # the decoder's convolution buffers are graded too, not only its audio
    assert any(x.output.startswith("mimi_state_out.") for x in reports["mimi_decoder"].results)


def test_outputs_are_not_trivial(model):
    """A grade on near-constant outputs proves little: the seeded model's EOS logits move with
    the input, its latents and audio have unit-order spread."""
    from weft_models.pocket_tts import reference as R
    from weft_models.pocket_tts.check import flow_runs
    from weft_models.pocket_tts.components import Dims
    dims = Dims.of(model)
    runs = flow_runs(model, dims, np.random.default_rng(0), 0.7)
    eos = np.array([r.eos_logit.item() for r in runs])
    latents = np.concatenate([r.next_latent[:, None] for r in runs[2:]], axis=1)
    audio = R.mimi_decode(model, latents, [latents.shape[1]])[0]["audio"]
    assert eos.std() > 0.1 and 0.1 < latents.std() < 10
    assert np.isfinite(audio).all() and 0.05 < audio.std() < 5


@pytest.mark.parametrize("name", COMPONENTS)
def test_dynamic_axes_symbolic(pkg, model, name):
    from weft_models.common.onnx_tools import check_symbolic
    from weft_models.pocket_tts.components import Dims, specs
    from weft_models.pocket_tts.export import axes_of
    spec = next(s for s in specs(Dims.of(model)) if s.name == name)
    check_symbolic(onnx.load(str(pkg / spec.file), load_external_data=False), axes_of(spec))


def _names(entries):
    return {e["name"] for e in entries}


def test_manifest_names(manifest):
    comps = manifest["components"]
    assert set(comps) == set(COMPONENTS)
    assert _names(comps["text_embedder"]["inputs"]) == {"tokens"}
    assert _names(comps["text_embedder"]["outputs"]) == {"embeddings"}
    assert _names(comps["flow_lm"]["inputs"]) == {
        "conditioning", "previous_latent", "noise", "past_key_values.{layer}.key",
        "past_key_values.{layer}.value"}
    assert _names(comps["flow_lm"]["outputs"]) == {
        "next_latent", "eos_logit", "present.{layer}.key", "present.{layer}.value"}
    n = len([s for s in manifest["state"] if s["component"] == "mimi_decoder"])
    assert n > 10
    assert _names(comps["mimi_decoder"]["inputs"]) == {"latent"} | {f"mimi_state.{i}" for i in range(n)}
    assert _names(comps["mimi_decoder"]["outputs"]) == {"audio"} | {f"mimi_state_out.{i}" for i in range(n)}
    assert _names(comps["voice_encoder"]["inputs"]) == {"audio"}
    assert _names(comps["voice_encoder"]["outputs"]) == {"conditioning"}


def test_manifest_state_and_generator(manifest, model):
    kv = [s for s in manifest["state"] if s["component"] == "flow_lm"]
    assert [(s["mode"], s["init"], s["axis"], s["count"]) for s in kv] == [("grow", "empty", 2, "layers")] * 2
    mimi = [s for s in manifest["state"] if s["component"] == "mimi_decoder"]
    assert {(s["mode"], s["init"]) for s in mimi} == {("fixed", "zeros")}
    shapes = {e["name"]: e["shape"] for e in manifest["components"]["mimi_decoder"]["inputs"]}
    assert all(all(isinstance(d, int) for d in shapes[s["input"]]) for s in mimi)
    g = manifest["generator"]
    assert set(g) == GENERATOR_KEYS and g["type"] == "pocket_tts"
    assert (g["sample_rate"], g["frame_samples"], g["fade_in_samples"]) == (24000, 1920, 120)
    assert (g["min_frames_before_eos"], g["max_tokens_per_chunk"]) == (6, 50)
    assert (g["tokens_per_second"], g["gen_seconds_padding"]) == (3.0, 2.0)
    assert g["voice"] == {"pause_sec": 0.08, "fade_sec": 0.02, "floor_db": 35.0}
    assert g["io"]["voice_audio"] == "audio" and g["io"]["voice_conditioning"] == "conditioning"
    assert (g["flow_type"], g["insert_bos_before_voice"]) == ("lsd", True)
    assert g["eos_threshold"] == model.config.default_eos_threshold
    assert g["text"]["replace_characters"] == model.config.replace_characters
    assert manifest["generation"] == {"temperature": model.config.default_temperature}
    assert [r["band"] for r in manifest["validation"]["fp32"]] == ["PASS"] * 4


def test_package_files_hashed(pkg, manifest):
    from weft_models.common.manifest import sha256_file
    for entry in [*manifest["components"].values(), manifest["tokenizer"]]:
        assert entry["sha256"] == sha256_file(pkg / entry["file"])


def test_tokenizer_is_the_models(pkg, manifest, model):
    import sentencepiece as spm
    assert manifest["tokenizer"]["file"] == "tokenizer.model"
    sp = spm.SentencePieceProcessor(model_file=str(pkg / "tokenizer.model"))
    assert sp.vocab_size() == 4000 == manifest["dims"]["text_vocab"]
    text = "Hello world. It's 3 o'clock; the café is open!"
    assert sp.encode(text) == model.flow_lm.conditioner.prepare(text)[0].tolist()


def test_tokenizer_json_conversion_agrees(pkg, tmp_path):
    """The english preset ships tokenizer.json converted from the .model: the same ids."""
    from weft_models.pocket_tts.tokenizer import check_same_ids, to_tokenizer_json
    out = to_tokenizer_json(pkg / "tokenizer.model", tmp_path / "tokenizer.json")
    check_same_ids(pkg / "tokenizer.model", out, ["Ünïcödé  text, twice  spaced. ½ ﬁ"])


@pytest.mark.parametrize("fault, component", [("eos_bias", "flow_lm"), ("emb_std", "mimi_decoder"),
                                              ("speaker_proj", "voice_encoder"),
                                              ("rope", "flow_lm")])
def test_grades_catch_a_wrong_model(pkg, manifest, fault, component):
    """The grades compare against pocket-tts, not against the graphs: a model that differs in
    one place from the exported one FAILs that component."""
    import torch
    from weft_models.pocket_tts.build import model_from_source
    from weft_models.pocket_tts.check import check_package
    m = model_from_source(manifest["source"])
    with torch.no_grad():
        if fault == "eos_bias":
            m.flow_lm.out_eos.bias += 0.05
        elif fault == "emb_std":
            m.flow_lm.emb_std[0] *= 1.1
        elif fault == "speaker_proj":
            m.flow_lm.speaker_proj_weight[0] += 0.1
        else:
            m.flow_lm.transformer.rope.max_period = 5000.0
    bands = {r.component: r.band for r in check_package(m, pkg)}
    assert bands[component] == "FAIL", bands


def test_int8_copy_graded(pkg, model, tmp_path):
    from weft_models.pocket_tts.quantize import quantize_package
    q = quantize_package(model, pkg, tmp_path / "int8")
    g = json.loads((tmp_path / "int8" / "weft.json").read_text())
    assert g["validation"]["int8"] == q["grade"] and q["grade"]["steps"] >= 10
    assert q["grade"]["ok"], q["grade"]
    ops = {n.op_type for n in onnx.load(str(tmp_path / "int8" / "flow_lm.onnx")).graph.node}
    assert "DynamicQuantizeLinear" in ops or "MatMulInteger" in ops


def _core_knows_pocket_tts() -> bool:
    reg = REPO / "src" / "generator_registry.cpp"
    return reg.is_file() and "pocket_tts" in reg.read_text()


@pytest.mark.skipif(not _core_knows_pocket_tts(), reason="the core has no pocket_tts generator yet")
def test_core_loads_the_package(pkg):
    node = shutil.which("node")
    assert node, "node is needed to load the core"
    script = ("import { loadCore } from './web/core-loader.js';"
              "import { readFileSync } from 'node:fs';"
              "const core = await loadCore();"
              f"const m = core.Model.fromJson(readFileSync({json.dumps(str(pkg / 'weft.json'))}, 'utf8'));"
              "console.log(m.infoJson()); m.delete();")
    r = subprocess.run([node, "--input-type=module", "-e", script], cwd=REPO, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "pocket_tts" in r.stdout


def test_checkpoint_folder_loads_strictly(model, pkg, tmp_path):
    """--checkpoint DIR: a YAML config, model.safetensors (TTSModel.state_dict()) and the
    tokenizer give back the same model; a state dict of another shape is refused."""
    import safetensors.torch
    import torch
    import yaml
    from weft_models.pocket_tts.build import package_config_dict, load_checkpoint
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(package_config_dict("tiny")))
    safetensors.torch.save_file({k: v.contiguous() for k, v in model.state_dict().items()},
                                str(tmp_path / "model.safetensors"))
    shutil.copyfile(pkg / "tokenizer.model", tmp_path / "tokenizer.model")
    loaded, tok = load_checkpoint(tmp_path)
    assert tok.name == "tokenizer.model"
    theirs = loaded.state_dict()
    assert all(torch.equal(v, theirs[k]) for k, v in model.state_dict().items())
    state = model.state_dict()
    state.pop("flow_lm.out_eos.bias")
    safetensors.torch.save_file({k: v.contiguous() for k, v in state.items()},
                                str(tmp_path / "model.safetensors"))
    with pytest.raises(ValueError, match="1 missing keys"):
        load_checkpoint(tmp_path)


def test_cli_validate(pkg, capsys):
    from weft_models.cli import main
    assert main(["validate", "pocket-tts", str(pkg), "-q"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
    assert [x["component"] for x in lines] == COMPONENTS and {x["band"] for x in lines} == {"PASS"}
