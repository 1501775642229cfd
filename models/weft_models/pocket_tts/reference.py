"""pocket-tts itself, run the way TTSModel runs it (the source of truth check.py grades against):
the conditioner, the voice prompt encoding, the flow LM over a ModelState (voice prefill, text
prefill, then one latent per step from a BOS) with the noise given instead of drawn, and the
Mimi decoder's streaming decode_from_latent over a linear cache."""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import numpy as np
import torch


def text_embeddings(model, tokens: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return model.flow_lm.conditioner(torch.from_numpy(tokens)).numpy()


def voice_conditioning(model, audio: np.ndarray) -> np.ndarray:
    """TTSModel.get_state_for_audio_prompt's prompt: encoded, projected, BOS first."""
    with torch.no_grad():
        prompt = model._encode_audio(torch.from_numpy(audio))
        if model.flow_lm.insert_bos_before_voice:
            prompt = torch.cat([model.flow_lm.bos_before_voice, prompt], dim=1)
    return prompt.numpy()


@contextlib.contextmanager
def given_noise(noise: np.ndarray, std: float):
    """torch.nn.init.normal_ (FlowLMModel's noise draw) fills the tensor with `noise` (already
    scaled by sqrt(temperature)) after checking it was asked for that std."""
    original = torch.nn.init.normal_

    def fill(t, mean=0.0, std_=1.0, **kw):
        std_ = kw.get("std", std_)
        if abs(std_ - std) > 1e-12 or mean != 0.0:
            raise AssertionError(f"noise drawn with std {std_}, expected {std}")
        with torch.no_grad():
            return t.copy_(torch.from_numpy(noise).reshape(t.shape))

    torch.nn.init.normal_ = fill
    try:
        yield
    finally:
        torch.nn.init.normal_ = original


@dataclass
class FlowRun:
    """One flow LM run: its inputs and pocket-tts' outputs (present: the cache after the run)."""
    tag: str
    conditioning: np.ndarray
    previous_latent: np.ndarray
    noise: np.ndarray
    next_latent: np.ndarray = None
    eos_logit: np.ndarray = None
    present: list = field(default_factory=list)  # per layer (key, value) [1, kv_heads, P, d]


def _cache_of(model, state) -> list:
    out = []
    for name, module in model.flow_lm.named_modules():
        s = state.get(name)
        if s is not None and "cache" in s:
            n = int(s["offset"].view(-1)[0])
            c = s["cache"][:, :, :n].permute(0, 1, 3, 2, 4)  # [2, B, H, n, d]
            out.append((c[0].clone().numpy(), c[1].clone().numpy()))
    return out


def flow_sequence(model, voice: np.ndarray | None, tokens: np.ndarray, noises: np.ndarray,
                  temperature: float) -> list[FlowRun]:
    """The voice prefill (when given), the text prefill, then len(noises) - 2 steps: the first
    from BOS (NaN), each next from the latent pocket-tts sampled. noises[i] feeds run i."""
    from pocket_tts.modules.stateful_module import init_states
    lm, d, ldim = model.flow_lm, model.flow_lm.dim, model.flow_lm.ldim
    eos = []
    hook = lm.out_eos.register_forward_hook(lambda m, i, o: eos.append(o.detach().clone()))
    empty_c = np.zeros((1, 0, d), np.float32)
    empty_s = np.zeros((1, 0, ldim), np.float32)
    runs = []
    try:
        state = init_states(lm, batch_size=1,
                            sequence_length=1 if voice is None else voice.shape[1])
        if voice is not None:
            runs.append(FlowRun("voice", voice, empty_s, noises[len(runs)]))
            _step(model, state, runs[-1], temperature, audio_conditioning=torch.from_numpy(voice))
        text = text_embeddings(model, tokens)
        total = sum(r.conditioning.shape[1] for r in runs) + text.shape[1] + len(noises)
        model._expand_kv_cache(state, sequence_length=total)
        runs.append(FlowRun("text", text, empty_s, noises[len(runs)]))
        _step(model, state, runs[-1], temperature, text_tokens=torch.from_numpy(tokens))
        prev = np.full((1, 1, ldim), np.nan, np.float32)
        while len(runs) < len(noises):
            runs.append(FlowRun(f"step{len(runs)}", empty_c, prev, noises[len(runs)]))
            _step(model, state, runs[-1], temperature,
                  backbone_input_latents=torch.from_numpy(prev))
            prev = runs[-1].next_latent[:, None, :]
        for r, e in zip(runs, eos):
            r.eos_logit = e.numpy()
    finally:
        hook.remove()
    return runs


def _step(model, state, run: FlowRun, temperature: float, **inputs) -> None:
    saved = model.temp
    model.temp = temperature
    try:
        with torch.no_grad(), given_noise(run.noise, temperature ** 0.5):
            latent, _ = model._run_flow_lm_and_increment_step(model_state=state, **inputs)
    finally:
        model.temp = saved
    run.next_latent = latent[:, 0].numpy().copy()
    run.present = _cache_of(model, state)


def mimi_decode(model, latents: np.ndarray, chunks: list[int]) -> list[dict]:
    """decode_from_latent over consecutive chunks of `latents` [1, F, ldim] (normalized, as the
    flow LM samples them), as TTSModel's decoder worker runs it; per chunk the audio and every
    convolution state after it (name -> array)."""
    from pocket_tts.modules.stateful_module import increment_steps, init_states
    lm, mimi = model.flow_lm, model.mimi
    steps = int(mimi.encoder_frame_rate / mimi.frame_rate)
    state = init_states(mimi, batch_size=1, sequence_length=latents.shape[1] * steps)
    out, start = [], 0
    with torch.no_grad():
        for n in chunks:
            x = torch.from_numpy(latents[:, start:start + n]) * lm.emb_std + lm.emb_mean
            audio = mimi.decode_from_latent(x, state)
            increment_steps(mimi, state, increment=steps * n)
            conv = {k: (v.get("previous", v.get("partial"))).clone().numpy()
                    for k, v in state.items() if not k.startswith("encoder")
                    and ("previous" in v or "partial" in v)}
            out.append({"audio": audio.numpy().copy(), "conv": conv})
            start += n
    return out


def flow_on_cache(model, run: FlowRun, past: list, temperature: float) -> None:
    """One run of FlowLMModel on a ModelState whose caches hold `past` (per layer (key, value)
    [1, kv_heads, P, d]): run.conditioning as the conditioning, run.previous_latent as the
    latents; fills run's outputs."""
    from pocket_tts.modules.stateful_module import init_states
    lm = model.flow_lm
    p = past[0][0].shape[2]
    total = p + run.conditioning.shape[1] + run.previous_latent.shape[1]
    state = init_states(lm, batch_size=1, sequence_length=total)
    caches = [s for name, s in state.items() if "cache" in s]
    for s, (k, v) in zip(caches, past):
        s["cache"][0, :, :p] = torch.from_numpy(k).permute(0, 2, 1, 3)
        s["cache"][1, :, :p] = torch.from_numpy(v).permute(0, 2, 1, 3)
        s["offset"][:] = p
    eos = []
    hook = lm.out_eos.register_forward_hook(lambda m, i, o: eos.append(o.detach().clone()))
    try:
        _step(model, state, run, temperature,
              audio_conditioning=torch.from_numpy(run.conditioning),
              backbone_input_latents=torch.from_numpy(run.previous_latent))
    finally:
        hook.remove()
    run.eos_logit = eos[0].numpy()
