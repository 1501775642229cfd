"""One package per precision, and the index weft.json listing them (docs/MANIFEST.md,
"Package index"), so that a browser downloads only the package for the backend it runs on.

The fp32 export is the source; the other precisions are converted from it by the family's own
transform (e.g. musicgen/quantize.py), each graded as that transform grades it."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

from . import manifest as mf

# Which backends each precision is for (docs/MUSICGEN.md, "Precisions"): fp16 halves the download
# and runs natively on WebGPU; int8 dynamic quantization suits the CPU of wasm and onnxruntime-node
# (cpu); fp32 runs anywhere. The core's messages name the same table (src/package_variants.cpp).
BACKENDS = {"fp16": ["webgpu"], "int8": ["wasm", "cpu"], "fp32": ["webgpu", "wasm", "cpu"]}
# The index lists variants in this order: a backend takes the first one it is listed for.
ORDER = ("fp16", "int8", "fp32")


def package_bytes(folder: str | Path) -> int:
    """Every file of the package, weft.json included: what a browser downloads."""
    return sum(p.stat().st_size for p in Path(folder).iterdir() if p.is_file())


def mark_precision(folder: str | Path, precision: str) -> None:
    """Names the package's precision and backends in its weft.json."""
    m = mf.read_manifest(folder)
    m["precision"], m["backends"] = precision, BACKENDS[precision]
    mf.write_manifest(m, folder)


def write_index(out: str | Path, name: str, precisions: list[str]) -> dict:
    """out/weft.json listing the packages out/<precision>, in ORDER."""
    variants = [{"folder": p, "precision": p, "backends": BACKENDS[p],
                 "bytes": package_bytes(Path(out) / p)} for p in ORDER if p in precisions]
    index = {"format": mf.FORMAT, "name": name, "variants": variants}
    mf.write_manifest(index, out)
    return index


def write_precisions(out: str | Path, precisions: list[str], export_fp32: Callable[[Path], None],
                     transform: Callable[[Path, Path, str], None]) -> list[dict]:
    """Writes out/<precision> for each precision asked (fp32 exported, the others transformed
    from it) and the index out/weft.json; returns one {"package", "precision", "bytes"} each."""
    unknown = sorted(set(precisions) - set(BACKENDS))
    if unknown:
        raise ValueError(f"unknown precision {', '.join(unknown)}; known: {', '.join(ORDER)}")
    precisions = [p for p in ORDER if p in precisions]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "weft.json").unlink(missing_ok=True)
    # fp32 is the source of the others; kept only when asked for.
    fp32 = out / "fp32" if "fp32" in precisions else out / ".fp32"
    export_fp32(fp32)
    name = mf.read_manifest(fp32)["name"]
    try:
        for p in ORDER:
            if p != "fp32" and p in precisions:
                transform(fp32, out / p, p)
    finally:
        if fp32.name == ".fp32":
            shutil.rmtree(fp32, ignore_errors=True)
    for p in precisions:
        mark_precision(out / p, p)
    index = write_index(out, name, precisions)
    return [{"package": str(out / v["folder"]), "precision": v["precision"], "bytes": v["bytes"]}
            for v in index["variants"]]
