"""audiocraft's own layout: EnCodec from `compression_state_dict.bin`, T5 from a folder. The
reference is audiocraft itself (1.3.0, installed beside the venv in .venv/audiocraft): a random
audiocraft EnCodec, saved as its exporter saves it, must give transformers' EncodecModel built by
the toolkit the same codes and the same audio; then an LM file with that codec and a T5 folder
exports through the CLI."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

def codec_cfg(pad_mode="constant", true_skip=True, **seanet) -> dict:
    """audiocraft's encodec/default.yaml + encodec_large_nq4_s640 (musicgen's 32 kHz codec) at
    the tiny preset's widths, with its `${}` references."""
    return {"sample_rate": 32000, "channels": 1, "compression_model": "encodec", "device": "cpu",
            "encodec": {"autoencoder": "seanet", "quantizer": "rvq",
                        "sample_rate": "${sample_rate}", "channels": "${channels}",
                        "causal": False, "renormalize": False},
            "seanet": {"dimension": 16, "channels": "${channels}", "causal": "${encodec.causal}",
                       "n_filters": 4, "n_residual_layers": 1, "ratios": [8, 5, 4, 4],
                       "activation": "ELU", "activation_params": {"alpha": 1.0},
                       "norm": "weight_norm", "norm_params": {}, "kernel_size": 7,
                       "residual_kernel_size": 3, "last_kernel_size": 7, "dilation_base": 2,
                       "pad_mode": pad_mode, "true_skip": true_skip, "compress": 2, "lstm": 2,
                       "disable_norm_outer_blocks": 0, **seanet,
                       "decoder": {"trim_right_ratio": 1.0, "final_activation": None,
                                   "final_activation_params": None}, "encoder": {}},
            "rvq": {"n_q": 4, "q_dropout": False, "bins": 2048, "decay": 0.99,
                    "kmeans_init": True, "kmeans_iters": 50, "threshold_ema_dead_code": 2,
                    "orthogonal_reg_weight": 0.0, "orthogonal_reg_active_codes_only": False}}


def audiocraft_codec(cfg: dict, seed: int = 0):
    """A random EncodecModel from audiocraft's own builders.get_compression_model."""
    from weft_fixtures.audiocraft_ref import load
    ac = load()
    torch.manual_seed(seed)
    model = ac.builders.get_compression_model(ac.omegaconf.OmegaConf.create(cfg)).eval()
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():  # k-means initialised codebooks start at zero: every code would be 0
        for name, buf in model.named_buffers():
            if name.endswith("_codebook.embed"):
                buf.copy_(torch.randn(buf.shape, generator=g))
    return model


def save_compression(path: Path, model, cfg: dict) -> Path:
    """The layout of audiocraft's utils.export.export_encodec."""
    from weft_fixtures.audiocraft_ref import load
    torch.save({"best_state": model.state_dict(), "xp.cfg": load().omegaconf.OmegaConf.to_yaml(cfg),
                "version": "1.3.0", "exported": True}, path)
    return path


def _audio(n: int = 7000) -> torch.Tensor:
    return torch.randn(2, 1, n, generator=torch.Generator().manual_seed(9)) * 0.3


@pytest.mark.parametrize("pad_mode,true_skip", [("constant", True), ("reflect", False)])
def test_codes_and_audio_equal_audiocrafts(tmp_path, pad_mode, true_skip):
    from weft_models.musicgen.encodec_audiocraft import load_compression
    torch.set_num_threads(1)
    cfg = codec_cfg(pad_mode, true_skip)
    ref = audiocraft_codec(cfg)
    hf, _ = load_compression(save_compression(tmp_path / "c.bin", ref, cfg))
    x = _audio()
    with torch.no_grad():
        codes, scale = ref.encode(x)
        audio = ref.decode(codes, scale)
        got = hf.encode(x, bandwidth=hf.config.target_bandwidths[-1]).audio_codes
        got_audio = hf.decode(got, [None]).audio_values
    assert got.shape == (1, 2, 4, codes.shape[-1])
    assert torch.equal(got[0], codes)
    assert got_audio.shape == audio.shape
    assert (got_audio - audio).abs().max().item() < 1e-5


def test_unmappable_codec_named(tmp_path):
    from weft_models.musicgen.audiocraft import CheckpointError
    from weft_models.musicgen.encodec_audiocraft import load_compression
    cfg = codec_cfg()
    ref = audiocraft_codec(cfg)
    silu = dict(cfg, seanet=dict(cfg["seanet"], activation="SiLU"))
    with pytest.raises(CheckpointError, match=r"c1\.bin: xp\.cfg seanet\.activation is SiLU"):
        load_compression(save_compression(tmp_path / "c1.bin", ref, silu))
    state = dict(ref.state_dict(), **{"encoder.model.0.conv.conv.extra": torch.ones(1)})
    torch.save({"best_state": state, "xp.cfg": yaml.safe_dump(cfg)}, tmp_path / "c2.bin")
    with pytest.raises(CheckpointError, match=r"unexpected 1 key\(s\): encoder\.model\.0\.conv"
                                              r"\.conv\.extra"):
        load_compression(tmp_path / "c2.bin")
    torch.save({"pretrained": "facebook/encodec_32khz", "exported": True}, tmp_path / "c3.bin")
    with pytest.raises(CheckpointError, match="names the pretrained codec"):
        load_compression(tmp_path / "c3.bin")


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    """An LM file (fine-tune, xp.cfg), an audiocraft codec file and a T5 folder whose encoder
    sits in a T5ForConditionalGeneration (decoder weights beside it)."""
    from transformers import T5ForConditionalGeneration
    from weft_models.musicgen.build import build_random
    from weft_models.musicgen.tokenizer import write_tokenizer
    from test_musicgen_base_export import save_finetune, xp_cfg
    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("mg-ac-parts")
    ft = build_random("tiny", 5)
    save_finetune(root / "ft.bin", ft, xp_cfg())
    cfg = codec_cfg()
    codec = audiocraft_codec(cfg, seed=4)
    save_compression(root / "compression_state_dict.bin", codec, cfg)
    t5 = T5ForConditionalGeneration(ft.config.text_encoder).eval()
    t5.save_pretrained(root / "t5")
    write_tokenizer(root / "t5", ft.config.text_encoder.vocab_size)
    return {"root": root, "ft": ft, "codec": codec, "t5": t5}


def test_export_from_audiocraft_parts(parts):
    import onnxruntime as ort
    from weft_models.cli import main
    from weft_models.musicgen.build import model_from_source
    root = parts["root"]
    rc = main(["export", "musicgen", "--checkpoint", str(root / "ft.bin"), "--compression",
               str(root / "compression_state_dict.bin"), "--t5", str(root / "t5"), "--out",
               str(root / "pkg"), "--no-validate", "-q"])
    assert rc == 0
    x = _audio(6400)[:1]
    s = ort.InferenceSession(str(root / "pkg" / "encodec_encode.onnx"),
                             providers=["CPUExecutionProvider"])
    got = s.run(None, {"input_values": x.numpy()})[0]
    with torch.no_grad():
        ref, _ = parts["codec"].encode(x)
    assert np.array_equal(got, ref.numpy())
    m = json.loads((root / "pkg" / "weft.json").read_text())
    assert m["generation"]["semantics"] == "audiocraft"
    assert (root / "pkg" / "tokenizer.json").read_bytes() == \
        (root / "t5" / "tokenizer.json").read_bytes()
    rebuilt = model_from_source(m["source"]).state_dict()
    q = "text_encoder.encoder.block.1.layer.0.SelfAttention.q.weight"
    assert torch.equal(rebuilt[q], parts["t5"].state_dict()[q.removeprefix("text_encoder.")])
    k = "decoder.model.decoder.layers.0.fc1.weight"
    assert torch.equal(rebuilt[k], parts["ft"].state_dict()[k])


def test_codec_of_another_codebook_count_named(parts):
    from weft_models.musicgen.assemble import load_source
    from weft_models.musicgen.audiocraft import CheckpointError
    root = parts["root"]
    cfg = codec_cfg()
    cfg["rvq"]["n_q"] = 8
    comp = save_compression(root / "nq8.bin", audiocraft_codec(cfg), cfg)
    with pytest.raises(CheckpointError, match=r"ft\.bin: 4 codebooks \(emb\.K\), but .*nq8\.bin "
                                              r"xp\.cfg rvq\.n_q is 8"):
        load_source(root / "ft.bin", compression=comp, t5=root / "t5")
