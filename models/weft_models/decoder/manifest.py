"""The decoder package's `weft.json` layout: one graph, a KV cache per layer that grows along
axis 2, the `decoder` generator and its default generation settings."""
from __future__ import annotations

from ..common.manifest import FORMAT


def decoder_manifest(name: str, *, vocab: int, layers: int, heads: int, head_dim: int,
                     max_positions: int, file: str = "decoder.onnx",
                     source: dict | None = None) -> dict:
    """A decoder with a flattened, growing KV cache; names match export.io_names()."""
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
