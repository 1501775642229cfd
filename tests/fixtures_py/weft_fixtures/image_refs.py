"""Image preprocessing references that need neither torch nor a model (item "image-fixtures",
build/models/fixtures/image/), read by tests/native/test_image.cpp:

- resize.json: Pillow's one-call `Image.resize` over a grid of source and target sizes (up in one
  axis and down in the other, identity on one axis, both down on either side of the size rule
  that decides Pillow's pass order) for every filter the core supports. The reference is
  Pillow's uint8 output (`rgb`, height x width x 3).
- padded.json: aspect-preserving resize plus padding, computed here independently of the core:
  PaddleOCR's text direction classifier preprocessing (PaddleOCR/tools/infer/predict_cls.py
  resize_norm_img, with Pillow's bilinear resize in place of cv2.resize and the BGR channel
  order cv2.imread gives) and a YOLO-style letterbox (scale = min(H / h, W / w), sides rounded
  with Python's round, centered on gray 114). The reference is the float32 tensor (`tensor`).
Each case has the RGBA input bytes (alpha 255) and the manifest's `preprocess` object.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

FILTERS = ("bilinear", "bicubic")
# Sources (width, height): square, landscape, portrait, very wide and very tall.
GRID_SOURCES = [(37, 23), (64, 48), (30, 72), (120, 19), (13, 90), (90, 13)]
PADDLE_CLS = (48, 192)  # cls_image_shape 3,48,192
PADDLE_SOURCES = [(100, 32), (300, 40), (20, 60), (48, 48), (97, 31), (193, 48), (64, 48), (25, 3),
                  (160, 40)]
LETTERBOX = (64, 80)  # (height, width)
LETTERBOX_SOURCES = [(100, 60), (37, 90), (80, 64), (30, 20), (161, 7)]


def grid_targets(w: int, h: int) -> list[tuple[int, int]]:
    """(width, height) targets: each axis kept, shrunk, grown or near its size, plus the pair on
    either side of Pillow's rule (vertical first when h - oh > 2 * (w - ow))."""
    widths = sorted({w, w // 2, 2 * w + 3, 7, w + 1, w - 1})
    heights = sorted({h, h // 3 + 1, 3 * h - 1, 5, h + 1, h - 1})
    pairs = [(ow, oh) for ow in widths for oh in heights]
    dw = max(1, min(w, h) // 8)
    pairs += [(w - dw, h - 2 * dw), (w - dw, h - 2 * dw - 1)]
    return pairs


def source_image(i: int, w: int, h: int):
    """Noise over a smooth pattern: every tap of the filters matters, and values span 0..255."""
    import numpy as np
    from PIL import Image
    rng = np.random.default_rng(500 + i)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.stack([128 + 110 * np.sin(xx / (3 + c) + yy / (5 + 2 * c)) for c in range(3)], -1)
    noisy = base + rng.normal(0, 40, (h, w, 3))
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "RGB")


def write_rgba(img, path: Path) -> None:
    import numpy as np
    rgb = np.asarray(img)
    path.write_bytes(np.concatenate([rgb, np.full(rgb.shape[:2] + (1,), 255, np.uint8)], -1).tobytes())


def pil_filter(name: str):
    from PIL import Image
    return {"bilinear": Image.Resampling.BILINEAR, "bicubic": Image.Resampling.BICUBIC}[name]


def build_resize_grid(root: Path) -> list[dict]:
    import numpy as np
    cases = []
    for i, (w, h) in enumerate(GRID_SOURCES):
        img = source_image(i, w, h)
        write_rgba(img, root / f"grid{i}.rgba")
        for ow, oh in grid_targets(w, h):
            for f in FILTERS:
                name = f"grid{i}_{ow}x{oh}_{f}.rgb"
                (root / name).write_bytes(np.asarray(img.resize((ow, oh), pil_filter(f))).tobytes())
                cases.append({"rgba": f"grid{i}.rgba", "width": w, "height": h, "rgb": name,
                              "preprocess": {"resize": [oh, ow], "interpolation": f}})
    return cases


def paddle_cls_reference(img, height: int, max_width: int):
    """PaddleOCR's resize_norm_img on a BGR image, Pillow bilinear for cv2.resize."""
    import numpy as np
    from PIL import Image
    h, w = img.height, img.width
    ratio = w / float(h)
    resized_w = max_width if math.ceil(height * ratio) > max_width else int(math.ceil(height * ratio))
    resized = np.asarray(img.resize((resized_w, height), Image.Resampling.BILINEAR))[:, :, ::-1]
    t = resized.astype("float32").transpose((2, 0, 1)) / 255
    t -= 0.5
    t /= 0.5
    out = np.zeros((3, height, max_width), dtype=np.float32)
    out[:, :, 0:resized_w] = t
    return out


def letterbox_reference(img, height: int, width: int, gray: int = 114):
    """Fit inside (height, width) keeping the aspect ratio, centered on gray, as YOLO letterboxes."""
    import numpy as np
    from PIL import Image
    h, w = img.height, img.width
    r = min(height / h, width / w)
    new_w, new_h = int(round(w * r)), int(round(h * r))
    dw, dh = (width - new_w) / 2, (height - new_h) / 2
    top, left = int(round(dh - 0.1)), int(round(dw - 0.1))
    canvas = np.full((height, width, 3), gray, np.uint8)
    canvas[top:top + new_h, left:left + new_w] = np.asarray(img.resize((new_w, new_h), Image.Resampling.BILINEAR))
    return canvas.astype(np.float32).transpose((2, 0, 1)) / np.float32(255)


def build_padded(root: Path) -> list[dict]:
    cases = []
    ph, pw = PADDLE_CLS
    lh, lw = LETTERBOX
    paddle = {"resize": {"mode": "height", "height": ph, "max_width": pw, "rounding": "ceil"},
              "pad": {"size": [ph, pw], "position": "top-left", "normalized_value": 0},
              "channels": "bgr", "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}
    letterbox = {"resize": {"mode": "fit", "height": lh, "width": lw, "rounding": "half_even"},
                 "pad": {"size": [lh, lw], "position": "center", "value": 114}}
    jobs = [("paddle", w, h, paddle, lambda im: paddle_cls_reference(im, ph, pw)) for w, h in PADDLE_SOURCES]
    jobs += [("letterbox", w, h, letterbox, lambda im: letterbox_reference(im, lh, lw)) for w, h in LETTERBOX_SOURCES]
    for i, (kind, w, h, pre, reference) in enumerate(jobs):
        img = source_image(100 + i, w, h)
        write_rgba(img, root / f"{kind}{i}.rgba")
        (root / f"{kind}{i}.f32").write_bytes(reference(img).tobytes())
        cases.append({"rgba": f"{kind}{i}.rgba", "width": w, "height": h, "tensor": f"{kind}{i}.f32",
                      "preprocess": pre})
    return cases


def build(tmp: Path) -> None:
    root = tmp / "fixtures" / "image"
    root.mkdir(parents=True)
    (root / "resize.json").write_text(json.dumps(build_resize_grid(root), indent=1))
    (root / "padded.json").write_text(json.dumps(build_padded(root), indent=1))
