"""An audiocraft fine-tune (LM-only `state_dict.bin` with its xp.cfg) exported over the Hugging
Face model it came from (`--base`): the package's T5, EnCodec and tokenizer are the base's, byte
for byte the same as the base's own package, and its LM weights are the fine-tune's. Without a
base the export is refused; an xp.cfg or base folder that does not fit is named."""
from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
import torch
import yaml

SHARED = ("text_encoder.onnx", "encodec_encode.onnx", "encodec_decode.onnx", "tokenizer.json")


def xp_cfg(**lm) -> str:
    """A small audiocraft experiment config matching the tiny preset (fields as audiocraft's
    exported xp.cfg spells them, one `${}` reference included)."""
    cfg = {"sample_rate": 32000, "channels": 1,
           "dataset": {"segment_duration": 12, "channels": "${channels}"},
           "transformer_lm": {"n_q": 4, "card": 2048, "dim": 64, "num_heads": 4,
                              "num_layers": 2, "activation": "gelu", "norm_first": True,
                              "positional_embedding": "sin", **lm},
           "codebooks_pattern": {"modeling": "delay", "delay": {"delays": [0, 1, 2, 3]}},
           "conditioners": {"description": {"model": "t5", "t5": {"name": "t5-tiny"}}}}
    return yaml.safe_dump(cfg)


def save_finetune(path, model, cfg: str):
    from weft_models.musicgen.audiocraft import to_audiocraft
    torch.save({"best_state": to_audiocraft(model), "xp.cfg": cfg, "exported": True}, path)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from weft_models.cli import main
    from weft_models.musicgen.build import build_random
    from weft_models.musicgen.tokenizer import write_tokenizer
    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("mg-base")
    base = build_random("tiny", 0)
    base.save_pretrained(root / "base")
    write_tokenizer(root / "base", base.config.text_encoder.vocab_size)
    ft = build_random("tiny", 5)
    save_finetune(root / "ft.bin", ft, xp_cfg())
    rc_ft = main(["export", "musicgen", "--checkpoint", str(root / "ft.bin"), "--base",
                  str(root / "base"), "--out", str(root / "pkg-ft"), "-q"])
    rc_base = main(["export", "musicgen", "--checkpoint", str(root / "base"), "--out",
                    str(root / "pkg-base"), "--no-validate", "-q"])
    return {"root": root, "base": base, "ft": ft, "rc": (rc_ft, rc_base)}


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_shared_components_are_the_bases(built):
    root = built["root"]
    assert built["rc"] == (0, 0)
    for f in SHARED:
        assert _sha(root / "pkg-ft" / f) == _sha(root / "pkg-base" / f), f
    assert (root / "pkg-ft" / "tokenizer.json").read_bytes() == \
        (root / "base" / "tokenizer.json").read_bytes()


def _initializers(path) -> list[np.ndarray]:
    import onnx
    from onnx import numpy_helper
    proto = onnx.load(str(path), load_external_data=True)
    return [numpy_helper.to_array(t) for t in proto.graph.initializer]


def _holds(arrays, t: torch.Tensor) -> bool:
    ref = t.detach().numpy()
    return any(a.shape == ref.shape and np.array_equal(a, ref) or
               a.shape == ref.T.shape and np.array_equal(a, ref.T) for a in arrays)


def test_lm_weights_are_the_finetunes(built):
    from weft_models.musicgen.audiocraft import to_audiocraft
    ft, base = to_audiocraft(built["ft"]), to_audiocraft(built["base"])
    arrays = _initializers(built["root"] / "pkg-ft" / "decoder_step.onnx")
    d = ft["emb.0.weight"].shape[1]
    picks = {"emb.0.weight": lambda s: s["emb.0.weight"],
             "linears.0.weight": lambda s: s["linears.0.weight"],
             "q_proj of layers.1 in_proj_weight":
                 lambda s: s["transformer.layers.1.self_attn.in_proj_weight"][:d],
             "layers.0.linear1.weight": lambda s: s["transformer.layers.0.linear1.weight"]}
    for name, pick in picks.items():
        assert _holds(arrays, pick(ft)), f"{name}: the fine-tune's tensor is not in the package"
        assert not _holds(arrays, pick(base)), f"{name}: the base's tensor is in the package"


def test_manifest_records_audiocraft_generation(built):
    from weft_models.musicgen.build import model_from_source
    m = json.loads((built["root"] / "pkg-ft" / "weft.json").read_text())
    assert m["generation"]["semantics"] == "audiocraft"
    assert m["generation"]["max_duration"] == 12.0  # xp.cfg dataset.segment_duration
    assert m["generation"]["extend_stride"] == 18.0
    assert all(r["band"] == "PASS" for r in m["validation"]["fp32"])
    assert m["source"]["base"] == str((built["root"] / "base").resolve())
    mb = json.loads((built["root"] / "pkg-base" / "weft.json").read_text())
    assert mb["generation"]["semantics"] == "transformers"
    rebuilt = model_from_source(m["source"]).state_dict()
    want = built["ft"].state_dict()
    for k in ("decoder.lm_heads.0.weight", "decoder.model.decoder.layers.1.fc2.weight"):
        assert torch.equal(rebuilt[k], want[k]), k
    t5 = "text_encoder.encoder.block.0.layer.0.SelfAttention.q.weight"
    assert torch.equal(rebuilt[t5], built["base"].state_dict()[t5])


def test_lm_only_file_refused_without_base(built, caplog):
    from weft_models.cli import main
    root = built["root"]
    rc = main(["export", "musicgen", "--checkpoint", str(root / "ft.bin"), "--out",
               str(root / "refused")])
    assert rc == 2
    assert "only the MusicGen language model" in caplog.text and "--base" in caplog.text
    assert not (root / "refused" / "weft.json").exists()


def test_codebook_count_mismatch_named(built, caplog):
    from weft_models.cli import main
    root = built["root"]
    ckpt = save_finetune(root / "ft-nq8.bin", built["ft"], xp_cfg(n_q=8))
    rc = main(["export", "musicgen", "--checkpoint", str(ckpt), "--base", str(root / "base"),
               "--out", str(root / "nq8"), "--no-validate"])
    assert rc == 2
    assert "ft-nq8.bin: xp.cfg transformer_lm.n_q is 8, the base model has 4" in caplog.text


def test_t5_name_mismatch_named(built):
    from weft_models.musicgen.assemble import load_source
    from weft_models.musicgen.audiocraft import CheckpointError
    root = built["root"]
    cfg = xp_cfg().replace("t5-tiny", "t5-base")
    ckpt = save_finetune(root / "ft-t5base.bin", built["ft"], cfg)
    with pytest.raises(CheckpointError, match=r"t5\.name is t5-base \(d_model 768\) but the "
                                              r"base text encoder has d_model 32"):
        load_source(ckpt, base=root / "base")


def test_base_without_tokenizer_named(built, tmp_path):
    from weft_models.musicgen.assemble import load_source
    built["base"].save_pretrained(tmp_path / "bare")
    with pytest.raises(FileNotFoundError, match=r"--base .*bare: no tokenizer\.json"):
        load_source(built["root"] / "ft.bin", base=tmp_path / "bare")


def test_pattern_with_base(built, monkeypatch):
    """--pattern puts every file of the glob over the same base, each to out/<stem> (the export
    itself is recorded, not run: the packages above already cover it)."""
    from weft_models.cli import main
    from weft_models.musicgen import export
    root = built["root"]
    (root / "fts").mkdir()
    save_finetune(root / "fts" / "a.bin", built["ft"], xp_cfg())
    save_finetune(root / "fts" / "b.bin", built["base"], xp_cfg())
    calls = {}

    def record(model, out, **kw):
        calls[out.name] = (model, kw)
        return {"reports": [], "bytes": 0}
    monkeypatch.setattr(export, "export_package", record)
    rc = main(["export", "musicgen", "--pattern", str(root / "fts" / "*.bin"), "--base",
               str(root / "base"), "--out", str(root / "many"), "-q"])
    assert rc == 0 and sorted(calls) == ["a", "b"]
    k, t5 = "decoder.lm_heads.2.weight", "text_encoder.shared.weight"
    for stem, lm in (("a", built["ft"]), ("b", built["base"])):
        model, kw = calls[stem]
        assert torch.equal(model.state_dict()[k], lm.state_dict()[k])
        assert torch.equal(model.state_dict()[t5], built["base"].state_dict()[t5])
        assert kw["tokenizer_dir"] == (root / "base").resolve()
        assert kw["source"]["checkpoint"] == str((root / "fts" / f"{stem}.bin").resolve())
