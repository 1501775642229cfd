"""Writing `weft.json` (format weft/1, docs/ARCHITECTURE.md §1).

The manifest is the only contract between the toolkit and the core, so it is built here in one
place: the decoder layout, file hashes, and the JSON formatting (stable key order, trailing
newline) that keeps regenerated packages byte-identical.
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


def decoder_manifest(name: str, *, vocab: int, layers: int, heads: int, head_dim: int,
                     max_positions: int, file: str = "decoder.onnx",
                     source: dict | None = None) -> dict:
    """A decoder with a flattened, growing KV cache; names match export.decoder_io_names()."""
    kv_in = ["batch", "heads", "past", "head_dim"]
    kv_out = ["batch", "heads", "total", "head_dim"]
    m = {
        "format": FORMAT,
        "name": name,
        "dims": {"vocab": vocab, "layers": layers, "heads": heads, "head_dim": head_dim,
                 "max_positions": max_positions},
        "components": {
            "decoder": {
                "file": file, "sha256": "", "bytes": 0,
                "inputs": [
                    {"name": "input_ids", "dtype": "int64", "shape": ["batch", "seq"]},
                    {"name": "attention_mask", "dtype": "int64", "shape": ["batch", "total"]},
                    {"name": "position_ids", "dtype": "int64", "shape": ["batch", "seq"]},
                    {"name": "past_key_values.{layer}.key", "count": "layers",
                     "dtype": "float32", "shape": kv_in},
                    {"name": "past_key_values.{layer}.value", "count": "layers",
                     "dtype": "float32", "shape": kv_in},
                ],
                "outputs": [
                    {"name": "logits", "dtype": "float32", "shape": ["batch", "seq", "vocab"]},
                    {"name": "present.{layer}.key", "count": "layers",
                     "dtype": "float32", "shape": kv_out},
                    {"name": "present.{layer}.value", "count": "layers",
                     "dtype": "float32", "shape": kv_out},
                ],
            }
        },
        "state": [
            {"component": "decoder", "input": f"past_key_values.{{layer}}.{kv}",
             "output": f"present.{{layer}}.{kv}", "count": "layers",
             "init": "empty", "axis": 2, "mode": "grow"}
            for kv in ("key", "value")
        ],
        "generator": {
            "type": "decoder", "component": "decoder",
            "io": {"input_ids": "input_ids", "attention_mask": "attention_mask",
                   "position_ids": "position_ids", "logits": "logits"},
        },
        "generation": {"max_new_tokens": 32, "eos_token_id": None, "do_sample": False,
                       "temperature": 1.0, "top_k": 0, "top_p": 1.0, "min_p": 0.0,
                       "repetition_penalty": 1.0},
    }
    if source is not None:
        m["source"] = source
    return m
