"""PyTorch modules with the fixed signatures that become the package's ONNX graphs.

The decoder graphs are written out explicitly over transformers' own sub-modules (the same
weights, embeddings, norms and heads) so the KV cache is plain tensors in and out: no Cache
objects, no data-dependent branches, positions derived from the cache length inside the graph.
They are never trusted: check.py grades each against transformers' MusicgenForConditionalGeneration.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def _heads(x, n_heads):  # [B, S, D] -> [B, H, S, hd]
    b, s, d = x.shape
    return x.view(b, s, n_heads, d // n_heads).transpose(1, 2)


def _attend(q, k, v, bias):
    w = torch.matmul(q, k.transpose(2, 3)) * (q.shape[-1] ** -0.5)
    if bias is not None:
        w = w + bias
    w = torch.softmax(w, dim=-1)
    o = torch.matmul(w, v).transpose(1, 2)
    return o.reshape(o.shape[0], o.shape[1], -1)


def _attend_tiers(q, old, new, bias):
    """Attention over keys/values held in two tiers, `old` and `new` ([B, H, n, hd] pairs), as if
    they were one cache, without joining them: scores per tier, one softmax over both, then each
    tier's weighted values summed. The long old tier is only read, never copied."""
    (ko, vo), (kn, vn) = old, new
    scale = q.shape[-1] ** -0.5
    w = torch.cat([torch.matmul(q, ko.transpose(2, 3)), torch.matmul(q, kn.transpose(2, 3))], -1)
    w = w * scale
    if bias is not None:
        w = w + bias
    w = torch.softmax(w, dim=-1)
    n_old = ko.shape[2]
    o = torch.matmul(w[..., :n_old], vo) + torch.matmul(w[..., n_old:], vn)
    o = o.transpose(1, 2)
    return o.reshape(o.shape[0], o.shape[1], -1)


class DecoderCore(nn.Module):
    """MusicGen's LM over explicit tensors: x += SA(ln(x)); x += XA(ln(x), cond); x += FF(ln(x))."""

    def __init__(self, model):
        super().__init__()
        lm = model.decoder
        dec = lm.model.decoder
        self.embed = dec.embed_tokens
        self.layers = dec.layers
        self.norm = dec.layer_norm
        self.heads = lm.lm_heads
        self.proj = getattr(model, "enc_to_dec_proj", None)
        self.register_buffer("positions", dec.embed_positions.weights.clone(), persistent=False)
        self.nq = lm.config.num_codebooks
        self.n_heads = lm.config.num_attention_heads

    def condition(self, enc_states, enc_mask):
        """T5 states -> the decoder's condition: projected, then zeroed where the mask is 0."""
        h = self.proj(enc_states) if self.proj is not None else enc_states
        return h * enc_mask[..., None].to(h.dtype)

    def cross_kv(self, cond):
        kv = []
        for layer in self.layers:
            a = layer.encoder_attn
            kv.append((_heads(a.k_proj(cond), self.n_heads), _heads(a.v_proj(cond), self.n_heads)))
        return kv

    def forward(self, input_ids, enc_mask, cross, past=None, causal=True, last_only=True,
                recent=None):
        """input_ids [B*nq, S]; enc_mask [B, L]; cross/past/recent: per-layer (k, v) [B, H, *, hd].
        Returns logits [B, nq, S', V] (S' = 1 when last_only) and the new self-attention K/V:
        past + new, or with `recent` (the cache in two tiers: past, then recent) recent + new."""
        s = input_ids.shape[-1]
        start = past[0][0].shape[2] if past is not None else 0  # tokens already seen
        if recent is not None:  # the long tier's first position is a masked placeholder
            start = start - 1 + recent[0][0].shape[2]
        h = self.embed_codes(input_ids) + self.positions[start:start + s]
        self_bias = None
        if causal:
            i = torch.arange(s, device=h.device)[:, None] + start
            j = torch.arange(start + s, device=h.device)[None, :]
            self_bias = torch.where(j <= i, 0.0, torch.finfo(h.dtype).min).to(h.dtype)
            if recent is not None:
                lead = torch.full((s, 1), torch.finfo(h.dtype).min, dtype=h.dtype)
                self_bias = torch.cat([lead, self_bias], -1)
        cross_bias = self.cross_bias(enc_mask, h.dtype)
        present = []
        for n, layer in enumerate(self.layers):
            sa = layer.self_attn
            x = layer.self_attn_layer_norm(h)
            k, v = _heads(sa.k_proj(x), self.n_heads), _heads(sa.v_proj(x), self.n_heads)
            q = _heads(sa.q_proj(x), self.n_heads)
            if recent is not None:
                k, v = torch.cat([recent[n][0], k], 2), torch.cat([recent[n][1], v], 2)
                present.append((k, v))
                h = h + sa.out_proj(_attend_tiers(q, past[n], (k, v), self_bias))
            else:
                if past is not None:
                    k, v = torch.cat([past[n][0], k], 2), torch.cat([past[n][1], v], 2)
                present.append((k, v))
                h = h + sa.out_proj(_attend(q, k, v, self_bias))
            h = self.cross_and_feed_forward(layer, h, cross[n], cross_bias)
        return self.logits(h, last_only), present

    def embed_codes(self, input_ids):
        """input_ids [B*nq, S] -> the summed codebook embeddings [B, S, D] (no positions)."""
        codes = input_ids.reshape(-1, self.nq, input_ids.shape[-1])
        return sum(self.embed[q](codes[:, q]) for q in range(self.nq))

    @staticmethod
    def cross_bias(enc_mask, dtype):
        return ((1.0 - enc_mask.to(dtype)) * torch.finfo(dtype).min)[:, None, None, :]

    def cross_and_feed_forward(self, layer, h, cross_kv, cross_bias):
        """A layer after its self-attention: h += XA(ln(h), cond); h += FF(ln(h))."""
        xa = layer.encoder_attn
        x = layer.encoder_attn_layer_norm(h)
        ck, cv = cross_kv
        h = h + xa.out_proj(_attend(_heads(xa.q_proj(x), self.n_heads), ck, cv, cross_bias))
        x = layer.final_layer_norm(h)
        return h + layer.fc2(layer.activation_fn(layer.fc1(x)))

    def logits(self, h, last_only=True):
        h = self.norm(h)
        if last_only:
            h = h[:, -1:]
        return torch.stack([head(h) for head in self.heads], dim=1)


def _flat(kv):
    return [t for pair in kv for t in pair]


def _pairs(flat):
    return [(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)]


class CrossKV(nn.Module):
    """decoder_cross_kv: (encoder_hidden_states, encoder_attention_mask) -> cross.{i}.{key,value}.
    Run once per request; its outputs are fixed state of every decoder_step run."""

    def __init__(self, core):
        super().__init__()
        self.core = core

    def forward(self, encoder_hidden_states, encoder_attention_mask):
        return tuple(_flat(self.core.cross_kv(
            self.core.condition(encoder_hidden_states, encoder_attention_mask))))


class Step(nn.Module):
    """decoder_step: `seq` new columns per codebook on top of the carried cache, causal, logits of
    the last column only. With an empty cache it is the prompt's prefill; with one column, a step.

    The cache comes in two tiers: `past_key_values` (long, only read) and `recent` (short); the
    graph returns recent + new as `present`. Every few steps decoder_cache_merge appends recent
    to past. A one-tier cache would be concatenated in the graph, copied out and copied back in
    on every step, a cost that grows with the length of the music (docs/MUSICGEN.md).

    The long tier starts with one placeholder position (zeros) that attention masks: so it is
    never empty, since some runtimes (onnxruntime-web's WebGPU) cannot run a MatMul that reads
    a zero-length tensor."""

    def __init__(self, core):
        super().__init__()
        self.core = core
        self.layers = len(core.layers)

    def forward(self, input_ids, encoder_attention_mask, *kv):
        n = 2 * self.layers
        cross, past, recent = _pairs(kv[:n]), _pairs(kv[n:2 * n]), _pairs(kv[2 * n:])
        logits, present = self.core(input_ids, encoder_attention_mask, cross, past, recent=recent)
        return (logits[:, :, 0], *_flat(present))


class StepInPlace(nn.Module):
    """decoder_step_inplace (WebGPU): like decoder_step, over one cache of fixed capacity that
    the graph updates in place (cache_attention.py): `cache.*` in, `present.*` out with the same
    shape, bound by the runtime to the same buffers. `position_ids` are the new columns'
    positions, `total_sequence_length` counts the cache's positions after this run and
    `seqlens_k` is total - 1 per row, as the attention operator takes them (it reads the total
    on the CPU, so nothing else in the graph may: the runtime would upload it and read it back).
    Nothing in a step grows or is copied."""

    def __init__(self, core):
        super().__init__()
        self.core = core
        self.layers = len(core.layers)
        # the cross-attention bias of a 0/1 mask, looked up: (1 - m) * min for m = 0, 1
        self.register_buffer("bias_of_mask", torch.tensor([[torch.finfo(torch.float32).min], [-0.0]]),
                             persistent=False)

    # The host inputs are read only by lookups (Gather), never by an integer op or a Shape:
    # onnxruntime's WebGPU provider places int64 Reshape/Split/Cast/Unsqueeze and Shape on the
    # CPU, and an input one of them reads is downloaded, worked on and uploaded again every step.
    def embed_codes(self, input_ids):
        """DecoderCore.embed_codes (the same sum, in the same order) without reshaping the ids:
        each codebook's table looks up every row, and its own rows (q, q + nq, ...) are sliced
        from the float result."""
        c, h = self.core, 0
        for q, table in enumerate(c.embed):
            h = h + table(input_ids)[q::c.nq]
        return h

    def cross_bias(self, encoder_attention_mask):
        return F.embedding(encoder_attention_mask, self.bias_of_mask)[:, None, None, :, 0]

    def forward(self, input_ids, encoder_attention_mask, position_ids, seqlens_k,
                total_sequence_length, *kv):
        from .cache_attention import cache_attention
        c, n = self.core, 2 * self.layers
        cross, cache = _pairs(kv[:n]), _pairs(kv[n:])
        h = self.embed_codes(input_ids) + F.embedding(position_ids, c.positions)
        cross_bias = self.cross_bias(encoder_attention_mask)
        present = []
        for layer, (ck, cv), own in zip(c.layers, cross, cache):
            sa = layer.self_attn
            x = layer.self_attn_layer_norm(h)
            o, k, v = cache_attention(sa.q_proj(x), sa.k_proj(x), sa.v_proj(x), own[0], own[1],
                                      seqlens_k, total_sequence_length, c.n_heads)
            present += [k, v]
            h = c.cross_and_feed_forward(layer, h + sa.out_proj(o), (ck, cv), cross_bias)
        return (c.logits(h)[:, :, 0], *present)


class CacheMerge(nn.Module):
    """decoder_cache_merge: (past_key_values.*, recent.*) -> merged.* = past + recent on the
    position axis: the recent tier appended to the long one."""

    def forward(self, *kv):
        n = len(kv) // 2
        return tuple(torch.cat([a, b], 2) for a, b in zip(kv[:n], kv[n:]))


class MergedBranch(nn.Module):
    """One branch of transformers.js' decoder_model_merged: logits [B*nq, S, V] and presents
    ordered present.{i}.decoder.key, .decoder.value, .encoder.key, .encoder.value."""

    def __init__(self, core, with_past: bool):
        super().__init__()
        self.core = core
        self.with_past = with_past

    def forward(self, input_ids, encoder_attention_mask, encoder_hidden_states, *past):
        if self.with_past:
            quads = [past[i:i + 4] for i in range(0, len(past), 4)]
            self_kv = [(q[0], q[1]) for q in quads]
            cross = [(q[2], q[3]) for q in quads]
        else:
            self_kv = None
            cross = self.core.cross_kv(self.core.condition(encoder_hidden_states,
                                                           encoder_attention_mask))
        logits, present = self.core(input_ids, encoder_attention_mask, cross, self_kv,
                                    causal=True, last_only=False)
        b, nq, s, v = logits.shape
        out = [logits.reshape(b * nq, s, v)]
        for (k, vv), (ck, cv) in zip(present, cross):
            out += [k, vv, ck, cv]
        return tuple(out)


class TextEncoder(nn.Module):
    """T5 encoder. Exported with eager attention: the SDPA path's reshape of a transposed view
    fails under torch.export with a symbolic sequence length (same math, graded vs PyTorch)."""

    def __init__(self, model):
        super().__init__()
        import copy
        self.t5 = copy.deepcopy(model.text_encoder)
        self.t5.set_attn_implementation("eager")

    def forward(self, input_ids, attention_mask):
        return self.t5(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state


class EncodecEncode(nn.Module):
    """audio [B, 1, N] at 32 kHz -> codes [B, nq, ceil(N / hop)] (int64)."""

    def __init__(self, model):
        super().__init__()
        self.codec = model.audio_encoder

    def forward(self, input_values):
        emb = self.codec.encoder(input_values)
        bw = self.codec.config.target_bandwidths[0]
        return self.codec.quantizer.encode(emb, bw).transpose(0, 1)


class EncodecDecode(nn.Module):
    """transformers.js layout: audio_codes [1, B, nq, T] -> audio_values [B, 1, T * hop]."""

    def __init__(self, model):
        super().__init__()
        self.codec = model.audio_encoder

    def forward(self, audio_codes):
        emb = self.codec.quantizer.decode(audio_codes[0].transpose(0, 1))
        return self.codec.decoder(emb)


def _conv1d_forward_symbolic(self, hidden_states):
    """EncodecConv1d.forward with the extra right padding computed from the (symbolic) length in
    integer arithmetic instead of float tensors + ceil + .item(), which torch.export cannot
    trace. Same values: n_frames = ceil((length - stride) / stride); pad to n*stride + k - pt.
    Drops transformers' short-input branch (length <= pad), so inputs must exceed the largest
    reflect pad (a few frames); the manifest records that minimum."""
    length = hidden_states.shape[-1]
    c = self.conv  # python ints from the conv itself (the module's buffers are tensors)
    k = (c.kernel_size[0] - 1) * c.dilation[0] + 1
    stride = c.stride[0]
    pt = k - stride
    # ceil((length - stride) / stride) == (length - 1) // stride with non-negative operands:
    # ONNX integer Div truncates, so a negative numerator would round the wrong way.
    n_frames = (length - 1) // stride
    extra = n_frames * stride + k - pt - length
    right = pt // 2
    left = pt - right
    if self.causal:
        left, right = pt, 0
    hidden_states = nn.functional.pad(hidden_states, (left, right + extra), mode=self.pad_mode)
    hidden_states = self.conv(hidden_states)
    if self.norm_type == "time_group_norm":
        hidden_states = self.norm(hidden_states)
    return hidden_states


class symbolic_encodec_padding:
    """Context manager: EncodecConv1d uses _conv1d_forward_symbolic while exporting."""

    def __enter__(self):
        from transformers.models.encodec import modeling_encodec as me
        self._cls, self._orig = me.EncodecConv1d, me.EncodecConv1d.forward
        me.EncodecConv1d.forward = _conv1d_forward_symbolic
        return self

    def __exit__(self, *exc):
        self._cls.forward = self._orig
