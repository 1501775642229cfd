"""Pocket TTS models from pocket-tts itself (`TTSModel`): a preset (a copy of one of the package's
configs, or the small `tiny` one) with seeded random weights and the stand-in tokenizer, or a
user's checkpoint folder (a YAML config, `model.safetensors` in TTSModel.state_dict()'s layout,
and the tokenizer file). Nothing is downloaded: configs lose their weight URLs and point at
local files, and the Hugging Face hub is switched off while the model is built.
"""
from __future__ import annotations

import copy
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

BUILDER = "pocket_tts.TTSModel"
PRESET_CONFIGS = {"english_2m": "english_2m_2026-10.yaml", "english": "english.yaml"}
PRESETS = ("tiny", *PRESET_CONFIGS)
WEIGHT_KEYS = ("weights_path", "weights_path_without_voice_cloning")

_SEANET = {"channels": 1, "n_residual_layers": 1, "ratios": [6, 5, 4], "kernel_size": 3,
           "residual_kernel_size": 3, "last_kernel_size": 3, "dilation_base": 2,
           "pad_mode": "constant", "compress": 2}
# Smaller than english_2m in every size but with its kinds: GQA and a separate attention width,
# a low-rank text table, z_proj, separate decoder SEANet and transformer, the 12.5 Hz Mimi.
TINY = {
    "default_temperature": 0.3, "default_eos_threshold": -4.0,
    "replace_characters": {"\u2019": "'", "\u2018": "'"},
    "flow_lm": {"insert_bos_before_voice": True, "dtype": "float32",
                "flow": {"depth": 2, "dim": 32, "type": "lsd"},
                "transformer": {"d_model": 48, "hidden_scale": 2, "max_period": 10000,
                                "num_heads": 4, "num_layers": 2, "attn_dim": 64,
                                "num_kv_heads": 2},
                "lookup_table": {"dim": 48, "n_bins": 4000, "tokenizer": "sentencepiece",
                                 "tokenizer_path": "", "rank": 16},
                "z_dim": 40},
    "mimi": {"dtype": "float32", "sample_rate": 24000, "inner_dim": 32, "outer_dim": 32,
             "channels": 1, "frame_rate": 12.5,
             "seanet": {"dimension": 64, "n_filters": 8, **_SEANET},
             "transformer": {"d_model": 64, "num_heads": 2, "num_layers": 1, "layer_scale": 0.01,
                             "context": 50, "dim_feedforward": 96, "input_dimension": 64,
                             "output_dimensions": [64]},
             "quantizer": {"dimension": 32, "output_dimension": 32},
             "decoder_seanet": {"dimension": 32, "n_filters": 8, **_SEANET},
             "decoder_transformer": {"d_model": 32, "num_heads": 2, "num_layers": 2,
                                     "layer_scale": 0.01, "context": 20,
                                     "dim_feedforward": 64, "input_dimension": 32,
                                     "output_dimensions": [32]}},
}


def offline() -> None:
    """No model hub: every path the configs name is local."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")


def package_config_dict(preset: str) -> dict:
    """The preset's config as a dict (weight URLs removed; tokenizer path still the release's)."""
    offline()
    if preset == "tiny":
        return copy.deepcopy(TINY)
    if preset not in PRESET_CONFIGS:
        raise ValueError(f"unknown preset {preset!r} (expected one of {', '.join(PRESETS)})")
    import yaml
    from pocket_tts.utils.config import CONFIGS_DIR
    d = yaml.safe_load((CONFIGS_DIR / PRESET_CONFIGS[preset]).read_text(encoding="utf-8"))
    for key in WEIGHT_KEYS:
        d.pop(key, None)
    for part in ("flow_lm", "mimi"):
        d[part].pop("weights_path", None)
    return d


def preset_config(preset: str, tokenizer_dir: Path | None = None):
    """(pocket_tts Config, tokenizer file) for a preset: the stand-in tokenizer, as a .model or,
    where the release ships a tokenizer.json (the `english` config), converted to one."""
    from pocket_tts.utils.config import Config

    from .tokenizer import to_tokenizer_json, train_tokenizer
    d = package_config_dict(preset)
    spm_model = train_tokenizer()
    lt = d["flow_lm"]["lookup_table"]
    if lt["tokenizer"] in ("tokenizers", "json"):
        folder = Path(tokenizer_dir) if tokenizer_dir else spm_model.parent
        folder.mkdir(parents=True, exist_ok=True)
        tok = folder / f"{spm_model.stem}.json"
        if not tok.is_file():
            to_tokenizer_json(spm_model, tok)
    else:
        tok = spm_model
    lt["tokenizer_path"] = str(tok)
    return Config(**d), tok


def from_config(config, eos_threshold: float | None = None):
    """A TTSModel built from a Config without loading weights (all still at their init)."""
    import torch
    from pocket_tts import TTSModel
    from pocket_tts.default_parameters import DEFAULT_NOISE_CLAMP, DEFAULT_SAMPLER_DECODE_STEPS
    offline()
    if config.weights_path or config.flow_lm.weights_path or config.mimi.weights_path:
        raise ValueError("the config names weight files to download; export a --checkpoint "
                         "folder with model.safetensors instead")
    quiet = logging.getLogger("pocket_tts.models.tts_model")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # "model is uninitialized": we initialize or load it next
    try:
        model = TTSModel._from_pydantic_config_with_weights(
            config, config.default_temperature, DEFAULT_SAMPLER_DECODE_STEPS,
            DEFAULT_NOISE_CLAMP,
            config.default_eos_threshold if eos_threshold is None else eos_threshold)
    finally:
        quiet.setLevel(level)
    torch.set_grad_enabled(False)
    return model.eval()


def _fan_in(t) -> int:
    return max(1, t[0].numel()) if t.dim() > 1 else t.numel()


def randomize(model, seed: int = 0):
    """Every parameter and the latent statistics drawn from one seeded generator, in name order:
    weights N(0, 1/fan_in), norms and scales around their usual values, biases small. Magnitudes
    stay those of a trained network (unit-scale activations, finite audio, EOS logits that move
    with the input; the flow head's modulation and output layers are scaled down, as its
    zero-initialized training start leaves them small); the rotary and timestep frequency buffers are the architecture's constants
    and keep their values."""
    import torch
    g = torch.Generator().manual_seed(seed)
    named = dict(model.named_parameters())
    named.update({k: v for k, v in model.named_buffers() if k.split(".")[-1] in
                  ("emb_std", "emb_mean")})
    for name in sorted(named):
        t = named[name]
        leaf = name.split(".")[-1]
        z = torch.randn(t.shape, generator=g, dtype=torch.float32)
        if leaf == "emb_std":
            v = 0.5 + 0.5 * z.abs()
        elif leaf in ("emb_mean", "bias"):
            v = 0.1 * z
        elif leaf in ("alpha", "scale") or (leaf == "weight" and t.dim() == 1):
            v = (0.1 if leaf == "scale" else 1.0) * (1 + 0.1 * z)  # LayerScale: 0.1 +- 10 %
        elif leaf in ("bos_emb", "bos_before_voice") or "embed.weight" in name:
            v = z
        else:
            v = z / _fan_in(t) ** 0.5
            if "adaLN_modulation" in name or "final_layer" in name:
                v = 0.2 * v  # the flow head's gates and output: latents of a few units
            if name == "flow_lm.input_linear.weight":
                # The previous latent's way into the next step. A trained model's frame loop is
                # stable; a random one's can amplify float32 rounding frame after frame, which
                # would make long references meaningless. Small keeps the loop contractive.
                v = 0.25 * v
        with torch.no_grad():
            t.copy_(v.to(t.dtype))
    return model


def build_random(preset: str, seed: int = 0):
    """(model, tokenizer file) for a preset with seeded random weights."""
    config, tok = preset_config(preset)
    return randomize(from_config(config), seed), tok


def _checkpoint_files(folder: Path) -> tuple[Path, Path, Path]:
    if not folder.is_dir():
        raise FileNotFoundError(f"--checkpoint {folder}: not a folder")
    yamls = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    weights = folder / "model.safetensors"
    toks = [p for p in (folder / "tokenizer.json", folder / "tokenizer.model") if p.is_file()]
    if len(yamls) != 1:
        raise FileNotFoundError(f"--checkpoint {folder}: expected one YAML config, found "
                                f"{len(yamls)}")
    if not weights.is_file():
        raise FileNotFoundError(f"--checkpoint {folder}: no model.safetensors")
    if not toks:
        raise FileNotFoundError(f"--checkpoint {folder}: no tokenizer.json or tokenizer.model")
    return yamls[0], weights, toks[0]


def load_checkpoint(folder: str | Path):
    """(model, tokenizer file) from a checkpoint folder: the config's sizes and text rules, the
    folder's weights (strict: every key of TTSModel.state_dict()) and tokenizer."""
    offline()
    import safetensors.torch
    import yaml
    from pocket_tts.utils.config import Config
    cfg_path, weights, tok = _checkpoint_files(Path(folder))
    d = yaml.safe_load(cfg_path.read_text(encoding="utf-8"))
    for key in WEIGHT_KEYS:
        d.pop(key, None)
    for part in ("flow_lm", "mimi"):
        d.get(part, {}).pop("weights_path", None)
    d["flow_lm"]["lookup_table"]["tokenizer_path"] = str(tok)
    d["flow_lm"]["lookup_table"]["tokenizer"] = ("tokenizers" if tok.suffix == ".json"
                                                 else "sentencepiece")
    model = from_config(Config(**d))
    state = safetensors.torch.load_file(str(weights))
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise ValueError(f"{weights}: not TTSModel.state_dict()'s layout for {cfg_path.name}: "
                         f"{len(missing)} missing keys (first {missing[:1]}), "
                         f"{len(unexpected)} unexpected (first {unexpected[:1]})")
    return model.eval(), tok


def model_from_source(source: dict):
    """The model a package's `source` record names."""
    if source.get("builder") != BUILDER:
        raise ValueError("weft.json has no pocket-tts 'source' record")
    if source.get("checkpoint"):
        model, _ = load_checkpoint(source["checkpoint"])
    else:
        model, _ = build_random(source["preset"], source.get("seed", 0))
    return model
