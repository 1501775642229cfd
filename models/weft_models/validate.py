"""ONNX-vs-PyTorch validation: per-output metrics with DESIGN.md §3 bands, and the step report.

Component validation runs the ONNX graph (onnxruntime) and a PyTorch callable on the same input
sets and grades every output. The autoregressive report drives the ONNX decoder with its own KV
cache (presents fed back as pasts) against PyTorch full recompute, so cache bugs that a single
forward pass cannot show (wrong positions, wrong concat axis, stale state) surface as the first
step where the two disagree.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np

log = logging.getLogger(__name__)

PASS_MAX, PASS_COS = 1e-4, 0.9999
WARN_MAX, WARN_COS = 1e-2, 0.999
BANDS = ("PASS", "WARN", "FAIL")

Feeds = dict[str, np.ndarray]


def band(max_abs: float, cosine: float) -> str:
    """Strict inequalities, as in DESIGN.md §3: max == 1e-4 is already WARN."""
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
            mx, mse, cos, note = compare(np.asarray(ref[out_name]), g)
            results.append(OutputResult(set_name, out_name, tuple(g.shape), mx, mse, cos,
                                        band(mx, cos), note))
    return results


def worst_band(results: list[OutputResult]) -> str:
    return max((r.band for r in results), key=BANDS.index, default="PASS")


def format_table(results: list[OutputResult]) -> str:
    rows = [("input set", "output", "shape", "max abs", "mse", "cosine", "band")]
    for r in results:
        rows.append((r.input_set, r.output, "x".join(map(str, r.shape)), f"{r.max_abs:.3g}",
                     f"{r.mse:.3g}", f"{r.cosine:.8f}",
                     r.band + (f" ({r.note})" if r.note else "")))
    w = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w[i]) for i, c in enumerate(row)) for row in rows)


# ---- autoregressive step report ------------------------------------------------------------

@dataclass
class StepResult:
    step: int           # 0 = prefill (logits of the last prompt position)
    max_diff: float
    top5_overlap: int   # |top5(onnx) ∩ top5(torch)|
    onnx_token: int
    torch_token: int


@dataclass
class StepReport:
    steps: list[StepResult] = field(default_factory=list)
    first_divergence: int | None = None   # first step whose greedy tokens differ
    first_mismatch: int | None = None     # first step whose max logit diff >= tol

    @property
    def ok(self) -> bool:
        return self.first_divergence is None and self.first_mismatch is None

    def format(self) -> str:
        lines = ["step  max logit diff  top5 overlap  onnx  torch"]
        for s in self.steps:
            mark = "  <-- diverged" if s.step == self.first_divergence else ""
            lines.append(f"{s.step:4d}  {s.max_diff:14.3g}  {s.top5_overlap:12d}  "
                         f"{s.onnx_token:4d}  {s.torch_token:5d}{mark}")
        lines.append(f"first divergence: {self.first_divergence}; "
                     f"first logit mismatch: {self.first_mismatch}")
        return "\n".join(lines)


def _top5(x: np.ndarray) -> set[int]:
    return set(np.argsort(-x, kind="stable")[:5].tolist())


def autoregressive_report(onnx_path: str, torch_last_logits: Callable[[list[int]], np.ndarray],
                          prompt: list[int], steps: int, *, tol: float = PASS_MAX,
                          position_offset: int = 0, offset_from_step: int = 0,
                          session=None) -> StepReport:
    """Greedy-drive the ONNX decoder with its KV cache; compare every step with PyTorch.

    Both sides consume PyTorch's greedy tokens (teacher forcing), so one bad step does not
    cascade into a report of nothing but noise. `position_offset` is added to the position ids
    fed to ONNX from step `offset_from_step` on: a deliberate fault that proves the report can
    fail (a cache run fed a wrong position must be flagged at exactly that step).
    """
    sess = session or ort_session(onnx_path)
    inputs = {i.name: i for i in sess.get_inputs()}
    past_names = sorted(n for n in inputs if n.startswith("past_key_values."))
    present_of = {p: "present." + p[len("past_key_values."):] for p in past_names}
    feeds: Feeds = {}
    for p in past_names:  # empty cache: batch 1, length 0 along axis 2, fixed dims from graph
        shape = [d if isinstance(d, int) else 1 for d in inputs[p].shape]
        shape[2] = 0
        feeds[p] = np.zeros(shape, np.float32)
    report = StepReport()
    ids = list(prompt)
    new = list(prompt)
    for step in range(steps + 1):
        start = len(ids) - len(new)
        off = position_offset if step >= offset_from_step else 0
        feeds["input_ids"] = np.array([new], np.int64)
        feeds["attention_mask"] = np.ones((1, len(ids)), np.int64)
        feeds["position_ids"] = np.arange(start, len(ids), dtype=np.int64)[None] + off
        out = run_session(sess, feeds)
        got = out["logits"][0, -1].astype(np.float64)
        ref = np.asarray(torch_last_logits(ids), np.float64)
        diff = compare(ref, got)[0]  # NaN-aware: NaN in both places agrees (toy-nan)
        res = StepResult(step, diff, len(_top5(got) & _top5(ref)),
                         int(np.argmax(got)), int(np.argmax(ref)))
        report.steps.append(res)
        if report.first_divergence is None and res.onnx_token != res.torch_token:
            report.first_divergence = step
        if report.first_mismatch is None and not diff < tol:
            report.first_mismatch = step
        for p in past_names:
            feeds[p] = out[present_of[p]]
        if step < steps:
            new = [res.torch_token]
            ids.append(res.torch_token)
    return report
