"""The int8 package: a copy of an fp32 package whose flow_lm (the transformer's MatMul weights;
the flow and EOS heads stay fp32) and text_embedder (the lookup table) are dynamically quantized
to int8 by onnxruntime; the Mimi graphs stay fp32.

int8 cannot meet the fp32 bands, so it has its own grade (docs/POCKET_TTS.md, "int8"), over the
same teacher-forced sequence check.py runs (voice prefill, text prefill, STEPS frames from BOS,
given noise, the int8 graph carrying its own cache):
- next_latent: cosine with pocket-tts' fp32 latent >= LATENT_COS at every step;
- eos_logit: |int8 - fp32| <= EOS_ABS at every step;
- audio: the int8 latents decoded by the package's Mimi decoder against the fp32 latents decoded
  by pocket-tts: cosine >= AUDIO_COS over the whole sequence.
"""
from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np

from ..common import manifest as mf

log = logging.getLogger(__name__)

QUANTIZED = {"flow_lm": ["MatMul", "Gemm"], "text_embedder": ["Gather", "MatMul"]}
FP32_HEADS = ("flow_net.", "out_eos.", "z_proj.")
LATENT_COS, EOS_ABS, AUDIO_COS = 0.95, 0.5, 0.98


def _cos(a, b) -> float:
    a, b = np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel()
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-30))


def _quantize(src: Path, dst: Path, ops: list[str]) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from ..common.sanitize import sanitize_model
    tmp = dst.with_suffix(".in.onnx")
    proto = sanitize_model(onnx.load(str(src)))
    onnx.save(proto, str(tmp))
    try:
        quantize_dynamic(str(tmp), str(dst), weight_type=QuantType.QInt8,
                         op_types_to_quantize=ops, per_channel=True,
                         nodes_to_exclude=_heads(proto))
    finally:
        tmp.unlink(missing_ok=True)


def _heads(proto) -> list[str]:
    """The nodes of the flow head, z_proj and the EOS head: kept fp32 (about a tenth of the flow
    LM's weights; quantized, the sampled latents drift from fp32's the most)."""
    names = {i.name for i in proto.graph.initializer if any(h in i.name for h in FP32_HEADS)}
    nodes = [n.name for n in proto.graph.node if names.intersection(n.input)]
    return nodes + [f"{n}_MatMul" for n in nodes]  # the quantizer splits a Gemm into MatMul + Add


def grade_int8(model, pkg: Path) -> dict:
    """The int8 grade of a package (see the module's docstring)."""
    from . import reference as R
    from .check import STEPS, Sessions, _empty_cache, _flow_feeds, flow_runs
    from .components import Dims
    dims = Dims.of(model)
    sess = Sessions(pkg, dims)
    runs = flow_runs(model, dims, np.random.default_rng(0), 0.7)
    past, cos, eos, latents = _empty_cache(dims), [], [], []
    for run in runs:
        got = sess.run("flow_lm", _flow_feeds(run, past))
        cos.append(_cos(got["next_latent"], run.next_latent))
        eos.append(float(np.abs(got["eos_logit"] - run.eos_logit).max()))
        latents.append(got["next_latent"])
        past = [(got[f"present.{i}.key"], got[f"present.{i}.value"]) for i in range(dims.layers)]
    ours = np.stack(latents[2:], axis=1)
    theirs = np.stack([r.next_latent for r in runs[2:]], axis=1)
    state = {f"mimi_state.{i}": np.zeros(s, dt) for i, (s, dt) in enumerate(dims.mimi_state)}
    audio = sess.run("mimi_decoder", {"latent": ours, **state})["audio"]
    ref = R.mimi_decode(model, theirs, [STEPS])[0]["audio"]
    # the prefill runs' latents and EOS are never used: graded over the steps
    line = {"component": "int8", "steps": len(runs) - 2, "latent_cos_min": min(cos[2:]),
            "latent_cos_mean": float(np.mean(cos[2:])),
            "eos_abs_max": max(eos[2:]), "audio_cos": _cos(audio, ref),
            "criteria": {"latent_cos_min": LATENT_COS, "eos_abs_max": EOS_ABS,
                         "audio_cos": AUDIO_COS}}
    line["ok"] = bool(line["latent_cos_min"] >= LATENT_COS and line["eos_abs_max"] <= EOS_ABS
                      and line["audio_cos"] >= AUDIO_COS)
    return line


def quantize_package(model, src: Path, dst: Path) -> dict:
    """dst: src's package with int8 flow_lm and text_embedder, graded; {"grade", "bytes"}."""
    src, dst = Path(src), Path(dst)
    if src.resolve() == dst.resolve():
        raise ValueError(f"{dst}: write the int8 package to another folder")
    m = mf.read_manifest(src)
    dst.mkdir(parents=True, exist_ok=True)
    (dst / "weft.json").unlink(missing_ok=True)
    for name, comp in m["components"].items():
        if name in QUANTIZED:
            comp.pop("external_data", None)  # int8 weights fit inline
            _quantize(src / comp["file"], dst / comp["file"], QUANTIZED[name])
        else:
            shutil.copyfile(src / comp["file"], dst / comp["file"])
            for e in comp.get("external_data", []):
                shutil.copyfile(src / e["file"], dst / e["file"])
    shutil.copyfile(src / m["tokenizer"]["file"], dst / m["tokenizer"]["file"])
    grade = grade_int8(model, dst)
    m["name"] = f"{m['name']}-int8"
    m["source"] = dict(m["source"], quantization={
        "int8": "onnxruntime quantize_dynamic, QInt8 per-channel weights",
        "components": {k: v for k, v in QUANTIZED.items()}})
    m["validation"] = {**m.get("validation", {}), "int8": grade}
    from .export import fill_files
    mf.write_manifest(fill_files(m, dst), dst)
    total = sum(p.stat().st_size for p in dst.iterdir() if p.is_file())
    return {"grade": grade, "bytes": total}


def validate_int8(package: str | Path) -> dict:
    from .build import model_from_source
    m = mf.read_manifest(package)
    return grade_int8(model_from_source(m["source"]), Path(package))
