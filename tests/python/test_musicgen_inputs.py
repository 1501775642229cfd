"""Bad checkpoints get clear errors naming the key or file; a good audiocraft file round-trips;
the CLI answers --help on every subcommand."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch


@pytest.fixture(scope="module")
def tiny():
    from weft_models.musicgen.build import build_random
    return build_random("tiny", seed=5)


@pytest.fixture(scope="module")
def ac_state(tiny):
    from weft_models.musicgen.audiocraft import to_audiocraft
    return to_audiocraft(tiny)


def _save(tmp_path, state, wrap=True):
    p = tmp_path / "state_dict.bin"
    torch.save({"best_state": state} if wrap else state, p)
    return p


def test_audiocraft_roundtrip(tmp_path, tiny, ac_state):
    from weft_models.musicgen.build import load_checkpoint
    m = load_checkpoint(_save(tmp_path, ac_state), "tiny", random_base=True)
    a, b = tiny.state_dict(), m.state_dict()
    lm = [k for k in a if k.startswith(("decoder.", "enc_to_dec_proj.")) and "embed_pos" not in k]
    assert lm and all(torch.equal(a[k], b[k]) for k in lm)


def test_missing_key_named(tmp_path, ac_state):
    from weft_models.musicgen.audiocraft import CheckpointError
    from weft_models.musicgen.build import load_checkpoint
    bad = dict(ac_state)
    del bad["transformer.layers.1.linear2.weight"]
    with pytest.raises(CheckpointError, match=r"missing 1 .*layers\.1\.fc2\.weight"):
        load_checkpoint(_save(tmp_path, bad), "tiny", random_base=True)


def test_extra_key_named(tmp_path, ac_state):
    from weft_models.musicgen.audiocraft import CheckpointError
    from weft_models.musicgen.build import load_checkpoint
    bad = dict(ac_state, **{"transformer.layers.9.norm1.weight": torch.ones(64),
                            "foo.bar": torch.ones(1)})
    with pytest.raises(CheckpointError, match=r"unexpected 2 .*foo\.bar"):
        load_checkpoint(_save(tmp_path, bad), "tiny", random_base=True)


def test_wrong_shape_named(tmp_path, ac_state):
    from weft_models.musicgen.audiocraft import CheckpointError
    from weft_models.musicgen.build import load_checkpoint
    bad = dict(ac_state, **{"emb.2.weight": torch.zeros(2048, 64)})  # 2048 rows: no special
    with pytest.raises(CheckpointError, match=r"emb\.2\.weight: shape \(2048, 64\)"):
        load_checkpoint(_save(tmp_path, bad), "tiny", random_base=True)


def test_wrong_preset_shapes(tmp_path, ac_state):
    from weft_models.musicgen.audiocraft import CheckpointError
    from weft_models.musicgen.build import load_checkpoint
    with pytest.raises(CheckpointError, match="shape"):
        load_checkpoint(_save(tmp_path, ac_state, wrap=False), "small", random_base=True)


def test_nonexistent_path(tmp_path):
    from weft_models.musicgen.build import load_checkpoint
    with pytest.raises(FileNotFoundError, match="nope.bin"):
        load_checkpoint(tmp_path / "nope.bin")


def test_unsupported_architecture(tmp_path):
    from weft_models.musicgen.build import load_checkpoint
    (tmp_path / "config.json").write_text(json.dumps({"architectures": ["GPT2LMHeadModel"]}))
    with pytest.raises(ValueError, match="GPT2LMHeadModel.*not supported"):
        load_checkpoint(tmp_path)


def test_not_a_checkpoint(tmp_path):
    from weft_models.musicgen.build import load_checkpoint
    (tmp_path / "x.txt").write_text("hi")
    with pytest.raises(ValueError, match="x.txt"):
        load_checkpoint(tmp_path / "x.txt")


def test_hf_directory_roundtrip(tmp_path, tiny):
    from weft_models.musicgen.build import load_checkpoint
    tiny.save_pretrained(tmp_path / "hf")
    m = load_checkpoint(tmp_path / "hf")
    k = "decoder.lm_heads.0.weight"
    assert torch.equal(m.state_dict()[k], tiny.state_dict()[k])


@pytest.mark.parametrize("sub", [["export", "musicgen"], ["validate", "musicgen"], ["sanitize"],
                                 ["quantize", "musicgen"]])
def test_cli_help(sub):
    r = subprocess.run([sys.executable, "-m", "weft_models.cli", *sub, "--help"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "usage:" in r.stdout


def test_cli_bad_checkpoint_exit_code(tmp_path):
    r = subprocess.run([sys.executable, "-m", "weft_models.cli", "export", "musicgen",
                        "--checkpoint", str(tmp_path / "missing.bin"), "--out",
                        str(tmp_path / "o")], capture_output=True, text=True)
    assert r.returncode == 2 and "missing.bin" in r.stderr
