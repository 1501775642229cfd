"""Export a classifier to a package (model.onnx + weft.json): the fp32 graph with a dynamic batch
axis, and int8 (quantize.py) or fp16 packages derived from it.

Exporter: the TorchScript-based one (`dynamo=False`). Classifiers are static feed-forward
graphs with only a dynamic batch axis, which it handles exactly, and it exports a ResNet in ~1 s
where torch.export takes tens of seconds on two cores. Nothing is trusted: every package is
validated against PyTorch afterwards (check.py).
"""
from __future__ import annotations

import contextlib
import io
import warnings
from pathlib import Path

from .build import (CALIBRATION_IMAGES, HEAD_STD, LAYER_SCALE, ClassifierError,
                    default_preprocess, prepare)
from .manifest import package_manifest

# Bumped whenever the same (arch, seed, precision) exports to different weights or graphs, so
# cached packages and parity references are rebuilt.
EXPORT_REVISION = 3


def export_onnx(model, path: Path, crop: int, opset: int = 18, seed: int = 0) -> None:
    import torch
    torch.manual_seed(seed)
    dummy = torch.randn(2, 3, crop, crop)  # seeded; batch 2 so batch is not specialized to 1
    with torch.no_grad():
        a, b = model(dummy), model(dummy)
    if not torch.equal(a, b):
        raise ClassifierError("model output is not deterministic in eval mode (dropout or batch "
                              "statistics still active?)")
    if a.ndim != 2:
        raise ClassifierError(f"model output has shape {tuple(a.shape)}; a classifier returns "
                              "[batch, classes]")
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (dummy,), str(path), input_names=["pixel_values"],
                          output_names=["logits"], opset_version=opset, dynamo=False,
                          dynamic_axes={"pixel_values": {0: "batch"}, "logits": {0: "batch"}})


def convert_fp16(src: Path, dst: Path) -> None:
    """fp16 weights and compute; float32 inputs/outputs so the package contract is unchanged."""
    import onnx
    from onnxruntime.transformers.float16 import convert_float_to_float16
    m = convert_float_to_float16(onnx.load(str(src)), keep_io_types=True)
    onnx.save(m, str(dst))


def export_classifier(arch: str, out: str | Path, *, seed: int = 0, checkpoint=None,
                      num_classes: int | None = None, multi_label: bool = False, opset: int = 18,
                      precision: str = "fp32", crop: int | None = None,
                      labels: list[str] | None = None, name: str | None = None) -> Path:
    """Writes out/{model.onnx, weft.json}. The fp32 graph is always exported first; int8/fp16
    packages are derived from it (and validated against PyTorch like any other)."""
    import tempfile

    from ..common import manifest as mf
    if precision not in ("fp32", "int8", "fp16"):
        raise ValueError(f"precision {precision!r}: expected fp32, int8 or fp16")
    if opset < 13:
        raise ValueError(f"opset {opset}: classifiers need opset >= 13")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    model = prepare(arch, seed=seed, checkpoint=checkpoint, num_classes=num_classes)
    pre = default_preprocess(arch.split(":")[-1], crop)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        export_onnx(model, fp32, pre.crop, opset, seed)
        quantization = None
        if precision == "int8":
            from .quantize import quantize_int8
            quantization = quantize_int8(fp32, out / "model.onnx")
        elif precision == "fp16":
            convert_fp16(fp32, out / "model.onnx")
        else:
            (out / "model.onnx").write_bytes(fp32.read_bytes())
    import torch
    with torch.no_grad():
        classes = int(model(torch.zeros(1, 3, pre.crop, pre.crop)).shape[1])
    if labels is not None and len(labels) != classes:
        raise ValueError(f"--labels: {len(labels)} labels for {classes} classes")
    source = {"kind": "classifier", "arch": arch, "seed": seed, "num_classes": num_classes,
              "checkpoint": str(checkpoint) if checkpoint else None, "opset": opset,
              "revision": EXPORT_REVISION}
    if checkpoint is None and ":" not in arch:
        source["random_init"] = (f"seeded torchvision init; BatchNorm statistics from "
                                 f"{CALIBRATION_IMAGES} generated images; head Linear N(0, {HEAD_STD}); "
                                 f"layer scales {LAYER_SCALE}")
    if precision == "int8":
        source["quantization"] = quantization
    m = package_manifest(name or arch.split(":")[-1], classes, pre.crop, pre, multi_label=multi_label,
                         labels=labels, precision=precision, source=source)
    mf.write_manifest(mf.fill_file_info(m, out), out)
    return out
