"""Validation of a decoder package against the PyTorch model it was exported from: the component
report (every output, every input set, banded) and the autoregressive report, which drives the
ONNX decoder with its own KV cache (presents fed back as pasts) against PyTorch full recompute,
so cache bugs that a single forward pass cannot show (wrong positions, wrong concat axis, stale
state) surface as the first step where the two disagree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from ..common.inputs import graph_input_specs
from ..common.manifest import read_manifest
from ..common.torch_tools import threads_for
from ..common.validate import (PASS_MAX, Feeds, compare, format_table, make_input_sets,
                               ort_session, run_session, validate_component, worst_band)
from .build import model_from_source


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


def validate_package(package_dir: str | Path, *, steps: int = 40, seed: int = 0,
                     quiet: bool = False, strict: bool = True) -> bool:
    """Component report + autoregressive report for a decoder package with a `source` record.

    Prints both tables (unless quiet). Strict: every output PASS and every step's logits within
    the PASS tolerance. Otherwise: no FAIL band and no greedy divergence.
    """
    pkg = Path(package_dir)
    manifest = read_manifest(pkg)
    model = model_from_source(manifest.get("source"), manifest.get("name"))
    with threads_for(model):
        return _validate(pkg, manifest, model, steps, seed, quiet, strict)


def _validate(pkg: Path, manifest: dict, model, steps: int, seed: int, quiet: bool,
              strict: bool) -> bool:
    from .build import full_logits
    from .export import torch_reference
    comp = manifest["components"].get("decoder")
    if comp is None or manifest["generator"]["type"] != "decoder":
        raise ValueError(f"{pkg}: validate supports decoder packages (generator type 'decoder')")
    onnx_path = pkg / comp["file"]
    dims = manifest["dims"]
    specs, _ = graph_input_specs(onnx_path, manifest, "decoder")
    results = validate_component(str(onnx_path), torch_reference(model, dims["layers"]),
                                 make_input_sets(specs, seed=seed))
    band = worst_band(results)
    rng = np.random.default_rng(seed)
    prompt = rng.integers(0, dims["vocab"], 4).tolist()
    nan_token = (manifest.get("source") or {}).get("nan_token")
    prompt = [t if t != nan_token else (t + 1) % dims["vocab"] for t in prompt]
    steps = min(steps, dims["max_positions"] - len(prompt))
    report = autoregressive_report(str(onnx_path), lambda ids: full_logits(model, ids)[-1].numpy(),
                                   prompt, steps)
    if not quiet:
        print(f"== {manifest['name']}: component report ({onnx_path.name})")
        print(format_table(results))
        print(f"worst band: {band}")
        print(f"== autoregressive report: prompt {prompt}, {steps} steps, "
              "KV cache vs full recompute")
        print(report.format())
    if strict:
        return band == "PASS" and report.ok
    return band != "FAIL" and report.first_divergence is None
