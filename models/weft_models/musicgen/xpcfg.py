"""audiocraft's experiment config (`xp.cfg`, a YAML string inside exported `state_dict.bin` and
`compression_state_dict.bin` files): parsed to a plain dict with its `${a.b}` references
resolved, and the fine-tune's fields checked against the model it is loaded into, so a
fine-tune of another MusicGen size or codec fails with the field named, not with noise."""
from __future__ import annotations

import re
from pathlib import Path

from .audiocraft import CheckpointError

# T5 width per published name (audiocraft's `conditioners.description.t5.name`); the base's text
# encoder must have it. Names not listed here are not checked.
T5_D_MODEL = {"t5-small": 512, "t5-base": 768, "t5-large": 1024, "t5-3b": 1024, "t5-11b": 1024,
              "flan-t5-small": 512, "flan-t5-base": 768, "flan-t5-large": 1024,
              "flan-t5-xl": 2048, "flan-t5-xxl": 4096}
# transformer_lm / pattern fields transformers' MusicGen LM has no switch for: the values it has.
LM_FIXED = {"transformer_lm.activation": "gelu", "transformer_lm.norm_first": True,
            "transformer_lm.norm": "layer_norm", "transformer_lm.positional_embedding": "sin",
            "transformer_lm.kv_repeat": 1, "transformer_lm.layer_scale": None,
            "codebooks_pattern.modeling": "delay"}
DEFAULT_MAX_DURATION = 30.0  # seconds: audiocraft's MusicGen training window
_REF = re.compile(r"\$\{([\w.]+)\}")


def parse(text: str, path: Path) -> dict:
    """The YAML of xp.cfg -> a dict with whole-value `${a.b}` references resolved."""
    import yaml
    try:
        cfg = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise CheckpointError(f"{path}: xp.cfg is not readable YAML ({e})") from e
    if not isinstance(cfg, dict):
        raise CheckpointError(f"{path}: xp.cfg is {type(cfg).__name__}, expected a mapping")
    return _resolve(cfg, cfg, path)


def _resolve(node, root: dict, path: Path, depth: int = 0):
    if depth > 32:
        raise CheckpointError(f"{path}: xp.cfg references nest too deep (a cycle?)")
    if isinstance(node, dict):
        return {k: _resolve(v, root, path, depth) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, root, path, depth) for v in node]
    m = _REF.fullmatch(node) if isinstance(node, str) else None
    if m is None:
        return node
    return _resolve(get(root, m.group(1), path, required=True), root, path, depth + 1)


def get(cfg: dict, dotted: str, path: Path, required: bool = False):
    node = cfg
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            if required:
                raise CheckpointError(f"{path}: xp.cfg has no field {dotted}")
            return None
        node = node[part]
    return node


def max_duration(cfg: dict | None) -> float:
    """audiocraft's generation window (seconds): the segment length the LM was trained on."""
    value = get(cfg, "dataset.segment_duration", Path()) if cfg else None
    return float(value) if value is not None else DEFAULT_MAX_DURATION


def check_lm(cfg: dict, model, path: Path) -> None:
    """The fine-tune's LM fields vs the model its weights go into."""
    dec, t5 = model.config.decoder, model.config.text_encoder
    expected = {"transformer_lm.n_q": dec.num_codebooks, "transformer_lm.card": dec.vocab_size,
                "transformer_lm.dim": dec.hidden_size,
                "transformer_lm.num_heads": dec.num_attention_heads,
                "transformer_lm.num_layers": dec.num_hidden_layers,
                "channels": dec.audio_channels,
                "sample_rate": model.config.audio_encoder.sampling_rate}
    for field, want in expected.items():
        _same(cfg, field, want, path)
    for field, want in LM_FIXED.items():
        if get(cfg, field, path) != want and _has(cfg, field):
            raise CheckpointError(f"{path}: xp.cfg {field} is {get(cfg, field, path)}; "
                                  f"transformers' MusicGen LM is {want}")
    _same(cfg, "codebooks_pattern.delay.delays", list(range(dec.num_codebooks)), path)
    name = get(cfg, "conditioners.description.t5.name", path)
    width = T5_D_MODEL.get(str(name).split("/")[-1]) if name else None
    if width is not None and width != t5.d_model:
        raise CheckpointError(f"{path}: xp.cfg conditioners.description.t5.name is {name} "
                              f"(d_model {width}) but the base text encoder has d_model "
                              f"{t5.d_model}")


def _has(cfg: dict, dotted: str) -> bool:
    head, _, last = dotted.rpartition(".")
    node = get(cfg, head, Path()) if head else cfg
    return isinstance(node, dict) and last in node


def _same(cfg: dict, field: str, want, path: Path) -> None:
    got = get(cfg, field, path)
    if got is not None and got != want:
        raise CheckpointError(f"{path}: xp.cfg {field} is {got}, the base model has {want}")
