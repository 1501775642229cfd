"""The classifier package's `weft.json` layout: one graph (pixel_values -> logits), the
preprocessing the core runs (Resize, CenterCrop, Normalize) and the postprocessing and labels."""
from __future__ import annotations

from ..common import manifest as mf
from .build import Preprocess


def package_manifest(name: str, classes: int, crop: int, pre: Preprocess, *, multi_label: bool,
                     labels: list[str] | None, precision: str, source: dict) -> dict:
    return {
        "format": mf.FORMAT, "name": name, "dims": {"classes": classes},
        "components": {"classifier": {
            "file": "model.onnx", "sha256": "", "bytes": 0,
            "inputs": [{"name": "pixel_values", "dtype": "float32", "shape": ["batch", 3, crop, crop]}],
            "outputs": [{"name": "logits", "dtype": "float32", "shape": ["batch", "classes"]}]}},
        "generator": {"type": "classifier", "component": "classifier",
                      "io": {"pixel_values": "pixel_values", "logits": "logits"},
                      "preprocess": pre.manifest(),
                      "postprocess": "sigmoid" if multi_label else "softmax", "top_k": 5,
                      "labels": labels or [f"class {i}" for i in range(classes)]},
        "source": {**source, "precision": precision},
    }
