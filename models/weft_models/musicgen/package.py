"""A MusicGen package: export every component, grade each against transformers, then write
weft.json (last: a folder without it is not a package), the transformers.js config files and
the tokenizer. See docs/MUSICGEN.md for the manifest layout."""
from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path

from .. import manifest as mf
from .components import Dims, specs
from .exporter import FIXED, export_components, weights_file

# Steps between two cache merges. A step copies the recent tier (up to this many positions) and
# a merge copies the whole cache; 32 balances the two for caches of a few hundred positions.
CACHE_MERGE_EVERY = 32

log = logging.getLogger(__name__)


class ValidationError(RuntimeError):
    pass


def model_from_source(source: dict):
    from .build import build_random, load_checkpoint
    if source.get("builder") != "weft_models.musicgen":
        raise ValueError(f"unknown source builder {source.get('builder')!r}")
    if source.get("checkpoint"):
        return load_checkpoint(source["checkpoint"], source.get("preset"))
    return build_random(source["preset"], source["seed"])


def manifest_for(name: str, dims: Dims, source: dict, reports: list[dict],
                 config: dict) -> dict:
    comps = {}
    for s in specs(dims):
        io = lambda lst: [{"name": n, "dtype": dt, "shape": sh} for n, dt, sh in lst]  # noqa
        comps[s.name] = {"file": s.file, "sha256": "", "bytes": 0, "inputs": io(s.inputs),
                         "outputs": io(s.outputs)}
        if weights_file(s):
            comps[s.name]["external_data"] = [{"file": weights_file(s), "sha256": "", "bytes": 0}]
    L = "layers"
    state = []
    for kv in ("key", "value"):
        # Cross-attention K/V: computed once per request by decoder_cross_kv, then fixed input
        # of every decoder_step run.
        state.append({"components": ["decoder_step"],
                      "input": f"cross.{{layer}}.{kv}", "count": L, "mode": "fixed",
                      "init_from": {"component": "decoder_cross_kv",
                                    "output": f"cross.{{layer}}.{kv}"}})
        # Self-attention K/V in two tiers (graphs.Step): `recent`, grown by every decoder_step
        # run, and `past_key_values`, grown by decoder_cache_merge, which appends recent to it
        # and so leaves recent empty. Both are empty before the prompt's run; the long tier's
        # empty holds one placeholder position that the graph masks (graphs.Step).
        tiers = ["decoder_step", "decoder_cache_merge"]
        state.append({"components": tiers, "input": f"past_key_values.{{layer}}.{kv}",
                      "output": f"merged.{{layer}}.{kv}", "count": L, "axis": 2,
                      "mode": "grow", "init": "empty", "empty_length": 1})
        state.append({"components": tiers, "input": f"recent.{{layer}}.{kv}",
                      "output": f"present.{{layer}}.{kv}", "count": L, "axis": 2,
                      "mode": "grow", "init": "empty"})
    merged_state = [{"component": "decoder_model_merged",
                     "input": f"past_key_values.{{layer}}.{part}.{kv}",
                     "output": f"present.{{layer}}.{part}.{kv}", "count": L, "init": "empty",
                     "axis": 2, "mode": "grow" if part == "decoder" else "fixed"}
                    for part in ("decoder", "encoder") for kv in ("key", "value")]
    d = {k: v for k, v in vars(dims).items()}
    d["frame_rate"] = dims.sampling_rate // dims.hop
    m = {
        "format": mf.FORMAT, "name": name,
        "dims": d,
        "components": comps,
        "state": state,
        "constants": [],
        "generator": {
            "type": "musicgen",
            "text_encoder": "text_encoder", "cross_kv": "decoder_cross_kv",
            "prefill": "decoder_step", "step": "decoder_step",
            "cache_merge": "decoder_cache_merge", "cache_merge_every": CACHE_MERGE_EVERY,
            "audio_encoder": "encodec_encode", "audio_decoder": "encodec_decode",
            "io": {"text_ids": "input_ids", "text_mask": "attention_mask",
                   "text_states": "last_hidden_state",
                   "encoder_hidden_states": "encoder_hidden_states", "input_ids": "input_ids",
                   "encoder_attention_mask": "encoder_attention_mask", "logits": "logits",
                   "audio_in": "input_values", "codes_out": "audio_codes",
                   "codes_in": "audio_codes", "audio_out": "audio_values"},
            "codebooks": dims.codebooks, "special_token": dims.vocab,
            "delay": list(range(dims.codebooks)),
            "input_ids_layout": "rows = [cond requests; null requests] x codebooks",
            "cfg": {"batch": "cond_then_null", "null_text": "zero states, zero mask",
                    "formula": "null + (cond - null) * guidance_scale"},
            "min_prompt_samples": 4 * dims.hop,
        },
        "generation": {"max_new_tokens": 30 * d["frame_rate"], "do_sample": True,
                       "temperature": 1.0, "top_k": 250, "top_p": 0.0,
                       "guidance_scale": 3.0, "duration_includes_prompt": True},
        "compat": {"transformers_js": {"decoder": "decoder_model_merged",
                                       "state": merged_state,
                                       "load": "subfolder '' (files beside config.json)"}},
        "source": source,
        "validation": {"fp32": reports},
    }
    return m


def fill_external_data(m: dict, out: Path) -> dict:
    """sha256 / bytes of the external data files components name (checked by the JS loader)."""
    for comp in m["components"].values():
        for ext in comp.get("external_data", []):
            if isinstance(ext, dict):
                ext["sha256"] = mf.sha256_file(out / ext["file"])
                ext["bytes"] = (out / ext["file"]).stat().st_size
    return m


def write_hf_configs(model, out: Path) -> None:
    cfg = model.config.to_dict()
    cfg["architectures"] = ["MusicgenForConditionalGeneration"]
    # transformers.js reads this to fetch the external data files of the graphs it loads.
    cfg["transformers.js_config"] = {"use_external_data_format": {
        s.file: 1 for s in specs(Dims.of(model)) if s.own_weights}}
    (out / "config.json").write_text(json.dumps(cfg, indent=2, default=str) + "\n")
    g = {"decoder_start_token_id": model.config.decoder.vocab_size,
         "pad_token_id": model.config.decoder.vocab_size,
         "bos_token_id": model.config.decoder.vocab_size, "do_sample": True,
         "guidance_scale": 3.0, "max_length": 1500, "top_k": 250}
    (out / "generation_config.json").write_text(json.dumps(g, indent=2) + "\n")


def export_package(model, out: str | Path, *, name: str, source: dict, opset: int = 18,
                   validate: bool = True, tokenizer_dir: Path | None = None,
                   progress=None) -> dict:
    """Export + validate; returns {"times": ..., "reports": [...], "bytes": n}."""
    from .check import check_package
    from .tokenizer import write_tokenizer
    from ..toy import threads_for
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "weft.json").unlink(missing_ok=True)
    t0 = time.perf_counter()
    dims = Dims.of(model)
    with threads_for(model):
        times = export_components(model, out, opset=opset, progress=progress)
        reports = []
        if validate:
            reports = [r.summary() for r in check_package(model, out, dims)]
            bad = [r for r in reports if r["band"] != "PASS"]
            if bad:
                raise ValidationError(f"{out}: components not PASS vs transformers: {bad}")
    write_hf_configs(model, out)
    write_tokenizer(out, dims.text_vocab, tokenizer_dir)
    src = dict(source, opset=opset)
    m = manifest_for(name, dims, src, reports, model.config.to_dict())
    tok = out / "tokenizer.json"  # the core's tokenizer encodes the descriptions
    m["tokenizer"] = {"file": tok.name, "sha256": mf.sha256_file(tok), "bytes": tok.stat().st_size}
    mf.write_manifest(fill_external_data(mf.fill_file_info(m, out), out), out)
    total = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    log.info("%s: %d bytes in %.1f s", out, total, time.perf_counter() - t0)
    return {"times": times, "reports": reports, "bytes": total,
            "seconds": time.perf_counter() - t0}


def copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, dirs_exist_ok=True)
