"""Grade every exported component against transformers (reference.py) at shapes unlike the
trace (components.TRACE), with the toolkit's metrics and bands (weft_models.validate)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..validate import OutputResult, band, compare, worst_band
from . import reference as R
from .components import Dims, empty_cache
from .pipeline import Sessions


@dataclass
class ComponentReport:
    component: str
    results: list[OutputResult]

    @property
    def band(self) -> str:
        return worst_band(self.results)

    def summary(self) -> dict:
        return {"component": self.component,
                "max_abs": max(r.max_abs for r in self.results),
                "mse": max(r.mse for r in self.results),
                "cosine": min(r.cosine for r in self.results), "band": self.band}


def _grade(set_name, got: dict, ref: dict) -> list[OutputResult]:
    out = []
    for name, r in ref.items():
        g = got[name]
        mx, mse, cos, note = compare(np.asarray(r), g)
        out.append(OutputResult(set_name, name, tuple(g.shape), mx, mse, cos, band(mx, cos), note))
    return out


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
    dec = [c for c in ("decoder_cross_kv", "decoder_step", "decoder_cache_merge",
                       "decoder_model_merged") if want(c)]
    if dec:
        reports += _check_decoder(model, sess, dims, rng, dec)
    return reports


def _check_decoder(model, sess, dims, rng, names):
    res = {n: [] for n in names}
    nq = dims.codebooks
    for b, n, s in ((1, 6, 9), (2, 4, 2)):  # b = 2 * requests: rows [cond; null]
        enc = rng.standard_normal((b, n, dims.text_hidden)).astype(np.float32)
        mask = _mask(rng, b, n)
        ids = rng.integers(0, dims.vocab + 1, (b * nq, s + 1))
        ids[:, 0] = dims.vocab  # the start token
        tag = f"b{b}_enc{n}_seq{s}"
        logits, self_kv, cross = R.decoder_run(model, enc, mask, ids)
        lg_prefix, kv_prefix, _ = R.decoder_run(model, enc, mask, ids[:, :s])
        last = logits.reshape(b, nq, s + 1, -1)[:, :, -1]
        cross_f = _kv_feeds("cross", cross)
        if "decoder_cross_kv" in res:
            f = {"encoder_hidden_states": enc, "encoder_attention_mask": mask}
            res["decoder_cross_kv"] += _grade(tag, sess.run("decoder_cross_kv", f), cross_f)
        if "decoder_step" in res:
            lead, empty = empty_cache(b, dims.heads, dims.head_dim)
            none = [(empty, empty)] * dims.layers

            def step(tag_, ids_, past, recent, kept):
                """decoder_step on the cache in tiers; present = the last `kept` positions. The
                long tier gets its masked placeholder position first."""
                past = [(np.concatenate([lead, k], 2), np.concatenate([lead, v], 2))
                        for k, v in past]
                f = {"input_ids": ids_, "encoder_attention_mask": mask, **cross_f,
                     **_kv_feeds("past_key_values", past), **_kv_feeds("recent", recent)}
                ref = {"logits": last, **_kv_feeds("present", [(k[:, :, -kept:], v[:, :, -kept:])
                                                               for k, v in self_kv])}
                res["decoder_step"] += _grade(tag + tag_, sess.run("decoder_step", f), ref)

            # the prompt's run: every column on an empty cache (causal)
            step("_nopast", ids, none, none, s + 1)
            # one column on the cache of the others, all in the long tier, all in the recent one,
            # and split between the two
            step("_past", ids[:, s:], kv_prefix, none, 1)
            step("_recent", ids[:, s:], none, kv_prefix, s + 1)
            a = s // 2
            step("_tiers", ids[:, s:], [(k[:, :, :a], v[:, :, :a]) for k, v in kv_prefix],
                 [(k[:, :, a:], v[:, :, a:]) for k, v in kv_prefix], s + 1 - a)
            # several columns on a cache (a prompt continued in chunks)
            _, kv_head, _ = R.decoder_run(model, enc, mask, ids[:, :2])
            step("_chunk", ids[:, 2:], kv_head, none, s - 1)
        if "decoder_cache_merge" in res:
            a = s // 2
            f = {**_kv_feeds("past_key_values", [(k[:, :, :a], v[:, :, :a]) for k, v in self_kv]),
                 **_kv_feeds("recent", [(k[:, :, a:], v[:, :, a:]) for k, v in self_kv])}
            res["decoder_cache_merge"] += _grade(tag, sess.run("decoder_cache_merge", f),
                                                 _kv_feeds("merged", self_kv))
        if "decoder_model_merged" in res:
            quad = [(k, v, ck, cv) for (k, v), (ck, cv) in zip(self_kv, cross)]
            ref = {"logits": logits, **_kv_feeds("present", quad, ("decoder.key", "decoder.value",
                                                                     "encoder.key", "encoder.value"))}
            empty = np.zeros((b, dims.heads, 0, dims.head_dim), np.float32)
            f = {"input_ids": ids, "encoder_attention_mask": mask, "encoder_hidden_states": enc,
                 "use_cache_branch": np.array([False]),
                 **_kv_feeds("past_key_values", [(empty,) * 4] * dims.layers,
                             ("decoder.key", "decoder.value", "encoder.key", "encoder.value"))}
            res["decoder_model_merged"] += _grade(tag + "_nopast",
                                                  sess.run("decoder_model_merged", f), ref)
            k = s - 1  # with past: the last two positions on top of a cache of s - 1
            _, kv_k, _ = R.decoder_run(model, enc, mask, ids[:, :k])
            past = [(a, bb, ck, cv) for (a, bb), (ck, cv) in zip(kv_k, cross)]
            f.update({"input_ids": ids[:, k:], "use_cache_branch": np.array([True]),
                      **_kv_feeds("past_key_values", past, ("decoder.key", "decoder.value",
                                                            "encoder.key", "encoder.value"))})
            ref["logits"] = logits[:, k:]
            res["decoder_model_merged"] += _grade(tag + "_past",
                                                  sess.run("decoder_model_merged", f), ref)
    return [ComponentReport(n, r) for n, r in res.items()]
