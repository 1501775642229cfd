"""The tokenizer parity corpus covers the kinds of text it must. (The tokenizer fuzzers run in the
`fuzz` suite of scripts/test-all.sh, through scripts/fuzz.sh.)"""
from __future__ import annotations

from weft_fixtures.corpus import lines


def test_corpus_covers_the_required_kinds_of_text():
    corpus = lines()
    assert len(corpus) >= 20000 and corpus == lines()  # deterministic
    texts = [b.decode("utf-8", "replace") for b in corpus]
    invalid = [b for b in corpus if b.decode("utf-8", "replace").encode() != b]
    assert len(invalid) > 500
    has = lambda pred: sum(1 for t in texts if pred(t))  # noqa: E731
    assert has(lambda t: "\u200d" in t and any(ord(c) > 0x1F000 for c in t)) > 100  # emoji ZWJ sequences
    assert has(lambda t: "\u0301" in t) > 100                                       # combining marks
    assert has(lambda t: any(0xFF01 <= ord(c) <= 0xFF5E for c in t)) > 100          # full-width forms
    assert has(lambda t: "\t" in t) > 1000 and has(lambda t: "    " in t) > 100    # tabs, space runs
    assert has(lambda t: any("\u4e00" <= c <= "\u9fff" for c in t)) > 1000         # CJK
    assert has(lambda t: any("\u0600" <= c <= "\u06ff" for c in t)) > 100          # Arabic
    assert has(lambda t: any("\u0900" <= c <= "\u097f" for c in t)) > 100          # Devanagari
    assert has(lambda t: len(t) > 5000) >= 20                                       # very long lines
    assert has(lambda t: "return" in t and "{" in t) > 500                          # code
    assert all(b"\n" not in b for b in corpus)

