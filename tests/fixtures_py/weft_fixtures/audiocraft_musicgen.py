"""audiocraft's own MusicGen, assembled on the random tiny model without the Hugging Face hub.

- The LM comes from audiocraft's builders (get_lm_model) with a config of the tiny decoder's sizes
  and every other field as musicgen-small's release config; its weights are re-drawn (redraw) and
  saved in audiocraft's release format (export_lm's dict), then loaded back by audiocraft's
  loaders.load_lm_model, as a downloaded state_dict.bin would be.
- The T5 conditioner normally loads its tokenizer and encoder by hub name: while the LM is built,
  the conditioner module's T5Tokenizer / T5EncoderModel give the base folder's tokenizer and T5
  encoder instead (t5_stand_in), under a name of our own that maps to the tiny T5 width.
- The compression model is audiocraft's HFEncodecCompressionModel around the base folder's
  transformers EncodecModel (as audiocraft wraps facebook/encodec_32khz).
- Sampled generation draws with Weft's PRNG instead of torch.multinomial (weft_draws).
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

T5_NAME = "weft/t5-tiny-random"  # the T5 stand-in's name in the LM config: not a hub model
LM_NAME = "musicgen-tiny-random"
MAX_DURATION = 30.0  # seconds one LM window covers (musicgen-small's segment_duration)
NORM_JITTER = 0.1  # std of the layer norms' drawn deviation from (1, 0), see redraw


def lm_config(dims, omegaconf):
    """audiocraft's LM config (OmegaConf) for `dims` (weft_models.musicgen.components.Dims):
    the tiny sizes, the rest as musicgen-small's xp.cfg (config/model/lm/musicgen_lm.yaml with
    config/conditioner/text2music.yaml)."""
    transformer_lm = {
        "dim": dims.hidden, "num_heads": dims.heads, "num_layers": dims.layers,
        "hidden_scale": 2, "n_q": dims.codebooks, "card": dims.vocab, "dropout": 0.0,
        "emb_lr": None, "activation": "gelu", "norm_first": True, "bias_ff": False,
        "bias_attn": False, "bias_proj": False, "past_context": None, "causal": True,
        "custom": False, "memory_efficient": True, "attention_as_float32": False,
        "layer_scale": None, "positional_embedding": "sin", "xpos": False,
        "checkpointing": "none", "weight_init": "gaussian", "depthwise_init": "current",
        "zero_bias_init": True, "norm": "layer_norm", "cross_attention": True,
        "qk_layer_norm": False, "qk_layer_norm_cross": False, "attention_dropout": None,
        "kv_repeat": 1, "two_step_cfg": False}
    return omegaconf.OmegaConf.create({
        "lm_model": "transformer_lm", "device": "cpu", "dtype": "float32",
        "dataset": {"segment_duration": MAX_DURATION},
        "transformer_lm": transformer_lm,
        "codebooks_pattern": {"modeling": "delay", "delay": {
            "delays": list(range(dims.codebooks)), "flatten_first": 0, "empty_initial": 0}},
        "classifier_free_guidance": {"training_dropout": 0.3, "inference_coef": 3.0},
        "attribute_dropout": {},
        "fuser": {"cross_attention_pos_emb": False, "cross_attention_pos_emb_scale": 1,
                  "sum": [], "prepend": [], "cross": ["description"], "input_interpolate": []},
        "conditioners": {"description": {"model": "t5", "t5": {
            "name": T5_NAME, "finetune": False, "word_dropout": 0.3, "normalize_text": False}}},
    })


class _Given:
    """Stands in for a transformers class whose from_pretrained(name) must not reach the hub."""

    def __init__(self, obj):
        self.obj = obj

    def from_pretrained(self, name, *args, **kwargs):
        if name != T5_NAME:
            raise ValueError(f"T5 stand-in asked for {name!r}, expected {T5_NAME!r}")
        return self.obj


@contextmanager
def t5_stand_in(ac, tokenizer, encoder):
    """While active, audiocraft's T5Conditioner(name=T5_NAME) takes `tokenizer` and `encoder`."""
    cond = ac.conditioners
    T5 = cond.T5Conditioner
    saved = cond.T5Tokenizer, cond.T5EncoderModel, T5.MODELS, T5.MODELS_DIMS
    cond.T5Tokenizer, cond.T5EncoderModel = _Given(tokenizer), _Given(encoder)
    T5.MODELS = [*T5.MODELS, T5_NAME]
    T5.MODELS_DIMS = {**T5.MODELS_DIMS, T5_NAME: encoder.config.d_model}
    try:
        yield
    finally:
        cond.T5Tokenizer, cond.T5EncoderModel, T5.MODELS, T5.MODELS_DIMS = saved


def _std(name: str, p) -> float | None:
    """build_random's scales (weft_models.musicgen.build): unit-gain linears, sharp q/k, token
    embeddings of std 1, heads of std HEAD_GAIN/sqrt(dim). None: not a matrix drawn this way."""
    from weft_models.musicgen.build import HEAD_GAIN
    fan_in = p.shape[-1]
    if name.startswith("emb."):
        return 1.0
    if name.startswith("linears."):
        return HEAD_GAIN * fan_in ** -0.5
    if name.endswith(("out_proj.weight", "linear1.weight", "linear2.weight")):
        return fan_in ** -0.5
    return None


def redraw(lm, seed: int) -> None:
    """Every LM parameter re-drawn from a torch Generator seeded `seed`, in named_parameters order,
    with build_random's reasoning: audiocraft's init (std 1/sqrt(dim) shrunk with depth) gives
    near-uniform attention and logits, which would hide ordering, cache and delay bugs and leave
    greedy gaps near fp32 rounding. The text projection (output_proj, T5 width -> dim) is unit
    gain with a bias of std 1/sqrt(dim). Layer norms get weights 1 + N(0, 0.1) and biases
    N(0, 0.1) (build_random keeps 1 and 0) so that swapped or dropped norms change the tokens too."""
    import torch
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in lm.named_parameters():
            fan_in = p.shape[-1]
            if name.endswith("in_proj_weight"):  # fused [q; k; v]: q and k sharp, v unit gain
                d = p.shape[0] // 3
                p[:2 * d].normal_(0.0, (3.0 / fan_in) ** 0.5, generator=g)
                p[2 * d:].normal_(0.0, fan_in ** -0.5, generator=g)
            elif "norm" in name.rsplit(".", 2)[-2]:
                p.normal_(1.0 if name.endswith("weight") else 0.0, NORM_JITTER, generator=g)
            elif name.startswith("condition_provider.") and name.endswith("output_proj.weight"):
                p.normal_(0.0, fan_in ** -0.5, generator=g)
            elif name.startswith("condition_provider.") and name.endswith("output_proj.bias"):
                p.normal_(0.0, p.shape[0] ** -0.5, generator=g)
            elif (std := _std(name, p)) is not None:
                p.normal_(0.0, std, generator=g)
            else:
                raise ValueError(f"audiocraft LM parameter {name} {tuple(p.shape)}: no drawing "
                                 "rule (a config change added it)")


def load_base(base_dir: Path):
    """The base folder's transformers model and T5 tokenizer."""
    from weft_models.musicgen.build import load_checkpoint
    from transformers import T5Tokenizer
    return load_checkpoint(base_dir), T5Tokenizer.from_pretrained(str(base_dir))


def write_state_dict(ac, base_dir: Path, out: Path, seed: int) -> None:
    """An LM of audiocraft's builders, re-drawn under `seed`, as audiocraft's export_lm writes it."""
    import torch
    from weft_models.musicgen.components import Dims
    model, tokenizer = load_base(base_dir)
    cfg = lm_config(Dims.of(model), ac.omegaconf)
    with t5_stand_in(ac, tokenizer, model.text_encoder):
        lm = ac.builders.get_lm_model(cfg)
    redraw(lm, seed)
    torch.save({"best_state": lm.state_dict(), "xp.cfg": ac.omegaconf.OmegaConf.to_yaml(cfg),
                "version": ac.version, "exported": True}, str(out))


def assemble(ac, base_dir: Path, state_dict: Path):
    """audiocraft's MusicGen over the base folder's T5 and EnCodec and the state_dict.bin LM."""
    model, tokenizer = load_base(base_dir)
    with t5_stand_in(ac, tokenizer, model.text_encoder):
        lm = ac.loaders.load_lm_model(str(state_dict), device="cpu")
    t5 = lm.condition_provider.conditioners["description"]
    if t5.t5 is not model.text_encoder or t5.t5_tokenizer is not tokenizer:
        raise RuntimeError(f"{state_dict}: audiocraft's T5 conditioner did not take the base's T5")
    codec = ac.encodec.HFEncodecCompressionModel(model.audio_encoder)
    return ac.musicgen.MusicGen(LM_NAME, codec, lm, max_duration=MAX_DURATION)


def weft_draw(probs, rng) -> tuple[int, float]:
    """One draw from one row of probabilities (float32), by the rule of weft_draws, and its
    margin: how far the target lies from the picked token's edges, relative to the row's total."""
    import numpy as np
    c = np.cumsum(np.asarray(probs, dtype=np.float64))  # strict left-to-right float64 sum
    target = rng.uniform() * c[-1]
    hit = np.flatnonzero(c > target)
    pick = int(hit[0]) if hit.size else int(np.flatnonzero(probs)[-1])
    low = c[pick - 1] if pick > 0 else 0.0
    return pick, float(min(c[pick] - target, target - low) / c[-1])


@contextmanager
def weft_draws(ac, seed: int):
    """Substitutes Weft's PRNG for audiocraft's sampling draw (audiocraft.utils.utils.multinomial,
    a reshaped torch.multinomial, which every sampling path of LMModel._sample_next_token calls:
    plain, top-k and top-p). The rule: one SplitMix64 stream seeded `seed` (docs/SAMPLING.md,
    weft_fixtures.sampling_reference.SplitMix64) for the whole generate call, continuing across
    audiocraft's windows. Each call's probability tensor [..., V] is flattened to rows in
    row-major order (batch item, then codebook); for each row, u = the stream's next uniform,
    C accumulates float64(prob) walking the row in its array order (top-p passes the row sorted
    by descending probability, plain and top-k in token order), target = u * C_total, and the
    pick is the first index with C > target, or, if none, the last index with a nonzero prob.
    Yields the list the draws' margins (weft_draw) are appended to."""
    import torch

    from .sampling_reference import SplitMix64
    rng = SplitMix64(seed)
    margins: list[float] = []

    def multinomial(input, num_samples, replacement=False, *, generator=None):
        if num_samples != 1:
            raise ValueError(f"weft_draws: num_samples {num_samples}, expected 1")
        rows = input.detach().reshape(-1, input.shape[-1]).cpu().numpy()
        picks = []
        for row in rows:
            pick, margin = weft_draw(row, rng)
            picks.append(pick)
            margins.append(margin)
        return torch.tensor(picks, dtype=torch.long).reshape(*input.shape[:-1], 1)

    saved = ac.utils.multinomial
    ac.utils.multinomial = multinomial
    try:
        yield margins
    finally:
        ac.utils.multinomial = saved
