"""Cross-implementation agreement on toy_sampled.json: the C++ `weft-sample` and our own CLI
must both print exactly the NumPy reference tokens."""
from __future__ import annotations

import json
import subprocess


from conftest import REPO

NATIVE = REPO / "build" / "native" / "weft-sample"


def _request(built_models) -> tuple[str, list]:
    data = json.loads((built_models / "fixtures" / "toy_sampled.json").read_text())
    return json.dumps({"rows": data["rows"], "cases": data["cases"]}), data["numpy_tokens"]


def test_native_sampler_matches_numpy(built_models):
    assert NATIVE.exists(), "build/native/weft-sample is missing: run scripts/setup.sh"
    req, expected = _request(built_models)
    out = subprocess.run([str(NATIVE)], input=req, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)["tokens"]
    for i, (g, e) in enumerate(zip(got, expected)):
        first = next((j for j, (a, b) in enumerate(zip(g, e)) if a != b), None)
        assert g == e, f"case {i} ({g and len(g)} tokens) differs, first at row {first}"
    assert len(got) == len(expected)


def test_python_cli_speaks_the_same_contract(built_models, python_exe):
    req, expected = _request(built_models)
    out = subprocess.run([python_exe, "-m", "weft_models.cli", "sample"], input=req,
                         capture_output=True, text=True, timeout=60, cwd=REPO)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"tokens": expected}
