"""A Weft Pocket TTS package's weights in sherpa-onnx's Pocket TTS layout, for side-by-side
benchmarks (`npm run bench -- pocket-tts`).

sherpa-onnx (OfflineTtsPocketModel, npm `sherpa-onnx` >= 1.12.25) reads five graphs by position
and two tokenizer files:

- `lm_main.onnx`: `sequence` [1, S, latent_dim] (a NaN row is BOS), `text_embeddings`
  [1, T, model_dim], then its state tensors; returns `conditioning` [1, cond_dim] (the last
  position, after z_proj), `eos_logit` [1, 1] and the state again. sherpa-onnx creates the first
  state as zeros of the declared input shapes, so every state has a static shape: a step counter
  (int64 [1]) and per layer a fixed cache of CACHE positions [1, kv_heads, CACHE, head_dim] for
  keys and for values, written at the counter (the layout of sherpa-onnx's released models, which
  hold 1000 positions).
- `lm_flow.onnx`: `c` [1, cond_dim], `s` [1, 1], `t` [1, 1], `x` [1, latent_dim] -> the flow
  direction; sherpa-onnx runs the LSD steps itself (`num_steps`).
- `text_conditioner.onnx`, `encoder.onnx`, `decoder.onnx`: the package's text_embedder,
  voice_encoder and mimi_decoder as they are (same inputs and outputs in the same order; the
  decoder's state inputs are static and start at zeros).
- `vocab.json` / `token_scores.json`: piece -> id and piece -> score of the SentencePiece model.

    python -m weft_models.pocket_tts.sherpa_layout PACKAGE OUT [--int8]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
from functools import partial
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .graphs import _attend, _layer, _project

CACHE = 1000
OPSET = 17


class LmMain(nn.Module):
    """The flow LM's transformer on a fixed-size cache written at a step counter."""

    def __init__(self, model):
        super().__init__()
        self.lm = model.flow_lm

    def _attention(self, step, caches, out, i, attn, x):
        t = x.shape[1]
        q, k, v = _project(attn, x, step)
        new_k, new_v = caches[2 * i].clone(), caches[2 * i + 1].clone()
        new_k[:, :, step:step + t] = k
        new_v[:, :, step:step + t] = v
        out += [new_k, new_v]
        keys, values = new_k[:, :, :step + t], new_v[:, :, :step + t]
        kpos = torch.arange(keys.shape[2])[None, :]
        qpos = torch.arange(t)[:, None] + step
        return _attend(attn, q, keys, values, kpos <= qpos)

    def forward(self, sequence, text_embeddings, step, *caches):
        lm = self.lm
        seq = torch.where(torch.isnan(sequence), lm.bos_emb, sequence)
        h = torch.cat([text_embeddings, lm.input_linear(seq)], dim=1)
        out = []
        s = step[0]
        for i, layer in enumerate(lm.transformer.layers):
            h = _layer(layer, h, partial(self._attention, s, caches, out, i))
        z = lm.out_norm(h)[:, -1]
        if lm.z_proj is not None:
            z = lm.z_proj(z)
        return (z, lm.out_eos(z), step + h.shape[1], *out)


class LmFlow(nn.Module):
    """One flow-head evaluation: the direction at (s, t) from x, conditioned on c."""

    def __init__(self, model):
        super().__init__()
        self.flow_net = model.flow_lm.flow_net

    def forward(self, c, s, t, x):
        return self.flow_net(c, s, t, x)


def _cache_shapes(model) -> tuple[int, list[int]]:
    attn = model.flow_lm.transformer.layers[0].self_attn
    return len(model.flow_lm.transformer.layers), [1, attn.num_kv_heads, CACHE, attn.dim_per_head]


def export_lm(model, out: Path) -> None:
    layers, shape = _cache_shapes(model)
    lm = model.flow_lm
    seq = torch.full((1, 1, lm.ldim), float("nan"))
    text = torch.randn(1, 3, lm.dim)
    state = [torch.zeros(1, dtype=torch.int64)] + [torch.zeros(shape) for _ in range(2 * layers)]
    names = ["step"] + [f"cache.{i}.{kv}" for i in range(layers) for kv in ("key", "value")]
    torch.onnx.export(LmMain(model).eval(), (seq, text, *state), str(out / "lm_main.onnx"),
                      input_names=["sequence", "text_embeddings", *names],
                      output_names=["conditioning", "eos_logit", *[f"{n}_out" for n in names]],
                      dynamic_axes={"sequence": {1: "seq_len"}, "text_embeddings": {1: "text_len"}},
                      opset_version=OPSET, dynamo=False)
    c = torch.randn(1, lm.z_proj.out_features if lm.z_proj is not None else lm.dim)
    one = torch.ones(1, 1)
    torch.onnx.export(LmFlow(model).eval(), (c, one * 0, one, torch.randn(1, lm.ldim)),
                      str(out / "lm_flow.onnx"), input_names=["c", "s", "t", "x"],
                      output_names=["flow_dir"], opset_version=OPSET, dynamo=False)


def write_tokenizer(pkg: Path, meta: dict, out: Path) -> None:
    """vocab.json and token_scores.json from the package's own tokenizer (a SentencePiece
    `.model`, or a tokenizer.json holding a Unigram model)."""
    path = pkg / meta["tokenizer"]["file"]
    if path.suffix == ".json":
        pieces = json.loads(path.read_text(encoding="utf-8"))["model"]["vocab"]
    else:
        import sentencepiece as spm
        sp = spm.SentencePieceProcessor(model_file=str(path))
        pieces = [(sp.id_to_piece(i), sp.get_score(i)) for i in range(sp.get_piece_size())]
    (out / "vocab.json").write_text(json.dumps({p: i for i, (p, _) in enumerate(pieces)}, ensure_ascii=False))
    (out / "token_scores.json").write_text(json.dumps({p: sc for p, sc in pieces}, ensure_ascii=False))


def rebuild(pkg: Path, meta: dict):
    """The package's torch model: its preset's config and seed, with the package's own tokenizer
    (no stand-in tokenizer is trained or converted again)."""
    from pocket_tts.utils.config import Config

    from .build import from_config, package_config_dict, randomize
    src = meta["source"]
    if src.get("checkpoint"):
        from .build import model_from_source
        return model_from_source(src)
    d = package_config_dict(src["preset"])
    d["flow_lm"]["lookup_table"]["tokenizer_path"] = str(pkg / meta["tokenizer"]["file"])
    return randomize(from_config(Config(**d)), src.get("seed", 0))


def quantize_lm(out: Path) -> None:
    """lm_main's transformer MatMuls as the Weft int8 package's flow_lm (dynamic int8 weights per
    channel, the EOS head and z_proj fp32); lm_flow, like Weft's flow head, stays fp32."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from ..common.sanitize import sanitize_model
    src, tmp = out / "lm_main.onnx", out / "lm_main.in.onnx"
    proto = sanitize_model(onnx.load(str(src)))
    keep = {i.name for i in proto.graph.initializer if "out_eos." in i.name or "z_proj." in i.name}
    nodes = [n.name for n in proto.graph.node if keep.intersection(n.input)]
    onnx.save(proto, str(tmp))
    try:
        quantize_dynamic(str(tmp), str(src), weight_type=QuantType.QInt8,
                         op_types_to_quantize=["MatMul", "Gemm"], per_channel=True,
                         nodes_to_exclude=nodes + [f"{n}_MatMul" for n in nodes])
    finally:
        tmp.unlink(missing_ok=True)


def _run_weft(pkg: Path, voice, ids, noise):
    import onnxruntime as ort
    flow = ort.InferenceSession(str(pkg / "flow_lm.onnx"))
    embed = ort.InferenceSession(str(pkg / "text_embedder.onnx"))
    names = [i.name for i in flow.get_inputs() if i.name.startswith("past_key_values")]
    kv = {i.name: i.shape for i in flow.get_inputs()[3:]}
    past = {n: np.zeros((1, kv[n][1], 0, kv[n][3]), np.float32) for n in names}
    latents, prev = [], np.zeros((1, 0, noise.shape[1]), np.float32)
    runs = [(voice, prev), (embed.run(None, {"tokens": ids})[0], prev)]
    runs += [(np.zeros((1, 0, voice.shape[2]), np.float32), None)] * 3
    for cond, p in runs:
        p = p if p is not None else (latents[-1][None] if latents else np.full((1, 1, noise.shape[1]), np.nan, np.float32))
        out = flow.run(None, {"conditioning": cond, "previous_latent": p, "noise": noise, **past})
        past = {n: out[2 + i] for i, n in enumerate(names)}
        if p.shape[1]:
            latents.append(out[0])
    return np.concatenate(latents)


def _run_sherpa(out: Path, voice, ids, noise):
    import onnxruntime as ort
    main = ort.InferenceSession(str(out / "lm_main.onnx"))
    flow = ort.InferenceSession(str(out / "lm_flow.onnx"))
    embed = ort.InferenceSession(str(out / "text_conditioner.onnx"))
    state = [np.zeros([d if isinstance(d, int) else 1 for d in i.shape], np.int64 if "int64" in i.type else np.float32)
             for i in main.get_inputs()[2:]]
    names = [i.name for i in main.get_inputs()]
    empty_seq = np.zeros((1, 0, noise.shape[1]), np.float32)
    latents, seq = [], np.full((1, 1, noise.shape[1]), np.nan, np.float32)
    runs = [(empty_seq, voice), (empty_seq, embed.run(None, {embed.get_inputs()[0].name: ids})[0])]
    runs += [(None, np.zeros((1, 0, voice.shape[2]), np.float32))] * 3
    for s, text in runs:
        o = main.run(None, dict(zip(names, [s if s is not None else seq, text, *state])))
        state = o[2:]
        if s is None:
            one = np.ones((1, 1), np.float32)
            x = noise + flow.run(None, {"c": o[0], "s": one * 0, "t": one, "x": noise})[0]
            latents.append(x)
            seq = x[None]
    return np.concatenate(latents)


def check(pkg: Path, out: Path) -> dict:
    """Voice prefill, text prefill and three frames through both layouts (onnxruntime, same
    inputs): the sampled latents must agree."""
    rng = np.random.default_rng(0)
    meta = json.loads((pkg / "weft.json").read_text())
    d = meta["dims"]
    voice = rng.standard_normal((1, 9, d["model_dim"])).astype(np.float32)
    ids = rng.integers(0, d["text_vocab"], (1, 12)).astype(np.int64)
    noise = (0.5 * rng.standard_normal((1, d["latent_dim"]))).astype(np.float32)
    a, b = _run_weft(pkg, voice, ids, noise), _run_sherpa(out, voice, ids, noise)
    cos = float((a * b).sum() / (np.linalg.norm(a) * np.linalg.norm(b)))
    return {"max_abs": float(np.abs(a - b).max()), "cosine": cos, "frames": len(a)}


def package_digest(pkg: Path) -> str:
    return hashlib.sha256((pkg / "weft.json").read_bytes()).hexdigest()


def write_layout(pkg: Path, out: Path, int8: bool = False) -> dict:
    """Writes the sherpa-onnx folder for the Weft package `pkg` (built from its fp32 weights; with
    int8, `pkg` is the int8 package and only its graphs are copied, lm_main quantized here)."""
    meta = json.loads((pkg / "weft.json").read_text())
    out.mkdir(parents=True, exist_ok=True)
    model = rebuild(pkg, meta)
    with torch.no_grad():
        export_lm(model, out)
    for src, dst in (("text_embedder", "text_conditioner"), ("voice_encoder", "encoder"), ("mimi_decoder", "decoder")):
        shutil.copyfile(pkg / meta["components"][src]["file"], out / f"{dst}.onnx")
    write_tokenizer(pkg, meta, out)
    if int8:
        quantize_lm(out)
    grade = check(pkg, out)  # int8: both quantized, each its own way
    info = {"package": str(pkg), "weft_json_sha256": package_digest(pkg), "cache": CACHE, "check": grade}
    (out / "sherpa-layout.json").write_text(json.dumps(info, indent=1))
    return info


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("package", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--int8", action="store_true", help="quantize lm_main as the int8 package's flow_lm")
    a = ap.parse_args(argv)
    print(json.dumps(write_layout(a.package, a.out, a.int8)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
