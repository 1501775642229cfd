"""The package's components: for each, the module, its inputs and outputs with manifest shapes,
and trace inputs. Trace sizes differ from each other and from 0/1 so no axis is specialised."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

TRACE = dict(tokens=5, conditioning=3, latents=2, past=4, frames=3, voice_frames=4)
FIXED = {"model_dim", "latent_dim", "kv_heads", "head_dim", "layers"}  # manifest dims
DTYPES = {"torch.float32": "float32", "torch.int64": "int64"}


@dataclass
class Dims:
    layers: int
    kv_heads: int
    head_dim: int
    model_dim: int
    latent_dim: int
    text_vocab: int
    sample_rate: int
    frame_samples: int
    mimi_state: list  # (shape, dtype name) per decoder state slot, in the graph's order

    @classmethod
    def of(cls, model) -> "Dims":
        from .graphs import MimiDecoder
        lm, mimi = model.flow_lm, model.mimi
        attn = lm.transformer.layers[0].self_attn
        slots = [(shape, DTYPES[str(dt)]) for shape, dt, _ in MimiDecoder(model).state_specs()]
        return cls(len(lm.transformer.layers), attn.num_kv_heads, attn.dim_per_head, lm.dim,
                   lm.ldim, lm.conditioner.embed.num_embeddings - 1, mimi.sample_rate,
                   mimi.frame_size, slots)

    def manifest(self) -> dict:
        return {"layers": self.layers, "kv_heads": self.kv_heads, "head_dim": self.head_dim,
                "model_dim": self.model_dim, "latent_dim": self.latent_dim,
                "text_vocab": self.text_vocab, "sample_rate": self.sample_rate,
                "frame_samples": self.frame_samples}


@dataclass
class Spec:
    name: str
    inputs: list[tuple[str, str, list]]    # (name, dtype, manifest shape)
    outputs: list[tuple[str, str, list]]
    make: Callable                          # model -> nn.Module
    trace: Callable                         # (dims, rng) -> feeds

    @property
    def file(self) -> str:
        return f"{self.name}.onnx"


def kv(prefix: str, layers: int, length: str):
    return [(f"{prefix}.{i}.{k}", "float32", [1, "kv_heads", length, "head_dim"])
            for i in range(layers) for k in ("key", "value")]


def mimi_state(d: Dims, prefix: str):
    return [(f"{prefix}.{i}", dt, list(shape)) for i, (shape, dt) in enumerate(d.mimi_state)]


def _randn(rng, *shape):
    return rng.standard_normal(shape).astype(np.float32)


def _trace_flow(d: Dims, rng, c=TRACE["conditioning"], s=TRACE["latents"], p=TRACE["past"]):
    f = {"conditioning": _randn(rng, 1, c, d.model_dim),
         "previous_latent": _randn(rng, 1, s, d.latent_dim),
         "noise": _randn(rng, 1, d.latent_dim)}
    f.update({n: _randn(rng, 1, d.kv_heads, p, d.head_dim)
              for n, _, _ in kv("past_key_values", d.layers, "past")})
    return f


def _trace_mimi(d: Dims, rng, frames=TRACE["frames"]):
    f = {"latent": _randn(rng, 1, frames, d.latent_dim)}
    f.update({n: np.zeros(shape, dt) for n, dt, shape in mimi_state(d, "mimi_state")})
    return f


def specs(d: Dims, decode_steps: int = 1) -> list[Spec]:
    from . import graphs as G
    return [
        Spec("text_embedder", [("tokens", "int64", [1, "tokens"])],
             [("embeddings", "float32", [1, "tokens", "model_dim"])],
             lambda m: G.TextEmbedder(m),
             lambda d, rng: {"tokens": rng.integers(0, d.text_vocab, (1, TRACE["tokens"]))}),
        Spec("flow_lm",
             [("conditioning", "float32", [1, "conditioning", "model_dim"]),
              ("previous_latent", "float32", [1, "latents", "latent_dim"]),
              ("noise", "float32", [1, "latent_dim"]), *kv("past_key_values", d.layers, "past")],
             [("next_latent", "float32", [1, "latent_dim"]), ("eos_logit", "float32", [1, 1]),
              *kv("present", d.layers, "total")],
             lambda m: G.FlowLM(m, decode_steps), _trace_flow),
        Spec("mimi_decoder",
             [("latent", "float32", [1, "frames", "latent_dim"]), *mimi_state(d, "mimi_state")],
             [("audio", "float32", [1, 1, "samples"]), *mimi_state(d, "mimi_state_out")],
             lambda m: G.MimiDecoder(m), _trace_mimi),
        Spec("voice_encoder", [("audio", "float32", [1, 1, "samples"])],
             [("conditioning", "float32", [1, "voice", "model_dim"])],
             lambda m: G.VoiceEncoder(m),
             lambda d, rng: {"audio": 0.3 * _randn(rng, 1, 1,
                                                   TRACE["voice_frames"] * d.frame_samples)}),
    ]
