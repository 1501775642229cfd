"""The presets' tokenizer: a deterministic SentencePiece unigram model of the released models'
size (4000 pieces, no byte fallback, sentencepiece's default NFKC rules), trained on a corpus
built from the docstrings of Python's standard library, and its `tokenizer.json` conversion.

The released tokenizers are not redistributable here; the stand-in has their kind and size, so
the package's text path (normalization, unigram search, ids up to n_bins - 1) is exercised the
same way. Training takes a few seconds; the result is cached (keyed by the corpus and the
training options) so repeated exports reuse it.
"""
from __future__ import annotations

import ast
import hashlib
import json
import logging
import os
import sysconfig
from pathlib import Path

log = logging.getLogger(__name__)

VOCAB = 4000
TRAIN_OPTIONS = {"model_type": "unigram", "vocab_size": VOCAB, "byte_fallback": False,
                 "character_coverage": 0.9995, "num_threads": 1,
                 "shuffle_input_sentence": False, "input_sentence_size": 0,
                 "max_sentence_length": 4192, "minloglevel": 2,
                 # Docstrings are rare in some characters text is full of ("!", "?", "$", accents):
                 # a real TTS tokenizer has them, so the stand-in must too.
                 "required_chars": "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" + "".join(
                     chr(c) for c in range(0xC0, 0x100) if c not in (0xD7, 0xF7)) + "\u2019\u2018\u201c\u201d\u2026\u2013\u2014"}
CORPUS_MODULES = 400   # stdlib files read, in sorted order
CORPUS_CHARS = 1_500_000


def cache_dir() -> Path:
    """$WEFT_CACHE, else the repository's build/ (the toolkit lives in models/), else ./build."""
    env = os.environ.get("WEFT_CACHE")
    if env:
        return Path(env) / "pocket_tts"
    repo = Path(__file__).resolve().parents[3]
    base = repo / "build" if (repo / "models" / "weft_models").is_dir() else Path("build")
    return base / "pocket_tts"


def _docstrings(path: Path) -> list[str]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return []
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node)
            if doc:
                out.append(doc)
    return out


def corpus_lines() -> list[str]:
    """Sentences-ish lines from the stdlib's docstrings, deterministic for a Python version."""
    root = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in root.glob("*.py"))[:CORPUS_MODULES]
    lines, size = [], 0
    for f in files:
        for doc in _docstrings(f):
            for para in doc.split("\n\n"):
                line = " ".join(para.split())
                if len(line) > 20:
                    lines.append(line)
                    size += len(line)
        if size >= CORPUS_CHARS:
            break
    return lines


def train_tokenizer(dest_dir: Path | None = None) -> Path:
    """The cached stand-in `tokenizer.model` (trained on first use)."""
    import sentencepiece as spm
    lines = corpus_lines()
    key = hashlib.sha256(json.dumps([TRAIN_OPTIONS, spm.__version__]).encode()
                         + "\n".join(lines).encode()).hexdigest()[:16]
    folder = Path(dest_dir) if dest_dir else cache_dir()
    model = folder / f"stand-in-{key}.model"
    if model.is_file():
        return model
    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / f"corpus-{key}.txt"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    prefix = folder / f"tmp-{key}-{os.getpid()}"
    log.info("training the stand-in tokenizer (%d lines)", len(lines))
    spm.SentencePieceTrainer.train(input=str(corpus), model_prefix=str(prefix), **TRAIN_OPTIONS)
    Path(f"{prefix}.model").replace(model)
    Path(f"{prefix}.vocab").unlink(missing_ok=True)
    corpus.unlink()
    return model


def to_tokenizer_json(spm_model: Path, dest: Path) -> Path:
    """tokenizer.json (Hugging Face tokenizers) converted from a unigram .model with transformers'
    SentencePiece converter; its ids are checked equal to sentencepiece's on the corpus."""
    from types import SimpleNamespace

    from transformers.convert_slow_tokenizer import SpmConverter
    tok = SpmConverter(SimpleNamespace(vocab_file=str(spm_model), add_prefix_space=True,
                                       legacy=True)).converted()
    tok.save(str(dest))
    check_same_ids(spm_model, dest)
    return dest


def check_same_ids(spm_model: Path, tokenizer_json: Path, lines: list[str] | None = None) -> None:
    import sentencepiece as spm
    from tokenizers import Tokenizer
    sp = spm.SentencePieceProcessor(model_file=str(spm_model))
    tj = Tokenizer.from_file(str(tokenizer_json))
    for line in (lines or corpus_lines()[:300]) + ["Hello world.", "  two  spaces ", "Ünïcödé ½"]:
        a, b = sp.encode(line, out_type=int), tj.encode(line).ids
        # Two segmentations of equal score ("11" "1" or "1" "11") are a tie that sentencepiece and
        # tokenizers break differently; the core follows each file's own library.
        tie = ("".join(map(sp.id_to_piece, a)) == "".join(map(sp.id_to_piece, b))
               and abs(sum(map(sp.get_score, a)) - sum(map(sp.get_score, b))) < 1e-4)
        if a != b and not tie:
            raise RuntimeError(f"{tokenizer_json.name}: ids differ from sentencepiece on {line!r}: "
                               f"{a[:12]} vs {b[:12]}")
