"""build/models: every item present and well-formed; a second run is a fast, silent no-op."""
from __future__ import annotations

import json
import subprocess
import time
import wave

import numpy as np

from conftest import REPO


def test_rerun_is_a_silent_fast_noop(built_models, python_exe):
    before = {p: p.stat().st_mtime_ns for p in built_models.rglob("*") if p.is_file()}
    t0 = time.perf_counter()
    out = subprocess.run([python_exe, "-m", "weft_fixtures", "--out", "build/models"],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - t0
    assert out.returncode == 0, out.stderr
    assert out.stdout == "" and out.stderr == ""
    after = {p: p.stat().st_mtime_ns for p in built_models.rglob("*") if p.is_file()}
    assert after == before
    assert elapsed < 3.0  # no torch import on the no-op path (typically ~0.2 s)


def test_stamp_change_rebuilds_only_that_item(tmp_path):
    from weft_fixtures import driver as fixtures
    out = tmp_path / "models"
    assert fixtures.run(out, only=["toy_sampled"]) == ["toy_sampled"]
    assert fixtures.run(out, only=["toy_sampled"]) == []
    (out / ".stamps" / "toy_sampled").write_text("stale\n")
    assert fixtures.run(out, only=["toy_sampled"]) == ["toy_sampled"]
    (out / "fixtures" / "toy_sampled.json").unlink()
    assert fixtures.run(out, only=["toy_sampled"]) == ["toy_sampled"]


def test_toy_greedy_format(built_models):
    data = json.loads((built_models / "fixtures" / "toy_greedy.json").read_text())
    assert [len(p) for p in data["prompts"]] == [1, 4, 16, 40]
    for p, t in zip(data["prompts"], data["tokens"]):
        assert len(p) + len(t) == 128
        assert all(0 <= x < 512 for x in p + t)
    assert len({tuple(t) for t in data["tokens"]}) == len(data["tokens"])
    assert all(len(set(t)) > 10 for t in data["tokens"])  # not one token repeated


def test_speech_fixture(built_models):
    wav = built_models / "fixtures" / "speech16k.wav"
    with wave.open(str(wav)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16000, 1, 2)
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2")
    f32 = np.fromfile(built_models / "fixtures" / "speech16k.f32", "<f4")
    assert pcm.size >= 5 * 16000 and f32.size == pcm.size
    assert np.array_equal(f32, pcm.astype(np.float32) / 32768)


def test_vad_finds_speech_and_silence(built_models):
    """Silero over the speech fixture, state carried chunk to chunk, as the stream generator
    will do it: speech somewhere, silence somewhere, and more than one speech segment."""
    from weft_models.common.validate import ort_session
    sess = ort_session(str(built_models / "silero-vad" / "silero_vad_v5.onnx"))
    x = np.fromfile(built_models / "fixtures" / "speech16k.f32", "<f4")
    state, probs = np.zeros((2, 1, 128), np.float32), []
    for i in range(0, x.size - 511, 512):
        p, state = sess.run(None, {"input": x[None, i:i + 512], "state": state,
                                   "sr": np.array(16000, np.int64)})
        probs.append(float(p[0, 0]))
    speech = np.array(probs) > 0.5
    assert speech.mean() > 0.3 and (~speech).mean() > 0.2
    assert np.count_nonzero(np.diff(speech.astype(int)) == 1) >= 3  # three sentences


def test_toy_nan_package(built_models):
    from weft_models.common.manifest import read_manifest
    from weft_models.common.validate import ort_session, run_session
    m = read_manifest(built_models / "toy-nan")
    assert m["name"] == "toy-nan" and m["source"]["nan_token"] == 7
    sess = ort_session(str(built_models / "toy-nan" / "decoder.onnx"))

    def logits(ids):
        feeds = {"input_ids": np.array([ids]), "attention_mask": np.ones((1, len(ids)), np.int64),
                 "position_ids": np.arange(len(ids))[None]}
        feeds.update({f"past_key_values.0.{kv}": np.zeros((1, 2, 0, 24), np.float32)
                      for kv in ("key", "value")})
        return run_session(sess, feeds)["logits"][0]
    assert np.isfinite(logits([1, 2, 3])).all()
    # Every position is NaN, even before the 7: masked-out NaN values still reach the
    # attention matmul (0 * NaN = NaN). In a cache run, the step that feeds 7 is the first NaN.
    assert np.isnan(logits([1, 7, 3])).all()
