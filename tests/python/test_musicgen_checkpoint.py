"""A user's Hugging Face checkpoint folder, end to end through the CLI: save_pretrained of a tiny
MusicgenForConditionalGeneration (with a tokenizer of its own) -> `weft-models export musicgen
--checkpoint <folder>` (every component graded vs transformers) -> `validate musicgen` on the
package, which rebuilds the model from the checkpoint path recorded in weft.json."""
from __future__ import annotations

import json

import pytest


@pytest.fixture(scope="module")
def hf_package(tmp_path_factory):
    import torch

    from weft_models.cli import main
    from weft_models.musicgen.build import build_random
    from weft_models.musicgen.tokenizer import write_tokenizer
    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("mg-hf")
    model = build_random("tiny", seed=11)
    model.save_pretrained(root / "hf")
    tok = write_tokenizer(root / "hf", model.config.text_encoder.vocab_size)
    cfg = json.loads((root / "hf" / "tokenizer_config.json").read_text())
    cfg["model_max_length"] = 77  # marks the checkpoint's own file: the package must carry it
    (root / "hf" / "tokenizer_config.json").write_text(json.dumps(cfg))
    rc = main(["export", "musicgen", "--checkpoint", str(root / "hf"), "--out", str(root / "pkg"),
               "-q"])
    return {"rc": rc, "root": root, "pkg": root / "pkg", "model": model, "tok": tok}


def test_export_from_folder_passes(hf_package, capsys):
    assert hf_package["rc"] == 0
    m = json.loads((hf_package["pkg"] / "weft.json").read_text())
    reports = m["validation"]["fp32"]
    assert {r["component"] for r in reports} == {
        "text_encoder", "encodec_encode", "encodec_decode", "decoder_cross_kv",
        "decoder_step", "decoder_step_inplace", "decoder_cache_merge", "decoder_model_merged"}
    assert all(r["band"] == "PASS" for r in reports), reports
    assert m["source"]["checkpoint"] == str((hf_package["root"] / "hf").resolve())


def test_package_is_the_checkpoints_model(hf_package):
    """The exported text encoder reproduces the checkpoint's own T5 (seed 11), not a preset."""
    import numpy as np
    import onnxruntime as ort
    import torch
    model = hf_package["model"]
    ids = np.array([[5, 9, 14, 1]], np.int64)
    mask = np.ones_like(ids)
    s = ort.InferenceSession(str(hf_package["pkg"] / "text_encoder.onnx"),
                             providers=["CPUExecutionProvider"])
    got = s.run(None, {"input_ids": ids, "attention_mask": mask})[0]
    with torch.no_grad():
        ref = model.text_encoder(input_ids=torch.from_numpy(ids),
                                 attention_mask=torch.from_numpy(mask)).last_hidden_state.numpy()
    assert np.abs(got - ref).max() < 1e-4


def test_checkpoint_tokenizer_carried(hf_package):
    pkg, hf = hf_package["pkg"], hf_package["root"] / "hf"
    assert (pkg / "tokenizer.json").read_bytes() == (hf / "tokenizer.json").read_bytes()
    assert json.loads((pkg / "tokenizer_config.json").read_text())["model_max_length"] == 77


def test_validate_rebuilds_from_checkpoint(hf_package, capsys):
    from weft_models.cli import main
    capsys.readouterr()
    rc = main(["validate", "musicgen", str(hf_package["pkg"]), "--steps", "16", "-q"])
    out = capsys.readouterr().out
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    pipes = {line["pipeline"]: line for line in lines if "pipeline" in line}
    assert rc == 0, out
    assert set(pipes) == {"text", "continuation"}
    assert all(p["matched"] == p["steps"] == 16 for p in pipes.values()), pipes
    assert "validation: OK" in out
