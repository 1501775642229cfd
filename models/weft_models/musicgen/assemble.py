"""The model a package is exported from, assembled from the user's files:

- a Hugging Face folder of MusicgenForConditionalGeneration, as it is;
- an audiocraft LM file (`state_dict.bin`, the format fine-tunes circulate in) over a base:
  `base` (a Hugging Face MusicGen folder: T5, EnCodec, configs and tokenizer are the base's, the
  LM is the file's) or `compression` + `t5` (audiocraft's own layout: its EnCodec file and a T5
  folder); `random_base` puts it over a random preset (noise, for tests only);
- nothing: a random preset.

`Loaded.source` is the manifest's record; `load_source(**source)` rebuilds the same model.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from .audiocraft import CheckpointError, apply_lm, read_state
from .build import BUILDER, build_random, ready_transformers
from .xpcfg import get, max_duration

log = logging.getLogger(__name__)

AUDIOCRAFT_SUFFIXES = (".bin", ".pt", ".pth")
TOKENIZER_FILES = ("tokenizer.json",)  # the core encodes descriptions with this file

NO_BASE = ("{ckpt} carries only the MusicGen language model (audiocraft state_dict). Exported "
           "alone, the package would get a random T5 text encoder, a random EnCodec and a toy "
           "tokenizer, and would produce noise conditioned on nothing. Pass --base FOLDER (the "
           "Hugging Face model it was fine-tuned from, e.g. a save_pretrained copy of "
           "facebook/musicgen-small) or --compression compression_state_dict.bin --t5 T5FOLDER "
           "(audiocraft's own layout); --random-base exports it over a random --preset anyway.")


@dataclass
class Loaded:
    model: object
    source: dict
    tokenizer_dir: Path | None = None
    generation: dict = field(default_factory=lambda: {"semantics": "transformers"})


def is_audiocraft_file(p: Path) -> bool:
    return p.is_file() and p.suffix in AUDIOCRAFT_SUFFIXES


def load_source(checkpoint=None, *, base=None, compression=None, t5=None, preset: str = "tiny",
                seed: int = 0, random_base: bool = False, builder: str = BUILDER,
                **_ignored) -> Loaded:
    """The model (and its tokenizer folder, generation fields and source record) for these
    inputs; the keywords are the CLI's options and the manifest's `source` fields."""
    if builder != BUILDER:
        raise ValueError(f"unknown source builder {builder!r}")
    if (compression is None) != (t5 is None):
        raise ValueError("--compression and --t5 go together (audiocraft's EnCodec file and the "
                         "T5 folder of the text encoder)")
    if base is not None and compression is not None:
        raise ValueError("--base and --compression/--t5 both name the T5 and EnCodec; pass one")
    if checkpoint is None:
        if base is not None or compression is not None:
            raise ValueError("--base / --compression need --checkpoint (the audiocraft LM file)")
        return Loaded(build_random(preset, seed), {"builder": BUILDER, "preset": preset,
                                                   "seed": seed})
    ckpt = Path(checkpoint).resolve()
    src = {"builder": BUILDER, "checkpoint": str(ckpt)}
    if not ckpt.exists():
        raise FileNotFoundError(f"checkpoint {ckpt} does not exist")
    if not is_audiocraft_file(ckpt):
        if base is not None or compression is not None or random_base:
            raise ValueError(f"{ckpt}: --base / --compression / --random-base apply to an "
                             "audiocraft state_dict.bin, not to a Hugging Face folder")
        from .build import load_checkpoint
        return Loaded(load_checkpoint(ckpt), src, ckpt if ckpt.is_dir() else None)
    if base is not None:
        return _over_base(ckpt, Path(base).resolve(), src)
    if compression is not None:
        return _over_audiocraft_parts(ckpt, Path(compression).resolve(), Path(t5).resolve(), src)
    if not random_base:
        raise CheckpointError(NO_BASE.format(ckpt=ckpt))
    from .audiocraft import load_audiocraft
    from .build import _finish
    model = _finish(load_audiocraft(ckpt, preset))
    return Loaded(model, dict(src, preset=preset, random_base=True),
                  generation=_generation(None))


def _generation(cfg: dict | None) -> dict:
    """The manifest's generation fields of an LM trained by audiocraft."""
    return {"semantics": "audiocraft", "max_duration": max_duration(cfg)}


def _need_tokenizer(folder: Path, what: str) -> None:
    missing = [f for f in TOKENIZER_FILES if not (folder / f).is_file()]
    if missing:
        raise FileNotFoundError(f"{what} {folder}: no {', '.join(missing)}; save the tokenizer "
                                "beside the weights (tokenizer.save_pretrained(folder))")


def _over_base(ckpt: Path, base: Path, src: dict) -> Loaded:
    from .build import _load_hf_dir
    if not (base / "config.json").is_file():
        raise FileNotFoundError(f"--base {base}: not a Hugging Face folder (no config.json)")
    _need_tokenizer(base, "--base")
    model = _load_hf_dir(base)
    cfg = apply_lm(ckpt, model)
    return Loaded(model, dict(src, base=str(base)), base, _generation(cfg))


def _over_audiocraft_parts(ckpt: Path, compression: Path, t5: Path, src: dict) -> Loaded:
    """audiocraft's layout: EnCodec from its compression file, T5 from a folder, the LM built
    to the LM file's shapes and xp.cfg."""
    ready_transformers()
    from transformers import MusicgenConfig, MusicgenForCausalLM, MusicgenForConditionalGeneration

    from .build import _finish
    from .encodec_audiocraft import load_compression
    if not (t5 / "config.json").is_file():
        raise FileNotFoundError(f"--t5 {t5}: not a Hugging Face folder (no config.json)")
    _need_tokenizer(t5, "--t5")
    state, cfg = read_state(ckpt, "LM state_dict")
    encodec, _ = load_compression(compression)
    text = _t5_encoder(t5)
    dec = decoder_config(state, cfg, ckpt)
    codec = encodec.config
    for lm, lm_what, cc, cc_field in (
            (dec.num_codebooks, "codebooks (emb.K)", codec.num_quantizers, "rvq.n_q"),
            (dec.vocab_size, "codes (emb rows - 1)", codec.codebook_size, "rvq.bins")):
        if lm != cc:
            raise CheckpointError(f"{ckpt}: {lm} {lm_what}, but {compression} xp.cfg "
                                  f"{cc_field} is {cc}")
    config = MusicgenConfig(text_encoder=text.config.to_dict(),
                            audio_encoder=encodec.config.to_dict(), decoder=dec.to_dict())
    model = MusicgenForConditionalGeneration(config=config, text_encoder=text,
                                             audio_encoder=encodec,
                                             decoder=MusicgenForCausalLM(dec))
    apply_lm(ckpt, model, (state, cfg))  # checks xp.cfg sample_rate against the codec's too
    return Loaded(_finish(model), dict(src, compression=str(compression), t5=str(t5)), t5,
                  _generation(cfg))


def _t5_encoder(folder: Path):
    """The encoder of a T5 folder (T5EncoderModel or T5ForConditionalGeneration weights)."""
    import json

    from transformers import T5EncoderModel
    kind = json.loads((folder / "config.json").read_text()).get("model_type")
    if kind not in ("t5", "umt5", "mt5"):
        raise ValueError(f"--t5 {folder / 'config.json'}: model_type {kind!r}, expected 't5'")
    return T5EncoderModel.from_pretrained(str(folder)).eval()


def decoder_config(state: dict, cfg: dict | None, path: Path):
    """MusicgenDecoderConfig of an audiocraft LM: sizes from the tensors, heads from xp.cfg
    (the only size the tensors do not carry)."""
    from transformers import MusicgenDecoderConfig

    from .build import SPECIAL
    emb = [k for k in state if k.startswith("emb.") and k.endswith(".weight")]
    layers = [k for k in state if k.startswith("transformer.layers.") and
              k.endswith(".linear1.weight")]
    if not emb or not layers:
        raise CheckpointError(f"{path}: no emb.K.weight / transformer.layers.N.linear1.weight; "
                              "not an audiocraft MusicGen LM")
    heads = get(cfg, "transformer_lm.num_heads", path) if cfg else None
    if heads is None:
        raise CheckpointError(f"{path}: no xp.cfg transformer_lm.num_heads (the tensors do not "
                              "carry the head count); use --base with the model it came from")
    rows, hidden = state["emb.0.weight"].shape
    if rows - 1 != SPECIAL:
        raise CheckpointError(f"{path}: emb.0.weight has {rows} rows; expected {SPECIAL + 1} "
                              "(2048 codes + the special token)")
    return MusicgenDecoderConfig(
        hidden_size=hidden, num_hidden_layers=len(layers), num_attention_heads=int(heads),
        ffn_dim=state["transformer.layers.0.linear1.weight"].shape[0], vocab_size=rows - 1,
        num_codebooks=len(emb), max_position_embeddings=2048, activation_function="gelu",
        dropout=0.0, attention_dropout=0.0, activation_dropout=0.0, layerdrop=0.0,
        pad_token_id=SPECIAL, bos_token_id=SPECIAL, decoder_start_token_id=SPECIAL,
        audio_channels=1, scale_embedding=False, tie_word_embeddings=False)
