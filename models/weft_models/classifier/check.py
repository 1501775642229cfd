"""Validation of a classifier package against PyTorch: four input sets (zeros, ones, random,
extreme: saturated 0/255 pixels after normalization) at batch 2, graded with the toolkit's bands
(common/validate.py), plus top-1 agreement on real images preprocessed by torchvision.
Multi-label heads (postprocess "sigmoid") are compared on sigmoid outputs, others on logits."""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..common.manifest import read_manifest, write_manifest
from ..common.validate import OutputResult, format_table, grade, ort_session, quantized_band, worst_band

log = logging.getLogger(__name__)


@dataclass
class ClassifierReport:
    results: list[OutputResult]
    top1_agree: int
    images: int
    band: str
    precision: str
    margin_min: float = float("nan")  # smallest reference top-1 minus top-2 logit on the images
    logit_std: float = float("nan")   # spread of the reference logits on the images

    def line(self, arch: str) -> dict:
        # int8 is graded on the images alone (see validate_classifier): report what was graded
        graded = [r for r in self.results if self.precision != "int8" or r.input_set == "images"] or self.results
        worst = max(graded, key=lambda r: (r.max_abs, -r.cosine))
        return {"arch": arch, "precision": self.precision, "max_abs": worst.max_abs,
                "mse": worst.mse, "cosine": min(r.cosine for r in graded), "band": self.band,
                "top1_agree": f"{self.top1_agree}/{self.images}",
                "ref_margin_min": self.margin_min, "ref_logit_std": self.logit_std}


def input_sets(crop: int, mean, std, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    m = np.array(mean, np.float32)[None, :, None, None]
    s = np.array(std, np.float32)[None, :, None, None]
    shape = (2, 3, crop, crop)
    norm = lambda px: ((px - m) / s).astype(np.float32)  # noqa: E731
    return {"zeros": np.zeros(shape, np.float32), "ones": np.ones(shape, np.float32),
            "random": norm(rng.uniform(0, 1, shape).astype(np.float32)),
            "extreme": norm(rng.choice([0.0, 1.0], shape).astype(np.float32))}


def validate_classifier(package: str | Path, images: list[Path] | None = None,
                        model=None) -> ClassifierReport:
    """fp32/fp16 packages are graded against PyTorch with the absolute bands; int8 packages
    against their own fp32 export with the quantized rule (common/validate.py quantized_band)."""
    import torch

    from .build import Preprocess, model_from_source
    from .images import load_rgb
    package = Path(package)
    man = read_manifest(package)
    gen = man["generator"]
    precision = man.get("source", {}).get("precision", "fp32")
    sigmoid = gen.get("postprocess") == "sigmoid"
    pre = Preprocess(**{k: gen["preprocess"][k] for k in ("resize", "crop", "interpolation", "mean", "std")})
    model = model or model_from_source(man.get("source"))
    sess = _session(package / man["components"]["classifier"]["file"])
    reference = _fp32_export(model, man["source"], pre.crop) if precision == "int8" else _torch_call(model)
    post = (lambda x: 1 / (1 + np.exp(-x.astype(np.float64)))) if sigmoid else (lambda x: x)  # noqa: E731
    results = []
    for name, x in input_sets(pre.crop, pre.mean, pre.std).items():
        got = sess.run(["logits"], {"pixel_values": x})[0]
        results.append(grade(name, "sigmoid(logits)" if sigmoid else "logits", post(reference(x)), post(got)))
    agree, n, margin, spread = 0, 0, float("nan"), float("nan")
    if images:
        tf = pre.torchvision()
        batch = torch.stack([tf(load_rgb(p)) for p in images]).numpy()
        ref = reference(batch)
        got = sess.run(["logits"], {"pixel_values": batch})[0]
        results.append(grade("images", "logits", post(ref), post(got)))
        if sigmoid:  # multi-label: every label's decision at 0.5 must agree
            agree = int(((ref > 0) == (got > 0)).all(axis=1).sum())
        else:
            agree = int((ref.argmax(1) == got.argmax(1)).sum())
        top2 = np.sort(ref, axis=1)[:, -2:] if ref.shape[1] > 1 else np.zeros((len(ref), 2))
        margin, spread = float((top2[:, 1] - top2[:, 0]).min()), float(ref.std())
        n = len(images)
    if precision == "int8":  # graded on the real images; the synthetic sets are reported only
        results = [replace(r, band=quantized_band(r.cosine, 1, 1)) for r in results]
        graded = [r for r in results if r.input_set == "images"] or results
        band = quantized_band(min(r.cosine for r in graded), agree, n)
    else:
        band = worst_band(results)
    return ClassifierReport(results, agree, n, band, precision, margin, spread)


def _session(onnx_path: Path):
    try:
        return ort_session(str(onnx_path))
    except Exception as e:  # onnxruntime's own exception types; the message is what matters
        raise ValueError(f"{onnx_path}: onnxruntime could not load the graph ({str(e).strip().splitlines()[0]})")


def _torch_call(model):
    import torch

    def run(x: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return model(torch.from_numpy(x)).numpy()
    return run


def _fp32_export(model, source: dict, crop: int):
    """The fp32 graph an int8 package was quantized from, exported again the same way (the export
    is seeded and deterministic), run with onnxruntime."""
    import tempfile

    from .export import export_onnx
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fp32.onnx"
        export_onnx(model, path, crop, source.get("opset", 18), source.get("seed", 0))
        sess = _session(path)
    return lambda x: sess.run(["logits"], {"pixel_values": x})[0]


def record_validation(package: str | Path, r: ClassifierReport) -> None:
    """Writes the report into weft.json under validation.<precision>, as the other exporters do."""
    m = read_manifest(package)
    m.setdefault("validation", {})[r.precision] = {
        "reference": ("the fp32 export, onnxruntime (cosine >= 0.999 and equal top-1: PASS; >= 0.99: WARN)"
                      if r.precision == "int8" else "PyTorch fp32") + " (images through torchvision transforms)",
        "band": r.band,
        "top1_agree": f"{r.top1_agree}/{r.images}",
        "results": [{"input_set": x.input_set, "output": x.output, "max_abs": x.max_abs, "mse": x.mse,
                     "cosine": x.cosine, "band": x.band} for x in r.results]}
    write_manifest(m, package)


def report_text(r: ClassifierReport) -> str:
    return (format_table(r.results) + f"\ntop-1 agreement on images: {r.top1_agree}/{r.images} "
            f"(smallest reference top-1/top-2 margin {r.margin_min:.3g}, logit std {r.logit_std:.3g})")
