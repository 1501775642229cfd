"""Pocket TTS references from the package itself (pocket-tts's TTSModel.generate_audio and
get_state_for_audio_prompt, no loop re-implemented here), for `npm run parity -- pocket-tts` and
tests/js/pocket-tts.test.mjs, on the model of build/models/pocket-tts-tiny (pocket_tts.py).

Writes fixtures/pocket_tts/:
  refs.json       texts, seed, temperatures, and per case the reference audio file
  voice.f32       the voice clip (espeak-ng speech at 24 kHz, float32)
  voice_cond.f32  the package's voice conditioning: [bos_before_voice; speaker projection of the
                  encoded, end_on_pause'd clip], V x model_dim
  normal.f32      NumPy's reproduction of the core's normal draws (SAMPLING.md), for the check
                  that the core draws the same
  <case>.f32      generate_audio's samples

At temperature 0 the package's own noise is zeros (std 0). At the default temperature the
package's noise source (torch.nn.init.normal_, which its flow head calls once per FlowLM run) is
replaced by the core's draws, reproduced in NumPy: one fresh stream per case, consumed in the
core's order (the voice prompt's run, then per chunk the text run and one run per frame).
"""
from __future__ import annotations

import json
import math
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .sampling_reference import Normal, SplitMix64

SEED = 7
TEXTS = [
    "Hello world.",
    "The quick brown fox jumps over the lazy dog.",
    "wait",
    "It is 3.14 degrees outside; Mr. Smith said that it would rain.",
    "First, we read the file. Then we parse every line of it, one by one, and we keep the "
    "numbers. After that, we sort the numbers and print them. Finally, we close the file, "
    "because an open file holds a handle that other programs may need, and we return the "
    "result to the caller.",
]
VOICE_TEXT = "This is my voice. I am reading a short sentence for you."


def voice_clip(rate: int = 24000) -> np.ndarray:
    """espeak-ng speech resampled to the model's rate by sox (float32 mono)."""
    import soundfile
    with tempfile.TemporaryDirectory() as tmp:
        raw, wav = Path(tmp) / "raw.wav", Path(tmp) / "voice.wav"
        subprocess.run(["espeak-ng", "-w", str(raw), VOICE_TEXT], check=True, capture_output=True)
        subprocess.run(["sox", str(raw), "-r", str(rate), "-c", "1", "-b", "16", str(wav)], check=True)
        audio, sr = soundfile.read(str(wav), dtype="float32")
    assert sr == rate
    return audio


@contextmanager
def injected_noise(rng_seed: int, scale: float):
    """torch.nn.init.normal_ fills from the core's normal stream (float32(scale * z))."""
    import torch
    normal = Normal(SplitMix64(rng_seed))
    original = torch.nn.init.normal_

    def fill(tensor, mean=0.0, std=1.0, generator=None):
        del mean, std, generator  # the core's scale, sqrt(temperature), is used instead
        values = normal.fill(scale, tensor.numel()).reshape(tuple(tensor.shape))
        with torch.no_grad():
            tensor.copy_(torch.from_numpy(values))
        return tensor

    torch.nn.init.normal_ = fill
    try:
        yield
    finally:
        torch.nn.init.normal_ = original


def voice_conditioning(model, clip: np.ndarray) -> np.ndarray:
    import torch
    from pocket_tts.data.audio_utils import end_on_pause
    audio = end_on_pause(torch.from_numpy(clip)[None], model.config.mimi.sample_rate)
    with torch.no_grad():
        prompt = model._encode_audio(audio.unsqueeze(0))
        if model.flow_lm.insert_bos_before_voice:
            prompt = torch.cat([model.flow_lm.bos_before_voice, prompt], dim=1)
    return prompt[0].numpy().astype(np.float32)


# The tiny model's EOS logits sit near -1, above the default threshold (-4) from the first frame
# on: other thresholds also put EOS late in a chunk ("late": chosen from the package's own logits)
# and nowhere, so the frame cap ends the chunk (100).
EOS_CASES = [(0, "late"), (1, 100.0), (3, "late")]


def late_eos_threshold(model, clip: np.ndarray, text: str) -> float:
    """A threshold the package's EOS logit first exceeds at the highest logit from frame 15 on."""
    logits = []
    hook = model.flow_lm.out_eos.register_forward_hook(lambda m, i, o: logits.append(float(o.flatten()[-1])))
    try:
        speak(model, clip, text, 0.0, 1e9)
    finally:
        hook.remove()
    steps = logits[2:]  # after the voice's and the text's runs
    k = max(range(15, len(steps) - 3), key=lambda j: steps[j])
    before = max(steps[model._MIN_FRAMES_BEFORE_EOS:k])
    if steps[k] <= before:
        raise RuntimeError(f"no frame from 15 on has an EOS logit above every earlier one ({steps})")
    return (before + steps[k]) / 2


def speak(model, clip: np.ndarray, text: str, temperature: float, eos_threshold: float | None = None) -> np.ndarray:
    """The package's own pipeline: the voice state from the clip, then generate_audio."""
    import torch
    model.temp = temperature
    default_eos = model.eos_threshold
    model.eos_threshold = default_eos if eos_threshold is None else eos_threshold
    try:
        with injected_noise(SEED, math.sqrt(temperature)):
            state = model.get_state_for_audio_prompt(torch.from_numpy(clip)[None])
            audio = model.generate_audio(state, text)
    finally:
        model.eos_threshold = default_eos
    return audio.numpy().astype(np.float32)


DIR = "fixtures/pocket_tts"


def build(tmp: Path) -> None:
    from . import pocket_tts as pt
    from weft_models.pocket_tts.build import build_random
    model, _ = build_random(pt.PARAMS["preset"], pt.PARAMS["seed"])
    write_refs(model, tmp / DIR)


def write_refs(model, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    clip = voice_clip(model.config.mimi.sample_rate)
    (out / "voice.f32").write_bytes(clip.tobytes())
    (out / "voice_cond.f32").write_bytes(voice_conditioning(model, clip).tobytes())
    default = float(model.config.default_temperature)
    draws = Normal(SplitMix64(SEED)).fill(math.sqrt(default), 4096)
    (out / "normal.f32").write_bytes(draws.tobytes())
    cases = []
    for temperature in (0.0, default):
        for i, text in enumerate(TEXTS):
            name = f"t{temperature:g}_{i}.f32"
            audio = speak(model, clip, text, temperature)
            (out / name).write_bytes(audio.tobytes())
            cases.append({"text": i, "temperature": temperature, "audio": name, "samples": int(audio.size)})
    for i, eos in EOS_CASES:
        eos = late_eos_threshold(model, clip, TEXTS[i]) if eos == "late" else eos
        name = f"eos{eos:.3f}_{i}.f32"
        audio = speak(model, clip, TEXTS[i], 0.0, eos)
        (out / name).write_bytes(audio.tobytes())
        cases.append({"text": i, "temperature": 0.0, "eos_threshold": eos, "audio": name, "samples": int(audio.size)})
    refs = {"texts": TEXTS, "seed": SEED, "default_temperature": default, "voice": "voice.f32",
            "voice_conditioning": "voice_cond.f32", "model_dim": model.config.flow_lm.transformer.d_model,
            "normal": {"file": "normal.f32", "seed": SEED, "scale": math.sqrt(default), "count": 4096},
            "cases": cases}
    (out / "refs.json").write_text(json.dumps(refs, indent=1) + "\n")
