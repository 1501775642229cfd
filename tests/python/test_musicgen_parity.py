"""The onnxruntime greedy loop over the exported graphs equals transformers' own `generate`
(greedy, CFG 3.0) token for token, for text-to-music and continuation."""
from __future__ import annotations

import pytest

from test_musicgen_export import mg_model, mg_pkg  # noqa: F401  (session fixtures)

STEPS = 68  # 68 decoder steps -> 65 new frames after the 3-step delay tail


@pytest.mark.parametrize("mode", ["text", "continuation"])
def test_greedy_matches_generate(mg_model, mg_pkg, mode):  # noqa: F811
    from weft_models.musicgen.check import pipeline_parity
    line = pipeline_parity(mg_model, mg_pkg, mode, STEPS)
    assert line["matched"] == line["steps"] == STEPS, line
    assert line["codes_equal"], line
    assert line["audio_max_abs"] < 1e-4, line
    if mode == "continuation":
        assert line["prompt_frames"] >= 50  # >= 1 s of prompt, encoded by encodec_encode
        assert line["frames"] >= line["prompt_frames"] + 64
    else:
        assert line["frames"] >= 64
