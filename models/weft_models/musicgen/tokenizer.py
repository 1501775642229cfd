"""The text tokenizer file of a package: the checkpoint's own tokenizer.json when it has one,
otherwise (random-weight builds) a small T5-style Unigram tokenizer with the T5 conventions
(<pad>=0, </s>=1, <unk>=2, Metaspace, "</s>" appended) over the model's text vocabulary.
Beside it, tokenizer_config.json: transformers.js' AutoTokenizer reads the tokenizer class there."""
from __future__ import annotations

import json
import shutil
import string
from pathlib import Path

CONFIG = {"tokenizer_class": "T5Tokenizer", "model_max_length": 512, "pad_token": "<pad>",
          "eos_token": "</s>", "unk_token": "<unk>", "extra_ids": 0}


def write_tokenizer_config(out: Path, src_dir: Path | None = None) -> Path:
    dst = Path(out) / "tokenizer_config.json"
    if src_dir is not None and (Path(src_dir) / "tokenizer_config.json").is_file():
        shutil.copyfile(Path(src_dir) / "tokenizer_config.json", dst)
    else:
        dst.write_text(json.dumps(CONFIG, indent=2) + "\n")
    return dst


def write_tokenizer(out: Path, vocab_size: int, src_dir: Path | None = None) -> Path:
    write_tokenizer_config(out, src_dir)
    dst = Path(out) / "tokenizer.json"
    if src_dir is not None and (Path(src_dir) / "tokenizer.json").is_file():
        shutil.copyfile(Path(src_dir) / "tokenizer.json", dst)
        return dst
    from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram
    pieces = ["<pad>", "</s>", "<unk>", "\u2581"]
    words = ("music jazz piano rock drums bass guitar beat calm upbeat electronic ambient "
             "lofi happy sad slow fast with and a the of 80s").split()
    pieces += ["\u2581" + w for w in words] + list(string.ascii_lowercase + string.digits + ".,!")
    pieces = pieces[:vocab_size]
    vocab = [(p, 0.0 if i < 3 else -float(i) / 10) for i, p in enumerate(pieces)]
    tok = Tokenizer(Unigram(vocab, unk_id=2, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    tok.post_processor = processors.TemplateProcessing(single="$A </s>",
                                                       special_tokens=[("</s>", 1)])
    tok.save(str(dst))
    return dst
