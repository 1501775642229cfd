"""Classifier export: checkpoint forms and mismatches, head replacement, custom module:function,
multi-label (sigmoid) validation, int8/fp16, and the CLI's JSON report."""
import json

import pytest
import torch

from weft_models.classifier import export_classifier, load_checkpoint, prepare
from weft_models.classifier_check import validate_classifier
from weft_models.classifier_images import write_images
from weft_models.cli import main

TINY = """
import torch.nn as nn
def build():
    return nn.Sequential(nn.Conv2d(3, 8, 3, stride=2), nn.BatchNorm2d(8), nn.ReLU(),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.5), nn.Linear(8, 10))
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    d = tmp_path_factory.mktemp("tiny")
    (d / "tiny_model.py").write_text(TINY)
    return f"{d / 'tiny_model.py'}:build"


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    return write_images(tmp_path_factory.mktemp("images"))[:4]


def test_checkpoint_forms_and_head(tiny, tmp_path):
    src = prepare(tiny, seed=3, num_classes=2)
    sd = src.state_dict()
    for i, obj in enumerate([sd, {"model_state_dict": sd, "epoch": 3},
                             {"module." + k: v for k, v in sd.items()}]):
        torch.save(obj, tmp_path / f"c{i}.pt")
        m = prepare(tiny, seed=99, checkpoint=tmp_path / f"c{i}.pt", num_classes=2)
        assert all(torch.equal(m.state_dict()[k], v) for k, v in sd.items())
    # The 10-class skeleton does not take a 2-class checkpoint: the error names the key.
    with pytest.raises(ValueError, match=r"key '6.weight' has shape \(2, 8\) but the model expects \(10, 8\)"):
        prepare(tiny, checkpoint=tmp_path / "c0.pt")


def test_checkpoint_of_another_architecture(tmp_path):
    import torchvision
    torch.save(torchvision.models.mobilenet_v3_small().state_dict(), tmp_path / "mb.pt")
    with pytest.raises(ValueError, match=r"first missing key 'conv1.weight'.*first unexpected key 'features.0.0.weight'"):
        prepare("resnet18", checkpoint=tmp_path / "mb.pt")
    (tmp_path / "junk.pt").write_bytes(b"junk")
    with pytest.raises(ValueError, match="not a readable torch checkpoint"):
        prepare("resnet18", checkpoint=tmp_path / "junk.pt")
    with pytest.raises(ValueError, match="unknown architecture 'resnet7'"):
        prepare("resnet7")


def test_multilabel_export_validates_sigmoid_and_int8(tiny, tmp_path, images):
    pkg = export_classifier(tiny, tmp_path / "ml", num_classes=2, multi_label=True, crop=64)
    man = json.loads((pkg / "weft.json").read_text())
    assert man["generator"]["postprocess"] == "sigmoid"
    assert man["components"]["classifier"]["inputs"][0]["shape"] == ["batch", 3, 64, 64]
    r = validate_classifier(pkg, images)
    assert r.band == "PASS" and r.top1_agree == r.images
    assert r.results[0].output == "sigmoid(logits)"
    for p in ("int8", "fp16"):
        q = validate_classifier(export_classifier(tiny, tmp_path / p, num_classes=2, multi_label=True,
                                                  crop=64, precision=p), images)
        assert q.precision == p and q.band in ("PASS", "WARN", "FAIL")


def test_validation_catches_a_wrong_export(tiny, tmp_path, images):
    pkg = export_classifier(tiny, tmp_path / "a", crop=64, seed=1)
    other = export_classifier(tiny, tmp_path / "b", crop=64, seed=2)
    (pkg / "model.onnx").write_bytes((other / "model.onnx").read_bytes())  # weights of seed 2
    assert validate_classifier(pkg, images).band == "FAIL"


def test_cli_export_and_validate_only(tiny, tmp_path, capsys):
    out = tmp_path / "cli"
    assert main(["export", "classifier", tiny, "--out", str(out), "--crop", "64", "-q"]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["band"] == "PASS" and line["top1_agree"] == "8/8" and line["precision"] == "fp32"
    assert main(["export", "classifier", tiny, "--out", str(out), "--crop", "64", "--validate-only", "-q"]) == 0
    assert main(["export", "classifier", tiny, "--out", str(tmp_path / "none"), "--validate-only"]) == 2
    assert main(["export", "classifier", "resnet18", "--out", str(tmp_path / "x"),
                 "--checkpoint", str(tmp_path / "missing.pt")]) == 2
