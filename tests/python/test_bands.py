"""Band classification (weft_models/common/validate.py) at its edges, and the comparison metrics
it grades."""
from __future__ import annotations

import math

import numpy as np
import pytest

from weft_models.common.validate import band, compare, worst_band, OutputResult


@pytest.mark.parametrize("max_abs, cos, expected", [
    (0.0, 1.0, "PASS"),
    (9.99e-5, 0.99991, "PASS"),
    (1e-4, 1.0, "WARN"),            # strict: max must be < 1e-4
    (0.0, 0.9999, "WARN"),          # strict: cosine must be > 0.9999
    (9.99e-3, 0.99901, "WARN"),
    (1e-2, 1.0, "FAIL"),
    (0.0, 0.999, "FAIL"),
    (math.inf, 1.0, "FAIL"),
    (0.0, math.nan, "FAIL"),         # NaN never passes a comparison
])
def test_band_edges(max_abs, cos, expected):
    assert band(max_abs, cos) == expected


def test_compare_metrics():
    a = np.array([1.0, 2.0, 3.0], np.float32)
    mx, mse, cos, note = compare(a, a + np.float32(0.5))
    assert mx == pytest.approx(0.5) and mse == pytest.approx(0.25) and cos < 1.0 and note == ""
    assert compare(np.zeros(4), np.zeros(4))[2] == 1.0  # both zero: identical, cosine 1


def test_compare_nan_and_shape():
    a = np.array([1.0, np.nan, 3.0])
    assert compare(a, a.copy())[:3] == (0.0, 0.0, 1.0)          # NaN at the same place agrees
    mx, _, cos, note = compare(a, np.array([1.0, 2.0, 3.0]))
    assert mx == math.inf and cos == 0.0 and "NaN mismatch" in note
    mx, _, _, note = compare(np.zeros((2, 3)), np.zeros((3, 2)))
    assert mx == math.inf and "shape" in note


def test_worst_band():
    r = lambda b: OutputResult("s", "o", (1,), 0, 0, 1, b)  # noqa: E731
    assert worst_band([r("PASS"), r("WARN"), r("PASS")]) == "WARN"
    assert worst_band([r("WARN"), r("FAIL")]) == "FAIL"
    assert worst_band([]) == "PASS"
