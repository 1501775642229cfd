"""A streaming ConvTranspose1d with kernel = 2 * stride written as one product and an overlap-add.

onnxruntime's ConvTranspose runs a GEMM into a column buffer and then a generic N-d col2im for 1-D
inputs, whose per-element index arithmetic costs about as much as the GEMM itself (more on the
WebAssembly build). With kernel 2s, output block b (samples b*s .. b*s+s-1) is the first half of
input frame b's contribution plus the second half of frame b-1's, so the layer is one MatMul
(or, depthwise, one Mul) giving both halves per frame, a one-frame shift of the second half with
the pending partial block in front, an add, and a [channels, s, T] -> [channels, T*s] interleave.
The pending block (the last frame's second half, without bias) is what pocket-tts keeps as its
partial state, so the state layout is unchanged.
"""
from __future__ import annotations

import torch
from torch import nn


def supports(convtr: nn.ConvTranspose1d) -> bool:
    """Kernel twice the stride, no padding or dilation, and dense or depthwise channels."""
    s, k = convtr.stride[0], convtr.kernel_size[0]
    dense = convtr.groups == 1
    depthwise = convtr.groups == convtr.in_channels == convtr.out_channels
    plain = (convtr.padding[0] == 0 and convtr.output_padding[0] == 0
             and convtr.dilation[0] == 1)
    return k == 2 * s and plain and (dense or depthwise)


class OverlapAddConvTranspose(nn.Module):
    """x [1, C_in, T] + partial [1, C_out, s] -> (y [1, C_out, T*s], partial [1, C_out, s])."""

    def __init__(self, convtr: nn.ConvTranspose1d):
        super().__init__()
        if not supports(convtr):
            raise ValueError(f"ConvTranspose1d {convtr} is not kernel = 2 * stride, dense or "
                             "depthwise, without padding")
        self.stride, self.channels = convtr.stride[0], convtr.out_channels
        self.depthwise = convtr.groups > 1
        w = convtr.weight.detach()  # [C_in, C_out / groups, 2s]
        c_in, s = convtr.in_channels, self.stride
        if self.depthwise:  # [2, C, s, 1]: broadcast over frames
            halves = w.reshape(c_in, 2, s).permute(1, 0, 2)[..., None]
        else:  # [2 * C_out * s, C_in]: rows (half, out channel, offset)
            halves = w.reshape(c_in, self.channels, 2, s).permute(2, 1, 3, 0)
            halves = halves.reshape(2 * self.channels * s, c_in)
        self.register_buffer("halves", halves.contiguous().clone())
        bias = convtr.bias.detach() if convtr.bias is not None else torch.zeros(self.channels)
        self.register_buffer("bias", bias.clone()[:, None])

    def forward(self, x, partial):
        s, c = self.stride, self.channels
        if self.depthwise:
            both = x[:, None, :, None, :] * self.halves  # [1, 2, C, s, T]
        else:
            both = torch.matmul(self.halves, x).reshape(x.shape[0], 2, c, s, -1)
        head, tail = both[:, 0], both[:, 1]  # [1, C, s, T] each
        shifted = torch.cat([partial[..., None], tail[..., :-1]], dim=-1)
        blocks = (head + shifted).transpose(2, 3)  # [1, C, T, s]
        y = blocks.reshape(x.shape[0], c, -1) + self.bias
        return y, tail[..., -1]
