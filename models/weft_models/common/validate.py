"""ONNX-vs-PyTorch validation shared by every family: metrics, bands, input sets, sessions.

Component validation runs the ONNX graph (onnxruntime) and a reference callable (PyTorch, or
another graph) on the same input sets and grades every output. The bands are absolute and
strict: PASS when max abs diff < 1e-4 and cosine > 0.9999, WARN when < 1e-2 and > 0.999, FAIL
otherwise (a NaN or shape mismatch is FAIL).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

log = logging.getLogger(__name__)

PASS_MAX, PASS_COS = 1e-4, 0.9999
WARN_MAX, WARN_COS = 1e-2, 0.999
BANDS = ("PASS", "WARN", "FAIL")

Feeds = dict[str, np.ndarray]


# Quantized packages are graded against their own fp32 export by direction, not by absolute bands:
# int8 rounding moves every logit a little (max abs is reported, never graded), what matters is that
# the output vector points the same way and the decisions agree.
QUANT_PASS_COS, QUANT_WARN_COS = 0.999, 0.99


def quantized_band(cosine: float, top1_agree: int, images: int) -> str:
    """PASS: cosine >= 0.999 and every top-1 equal; WARN: cosine >= 0.99; else FAIL."""
    if cosine >= QUANT_PASS_COS and top1_agree == images:
        return "PASS"
    return "WARN" if cosine >= QUANT_WARN_COS else "FAIL"


def band(max_abs: float, cosine: float) -> str:
    """Strict inequalities: max == 1e-4 is already WARN."""
    if max_abs < PASS_MAX and cosine > PASS_COS:
        return "PASS"
    if max_abs < WARN_MAX and cosine > WARN_COS:
        return "WARN"
    return "FAIL"


@dataclass
class OutputResult:
    input_set: str
    output: str
    shape: tuple
    max_abs: float
    mse: float
    cosine: float
    band: str
    note: str = ""


def compare(ref: np.ndarray, got: np.ndarray) -> tuple[float, float, float, str]:
    """(max_abs, mse, cosine, note). NaN at the same places in both counts as agreement (a model
    that legitimately produces NaN, like toy-nan, still exports faithfully); NaN in only one of
    them, or a shape mismatch, is infinitely wrong."""
    if ref.shape != got.shape:
        return float("inf"), float("inf"), 0.0, f"shape {got.shape} != reference {ref.shape}"
    a, b = ref.astype(np.float64).ravel(), got.astype(np.float64).ravel()
    na, nb = np.isnan(a), np.isnan(b)
    if (na != nb).any():
        return float("inf"), float("inf"), 0.0, f"NaN mismatch at {int((na != nb).sum())} elements"
    note = f"{int(na.sum())} NaN in both" if na.any() else ""
    a, b = a[~na], b[~na]
    if a.size == 0:
        return 0.0, 0.0, 1.0, note
    with np.errstate(invalid="ignore", over="ignore"):
        d = np.where(a == b, 0.0, a - b)  # equal infinities are agreement, not inf - inf = NaN
    max_abs = float(np.max(np.abs(d)))
    mse = float(np.mean(d * d))
    na_, nb_ = np.linalg.norm(a), np.linalg.norm(b)
    if max_abs == 0:
        cos = 1.0  # identical (also two zero tensors, where cosine is undefined)
    elif na_ == 0 or nb_ == 0 or not np.isfinite(na_ * nb_):
        cos = 1.0 if max_abs == 0 else 0.0
    else:
        cos = float(np.dot(a, b) / (na_ * nb_))
    return max_abs, mse, cos, note


# ---- input sets -----------------------------------------------------------------------------

@dataclass
class InputSpec:
    name: str
    dtype: str              # "int64" | "float32" | ...
    shape: tuple[int, ...]  # concrete
    high: int | None = None  # ints: valid ids are 0 .. high-1


def make_input_sets(specs: list[InputSpec], seed: int = 0, large: float = 20.0) -> dict[str, Feeds]:
    """zeros, ones, random, extreme. Ints stay valid ids (0 / max id / random); floats go large.

    Float extremes are +-[large/2, large]: 20x the unit-scale activations a K/V cache normally
    holds. Much larger is a test of fp32 conditioning, not of the export: at |K| ~ 100 the
    toy's attention scores reach the hundreds and fp32 softmax alone moves logits by ~2e-4, with
    PyTorch fp32 further from an fp64 run than onnxruntime is.
    """
    rng = np.random.default_rng(seed)
    sets: dict[str, Feeds] = {"zeros": {}, "ones": {}, "random": {}, "extreme": {}}
    for s in specs:
        dt = np.dtype(s.dtype)
        if dt.kind in "iu":
            hi = s.high if s.high is not None else 2
            sets["zeros"][s.name] = np.zeros(s.shape, dt)
            sets["ones"][s.name] = np.full(s.shape, min(1, hi - 1), dt)
            sets["random"][s.name] = rng.integers(0, hi, s.shape).astype(dt)
            sets["extreme"][s.name] = np.full(s.shape, hi - 1, dt)
        else:
            sets["zeros"][s.name] = np.zeros(s.shape, dt)
            sets["ones"][s.name] = np.ones(s.shape, dt)
            sets["random"][s.name] = rng.standard_normal(s.shape).astype(dt)
            sign = rng.choice([-1.0, 1.0], s.shape)
            sets["extreme"][s.name] = (sign * rng.uniform(0.5, 1.0, s.shape) * large).astype(dt)
    return sets


def ort_session(onnx_path: str, threads: int | None = None):
    """CPU session. Small graphs (< 64 MB) get one thread and no spin-waiting: validation runs
    beside other builds, and spinning workers on a shared 2-core machine cost far more than
    they save on toy-sized ops."""
    import os

    import onnxruntime as ort
    so = ort.SessionOptions()
    so.log_severity_level = 4  # errors reach us as exceptions; keep stderr clean
    if threads is None:
        threads = 1 if os.path.getsize(onnx_path) < 64 << 20 else 0
    so.intra_op_num_threads = threads
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(onnx_path), so, providers=["CPUExecutionProvider"])


def run_session(sess, feeds: Feeds) -> Feeds:
    names = [o.name for o in sess.get_outputs()]
    return dict(zip(names, sess.run(names, feeds)))


# ---- component validation ------------------------------------------------------------------

def validate_component(onnx_path: str, reference: Callable[[Feeds], Mapping[str, np.ndarray]],
                       input_sets: Mapping[str, Feeds], session=None) -> list[OutputResult]:
    """Run ONNX and the reference on every input set; grade every output the graph declares."""
    sess = session or ort_session(onnx_path)
    results = []
    for set_name, feeds in input_sets.items():
        got = run_session(sess, feeds)
        ref = reference(feeds)
        for out_name, g in got.items():
            if out_name not in ref:
                results.append(OutputResult(set_name, out_name, g.shape, float("inf"),
                                            float("inf"), 0.0, "FAIL", "missing in reference"))
                continue
            results.append(grade(set_name, out_name, ref[out_name], g))
    return results


def grade(input_set: str, output: str, ref, got: np.ndarray) -> OutputResult:
    """One output of one input set, compared and banded."""
    mx, mse, cos, note = compare(np.asarray(ref), got)
    return OutputResult(input_set, output, tuple(got.shape), mx, mse, cos, band(mx, cos), note)


def worst_band(results: list[OutputResult]) -> str:
    return max((r.band for r in results), key=BANDS.index, default="PASS")


@dataclass
class ComponentReport:
    """One component's grades over its input sets and outputs (a family's check reports)."""
    component: str
    results: list[OutputResult]

    @property
    def band(self) -> str:
        return worst_band(self.results)

    def summary(self) -> dict:
        return {"component": self.component,
                "max_abs": max(r.max_abs for r in self.results),
                "mse": max(r.mse for r in self.results),
                "cosine": min(r.cosine for r in self.results), "band": self.band}


def format_table(results: list[OutputResult]) -> str:
    rows = [("input set", "output", "shape", "max abs", "mse", "cosine", "band")]
    for r in results:
        rows.append((r.input_set, r.output, "x".join(map(str, r.shape)), f"{r.max_abs:.3g}",
                     f"{r.mse:.3g}", f"{r.cosine:.8f}",
                     r.band + (f" ({r.note})" if r.note else "")))
    w = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w[i]) for i, c in enumerate(row)) for row in rows)
