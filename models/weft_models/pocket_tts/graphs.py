"""PyTorch modules with the fixed signatures that become the package's ONNX graphs.

They run pocket-tts' own sub-modules (projections, norms, rotary embedding, feed-forward blocks,
convolutions, the flow head and its sampler) on their own weights; only the streaming state is
plumbed differently: plain tensors in and out instead of pocket-tts' in-place ModelState. The
flow LM's cache grows by the run's positions; the Mimi decoder's state is fixed-size (every
convolution's left context, every transposed convolution's pending overlap, and each attention
layer's window of `context` keys and values with one step counter). check.py grades each graph
against pocket-tts itself.
"""
from __future__ import annotations

from functools import partial

import torch
from torch import nn
from torch.nn import functional as F

from . import overlap_add


def _project(attn, x, offset):
    """q [B, H, T, d] and k, v [B, H_kv, T, d] of new positions, rotary at `offset`."""
    b, t, _ = x.shape
    d = attn.dim_per_head
    proj = attn.in_proj(x)
    q = proj[..., :attn.attn_dim].reshape(b, t, attn.num_heads, d)
    kv = proj[..., attn.attn_dim:].reshape(b, t, 2, attn.num_kv_heads, d)
    q, k = attn.rope(q, kv[:, :, 0], offset=offset)
    return q.transpose(1, 2), k.transpose(1, 2), kv[:, :, 1].transpose(1, 2)


def _attend(attn, q, keys, values, mask):
    """Softmax attention of q over keys/values (grouped-query heads repeated), masked."""
    rep = attn.num_heads // attn.num_kv_heads
    if rep > 1:
        keys = keys.repeat_interleave(rep, dim=1)
        values = values.repeat_interleave(rep, dim=1)
    scores = torch.matmul(q, keys.transpose(2, 3)) * (attn.dim_per_head ** -0.5)
    scores = scores.masked_fill(~mask, float("-inf"))
    o = torch.matmul(torch.softmax(scores, dim=-1), values).transpose(1, 2)
    return attn.out_proj(o.reshape(o.shape[0], o.shape[1], -1))


def _layer(layer, h, attend):
    """One StreamingTransformerLayer: h + scale(SA(norm1(h))), then its feed-forward block."""
    update = attend(layer.self_attn, layer.norm1(h))
    return layer._ff_block(h + layer.layer_scale_1(update))


class TextEmbedder(nn.Module):
    """tokens [1, T] -> embeddings [1, T, model_dim] (the lookup table and its projection)."""

    def __init__(self, model):
        super().__init__()
        self.conditioner = model.flow_lm.conditioner

    def forward(self, tokens):
        return self.conditioner(tokens)


class FlowLM(nn.Module):
    """Prefill and step: C conditioning then S latent positions (a NaN row is BOS) on a cache of
    P positions; returns the sampler's latent for `noise`, the EOS logit at the last position and
    the grown cache [1, kv_heads, P + C + S, head_dim] per layer."""

    def __init__(self, model, decode_steps: int = 1):
        super().__init__()
        from pocket_tts.models import flow_lm as F_
        self.lm = model.flow_lm
        self.decode_steps = decode_steps
        self.decode = {"lsd": F_.lsd_decode, "flow_matching": F_.ot_decode,
                       "drifting": F_.drifting_decode,
                       "pointwise": F_.pointwise_decode}[self.lm.flow_type]

    def _attention(self, past_k, past_v, present, attn, x):
        p, t = past_k.shape[2], x.shape[1]
        q, k, v = _project(attn, x, p)
        keys, values = torch.cat([past_k, k], 2), torch.cat([past_v, v], 2)
        present += [keys, values]
        kpos = torch.arange(p + t, device=x.device)[None, :]
        qpos = torch.arange(t, device=x.device)[:, None] + p
        return _attend(attn, q, keys, values, kpos <= qpos)

    def forward(self, conditioning, previous_latent, noise, *past):
        lm = self.lm
        seq = torch.where(torch.isnan(previous_latent), lm.bos_emb, previous_latent)
        h = torch.cat([conditioning, lm.input_linear(seq)], dim=1)
        present = []
        for i, layer in enumerate(lm.transformer.layers):
            h = _layer(layer, h, partial(self._attention, past[2 * i], past[2 * i + 1], present))
        z = lm.out_norm(h)[:, -1]
        if lm.z_proj is not None:
            z = lm.z_proj(z)
        latent = self.decode(partial(lm.flow_net, z), noise, self.decode_steps)
        return (latent, lm.out_eos(z), *present)


class _Slots:
    """The decoder's state tensors, taken in a fixed order; with `record` they are zeros and only
    their shapes and dtypes are noted (the manifest's list)."""

    def __init__(self, state=None):
        self.state = state
        self.specs: list[tuple[list[int], torch.dtype, nn.Module | None]] = []  # with the owner
        self.out: dict[int, torch.Tensor] = {}

    def take(self, shape, dtype=torch.float32, owner=None):
        i = len(self.specs)
        self.specs.append((list(shape), dtype, owner))
        t = torch.zeros(shape, dtype=dtype) if self.state is None else self.state[i]
        return i, t

    def put(self, i, t):
        self.out[i] = t

    def outputs(self):
        return [self.out[i] for i in range(len(self.specs))]


def _conv_step(m, x, slots):
    """StreamingConv1d (constant padding) over a chunk, its left context from the slot."""
    conv = m.conv
    tp = (conv.kernel_size[0] - 1) * conv.dilation[0] + 1 - conv.stride[0]
    if tp > 0:
        i, prev = slots.take([1, conv.in_channels, tp], owner=m)
        x = torch.cat([prev, x], dim=-1)
        slots.put(i, x[..., -tp:])
    return conv(x)


def _convtr_step(m, x, slots, overlap_add_=None):
    """StreamingConvTranspose1d: the pending overlap added to the head, the new one kept (as a
    product and an overlap-add where overlap_add.py applies, else onnxruntime's ConvTranspose)."""
    convtr = m.convtr
    pt = convtr.kernel_size[0] - convtr.stride[0]
    if pt <= 0:
        return convtr(x)
    i, partial_ = slots.take([1, convtr.out_channels, pt], owner=m)
    if overlap_add_ is not None:
        y, tail = overlap_add_(x, partial_)
        slots.put(i, tail)
        return y
    y = convtr(x)
    tail = y[..., -pt:]
    if convtr.bias is not None:
        tail = tail - convtr.bias[:, None]
    slots.put(i, tail)
    return torch.cat([y[..., :pt] + partial_, y[..., pt:-pt]], dim=-1)


def _window_attention(slots, counter, attn, x):
    """Attention over the last `context` keys (a window slot per layer) and the new ones."""
    ctx, t = attn.context, x.shape[1]
    if ctx is None:
        raise ValueError("Mimi decoder attention without a context window is not streamable "
                         "in fixed state")
    shape = [1, attn.num_kv_heads, ctx, attn.dim_per_head]
    (ik, wk), (iv, wv) = slots.take(shape, owner=attn), slots.take(shape, owner=attn)
    q, k, v = _project(attn, x, counter.reshape(()))
    keys, values = torch.cat([wk, k], 2), torch.cat([wv, v], 2)
    slots.put(ik, keys[:, :, -ctx:])
    slots.put(iv, values[:, :, -ctx:])
    kpos = torch.arange(ctx + t, device=x.device)[None, :] + (counter - ctx)
    qpos = torch.arange(t, device=x.device)[:, None] + counter
    delta = qpos - kpos
    return _attend(attn, q, keys, values, (kpos >= 0) & (delta >= 0) & (delta < ctx))


def _transformer_step(pt, x, slots):
    """ProjectedTransformer over a chunk [B, C, T] with windowed attention state."""
    x = x.transpose(1, 2)
    if pt.input_proj is not None:
        x = pt.input_proj(x)
    ic, counter = slots.take([1], torch.int64)
    for layer in pt.transformer.layers:
        x = _layer(layer, x, partial(_window_attention, slots, counter))
    slots.put(ic, counter + x.shape[1])
    return pt.output_projs[0](x).transpose(1, 2)


def _seanet_step(decoder, x, slots, overlap_adds):
    from pocket_tts.modules.conv import StreamingConv1d, StreamingConvTranspose1d
    from pocket_tts.modules.seanet import SEANetResnetBlock
    for i, layer in enumerate(decoder.model):
        if isinstance(layer, StreamingConv1d):
            x = _conv_step(layer, x, slots)
        elif isinstance(layer, StreamingConvTranspose1d):
            x = _convtr_step(layer, x, slots, overlap_adds.get(f"decoder_model_{i}"))
        elif isinstance(layer, SEANetResnetBlock):
            v = x
            for sub in layer.block:
                v = _conv_step(sub, v, slots) if isinstance(sub, StreamingConv1d) else sub(v)
            x = x + v
        else:
            x = layer(x)
    return x


def check_streamable(mimi) -> None:
    from pocket_tts.modules.conv import StreamingConv1d
    for name, m in mimi.decoder.named_modules():
        if isinstance(m, StreamingConv1d) and m.pad_mode != "constant":
            raise ValueError(f"Mimi decoder {name}: pad_mode {m.pad_mode!r} is not supported "
                             "(constant only)")


class MimiDecoder(nn.Module):
    """latent [1, F, latent_dim] (normalized, as the flow LM samples it) + state -> audio
    [1, 1, F * frame_samples] + state: x * emb_std + emb_mean, the quantizer's projection, the
    upsampler, the decoder transformer and the SEANet decoder, each step continuing the last."""

    def __init__(self, model):
        super().__init__()
        from pocket_tts.modules.conv import StreamingConvTranspose1d
        self.mimi = model.mimi
        check_streamable(self.mimi)
        # keyed by the pocket-tts module's path ('.' -> '_'): tracing swaps module objects
        self.overlap_adds = nn.ModuleDict({
            name.replace(".", "_"): overlap_add.OverlapAddConvTranspose(m.convtr)
            for name, m in self.mimi.named_modules()
            if isinstance(m, StreamingConvTranspose1d) and overlap_add.supports(m.convtr)})
        self.register_buffer("std", model.flow_lm.emb_std.detach().clone())
        self.register_buffer("mean", model.flow_lm.emb_mean.detach().clone())

    def _run(self, latent, slots):
        overlap_adds = dict(self.overlap_adds.items())
        x = self.mimi.quantizer((latent * self.std + self.mean).transpose(1, 2))
        if hasattr(self.mimi, "upsample"):  # absent when the encoder runs at the frame rate
            x = _convtr_step(self.mimi.upsample.convtr, x, slots,
                             overlap_adds.get("upsample_convtr"))
        x = _transformer_step(self.mimi.decoder_transformer, x, slots)
        return _seanet_step(self.mimi.decoder, x, slots, overlap_adds)

    def forward(self, latent, *state):
        slots = _Slots(state)
        audio = self._run(latent, slots)
        return (audio, *slots.outputs())

    def state_specs(self) -> list[tuple[list[int], torch.dtype, nn.Module | None]]:
        slots = _Slots()
        with torch.no_grad():
            self._run(torch.zeros(1, 1, self.std.shape[0]), slots)
        return slots.specs


def _stateless_conv(m, x):
    """StreamingConv1d on a whole signal: zeros (or the first sample, `replicate`) on the left."""
    conv = m.conv
    tp = (conv.kernel_size[0] - 1) * conv.dilation[0] + 1 - conv.stride[0]
    if tp > 0:
        if m.pad_mode == "replicate":
            left = x[..., :1].expand(x.shape[0], x.shape[1], tp)
        else:
            left = x.new_zeros(x.shape[0], x.shape[1], tp)
        x = torch.cat([left, x], dim=-1)
    return conv(x)


def _causal_attention(attn, x):
    t = x.shape[1]
    q, k, v = _project(attn, x, 0)
    pos = torch.arange(t, device=x.device)
    delta = pos[:, None] - pos[None, :]
    mask = delta >= 0
    if attn.context is not None:
        mask = mask & (delta < attn.context)
    return _attend(attn, q, k, v, mask)


class VoiceEncoder(nn.Module):
    """audio [1, 1, N] (N a multiple of frame_samples) -> conditioning [1, V, model_dim]: the Mimi
    encoder, its transformer, the downsampler and the speaker projection, with the BOS embedding
    first when the model inserts one before the voice."""

    def __init__(self, model):
        super().__init__()
        self.mimi = model.mimi
        self.lm = model.flow_lm

    def forward(self, audio):
        from pocket_tts.modules.conv import StreamingConv1d
        from pocket_tts.modules.seanet import SEANetResnetBlock
        x = audio
        for layer in self.mimi.encoder.model:
            if isinstance(layer, StreamingConv1d):
                x = _stateless_conv(layer, x)
            elif isinstance(layer, SEANetResnetBlock):
                v = x
                for sub in layer.block:
                    v = _stateless_conv(sub, v) if isinstance(sub, StreamingConv1d) else sub(v)
                x = x + v
            else:
                x = layer(x)
        pt = self.mimi.encoder_transformer
        h = x.transpose(1, 2)
        if pt.input_proj is not None:
            h = pt.input_proj(h)
        for layer in pt.transformer.layers:
            h = _layer(layer, h, _causal_attention)
        x = pt.output_projs[0](h).transpose(1, 2)
        if hasattr(self.mimi, "downsample"):
            x = _stateless_conv(self.mimi.downsample.conv, x)
        cond = F.linear(x.transpose(1, 2), self.lm.speaker_proj_weight)
        if self.lm.insert_bos_before_voice:
            cond = torch.cat([self.lm.bos_before_voice.to(cond.dtype), cond], dim=1)
        return cond
