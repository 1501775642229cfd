"""Build MusicgenForConditionalGeneration from a preset config with seeded random weights, or load
a user's checkpoint (Hugging Face directory or audiocraft state_dict.bin).

Presets: `tiny` (same architecture, small widths, 4 codebooks, the real 2048-code vocabulary so
special-token bugs stay visible) and `small` (the real musicgen-small sizes: T5-base text encoder,
24-layer 1024-d decoder, EnCodec 32 kHz).
"""
from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

SPECIAL = 2048  # pad / start token of every codebook (vocab 2048 + 1)
HEAD_GAIN = 4.0  # std of the random models' logits (see build_random)

T5 = {
    "tiny": dict(vocab_size=256, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4,
                 relative_attention_num_buckets=8, relative_attention_max_distance=16),
    "small": dict(vocab_size=32128, d_model=768, d_kv=64, d_ff=3072, num_layers=12,
                  num_heads=12, relative_attention_num_buckets=32,
                  relative_attention_max_distance=128),
}
DECODER = {
    "tiny": dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, ffn_dim=128),
    "small": dict(hidden_size=1024, num_hidden_layers=24, num_attention_heads=16, ffn_dim=4096),
}
ENCODEC = {
    "tiny": dict(hidden_size=16, num_filters=4, num_lstm_layers=2),
    "small": dict(hidden_size=128, num_filters=64, num_lstm_layers=2),
}
PRESETS = tuple(T5)
# The `builder` id of the manifest's source record (a stable identifier, read by model_from_source).
BUILDER = "weft_models.musicgen"


def ready_transformers() -> None:
    """transformers imports torchaudio whenever it is installed. The torchaudio wheel pinned for the
    audio references is built for another CUDA version than torch and its import refuses that,
    although nothing here uses CUDA; transformers then refuses to import MusicGen. Importing it
    once with torch's CUDA version hidden (as the audio test references do) leaves it loaded for
    transformers."""
    import importlib.util
    import sys
    if "torchaudio" in sys.modules or importlib.util.find_spec("torchaudio") is None:
        return
    import torch
    saved = torch.version.cuda
    torch.version.cuda = None
    try:
        import torchaudio  # noqa: F401
    except Exception:  # noqa: BLE001 - unusable: transformers must not see it at all
        for k in [k for k in sys.modules if k == "torchaudio" or k.startswith("torchaudio.")]:
            del sys.modules[k]
        sys.modules["torchaudio"] = None
    finally:
        torch.version.cuda = saved


def make_config(preset: str):
    ready_transformers()
    from transformers import EncodecConfig, MusicgenConfig, MusicgenDecoderConfig, T5Config
    if preset not in PRESETS:
        raise ValueError(f"unknown MusicGen preset {preset!r}; known: {', '.join(PRESETS)}")
    t5 = T5Config(**T5[preset], feed_forward_proj="relu", dropout_rate=0.0)
    enc = EncodecConfig(**ENCODEC[preset], sampling_rate=32000, audio_channels=1,
                        upsampling_ratios=[8, 5, 4, 4], codebook_size=2048,
                        target_bandwidths=[2.2], norm_type="weight_norm", use_causal_conv=False,
                        pad_mode="reflect", normalize=False, chunk_length_s=None, overlap=None,
                        compress=2, trim_right_ratio=1.0, use_conv_shortcut=False)
    dec = MusicgenDecoderConfig(**DECODER[preset], vocab_size=2048, num_codebooks=4,
                                max_position_embeddings=2048, activation_function="gelu",
                                dropout=0.0, attention_dropout=0.0, activation_dropout=0.0,
                                layerdrop=0.0, pad_token_id=SPECIAL, bos_token_id=SPECIAL,
                                decoder_start_token_id=SPECIAL, audio_channels=1,
                                scale_embedding=False, tie_word_embeddings=False)
    return MusicgenConfig(text_encoder=t5.to_dict(), audio_encoder=enc.to_dict(),
                          decoder=dec.to_dict())


def build_random(preset: str = "tiny", seed: int = 0):
    """The model of a preset with weights drawn from torch's RNG under `seed`, in eval mode.
    EnCodec codebooks start as zeros in transformers (they are learned by k-means), which would
    make every code 0: they get seeded Gaussian entries so encode/decode are not trivial."""
    import torch
    ready_transformers()
    from transformers import MusicgenForConditionalGeneration
    cfg = make_config(preset)
    torch.manual_seed(seed)
    model = MusicgenForConditionalGeneration(cfg)
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for name, buf in model.audio_encoder.named_buffers():
            if name.endswith("codebook.embed"):
                buf.copy_(torch.randn(buf.shape, generator=g))
        # transformers' default init (std 0.02) gives near-uniform attention and near-identical
        # logits: such a model ignores token order, context and prompt, so a broken export
        # (non-causal, no cache, wrong delay) would still "match". Sharp attention (scores of
        # order 3) and unit-gain layers make every one of those bugs change the tokens; a wide
        # logit spread keeps greedy gaps far above fp32 rounding.
        for name, mod in model.decoder.named_modules():
            if isinstance(mod, torch.nn.Linear):
                fan_in = mod.weight.shape[1]
                sharp = name.endswith(("q_proj", "k_proj"))
                std = (3.0 / fan_in) ** 0.5 if sharp else fan_in ** -0.5
                mod.weight.normal_(0.0, std, generator=g)
            elif isinstance(mod, torch.nn.Embedding):
                mod.weight.normal_(0.0, 1.0, generator=g)
        proj = getattr(model, "enc_to_dec_proj", None)
        if proj is not None:
            proj.weight.normal_(0.0, proj.weight.shape[1] ** -0.5, generator=g)
        # Heads scaled by fan-in like every other layer: logits of std ~4 at any width (std 0.5 at
        # the tiny preset's 64). A fixed std would grow the logits with sqrt(hidden) (std 16 at
        # 1024), where plain fp32 rounding of the reference itself nears the 1e-4 PASS bound.
        for head in model.decoder.lm_heads:
            head.weight.normal_(0.0, HEAD_GAIN * head.weight.shape[1] ** -0.5, generator=g)
    return _finish(model)


def _finish(model):
    model.eval()
    model.generation_config.pad_token_id = SPECIAL
    model.generation_config.decoder_start_token_id = SPECIAL
    model.generation_config.bos_token_id = SPECIAL
    return model


def load_checkpoint(path: str | Path, preset: str | None = None, *, random_base: bool = False):
    """A local Hugging Face directory (config.json + weights), or with `random_base` an
    audiocraft state_dict.bin over a random `preset` (its T5/EnCodec random: tests only; a real
    fine-tune goes over its base, assemble.load_source)."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"checkpoint {p} does not exist")
    if p.is_dir() and (p / "config.json").is_file():
        return _load_hf_dir(p)
    if p.is_file() and p.suffix in (".bin", ".pt", ".pth"):
        from .assemble import NO_BASE
        from .audiocraft import CheckpointError, load_audiocraft
        if not random_base:
            raise CheckpointError(NO_BASE.format(ckpt=p))
        return _finish(load_audiocraft(p, preset or "small"))
    raise ValueError(f"{p}: not a Hugging Face directory (no config.json) nor an audiocraft "
                     "state_dict .bin file")


def _load_hf_dir(p: Path):
    import json

    ready_transformers()
    from transformers import MusicgenForConditionalGeneration
    arch = json.loads((p / "config.json").read_text()).get("architectures") or []
    if "MusicgenForConditionalGeneration" not in arch:
        raise ValueError(f"{p / 'config.json'}: architectures {arch} is not supported; expected "
                         "MusicgenForConditionalGeneration (mono MusicGen)")
    model = MusicgenForConditionalGeneration.from_pretrained(str(p))
    if model.config.decoder.audio_channels != 1:
        raise ValueError(f"{p}: stereo MusicGen (audio_channels=2) is not supported")
    return _finish(model)


def model_from_source(source: dict):
    """The model a package was exported from, per its manifest's `source` record."""
    from .assemble import is_audiocraft_file, load_source
    src = dict(source)
    if src.get("checkpoint") and is_audiocraft_file(Path(src["checkpoint"])) and \
            not (src.get("base") or src.get("compression")):
        src["random_base"] = True  # records written before bases were named: a random preset
    return load_source(**src).model
