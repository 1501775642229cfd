"""audiocraft MusicGen LM checkpoints (`state_dict.bin`, the format fine-tunes circulate in) ->
transformers' MusicgenForConditionalGeneration keys.

The mapping follows audiocraft's LMModel layout: fused attention in_proj_weight [3D, D] split
into q/k/v, norm1/norm_cross/norm2 -> the three layer norms, linear1/2 -> fc1/2, emb.K ->
embed_tokens.K, linears.K -> lm_heads.K, out_norm -> layer_norm, the description conditioner's
output_proj -> enc_to_dec_proj. Every LM tensor of the target must be provided, every tensor of
the file consumed and every shape must match; otherwise CheckpointError names the key(s).
The file carries no T5 or EnCodec weights: those come from a base (assemble.py).
"""
from __future__ import annotations

import re
from pathlib import Path

DEC = "decoder.model.decoder."


class CheckpointError(ValueError):
    pass


def map_key(key: str, value):
    """audiocraft key -> list of (hf key, tensor); None when the key is not an LM tensor."""
    m = re.fullmatch(r"transformer\.layers\.(\d+)\.(self_attn|cross_attention)\.in_proj_weight",
                     key)
    if m:
        attn = "self_attn" if m.group(2) == "self_attn" else "encoder_attn"
        if value.ndim != 2 or value.shape[0] % 3:
            raise CheckpointError(f"{key}: shape {tuple(value.shape)} is not a fused "
                                  "[3*d_model, d_model] projection")
        q, k, v = value.chunk(3, dim=0)
        base = f"{DEC}layers.{m.group(1)}.{attn}."
        return [(base + "q_proj.weight", q), (base + "k_proj.weight", k),
                (base + "v_proj.weight", v)]
    rules = [
        (r"transformer\.layers\.(\d+)\.self_attn\.out_proj\.weight",
         DEC + r"layers.\1.self_attn.out_proj.weight"),
        (r"transformer\.layers\.(\d+)\.cross_attention\.out_proj\.weight",
         DEC + r"layers.\1.encoder_attn.out_proj.weight"),
        (r"transformer\.layers\.(\d+)\.norm1\.(weight|bias)", DEC + r"layers.\1.self_attn_layer_norm.\2"),
        (r"transformer\.layers\.(\d+)\.norm_cross\.(weight|bias)",
         DEC + r"layers.\1.encoder_attn_layer_norm.\2"),
        (r"transformer\.layers\.(\d+)\.norm2\.(weight|bias)", DEC + r"layers.\1.final_layer_norm.\2"),
        (r"transformer\.layers\.(\d+)\.linear1\.weight", DEC + r"layers.\1.fc1.weight"),
        (r"transformer\.layers\.(\d+)\.linear2\.weight", DEC + r"layers.\1.fc2.weight"),
        (r"emb\.(\d+)\.weight", DEC + r"embed_tokens.\1.weight"),
        (r"linears\.(\d+)\.weight", r"decoder.lm_heads.\1.weight"),
        (r"out_norm\.(weight|bias)", DEC + r"layer_norm.\1"),
        (r"condition_provider\.conditioners\.description\.output_proj\.(weight|bias)",
         r"enc_to_dec_proj.\1"),
    ]
    for pat, rep in rules:
        if re.fullmatch(pat, key):
            return [(re.sub(pat, rep, key), value)]
    return None


def mapped_state(state: dict, target: dict, map_key, what: str) -> dict:
    """{target key: tensor} from an audiocraft state dict, where map_key(key, tensor) gives a
    list of (target key, tensor) or None. Every target key must be covered, every key of the file
    consumed and every shape must fit; otherwise CheckpointError names the keys (`what` leads)."""
    import torch
    mapped, extra = {}, []
    for key, value in state.items():
        out = map_key(key, value) if torch.is_tensor(value) else None
        if out is None:
            extra.append(key)
            continue
        for dst, t in out:
            if dst not in target:
                extra.append(f"{key} (-> {dst})")
            elif tuple(t.shape) != tuple(target[dst].shape):
                raise CheckpointError(f"{what}: {key}: shape {tuple(t.shape)} does not fit {dst} "
                                      f"{tuple(target[dst].shape)}")
            else:
                mapped[dst] = t
    missing = sorted(set(target) - set(mapped))
    if missing or extra:
        parts = [f"missing {len(missing)} tensor(s): {', '.join(missing[:8])}"] if missing else []
        if extra:
            parts.append(f"unexpected {len(extra)} key(s): {', '.join(extra[:8])}")
        raise CheckpointError(f"{what} does not match the model: " + "; ".join(parts))
    return mapped


def convert(state: dict, model) -> None:
    """Copy `state` into model (in place) after checking it covers the LM exactly."""
    import torch
    target = {k: v for k, v in model.state_dict().items()
              if k.startswith(("decoder.", "enc_to_dec_proj."))
              and "embed_positions" not in k}
    mapped = mapped_state(state, target, map_key, "audiocraft checkpoint")
    with torch.no_grad():
        params = dict(model.named_parameters())
        for k, t in mapped.items():
            params[k].copy_(t)


def read_state(path: str | Path, what: str) -> tuple[dict, dict | None]:
    """An exported audiocraft file -> (its state dict, its parsed xp.cfg or None). Accepts the
    export layout ({'best_state': ..., 'xp.cfg': yaml}), a training checkpoint's
    {'best_state': {'model': ...}} and a bare state dict."""
    import torch

    from .xpcfg import parse
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"audiocraft {what} {p} does not exist")
    try:
        pkg = torch.load(str(p), map_location="cpu", weights_only=True)
    except Exception as e:
        raise CheckpointError(f"{p}: not a readable torch state_dict ({e})") from e
    cfg = None
    if isinstance(pkg, dict) and isinstance(pkg.get("xp.cfg"), str):
        cfg = parse(pkg["xp.cfg"], p)
    if isinstance(pkg, dict) and "best_state" in pkg:  # audiocraft's packaged checkpoint
        pkg = pkg["best_state"]
    if isinstance(pkg, dict) and "model" in pkg and isinstance(pkg["model"], dict):
        pkg = pkg["model"]
    if not isinstance(pkg, dict) or not pkg:
        raise CheckpointError(f"{p}: expected a dict of tensors (audiocraft {what})")
    return pkg, cfg


def apply_lm(path: str | Path, model, loaded: tuple[dict, dict | None] | None = None):
    """Overwrite model's LM (decoder + enc_to_dec_proj) with an audiocraft LM file (or its
    already `loaded` read_state) after checking its xp.cfg against the model; returns the parsed
    xp.cfg (None when the file has none)."""
    from .xpcfg import check_lm
    state, cfg = loaded or read_state(path, "LM state_dict")
    if cfg is not None:
        check_lm(cfg, model, Path(path))
    convert(state, model)
    return cfg


def load_audiocraft(path: str | Path, preset: str):
    """An audiocraft LM file over a random `preset` model (T5, EnCodec, tokenizer random/toy)."""
    from .build import build_random
    model = build_random(preset, 0)
    state, _ = read_state(path, "LM state_dict")
    convert(state, model)
    return model


def to_audiocraft(model) -> dict:
    """The inverse mapping (tests build audiocraft-format files from a transformers model)."""
    import torch
    sd = model.state_dict()
    out = {}
    layers = model.config.decoder.num_hidden_layers
    for i in range(layers):
        b = f"{DEC}layers.{i}."
        for src, dst in (("self_attn", "self_attn"), ("encoder_attn", "cross_attention")):
            out[f"transformer.layers.{i}.{dst}.in_proj_weight"] = torch.cat(
                [sd[f"{b}{src}.{x}_proj.weight"] for x in "qkv"])
            out[f"transformer.layers.{i}.{dst}.out_proj.weight"] = sd[f"{b}{src}.out_proj.weight"]
        for src, dst in (("self_attn_layer_norm", "norm1"), ("encoder_attn_layer_norm",
                                                             "norm_cross"),
                         ("final_layer_norm", "norm2")):
            for w in ("weight", "bias"):
                out[f"transformer.layers.{i}.{dst}.{w}"] = sd[f"{b}{src}.{w}"]
        out[f"transformer.layers.{i}.linear1.weight"] = sd[f"{b}fc1.weight"]
        out[f"transformer.layers.{i}.linear2.weight"] = sd[f"{b}fc2.weight"]
    for k in range(model.config.decoder.num_codebooks):
        out[f"emb.{k}.weight"] = sd[f"{DEC}embed_tokens.{k}.weight"]
        out[f"linears.{k}.weight"] = sd[f"decoder.lm_heads.{k}.weight"]
    for w in ("weight", "bias"):
        out[f"out_norm.{w}"] = sd[f"{DEC}layer_norm.{w}"]
        out[f"condition_provider.conditioners.description.output_proj.{w}"] = \
            sd[f"enc_to_dec_proj.{w}"]
    return {k: v.clone() for k, v in out.items()}
