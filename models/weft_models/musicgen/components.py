"""The package's components: for each, the module, trace inputs, names, dynamic axes and the
manifest shapes. Trace sizes differ from each other and from 0/1 so no axis is specialised."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

HOP = 640  # EnCodec 32 kHz: 8*5*4*4 samples per frame
WEIGHTS_FILE = "decoder_weights.bin"  # the decoder graphs' shared external data
TRACE = dict(batch=2, enc_seq=5, seq=3, past=4, recent=7, frames=6, capacity=11)


@dataclass
class Dims:
    layers: int
    heads: int
    head_dim: int
    codebooks: int
    vocab: int
    hidden: int
    text_hidden: int
    text_vocab: int
    max_positions: int
    sampling_rate: int = 32000
    hop: int = HOP

    @classmethod
    def of(cls, model) -> "Dims":
        d, t = model.config.decoder, model.config.text_encoder
        return cls(d.num_hidden_layers, d.num_attention_heads,
                   d.hidden_size // d.num_attention_heads, d.num_codebooks, d.vocab_size,
                   d.hidden_size, t.d_model, t.vocab_size, d.max_position_embeddings)


@dataclass
class Spec:
    name: str
    file: str
    inputs: list[tuple[str, str, list]]    # (name, dtype, manifest shape)
    outputs: list[tuple[str, str, list]]
    make: Callable                          # (model, core) -> nn.Module
    trace: Callable                         # (dims, rng) -> dict name -> np.ndarray
    shared_weights: bool = False   # large initializers in the package's one shared weights file
    own_weights: bool = False      # large initializers in `<file>_data`, transformers.js' name
    extra: dict = field(default_factory=dict)


def weights_file(spec: Spec) -> str | None:
    """The external data file of a graph's large initializers: the shared one, or `<file>_data`
    for a graph that keeps its weights to itself (the name transformers.js looks for; inline, a
    graph over ~1.5 GB does not fit onnxruntime-web's 4 GB heap, which holds the model bytes and
    the initializers made from them together while the session loads). None: inline."""
    if spec.shared_weights:
        return WEIGHTS_FILE
    return f"{spec.file}_data" if spec.own_weights else None


def kv(prefix: str, layers: int, kinds=("key", "value"), length="past"):
    return [(f"{prefix}.{i}.{k}", "float32", ["batch", "heads", length, "head_dim"])
            for i in range(layers) for k in kinds]


def merged_kv(prefix: str, layers: int, past: str, enc: str):
    out = []
    for i in range(layers):
        for part, length in (("decoder", past), ("encoder", enc)):
            for k in ("key", "value"):
                out.append((f"{prefix}.{i}.{part}.{k}", "float32",
                            ["batch", "heads", length, "head_dim"]))
    return out


def empty_cache(rows: int, heads: int, head_dim: int):
    """decoder_step's cache before any run, as (long tier, recent tier): the long tier holds only
    its masked placeholder position, the recent tier nothing (graphs.Step)."""
    return (np.zeros((rows, heads, 1, head_dim), np.float32),
            np.zeros((rows, heads, 0, head_dim), np.float32))


def _ids(rng, rows, n, hi):
    return rng.integers(0, hi, (rows, n)).astype(np.int64)


def _kv(rng, d: Dims, b, n):
    return rng.standard_normal((b, d.heads, n, d.head_dim)).astype(np.float32)


def _mask(b, n):
    m = np.ones((b, n), np.int64)
    m[-1, n // 2:] = 0  # the last row padded: masks must matter
    return m


# Trace inputs per graph: (dims, rng, sizes...) -> feeds; sizes default to TRACE.

def _trace_text(d, rng, b=TRACE["batch"], n=TRACE["enc_seq"]):
    return {"input_ids": _ids(rng, b, n, d.text_vocab), "attention_mask": _mask(b, n)}


def _trace_cross(d, rng, b=TRACE["batch"], n=TRACE["enc_seq"]):
    return {"encoder_hidden_states": rng.standard_normal((b, n, d.text_hidden))
            .astype(np.float32), "encoder_attention_mask": _mask(b, n)}


def _trace_step(d, rng, b=TRACE["batch"], n=TRACE["enc_seq"], s=TRACE["seq"], p=TRACE["past"],
                r=TRACE["recent"]):
    f = {"input_ids": _ids(rng, b * d.codebooks, s, d.vocab + 1),
         "encoder_attention_mask": _mask(b, n)}
    f.update({name: _kv(rng, d, b, n) for name, _, _ in kv("cross", d.layers, length="enc_seq")})
    f.update({name: _kv(rng, d, b, p) for name, _, _ in kv("past_key_values", d.layers)})
    f.update({name: _kv(rng, d, b, r) for name, _, _ in kv("recent", d.layers)})
    return f


def _trace_inplace(d, rng, b=TRACE["batch"], n=TRACE["enc_seq"], s=TRACE["seq"],
                   p=TRACE["past"], cap=TRACE["capacity"]):
    """decoder_step_inplace: `s` new columns after `p` cached ones, in a cache of `cap`."""
    f = {"input_ids": _ids(rng, b * d.codebooks, s, d.vocab + 1),
         "encoder_attention_mask": _mask(b, n),
         "position_ids": np.arange(p, p + s, dtype=np.int64),
         "seqlens_k": np.full((b,), p + s - 1, np.int32),
         "total_sequence_length": np.array(p + s, np.int32)}
    f.update({name: _kv(rng, d, b, n) for name, _, _ in kv("cross", d.layers, length="enc_seq")})
    f.update({name: _kv(rng, d, b, cap) for name, _, _ in kv("cache", d.layers, length="capacity")})
    return f


def _trace_merge(d, rng, b=TRACE["batch"], p=TRACE["past"], r=TRACE["recent"]):
    f = {name: _kv(rng, d, b, p) for name, _, _ in kv("past_key_values", d.layers)}
    f.update({name: _kv(rng, d, b, r) for name, _, _ in kv("recent", d.layers)})
    return f


def _trace_merged(d, rng, b=TRACE["batch"], n=TRACE["enc_seq"], s=TRACE["seq"], p=0):
    f = {"input_ids": _ids(rng, b * d.codebooks, s, d.vocab + 1),
         "encoder_attention_mask": _mask(b, n)}
    f.update(_trace_cross(d, rng, b, n))
    for name, _, shape in merged_kv("past_key_values", d.layers, "past", "enc_seq"):
        f[name] = _kv(rng, d, b, p if ".decoder." in name else (n if p else 0))
    f["use_cache_branch"] = np.array([p > 0])
    return f


# The in-place step runs on WebGPU only, through onnxruntime's GroupQueryAttention, with its host
# inputs bound as GPU buffers: the lengths are read by the attention operator alone.
INPLACE_EXTRA = {"backends": ["webgpu"], "contrib_ops": True, "device_inputs": {
    n: ("com.microsoft", "GroupQueryAttention") for n in ("seqlens_k", "total_sequence_length")}}


def specs(d: Dims) -> list[Spec]:
    from . import graphs as G
    L = d.layers
    ids_shape = ["batch_x_codebooks", "seq"]
    enc = [("encoder_attention_mask", "int64", ["batch", "enc_seq"])]
    cross_in = kv("cross", L, length="enc_seq")
    logits_last = [("logits", "float32", ["batch", "codebooks", "vocab"])]
    return [
        Spec("text_encoder", "text_encoder.onnx",
             [("input_ids", "int64", ["batch", "enc_seq"]),
              ("attention_mask", "int64", ["batch", "enc_seq"])],
             [("last_hidden_state", "float32", ["batch", "enc_seq", "text_hidden"])],
             lambda m, c: G.TextEncoder(m), _trace_text),
        Spec("encodec_encode", "encodec_encode.onnx",
             [("input_values", "float32", ["batch", 1, "samples"])],
             [("audio_codes", "int64", ["batch", "codebooks", "frames"])],
             lambda m, c: G.EncodecEncode(m),
             lambda d, rng, b=1, t=TRACE["frames"]: {"input_values": (0.3 * rng.standard_normal(
                 (b, 1, t * d.hop - 77))).astype(np.float32)}),
        Spec("encodec_decode", "encodec_decode.onnx",
             [("audio_codes", "int64", [1, "batch", "codebooks", "frames"])],
             [("audio_values", "float32", ["batch", 1, "samples"])],
             lambda m, c: G.EncodecDecode(m),
             lambda d, rng, b=2, t=TRACE["frames"]: {"audio_codes": rng.integers(
                 0, d.vocab, (1, b, d.codebooks, t)).astype(np.int64)}),
        Spec("decoder_cross_kv", "decoder_cross_kv.onnx",
             [("encoder_hidden_states", "float32", ["batch", "enc_seq", "text_hidden"]), *enc],
             kv("cross", L, length="enc_seq"),
             lambda m, c: G.CrossKV(c), _trace_cross, shared_weights=True),
        # One decoder graph for the prompt and for every later step: `seq` new columns on top of a
        # cache of `past` + `recent` positions (0 for the prompt), causal. A separate prefill graph
        # would hold a second copy of the LM weights in every runtime that loads both.
        Spec("decoder_step", "decoder_step.onnx",
             [("input_ids", "int64", ids_shape), *enc, *cross_in,
              *kv("past_key_values", L), *kv("recent", L, length="recent")],
             [*logits_last, *kv("present", L, length="total")],
             lambda m, c: G.Step(c), _trace_step, shared_weights=True),
        # WebGPU: the same step over one cache of fixed capacity updated in place (no growth,
        # no copies, no per-step allocation); the runtime binds present.* to cache.*'s buffers.
        Spec("decoder_step_inplace", "decoder_step_inplace.onnx",
             [("input_ids", "int64", ids_shape), *enc, ("position_ids", "int64", ["seq"]),
              ("seqlens_k", "int32", ["batch"]),
              ("total_sequence_length", "int32", []), *cross_in,
              *kv("cache", L, length="capacity")],
             [*logits_last, *kv("present", L, length="capacity")],
             lambda m, c: G.StepInPlace(c), _trace_inplace, shared_weights=True,
             extra=INPLACE_EXTRA),
        Spec("decoder_cache_merge", "decoder_cache_merge.onnx",
             [*kv("past_key_values", L), *kv("recent", L, length="recent")],
             kv("merged", L, length="total"),
             lambda m, c: G.CacheMerge(), _trace_merge),
        Spec("decoder_model_merged", "decoder_model_merged.onnx",
             [("input_ids", "int64", ids_shape), *enc,
              ("encoder_hidden_states", "float32", ["batch", "enc_seq", "text_hidden"]),
              *merged_kv("past_key_values", L, "past", "enc_seq_past"),
              ("use_cache_branch", "bool", [1])],
             [("logits", "float32", ["batch_x_codebooks", "seq", "vocab"]),
              *merged_kv("present", L, "total", "enc_seq")],
             None, _trace_merged, own_weights=True),  # transformers.js loads it as is
    ]
