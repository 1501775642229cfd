"""`weft-models`: every subcommand has --help; validate and export run end to end; the deprecated
spellings still run and name the new one."""
from __future__ import annotations

import subprocess

import pytest

from weft_models.cli import main


@pytest.mark.parametrize("argv", [[], ["export"], ["export", "decoder"], ["export", "classifier"],
                                  ["export", "musicgen"], ["validate"], ["validate", "decoder"],
                                  ["validate", "classifier"], ["validate", "musicgen"],
                                  ["quantize"], ["quantize", "musicgen"], ["sanitize"],
                                  ["sample"], ["fixtures"]])
def test_help(argv, capsys):
    with pytest.raises(SystemExit) as e:
        main([*argv, "--help"])
    assert e.value.code == 0
    assert "usage: weft-models" in capsys.readouterr().out


def test_validate_package(built_models, capsys):
    assert main(["validate", "decoder", str(built_models / "toy"), "--steps", "20"]) == 0
    out = capsys.readouterr().out
    assert "worst band: PASS" in out and "first divergence: None" in out


def test_validate_without_source_is_a_usage_error(built_models, capsys):
    assert main(["validate", "decoder", str(built_models / "silero-vad")]) == 2


def test_console_script_installed(python_exe):
    from pathlib import Path
    script = Path(python_exe).parent / "weft-models"
    assert script.exists(), f"{script} missing: scripts/setup.sh installs the toolkit into .venv"
    out = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "sanitize" in out.stdout


@pytest.mark.parametrize("old, new", [
    (["export", "toy"], "weft-models export decoder"),
    (["validate", "build/models/toy"], "weft-models validate decoder"),
    (["musicgen", "export"], "weft-models export musicgen"),
    (["musicgen", "validate"], "weft-models validate musicgen"),
    (["musicgen", "quantize"], "weft-models quantize musicgen"),
    (["musicgen", "sanitize"], "weft-models sanitize"),
])
def test_deprecated_spellings_name_the_new_one(old, new, capsys):
    with pytest.raises(SystemExit) as e:
        main([*old, "--help"])
    assert e.value.code == 0
    out, err = capsys.readouterr()
    assert "usage: weft-models" in out
    assert "deprecated" in err and f"use `{new}`" in err


def test_deprecated_validate_still_runs(built_models, capsys):
    assert main(["validate", str(built_models / "toy"), "--steps", "5"]) == 0
    out, err = capsys.readouterr()
    assert "worst band: PASS" in out and "`weft-models validate decoder`" in err


def test_sanitize_package_forms(built_models):
    """A package folder: only families with a package sanitizer, and only with --out."""
    assert main(["sanitize", str(built_models / "toy")]) == 2
    assert main(["sanitize", str(built_models / "musicgen-tiny")]) == 2
