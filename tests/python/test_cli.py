"""`weft-models`: every subcommand has --help; validate and export run end to end."""
from __future__ import annotations

import subprocess

import pytest

from weft_models.cli import main


@pytest.mark.parametrize("argv", [[], ["export"], ["export", "toy"], ["validate"], ["sanitize"],
                                  ["sample"], ["fixtures"]])
def test_help(argv, capsys):
    with pytest.raises(SystemExit) as e:
        main([*argv, "--help"])
    assert e.value.code == 0
    assert "usage: weft-models" in capsys.readouterr().out


def test_validate_package(built_models, capsys):
    assert main(["validate", str(built_models / "toy"), "--steps", "20"]) == 0
    out = capsys.readouterr().out
    assert "worst band: PASS" in out and "first divergence: None" in out


def test_validate_without_source_is_a_usage_error(built_models, capsys):
    assert main(["validate", str(built_models / "silero-vad")]) == 2


def test_console_script_installed(python_exe):
    from pathlib import Path
    script = Path(python_exe).parent / "weft-models"
    assert script.exists(), f"{script} missing: scripts/setup.sh installs the toolkit into .venv"
    out = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "sanitize" in out.stdout
