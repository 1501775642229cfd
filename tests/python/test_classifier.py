"""Classifier export: checkpoint forms and mismatches, head replacement, custom module:function,
multi-label (sigmoid) validation, int8 (graded against its fp32 export)/fp16, and the CLI's JSON report."""
import json

import pytest
import torch

from weft_models.classifier.build import load_checkpoint, prepare
from weft_models.classifier.export import export_classifier
from weft_models.classifier.check import validate_classifier
from weft_models.classifier.images import write_images
from weft_models.common.validate import quantized_band
from weft_models.cli import main

TINY = """
import torch.nn as nn
def build():
    return nn.Sequential(nn.Conv2d(3, 8, 3, stride=2), nn.BatchNorm2d(8), nn.ReLU(),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.5), nn.Linear(8, 10))
"""

# Big enough that dynamic int8 has nodes to quantize (the second Conv and the head).
SMALL = """
import torch.nn as nn
def build():
    return nn.Sequential(nn.Conv2d(3, 16, 3, stride=2), nn.ReLU(), nn.Conv2d(16, 64, 3), nn.BatchNorm2d(64),
                         nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 100))
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    d = tmp_path_factory.mktemp("small")
    (d / "small_model.py").write_text(SMALL)
    return f"{d / 'small_model.py'}:build"


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
    q = validate_classifier(export_classifier(tiny, tmp_path / "fp16", num_classes=2, multi_label=True,
                                              crop=64, precision="fp16"), images)
    assert q.precision == "fp16" and q.band in ("PASS", "WARN") and max(r.max_abs for r in q.results) > 0
    # Nothing in this model is worth int8 (first Conv, 16-weight head): refused, not faked.
    with pytest.raises(ValueError, match="no MatMul or Conv of this model is worth quantizing"):
        export_classifier(tiny, tmp_path / "int8", num_classes=2, crop=64, precision="int8")


def test_int8_is_quantized_and_graded_against_its_fp32_export(small, tmp_path):
    import onnx
    out = tmp_path / "pkg"
    assert main(["export", "classifier", small, "--out", str(out), "--crop", "64", "--precision", "fp32",
                 "int8", "-q"]) in (0, 1)
    fp32, int8 = (json.loads((out / p / "weft.json").read_text()) for p in ("fp32", "int8"))
    ops = [n.op_type for n in onnx.load(str(out / "int8" / "model.onnx")).graph.node]
    # The second Conv and the head (Gemm rewritten as MatMul); the first Conv stays fp32.
    assert ops.count("ConvInteger") == 1 and ops.count("MatMulInteger") == 1 and ops.count("Conv") == 1
    q = int8["source"]["quantization"]
    assert q["nodes_quantized"] == 2 and q["gemm_rewritten_as_matmul"] == 1
    assert q["int8_weight_share"] == round((16 * 64 * 9 + 64 * 100) / (3 * 16 * 9 + 16 * 64 * 9 + 64 * 100), 4)
    # fp32 against PyTorch with the absolute bands; int8 against the fp32 export by the quantized
    # rule on the images (max abs measurably non-zero but not graded).
    v32, v8 = fp32["validation"]["fp32"], int8["validation"]["int8"]
    assert v32["band"] == "PASS" and max(r["max_abs"] for r in v32["results"]) < 1e-4
    assert v32["reference"].startswith("PyTorch fp32") and v8["reference"].startswith("the fp32 export")
    assert max(r["max_abs"] for r in v8["results"]) > 1e-4
    images = next(r for r in v8["results"] if r["input_set"] == "images")
    done, total = (int(x) for x in v8["top1_agree"].split("/"))
    assert v8["band"] == quantized_band(images["cosine"], done, total)
    assert {r["input_set"] for r in v8["results"]} == {"zeros", "ones", "random", "extreme", "images"}


def test_quantized_band_thresholds():
    assert quantized_band(0.9995, 8, 8) == "PASS"
    assert quantized_band(0.9995, 7, 8) == "WARN"  # a decision changed: never PASS
    assert quantized_band(0.995, 8, 8) == "WARN"
    assert quantized_band(0.98, 8, 8) == "FAIL"


def test_int8_grading_catches_a_wrong_quantized_graph(small, tmp_path, images):
    a = export_classifier(small, tmp_path / "a", crop=64, precision="int8", seed=1)
    b = export_classifier(small, tmp_path / "b", crop=64, precision="int8", seed=2)
    assert validate_classifier(a, images).band in ("PASS", "WARN")
    (a / "model.onnx").write_bytes((b / "model.onnx").read_bytes())  # quantized from other weights
    assert validate_classifier(a, images).band == "FAIL"


def test_corrupt_onnx_and_non_image_inputs_fail_clearly(tiny, tmp_path, caplog):
    pkg = export_classifier(tiny, tmp_path / "c", crop=64)
    (pkg / "model.onnx").write_bytes(b"not a model")
    with pytest.raises(ValueError, match=r"model.onnx: onnxruntime could not load the graph"):
        validate_classifier(pkg)
    bad = tmp_path / "imgs"
    bad.mkdir()
    (bad / "cat.png").write_bytes(b"not a png")
    good = export_classifier(tiny, tmp_path / "g", crop=64)
    assert main(["export", "classifier", tiny, "--out", str(good), "--crop", "64", "--validate-only",
                 "--images", str(bad)]) == 2
    assert "cat.png: not a readable image" in caplog.text


def test_validation_catches_a_wrong_export(tiny, tmp_path, images):
    pkg = export_classifier(tiny, tmp_path / "a", crop=64, seed=1)
    other = export_classifier(tiny, tmp_path / "b", crop=64, seed=2)
    (pkg / "model.onnx").write_bytes((other / "model.onnx").read_bytes())  # weights of seed 2
    assert validate_classifier(pkg, images).band == "FAIL"


def test_cli_validate_classifier(tiny, tmp_path, capsys):
    pkg = export_classifier(tiny, tmp_path / "v", crop=64)
    assert main(["validate", "classifier", str(pkg), "-q"]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["band"] == "PASS" and line["top1_agree"] == "8/8" and line["package"] == str(pkg)
    assert json.loads((pkg / "weft.json").read_text())["validation"]["fp32"]["band"] == "PASS"
    assert main(["validate", "classifier", str(tmp_path / "none")]) == 2


def test_cli_export_and_validate_only(tiny, tmp_path, capsys):
    out = tmp_path / "cli"
    assert main(["export", "classifier", tiny, "--out", str(out), "--crop", "64", "-q"]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["band"] == "PASS" and line["top1_agree"] == "8/8" and line["precision"] == "fp32"
    assert main(["export", "classifier", tiny, "--out", str(out), "--crop", "64", "--validate-only", "-q"]) == 0
    assert main(["export", "classifier", tiny, "--out", str(tmp_path / "none"), "--validate-only"]) == 2
    assert main(["export", "classifier", "resnet18", "--out", str(tmp_path / "x"),
                 "--checkpoint", str(tmp_path / "missing.pt")]) == 2
