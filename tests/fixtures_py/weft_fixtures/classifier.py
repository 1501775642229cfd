"""Stamped fixture items for the classifier tests (registered in items.py):

- classifier-resnet18: a resnet18 package at 112x112 input (small enough for the test suite),
  validated against PyTorch at build time.
- fixtures/classifier/: the test images (PNG), PyTorch logits of the package's model on them
  through torchvision transforms (reference.json), and preprocessing references for the native
  test: RGBA bytes and torchvision's tensor for several Resize/CenterCrop/Normalize settings.
"""
from __future__ import annotations

import json
from pathlib import Path

ARCH, CROP, SEED = "resnet18", 112, 0
# (resize, crop, interpolation): torchvision defaults, bicubic, ConvNeXt's 236, a reduced size,
# and a crop larger than the resized image (zero padding).
PREPROCESS_CASES = [(256, 224, "bilinear"), (256, 224, "bicubic"), (236, 224, "bilinear"),
                    (128, 112, "bilinear"), (64, 80, "bicubic")]
NATIVE_IMAGES = [0, 1, 2, 4, 5]


def build_package(tmp: Path) -> None:
    import tempfile

    from weft_models.classifier.check import validate_classifier
    from weft_models.classifier.export import export_classifier
    from weft_models.classifier.images import write_images
    out = export_classifier(ARCH, tmp / "classifier-resnet18", seed=SEED, crop=CROP)
    r = validate_classifier(out, write_images(Path(tempfile.mkdtemp(prefix="weft-img-"))))
    if r.band != "PASS" or r.top1_agree != r.images:
        raise RuntimeError(f"classifier-resnet18: validation {r.band}, top-1 {r.top1_agree}/{r.images}")


def build_fixtures(tmp: Path) -> None:
    import numpy as np
    import torch

    from weft_models.classifier.build import Preprocess, prepare
    from weft_models.classifier.images import load_rgb, write_images
    root = tmp / "fixtures" / "classifier"
    paths = write_images(root / "images")
    # PyTorch reference logits for the package's model (same arch, seed, input size).
    pre = Preprocess(resize=round(256 * CROP / 224), crop=CROP)
    model = prepare(ARCH, seed=SEED)
    batch = torch.stack([pre.torchvision()(load_rgb(p)) for p in paths])
    with torch.no_grad():
        logits = model(batch).numpy()
    (root / "reference.json").write_text(json.dumps({
        "arch": ARCH, "crop": CROP, "images": [p.name for p in paths],
        "logits": logits.astype(float).tolist(), "top1": logits.argmax(1).tolist()}))
    # Native preprocessing references: RGBA input bytes (alpha 255) and torchvision's tensor.
    cases = []
    for i in NATIVE_IMAGES:
        img = load_rgb(paths[i])
        rgba = np.concatenate([np.asarray(img), np.full((img.height, img.width, 1), 255, np.uint8)], -1)
        (root / f"image{i}.rgba").write_bytes(rgba.tobytes())
        for resize, crop, interp in PREPROCESS_CASES:
            p = Preprocess(resize=resize, crop=crop, interpolation=interp)
            t = p.torchvision()(img).numpy().astype(np.float32)
            name = f"image{i}_{resize}_{crop}_{interp}.f32"
            (root / name).write_bytes(t.tobytes())
            cases.append({"rgba": f"image{i}.rgba", "width": img.width, "height": img.height,
                          "preprocess": p.manifest(), "tensor": name})
    (root / "preprocess.json").write_text(json.dumps(cases, indent=1))
