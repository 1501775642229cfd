"""Export: the toy exports PASS everywhere; dynamic axes stay symbolic; a model that bakes a
traced size, or is left in train mode, is refused with an error naming the problem."""
from __future__ import annotations

import onnx
import pytest
import torch

from weft_models.decoder.export import (DecoderDims, ExportError, check_runtime_shapes, check_symbolic,
                                        dynamic_axes, export_decoder, io_names, torch_reference)
from weft_models.common.manifest import read_manifest
from weft_models.common.inputs import graph_input_specs
from weft_models.decoder.build import ToyConfig, ToyDecoder, build_toy
from weft_models.common.validate import make_input_sets, validate_component

DIMS = DecoderDims(vocab=512, layers=1, heads=2, head_dim=24, max_positions=128)


def _like_toy(cls):
    """An instance of a ToyDecoder subclass carrying the seeded toy's weights, in eval mode."""
    m = cls(ToyConfig())
    m.load_state_dict(build_toy().state_dict())
    return m.eval()


def test_toy_export_is_pass_on_every_input_set(toy_package, toy_model):
    onnx_path = toy_package / "decoder.onnx"
    specs, _ = graph_input_specs(onnx_path, read_manifest(toy_package), "decoder")
    sets = make_input_sets(specs, seed=3)
    results = validate_component(str(onnx_path), torch_reference(toy_model, 1), sets)
    assert {r.input_set for r in results} == {"zeros", "ones", "random", "extreme"}
    assert {r.output for r in results} == {"logits", "present.0.key", "present.0.value"}
    assert [r for r in results if r.band != "PASS"] == []


def test_exported_graph_is_symbolic_on_dynamic_axes(toy_package):
    proto = onnx.load(str(toy_package / "decoder.onnx"))
    check_symbolic(proto, dynamic_axes(1))  # raises if not
    io = {vi.name: [d.dim_param or d.dim_value for d in vi.type.tensor_type.shape.dim]
          for vi in [*proto.graph.input, *proto.graph.output]}
    ins, outs = io_names(1)
    assert [vi.name for vi in proto.graph.input] == ins
    assert [vi.name for vi in proto.graph.output] == outs
    assert io["input_ids"] == ["batch", "seq"]
    assert io["attention_mask"] == ["batch", "total"]
    assert io["past_key_values.0.key"] == ["batch", 2, "past", 24]
    assert io["logits"] == ["batch", "seq", 512]
    assert io["present.0.value"] == ["batch", 2, "total", 24]


def test_static_graph_is_rejected_by_both_checks(tmp_path, toy_model):
    """An export without dynamic shapes: every check must name the frozen tensors/shapes."""
    from weft_models.decoder.export import TRACE_SHAPE, _Flat, decoder_feeds
    ins, outs = io_names(1)
    feeds = decoder_feeds(DIMS, *TRACE_SHAPE)
    path = tmp_path / "static.onnx"
    torch.onnx.export(_Flat(toy_model), tuple(torch.from_numpy(feeds[n]) for n in ins),
                      str(path), input_names=ins, output_names=outs, dynamo=True,
                      external_data=False, verbose=False)
    with pytest.raises(ExportError, match=r"input_ids axis 1 \(seq\) was traced as the constant 3"):
        check_symbolic(onnx.load(str(path)), dynamic_axes(1))
    with pytest.raises(ExportError, match=r"onnxruntime failed at batch=1 seq=1 past=0"):
        check_runtime_shapes(path, toy_model, DIMS)


class BakedReshape(ToyDecoder):
    """Reshapes logits with the trace's sequence length written in."""

    def forward(self, *args):
        out = super().forward(*args)
        return (out[0].reshape(args[0].shape[0], 3, self.cfg.vocab), *out[1:])


class BakedFlatReshape(ToyDecoder):
    """Same bug in a form torch.export accepts: the batch axis absorbs the mistake."""

    def forward(self, *args):
        out = super().forward(*args)
        return (out[0].reshape(-1, 3, self.cfg.vocab), *out[1:])


class StepPathLost(ToyDecoder):
    """Eager takes a single-step branch (which ignores padding) when seq == 1; the trace saw
    seq 3 and froze the prefill branch, so ONNX silently computes something else at seq 1."""

    def allowed(self, input_ids, attention_mask):
        if input_ids.shape[1] > 1:
            return super().allowed(input_ids, attention_mask)
        b, t = attention_mask.shape
        return torch.ones(b, 1, 1, t, dtype=torch.bool)


@pytest.mark.parametrize("cls, message", [
    (BakedReshape,
     r"(?s)traced as a constant.*static shape of 3 for dimension "
     r"inputs\['input_ids'\]\.shape\[1\]"),
    (BakedFlatReshape, r"logits axis 1 \(seq\) was traced as the constant 3"),
    (StepPathLost, r"logits at batch=3 seq=1 past=9: max abs diff"),
])
def test_baked_trace_size_is_caught(tmp_path, cls, message):
    with pytest.raises(ExportError, match=message):
        export_decoder(_like_toy(cls), tmp_path / "pkg", name="broken", dims=DIMS)
    leftovers = list((tmp_path / "pkg").iterdir()) if (tmp_path / "pkg").exists() else []
    assert leftovers == []  # nothing half-done left behind: no .onnx, .tmp or weft.json


def test_train_mode_is_refused(tmp_path):
    model = build_toy().train()
    with pytest.raises(ExportError, match="training mode.*model.eval()"):
        export_decoder(model, tmp_path / "pkg", name="toy", dims=DIMS)


def test_opset_below_18_is_refused(tmp_path):
    with pytest.raises(ExportError, match="opset 17 is not supported"):
        export_decoder(build_toy(), tmp_path / "pkg", name="toy", dims=DIMS, opset=17)
