"""The audio references are what they claim to be, and Weft's resampler (the WASM core through
web/audio.js in Node) matches torchaudio.functional.resample on random rate pairs and signals
generated here, beyond the fixed fixture cases (tests/native/test_resample.cpp, tests/js/audio.test.mjs)."""
from __future__ import annotations

import json
import math
import subprocess
import wave
from importlib import metadata

import numpy as np
import pytest

from conftest import REPO

TOLERANCE = 1e-6  # docs/AUDIO.md

NODE_RESAMPLE = """
import { readFileSync, writeFileSync } from 'node:fs';
import { resample } from './web/audio.js';
const jobs = JSON.parse(readFileSync(process.argv[1], 'utf8'));
for (const j of jobs) {
  const b = readFileSync(j.input);
  const x = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  const y = await resample(x, j.from, j.to, { precision: j.precision });
  writeFileSync(j.output, y);
}
"""


def _torchaudio():
    from weft_fixtures.audio import torchaudio_functional
    return torchaudio_functional()


def _pins(name: str) -> dict:
    return dict(line.split("==") for line in (REPO / "models" / name).read_text().splitlines()
                if "==" in line and not line.startswith("#"))


def test_torchaudio_reference_is_the_pinned_package_and_leaves_torch_untouched():
    import sys
    import torch
    cuda = torch.version.cuda
    F = _torchaudio()
    assert F.resample.__module__ == "torchaudio.functional.functional"
    assert sys.modules["torchaudio"].__version__.split("+")[0] == _pins("requirements-reference.txt")["torchaudio"]
    assert metadata.version("soundfile") == _pins("requirements.txt")["soundfile"]
    assert torch.version.cuda == cuda


def test_torchaudio_is_not_importable_from_site_packages():
    """transformers imports torchaudio whenever it can find it; the reference copy must stay hidden."""
    import sys
    out = subprocess.run([sys.executable, "-c", "import importlib.util; print(importlib.util.find_spec('torchaudio'))"],
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "None", out.stdout + out.stderr


def test_soundfile_references_agree_with_the_stdlib_wave_decoder(built_models):
    """Two independent decoders (libsndfile, Python's wave + int16 / 32768) on the 16-bit files."""
    d = built_models / "fixtures/audio"
    cases = json.loads((d / "cases.json").read_text())
    checked = 0
    for c in cases["wav"]:
        if c["encoding"] != "pcm16" or c["made_by"] == "edit":
            continue
        if c["file"].startswith("sf_wavex"):
            continue  # WAVE_FORMAT_EXTENSIBLE: Python 3.11's wave reads plain PCM only
        with wave.open(str(d / c["file"])) as w:
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        ref = np.fromfile(d / c["ref"], dtype="<f4")
        np.testing.assert_array_equal(ref, pcm.astype(np.float32) / np.float32(32768), err_msg=c["file"])
        checked += 1
    assert checked >= 3


def _random_pairs(rng, count):
    """Rate pairs from 1 kHz to 96 kHz, some co-prime, small enough for torchaudio's dense kernel."""
    pairs = []
    while len(pairs) < count:
        a, b = (int(r) for r in rng.integers(1000, 96001, 2))
        g = math.gcd(a, b)
        orig, new = a // g, b // g
        width = math.ceil(6 * orig / (min(orig, new) * 0.99))
        if new * (2 * width + orig) <= 4_000_000:  # torchaudio holds new x (2 width + orig) floats
            pairs.append((a, b))
    return pairs


@pytest.mark.parametrize("precision", ["float32", "float64"])
def test_random_rates_and_signals_match_torchaudio_through_the_js_api(tmp_path, precision):
    import torch
    F = _torchaudio()
    assert (REPO / "dist/weft-core.wasm").exists(), "dist/ is missing: run scripts/setup.sh"
    rng = np.random.default_rng(7 if precision == "float32" else 8)
    pairs = _random_pairs(rng, 12) + [(44100, 32000), (48000, 32000)]
    jobs, refs = [], []
    for i, (a, b) in enumerate(pairs):
        n = int(rng.integers(1, 20000))
        x = rng.uniform(-1, 1, n).astype(np.float32)
        (tmp_path / f"in{i}.f32").write_bytes(x.tobytes())
        dtype = torch.float32 if precision == "float32" else torch.float64
        refs.append(F.resample(torch.from_numpy(x).to(dtype), a, b).numpy())
        jobs.append({"input": str(tmp_path / f"in{i}.f32"), "output": str(tmp_path / f"out{i}.f32"),
                     "from": a, "to": b, "precision": precision})
    (tmp_path / "jobs.json").write_text(json.dumps(jobs))
    out = subprocess.run(["node", "--input-type=module", "-e", NODE_RESAMPLE, str(tmp_path / "jobs.json")],
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    for job, ref in zip(jobs, refs):
        got = np.fromfile(job["output"], dtype="<f4")
        assert got.shape == ref.shape, job
        diff = float(np.max(np.abs(got.astype(np.float64) - ref))) if ref.size else 0.0
        assert diff <= TOLERANCE, f"{job['from']} -> {job['to']} Hz, n={ref.size}: max abs diff {diff}"
