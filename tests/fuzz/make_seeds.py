"""Writes the fuzzers' seed inputs (tests/fuzz/seeds/): a 60-piece ALBERT .model without its
charsmap, four small tokenizer.json files (one per model family) and a mixed text. Run once:
  .venv/bin/python tests/fuzz/make_seeds.py   (needs build/models/tokenizers/albert.model)
"""
import json
from pathlib import Path

from sentencepiece import sentencepiece_model_pb2 as pb

ROOT = Path(__file__).resolve().parents[2]
d = ROOT / "tests/fuzz/seeds"
for sub in ("json", "spm", "encode"):
    (d / sub).mkdir(parents=True, exist_ok=True)
m = pb.ModelProto()
m.ParseFromString((ROOT / "build/models/tokenizers/albert.model").read_bytes())
del m.pieces[60:]
m.normalizer_spec.precompiled_charsmap = b""
(d / "spm/tiny.model").write_bytes(m.SerializeToString())
bpe = {"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2, "<unk>": 3, "<0x41>": 4}, "merges": ["a b"],
                 "unk_token": "<unk>", "fuse_unk": True, "byte_fallback": True},
       "added_tokens": [{"id": 3, "content": "<unk>", "special": True}],
       "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"},
                                                          {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
       "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
                                                    {"type": "ByteFallback"}, {"type": "Fuse"},
                                                    {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
       "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<unk>"}}, {"Sequence": {"id": "A"}}],
                          "special_tokens": {"<unk>": {"id": "<unk>", "ids": [3]}}}}
gpt = {"model": {"type": "BPE", "vocab": {"a": 0, "Ġ": 1, "Ġa": 2}, "merges": [["Ġ", "a"]]},
       "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False}, "decoder": {"type": "ByteLevel"}}
wp = {"model": {"type": "WordPiece", "vocab": {"[UNK]": 0, "a": 1, "##b": 2, "[CLS]": 3, "[SEP]": 4}, "unk_token": "[UNK]"},
      "normalizer": {"type": "BertNormalizer"}, "pre_tokenizer": {"type": "BertPreTokenizer"},
      "post_processor": {"type": "BertProcessing", "cls": ["[CLS]", 3], "sep": ["[SEP]", 4]}, "decoder": {"type": "WordPiece"}}
uni = {"model": {"type": "Unigram", "vocab": [["<unk>", 0.0], ["▁a", -1.0], ["b", -2.0], ["▁", -3.0]], "unk_id": 0},
       "normalizer": {"type": "Sequence", "normalizers": [{"type": "Strip", "strip_left": False, "strip_right": True},
                                                          {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": "▁"}]},
       "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True},
       "decoder": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always"}}
for name, j in [("bpe", bpe), ("gpt", gpt), ("wordpiece", wp), ("unigram", uni)]:
    (d / f"json/{name}.json").write_text(json.dumps(j, ensure_ascii=False))
(d / "encode/mixed.txt").write_bytes(
    "Hello wörld \t 😀👨‍👩‍👧 e\u0301 ＡＢＣ 中文 <s>[CLS]</s> ".encode() + b"\xff\xf0\x9f\x98")
