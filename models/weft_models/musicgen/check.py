"""Validation of a MusicGen package against transformers (reference.py): every exported component
at shapes unlike the trace (components.TRACE), with the toolkit's metrics and bands
(common/validate.py), and the onnxruntime greedy loop over the package (pipeline.py) against
transformers' own `generate`, token by token, for text and for a continuation prompt (>= 1 s of
audio encoded by the exported encoder), CFG 3.0."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..common.validate import ComponentReport, OutputResult, grade
from . import reference as R
from .components import Dims, empty_cache
from .pipeline import Sessions, generate


def _grade(set_name, got: dict, ref: dict) -> list[OutputResult]:
    return [grade(set_name, name, r, got[name]) for name, r in ref.items()]


def _mask(rng, b, n, null_row=True):
    m = np.ones((b, n), np.int64)
    if b > 1:
        m[0, n - 2:] = 0            # padding
        if null_row:
            m[-1] = 0               # a CFG null row
    return m


def _kv_feeds(prefix, pairs, parts=("key", "value")):
    return {f"{prefix}.{i}.{p}": t for i, kv in enumerate(pairs) for p, t in zip(parts, kv)}


def check_package(model, pkg, dims: Dims, only=None, seed: int = 0) -> list[ComponentReport]:
    sess = Sessions(pkg)
    rng = np.random.default_rng(seed)
    reports = []

    def want(name):
        return not only or name in only

    if want("text_encoder"):
        res = []
        for b, n in ((1, 7), (3, 4)):
            f = {"input_ids": rng.integers(0, dims.text_vocab, (b, n)),
                 "attention_mask": _mask(rng, b, n, null_row=False)}
            res += _grade(f"b{b}_n{n}", sess.run("text_encoder", f), R.text_encoder(model, f))
        reports.append(ComponentReport("text_encoder", res))
    if want("encodec_encode"):
        res = []
        for b, n in ((1, 32000), (2, 17 * dims.hop + 123)):
            t = np.arange(n) / dims.sampling_rate
            x = 0.4 * np.sin(2 * np.pi * 220 * t * (1 + t)) + 0.1 * rng.standard_normal((b, 1, n))
            f = {"input_values": x.astype(np.float32)}
            res += _grade(f"b{b}_n{n}", sess.run("encodec_encode", f), R.encodec_encode(model, f))
        reports.append(ComponentReport("encodec_encode", res))
    if want("encodec_decode"):
        res = []
        for b, t in ((1, 50), (2, 9)):
            f = {"audio_codes": rng.integers(0, dims.vocab, (1, b, dims.codebooks, t))}
            res += _grade(f"b{b}_t{t}", sess.run("encodec_decode", f), R.encodec_decode(model, f))
        reports.append(ComponentReport("encodec_decode", res))
    dec = [c for c in ("decoder_cross_kv", "decoder_step", "decoder_step_inplace",
                       "decoder_cache_merge", "decoder_model_merged")
           if want(c) and c in sess.names]
    if dec:
        reports += _check_decoder(model, sess, dims, rng, dec)
    return reports


@dataclass
class _Case:
    """One decoder input case (b rows = 2 * requests: [cond; null]) and transformers' run on it."""
    tag: str
    enc: np.ndarray       # encoder states [b, n, text_hidden]
    mask: np.ndarray      # [b, n]
    ids: np.ndarray       # [b * nq, s + 1], the start token first
    logits: np.ndarray    # over every column
    self_kv: list         # self-attention K/V per layer over every column
    cross: list           # cross-attention K/V per layer
    kv_prefix: list       # self-attention K/V of the first s columns

    @property
    def s(self) -> int:
        return self.ids.shape[1] - 1


def _check_decoder(model, sess, dims, rng, names):
    checks = {"decoder_cross_kv": _check_cross_kv, "decoder_step": _check_step,
              "decoder_step_inplace": _check_step_inplace,
              "decoder_cache_merge": _check_cache_merge, "decoder_model_merged": _check_merged}
    res = {n: [] for n in names}
    nq = dims.codebooks
    for b, n, s in ((1, 6, 9), (2, 4, 2)):  # b = 2 * requests: rows [cond; null]
        enc = rng.standard_normal((b, n, dims.text_hidden)).astype(np.float32)
        mask = _mask(rng, b, n)
        ids = rng.integers(0, dims.vocab + 1, (b * nq, s + 1))
        ids[:, 0] = dims.vocab  # the start token
        logits, self_kv, cross = R.decoder_run(model, enc, mask, ids)
        _, kv_prefix, _ = R.decoder_run(model, enc, mask, ids[:, :s])
        case = _Case(f"b{b}_enc{n}_seq{s}", enc, mask, ids, logits, self_kv, cross, kv_prefix)
        for name in names:
            res[name] += checks[name](model, sess, dims, case)
    return [ComponentReport(n, r) for n, r in res.items()]


def _check_cross_kv(model, sess, dims, c: _Case) -> list[OutputResult]:
    f = {"encoder_hidden_states": c.enc, "encoder_attention_mask": c.mask}
    return _grade(c.tag, sess.run("decoder_cross_kv", f), _kv_feeds("cross", c.cross))


def _check_step(model, sess, dims, c: _Case) -> list[OutputResult]:
    b, s, res = c.mask.shape[0], c.s, []
    last = c.logits.reshape(b, dims.codebooks, s + 1, -1)[:, :, -1]
    cross_f = _kv_feeds("cross", c.cross)
    lead, empty = empty_cache(b, dims.heads, dims.head_dim)
    none = [(empty, empty)] * dims.layers

    def step(tag_, ids_, past, recent, kept):
        """decoder_step on the cache in tiers; present = the last `kept` positions. The long tier
        gets its masked placeholder position first."""
        past = [(np.concatenate([lead, k], 2), np.concatenate([lead, v], 2)) for k, v in past]
        f = {"input_ids": ids_, "encoder_attention_mask": c.mask, **cross_f,
             **_kv_feeds("past_key_values", past), **_kv_feeds("recent", recent)}
        ref = {"logits": last, **_kv_feeds("present", [(k[:, :, -kept:], v[:, :, -kept:])
                                                       for k, v in c.self_kv])}
        res.extend(_grade(c.tag + tag_, sess.run("decoder_step", f), ref))

    # the prompt's run: every column on an empty cache (causal)
    step("_nopast", c.ids, none, none, s + 1)
    # one column on the cache of the others, all in the long tier, all in the recent one, and
    # split between the two
    step("_past", c.ids[:, s:], c.kv_prefix, none, 1)
    step("_recent", c.ids[:, s:], none, c.kv_prefix, s + 1)
    a = s // 2
    step("_tiers", c.ids[:, s:], [(k[:, :, :a], v[:, :, :a]) for k, v in c.kv_prefix],
         [(k[:, :, a:], v[:, :, a:]) for k, v in c.kv_prefix], s + 1 - a)
    # several columns on a cache (a prompt continued in chunks)
    _, kv_head, _ = R.decoder_run(model, c.enc, c.mask, c.ids[:, :2])
    step("_chunk", c.ids[:, 2:], kv_head, none, s - 1)
    return res


def _check_step_inplace(model, sess, dims, c: _Case) -> list[OutputResult]:
    """decoder_step_inplace: the cache holds `held` positions of the request, then noise that
    must be masked (a longer earlier window's leftovers); present's first held + new positions
    must be the request's K/V."""
    b, s, res = c.mask.shape[0], c.s, []
    last = c.logits.reshape(b, dims.codebooks, s + 1, -1)[:, :, -1]
    cross_f = _kv_feeds("cross", c.cross)
    cap = s + 4
    noise = np.random.default_rng(7).standard_normal((b, dims.heads, cap, dims.head_dim))

    def step(tag_, ids_, held):
        caches = []
        for k, v in held:
            ck, cv = noise.astype(np.float32), noise[..., ::-1].astype(np.float32)
            ck[:, :, :k.shape[2]], cv[:, :, :v.shape[2]] = k, v
            caches.append((ck, cv))
        total = ids_.shape[1] + (held[0][0].shape[2] if held else 0)
        f = {"input_ids": ids_, "encoder_attention_mask": c.mask, **cross_f,
             "position_ids": np.arange(total - ids_.shape[1], total, dtype=np.int64),
             "seqlens_k": np.full((b,), total - 1, np.int32),
             "total_sequence_length": np.array(total, np.int32), **_kv_feeds("cache", caches)}
        got = sess.run("decoder_step_inplace", f)
        got = {n: (t[:, :, :total] if n.startswith("present.") else t) for n, t in got.items()}
        ref = {"logits": last, **_kv_feeds("present", c.self_kv)}
        res.extend(_grade(c.tag + tag_, got, ref))

    empty = np.zeros((b, dims.heads, 0, dims.head_dim), np.float32)
    step("_nopast", c.ids, [(empty, empty)] * dims.layers)  # the prompt's run
    step("_past", c.ids[:, s:], c.kv_prefix)  # one column
    _, kv_head, _ = R.decoder_run(model, c.enc, c.mask, c.ids[:, :2])
    step("_chunk", c.ids[:, 2:], kv_head)  # several columns on a cache
    return res


def _check_cache_merge(model, sess, dims, c: _Case) -> list[OutputResult]:
    a = c.s // 2
    f = {**_kv_feeds("past_key_values", [(k[:, :, :a], v[:, :, :a]) for k, v in c.self_kv]),
         **_kv_feeds("recent", [(k[:, :, a:], v[:, :, a:]) for k, v in c.self_kv])}
    return _grade(c.tag, sess.run("decoder_cache_merge", f), _kv_feeds("merged", c.self_kv))


def _check_merged(model, sess, dims, c: _Case) -> list[OutputResult]:
    parts = ("decoder.key", "decoder.value", "encoder.key", "encoder.value")
    quad = [(k, v, ck, cv) for (k, v), (ck, cv) in zip(c.self_kv, c.cross)]
    ref = {"logits": c.logits, **_kv_feeds("present", quad, parts)}
    empty = np.zeros((c.mask.shape[0], dims.heads, 0, dims.head_dim), np.float32)
    f = {"input_ids": c.ids, "encoder_attention_mask": c.mask, "encoder_hidden_states": c.enc,
         "use_cache_branch": np.array([False]),
         **_kv_feeds("past_key_values", [(empty,) * 4] * dims.layers, parts)}
    res = _grade(c.tag + "_nopast", sess.run("decoder_model_merged", f), ref)
    k = c.s - 1  # with past: the last two positions on top of a cache of s - 1
    _, kv_k, _ = R.decoder_run(model, c.enc, c.mask, c.ids[:, :k])
    past = [(a, bb, ck, cv) for (a, bb), (ck, cv) in zip(kv_k, c.cross)]
    f.update({"input_ids": c.ids[:, k:], "use_cache_branch": np.array([True]),
              **_kv_feeds("past_key_values", past, parts)})
    ref["logits"] = c.logits[:, k:]
    return res + _grade(c.tag + "_past", sess.run("decoder_model_merged", f), ref)


def prompt_audio(seconds: float = 1.2, sr: int = 32000, seed: int = 0) -> np.ndarray:
    """A deterministic test signal: a gliding tone with a little noise."""
    t = np.arange(int(seconds * sr)) / sr
    rng = np.random.default_rng(seed)
    return (0.4 * np.sin(2 * np.pi * 220 * t * (1 + 0.5 * t))
            + 0.05 * rng.standard_normal(t.size)).astype(np.float32)


def text_ids(pkg: Path, text: str = "calm piano music with drums") -> np.ndarray:
    from tokenizers import Tokenizer
    return np.array(Tokenizer.from_file(str(pkg / "tokenizer.json")).encode(text).ids, np.int64)


def pipeline_parity(model, pkg: Path, mode: str, steps: int, cfg: float = 3.0,
                    fault: str | None = None, sessions=None) -> dict:
    """One JSON line: the greedy tokens of the onnxruntime loop over the package vs transformers'
    `generate` for `mode` (text, continuation), step by step, and (without a fault) the codes
    and decoded audio."""
    ids = text_ids(pkg)
    audio = prompt_audio() if mode == "continuation" else None
    ref_steps, ref_codes, ref_audio = R.generate(
        model, ids[None], np.ones((1, ids.size), np.int64), max_new_tokens=steps,
        guidance_scale=cfg, input_values=None if audio is None else audio[None, None])
    got = generate(sessions or pkg, ids, max_new_tokens=steps, cfg=cfg, prompt_audio=audio,
                   decode=fault is None, fault=fault)
    ok = (ref_steps.reshape(steps, -1) == got.tokens).all(axis=1)
    line = {"pipeline": mode, "cfg": cfg, "steps": steps, "matched": int(ok.sum())}
    if not ok.all():
        line["first_divergence"] = int(np.argmin(ok))
    if fault is None:
        line["frames"] = int(got.codes.shape[-1])
        line["codes_equal"] = bool(got.codes.shape == ref_codes[0].shape
                                   and (got.codes == ref_codes[0]).all())
        if got.audio is not None and got.audio.shape == ref_audio.shape:
            line["audio_max_abs"] = float(np.abs(got.audio - ref_audio).max())
        if got.prompt_codes is not None:
            line["prompt_frames"] = int(got.prompt_codes.shape[-1])
    return line


def validate_package(package: str | Path, steps: int = 68, cfg: float = 3.0):
    """Rebuilds the model the package's `source` names and yields one line (a dict) per component
    (its summary: max_abs, mse, cosine, band) and one per pipeline mode (text, continuation)."""
    import torch

    from ..common.manifest import read_manifest
    from .build import model_from_source
    torch.set_num_threads(1)
    model = model_from_source(read_manifest(package)["source"])
    for r in check_package(model, package, Dims.of(model)):
        yield r.summary()
    for mode in ("text", "continuation"):
        yield pipeline_parity(model, Path(package), mode, steps, cfg)
