"""The items `python -m weft_fixtures` builds under --out (build/models): the toy decoder packages,
Silero VAD, the MusicGen tiny package and its references, the Pocket TTS tiny package, the
classifier package and images, image preprocessing references,
tokenizer files and references, speech and audio fixtures. Each item names the files whose bytes
decide its result (its stamp); heavy libraries load only inside the builders.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import weft_models

from .driver import ML_LIBS, Item

HERE = Path(__file__).resolve().parent
TOOLKIT = Path(weft_models.__file__).resolve().parent
# The repository root (for node_modules/ and manifests/): the source tree this package lives in
# (editable install, as setup.sh does it), else the working directory.
REPO = HERE.parents[2] if (HERE.parents[2] / "manifests").is_dir() else Path.cwd()
VAD_ONNX = REPO / "node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx"
VAD_TEMPLATE = REPO / "manifests/silero-vad-v5.weft.json"
NAN_TOKEN = 7
TOY_SEED = 0
# Toolkit modules that shape the bytes of every export (not the CLIs, quantize, sanitize).
COMMON = ("common/manifest.py", "common/validate.py", "common/inputs.py", "common/onnx_tools.py",
          "common/torch_tools.py")
MUSICGEN = COMMON + tuple(f"musicgen/{n}.py" for n in (
    "build", "graphs", "components", "export", "merge", "weights", "check", "reference",
    "manifest", "tokenizer", "pipeline", "pattern"))


def _toolkit(*names: str) -> list[Path]:
    """weft_models source files, by path inside the package."""
    return [TOOLKIT / n for n in names]


def _own(*names: str) -> list[Path]:
    """Files of this package; every item also depends on this module (its builder)."""
    return [HERE / n for n in names] + [HERE / "items.py"]


# ---- builders: each writes its outputs, at their relative paths, under a temporary root --------

def _build_toy(nan_token, name, tokenizer=None):
    def build(tmp: Path) -> None:
        from weft_models.common import manifest as mf
        from weft_models.decoder.check import validate_package
        from weft_models.decoder.export import export_toy
        pkg = tmp / name
        export_toy(pkg, seed=TOY_SEED, nan_token=nan_token, name=name)
        if tokenizer:  # the file itself comes from the toy_tokenizer item (trained separately)
            m = mf.read_manifest(pkg)
            m["tokenizer"] = {"file": tokenizer}
            mf.write_manifest(m, pkg)
        # Validated at export: every component band PASS, and the cache run matches PyTorch.
        if not validate_package(pkg, steps=40, quiet=True):
            raise RuntimeError(f"{name}: validation failed (see `weft-models validate decoder {pkg}`)")
        if nan_token is not None:
            _check_nan_fault(pkg, nan_token)
    return build


def _check_nan_fault(pkg: Path, nan_token: int) -> None:
    """The fault must be real: NaN logits with the token in the input, finite without it."""
    import numpy as np
    from weft_models.common.validate import ort_session, run_session
    sess = ort_session(str(pkg / "decoder.onnx"))
    for ids, want_nan in (([1, 2, nan_token, 3], True), ([1, 2, 3, 4], False)):
        feeds = {"input_ids": np.array([ids]), "attention_mask": np.ones((1, 4), np.int64),
                 "position_ids": np.arange(4)[None]}
        for i in sess.get_inputs()[3:]:
            feeds[i.name] = np.zeros((1, i.shape[1], 0, i.shape[3]), np.float32)
        has_nan = bool(np.isnan(run_session(sess, feeds)["logits"]).any())
        if has_nan != want_nan:
            raise RuntimeError(f"{pkg.name}: ids {ids} gave NaN={has_nan}, expected {want_nan}")


def _build_vad(tmp: Path) -> None:
    from weft_models.common import manifest as mf
    pkg = tmp / "silero-vad"
    pkg.mkdir(parents=True)
    shutil.copyfile(VAD_ONNX, pkg / VAD_ONNX.name)
    m = json.loads(VAD_TEMPLATE.read_text())  # hand-written; only sha256/bytes are filled in
    mf.write_manifest(mf.fill_file_info(m, pkg), pkg)


def _build_speech(tmp: Path) -> None:
    from .data import build_speech
    (tmp / "fixtures").mkdir(parents=True)
    build_speech(tmp / "fixtures")


def _build_json(fn_name: str, rel: str):
    def build(tmp: Path) -> None:
        from . import data
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        getattr(data, fn_name)(tmp / rel, seed=TOY_SEED)
    return build


def items() -> list[Item]:
    export_srcs = _toolkit("decoder/build.py", "decoder/export.py", "decoder/manifest.py",
                           "decoder/check.py", *COMMON) + _own()
    greedy, sampled = "fixtures/toy_greedy.json", "fixtures/toy_sampled.json"
    return [
        Item("toy", ["toy"], export_srcs, {"seed": TOY_SEED, "opset": 18, "tokenizer": "tokenizer.json"},
             _build_toy(None, "toy", tokenizer="tokenizer.json")),
        Item("toy-nan", ["toy-nan"], export_srcs, {"seed": TOY_SEED, "nan_token": NAN_TOKEN},
             _build_toy(NAN_TOKEN, "toy-nan")),
        Item("silero-vad", ["silero-vad"], _toolkit("common/manifest.py") + _own() + [VAD_TEMPLATE, VAD_ONNX], {},
             _build_vad, libs=()),
        # espeak-ng / sox output is deterministic for a given install; their text and options
        # live in data.py, which is hashed.
        Item("speech", ["fixtures/speech16k.wav", "fixtures/speech16k.f32"],
             _own("data.py"), {}, _build_speech, libs=("numpy",)),
        Item("toy_greedy", [greedy], _toolkit("decoder/build.py") + _own("data.py"),
             {"seed": TOY_SEED}, _build_json("build_greedy", greedy)),
        Item("toy_sampled", [sampled],
             _toolkit("decoder/build.py") + _own("data.py", "sampling_reference.py"),
             {"seed": TOY_SEED}, _build_json("build_sampled", sampled)),
    ] + (_classifier_items() + _tokenizer_items() + _musicgen_items() + _audio_items()
         + _pocket_tts_items() + _pocket_tts_text_items())


def _pocket_tts_items() -> list[Item]:
    # Pocket TTS tiny package, graded PASS vs pocket-tts at build (pocket_tts.py).
    from . import pocket_tts as pt
    srcs = _toolkit(*COMMON, *(f"pocket_tts/{n}.py" for n in pt.SOURCES)) + _own("pocket_tts.py")
    from . import pocket_tts_refs as ptr
    return [Item(pt.NAME, [pt.NAME], srcs, pt.PARAMS, pt.build, libs=pt.LIBS),
            # pocket-tts's own generate_audio on that model: voices, speech, the normal draws.
            Item("pocket-tts-refs", [ptr.DIR], srcs + _own("pocket_tts_refs.py", "sampling_reference.py"),
                 {**pt.PARAMS, "seed_noise": ptr.SEED}, ptr.build, libs=(*pt.LIBS, "soundfile"))]


def _pocket_tts_text_items() -> list[Item]:
    # Pocket TTS text front end: chunks and ids from pocket-tts itself (pocket_tts_text.py).
    from . import pocket_tts_text as ptt
    return [Item("pocket_tts_text", [ptt.DIR], _toolkit(*ptt.TOOLKIT_SOURCES) + _own("pocket_tts_text.py"),
                 ptt.PARAMS, ptt.build, libs=ptt.LIBS)]


def _audio_items() -> list[Item]:
    # WAV files from sox / soundfile / wave with soundfile's decodings; torchaudio resample outputs.
    from . import audio as af
    return [Item("audio", [af.DIR], _own("audio.py") + [REPO / "models/requirements-reference.txt"],
                 af.params(), af.build, libs=("numpy", "torch", "soundfile"))]


def _musicgen_items() -> list[Item]:
    # MusicGen tiny package, validated vs transformers at build (musicgen.py).
    from . import musicgen as mg
    from . import musicgen_audiocraft_refs as mga
    from . import musicgen_refs as mgw
    srcs = _toolkit(*MUSICGEN) + _own("musicgen.py")
    return [Item(mg.NAME, [mg.NAME], srcs, mg.PARAMS, mg.build, libs=mg.LIBS),
            # transformers' greedy generate codes on that model (peer libraries are checked on it).
            Item("musicgen-tiny-generate", [mg.REFS], srcs, mg.REF_PARAMS, mg.build_refs,
                 libs=mg.LIBS),
            # Text, continuation, batch and delay-pattern references for Weft's generator.
            Item("musicgen-weft-refs", [mgw.REFS, mgw.PROMPT], srcs + _own("musicgen_refs.py"),
                 mgw.PARAMS, mgw.build, libs=mg.LIBS),
            # audiocraft's own generate on a random tiny model (musicgen_audiocraft_refs.py).
            # and the package its LM exports to over the base folder (--base).
            Item(mga.DIR, [mga.DIR], _toolkit(*MUSICGEN, *mga.TOOLKIT_SOURCES) + _own(*mga.OWN_SOURCES)
                 + [REPO / "models/requirements-audiocraft.txt"], mga.PARAMS, mga.build,
                 libs=mga.LIBS)]


def _tokenizer_items() -> list[Item]:
    # Real tokenizer files, the parity corpus and reference ids (tokenizer_refs.py).
    from . import tokenizer_refs as tf
    return [Item("tokenizers", ["tokenizers"], _own("tokenizer_refs.py", "corpus.py") + tf.sources(REPO),
                 {"v": 3}, lambda tmp: tf.build(REPO, tmp),
                 libs=("tokenizers", "sentencepiece", "transformers", "protobuf")),
            # After "toy": rebuilding the toy package replaces its folder, which brings this back.
            Item("toy_tokenizer", ["toy/tokenizer.json", "fixtures/toy_tokenizer_refs.json"],
                 _own("tokenizer_refs.py", "corpus.py"), {"vocab": tf.TOY_VOCAB},
                 tf.build_toy_tokenizer, libs=("tokenizers",))]


def _classifier_items() -> list[Item]:
    from . import classifier as cf  # light: heavy imports live inside its builders
    from . import image_refs as ir
    srcs = _toolkit("classifier/build.py", "classifier/export.py", "classifier/manifest.py",
                    "classifier/check.py", "classifier/images.py", "common/manifest.py",
                    "common/validate.py") + _own("classifier.py")
    libs = ML_LIBS + ("torchvision", "pillow")
    return [Item("classifier-resnet18", ["classifier-resnet18"], srcs, {"crop": cf.CROP},
                 cf.build_package, libs=libs),
            Item("classifier-fixtures", ["fixtures/classifier"], srcs, {"crop": cf.CROP},
                 cf.build_fixtures, libs=libs),
            # Pillow resize grid and padded (OCR, letterbox) references: numpy and Pillow only.
            Item("image-fixtures", ["fixtures/image"], _own("image_refs.py"), {},
                 ir.build, libs=("numpy", "pillow"))]
