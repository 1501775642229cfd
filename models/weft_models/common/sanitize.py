"""Sanitize an ONNX graph: shape inference, constant folding, dead-code elimination; then prove
the result computes the same thing as the original.

Optimizer choice: onnxscript's optimizer (`onnxscript.optimizer.optimize`), not onnxruntime's
offline optimisation. It is the maintained pass that torch's own exporter runs, it emits only
standard ONNX ops (ORT's saved optimised models may contain ORT-internal ops at higher levels
and are documented as tied to the ORT build that wrote them, a poor fit for files that
onnxruntime-web of another version will load), and it folds constants, removes unused nodes,
initializers and functions in one call.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import onnx

from .validate import (OutputResult, format_table, ort_session, run_session,
                       validate_component, worst_band)

log = logging.getLogger(__name__)


class SanitizeError(RuntimeError):
    pass


@dataclass
class SanitizeResult:
    path: Path
    nodes_before: int
    nodes_after: int
    results: list[OutputResult]


def _count_nodes(m: onnx.ModelProto) -> int:
    return len(m.graph.node)


def sanitize_model(model: onnx.ModelProto) -> onnx.ModelProto:
    import onnxscript.optimizer
    # strict_mode: an inconsistent graph should fail here, with ONNX's message, not later.
    model = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True,
                                              data_prop=True)
    model = onnxscript.optimizer.optimize(model)  # folding + unused node/initializer removal
    model = onnx.shape_inference.infer_shapes(model, check_type=True, data_prop=True)
    onnx.checker.check_model(model)
    return model


def sanitize_file(path: str | Path, out: str | Path | None = None,
                  input_sets: dict | None = None) -> SanitizeResult:
    """Write `<name>.sanitized.onnx` next to `path` (or to `out`) and validate it against the
    original on every input set; raises SanitizeError unless every output is PASS."""
    from .inputs import input_sets_for
    src = Path(path)
    dst = Path(out) if out else src.with_name(src.name.removesuffix(".onnx") + ".sanitized.onnx")
    original = onnx.load(str(src))
    clean = sanitize_model(original)
    onnx.save(clean, str(dst))
    sets = input_sets if input_sets is not None else input_sets_for(src)
    orig_sess = ort_session(str(src))
    results = validate_component(str(dst), lambda feeds: run_session(orig_sess, feeds), sets)
    log.info("sanitized %s -> %s: %d -> %d nodes\n%s", src, dst, _count_nodes(original),
             _count_nodes(clean), format_table(results))
    if worst_band(results) != "PASS":
        raise SanitizeError(f"{dst} differs from {src}:\n{format_table(results)}")
    return SanitizeResult(dst, _count_nodes(original), _count_nodes(clean), results)
