"""Reading and writing `weft.json` (format weft/1; every key is described in docs/MANIFEST.md).

The manifest is the only contract between the toolkit and the core. Each family builds its own
layout (`<family>/manifest.py`); everything they share lives here: the format tag, file hashes
and sizes, and the JSON formatting (stable key order, trailing newline) that keeps regenerated
packages byte-identical.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

FORMAT = "weft/1"


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fill_file_info(manifest: dict, package_dir: str | Path) -> dict:
    """Set sha256 and bytes of every component from the file it names."""
    for name, comp in manifest["components"].items():
        path = Path(package_dir) / comp["file"]
        if not path.is_file():
            raise FileNotFoundError(f"component {name!r}: {path} does not exist")
        comp["sha256"] = sha256_file(path)
        comp["bytes"] = path.stat().st_size
    return manifest


def write_manifest(manifest: dict, package_dir: str | Path) -> Path:
    path = Path(package_dir) / "weft.json"
    path.write_text(json.dumps(manifest, indent=2) + "\n")
    return path


def read_manifest(package_dir: str | Path) -> dict:
    m = json.loads((Path(package_dir) / "weft.json").read_text())
    if m.get("format") != FORMAT:
        raise ValueError(f"{package_dir}/weft.json: format {m.get('format')!r}, "
                         f"expected {FORMAT!r}")
    return m
