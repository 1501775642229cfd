"""The musicgen-audiocraft item: audiocraft's own MusicGen generation on a random tiny model, the
reference Weft's MusicGen generator is checked against (audiocraft_musicgen.py assembles it).

musicgen-audiocraft/
  base/            the random tiny MusicGen (build_random('tiny', 0), save_pretrained) and its
                   tokenizer files: the stand-in for facebook/musicgen-small's folder
  state_dict.bin   an LM of audiocraft's builders, drawn under LM_SEED, in audiocraft's release
                   format ({'best_state', 'xp.cfg', 'version', 'exported'})
  prompt.f32       the continuation prompt: 1.2 s of 32 kHz mono float32 (check.prompt_audio)
  package/         the Weft package: `weft-models export musicgen --checkpoint state_dict.bin
                   --base base/`
  refs.json        per case the codes [B][4][T] of audiocraft's generate / generate_continuation
                   (return_tokens=True), T = int(seconds * 50) frames, prompt frames included

Greedy cases are audiocraft's argmax; sampled ones draw with Weft's SplitMix64 stream instead of
torch.multinomial (audiocraft_musicgen.weft_draws documents the rule). Top-p cases pass top_k 0
(audiocraft ignores top_k when top_p > 0). Longer than MAX_DURATION, audiocraft generates in
windows advancing by extend_stride seconds (BaseGenModel._generate_tokens).
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

log = logging.getLogger("weft_fixtures")

DIR = "musicgen-audiocraft"
LM_SEED = 1
TEXT = "calm piano music with drums"
TEXTS = ["jazz", TEXT, "upbeat electronic rock beat with fast drums and happy bass guitar"]
PROMPT_SECONDS = 1.2
CODES_PROMPT_FRAMES = 40
EXTEND_STRIDE = 18.0
# A sampled case is only decidable where no draw lies closer to a token's edge than the two
# implementations' logits differ (onnxruntime vs torch: up to ~1e-5 absolute): a draw 2.6e-6 from
# an edge flipped in a 7,000-draw run. Each sampled case takes the first seed from its own on
# whose every draw keeps at least this margin (relative to the row's total).
MIN_MARGIN = 1e-5
SEED_TRIES = 40
GREEDY = {"use_sampling": False, "top_k": 0, "top_p": 0.0, "temperature": 1.0, "seed": None}


def _sampled(seed, top_k=0, top_p=0.0):
    return {"use_sampling": True, "top_k": top_k, "top_p": top_p, "temperature": 1.0,
            "seed": seed}


CASES = [
    {"name": "text", "texts": [TEXT], "seconds": 2.0, "prompt": False, "cfg": 3.0, **GREEDY},
    {"name": "continuation", "texts": [TEXT], "seconds": 3.0, "prompt": True, "cfg": 3.0,
     **GREEDY},
    {"name": "batch3", "texts": TEXTS, "seconds": 2.0, "prompt": False, "cfg": 3.0, **GREEDY},
    {"name": "long35", "texts": [TEXT], "seconds": 35.0, "prompt": False, "cfg": 3.0, **GREEDY},
    {"name": "long60", "texts": [TEXT], "seconds": 60.0, "prompt": False, "cfg": 3.0, **GREEDY},
    {"name": "continuation35", "texts": [TEXT], "seconds": 35.0, "prompt": True, "cfg": 3.0,
     **GREEDY},
    # Continuation from codes (audiocraft's _generate_tokens with prompt tokens): the first
    # CODES_PROMPT_FRAMES frames of the `text` case, varied codes unlike an encoded clip's.
    {"name": "codes", "texts": [TEXT], "seconds": 3.0, "prompt": "codes", "cfg": 3.0, **GREEDY},
    {"name": "topk", "texts": [TEXT], "seconds": 2.0, "prompt": False, "cfg": 3.0,
     **_sampled(7, top_k=250)},
    {"name": "topp", "texts": [TEXT], "seconds": 2.0, "prompt": False, "cfg": 3.0,
     **_sampled(8, top_p=0.9)},
    {"name": "topp1", "texts": [TEXT], "seconds": 2.0, "prompt": False, "cfg": 3.0,
     **_sampled(9, top_p=1.0)},
    {"name": "cfg_half", "texts": [TEXT], "seconds": 2.0, "prompt": False, "cfg": 0.5,
     **_sampled(10, top_k=250)},
    # Sampled across windows (the stream continues): 3.5 s in windows of 2 s moving 1.2 s.
    {"name": "sampled_windows", "texts": [TEXT], "seconds": 3.5, "prompt": False, "cfg": 3.0,
     "max_duration": 2.0, "extend_stride": 1.2, **_sampled(11, top_k=250)},
    {"name": "batch3_topp", "texts": TEXTS, "seconds": 2.0, "prompt": False, "cfg": 3.0,
     **_sampled(12, top_p=0.8)},
]
PARAMS = {"preset": "tiny", "seed": 0, "lm_seed": LM_SEED, "prompt_seconds": PROMPT_SECONDS,
          "extend_stride": EXTEND_STRIDE, "cases": CASES}
# weft_models sources that decide these bytes (besides this package's own files).
TOOLKIT_SOURCES = ("musicgen/audiocraft.py", "musicgen/xpcfg.py", "musicgen/cli.py")
OWN_SOURCES = ("musicgen_audiocraft_refs.py", "audiocraft_musicgen.py", "audiocraft_ref.py",
               "sampling_reference.py")
LIBS = ("torch", "numpy", "transformers", "tokenizers", "safetensors", "onnx", "onnxruntime",
        "onnxscript")


def write_base(base: Path) -> None:
    from weft_models.musicgen.build import build_random
    from weft_models.musicgen.components import Dims
    from weft_models.musicgen.tokenizer import write_tokenizer
    model = build_random(PARAMS["preset"], PARAMS["seed"])
    model.save_pretrained(str(base))
    write_tokenizer(base, Dims.of(model).text_vocab)


def check_text_ids(musicgen, text_ids: dict) -> None:
    """audiocraft's T5Conditioner.tokenize (the base's T5Tokenizer) must give the ids Hugging Face
    `tokenizers` gives on tokenizer.json (the ids refs.json records)."""
    t5 = musicgen.lm.condition_provider.conditioners["description"]
    for text, want in text_ids.items():
        got = t5.tokenize([text])["input_ids"][0].tolist()
        if got != want:
            raise RuntimeError(f"{DIR}: audiocraft tokenizes {text!r} as {got}, tokenizer.json "
                               f"gives {want}")


def run_sampled(ac, musicgen, case: dict, prompt, done: dict) -> tuple[list, dict]:
    """A sampled case's codes under the first seed (from case["seed"] on) whose every draw keeps
    MIN_MARGIN; the case as run (its seed, the smallest margin)."""
    for seed in range(case["seed"], case["seed"] + SEED_TRIES):
        ran = {**case, "seed": seed}
        codes, margin = run_case(ac, musicgen, ran, prompt, done)
        if margin >= MIN_MARGIN:
            return codes, {**ran, "min_margin": margin}
    raise RuntimeError(f"{DIR}: case {case['name']}: no seed in [{case['seed']}, "
                       f"{case['seed'] + SEED_TRIES}) keeps every draw {MIN_MARGIN} from an edge")


def run_case(ac, musicgen, case: dict, prompt, done: dict) -> tuple[list, float]:
    """The case's codes [B][nq][T] from audiocraft's own generate / generate_continuation, and
    the smallest margin of its draws (1 when greedy)."""
    import contextlib

    import torch

    from .audiocraft_musicgen import MAX_DURATION, weft_draws
    musicgen.max_duration = case.get("max_duration", MAX_DURATION)
    musicgen.set_generation_params(
        use_sampling=case["use_sampling"], top_k=case["top_k"], top_p=case["top_p"],
        temperature=case["temperature"], duration=case["seconds"], cfg_coef=case["cfg"],
        extend_stride=case.get("extend_stride", EXTEND_STRIDE))
    draws = weft_draws(ac, case["seed"]) if case["use_sampling"] else contextlib.nullcontext([1.0])
    with draws as margins, torch.no_grad():
        if case["prompt"] == "codes":
            tokens = torch.tensor(done["text"])[..., :CODES_PROMPT_FRAMES]
            attributes, _ = musicgen._prepare_tokens_and_attributes(case["texts"], None)
            codes = musicgen._generate_tokens(attributes, tokens)
        elif case["prompt"]:
            clip = torch.from_numpy(prompt)[None, None].expand(len(case["texts"]), -1, -1)
            _, codes = musicgen.generate_continuation(clip, musicgen.sample_rate, case["texts"],
                                                      return_tokens=True)
        else:
            _, codes = musicgen.generate(case["texts"], return_tokens=True)
    want = (len(case["texts"]), musicgen.lm.num_codebooks, int(case["seconds"] * musicgen.frame_rate))
    if tuple(codes.shape) != want:
        raise RuntimeError(f"{DIR}: case {case['name']}: codes {tuple(codes.shape)}, "
                           f"expected {want}")
    return codes.tolist(), min(margins)


def build(tmp: Path) -> None:
    import time

    import torch
    from tokenizers import Tokenizer

    from weft_models.musicgen.check import prompt_audio

    from . import audiocraft_musicgen as am
    from .audiocraft_ref import load

    torch.set_num_threads(1)
    ac = load()
    root = tmp / DIR
    base = root / "base"
    base.mkdir(parents=True)
    write_base(base)
    am.write_state_dict(ac, base, root / "state_dict.bin", LM_SEED)
    prompt = prompt_audio(PROMPT_SECONDS)
    (root / "prompt.f32").write_bytes(prompt.astype("<f4").tobytes())
    musicgen = am.assemble(ac, base, root / "state_dict.bin")
    tok = Tokenizer.from_file(str(base / "tokenizer.json"))
    text_ids = {t: tok.encode(t).ids for t in TEXTS}
    check_text_ids(musicgen, text_ids)
    out, seconds, done = [], {}, {}
    for case in CASES:
        t0 = time.perf_counter()
        if case["use_sampling"]:
            codes, case = run_sampled(ac, musicgen, case, prompt, done)
        else:
            codes, _ = run_case(ac, musicgen, case, prompt, done)
        done[case["name"]] = codes
        seconds[case["name"]] = round(time.perf_counter() - t0, 1)
        prompt_ref = {"codes": {"case": "text", "frames": CODES_PROMPT_FRAMES}, True: "prompt.f32", False: None}
        out.append({**case, "prompt": prompt_ref[case["prompt"]],
                    "text_ids": [text_ids[t] for t in case["texts"]],
                    "max_duration": musicgen.max_duration,
                    "extend_stride": case.get("extend_stride", EXTEND_STRIDE),
                    "codes": codes})
    (root / "refs.json").write_text(json.dumps({
        "source": f"audiocraft {ac.version} MusicGen.generate / generate_continuation "
                  "(return_tokens=True)",
        "frame_rate": musicgen.frame_rate, "sample_rate": musicgen.sample_rate,
        "base": "base", "state_dict": "state_dict.bin", "lm_seed": LM_SEED,
        "sampling": "weft_fixtures.audiocraft_musicgen.weft_draws", "cases": out}) + "\n")
    log.info("%s: generation seconds per case %s", DIR, seconds)
    export_package(root)


def export_package(root: Path) -> None:
    """The fine-tune exported the way its owner would: `weft-models export musicgen --checkpoint
    state_dict.bin --base base/` (validated against transformers on the same weights)."""
    import contextlib
    import io

    from weft_models.cli import main as weft_models
    argv = ["export", "musicgen", "-q", "--checkpoint", str(root / "state_dict.bin"), "--base",
            str(root / "base"), "--out", str(root / "package")]
    with contextlib.redirect_stdout(io.StringIO()) as reports:
        rc = weft_models(argv)
    if rc != 0:
        raise RuntimeError(f"{DIR}: weft-models {' '.join(argv)} exited {rc}:\n{reports.getvalue()}")
