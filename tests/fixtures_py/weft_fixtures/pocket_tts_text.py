"""Pocket TTS text front-end references (<out>/pocket_tts_text/), computed with the package itself:
pocket-tts 4.0.1's split_into_best_sentences, then prepare_text_prompt and the tokenizer on each
chunk, as TTSModel.generate_audio_stream does (pocket_tts/models/text_chunking.py, pocket_tts/modules/text_conditioner.py).

The tokenizer is the toolkit's stand-in for the released one (weft_models.pocket_tts.tokenizer: a
4000-piece SentencePiece unigram trained on standard-library docstrings, and its tokenizer.json
conversion), loaded through the package's own build_tokenizer.

Files: tokenizer.model, tokenizer.json, paragraphs.json (the texts), refs.json =
{"max_tokens": 50, "rule_sets": {name: rules as weft.json's generator.text}, "refs": {"model" |
"json": {rule set: [{"chunks": [{"text", "frames_after_eos_guess", "ids"}]} | {"error": "empty"}
per paragraph]}}}. Rules are read from the package's own config files.
"""
from __future__ import annotations

import json
import logging
import random
import shutil
from pathlib import Path

DIR = "pocket_tts_text"
MAX_TOKENS = 50  # pocket_tts.default_parameters.MAX_TOKEN_PER_CHUNK
SEED = 4001
RULE_CONFIGS = {"english": "english.yaml", "english_2m": "english_2m_2026-10.yaml",
                "english_2026_01": "english_2026-01.yaml", "french": "french.yaml"}
RULE_KEYS = {"pad_with_spaces_for_short_inputs": False, "remove_semicolons": False,
             "append_terminal_punctuation": True, "capitalize_first_letter": True,
             "replace_characters": {}}
PARAMS = {"max_tokens": MAX_TOKENS, "seed": SEED, "configs": RULE_CONFIGS, "v": 2}
LIBS = ("pocket-tts", "sentencepiece", "tokenizers", "transformers", "protobuf", "torch", "pyyaml")
TOOLKIT_SOURCES = ("pocket_tts/tokenizer.py",)


def rule_sets() -> dict:
    """Each config's text rules, the package's defaults for keys it leaves out."""
    import pocket_tts
    import yaml
    out = {}
    for name, file in RULE_CONFIGS.items():
        cfg = yaml.safe_load((Path(pocket_tts.__file__).parent / "config" / file).read_text(encoding="utf-8"))
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

def write_tokenizer(model_path: Path, json_path: Path) -> None:
    from weft_models.pocket_tts.tokenizer import to_tokenizer_json, train_tokenizer
    shutil.copyfile(train_tokenizer(), model_path)
    to_tokenizer_json(model_path, json_path)


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
    from pocket_tts.models import text_chunking as chunking
    from pocket_tts.modules import text_conditioner as conditioner
    logging.getLogger(chunking.__name__).setLevel(logging.ERROR)  # its over-long chunk warnings
    d = tmp / DIR
    d.mkdir(parents=True)
    write_tokenizer(d / "tokenizer.model", d / "tokenizer.json")
    texts = paragraphs()
    rules = rule_sets()
    refs = {}
    for kind, file in (("model", "tokenizer.model"), ("json", "tokenizer.json")):
        tok = conditioner.build_tokenizer(conditioner.DEFAULT_TOKENIZER_N_BINS, str(d / file), "sentencepiece" if kind == "model" else "tokenizers")
        refs[kind] = {name: [_case(chunking, tok, t, r) for t in texts] for name, r in rules.items()}
    (d / "paragraphs.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    (d / "refs.json").write_text(json.dumps({"max_tokens": MAX_TOKENS, "rule_sets": rules, "refs": refs},
                                            ensure_ascii=False), encoding="utf-8")
