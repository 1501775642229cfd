"""The step report: the toy's KV-cache run matches full recompute, and the report can fail: a
cache run fed wrong positions is flagged at exactly the step the fault starts."""
from __future__ import annotations

import json

import numpy as np
import pytest

from weft_models.decoder.build import full_logits, greedy_full_recompute
from weft_models.common.validate import ort_session, run_session
from weft_models.decoder.check import autoregressive_report

PROMPT = [17, 300, 42, 5]


@pytest.fixture(scope="module")
def ref(toy_model):
    return lambda ids: full_logits(toy_model, ids)[-1].numpy()


@pytest.fixture(scope="module")
def session(toy_package):
    return ort_session(str(toy_package / "decoder.onnx"))


def test_toy_cache_run_matches_full_recompute(toy_package, ref, session):
    steps = 128 - len(PROMPT)  # fill the whole context
    r = autoregressive_report(str(toy_package / "decoder.onnx"), ref, PROMPT, steps,
                              session=session)
    assert len(r.steps) == steps + 1
    assert r.first_divergence is None and r.first_mismatch is None, r.format()
    assert all(s.top5_overlap == 5 for s in r.steps)
    assert max(s.max_diff for s in r.steps) < 1e-4


@pytest.mark.parametrize("fault_step", [0, 3, 10])
def test_wrong_positions_are_flagged_at_the_fault_step(toy_package, ref, session, fault_step):
    r = autoregressive_report(str(toy_package / "decoder.onnx"), ref, PROMPT, 15, session=session,
                              position_offset=1, offset_from_step=fault_step)
    assert r.first_mismatch == fault_step, r.format()
    assert r.first_divergence is not None and r.first_divergence >= fault_step
    assert not r.ok


def test_greedy_divergence_step_is_exact(toy_package, ref, session):
    """At step 10 the wrong position changes the greedy token itself (known for this prompt)."""
    r = autoregressive_report(str(toy_package / "decoder.onnx"), ref, PROMPT, 15, session=session,
                              position_offset=1, offset_from_step=10)
    assert r.first_divergence == 10
    assert "<-- diverged" in r.format().splitlines()[11]


def test_onnx_cache_greedy_reproduces_the_fixture(built_models, toy_model):
    """toy_greedy.json (PyTorch full recompute) == ONNX greedy with the KV cache, all prompts."""
    data = json.loads((built_models / "fixtures" / "toy_greedy.json").read_text())
    sess = ort_session(str(built_models / "toy" / "decoder.onnx"))
    for prompt, expected in zip(data["prompts"], data["tokens"]):
        assert len(prompt) + len(expected) == 128
        feeds = {f"past_key_values.0.{kv}": np.zeros((1, 2, 0, 24), np.float32)
                 for kv in ("key", "value")}
        ids, new, got = list(prompt), list(prompt), []
        while len(ids) < 128:
            feeds["input_ids"] = np.array([new], np.int64)
            feeds["attention_mask"] = np.ones((1, len(ids)), np.int64)
            feeds["position_ids"] = np.arange(len(ids) - len(new), len(ids))[None]
            out = run_session(sess, feeds)
            feeds["past_key_values.0.key"] = out["present.0.key"]
            feeds["past_key_values.0.value"] = out["present.0.value"]
            tok = int(np.argmax(out["logits"][0, -1]))
            got.append(tok)
            ids.append(tok)
            new = [tok]
        assert got == expected


def test_reference_generator_is_full_recompute(toy_model):
    """greedy_full_recompute agrees with a hand-rolled argmax loop over full_logits."""
    ids = [1, 2, 3]
    for _ in range(5):
        ids.append(int(np.argmax(full_logits(toy_model, ids)[-1].numpy())))
    assert greedy_full_recompute(toy_model, [1, 2, 3], 5) == ids[3:]
