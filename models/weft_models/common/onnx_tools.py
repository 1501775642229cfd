"""ONNX export helpers shared by the families that use the torch.export-based exporter.

Exporter choice: `dynamo=True`. It is the maintained path (TorchScript export is deprecated
since torch 2.9), it records sizes as SymInts rather than silently freezing Python ints, it
refuses at export time code that specializes a dynamic axis, and its built-in onnxscript pass
leaves a clean graph. Either way, an export is not trusted: afterwards every dynamic axis must
be a dim_param in the graph (check_symbolic), and each family runs the graph against PyTorch.
"""
from __future__ import annotations

import contextlib
import io
import logging
import re
import warnings

import onnx

log = logging.getLogger(__name__)

MIN_OPSET = 18


class ExportError(RuntimeError):
    pass


@contextlib.contextmanager
def quiet_exporter():
    """The exporter and its onnxscript passes log every rewrite at INFO and print progress to
    stdout; keep that out of our output unless we are debugging."""
    if log.isEnabledFor(logging.DEBUG):
        yield
        return
    noisy = [logging.getLogger(n) for n in ("torch.onnx", "onnxscript", "onnx_ir", "torch.export")]
    saved = [lg.level for lg in noisy]
    for lg in noisy:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, lvl in zip(noisy, saved):
            lg.setLevel(lvl)


def explain_export_failure(msg: str) -> str:
    """The exporter's message, reduced to its exception summary, with a hint when the cause is
    a dynamic axis that the model's code made static."""
    msg = re.sub(r"\x1b\[[0-9;]*m", "", msg)  # ANSI colours
    if "## Exception summary" in msg:
        msg = msg.split("## Exception summary", 1)[1].split("(Refer to the full stack", 1)[0]
    hint = ""
    if any(w in msg for w in ("specializ", "Constraints violated", "static shape", "constant")):
        hint = (" (a dynamic axis was traced as a constant: the model turns a size into a "
                "Python int or hard-codes one)")
    return f"torch.onnx.export failed{hint}: {msg.strip()[:2000]}"


def export_module(module, args: tuple, input_names, output_names, dynamic_shapes,
                  opset: int, translations: dict | None = None) -> onnx.ModelProto:
    """torch.onnx.export (dynamo) to an in-memory proto; ExportError with the exporter's reason."""
    import torch
    chatter = io.StringIO()
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(chatter), quiet_exporter():
            warnings.simplefilter("ignore")
            prog = torch.onnx.export(module, args, input_names=list(input_names),
                                     output_names=list(output_names),
                                     dynamic_shapes=dynamic_shapes, opset_version=opset,
                                     dynamo=True, external_data=False, verbose=False,
                                     custom_translation_table=translations)
    except Exception as e:  # torch.export reports specialized axes as constraint violations
        raise ExportError(explain_export_failure(str(e))) from e
    log.debug("exporter output:\n%s", chatter.getvalue())
    return prog.model_proto


def name_dims(proto: onnx.ModelProto, shapes: dict[str, list]) -> None:
    """Give graph inputs/outputs the manifest's dim names where the graph has a symbol. Only
    what is already symbolic is renamed: a fixed dim stays fixed (and check_symbolic fails)."""
    for vi in [*proto.graph.input, *proto.graph.output]:
        want = shapes.get(vi.name)
        if want is None:
            continue
        for d, w in zip(vi.type.tensor_type.shape.dim, want):
            if isinstance(w, str) and d.HasField("dim_param"):
                d.dim_param = w


def check_symbolic(proto: onnx.ModelProto, axes: dict[str, dict[int, str]]) -> None:
    """Every declared dynamic axis must be a dim_param in the graph's inputs and outputs."""
    problems = []
    graph_io = {vi.name: vi for vi in [*proto.graph.input, *proto.graph.output]}
    for tensor, dyn in axes.items():
        if tensor not in graph_io:
            problems.append(f"{tensor}: not a graph input/output")
            continue
        dims = graph_io[tensor].type.tensor_type.shape.dim
        for axis, name in dyn.items():
            if axis >= len(dims):
                problems.append(f"{tensor}: rank {len(dims)}, no axis {axis} ({name})")
            elif not dims[axis].HasField("dim_param"):
                problems.append(f"{tensor} axis {axis} ({name}) was traced as the constant "
                                f"{dims[axis].dim_value}")
    if problems:
        raise ExportError("dynamic axes are not symbolic in the exported graph:\n  "
                          + "\n  ".join(problems))
