"""audiocraft's EnCodec (`compression_state_dict.bin`: {'best_state': state dict, 'xp.cfg': yaml})
-> transformers' EncodecModel.

The config comes from xp.cfg's `seanet` (with its `encoder` / `decoder` overrides), `rvq`,
`encodec` and `sample_rate` fields; what transformers' EnCodec cannot express (another
activation, a final activation, norm-free outer blocks, renormalized audio, per-side widths)
is refused with the field named. The weights: audiocraft's `encoder.model.N` / `decoder.model.N`
Sequential has the same module indices as transformers' `layers.N` (ELU activations hold no
weights in both), its conv wrappers add one level (`conv.conv.`, `convtr.convtr.`), weight norm
is stored as weight_g / weight_v (transformers: parametrizations original0 / original1), and
the RVQ codebooks live under `quantizer.vq.layers.K._codebook.`. Every tensor of the target must
be provided, every tensor of the file consumed, every shape match; else the key is named.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

from .audiocraft import CheckpointError, mapped_state, read_state
from .xpcfg import get

# xp.cfg seanet field -> EncodecConfig field (same meaning in both).
SEANET = {"dimension": "hidden_size", "n_filters": "num_filters",
          "n_residual_layers": "num_residual_layers", "ratios": "upsampling_ratios",
          "kernel_size": "kernel_size", "last_kernel_size": "last_kernel_size",
          "residual_kernel_size": "residual_kernel_size", "dilation_base": "dilation_growth_rate",
          "causal": "use_causal_conv", "pad_mode": "pad_mode", "compress": "compress",
          "lstm": "num_lstm_layers", "norm": "norm_type", "channels": "audio_channels"}
# seanet fields that must hold these values (transformers has no switch for them).
FIXED = {"activation": "ELU", "activation_params": {"alpha": 1.0}, "norm_params": {},
         "disable_norm_outer_blocks": 0, "final_activation": None}
NORMS = ("weight_norm", "time_group_norm")


def _seanet(cfg: dict, path: Path) -> dict:
    """The seanet fields, checked equal for the encoder and the decoder (transformers shares
    one config between them)."""
    base = dict(get(cfg, "seanet", path, required=True))
    enc, dec = base.pop("encoder", None) or {}, base.pop("decoder", None) or {}
    fields = {**base, **enc, **dec}
    for k in sorted(set(enc) & set(dec)):
        if enc[k] != dec[k]:
            raise CheckpointError(f"{path}: xp.cfg seanet.encoder.{k} ({enc[k]}) and "
                                  f"seanet.decoder.{k} ({dec[k]}) differ; transformers' EnCodec "
                                  "has one value for both")
    for k, want in FIXED.items():
        got = fields.get(k, want)
        if got != want:
            raise CheckpointError(f"{path}: xp.cfg seanet.{k} is {got}; only {want} maps onto "
                                  "transformers' EncodecModel")
    if fields.get("norm") not in NORMS:
        raise CheckpointError(f"{path}: xp.cfg seanet.norm is {fields.get('norm')}; expected "
                              f"one of {', '.join(NORMS)}")
    return fields


def encodec_config(cfg: dict, path: Path):
    """EncodecConfig of an audiocraft compression model's xp.cfg."""
    from transformers import EncodecConfig
    if get(cfg, "encodec.renormalize", path):
        raise CheckpointError(f"{path}: xp.cfg encodec.renormalize is true; the package's "
                              "graphs do not rescale audio")
    seanet = _seanet(cfg, path)
    kw = {dst: seanet[src] for src, dst in SEANET.items() if src in seanet}
    kw["use_conv_shortcut"] = not seanet.get("true_skip", True)
    kw["trim_right_ratio"] = float(seanet.get("trim_right_ratio", 1.0))
    n_q = get(cfg, "rvq.n_q", path, required=True)
    bins = get(cfg, "rvq.bins", path, required=True)
    rate = get(cfg, "sample_rate", path, required=True)
    hop = math.prod(kw["upsampling_ratios"])
    frame_rate = math.ceil(rate / hop)
    conf = EncodecConfig(**kw, sampling_rate=rate, codebook_size=bins, normalize=False,
                         chunk_length_s=None, overlap=None,
                         target_bandwidths=[n_q * frame_rate * math.log2(bins) / 1000])
    if conf.num_quantizers != n_q:
        raise CheckpointError(f"{path}: xp.cfg rvq.n_q {n_q} gives {conf.num_quantizers} "
                              "quantizers in transformers' EncodecConfig")
    return conf


def map_key(key: str) -> str | None:
    """audiocraft EnCodec key -> transformers EncodecModel key (None when not recognised)."""
    rules = [
        (r"(encoder|decoder)\.model\.(\d+)\.(block\.\d+\.|shortcut\.)?conv\.conv\.(.+)",
         r"\1.layers.\2.\3conv.\4"),
        (r"decoder\.model\.(\d+)\.convtr\.convtr\.(.+)", r"decoder.layers.\1.conv.\2"),
        (r"(encoder|decoder)\.model\.(\d+)\.(block\.\d+\.|shortcut\.)?conv\.norm\.(weight|bias)",
         r"\1.layers.\2.\3norm.\4"),
        (r"decoder\.model\.(\d+)\.convtr\.norm\.(weight|bias)", r"decoder.layers.\1.norm.\2"),
        (r"(encoder|decoder)\.model\.(\d+)\.lstm\.(.+)", r"\1.layers.\2.lstm.\3"),
        (r"quantizer\.vq\.layers\.(\d+)\._codebook\.(.+)", r"quantizer.layers.\1.codebook.\2"),
    ]
    for pat, rep in rules:
        if re.fullmatch(pat, key):
            out = re.sub(pat, rep, key)
            out = re.sub(r"\.weight_g$", ".parametrizations.weight.original0", out)
            return re.sub(r"\.weight_v$", ".parametrizations.weight.original1", out)
    return None


def convert_encodec(state: dict, model, path: Path) -> None:
    """Copy an audiocraft EnCodec state dict into transformers' EncodecModel (in place)."""
    def one(key, value):
        dst = map_key(key)
        return None if dst is None else [(dst, value)]
    mapped = mapped_state(state, model.state_dict(), one,
                          f"{path}: audiocraft EnCodec (transformers' EncodecModel)")
    model.load_state_dict(mapped, strict=True)


def load_compression(path: str | Path):
    """transformers' EncodecModel holding an audiocraft compression_state_dict.bin."""
    from .build import ready_transformers
    ready_transformers()
    from transformers import EncodecModel
    p = Path(path)
    state, cfg = read_state(p, "compression state_dict")
    if "pretrained" in state and not any(k.startswith("encoder.") for k in state):
        raise CheckpointError(f"{p}: names the pretrained codec {state['pretrained']!r} instead "
                              "of carrying its weights; pass that codec's own "
                              "compression_state_dict.bin")
    if cfg is None:
        raise CheckpointError(f"{p}: no xp.cfg; the EnCodec config (seanet, rvq, sample_rate) "
                              "cannot be derived without it")
    model = EncodecModel(encodec_config(cfg, p))
    convert_encodec(state, model, p)
    return model.eval(), cfg
