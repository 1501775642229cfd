"""The musicgen-audiocraft references are audiocraft's generation on the model they say: where
audiocraft and transformers agree (greedy, CFG, texts without padding, with or without an audio
prompt), audiocraft's codes must equal transformers' `generate` on the same weights, its
state_dict.bin mapped by weft_models.musicgen.audiocraft.convert into a model loaded from the
item's base folder.

They do not agree on padded text batches: audiocraft zeroes the padded T5 positions but its
cross-attention takes no mask, so those positions still share the attention (scores 0, values 0);
transformers masks them out. Only a batch's longest description is compared."""
from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import BUILD_MODELS

# Frames of a window: audiocraft T = int(seconds * 50); transformers counts the delay pattern's
# steps, T + (codebooks - 1), and its first step (the start token), hence T + 3 new tokens.
EXTRA_STEPS = 3
HOP = 640  # samples per frame at 32 kHz


@pytest.fixture(scope="module")
def refs_dir():
    from weft_fixtures.driver import run
    from weft_fixtures.musicgen_audiocraft_refs import DIR
    run(BUILD_MODELS, only=[DIR])
    return BUILD_MODELS / DIR


def _case(refs_dir, name):
    refs = json.loads((refs_dir / "refs.json").read_text())
    return next(c for c in refs["cases"] if c["name"] == name)


def _transformers_codes(refs_dir, case, state_dict, rows=None):
    import torch

    from weft_models.musicgen import reference as R
    from weft_models.musicgen.audiocraft import convert
    from weft_models.musicgen.build import load_checkpoint
    torch.set_num_threads(1)
    pkg = torch.load(str(state_dict), map_location="cpu", weights_only=True)
    model = load_checkpoint(refs_dir / "base")
    convert(pkg["best_state"], model)
    ids = np.array([case["text_ids"][r] for r in rows or range(len(case["texts"]))], np.int64)
    new = int(case["seconds"] * 50) + EXTRA_STEPS
    audio = None
    if case["prompt"]:  # transformers encodes it with the same EnCodec; its frames count as codes
        audio = np.fromfile(refs_dir / case["prompt"], "<f4")[None, None]
        new -= audio.shape[-1] // HOP
    _, codes, _ = R.generate(model, ids, np.ones_like(ids), max_new_tokens=new,
                             guidance_scale=case["cfg"], input_values=audio)
    return codes


def _mismatch(got, want) -> str:
    bad = np.argwhere(got != want)
    return f"{len(bad)} of {want.size} codes differ, first at [b, q, t] = {bad[0].tolist()}"


@pytest.mark.parametrize("name", ["text", "continuation"])
def test_greedy_case_equals_transformers_generate(refs_dir, name):
    case = _case(refs_dir, name)
    assert len(case["texts"]) == 1 and not case["use_sampling"] and case["cfg"] == 3.0
    want = np.array(case["codes"])
    assert want.shape == (1, 4, int(case["seconds"] * 50))
    got = _transformers_codes(refs_dir, case, refs_dir / "state_dict.bin")
    assert got.shape == want.shape
    assert np.array_equal(got, want), _mismatch(got, want)


def test_batch_longest_description_equals_transformers_generate(refs_dir):
    case = _case(refs_dir, "batch3")
    lengths = [len(ids) for ids in case["text_ids"]]
    assert len(set(lengths)) == 3 and not case["use_sampling"]
    longest = int(np.argmax(lengths))
    want = np.array(case["codes"])[longest:longest + 1]
    got = _transformers_codes(refs_dir, case, refs_dir / "state_dict.bin", rows=[longest])
    assert got.shape == want.shape
    assert np.array_equal(got, want), _mismatch(got, want)


def test_another_lm_breaks_the_match(refs_dir, tmp_path):
    """The comparison can fail: the same builder and format under another seed gives an LM
    whose transformers codes are not the reference's."""
    from weft_fixtures import audiocraft_musicgen as am
    from weft_fixtures.audiocraft_ref import load
    from weft_fixtures.musicgen_audiocraft_refs import LM_SEED
    other = tmp_path / "state_dict.bin"
    am.write_state_dict(load(), refs_dir / "base", other, LM_SEED + 1)
    case = _case(refs_dir, "text")
    got = _transformers_codes(refs_dir, case, other)
    want = np.array(case["codes"])
    assert got.shape == want.shape
    assert np.mean(got != want) > 0.5
