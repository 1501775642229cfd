"""Build every model package and test fixture under --out, each only when its sources changed.

Runs on every `npm start` / `npm test` (scripts/setup.sh), so the no-op path must be fast and
silent: this module imports nothing heavy at the top (torch, onnx, numpy load only when an item
is actually rebuilt), and each item's stamp is a hash of its source files, its parameters and
the versions of the libraries that shape its bytes. An item is rebuilt into a temporary path and
moved into place only when complete; the stamp is written last, so an interrupted build is
simply redone next time.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import shutil
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Callable

log = logging.getLogger("weft_models.fixtures")

PKG = Path(__file__).resolve().parent
# The repository root (for node_modules/ and manifests/): the source tree this package lives in
# (editable install, as setup.sh does it), else the working directory.
REPO = PKG.parent.parent if (PKG.parent.parent / "manifests").is_dir() else Path.cwd()
VAD_ONNX = REPO / "node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx"
VAD_TEMPLATE = REPO / "manifests/silero-vad-v5.weft.json"
NAN_TOKEN = 7
TOY_SEED = 0
ML_LIBS = ("torch", "onnx", "onnxruntime", "onnxscript", "numpy")


@dataclass
class Item:
    name: str
    outputs: list[str]                # paths relative to --out; a directory counts as one
    sources: list[Path]               # files whose bytes go into the stamp
    params: dict                      # anything else that changes the result
    build: Callable[[Path], None]     # writes every output under a temporary root
    libs: tuple[str, ...] = field(default=ML_LIBS)


def _versions(libs) -> dict:
    out = {}
    for lib in libs:
        try:
            out[lib] = metadata.version(lib)  # reads dist-info; does not import the library
        except metadata.PackageNotFoundError:
            out[lib] = None
    return out


def stamp_of(item: Item) -> str:
    h = hashlib.sha256()
    h.update(json.dumps({"item": item.name, "params": item.params,
                         "versions": _versions(item.libs)}, sort_keys=True).encode())
    for src in item.sources:
        if not src.is_file():
            raise FileNotFoundError(f"{item.name}: source {src} is missing"
                                    + (" (run npm ci)" if "node_modules" in str(src) else ""))
        h.update(str(src.name).encode())
        h.update(src.read_bytes())
    return h.hexdigest()[:32]


def _src(*names: str) -> list[Path]:
    return [PKG / n for n in names] + [PKG / "fixtures.py"]


# ---- builders: each writes its outputs, at their relative paths, under a temporary root --------

def _build_toy(nan_token, name, tokenizer=None):
    def build(tmp: Path) -> None:
        from . import manifest as mf
        from .export import export_toy
        from .packages import validate_package
        pkg = tmp / name
        export_toy(pkg, seed=TOY_SEED, nan_token=nan_token, name=name)
        if tokenizer:  # the file itself comes from the toy_tokenizer item (trained separately)
            m = mf.read_manifest(pkg)
            m["tokenizer"] = {"file": tokenizer}
            mf.write_manifest(m, pkg)
        # Validated at export: every component band PASS, and the cache run matches PyTorch.
        if not validate_package(pkg, steps=40, quiet=True):
            raise RuntimeError(f"{name}: validation failed (see `weft-models validate {pkg}`)")
        if nan_token is not None:
            _check_nan_fault(pkg, nan_token)
    return build


def _check_nan_fault(pkg: Path, nan_token: int) -> None:
    """The fault must be real: NaN logits with the token in the input, finite without it."""
    import numpy as np
    from .validate import ort_session, run_session
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
    from . import manifest as mf
    pkg = tmp / "silero-vad"
    pkg.mkdir(parents=True)
    shutil.copyfile(VAD_ONNX, pkg / VAD_ONNX.name)
    m = json.loads(VAD_TEMPLATE.read_text())  # hand-written; only sha256/bytes are filled in
    mf.write_manifest(mf.fill_file_info(m, pkg), pkg)


def _build_speech(tmp: Path) -> None:
    from .fixture_data import build_speech
    (tmp / "fixtures").mkdir(parents=True)
    build_speech(tmp / "fixtures")


def _build_json(fn_name: str, rel: str):
    def build(tmp: Path) -> None:
        from . import fixture_data
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        getattr(fixture_data, fn_name)(tmp / rel, seed=TOY_SEED)
    return build


def items() -> list[Item]:
    export_srcs = _src("toy.py", "export.py", "manifest.py", "validate.py", "packages.py")
    greedy, sampled = "fixtures/toy_greedy.json", "fixtures/toy_sampled.json"
    return [
        Item("toy", ["toy"], export_srcs, {"seed": TOY_SEED, "opset": 18, "tokenizer": "tokenizer.json"},
             _build_toy(None, "toy", tokenizer="tokenizer.json")),
        Item("toy-nan", ["toy-nan"], export_srcs, {"seed": TOY_SEED, "nan_token": NAN_TOKEN},
             _build_toy(NAN_TOKEN, "toy-nan")),
        Item("silero-vad", ["silero-vad"], _src("manifest.py") + [VAD_TEMPLATE, VAD_ONNX], {},
             _build_vad, libs=()),
        # espeak-ng / sox output is deterministic for a given install; their text and options
        # live in fixture_data.py, which is hashed.
        Item("speech", ["fixtures/speech16k.wav", "fixtures/speech16k.f32"],
             _src("fixture_data.py"), {}, _build_speech, libs=("numpy",)),
        Item("toy_greedy", [greedy], _src("toy.py", "fixture_data.py"), {"seed": TOY_SEED},
             _build_json("build_greedy", greedy)),
        Item("toy_sampled", [sampled], _src("toy.py", "fixture_data.py", "sampling_reference.py"),
             {"seed": TOY_SEED}, _build_json("build_sampled", sampled)),
    ] + _classifier_items() + _tokenizer_items() + _musicgen_items() + _audio_items()


def _audio_items() -> list[Item]:
    # WAV files from sox / soundfile / wave with soundfile's decodings; torchaudio resample outputs.
    from . import audio_fixtures as af
    return [Item("audio", [af.DIR], _src("audio_fixtures.py") + [PKG.parent / "requirements-reference.txt"],
                 af.params(), af.build, libs=("numpy", "torch", "soundfile"))]


def _musicgen_items() -> list[Item]:
    # MusicGen tiny package, validated vs transformers at build (weft_models/musicgen/fixture.py).
    from .musicgen import fixture as mg
    from .musicgen import generate_fixture as mgw
    return [Item(mg.NAME, [mg.NAME], mg.sources() + [PKG / "fixtures.py"], mg.PARAMS, mg.build,
                 libs=mg.LIBS),
            # transformers' greedy generate codes on that model (peer libraries are checked on it).
            Item("musicgen-tiny-generate", [mg.REFS], mg.sources() + [PKG / "fixtures.py"],
                 mg.REF_PARAMS, mg.build_refs, libs=mg.LIBS),
            # Text, continuation, batch and delay-pattern references for Weft's generator.
            Item("musicgen-weft-refs", [mgw.REFS, mgw.PROMPT],
                 mg.sources() + [PKG / "fixtures.py", PKG / "musicgen" / "generate_fixture.py",
                                 PKG / "musicgen" / "parity.py"],
                 mgw.PARAMS, mgw.build, libs=mg.LIBS)]


def _tokenizer_items() -> list[Item]:
    # Real tokenizer files, the parity corpus and reference ids (tokenizer_fixtures.py).
    from . import tokenizer_fixtures as tf
    return [Item("tokenizers", ["tokenizers"], _src("tokenizer_fixtures.py", "tokenizer_corpus.py") + tf.sources(REPO),
                 {"v": 2}, lambda tmp: tf.build(REPO, tmp),
                 libs=("tokenizers", "sentencepiece", "transformers", "protobuf")),
            # After "toy": rebuilding the toy package replaces its folder, which brings this back.
            Item("toy_tokenizer", ["toy/tokenizer.json", "fixtures/toy_tokenizer_refs.json"],
                 _src("tokenizer_fixtures.py", "tokenizer_corpus.py"), {"vocab": tf.TOY_VOCAB},
                 tf.build_toy_tokenizer, libs=("tokenizers",))]


def _classifier_items() -> list[Item]:
    from . import classifier_fixtures as cf  # light: heavy imports live inside its builders
    srcs = _src("classifier.py", "classifier_check.py", "classifier_images.py",
                "classifier_fixtures.py", "manifest.py", "validate.py")
    libs = ML_LIBS + ("torchvision", "pillow")
    return [Item("classifier-resnet18", ["classifier-resnet18"], srcs, {"crop": cf.CROP},
                 cf.build_package, libs=libs),
            Item("classifier-fixtures", ["fixtures/classifier"], srcs, {"crop": cf.CROP},
                 cf.build_fixtures, libs=libs)]


def _present(path: Path) -> bool:
    """An output counts only when it exists and, for a folder, is not empty."""
    return path.is_file() or (path.is_dir() and any(path.iterdir()))


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def run(out: Path, only: list[str] | None = None, force: bool = False) -> list[str]:
    """Rebuild stale items; returns the names rebuilt (empty when everything was current)."""
    stamps = out / ".stamps"
    stamps.mkdir(parents=True, exist_ok=True)
    rebuilt = []
    for item in items():
        if only and item.name not in only:
            continue
        stamp = stamp_of(item)
        stamp_file = stamps / item.name
        current = stamp_file.is_file() and stamp_file.read_text().strip() == stamp
        if current and not force and all(_present(out / o) for o in item.outputs):
            continue
        t0 = time.perf_counter()
        stamp_file.unlink(missing_ok=True)
        tmp = out / ".tmp" / item.name
        _remove(tmp)
        tmp.mkdir(parents=True)
        try:
            item.build(tmp)
            for rel in item.outputs:  # move into place only once every output exists
                if not (tmp / rel).exists():
                    raise RuntimeError(f"{item.name}: builder did not produce {rel}")
            for rel in item.outputs:
                (out / rel).parent.mkdir(parents=True, exist_ok=True)
                _remove(out / rel)
                (tmp / rel).replace(out / rel)
        finally:
            _remove(tmp)
        stamp_file.write_text(stamp + "\n")
        rebuilt.append(item.name)
        log.info("built %s in %.1f s", item.name, time.perf_counter() - t0)
    if (out / ".tmp").is_dir() and not any((out / ".tmp").iterdir()):
        (out / ".tmp").rmdir()
    return rebuilt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m weft_models.fixtures",
                                 description="Build model packages and test fixtures (stamped, "
                                             "idempotent; silent when nothing changed).")
    ap.add_argument("--out", type=Path, default=Path("build/models"))
    ap.add_argument("--only", nargs="*", help="item names to consider")
    ap.add_argument("--force", action="store_true", help="rebuild even when current")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="[weft fixtures] %(message)s")
    log.setLevel(logging.DEBUG if args.verbose else logging.INFO)
    try:
        run(args.out, args.only, args.force)
    except Exception as e:  # one clear line (the traceback with -v); nothing half-written stays
        log.error("%s: %s", type(e).__name__, e, exc_info=args.verbose)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
