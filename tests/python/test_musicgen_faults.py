"""Each failure mode of a broken MusicGen export (weft_models/musicgen/pipeline.py's FAULTS),
re-introduced on purpose, must make the comparison with transformers fail."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from test_musicgen_export import mg_model, mg_pkg  # noqa: F401  (session fixtures)

STEPS = 24


@pytest.fixture(scope="module")
def sessions(mg_pkg):  # noqa: F811
    from weft_models.musicgen.pipeline import Sessions
    return Sessions(mg_pkg)


@pytest.mark.parametrize("mode,fault", [
    ("text", "no_cross_attention"), ("text", "off_by_one"), ("text", "no_kv"),
    ("text", "special_2047"), ("text", "no_cfg"), ("continuation", "double_delay"),
    ("continuation", "no_kv"), ("continuation", "off_by_one")])
def test_fault_breaks_parity(mg_model, mg_pkg, sessions, mode, fault):  # noqa: F811
    from weft_models.musicgen.check import pipeline_parity
    line = pipeline_parity(mg_model, mg_pkg, mode, STEPS, fault=fault, sessions=sessions)
    assert line["matched"] < line["steps"], (fault, line)


def _hf_last_logits(model, enc, mask, ids):
    from weft_models.musicgen import reference as R
    logits, _, _ = R.decoder_run(model, enc, mask, ids)
    return logits


@pytest.mark.parametrize("fault", ["non_causal", "no_cross_attention", "relu"])
def test_faulty_decoder_graph_fails_band(mg_model, fault):  # noqa: F811
    """The decoder module we export, broken the way the failed attempt was, no longer PASSes
    against transformers (while the unbroken one does)."""
    from weft_models.musicgen.graphs import DecoderCore
    from weft_models.common.validate import band, compare
    rng = np.random.default_rng(3)
    core = DecoderCore(mg_model).eval()
    enc = rng.standard_normal((2, 5, mg_model.config.text_encoder.d_model)).astype(np.float32)
    mask = np.ones((2, 5), np.int64)
    ids = rng.integers(0, 2049, (8, 7))
    ref = _hf_last_logits(mg_model, enc, mask, ids).reshape(2, 4, 7, -1)

    def run(causal=True, zero_cross=False):
        with torch.no_grad():
            cond = core.condition(torch.from_numpy(enc), torch.from_numpy(mask))
            cross = core.cross_kv(cond * 0 if zero_cross else cond)
            logits, _ = core(torch.from_numpy(ids), torch.from_numpy(mask), cross,
                             causal=causal, last_only=False)
        return logits.numpy()
    mx, _, cos, _ = compare(ref, run())
    assert band(mx, cos) == "PASS"
    if fault == "relu":
        acts = [layer.activation_fn for layer in core.layers]
        for layer in core.layers:
            layer.activation_fn = torch.nn.ReLU()
        try:
            got = run()
        finally:
            for layer, a in zip(core.layers, acts):
                layer.activation_fn = a
    else:
        got = run(causal=fault != "non_causal", zero_cross=fault == "no_cross_attention")
    mx, _, cos, _ = compare(ref, got)
    assert band(mx, cos) == "FAIL", (fault, mx, cos)


@pytest.mark.parametrize("prompt_len", [0, 5])
def test_delay_pattern_matches_transformers(mg_model, prompt_len):  # noqa: F811
    """Our pattern (special token 2048, delay q, leading start step) is transformers' own."""
    from weft_models.musicgen.pattern import FREE, pattern_mask
    rng = np.random.default_rng(prompt_len)
    codes = rng.integers(0, 2048, (4, prompt_len))
    total = 1 + prompt_len + 9
    start = np.full((4, 1), 2048)
    ids = torch.from_numpy(np.concatenate([start, codes], 1))
    _, hf = mg_model.decoder.build_delay_pattern_mask(ids, pad_token_id=2048, max_length=total)
    ours = pattern_mask(codes, total, 2048)
    assert np.array_equal(ours, hf.numpy()), (ours, hf)
    assert (ours == FREE).any() and not (ours == 2047).any()
