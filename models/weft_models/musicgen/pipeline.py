"""The onnxruntime-driven greedy loop over the exported graphs (text_encoder -> decoder_cross_kv
-> one decoder_step run over the prompt on an empty cache -> one decoder_step run per column,
the cache merged by decoder_cache_merge as the runtime does it; encodec_encode for a continuation prompt,
encodec_decode at the end), compared step by step with transformers' own `generate`.

`fault` re-introduces one failure mode of a broken MusicGen export (no cross-attention, the
cell before the one just predicted fed back, the delay applied twice to a prompt, no KV cache,
2047 as the special token, no CFG) so tests can prove the comparison catches it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..common.manifest import read_manifest
from ..common.validate import ort_session
from .components import empty_cache
from .pattern import FREE, first_free, pattern_mask, revert

FAULTS = ("no_cross_attention", "off_by_one", "double_delay", "no_kv",
          "special_2047", "no_cfg")


@dataclass
class LoopResult:
    tokens: np.ndarray       # raw greedy tokens per step [steps, nq]
    codes: np.ndarray        # reverted codes [nq, T]
    prompt_codes: np.ndarray | None
    audio: np.ndarray | None


class Sessions:
    def __init__(self, pkg: str | Path):
        self.pkg = Path(pkg)
        self._s = {}

    @property
    def names(self) -> set[str]:
        """The components the package has (a package may lack optional ones)."""
        return {p.stem for p in self.pkg.glob("*.onnx")}

    @property
    def cache_merge_every(self) -> int:
        return int(read_manifest(self.pkg)["generator"]["cache_merge_every"])

    def __getitem__(self, name):
        if name not in self._s:
            self._s[name] = ort_session(str(self.pkg / f"{name}.onnx"))
        return self._s[name]

    def run(self, name, feeds):
        s = self[name]
        names = [o.name for o in s.get_outputs()]
        wanted = {i.name for i in s.get_inputs()}
        return dict(zip(names, s.run(names, {k: v for k, v in feeds.items() if k in wanted})))


def encode_prompt(sess: Sessions, audio: np.ndarray) -> np.ndarray:
    """audio [N] float32 at 32 kHz mono -> codes [nq, T] via the exported encoder."""
    return sess.run("encodec_encode", {"input_values": audio[None, None].astype(np.float32)})[
        "audio_codes"][0]


class _TwoTierCache:
    """decoder_step's self-attention cache in the graph's two tiers (`past_key_values`, the long
    one, and `recent`), merged by decoder_cache_merge once recent holds `cache_merge_every`
    positions, as the runtime does it."""

    def __init__(self, sess: Sessions, cross: dict):
        self.sess, self.every = sess, sess.cache_merge_every
        self.layers = sum(1 for k in cross if k.endswith(".key"))
        heads, head_dim = cross["cross.0.key"].shape[1], cross["cross.0.key"].shape[3]
        self.lead, self.nothing = empty_cache(2, heads, head_dim)
        self.past, self.recent = self.tier("past_key_values"), self.tier("recent")

    def tier(self, prefix: str, tensors: dict | None = None) -> dict:
        """{prefix.i.kind: tensor}, empty where no tensors are given."""
        empty = self.lead if prefix == "past_key_values" else self.nothing
        return {f"{prefix}.{i}.{kv}": empty if tensors is None else tensors[f"{i}.{kv}"]
                for i in range(self.layers) for kv in ("key", "value")}

    def empty(self) -> dict:
        return {**self.tier("past_key_values"), **self.tier("recent")}

    def current(self) -> dict:
        if self.recent["recent.0.key"].shape[2] >= self.every:
            merged = self.sess.run("decoder_cache_merge", {**self.past, **self.recent})
            self.past, self.recent = self.tier("past_key_values", _named(merged, "merged")), \
                self.tier("recent")
        return {**self.past, **self.recent}

    def keep(self, out: dict) -> None:
        """The decoder_step run's presents become the recent tier."""
        self.recent = self.tier("recent", _named(out, "present"))


def _named(out: dict, prefix: str) -> dict:
    """{i.kind: tensor} of the outputs named prefix.i.kind."""
    return {k[len(prefix) + 1:]: v for k, v in out.items() if k.startswith(prefix + ".")}


def _condition(sess: Sessions, text_ids: np.ndarray, fault: str | None) -> tuple[np.ndarray, dict]:
    """The CFG batch [cond; null] (the null condition: zero states, zero mask) -> its encoder
    mask and cross-attention K/V."""
    ids = text_ids[None].astype(np.int64)
    mask = np.ones_like(ids)
    hidden = sess.run("text_encoder", {"input_ids": ids, "attention_mask": mask})[
        "last_hidden_state"]
    hidden = np.concatenate([hidden, np.zeros_like(hidden)])
    enc_mask = np.concatenate([mask, np.zeros_like(mask)])
    if fault == "no_cross_attention":
        hidden = np.zeros_like(hidden)
        enc_mask = np.zeros_like(enc_mask)
    return enc_mask, sess.run("decoder_cross_kv", {"encoder_hidden_states": hidden,
                                                   "encoder_attention_mask": enc_mask})


def generate(pkg, text_ids: np.ndarray, *, max_new_tokens: int, cfg: float = 3.0,
             prompt_audio: np.ndarray | None = None, decode: bool = False,
             fault: str | None = None, special: int = 2048, nq: int = 4) -> LoopResult:
    if fault is not None and fault not in FAULTS:
        raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
    sess = pkg if isinstance(pkg, Sessions) else Sessions(pkg)
    pad = 2047 if fault == "special_2047" else special
    enc_mask, cross = _condition(sess, text_ids, fault)
    prompt = encode_prompt(sess, prompt_audio) if prompt_audio is not None else None
    p = prompt if prompt is not None else np.zeros((nq, 0), np.int64)
    total = 1 + p.shape[1] + max_new_tokens
    seq = pattern_mask(p, total, pad)
    if fault == "double_delay" and p.shape[1]:
        seq = pattern_mask(revert_as_codes(seq[:, :p.shape[1] + 1 + nq], pad, nq), total, pad)
    fixed = seq != FREE
    pos = first_free(seq)
    steps = []
    cache = _TwoTierCache(sess, cross)

    def step(ids, kv):  # decoder_step on `ids` [nq, s] for both CFG rows -> the guided tokens
        out = sess.run("decoder_step", {"input_ids": np.tile(ids, (2, 1)),
                                        "encoder_attention_mask": enc_mask, **cross, **kv})
        cond, null = out["logits"][0].astype(np.float64), out["logits"][1].astype(np.float64)
        g = cond if fault == "no_cfg" else null + (cond - null) * cfg
        return out, np.argmax(g, axis=-1)

    def place(tok, at):
        steps.append(tok)
        if at < total:
            seq[:, at] = np.where(fixed[:, at], seq[:, at], tok)

    out, tok = step(seq[:, :pos], cache.empty())  # the prompt's run, on an empty cache
    cache.keep(out)
    place(tok, pos)
    while len(steps) < max_new_tokens:
        # feed the cell just predicted (after the pattern forced what it fixes), predict the next
        fed = seq[:, pos - 1 if fault == "off_by_one" else pos]
        pos += 1
        if fault == "no_kv":  # no cache carried: positions restart at 0 every call
            out, tok = step(fed[:, None], cache.empty())
        else:
            out, tok = step(fed[:, None], cache.current())
            cache.keep(out)
        place(tok, pos)
    codes = revert(seq, pad)
    audio = None
    if decode:
        audio = sess.run("encodec_decode", {"audio_codes": codes[None, None]})["audio_values"]
    return LoopResult(np.stack(steps), codes, prompt, audio)


def revert_as_codes(seq, pad, nq):
    """(fault) take an already delayed prompt as if it were plain codes: delay applied twice."""
    return seq[:, 1:seq.shape[1] - nq]
