"""Sanitize: the cleaned graph computes exactly what the original does."""
from __future__ import annotations

import shutil

import onnx
import pytest

from weft_models.common.sanitize import SanitizeError, sanitize_file


def _copy_package(src, dst):
    shutil.copytree(src, dst)
    return dst


def test_sanitized_toy_equals_original(tmp_path, toy_package):
    pkg = _copy_package(toy_package, tmp_path / "toy")
    r = sanitize_file(pkg / "decoder.onnx")
    assert r.path == pkg / "decoder.sanitized.onnx" and r.path.is_file()
    assert {x.input_set for x in r.results} == {"zeros", "ones", "random", "extreme"}
    assert all(x.band == "PASS" for x in r.results)
    clean, orig = onnx.load(str(r.path)), onnx.load(str(pkg / "decoder.onnx"))
    sig = lambda m: [(v.name, str(v.type)) for v in [*m.graph.input, *m.graph.output]]  # noqa
    assert sig(clean) == sig(orig)  # names, dtypes and symbolic dims survive
    assert r.nodes_after <= r.nodes_before


def test_sanitized_vad_equals_original(tmp_path, built_models):
    """A third-party graph with If subgraphs; weft.json beside it gives chunk 512, sr 16000."""
    pkg = _copy_package(built_models / "silero-vad", tmp_path / "vad")
    r = sanitize_file(pkg / "silero_vad_v5.onnx")
    assert all(x.band == "PASS" for x in r.results)
    assert {x.output for x in r.results} == {"output", "stateN"}


def test_sanitize_fails_when_the_result_differs(tmp_path, toy_package, monkeypatch):
    """The validation is real: a 'sanitizer' that nudges one weight is caught."""
    import numpy as np
    from onnx import numpy_helper
    from weft_models.common import sanitize as s
    real = s.sanitize_model

    def corrupting(model):
        model = real(model)
        init = next(i for i in model.graph.initializer if i.name == "model.ln_f.bias")
        init.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init) + np.float32(0.01),
                                              init.name))
        return model

    monkeypatch.setattr(s, "sanitize_model", corrupting)
    pkg = _copy_package(toy_package, tmp_path / "toy")
    with pytest.raises(SanitizeError, match="(?s)differs from.*logits.*FAIL"):
        sanitize_file(pkg / "decoder.onnx")
