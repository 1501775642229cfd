"""`python -m weft_fixtures.classifier_parity`: packages and PyTorch references for
`npm run parity -- classifier` / `npm run bench -- classifier`: for each arch, fp32 and int8
packages (exported once, validated) and the logits PyTorch gives on the test images through
torchvision transforms. Prints one JSON object: where everything is."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


# What each precision's recorded validation was graded against (re-validated when that changes).
_VALIDATION_REFERENCE = ("PyTorch fp32", "the fp32 export, onnxruntime")


def prepare(out: Path, archs: list[str], precisions: list[str]) -> dict:
    from weft_models.classifier.check import record_validation, validate_classifier
    from weft_models.classifier.export import EXPORT_REVISION, export_classifier
    from weft_models.classifier.images import write_images
    from weft_models.classifier.quantize import REVISION as QUANTIZE_REVISION
    images = write_images(out / "images")
    entries = []
    quantization = {}

    def current(path: Path, key, want=EXPORT_REVISION) -> bool:  # cached from this revision?
        try:
            return key(json.loads(path.read_text())) == want
        except (OSError, ValueError, KeyError, TypeError):
            return False

    for arch in archs:
        ref_path = out / arch / "reference.json"
        for p in dict.fromkeys(["fp32", *precisions]):  # int8 references come from the fp32 package
            pkg = out / arch / p
            if not current(pkg / "weft.json", lambda m: m["source"]["revision"]) or (
                    p == "int8" and not current(pkg / "weft.json", lambda m: m["source"]["quantization"]["revision"],
                                                QUANTIZE_REVISION)):
                export_classifier(arch, pkg, precision=p)
            if not current(pkg / "weft.json", lambda m: m["validation"][p]["reference"].split(" (")[0],
                           _VALIDATION_REFERENCE[p == "int8"]):
                record_validation(pkg, validate_classifier(pkg, images))  # onnxruntime CPU vs its reference
            src = json.loads((pkg / "weft.json").read_text())["source"]
            q = src.get("quantization")
            quantization.setdefault(arch, {})[p] = (
                {k: q[k] for k in ("nodes_quantized", "int8_weight_share")} if q else "none")
        if not current(ref_path, lambda r: (r["revision"], "fp32_export_logits" in r), (EXPORT_REVISION, True)):
            ref_path.write_text(json.dumps(_references(arch, images, out / arch / "fp32")))
        entries.append({"arch": arch, "reference": str(ref_path),
                        "packages": {p: str(out / arch / p) for p in precisions}})
    return {"images": [str(i) for i in images], "archs": entries, "quantization": quantization}


def _references(arch: str, images: list[Path], fp32_package: Path) -> dict:
    """PyTorch's logits (what fp32 packages are graded against) and the fp32 export's logits under
    onnxruntime (what int8 packages are graded against), both on torchvision-preprocessed images."""
    import torch

    from weft_models.classifier.build import default_preprocess, prepare as build
    from weft_models.classifier.export import EXPORT_REVISION
    from weft_models.classifier.images import load_rgb
    from weft_models.common.validate import ort_session
    model = build(arch)
    tf = default_preprocess(arch).torchvision()
    batch = torch.stack([tf(load_rgb(i)) for i in images])
    with torch.no_grad():
        logits = model(batch).numpy()
    exported = ort_session(str(fp32_package / "model.onnx")).run(["logits"], {"pixel_values": batch.numpy()})[0]
    return {"revision": EXPORT_REVISION, "logits": logits.astype(float).tolist(),
            "fp32_export_logits": exported.astype(float).tolist()}


def main(argv=None) -> int:
    from weft_models.classifier.build import PARITY_ARCHS
    ap = argparse.ArgumentParser(prog="python -m weft_fixtures.classifier_parity")
    ap.add_argument("--out", type=Path, default=Path("build/models/classifiers"))
    ap.add_argument("--archs", nargs="*", default=PARITY_ARCHS)
    ap.add_argument("--precisions", nargs="*", default=["fp32", "int8"])
    a = ap.parse_args(argv)
    print(json.dumps(prepare(a.out, a.archs, a.precisions)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
