"""Proof that a written package loads: every file matches its hash, onnxruntime opens each
component, the session's inputs and outputs are the declared ones (names, dtypes, ranks, fixed
dims), every input is fed by the manifest (a generator role, a state slot or a constant), and
one run on zeros gives the result output the declared shape."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..common import manifest as mf
from ..common.validate import ort_session

# onnxruntime's type strings for the manifest's dtypes.
ORT_TYPES = {"float32": "tensor(float)", "float16": "tensor(float16)", "int64": "tensor(int64)",
             "int32": "tensor(int32)", "int8": "tensor(int8)", "uint8": "tensor(uint8)", "bool": "tensor(bool)"}
NUMPY = {"float32": np.float32, "float16": np.float16, "int64": np.int64, "int32": np.int32,
         "int8": np.int8, "uint8": np.uint8, "bool": np.bool_}


class PackageCheckError(RuntimeError):
    pass


def _compare(where: str, declared: list[dict], graph: list, kind: str) -> None:
    got = {g.name: g for g in graph}
    for t in declared:
        g = got.get(t["name"])
        if g is None:
            raise PackageCheckError(f"{where}: {kind} {t['name']!r} is not in the graph ({', '.join(got) or 'none'})")
        if g.type != ORT_TYPES[t["dtype"]]:
            raise PackageCheckError(f"{where}: {kind} {t['name']!r}: weft.json says {t['dtype']}, onnxruntime {g.type}")
        if len(g.shape) != len(t["shape"]) or any(isinstance(a, int) and isinstance(b, int) and a != b
                                                  for a, b in zip(t["shape"], g.shape)):
            raise PackageCheckError(f"{where}: {kind} {t['name']!r}: weft.json says {t['shape']}, onnxruntime {g.shape}")


def _feeds(manifest: dict) -> dict[str, np.ndarray | None]:
    """Input name -> the zeros or values the manifest feeds it (None: a host role, sized later)."""
    feeds: dict[str, np.ndarray | None] = {}
    comp = manifest["components"][manifest["generator"]["component"]]
    inputs = {t["name"]: t for t in comp["inputs"]}
    for s in manifest.get("state", []):
        t = inputs[s["input"]]
        feeds[s["input"]] = np.zeros([d if isinstance(d, int) else 1 for d in t["shape"]], NUMPY[t["dtype"]])
    for c in manifest.get("constants", []):
        feeds[c["input"]] = np.array(c["values"], NUMPY[c["dtype"]]).reshape(c["shape"])
    for role in ("samples", "pixel_values"):
        if role in manifest["generator"]["io"]:
            feeds[manifest["generator"]["io"][role]] = None
    return feeds


def _host_input(manifest: dict, t: dict) -> np.ndarray:
    """Zeros of the size one run takes: a stream's context + chunk, a classifier's preprocessed image."""
    g = manifest["generator"]
    shape = [d if isinstance(d, int) else 1 for d in t["shape"]]
    if g["type"] == "stream":
        shape[-1] = g.get("chunk", 0) + g.get("context", 0) if g.get("chunk") else shape[-1]
    else:
        shape[2:] = _image_size(g["preprocess"])
    return np.zeros(shape, NUMPY[t["dtype"]])


def _image_size(pre: dict) -> list[int]:
    """The preprocessed [height, width]: the pad canvas, the crop, an exact resize, or the largest
    an aspect-preserving resize gives (a `fit` box, a `height` resize at its `max_width`)."""
    size = (pre.get("pad") or {}).get("size") or pre.get("crop") or pre.get("resize")
    if isinstance(size, dict):
        size = [size["height"], size.get("width", size.get("max_width", size["height"]))]
    return [size, size] if isinstance(size, int) else list(size)


def check_package(package_dir: str | Path) -> dict:
    """Loads the package as described above; returns {"result": shape of one run's result}."""
    package_dir = Path(package_dir)
    manifest = mf.read_manifest(package_dir)
    for name, comp in manifest["components"].items():
        path = package_dir / comp["file"]
        if mf.sha256_file(path) != comp["sha256"] or path.stat().st_size != comp["bytes"]:
            raise PackageCheckError(f"{path}: does not match the sha256/bytes weft.json gives it")
    name = manifest["generator"]["component"]
    comp = manifest["components"][name]
    where = f"component {name!r} ({comp['file']})"
    session = ort_session(str(package_dir / comp["file"]))
    _compare(where, comp["inputs"], session.get_inputs(), "input")
    _compare(where, comp["outputs"], session.get_outputs(), "output")
    feeds = _feeds(manifest)
    for t in comp["inputs"]:
        if t["name"] not in feeds:
            raise PackageCheckError(f"{where}: input {t['name']!r} is fed by nothing (no role, state or constant)")
        if feeds[t["name"]] is None:
            feeds[t["name"]] = _host_input(manifest, t)
    result_name = manifest["generator"]["io"].get("result") or manifest["generator"]["io"]["logits"]
    (result,) = session.run([result_name], feeds)
    if not np.all(np.isfinite(result)):
        raise PackageCheckError(f"{where}: a run on zeros gives a non-finite {result_name!r}")
    return {"result": list(result.shape)}
