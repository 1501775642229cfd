"""A small, deterministic set of photo-like test images (PNG, lossless so a browser decodes the
same bytes PIL reads), in sizes that exercise every preprocessing path: landscape, portrait,
odd sizes, exact crop size, smaller than the crop (zero padding), large downscales."""
from __future__ import annotations

from pathlib import Path

SIZES = [(640, 480), (375, 500), (301, 199), (224, 224), (97, 131), (1280, 720), (257, 256),
         (800, 1200)]


def make_image(i: int, size: tuple[int, int]):
    """Smooth gradients, shapes, text-like strokes and sensor-like noise: enough structure that a
    network's top-1 is not decided by a constant image."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter
    rng = np.random.default_rng(1000 + i)
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.stack([128 + 100 * np.sin(xx / (20 + 7 * i) + c) * np.cos(yy / (31 + 3 * i) - c)
                     for c in (0.0, 1.3, 2.6)], -1)
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")
    d = ImageDraw.Draw(img)
    for _ in range(12):
        x0, y0 = rng.integers(0, w), rng.integers(0, h)
        x1, y1 = x0 + rng.integers(5, max(6, w // 2)), y0 + rng.integers(5, max(6, h // 2))
        color = tuple(int(v) for v in rng.integers(0, 256, 3))
        (d.ellipse if rng.random() < 0.5 else d.rectangle)([x0, y0, x1, y1], fill=color)
    for _ in range(6):
        pts = [(int(rng.integers(0, w)), int(rng.integers(0, h))) for _ in range(4)]
        d.line(pts, fill=tuple(int(v) for v in rng.integers(0, 256, 3)), width=int(rng.integers(1, 6)))
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    noise = rng.normal(0, 6, (h, w, 3))
    return Image.fromarray(np.clip(np.asarray(img, np.float32) + noise, 0, 255).astype(np.uint8), "RGB")


def write_images(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, size in enumerate(SIZES):
        p = out / f"image{i}_{size[0]}x{size[1]}.png"
        make_image(i, size).save(p, optimize=False)
        paths.append(p)
    return paths


def load_rgb(path: Path):
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(path) as im:
            return im.convert("RGB")
    except (UnidentifiedImageError, OSError) as e:
        raise ValueError(f"{path}: not a readable image ({e})") from None
