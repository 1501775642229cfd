"""Shared, session-scoped artefacts: one toy export for the whole suite (export is the slow
part), and the repository's build/models fixtures built exactly as setup.sh builds them."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD_MODELS = REPO / "build" / "models"


@pytest.fixture(scope="session")
def toy_model():
    from weft_models.decoder.build import build_toy
    return build_toy()


@pytest.fixture(scope="session")
def toy_package(tmp_path_factory):
    """A fresh export of the default toy (seed 0) into a temporary package folder."""
    from weft_models.decoder.export import export_toy
    return export_toy(tmp_path_factory.mktemp("toy"))


@pytest.fixture(scope="session")
def built_models():
    """build/models, (re)built by the same entry point setup.sh runs."""
    from weft_fixtures.driver import run
    run(BUILD_MODELS)
    return BUILD_MODELS


@pytest.fixture(scope="session")
def python_exe():
    return sys.executable
