"""Writes the fuzzers' seed inputs (tests/fuzz/seeds/<target without fuzz_>/). Run after scripts/setup.sh
built build/models:  .venv/bin/python tests/fuzz/make_seeds.py [tokenizers] [manifest] [wav]  (default: all)
  tokenizers  spm_model: a 60-piece ALBERT .model without its charsmap, and a ~330-piece BPE .model
              trained here (byte fallback, a user-defined piece; and a copy with control and unused
              pieces); tokenizer_json: four small tokenizer.json files (one per model family), Split
              pre-tokenizers (LLaMA-3's and Qwen2's regex, string patterns, every behavior, invert),
              added tokens with every lstrip / rstrip / single_word / normalized combination, NFC,
              pair templates; encode: a mixed text and one dense in added-token look-alikes
  manifest    every weft.json the project builds (minified), alone and followed by a NUL byte and
              generator options for its type
  wav         the audio fixtures' WAV files cut to a few frames (sizes in their headers fixed up), and
              a few written here (every encoding, WAVE_FORMAT_EXTENSIBLE, odd chunks, unknown size)
"""
import json
import math
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests/fuzz/seeds"
MODELS = ROOT / "build/models"


def tokenizers() -> None:
    from sentencepiece import sentencepiece_model_pb2 as pb
    d = SEEDS
    for sub in ("tokenizer_json", "spm_model", "encode"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    m = pb.ModelProto()
    m.ParseFromString((ROOT / "build/models/tokenizers/albert.model").read_bytes())
    del m.pieces[60:]
    m.normalizer_spec.precompiled_charsmap = b""
    (d / "spm_model/tiny.model").write_bytes(m.SerializeToString())
    spm_bpe_seed()
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
    for name, j in [("bpe", bpe), ("gpt", gpt), ("wordpiece", wp), ("unigram", uni)] + split_seeds() + added_seeds():
        (d / f"tokenizer_json/{name}.json").write_text(json.dumps(j, ensure_ascii=False))
    (d / "encode/mixed.txt").write_bytes(
        "Hello wörld \t 😀👨‍👩‍👧 e\u0301 ＡＢＣ 中文 <s>[CLS]</s> ".encode() + b"\xff\xf0\x9f\x98")
    (d / "encode/added_prefixes.txt").write_text(
        "<|im_start|>user <<a> \u201cq\u201d \u2014\u2013- \u2581\u2581x \u200d\U0001F468\u200d\U0001F469 <|end <s</s> [CLS [X] ",
        encoding="utf-8")


# The two regexes current files ship (Split is refused with any other).
LLAMA3_RE = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
             r"\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2_RE = LLAMA3_RE.replace(r"\p{N}{1,3}", r"\p{N}")
BEHAVIORS = ("Removed", "Isolated", "MergedWithPrevious", "MergedWithNext", "Contiguous")


def _byte_bpe(pre, normalizer=None, added=(), post=None):
    """A byte-level BPE over a few merges with the given pre-tokenizer (ByteLevel after it)."""
    vocab = {c: i for i, c in enumerate(["a", "b", "Ġ", "Ċ", "ab", "Ġa", "<", ">", "x"])}
    return {"model": {"type": "BPE", "vocab": vocab, "merges": ["a b", "Ġ a"], "ignore_merges": True},
            "normalizer": normalizer, "added_tokens": list(added), "post_processor": post,
            "pre_tokenizer": {"type": "Sequence", "pretokenizers": [pre, {"type": "ByteLevel", "add_prefix_space": False,
                                                                          "use_regex": False}]},
            "decoder": {"type": "ByteLevel"}}


def split_seeds():
    """Split with each regex and with string patterns, every behavior, invert off and on."""
    out = [(f"split_{n}", _byte_bpe({"type": "Split", "pattern": {"Regex": r}, "behavior": "Isolated", "invert": False},
                                    normalizer={"type": "NFC"} if n == "qwen2" else None))
           for n, r in (("llama3", LLAMA3_RE), ("qwen2", QWEN2_RE))]
    for i, b in enumerate(BEHAVIORS):
        for invert in (False, True):
            pattern = {"String": [" ", "ab", "\u2581", "<>"][i % 4]}
            out.append((f"split_{b}_{int(invert)}", _byte_bpe({"type": "Split", "pattern": pattern, "behavior": b, "invert": invert})))
    return out


def added_seeds():
    """Added tokens with every lstrip / rstrip / single_word / normalized combination, with a
    lowercasing + NFC normalizer (normalized tokens are matched after it), and a pair template."""
    added = []
    for k in range(16):
        ls, rs, sw, nz = (bool(k & m) for m in (1, 2, 4, 8))
        added.append({"id": 100 + k, "content": ["<x>", "Ab", "\u2014", "\u2581", "a b", "\u201c", "<", "x>"][k % 8] + "!" * (k // 8),
                      "special": k % 3 == 0, "lstrip": ls, "rstrip": rs, "single_word": sw, "normalized": nz})
    norm = {"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Lowercase"}]}
    pair = {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<x>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<x>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "<x>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<x>": {"id": "<x>", "ids": [100], "tokens": ["<x>"]}}}
    split = {"type": "Split", "pattern": {"Regex": LLAMA3_RE}, "behavior": "Isolated", "invert": False}
    return [("added_rules", _byte_bpe(split, normalizer=norm, added=added, post=pair)),
            ("roberta_pair", _byte_bpe(split, post={"type": "RobertaProcessing", "sep": ["x", 8], "cls": ["<", 6]}))]


def spm_bpe_seed() -> None:
    """A small SentencePiece BPE .model (256 byte pieces, ~70 merges, one user-defined piece)."""
    import io
    import sentencepiece as spm
    text = ["Hello world, the quick brown fox jumps over the lazy dog.", "Weft runs models on device <sep> again",
            "tokenizers merge the best scoring pair first"] * 20
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(text), model_writer=buf, model_type="bpe", vocab_size=330,
                                   byte_fallback=True, user_defined_symbols=["<sep>"], normalization_rule_name="identity",
                                   character_coverage=1.0, num_threads=1, minloglevel=2)
    (SEEDS / "spm_model/tiny_bpe.model").write_bytes(buf.getvalue())
    from sentencepiece import sentencepiece_model_pb2 as pb
    m = pb.ModelProto()
    m.ParseFromString(buf.getvalue())
    merged = [p for p in m.pieces if p.type == pb.ModelProto.SentencePiece.NORMAL and len(p.piece) > 1]
    for p in merged[:20:3]:
        p.type = pb.ModelProto.SentencePiece.UNUSED  # sentencepiece splits these back into their parts
    merged[25].type = pb.ModelProto.SentencePiece.CONTROL
    (SEEDS / "spm_model/tiny_bpe_unused.model").write_bytes(m.SerializeToString())


# Generator options per generator type: valid requests first, then edge cases the parser must refuse or clamp.
OPTIONS = {
    "decoder": [{"prompt": [1, 2, 3], "max_new_tokens": 4},
                {"prompt": [5], "max_new_tokens": 2, "do_sample": True, "temperature": 0.7, "top_k": 20, "top_p": 0.9,
                 "min_p": 0.05, "repetition_penalty": 1.2, "seed": "18446744073709551615", "eos_token_id": [2, 3]},
                {"prompt": [0], "eos_token_id": 7, "seed": 42, "max_new_tokens": 1},
                {"prompt": [], "max_new_tokens": 0}],
    "stream": [{}],
    "classifier": [{"width": 224, "height": 160, "top_k": 3}, {"width": 1, "height": 1}],
    "musicgen": [{"text_ids": [[1, 2, 3], [4, 5]], "seconds": 0.2, "guidance_scale": 3.0, "do_sample": True, "top_k": 250,
                  "top_p": 0.0, "temperature": 1.0, "seed": 7, "return_codes": True},
                 {"batch": 2, "max_new_frames": 8, "guidance_scale": 1, "do_sample": False,
                  "stream": {"window": 4, "context": 2, "lookahead": 2, "crossfade": 1}},
                 {"text_ids": [[9]], "text_mask": [[1]], "text_pad_id": 0, "prompt_samples": 4000, "prompt_channels": 2,
                  "prompt_sample_rate": 44100, "prompts": 1, "seconds": 0.5, "stream": True, "top_p": 0.5},
                 {"text_ids": [[1, 2], [3, 0]], "text_mask": [[1, 1], [1, 0]], "max_new_frames": 3, "prompts": 2,
                  "prompt_samples": 2560}],
}


def manifest() -> None:
    d = SEEDS / "manifest"
    d.mkdir(parents=True, exist_ok=True)
    for old in d.iterdir():
        old.unlink()
    paths = sorted(MODELS.glob("*/weft.json")) + sorted((ROOT / "manifests").glob("*.json"))
    if not any(p.parent.name == "toy" for p in paths):
        sys.exit(f"no weft.json under {MODELS}: run scripts/setup.sh first")
    seen = set()
    for path in paths:
        name = path.parent.name if path.name == "weft.json" else path.name.split(".")[0]
        m = json.loads(path.read_text())
        for drop in ("source", "validation"):  # provenance only: the core ignores them
            m.pop(drop, None)
        text = json.dumps(m, separators=(",", ":"), ensure_ascii=False).encode()
        kind = m["generator"]["type"]
        if (kind, len(m["components"])) in seen and name != "silero-vad-v5":
            continue  # toy-nan: the same manifest as toy
        seen.add((kind, len(m["components"])))
        if len(text) > 64 * 1024:
            print(f"skipping {path}: {len(text)} bytes", file=sys.stderr)
            continue
        (d / f"{name}.json").write_bytes(text)
        for i, o in enumerate(OPTIONS[kind]):
            (d / f"{name}+options{i}").write_bytes(text + b"\0" + json.dumps(o, separators=(",", ":")).encode())


def _chunks(b: bytes):
    at = 12
    while at + 8 <= len(b):
        cid, size = b[at:at + 4], struct.unpack_from("<I", b, at + 4)[0]
        yield at, cid, size
        if cid == b"data":
            return
        at += 8 + size + (size & 1)


def _cut_wav(b: bytes, frames: int) -> bytes:
    """The file with its data chunk cut to `frames` frames (a partial frame kept), sizes fixed up."""
    if len(b) < 12 or b[:4] != b"RIFF" or b[8:12] != b"WAVE":
        return b[:1024]
    align, data = None, None
    for at, cid, size in _chunks(b):
        if cid == b"fmt " and size >= 16:
            align = struct.unpack_from("<H", b, at + 8 + 12)[0]
        if cid == b"data":
            data = (at, size)
    if not align or data is None:
        return b[:1024]
    at, size = data
    body = at + 8
    if size == 0xFFFFFFFF:  # runs to the end of the file
        return b[:body + frames * align]
    keep = min(size, frames * align + size % align)
    after = b[body + size + (size & 1):]
    out = bytearray(b[:body] + b[body:body + keep] + (b"\0" if keep & 1 else b"") + after)
    struct.pack_into("<I", out, at + 4, keep)
    if struct.unpack_from("<I", b, 4)[0] == len(b) - 8:  # a correct RIFF size stays correct
        struct.pack_into("<I", out, 4, len(out) - 8)
    return bytes(out)


def wav() -> None:
    src = MODELS / "fixtures/audio"
    d = SEEDS / "wav"
    d.mkdir(parents=True, exist_ok=True)
    for old in d.iterdir():
        old.unlink()
    names = sorted(p.name for p in src.glob("*.wav"))
    if not names:
        sys.exit(f"no WAV files in {src}: run scripts/setup.sh first")
    bad_kept = {"bad_block_align.wav", "bad_ext_subformat.wav", "bad_float_nan.wav", "bad_truncated_chunk.wav",
                "bad_ms-adpcm.wav", "bad_truncated_data.wav", "bad_zero_channels.wav"}
    for n in names:
        if n.startswith("bad_") and n not in bad_kept:
            continue
        (d / n).write_bytes(_cut_wav((src / n).read_bytes(), 24))
    # One written here: 3 channels of float64 behind a LIST chunk of odd size, WAVE_FORMAT_EXTENSIBLE.
    frames, ch, rate = 5, 3, 24000
    samples = b"".join(struct.pack("<d", math.sin(0.3 * i)) for i in range(frames * ch))
    guid = struct.pack("<H", 3) + bytes([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71])
    fmt = struct.pack("<HHIIHHHHI", 0xFFFE, ch, rate, rate * ch * 8, ch * 8, 64, 22, 64, 0) + guid
    body = b"WAVE" + b"LIST" + struct.pack("<I", 5) + b"INFOx\0" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(samples)) + samples
    (d / "written_ext_float64_3ch_list.wav").write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)


if __name__ == "__main__":
    jobs = {"tokenizers": tokenizers, "manifest": manifest, "wav": wav}
    for job in sys.argv[1:] or list(jobs):
        jobs[job]()
