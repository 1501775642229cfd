"""Validation of a classifier package against PyTorch: four input sets (zeros, ones, random,
extreme: saturated 0/255 pixels after normalization) at batch 2, graded with the toolkit's bands
(common/validate.py), plus top-1 agreement on real images preprocessed by torchvision.
Multi-label heads (postprocess "sigmoid") are compared on sigmoid outputs, others on logits."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..common.manifest import read_manifest, write_manifest
from ..common.validate import OutputResult, format_table, grade, ort_session, worst_band

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
        worst = max(self.results, key=lambda r: (r.max_abs, -r.cosine))
        return {"arch": arch, "precision": self.precision, "max_abs": worst.max_abs,
                "mse": worst.mse, "cosine": min(r.cosine for r in self.results), "band": self.band,
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
    import torch

    from .build import Preprocess, model_from_source
    from .images import load_rgb
    package = Path(package)
    man = read_manifest(package)
    gen = man["generator"]
    sigmoid = gen.get("postprocess") == "sigmoid"
    pre = Preprocess(**{k: gen["preprocess"][k] for k in ("resize", "crop", "interpolation", "mean", "std")})
    model = model or model_from_source(man.get("source"))
    onnx_path = package / man["components"]["classifier"]["file"]
    try:
        sess = ort_session(str(onnx_path))
    except Exception as e:  # onnxruntime's own exception types; the message is what matters
        raise ValueError(f"{onnx_path}: onnxruntime could not load the graph ({str(e).strip().splitlines()[0]})")
    post = (lambda x: 1 / (1 + np.exp(-x.astype(np.float64)))) if sigmoid else (lambda x: x)  # noqa: E731
    results = []
    for name, x in input_sets(pre.crop, pre.mean, pre.std).items():
        with torch.no_grad():
            ref = model(torch.from_numpy(x)).numpy()
        got = sess.run(["logits"], {"pixel_values": x})[0]
        results.append(grade(name, "sigmoid(logits)" if sigmoid else "logits", post(ref), post(got)))
    agree, n, margin, spread = 0, 0, float("nan"), float("nan")
    if images:
        tf = pre.torchvision()
        batch = torch.stack([tf(load_rgb(p)) for p in images])
        with torch.no_grad():
            ref = model(batch).numpy()
        got = sess.run(["logits"], {"pixel_values": batch.numpy()})[0]
        results.append(grade("images", "logits", post(ref), post(got)))
        if sigmoid:  # multi-label: every label's decision at 0.5 must agree
            agree = int(((ref > 0) == (got > 0)).all(axis=1).sum())
        else:
            agree = int((ref.argmax(1) == got.argmax(1)).sum())
        top2 = np.sort(ref, axis=1)[:, -2:] if ref.shape[1] > 1 else np.zeros((len(ref), 2))
        margin, spread = float((top2[:, 1] - top2[:, 0]).min()), float(ref.std())
        n = len(images)
    return ClassifierReport(results, agree, n, worst_band(results),
                            man.get("source", {}).get("precision", "fp32"), margin, spread)


def record_validation(package: str | Path, r: ClassifierReport) -> None:
    """Writes the report into weft.json under validation.<precision>, as the other exporters do."""
    m = read_manifest(package)
    m.setdefault("validation", {})[r.precision] = {
        "reference": "PyTorch fp32 (images through torchvision transforms)", "band": r.band,
        "top1_agree": f"{r.top1_agree}/{r.images}",
        "results": [{"input_set": x.input_set, "output": x.output, "max_abs": x.max_abs, "mse": x.mse,
                     "cosine": x.cosine, "band": x.band} for x in r.results]}
    write_manifest(m, package)


def report_text(r: ClassifierReport) -> str:
    return (format_table(r.results) + f"\ntop-1 agreement on images: {r.top1_agree}/{r.images} "
            f"(smallest reference top-1/top-2 margin {r.margin_min:.3g}, logit std {r.logit_std:.3g})")
