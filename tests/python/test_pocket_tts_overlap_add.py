"""The Mimi decoder's transposed convolutions written as a product and an overlap-add
(weft_models/pocket_tts/overlap_add.py), against torch's own ConvTranspose1d run on the whole
signal at once: chunk by chunk, with the pending partial block carried, the audio must be the
whole signal's and the last partial block must be its tail (without bias), as pocket-tts keeps it.
Also exported to ONNX and run by onnxruntime, and the layers it must refuse."""
from __future__ import annotations

import numpy as np
import onnx
import pytest
import torch
from torch import nn

from weft_models.pocket_tts.overlap_add import OverlapAddConvTranspose, supports

CASES = [  # (in, out, stride, groups, bias)
    (12, 7, 4, 1, True),
    (9, 5, 6, 1, False),
    (6, 6, 16, 6, False),  # depthwise, like Mimi's upsampler
    (5, 5, 3, 5, True),
]


def _layer(c_in, c_out, s, groups, bias):
    torch.manual_seed(c_in * 100 + s)
    return nn.ConvTranspose1d(c_in, c_out, 2 * s, s, groups=groups, bias=bias).eval()


def _streamed(oa, x, chunks, c_out, s):
    partial, ys = torch.zeros(1, c_out, s), []
    start = 0
    for n in chunks:
        y, partial = oa(x[..., start:start + n], partial)
        ys.append(y)
        start += n
    return torch.cat(ys, -1), partial


@pytest.mark.parametrize("c_in,c_out,s,groups,bias", CASES)
def test_streamed_equals_whole_conv_transpose(c_in, c_out, s, groups, bias):
    convtr = _layer(c_in, c_out, s, groups, bias)
    x = torch.randn(1, c_in, 9)
    with torch.no_grad():
        whole = convtr(x)  # [1, c_out, (9 + 1) * s]
        got, partial = _streamed(OverlapAddConvTranspose(convtr), x, [1, 3, 1, 4], c_out, s)
    tail = whole[..., -s:] - (convtr.bias.detach()[:, None] if bias else 0)
    assert got.shape == (1, c_out, 9 * s)
    np.testing.assert_allclose(got.numpy(), whole[..., :-s].numpy(), rtol=0, atol=1e-5)
    np.testing.assert_allclose(partial.numpy(), tail.numpy(), rtol=0, atol=1e-5)


def test_onnx_graph_matches_torch(tmp_path):
    import onnxruntime as ort
    convtr = _layer(12, 7, 4, 1, True)
    oa = OverlapAddConvTranspose(convtr).eval()
    x, partial = torch.randn(1, 12, 5), torch.randn(1, 7, 4)
    path = tmp_path / "oa.onnx"
    frames = torch.export.Dim("frames")
    torch.onnx.export(oa, (x, partial), str(path), input_names=["x", "partial"],
                      output_names=["y", "tail"], dynamic_shapes={"x": {2: frames}, "partial": None},
                      dynamo=True)
    sess = ort.InferenceSession(str(path))
    assert "ConvTranspose" not in {n.op_type for n in onnx.load(str(path)).graph.node}
    for t in (1, 3):
        xs = torch.randn(1, 12, t)
        with torch.no_grad():
            want = convtr(xs)
        y, tail = sess.run(None, {"x": xs.numpy(), "partial": np.zeros((1, 7, 4), np.float32)})
        np.testing.assert_allclose(y, want[..., :-4].numpy(), rtol=0, atol=1e-5)
        np.testing.assert_allclose(tail, (want[..., -4:] - convtr.bias.detach()[:, None]).numpy(),
                                   rtol=0, atol=1e-5)


@pytest.mark.parametrize("layer", [
    nn.ConvTranspose1d(4, 4, 6, 2),            # kernel 3 * stride
    nn.ConvTranspose1d(4, 6, 4, 2, groups=2),  # grouped, not depthwise
    nn.ConvTranspose1d(4, 4, 4, 2, padding=1),
])
def test_refuses_other_layers(layer):
    assert not supports(layer)
    with pytest.raises(ValueError, match="kernel = 2 \\* stride"):
        OverlapAddConvTranspose(layer)
