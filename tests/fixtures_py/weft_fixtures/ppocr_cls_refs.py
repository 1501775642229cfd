"""`python -m weft_fixtures.ppocr_cls_refs --onnx FILE --out DIR`: references for the PaddleOCR
text-direction classifier worked example. Renders text lines of several sizes (upright and turned
180°), prepares each the way PaddleOCR's `PaddleOCR/tools/infer/predict_cls.py` does (`resize_norm_img`:
BGR, height 48, width min(192, ceil(48 * w / h)), `(x / 255 - 0.5) / 0.5`, zeros to width 192),
written in NumPy (image_refs.paddle_cls_reference) — except the resize itself, Pillow's bilinear
instead of `cv2.resize` —
and runs the graph with onnxruntime. Writes DIR/image<i>.rgba and DIR/reference.json
({"images": [{"file", "width", "height", "turned"}], "scores": [[p0, p180], ...]})."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from .image_refs import paddle_cls_reference  # PaddleOCR's resize_norm_img in NumPy

HEIGHT, MAX_WIDTH = 48, 192
# (height, width): at the model's height, narrower and wider than 192, taller and shorter lines.
SIZES = [(48, 150), (48, 192), (48, 400), (32, 100), (64, 90), (20, 300), (100, 60), (36, 160)]


def text_line(height: int, width: int, turned: bool, seed: int):
    from PIL import Image, ImageDraw
    rng = np.random.default_rng(seed)
    img = Image.new("RGB", (width * 4, height * 4), tuple(int(v) for v in rng.integers(200, 256, 3)))
    draw = ImageDraw.Draw(img)
    draw.text((6, height), "Weft 2026 text line", fill=tuple(int(v) for v in rng.integers(0, 60, 3)),
              font_size=height * 2)
    img = img.resize((width, height), Image.LANCZOS)
    return img.rotate(180) if turned else img


def main(argv=None) -> int:
    import onnxruntime as ort
    ap = argparse.ArgumentParser(prog="python -m weft_fixtures.ppocr_cls_refs")
    ap.add_argument("--onnx", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    sess = ort.InferenceSession(str(a.onnx), providers=["CPUExecutionProvider"])
    images, scores = [], []
    for i, ((h, w), turned) in enumerate((s, t) for s in SIZES for t in (False, True)):
        img = text_line(h, w, turned, seed=i)
        (a.out / f"image{i}.rgba").write_bytes(np.asarray(img.convert("RGBA")).tobytes())
        x = paddle_cls_reference(img, HEIGHT, MAX_WIDTH)[None]
        scores.append(sess.run(None, {"x": x})[0][0].astype(float).tolist())
        images.append({"file": f"image{i}.rgba", "width": w, "height": h, "turned": turned})
    (a.out / "reference.json").write_text(json.dumps({"images": images, "scores": scores}))
    print(json.dumps({"out": str(a.out), "images": len(images)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
