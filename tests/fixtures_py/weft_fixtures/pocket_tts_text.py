"""Pocket TTS text front-end references (<out>/pocket_tts_text/), computed with the package itself:
pocket-tts 4.0.1's split_into_best_sentences, then prepare_text_prompt and the tokenizer on each
chunk, as TTSModel.generate_audio_stream does (models/text_chunking.py, modules/text_conditioner.py).

The model's real 4000-piece tokenizer is not redistributable here, so a 4000-piece SentencePiece
Unigram is trained from text made on this machine (the docstrings of a fixed list of standard
library modules, plus the paragraphs below), one thread (reproducible), and converted to a
tokenizer.json with transformers' SpmConverter, as the package ships either file.

Files: tokenizer.model, tokenizer.json, paragraphs.json (the texts), refs.json =
{"max_tokens": 50, "rule_sets": {name: rules as weft.json's generator.text}, "refs": {"model" |
"json": {rule set: [{"chunks": [{"text", "frames_after_eos_guess", "ids"}]} | {"error": "empty"}
per paragraph]}}}. Rules are read from the package's own config files.

The package comes from .venv/reference (models/requirements-reference.txt) or the folder named by
WEFT_POCKET_TTS_SRC; only these two modules are loaded (its __init__ would import the whole model),
with download_if_necessary stubbed to the identity (local files only).
"""
from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import random
import sys
import types
from pathlib import Path

DIR = "pocket_tts_text"
VOCAB = 4000
MAX_TOKENS = 50  # pocket_tts.default_parameters.MAX_TOKEN_PER_CHUNK
SEED = 4001
RULE_CONFIGS = {"english": "english.yaml", "english_2m": "english_2m_2026-10.yaml",
                "english_2026_01": "english_2026-01.yaml", "french": "french.yaml"}
RULE_KEYS = {"pad_with_spaces_for_short_inputs": False, "remove_semicolons": False,
             "append_terminal_punctuation": True, "capitalize_first_letter": True,
             "replace_characters": {}}
DOC_MODULES = ("argparse", "collections", "json", "re", "string", "textwrap", "pathlib", "typing",
               "datetime", "decimal", "fractions", "statistics", "random", "logging", "functools",
               "itertools", "shutil", "tarfile", "zipfile", "csv", "threading", "calendar",
               "difflib", "inspect", "unittest", "subprocess", "email.message", "urllib.parse",
               "http.client", "configparser", "heapq", "bisect", "enum", "dataclasses")
PARAMS = {"vocab": VOCAB, "max_tokens": MAX_TOKENS, "seed": SEED, "configs": RULE_CONFIGS,
          "modules": DOC_MODULES, "v": 1}
LIBS = ("sentencepiece", "tokenizers", "transformers", "protobuf", "torch", "pyyaml")


def package_dir() -> Path:
    """The pocket_tts source folder (the one holding models/text_chunking.py)."""
    env = os.environ.get("WEFT_POCKET_TTS_SRC")
    candidates = ([Path(env)] if env else []) + [Path(sys.prefix) / "reference"]
    for base in candidates:
        for d in (base / "pocket_tts", base):
            if (d / "models/text_chunking.py").is_file():
                return d
    raise FileNotFoundError("pocket_tts 4.0.1 not found in .venv/reference (models/requirements-reference.txt) "
                            "nor in WEFT_POCKET_TTS_SRC")


def sources() -> list[Path]:
    d = package_dir()
    return [d / "models/text_chunking.py", d / "modules/text_conditioner.py"] + \
        [d / "config" / c for c in RULE_CONFIGS.values()]


@contextlib.contextmanager
def _stub_packages(root: Path):
    """pocket_tts, its subpackages and utils.utils as bare modules, removed again afterwards."""
    saved = {k: v for k, v in sys.modules.items() if k == "pocket_tts" or k.startswith("pocket_tts.")}
    for name, sub in (("pocket_tts", ""), ("pocket_tts.models", "models"),
                      ("pocket_tts.modules", "modules"), ("pocket_tts.utils", "utils")):
        m = types.ModuleType(name)
        m.__path__ = [str(root / sub)]
        sys.modules[name] = m
    utils = types.ModuleType("pocket_tts.utils.utils")
    utils.download_if_necessary = lambda p: p
    sys.modules["pocket_tts.utils.utils"] = utils
    try:
        yield
    finally:
        for k in [k for k in sys.modules if k == "pocket_tts" or k.startswith("pocket_tts.")]:
            del sys.modules[k]
        sys.modules.update(saved)


def load_reference():
    """(text_chunking, text_conditioner) modules of the package."""
    root = package_dir()
    mods = []
    with _stub_packages(root):
        for name, rel in (("pocket_tts.modules.text_conditioner", "modules/text_conditioner.py"),
                          ("pocket_tts.models.text_chunking", "models/text_chunking.py")):
            spec = importlib.util.spec_from_file_location(name, root / rel)
            mod = importlib.util.module_from_spec(spec)
            sys.modules[name] = mod
            spec.loader.exec_module(mod)
            mods.append(mod)
    return mods[1], mods[0]


def rule_sets() -> dict:
    """Each config's text rules, the package's defaults for keys it leaves out."""
    import yaml
    out = {}
    for name, file in RULE_CONFIGS.items():
        cfg = yaml.safe_load((package_dir() / "config" / file).read_text(encoding="utf-8"))
        out[name] = {k: default if cfg.get(k) is None else cfg[k] for k, default in RULE_KEYS.items()}
        out[name]["replace_characters"] = dict(out[name]["replace_characters"])
    return out


# ---- paragraphs -----------------------------------------------------------------------------

FIXED = [
    "Hello world", "hello world.", "  leading and trailing spaces  ", "   \n\t  ",
    "Pi is about 3.14, and e is 2.718. Both are irrational!", "It costs $1,000.50. That is a lot.",
    "Mr. Smith met Dr. Jones at 10:30 a.m. on Jan. 5th, e.g. for coffee.",
    "Version 1.2.3 shipped. Then 2.0 came out... and 3.14159 followed.",
    "\"Hi?\", she said. \"Yes!\"; he answered: 'fine'.", "“Curly quotes,” he said, “are tricky.”",
    "‘Single curly’ and don’t forget it’s here.", "She said \"wait\"", "He left (quietly)",
    "A list: apples, pears; plums — and more —", "Trailing dash -", "Trailing en dash –",
    "Ends with a comma,", "Ends with a colon:", "Ends with closers,\")", "Ellipsis at the end…",
    "Wait... what?! Really?!? Yes.", "Semicolons; everywhere; here; too.", "One two three four",
    "One two three four five", "ßtraße ist lang. Übermäßig groß!", "ŉ is odd. ǆ too; ﬁne.",
    "élan vital, naïve café, déjà vu — résumé.", "Καλημέρα κόσμε. Πώς είσαι;",
    "Съешь же ещё этих мягких французских булок. Да выпей чаю!", "你好，世界。我们正在测试。",
    "日本語のテキスト。これは文です", "Emoji time 😀👍🏽 is fun. 🎉 Party!", "x². 3 is next. ٣.١٤ too.",
    "Line one\nline two\r\nline three", "Tabs\tand\u00a0no-break\u2003em\u3000ideographic spaces",
    "File\x1cseparators\x1dare\x1espace\x1fin Python.", "  \u2028line separator\u2029para",
    "1. First item. 2. Second item. 3. Third item.", "The value is 0.5. Then 5. Then .5 alone.",
    "U.S.A. and U.K. are abbreviations.", "Numbers: 1,234,567.89 and 98.6% and -273.15 degrees.",
    "?!", "...", "—", "\"\"", "a", "ǅemal", "ﬀ ligature first", "İstanbul is big. ı is dotless.",
]

WORDS = ("time person year way day thing man world life hand part child eye woman place work week "
         "case point government company number group problem fact be have do say get make go know "
         "take see come think look want give use find tell ask seem feel try leave call good new "
         "first last long great little own other old right big high different small large next early "
         "young important few public bad same able").split()
EXTRAS = ["3.14", "$1,000.50", "Mr.", "Dr.", "e.g.", "i.e.", "etc.", "“quoted”", "\"straight\"",
          "don’t", "it's", "café", "Straße", "naïve", "Ωμέγα", "привет", "東京", "🙂", "42", "7.5%",
          "(aside)", "[note]", "«guillemets»", "„low quote“", "¿qué?", "¡olé!", "10:45", "–", "—"]
ENDS = [".", ".", ".", "!", "?", "...", "…", ";", ",", ":", " -", " —", "", "\"", ".\"", "?)", "…”"]


def _sentence(rng: random.Random, n_words: int, commas: bool) -> str:
    words = []
    for i in range(n_words):
        w = rng.choice(EXTRAS) if rng.random() < 0.12 else rng.choice(WORDS)
        words.append(w + ("," if commas and i % 7 == 6 and i < n_words - 1 else ""))
    s = " ".join(words)
    if rng.random() < 0.7:
        s = s[0].upper() + s[1:]
    return s + rng.choice(ENDS)


def paragraphs(n: int = 240) -> list[str]:
    """FIXED, then generated paragraphs (long sentences with and without commas, mixed joins)."""
    rng = random.Random(SEED)
    out = list(FIXED)
    while len(out) < n:
        sentences = []
        for _ in range(rng.randint(1, 7)):
            long = rng.random() < 0.25
            n_words = rng.randint(45, 90) if long else rng.randint(1, 18)
            sentences.append(_sentence(rng, n_words, commas=rng.random() < 0.6))
        joins = [" ", " ", " ", "  ", "\n", "\n\n", "\t", " \u00a0"]
        text = sentences[0]
        for s in sentences[1:]:
            text += rng.choice(joins) + s
        if rng.random() < 0.2:
            text = rng.choice([" ", "\n", "  "]) + text + rng.choice([" ", "\n", ""])
        out.append(text)
    return out


# ---- tokenizer ------------------------------------------------------------------------------

def _docstrings() -> list[str]:
    import importlib
    import inspect
    lines = []
    for name in DOC_MODULES:
        mod = importlib.import_module(name)
        docs = [inspect.getdoc(mod) or ""]
        for _, member in sorted(vars(mod).items()):
            if getattr(member, "__module__", None) == mod.__name__:
                docs.append(inspect.getdoc(member) or "")
        lines += [l.strip() for d in docs for l in d.splitlines() if l.strip()]
    return lines


def train_tokenizer(model_path: Path, json_path: Path) -> None:
    import io
    import sentencepiece as spm
    from transformers.convert_slow_tokenizer import SpmConverter
    texts = _docstrings() + [p for p in paragraphs() for _ in range(3)]
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(texts), model_writer=buf, model_type="unigram",
                                   vocab_size=VOCAB, num_threads=1, minloglevel=2)
    model_path.write_bytes(buf.getvalue())

    class Shim:  # SpmConverter reads only the model file from a slow tokenizer
        vocab_file = str(model_path)
    SpmConverter(Shim()).converted().save(str(json_path))


# ---- references -----------------------------------------------------------------------------

def _case(chunking, tokenizer, text: str, rules: dict) -> dict:
    args = (rules["pad_with_spaces_for_short_inputs"], rules["remove_semicolons"],
            rules["append_terminal_punctuation"], rules["capitalize_first_letter"],
            rules["replace_characters"])
    try:
        chunks = chunking.split_into_best_sentences(tokenizer, text, MAX_TOKENS, *args)
        out = []
        for chunk in chunks:  # generate_audio_stream
            prepared, guess = chunking.prepare_text_prompt(chunk, *args)
            ids = tokenizer(prepared)[0].tolist()  # LUTConditioner.prepare
            out.append({"text": prepared, "frames_after_eos_guess": guess + 2, "ids": ids})
        return {"chunks": out}
    except ValueError as e:
        if "cannot be empty" not in str(e):
            raise
        return {"error": "empty"}


def build(tmp: Path) -> None:
    chunking, conditioner = load_reference()
    d = tmp / DIR
    d.mkdir(parents=True)
    train_tokenizer(d / "tokenizer.model", d / "tokenizer.json")
    texts = paragraphs()
    rules = rule_sets()
    refs = {}
    for kind, file in (("model", "tokenizer.model"), ("json", "tokenizer.json")):
        tok = conditioner.build_tokenizer(VOCAB, str(d / file), "sentencepiece" if kind == "model" else "tokenizers")
        refs[kind] = {name: [_case(chunking, tok, t, r) for t in texts] for name, r in rules.items()}
    (d / "paragraphs.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    (d / "refs.json").write_text(json.dumps({"max_tokens": MAX_TOKENS, "rule_sets": rules, "refs": refs},
                                            ensure_ascii=False), encoding="utf-8")
