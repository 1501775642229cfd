"""Self-attention over a fixed-capacity K/V cache that the graph updates in place.

In PyTorch it is a custom op (`weft::cache_attention`) with plain-tensor semantics, so the step
module runs, traces and is graded like any other; in ONNX it becomes onnxruntime's
`com.microsoft.GroupQueryAttention` with past and present bound to the same buffers by the
runtime (docs/MUSICGEN.md, "The cache in place on WebGPU"). That operator writes only the new
positions into the cache and attends over the first `total_sequence_length` of them, causally
for the new ones, so a step costs no copy of the cache and allocates nothing that grows.

Inputs as the operator takes them: q, k, v [B, S, H * hd] (before the head split); cache_k,
cache_v [B, H, capacity, hd]; seqlens_k int32 [B] (= total - 1 per row); total int32 scalar
(positions in the cache after this run). Returns the attention output [B, S, H * hd] and the
caches with positions [total - S, total) written.
"""
from __future__ import annotations

import torch


def _heads(x, n_heads):  # [B, S, D] -> [B, H, S, hd]
    b, s, d = x.shape
    return x.view(b, s, n_heads, d // n_heads).transpose(1, 2)


@torch.library.custom_op("weft::cache_attention", mutates_args=())
def cache_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, cache_k: torch.Tensor,
                    cache_v: torch.Tensor, seqlens_k: torch.Tensor, total: torch.Tensor,
                    num_heads: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    s, t = q.shape[1], int(total)
    ck, cv = cache_k.clone(), cache_v.clone()
    ck[:, :, t - s:t] = _heads(k, num_heads)
    cv[:, :, t - s:t] = _heads(v, num_heads)
    i = torch.arange(s)[:, None] + (t - s)
    j = torch.arange(t)[None, :]
    bias = torch.where(j <= i, 0.0, torch.finfo(q.dtype).min).to(q.dtype)
    qh = _heads(q, num_heads)
    w = torch.softmax(torch.matmul(qh, ck[:, :, :t].transpose(2, 3)) * qh.shape[-1] ** -0.5 + bias, -1)
    o = torch.matmul(w, cv[:, :, :t]).transpose(1, 2)
    return o.reshape(o.shape[0], s, -1), ck, cv


@cache_attention.register_fake
def _(q, k, v, cache_k, cache_v, seqlens_k, total, num_heads):
    return torch.empty_like(q), torch.empty_like(cache_k), torch.empty_like(cache_v)


def _gqa_schema():
    """The operator's signature as far as the exporter needs it (the `onnx` package has no
    schemas for onnxruntime's com.microsoft domain)."""
    from onnx.defs import OpSchema
    param, attr = OpSchema.FormalParameter, OpSchema.Attribute
    inputs = [param(n, "T") for n in ("query", "key", "value", "past_key", "past_value")]
    inputs += [param("seqlens_k", "M"), param("total_sequence_length", "M")]
    outputs = [param(n, "T") for n in ("output", "present_key", "present_value")]
    return OpSchema("GroupQueryAttention", "com.microsoft", 1, inputs=inputs, outputs=outputs,
                    type_constraints=[("T", ["tensor(float)", "tensor(float16)"], ""),
                                      ("M", ["tensor(int32)"], "")],
                    attributes=[attr("num_heads", OpSchema.AttrType.INT, ""),
                                attr("kv_num_heads", OpSchema.AttrType.INT, "")])


def onnx_translation() -> dict:
    """torch.onnx.export's custom_translation_table entry for the op."""
    import onnxscript
    gqa = onnxscript.values.Op(onnxscript.values.Opset("com.microsoft", 1), "GroupQueryAttention",
                               _gqa_schema())

    def translate(q, k, v, cache_k, cache_v, seqlens_k, total, num_heads: int):
        return gqa(q, k, v, cache_k, cache_v, seqlens_k, total, num_heads=num_heads,
                   kv_num_heads=num_heads, _num_outputs=3)
    return {torch.ops.weft.cache_attention.default: translate}
