"""The contents of the test fixtures: speech audio, greedy token runs, sampling cases.

Each builder writes its files into a given directory and is deterministic, so a rebuild with the
same sources yields the same bytes (the fixtures driver decides *when* to rebuild).
"""
from __future__ import annotations

import json
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

# ---- (d) speech ------------------------------------------------------------------------------

SENTENCES = [
    "Weft runs stateful models on the device, one step at a time.",
    "The voice activity detector should find this sentence.",
    "And after a pause, it should find this one too.",
]
GAP_S = 1.2    # silence between sentences, long enough for the VAD to drop out
EDGE_S = 0.8   # silence before the first and after the last sentence
SPEECH_PARAMS = {"sentences": SENTENCES, "gap_s": GAP_S, "edge_s": EDGE_S,
                 "voice": "en-us", "wpm": 150, "rate": 16000}


def build_speech(out_dir: Path) -> None:
    """speech16k.wav (16 kHz mono s16) and speech16k.f32 (raw little-endian float32, x/32768)."""
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        parts = []
        for i, text in enumerate(SENTENCES):
            p = t / f"s{i}.wav"
            subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(p), text],
                           check=True, capture_output=True)
            parts.append(p)
        rate = _wav_rate(parts[0])  # espeak-ng's native rate (22050); sox concat needs it
        gap, edge = t / "gap.wav", t / "edge.wav"
        # -D (no dither) on every sox call: sox dithers whenever it writes 16-bit from a
        # higher-precision source (even generated silence) with random noise, so without it
        # each rebuild would produce different samples.
        for path, dur in ((gap, GAP_S), (edge, EDGE_S)):
            subprocess.run(["sox", "-D", "-n", "-r", str(rate), "-c", "1", "-b", "16", str(path),
                            "trim", "0", str(dur)], check=True, capture_output=True)
        seq = [edge]
        for i, p in enumerate(parts):
            seq += [p] + ([gap] if i < len(parts) - 1 else [edge])
        wav = out_dir / "speech16k.wav"
        subprocess.run(["sox", "-D", *map(str, seq), "-r", "16000", "-c", "1", "-b", "16",
                        "-e", "signed-integer", str(wav)], check=True, capture_output=True)
    with wave.open(str(wav)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16000, 1, 2)
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    if pcm.size < 5 * 16000:
        raise RuntimeError(f"speech fixture is only {pcm.size / 16000:.2f} s (need >= 5 s)")
    f32 = (pcm.astype(np.float32) / 32768.0).astype("<f4")
    (out_dir / "speech16k.f32").write_bytes(f32.tobytes())


def _wav_rate(path: Path) -> int:
    with wave.open(str(path)) as w:
        return w.getframerate()


# ---- (e) greedy runs of the toy --------------------------------------------------------------

GREEDY_PROMPT_LENGTHS = [1, 4, 16, 40]
GREEDY_PROMPT_SEED = 20240611
MIN_MARGIN = 1e-3  # top-1/top-2 logit gap; below this, fp32 noise in another runtime may flip it


def greedy_prompts(vocab: int) -> list[list[int]]:
    rng = np.random.default_rng(GREEDY_PROMPT_SEED)
    prompts = [rng.integers(0, vocab, n).tolist() for n in GREEDY_PROMPT_LENGTHS]
    prompts[1] = [0, vocab - 1, 1, vocab - 2]  # edge ids: the smallest and the largest
    return prompts


def build_greedy(out_file: Path, seed: int = 0) -> None:
    """{"model", "prompts", "tokens", "min_margin"}: PyTorch greedy full recompute per prompt
    until the context (max_positions) is full."""
    from weft_models.common.torch_tools import threads_for
    from weft_models.decoder.build import build_toy
    model = build_toy(seed=seed)
    with threads_for(model):
        _greedy(model, out_file)


def _greedy(model, out_file: Path) -> None:
    import torch
    from weft_models.decoder.build import full_logits
    n_ctx = model.cfg.max_positions
    prompts, tokens, margins = greedy_prompts(model.cfg.vocab), [], []
    for prompt in prompts:
        ids, margin = list(prompt), float("inf")
        while len(ids) < n_ctx:
            logits = full_logits(model, ids)[-1]
            top2 = torch.topk(logits, 2).values
            margin = min(margin, float(top2[0] - top2[1]))
            ids.append(int(torch.argmax(logits)))
        if margin < MIN_MARGIN:
            raise RuntimeError(f"greedy fixture: prompt {prompt[:8]}... has a near tie "
                               f"(margin {margin:.2g}); pick another prompt or seed")
        tokens.append(ids[len(prompt):])
        margins.append(margin)
    data = {"model": "toy", "prompts": prompts, "tokens": tokens, "min_margin": margins}
    out_file.write_text(json.dumps(data) + "\n")


# ---- (f) sampling cases ----------------------------------------------------------------------

def _seed(s: int):
    """JSON numbers only below 2^53 (exact in JavaScript); larger seeds as decimal strings."""
    return s if s < 2 ** 53 else str(s)


def _p(do_sample=True, temperature=1.0, top_k=0, top_p=1.0, min_p=0.0, repetition_penalty=1.0):
    return {"do_sample": do_sample, "temperature": temperature, "top_k": top_k, "top_p": top_p,
            "min_p": min_p, "repetition_penalty": repetition_penalty}


SAMPLING_CASES = [
    {"seed": 0, "params": _p(do_sample=False)},
    {"seed": 1, "params": _p(do_sample=False, repetition_penalty=1.3)},
    {"seed": 0, "params": _p()},
    {"seed": _seed(2 ** 64 - 1), "params": _p()},
    {"seed": 42, "params": _p(temperature=0.7)},
    {"seed": _seed(12345678901234567890), "params": _p(temperature=1.5)},
    {"seed": 7, "params": _p(top_k=1)},
    {"seed": 8, "params": _p(top_k=5)},
    {"seed": 9, "params": _p(top_k=7, temperature=2.0)},   # ties at the 7th value (row "topk_ties")
    {"seed": 10, "params": _p(top_k=50, temperature=0.9)},
    {"seed": 11, "params": _p(top_p=0.9)},
    {"seed": 12, "params": _p(top_p=0.5, temperature=0.8)},
    {"seed": 13, "params": _p(min_p=0.05)},
    {"seed": 14, "params": _p(min_p=0.2, temperature=1.2)},
    {"seed": 15, "params": _p(repetition_penalty=1.3)},
    {"seed": 16, "params": _p(repetition_penalty=0.8)},
    {"seed": _seed(2 ** 53 + 1), "params": _p(temperature=0.8, top_k=40, top_p=0.95, min_p=0.02,
                                               repetition_penalty=1.1)},
    {"seed": 99, "params": _p(temperature=0.0)},           # do_sample with T=0 is greedy
    {"seed": 3, "params": _p(temperature=1e-3)},           # huge z: weft_exp underflows to 0
    {"seed": 4, "params": _p(top_p=1e-9)},                 # top-p keeps exactly one token
    {"seed": 5, "params": _p(temperature=1.0, min_p=1.0)},  # min-p keeps the maximum (and ties)
]


def hand_rows(vocab: int) -> list[tuple[str, np.ndarray]]:
    """Rows with exact ties and extreme ranges, the cases model logits rarely produce."""
    max_ties = np.zeros(vocab, np.float32)
    max_ties[[3, 10, 200]] = 5.0                       # greedy must pick 3
    topk_ties = np.full(vocab, -1.0, np.float32)
    topk_ties[10:15] = 2.0
    topk_ties[20:30] = 1.0                             # top_k=7 keeps 5 + 10 = 15 tokens
    uniform = np.zeros(vocab, np.float32)
    wide = np.linspace(-1000.0, 50.0, vocab).astype(np.float32)[::-1].copy()
    return [("max_ties", max_ties), ("topk_ties", topk_ties), ("uniform", uniform),
            ("wide", wide)]


def build_sampled(out_file: Path, seed: int = 0) -> None:
    """{"rows", "row_names", "cases", "numpy_tokens"}: 32 toy logit rows + hand-made rows."""
    from weft_models.decoder.build import build_toy, full_logits

    from .sampling_reference import draw_tokens
    model = build_toy(seed=seed)
    ids = np.random.default_rng(7).integers(0, model.cfg.vocab, 32).tolist()
    toy_rows = full_logits(model, ids).numpy().astype(np.float32)
    named = [(f"toy[{i}]", r) for i, r in enumerate(toy_rows)] + hand_rows(model.cfg.vocab)
    # float(np.float32) -> the exact double of the float32 value; repr round-trips it exactly,
    # so readers parse a double and narrow it to float32 with no rounding at all.
    rows = [[float(v) for v in r] for _, r in named]
    data = {"rows": rows, "row_names": [n for n, _ in named], "cases": SAMPLING_CASES}
    data["numpy_tokens"] = draw_tokens(rows, SAMPLING_CASES)
    out_file.write_text(json.dumps(data) + "\n")
