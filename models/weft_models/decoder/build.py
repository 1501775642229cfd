"""The decoder family's model: a GPT-style decoder with a flattened KV cache (the `default` toy
preset and a `gpt2-small`-sized one), seeded, and rebuilt from a package's `source` record.

The point of this model is not quality but a known architecture whose export must match PyTorch
exactly: pre-LayerNorm blocks, learned positions, a tied LM head, and a KV cache that grows along
axis 2. The attention mask is derived from runtime tensor shapes only (no Python ints taken from
the inputs), so one exported graph serves prefill and single steps at any batch / length.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import torch
from torch import nn

# The `builder` id of the manifest's source record: written by export_toy, read by
# model_from_source. A stable identifier of this builder, not a module path.
BUILDER = "weft_models.toy"


@dataclass(frozen=True)
class ToyConfig:
    vocab: int = 512
    layers: int = 1
    heads: int = 2
    d_model: int = 48
    ffn: int = 128
    max_positions: int = 128
    # Init scales, tuned so greedy output varies with prompt and position (a random model with
    # small blocks just echoes its input token through the tied head, which tests nothing) while
    # the top-1/top-2 logit gap stays far above fp32 noise (>= 0.02 on the fixture prompts).
    embed_std: float = 1.0
    pos_std: float = 2.0
    out_gain: float = 3.0  # extra scale on the residual-branch output projections (proj, fc2)

    @property
    def head_dim(self) -> int:
        return self.d_model // self.heads

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "ToyConfig":
        return cls(**{f.name: d[f.name] for f in dataclasses.fields(cls) if f.name in d})


PRESETS = {
    "default": ToyConfig(),
    "gpt2-small": ToyConfig(vocab=50257, layers=12, heads=12, d_model=768, ffn=3072,
                            max_positions=1024, embed_std=0.5, pos_std=0.2, out_gain=1.0),
}


class Block(nn.Module):
    def __init__(self, cfg: ToyConfig):
        super().__init__()
        self.heads, self.head_dim = cfg.heads, cfg.head_dim
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.fc1 = nn.Linear(cfg.d_model, cfg.ffn)
        self.fc2 = nn.Linear(cfg.ffn, cfg.d_model)

    def forward(self, x, allowed, past_k, past_v):
        b, s, d = x.shape
        h = self.ln1(x)
        # view(b, s, heads, head_dim): b and s are symbolic under export; heads/head_dim are
        # model constants, which is exactly what they should be in the graph.
        q, k, v = self.qkv(h).split(d, dim=-1)
        q, k, v = (t.view(b, s, self.heads, self.head_dim).transpose(1, 2) for t in (q, k, v))
        k = torch.cat([past_k, k], dim=2)
        v = torch.cat([past_v, v], dim=2)
        scores = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(self.head_dim))
        # A finite minimum instead of -inf: a fully masked row (a left-padding query) then gets a
        # uniform softmax rather than NaN; its output is ignored anyway.
        scores = scores.masked_fill(~allowed, torch.finfo(scores.dtype).min)
        att = torch.softmax(scores, dim=-1) @ v
        att = att.transpose(1, 2).reshape(b, s, d)
        x = x + self.proj(att)
        x = x + self.fc2(nn.functional.gelu(self.fc1(self.ln2(x))))
        return x, k, v


class ToyDecoder(nn.Module):
    def __init__(self, cfg: ToyConfig = ToyConfig()):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab, cfg.d_model)
        self.pos = nn.Embedding(cfg.max_positions, cfg.d_model)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.layers))
        self.ln_f = nn.LayerNorm(cfg.d_model)
        # None = LM head tied to the embedding. build_toy(nan_token=...) unties it so that the
        # poisoned embedding row makes logits NaN only when that token is *fed*.
        self.register_parameter("lm_head", None)

    def allowed(self, input_ids, attention_mask):
        """[B, 1, S, T] bool: may query i attend to key j?

        Query i sits at absolute index past + i; key j is visible when j <= that index and
        attention_mask[b, j] == 1. Both aranges take their lengths from tensor shapes, so
        export keeps them symbolic (total = attention_mask.shape[1] = past + seq).
        """
        seq, total = input_ids.shape[1], attention_mask.shape[1]
        q_idx = torch.arange(seq, device=input_ids.device) + (total - seq)
        k_idx = torch.arange(total, device=input_ids.device)
        causal = k_idx[None, :] <= q_idx[:, None]                               # [S, T]
        return causal[None, None] & (attention_mask[:, None, None, :] != 0)     # [B, 1, S, T]

    def forward(self, input_ids, attention_mask, position_ids, *past):
        """past = (k0, v0, k1, v1, ...) each [B, H, past, Dh]; returns (logits, k0', v0', ...)."""
        assert len(past) == 2 * self.cfg.layers, "expected one key and one value per layer"
        x = self.embed(input_ids) + self.pos(position_ids)
        allowed = self.allowed(input_ids, attention_mask)
        presents = []
        for i, blk in enumerate(self.blocks):
            x, k, v = blk(x, allowed, past[2 * i], past[2 * i + 1])
            presents += [k, v]
        # Tied LM head as linear() on a 2-D view: exports as Gemm(transB=1) reading the embedding
        # initializer directly. `x @ embed.weight.T` would export a runtime Transpose of the
        # whole [vocab, d] table on every step (too large for the exporter to fold).
        b, s, d = x.shape
        head = self.embed.weight if self.lm_head is None else self.lm_head
        logits = nn.functional.linear(self.ln_f(x).reshape(b * s, d), head)
        return (logits.view(b, s, self.cfg.vocab), *presents)


def build_toy(cfg: ToyConfig = ToyConfig(), seed: int = 0,
              nan_token: int | None = None) -> ToyDecoder:
    """Seeded, deterministic init (independent of torch's global RNG); returned in eval mode."""
    model = ToyDecoder(cfg)
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name == "embed.weight":
                p.copy_(torch.randn(p.shape, generator=g) * cfg.embed_std)
            elif name == "pos.weight":
                p.copy_(torch.randn(p.shape, generator=g) * cfg.pos_std)
            elif "ln" in name:  # LayerNorm: near identity but not exactly (exercise the affine)
                base = 1.0 if name.endswith("weight") else 0.0
                p.copy_(base + 0.1 * torch.randn(p.shape, generator=g))
            elif name.endswith("bias"):
                p.copy_(0.02 * torch.randn(p.shape, generator=g))
            else:  # Linear weights [out, in]: fan-in scaling keeps activations O(1)
                gain = cfg.out_gain if name.endswith(("proj.weight", "fc2.weight")) else 1.0
                p.copy_(torch.randn(p.shape, generator=g) * (gain / math.sqrt(p.shape[1])))
        if nan_token is not None:  # fault injection: a finite, untied head; a NaN input row
            model.lm_head = nn.Parameter(model.embed.weight.detach().clone())
            model.embed.weight[nan_token] = float("nan")
    return model.eval()


def empty_past(cfg: ToyConfig, batch: int = 1) -> list[torch.Tensor]:
    return [torch.zeros(batch, cfg.heads, 0, cfg.head_dim) for _ in range(2 * cfg.layers)]


def full_logits(model: ToyDecoder, ids: list[int]) -> torch.Tensor:
    """Logits [S, V] for a whole sequence, no cache (batch 1, no padding)."""
    t = torch.tensor([ids], dtype=torch.int64)
    with torch.no_grad():
        out = model(t, torch.ones_like(t), torch.arange(len(ids))[None], *empty_past(model.cfg))
    return out[0][0]


def greedy_full_recompute(model: ToyDecoder, prompt: list[int], steps: int) -> list[int]:
    """Independent reference: re-runs the full sequence each step, never touching the cache."""
    ids = list(prompt)
    out = []
    for _ in range(steps):
        tok = int(torch.argmax(full_logits(model, ids)[-1]))  # argmax: first max on ties
        ids.append(tok)
        out.append(tok)
    return out


def model_from_source(source: dict | None, name: str | None = None) -> ToyDecoder:
    """The PyTorch model a package was exported from, per its manifest's `source` record."""
    if not source:
        raise ValueError(f"package {name!r} has no 'source' record; cannot rebuild its PyTorch model")
    if source.get("builder") != BUILDER:
        raise ValueError(f"unknown source builder {source.get('builder')!r}")
    return build_toy(ToyConfig.from_dict(source["config"]), seed=source["seed"],
                     nan_token=source.get("nan_token"))
