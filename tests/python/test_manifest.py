"""Every built package's weft.json agrees with its ONNX sessions, the way the core's load-time
validation checks it: names, dtypes, ranks, fixed dims; hashes and sizes; every input fed."""
from __future__ import annotations

import json
import re

import pytest

from weft_models.common.manifest import read_manifest, sha256_file
from weft_models.common.validate import ort_session

ORT_DTYPES = {"tensor(float)": "float32", "tensor(int64)": "int64"}


def expand(entries, dims):
    out = {}
    for e in entries:
        count = e.get("count")
        n = dims[count] if isinstance(count, str) else (count or 1)
        for layer in range(n):
            out[e["name"].replace("{layer}", str(layer))] = e
    return out


@pytest.mark.parametrize("package", ["toy", "toy-nan", "silero-vad"])
def test_manifest_matches_graph(built_models, package):
    pkg = built_models / package
    m = read_manifest(pkg)
    dims = m["dims"]
    fed = set()
    for cname, comp in m["components"].items():
        path = pkg / comp["file"]
        assert comp["sha256"] == sha256_file(path) and comp["bytes"] == path.stat().st_size
        sess = ort_session(str(path))
        for kind, actual in (("inputs", sess.get_inputs()), ("outputs", sess.get_outputs())):
            declared = expand(comp[kind], dims)
            assert sorted(declared) == sorted(a.name for a in actual), (cname, kind)
            for a in actual:
                d = declared[a.name]
                assert ORT_DTYPES[a.type] == d["dtype"], a.name
                assert len(a.shape) == len(d["shape"]), a.name
                for want, got in zip(d["shape"], a.shape):
                    want = dims.get(want, want) if isinstance(want, str) else want
                    if isinstance(want, int) and isinstance(got, int):
                        assert want == got, (a.name, d["shape"], a.shape)
        fed |= {(cname, n) for n in expand(comp["inputs"], dims)
                if n in {"input_ids", "attention_mask", "position_ids"}
                or n in m["generator"]["io"].values()}
    for s in m.get("state", []):
        for name in expand([{"name": s["input"], "count": s.get("count")}], dims):
            fed.add((s["component"], name))
    fed |= {(c["component"], c["input"]) for c in m.get("constants", [])}
    for cname, comp in m["components"].items():
        for name in expand(comp["inputs"], dims):
            assert (cname, name) in fed, f"{cname}.{name} is fed by nothing"


def test_vad_manifest_is_the_template_plus_hashes(built_models):
    from conftest import REPO
    template = json.loads((REPO / "manifests" / "silero-vad-v5.weft.json").read_text())
    built = read_manifest(built_models / "silero-vad")
    for comp in built["components"].values():
        assert re.fullmatch(r"[0-9a-f]{64}", comp["sha256"]) and comp["bytes"] > 0
        comp["sha256"], comp["bytes"] = "", 0
    assert built == template


def test_decoder_manifest_layout(built_models):
    m = read_manifest(built_models / "toy")
    assert m["dims"] == {"vocab": 512, "layers": 1, "heads": 2, "head_dim": 24,
                         "max_positions": 128}
    assert [s["output"] for s in m["state"]] == ["present.{layer}.key", "present.{layer}.value"]
    assert all(s["init"] == "empty" and s["axis"] == 2 and s["mode"] == "grow" for s in m["state"])
    assert m["generation"]["max_new_tokens"] == 32 and m["generation"]["eos_token_id"] is None
    assert m["source"]["builder"] == "weft_models.toy" and m["source"]["seed"] == 0
