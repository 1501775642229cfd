"""The tokenizer parity corpus covers what the issue lists, and the tokenizer fuzzers run clean
for a bounded time (scripts/fuzz-tokenizers.sh replays kept crashes, then fuzzes)."""
from __future__ import annotations

import os
import subprocess

from weft_fixtures.corpus import lines

from conftest import REPO


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


def test_tokenizer_fuzzers_run_clean_for_a_bounded_time():
    env = dict(os.environ, FUZZ_SECONDS=os.environ.get("WEFT_FUZZ_SECONDS", "8"))
    r = subprocess.run(["bash", str(REPO / "scripts/fuzz-tokenizers.sh")], env=env, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr[-4000:]
    assert r.stdout.count("no crash") == 3, r.stdout
