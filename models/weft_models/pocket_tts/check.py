"""Validation of a Pocket TTS package against pocket-tts (reference.py), every graph run by
onnxruntime, with the toolkit's metrics and bands (common/validate.py):

- text_embedder: random ids and a tokenized sentence, vs the conditioner;
- voice_encoder: noise and a gliding tone, vs TTSModel's prompt encoding (BOS first);
- flow_lm: a random cache and conditioning, vs FlowLMModel on a ModelState holding that cache;
  then a real sequence (voice prefill, text prefill, steps from BOS) with given noise, the graph
  carrying its own cache, each run fed the latent pocket-tts sampled before it;
- mimi_decoder: that sequence's latents frame by frame and in multi-frame chunks, the graph
  carrying its own state, vs streaming decode_from_latent (audio and every convolution state).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..common.validate import ComponentReport, OutputResult, grade, ort_session, run_session
from . import reference as R
from .components import Dims

TEXT = "Hello world. I am a small test of the pocket model, with words and numbers: 42."
STEPS = 12
FRAME_CHUNKS = [1] * 22 + [3, 2, 5, 1]


class Sessions:
    def __init__(self, pkg: Path, dims: Dims):
        self.pkg, self.dims, self._s = Path(pkg), dims, {}

    def run(self, name: str, feeds: dict) -> dict:
        if name not in self._s:
            self._s[name] = ort_session(str(self.pkg / f"{name}.onnx"))
        return run_session(self._s[name], feeds)


def _grade(tag, got: dict, ref: dict) -> list[OutputResult]:
    return [grade(tag, name, r, got[name]) for name, r in ref.items()]


def tokenize(model, text: str = TEXT) -> np.ndarray:
    return model.flow_lm.conditioner.prepare(text).numpy().astype(np.int64)


def voice_audio(dims: Dims, frames: int, seed: int = 0) -> np.ndarray:
    n = frames * dims.frame_samples
    t = np.arange(n) / dims.sample_rate
    rng = np.random.default_rng(seed)
    x = 0.4 * np.sin(2 * np.pi * 180 * t * (1 + t)) + 0.05 * rng.standard_normal(n)
    return x.astype(np.float32)[None, None]


def check_text(model, sess, dims, rng) -> list[OutputResult]:
    res = []
    for tag, ids in (("random", rng.integers(0, dims.text_vocab, (1, 9))),
                     ("extremes", np.array([[0, dims.text_vocab - 1, 1]])),
                     ("sentence", tokenize(model))):
        ids = ids.astype(np.int64)
        res += _grade(tag, sess.run("text_embedder", {"tokens": ids}),
                      {"embeddings": R.text_embeddings(model, ids)})
    return res


def check_voice(model, sess, dims, rng) -> list[OutputResult]:
    res = []
    noise = (0.3 * rng.standard_normal((1, 1, 5 * dims.frame_samples))).astype(np.float32)
    cases = (("noise5", noise), ("noise1", noise[..., :dims.frame_samples]),
             ("tone13", voice_audio(dims, 13)))
    for tag, audio in cases:
        res += _grade(tag, sess.run("voice_encoder", {"audio": audio}),
                      {"conditioning": R.voice_conditioning(model, audio)})
    return res


def _kv_feeds(prefix: str, pairs) -> dict:
    return {f"{prefix}.{i}.{p}": t for i, kv in enumerate(pairs) for p, t in zip(("key", "value"), kv)}


def _flow_feeds(run: R.FlowRun, past) -> dict:
    return {"conditioning": run.conditioning, "previous_latent": run.previous_latent,
            "noise": run.noise.reshape(1, -1), **_kv_feeds("past_key_values", past)}


def _flow_ref(run: R.FlowRun) -> dict:
    return {"next_latent": run.next_latent, "eos_logit": run.eos_logit,
            **_kv_feeds("present", run.present)}


def _empty_cache(dims: Dims):
    e = np.zeros((1, dims.kv_heads, 0, dims.head_dim), np.float32)
    return [(e, e)] * dims.layers


def flow_runs(model, dims: Dims, rng, temperature: float, steps: int = STEPS):
    """pocket-tts' runs over voice + text + `steps` frames, with seeded noise."""
    voice = R.voice_conditioning(model, voice_audio(dims, 6, seed=1))
    noises = (np.sqrt(temperature) * rng.standard_normal((steps + 2, 1, dims.latent_dim)))
    return R.flow_sequence(model, voice, tokenize(model), noises.astype(np.float32),
                           temperature)


def check_flow_sequence(sess, dims, runs) -> list[OutputResult]:
    """The graph carries its own cache; each run gets pocket-tts' inputs (teacher forcing)."""
    res, past = [], _empty_cache(dims)
    for run in runs:
        got = sess.run("flow_lm", _flow_feeds(run, past))
        res += _grade(run.tag, got, _flow_ref(run))
        past = [(got[f"present.{i}.key"], got[f"present.{i}.value"]) for i in range(dims.layers)]
    return res


def check_flow_random(model, sess, dims, rng, temperature: float) -> list[OutputResult]:
    """A random cache of P positions, C conditioning rows and S latent rows (one of them BOS)."""
    res = []
    for p, c, s in ((6, 4, 2), (0, 3, 0), (9, 0, 1)):
        past = [tuple(rng.standard_normal((2, 1, dims.kv_heads, p, dims.head_dim))
                      .astype(np.float32)) for _ in range(dims.layers)]
        prev = rng.standard_normal((1, s, dims.latent_dim)).astype(np.float32)
        if s:
            prev[0, 0] = np.nan
        run = R.FlowRun(f"random_p{p}_c{c}_s{s}",
                        rng.standard_normal((1, c, dims.model_dim)).astype(np.float32), prev,
                        (np.sqrt(temperature) * rng.standard_normal((1, dims.latent_dim)))
                        .astype(np.float32))
        R.flow_on_cache(model, run, past, temperature)
        res += _grade(run.tag, sess.run("flow_lm", _flow_feeds(run, past)), _flow_ref(run))
    return res


def check_mimi(model, sess, dims, latents: np.ndarray, chunks, tag: str) -> list[OutputResult]:
    """Chunks of `latents` in order, the graph's state carried; audio and conv states graded."""
    ref = R.mimi_decode(model, latents, chunks)
    owners = mimi_state_owners(model)
    state = {f"mimi_state.{i}": np.zeros(shape, dt) for i, (shape, dt) in
             enumerate(dims.mimi_state)}
    res, start = [], 0
    for k, (n, r) in enumerate(zip(chunks, ref)):
        got = sess.run("mimi_decoder", {"latent": latents[:, start:start + n], **state})
        start += n
        want = {"audio": r["audio"]}
        want.update({f"mimi_state_out.{i}": r["conv"][name] for i, name in owners.items()})
        res += _grade(f"{tag}_chunk{k}_f{n}", got, want)
        state = {f"mimi_state.{i}": got[f"mimi_state_out.{i}"] for i in range(len(dims.mimi_state))}
    return res


def mimi_state_owners(model) -> dict[int, str]:
    """Decoder state slot -> the pocket-tts state it equals (convolution buffers only)."""
    from .graphs import MimiDecoder
    names = {id(m): n for n, m in model.mimi.named_modules()}
    specs = MimiDecoder(model).state_specs()
    return {i: names[id(owner)] for i, (_, _, owner) in enumerate(specs)
            if owner is not None and hasattr(owner, "init_state")
            and not hasattr(owner, "in_proj")}


def check_package(model, pkg, dims: Dims | None = None, seed: int = 0,
                  temperature: float = 0.7, decode_steps: int = 1) -> list[ComponentReport]:
    import torch
    if decode_steps != model.sampler_decode_steps:
        model.sampler_decode_steps = decode_steps
    dims = dims or Dims.of(model)
    sess = Sessions(pkg, dims)
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    reports = [ComponentReport("text_embedder", check_text(model, sess, dims, rng)),
               ComponentReport("voice_encoder", check_voice(model, sess, dims, rng))]
    runs = flow_runs(model, dims, rng, temperature)
    flow = check_flow_random(model, sess, dims, rng, temperature)
    reports.append(ComponentReport("flow_lm", flow + check_flow_sequence(sess, dims, runs)))
    latents = np.concatenate([r.next_latent[:, None] for r in runs[2:]], axis=1)
    frames = sum(FRAME_CHUNKS)
    latents = np.concatenate([latents] * (frames // latents.shape[1] + 1), axis=1)[:, :frames]
    mimi = check_mimi(model, sess, dims, latents, FRAME_CHUNKS, "sequence")
    noise = rng.standard_normal((1, 6, dims.latent_dim)).astype(np.float32)
    mimi += check_mimi(model, sess, dims, noise, [2, 1, 3], "random")
    reports.append(ComponentReport("mimi_decoder", mimi))
    return reports


def validate_package(package: str | Path):
    """Rebuild the model the package's `source` names; one summary dict per component."""
    import torch

    from ..common.manifest import read_manifest
    from .build import model_from_source
    torch.set_num_threads(1)
    source = read_manifest(package)["source"]
    model = model_from_source(source)
    for r in check_package(model, package, decode_steps=source.get("decode_steps", 1)):
        yield r.summary()
