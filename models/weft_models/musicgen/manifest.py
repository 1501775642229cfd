"""The MusicGen package's `weft.json` (components, the two-tier cache state, the musicgen
generator, the transformers.js compatibility record) and the transformers.js config files
beside it. See docs/MUSICGEN.md for the manifest layout."""
from __future__ import annotations

import json
from pathlib import Path

from ..common import manifest as mf
from .components import Dims, specs, weights_file

# Steps between two cache merges. A step copies the recent tier (up to this many positions) and
# a merge copies the whole cache; 32 balances the two for caches of a few hundred positions.
CACHE_MERGE_EVERY = 32


def _components(dims: Dims) -> dict:
    comps = {}
    for s in specs(dims):
        io = lambda lst: [{"name": n, "dtype": dt, "shape": sh} for n, dt, sh in lst]  # noqa
        comps[s.name] = {"file": s.file, "sha256": "", "bytes": 0, "inputs": io(s.inputs),
                         "outputs": io(s.outputs)}
        if weights_file(s):
            comps[s.name]["external_data"] = [{"file": weights_file(s), "sha256": "", "bytes": 0}]
        if s.extra.get("backends"):
            comps[s.name]["backends"] = s.extra["backends"]
    return comps


def _state(L: str = "layers") -> list[dict]:
    state = []
    for kv in ("key", "value"):
        # Cross-attention K/V: computed once per request by decoder_cross_kv, then fixed input
        # of every decoder_step run.
        state.append({"components": ["decoder_step", "decoder_step_inplace"],
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
        # WebGPU (graphs.StepInPlace): one cache of the capacity the generator chooses, written
        # in place by every run; it stands in for the two tiers and the merges.
        state.append({"components": ["decoder_step_inplace"], "input": f"cache.{{layer}}.{kv}",
                      "output": f"present.{{layer}}.{kv}", "count": L, "axis": 2,
                      "mode": "in_place", "init": "zeros"})
    return state


def _merged_state(L: str = "layers") -> list[dict]:
    """transformers.js' cache of decoder_model_merged: self K/V grow, cross K/V fixed."""
    return [{"component": "decoder_model_merged",
             "input": f"past_key_values.{{layer}}.{part}.{kv}",
             "output": f"present.{{layer}}.{part}.{kv}", "count": L, "init": "empty",
             "axis": 2, "mode": "grow" if part == "decoder" else "fixed"}
            for part in ("decoder", "encoder") for kv in ("key", "value")]


def _generator(dims: Dims) -> dict:
    return {
        "type": "musicgen",
        "text_encoder": "text_encoder", "cross_kv": "decoder_cross_kv",
        "prefill": "decoder_step", "step": "decoder_step",
        "cache_merge": "decoder_cache_merge", "cache_merge_every": CACHE_MERGE_EVERY,
        "step_in_place": "decoder_step_inplace",
        "audio_encoder": "encodec_encode", "audio_decoder": "encodec_decode",
        "io": {"text_ids": "input_ids", "text_mask": "attention_mask",
               "text_states": "last_hidden_state",
               "encoder_hidden_states": "encoder_hidden_states", "input_ids": "input_ids",
               "encoder_attention_mask": "encoder_attention_mask", "logits": "logits",
               "positions": "position_ids", "seqlens": "seqlens_k",
               "total_length": "total_sequence_length",
               "audio_in": "input_values", "codes_out": "audio_codes",
               "codes_in": "audio_codes", "audio_out": "audio_values"},
        "codebooks": dims.codebooks, "special_token": dims.vocab,
        "delay": list(range(dims.codebooks)),
        "input_ids_layout": "rows = [cond requests; null requests] x codebooks",
        "cfg": {"batch": "cond_then_null", "null_text": "zero states, zero mask",
                "formula": "null + (cond - null) * guidance_scale"},
        "min_prompt_samples": 4 * dims.hop,
    }


# audiocraft's stride (seconds) when a generation runs past max_duration: the window moves on by
# this much, keeping the last max_duration - extend_stride seconds as the next prompt.
EXTEND_STRIDE = 18.0


def generation_fields(frame_rate: int, generation: dict | None) -> dict:
    """`generation`: audiocraft's sampling defaults; `semantics` says whose generate the LM was
    trained for ("audiocraft" for an audiocraft LM file, else "transformers"), `max_duration`
    the window it was trained on (seconds; xp.cfg dataset.segment_duration, else 30)."""
    g = {"semantics": "transformers", "max_duration": 30.0, **(generation or {})}
    return {"max_new_tokens": 30 * frame_rate, "do_sample": True, "temperature": 1.0,
            "top_k": 250, "top_p": 0.0, "guidance_scale": 3.0, "duration_includes_prompt": True,
            "semantics": g["semantics"], "max_duration": float(g["max_duration"]),
            "extend_stride": EXTEND_STRIDE}


def manifest_for(name: str, dims: Dims, source: dict, reports: list[dict],
                 generation: dict | None = None) -> dict:
    d = {k: v for k, v in vars(dims).items()}
    d["frame_rate"] = dims.sampling_rate // dims.hop
    return {
        "format": mf.FORMAT, "name": name,
        "dims": d,
        "components": _components(dims),
        "state": _state(),
        "constants": [],
        "generator": _generator(dims),
        "generation": generation_fields(d["frame_rate"], generation),
        "compat": {"transformers_js": {"decoder": "decoder_model_merged",
                                       "state": _merged_state(),
                                       "load": "subfolder '' (files beside config.json)"}},
        "source": source,
        "validation": {"fp32": reports},
    }


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
