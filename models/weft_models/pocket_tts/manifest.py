"""The Pocket TTS package's `weft.json`: the four components, the flow LM's growing cache and the
Mimi decoder's fixed state, the `pocket_tts` generator with pocket-tts' own constants and the
config's text rules (docs/POCKET_TTS.md)."""
from __future__ import annotations

import inspect

from ..common import manifest as mf
from .components import Dims, specs


# The generator's roles -> the graphs' tensor names.
IO = {"tokens": "tokens", "embeddings": "embeddings", "conditioning": "conditioning",
      "previous_latent": "previous_latent", "noise": "noise", "next_latent": "next_latent",
      "eos_logit": "eos_logit", "latent": "latent", "audio": "audio", "voice_audio": "audio",
      "voice_conditioning": "conditioning"}


def _io(entries) -> list[dict]:
    """Tensor entries; the per-layer K/V names collapse into one `{layer}` entry each."""
    out, seen = [], set()
    for name, dt, shape in entries:
        parts = name.split(".")
        if len(parts) == 3 and parts[1].isdigit() and parts[0] in ("past_key_values", "present"):
            tmpl = f"{parts[0]}.{{layer}}.{parts[2]}"
            if tmpl not in seen:
                seen.add(tmpl)
                out.append({"name": tmpl, "dtype": dt, "shape": shape, "count": "layers"})
            continue
        out.append({"name": name, "dtype": dt, "shape": shape})
    return out


def _components(dims: Dims, external: dict, decode_steps: int) -> dict:
    comps = {}
    for s in specs(dims, decode_steps):
        comps[s.name] = {"file": s.file, "sha256": "", "bytes": 0,
                         "inputs": _io(s.inputs), "outputs": _io(s.outputs)}
        if external.get(s.name):
            comps[s.name]["external_data"] = [{"file": f, "sha256": "", "bytes": 0}
                                              for f in external[s.name]]
    return comps


def _state(dims: Dims) -> list[dict]:
    # The flow LM's K/V: empty before the first run, grown by every run's C + S positions.
    state = [{"component": "flow_lm", "input": f"past_key_values.{{layer}}.{kv}",
              "output": f"present.{{layer}}.{kv}", "count": "layers", "mode": "grow",
              "axis": 2, "init": "empty"} for kv in ("key", "value")]
    # Mimi's streaming buffers: zeros at the start of each chunk's audio, same shape every run.
    state += [{"component": "mimi_decoder", "input": f"mimi_state.{i}",
               "output": f"mimi_state_out.{i}", "mode": "fixed", "init": "zeros"}
              for i in range(len(dims.mimi_state))]
    return state


def _pause_rule() -> dict:
    from pocket_tts.data.audio_utils import end_on_pause
    p = inspect.signature(end_on_pause).parameters
    return {k: p[k].default for k in ("pause_sec", "fade_sec", "floor_db")}


def generator(model, dims: Dims, decode_steps: int) -> dict:
    from pocket_tts import TTSModel
    from pocket_tts.default_parameters import MAX_TOKEN_PER_CHUNK
    cfg = model.config
    return {
        "type": "pocket_tts",
        "text_embedder": "text_embedder", "flow_lm": "flow_lm",
        "audio_decoder": "mimi_decoder", "voice_encoder": "voice_encoder",
        "io": IO,
        "sample_rate": dims.sample_rate, "frame_samples": dims.frame_samples,
        "latent_dim": dims.latent_dim, "model_dim": dims.model_dim,
        "decode_steps": decode_steps, "flow_type": model.flow_lm.flow_type,
        "insert_bos_before_voice": bool(model.flow_lm.insert_bos_before_voice),
        "eos_threshold": float(model.eos_threshold),
        "min_frames_before_eos": TTSModel._MIN_FRAMES_BEFORE_EOS,
        "frames_after_eos": cfg.model_recommended_frames_after_eos,
        "tokens_per_second": TTSModel._TOKENS_PER_SECOND_ESTIMATE,
        "gen_seconds_padding": TTSModel._GEN_SECONDS_PADDING,
        "max_tokens_per_chunk": MAX_TOKEN_PER_CHUNK,
        "fade_in_samples": dims.sample_rate // 200,
        "text": {"pad_with_spaces_for_short_inputs": cfg.pad_with_spaces_for_short_inputs,
                 "remove_semicolons": cfg.remove_semicolons,
                 "append_terminal_punctuation": cfg.append_terminal_punctuation,
                 "capitalize_first_letter": cfg.capitalize_first_letter,
                 "replace_characters": dict(cfg.replace_characters)},
        "voice": _pause_rule(),
    }


def manifest_for(model, name: str, source: dict, reports: list[dict], external: dict,
                 tokenizer_file: str, decode_steps: int = 1) -> dict:
    dims = Dims.of(model)
    return {
        "format": mf.FORMAT, "name": name,
        "dims": dims.manifest(),
        "components": _components(dims, external, decode_steps),
        "state": _state(dims),
        "generator": generator(model, dims, decode_steps),
        "generation": {"temperature": float(model.config.default_temperature)},
        "tokenizer": {"file": tokenizer_file, "sha256": "", "bytes": 0},
        "source": source,
        "validation": {"fp32": reports},
    }
