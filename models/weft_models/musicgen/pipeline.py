"""The onnxruntime-driven greedy loop over the exported graphs (text_encoder -> decoder_cross_kv
-> one decoder_step run over the prompt on an empty cache -> one decoder_step run per column,
the cache merged by decoder_cache_merge as the runtime does it; encodec_encode for a continuation prompt,
encodec_decode at the end), compared step by step with transformers' own `generate`.

`fault` re-introduces one failure mode of the well-known broken export (REFERENCE.md) so tests
can prove the comparison catches it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..manifest import read_manifest
from ..validate import ort_session
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


def generate(pkg, text_ids: np.ndarray, *, max_new_tokens: int, cfg: float = 3.0,
             prompt_audio: np.ndarray | None = None, decode: bool = False,
             fault: str | None = None, special: int = 2048, nq: int = 4) -> LoopResult:
    if fault is not None and fault not in FAULTS:
        raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
    sess = pkg if isinstance(pkg, Sessions) else Sessions(pkg)
    pad = 2047 if fault == "special_2047" else special
    ids = text_ids[None].astype(np.int64)
    mask = np.ones_like(ids)
    hidden = sess.run("text_encoder", {"input_ids": ids, "attention_mask": mask})[
        "last_hidden_state"]
    # CFG batch: [cond; null]; the null condition is a zero context with a zero mask.
    hidden = np.concatenate([hidden, np.zeros_like(hidden)])
    enc_mask = np.concatenate([mask, np.zeros_like(mask)])
    if fault == "no_cross_attention":
        hidden = np.zeros_like(hidden)
        enc_mask = np.zeros_like(enc_mask)
    cross = sess.run("decoder_cross_kv", {"encoder_hidden_states": hidden,
                                          "encoder_attention_mask": enc_mask})
    prompt = None
    if prompt_audio is not None:
        prompt = encode_prompt(sess, prompt_audio)
    p = prompt if prompt is not None else np.zeros((nq, 0), np.int64)
    total = 1 + p.shape[1] + max_new_tokens
    seq = pattern_mask(p, total, pad)
    if fault == "double_delay" and p.shape[1]:
        seq = pattern_mask(revert_as_codes(seq[:, :p.shape[1] + 1 + nq], pad, nq), total, pad)
    fixed = seq != FREE
    pos = first_free(seq)
    steps = []

    def cfg_tokens(logits):  # logits [2, nq, V]
        cond, null = logits[0].astype(np.float64), logits[1].astype(np.float64)
        g = cond if fault == "no_cfg" else null + (cond - null) * cfg
        return np.argmax(g, axis=-1)

    def place(tok, at):
        steps.append(tok)
        if at < total:
            seq[:, at] = np.where(fixed[:, at], seq[:, at], tok)

    prefix = seq[:, :pos]
    layers = sum(1 for k in cross if k.endswith(".key"))
    heads, head_dim = cross["cross.0.key"].shape[1], cross["cross.0.key"].shape[3]
    lead, empty = empty_cache(2, heads, head_dim)

    def tier(prefix, tensors=None):  # {prefix.i.kind: tensor}, empty where none given
        nothing = lead if prefix == "past_key_values" else empty
        return {f"{prefix}.{i}.{kv}": nothing if tensors is None else tensors[f"{i}.{kv}"]
                for i in range(layers) for kv in ("key", "value")}

    def outputs(out, prefix):  # {i.kind: tensor} of the outputs named prefix.i.kind
        return {k[len(prefix) + 1:]: v for k, v in out.items() if k.startswith(prefix + ".")}

    # The cache in the graph's two tiers, merged once recent holds `every` positions, as the
    # runtime does it.
    no_cache = {**tier("past_key_values"), **tier("recent")}
    every = sess.cache_merge_every
    feeds = {"input_ids": np.tile(prefix, (2, 1)), "encoder_attention_mask": enc_mask, **cross}
    out = sess.run("decoder_step", {**feeds, **no_cache})
    past, recent = tier("past_key_values"), tier("recent", outputs(out, "present"))
    last = cfg_tokens(out["logits"])
    place(last, pos)
    while len(steps) < max_new_tokens:
        # feed the cell just predicted (after the pattern forced what it fixes), predict the next
        tok = seq[:, pos - 1 if fault == "off_by_one" else pos]
        pos += 1
        feeds = {"input_ids": np.tile(tok[:, None], (2, 1)), "encoder_attention_mask": enc_mask,
                 **cross}
        if fault == "no_kv":  # no cache carried: positions restart at 0 every call
            out = sess.run("decoder_step", {**feeds, **no_cache})
        else:
            if recent["recent.0.key"].shape[2] >= every:
                merged = sess.run("decoder_cache_merge", {**past, **recent})
                past, recent = tier("past_key_values", outputs(merged, "merged")), tier("recent")
            out = sess.run("decoder_step", {**feeds, **past, **recent})
            recent = tier("recent", outputs(out, "present"))
        place(cfg_tokens(out["logits"]), pos)
    codes = revert(seq, pad)
    audio = None
    if decode:
        audio = sess.run("encodec_decode", {"audio_codes": codes[None, None]})["audio_values"]
    return LoopResult(np.stack(steps), codes, prompt, audio)


def revert_as_codes(seq, pad, nq):
    """(fault) take an already delayed prompt as if it were plain codes: delay applied twice."""
    return seq[:, 1:seq.shape[1] - nq]
