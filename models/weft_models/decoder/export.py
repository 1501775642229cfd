"""Export a decoder with a flattened KV cache to one ONNX graph (prefill and single step).

The torch.export-based exporter (common/onnx_tools.py) leaves ~60 nodes for the toy. The export
is not trusted: afterwards every dynamic axis must be a dim_param in the graph, and the graph is
run at shapes unlike the trace's and compared with PyTorch. Any failure raises ExportError naming
the tensor and the shapes.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import torch

from ..common import manifest as mf
from ..common.onnx_tools import MIN_OPSET, ExportError, check_symbolic, export_module, name_dims
from ..common.torch_tools import param_count, threads_for
from ..common.validate import PASS_MAX, compare, ort_session, run_session
from .manifest import decoder_manifest

log = logging.getLogger(__name__)

TRACE_SHAPE = (2, 3, 4)  # batch, seq, past: distinct, non-trivial (0/1 get specialized)
CHECK_SHAPES = [(1, 1, 0), (3, 7, 9), (1, 7, 0), (3, 1, 9)]  # batch 1/3, seq 1/7, past 0/9


@dataclass(frozen=True)
class DecoderDims:
    vocab: int
    layers: int
    heads: int
    head_dim: int
    max_positions: int


def io_names(layers: int) -> tuple[list[str], list[str]]:
    past = [f"past_key_values.{i}.{kv}" for i in range(layers) for kv in ("key", "value")]
    present = [f"present.{i}.{kv}" for i in range(layers) for kv in ("key", "value")]
    return ["input_ids", "attention_mask", "position_ids", *past], ["logits", *present]


def dynamic_axes(layers: int) -> dict[str, dict[int, str]]:
    ins, outs = io_names(layers)
    axes = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "total"},
            "position_ids": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"}}
    axes.update({n: {0: "batch", 2: "past"} for n in ins[3:]})
    axes.update({n: {0: "batch", 2: "total"} for n in outs[1:]})
    return axes


def decoder_feeds(dims: DecoderDims, batch: int, seq: int, past: int, seed: int = 0) -> dict:
    """Seeded inputs for one run: random ids, left padding on all rows but the first, positions
    that continue the cache, random past K/V."""
    rng = np.random.default_rng(seed)
    total = past + seq
    mask = np.ones((batch, total), np.int64)
    for b in range(1, batch):
        mask[b, : min(b, total - 1)] = 0  # never mask a whole row
    feeds = {
        "input_ids": rng.integers(0, dims.vocab, (batch, seq)).astype(np.int64),
        "attention_mask": mask,
        "position_ids": np.tile(np.arange(past, total, dtype=np.int64), (batch, 1)),
    }
    for name in io_names(dims.layers)[0][3:]:
        shape = (batch, dims.heads, past, dims.head_dim)
        feeds[name] = rng.standard_normal(shape).astype(np.float32)
    return feeds


class _Flat(torch.nn.Module):
    """Fixed signature (input_ids, attention_mask, position_ids, *past) for the exporter."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, position_ids, *past):
        return tuple(self.model(input_ids, attention_mask, position_ids, *past))


def torch_reference(model, layers: int):
    """feeds (numpy) -> {output name: numpy}, running the PyTorch model."""
    ins, outs = io_names(layers)

    def run(feeds):
        with torch.no_grad():
            res = model(*[torch.from_numpy(np.ascontiguousarray(feeds[n])) for n in ins])
        return {n: t.numpy() for n, t in zip(outs, res)}
    return run


def _export_proto(model, dims: DecoderDims, opset: int) -> onnx.ModelProto:
    ins, outs = io_names(dims.layers)
    axes = dynamic_axes(dims.layers)
    feeds = decoder_feeds(dims, *TRACE_SHAPE, seed=1234)
    args = tuple(torch.from_numpy(feeds[n]) for n in ins)
    shapes = {"input_ids": axes["input_ids"], "attention_mask": axes["attention_mask"],
              "position_ids": axes["position_ids"], "past": tuple(axes[n] for n in ins[3:])}
    proto = export_module(_Flat(model), args, ins, outs, shapes, opset)
    # The exporter names derived output dims by expression ("past + seq"); the manifest calls
    # that "total".
    name_dims(proto, {n: [axes[n].get(i) for i in range(max(axes[n]) + 1)] for n in outs})
    return proto


def check_runtime_shapes(onnx_path: str | Path, model, dims: DecoderDims,
                         shapes=CHECK_SHAPES, tol: float = PASS_MAX) -> None:
    """Run ONNX at shapes unlike the trace's and compare every output with PyTorch."""
    try:
        sess = ort_session(str(onnx_path))
    except Exception as e:
        raise ExportError(f"onnxruntime cannot load the exported graph: {e}") from e
    ref_fn = torch_reference(model, dims.layers)
    problems = []
    for batch, seq, past in shapes:
        where = f"batch={batch} seq={seq} past={past}"
        feeds = decoder_feeds(dims, batch, seq, past, seed=batch * 100 + seq * 10 + past)
        try:
            got = run_session(sess, feeds)
        except Exception as e:  # a baked shape usually surfaces as a Reshape/broadcast error
            problems.append(f"onnxruntime failed at {where}: {str(e).strip()[:500]}")
            continue
        ref = ref_fn(feeds)
        for name, r in ref.items():
            mx, _, _, note = compare(r, got[name])
            if not mx < tol:
                problems.append(f"{name} at {where}: max abs diff {mx:.3g} "
                                f"(shape {got[name].shape}, torch {r.shape}) {note}".rstrip())
    if problems:
        raise ExportError("exported graph disagrees with PyTorch at shapes unlike the trace "
                          f"{TRACE_SHAPE} (batch, seq, past):\n  " + "\n  ".join(problems))


def export_decoder(model, out_dir: str | Path, *, name: str, dims: DecoderDims,
                   opset: int = 18, source: dict | None = None) -> Path:
    """Export, verify, and write `decoder.onnx` + `weft.json` into out_dir. Returns out_dir."""
    if opset < MIN_OPSET:
        raise ExportError(f"opset {opset} is not supported: the torch.export-based exporter "
                          f"emits opset-{MIN_OPSET} operators (e.g. Split with num_outputs) even "
                          f"when asked for less; use --opset {MIN_OPSET} or higher")
    bad = [n or "<root>" for n, m in model.named_modules() if m.training]
    if bad:
        raise ExportError("model is in training mode (modules: " + ", ".join(bad[:5]) +
                          "); call model.eval() first, or dropout/batch-norm train behaviour "
                          "would be exported")
    with threads_for(model):
        return _export_verified(model, Path(out_dir), name, dims, opset, source)


def _export_verified(model, out: Path, name: str, dims: DecoderDims, opset: int,
                     source: dict | None) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    proto = _export_proto(model, dims, opset)
    check_symbolic(proto, dynamic_axes(dims.layers))
    try:
        onnx.checker.check_model(proto, full_check=True)
    except Exception as e:
        raise ExportError(f"the exported graph is not valid ONNX (opset {opset}): {e}") from e
    onnx_path = out / "decoder.onnx"
    tmp = out / "decoder.onnx.tmp"
    try:
        onnx.save(proto, str(tmp))
        check_runtime_shapes(tmp, model, dims)
        tmp.replace(onnx_path)  # only a verified graph ever lands under the real name
    finally:
        tmp.unlink(missing_ok=True)
    m = decoder_manifest(name, vocab=dims.vocab, layers=dims.layers, heads=dims.heads,
                            head_dim=dims.head_dim, max_positions=dims.max_positions,
                            source=source)
    mf.write_manifest(mf.fill_file_info(m, out), out)
    log.info("exported %s to %s (%d bytes, %.1f s)", name, onnx_path,
             onnx_path.stat().st_size, time.perf_counter() - t0)
    return out


def export_toy(out_dir: str | Path, *, preset: str = "default", seed: int = 0,
               opset: int = 18, nan_token: int | None = None, name: str | None = None) -> Path:
    from .build import BUILDER, PRESETS, build_toy
    cfg = PRESETS[preset]
    model = build_toy(cfg, seed=seed, nan_token=nan_token)
    log.info("toy %s: %d parameters", preset, param_count(model))
    dims = DecoderDims(cfg.vocab, cfg.layers, cfg.heads, cfg.head_dim, cfg.max_positions)
    source = {"builder": BUILDER, "preset": preset, "config": cfg.to_dict(),
              "seed": seed, "nan_token": nan_token, "opset": opset}
    default_name = "toy" if preset == "default" else f"toy-{preset}"
    return export_decoder(model, out_dir, name=name or default_name, dims=dims, opset=opset,
                          source=source)
