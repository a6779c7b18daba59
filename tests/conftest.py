"""Shared fixtures. Everything a test reads is in the repository: the survey's upstream pages
in sources/, the small survey in tests/fixtures/small/ (15 works, with its generated pages)."""

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from survey_kg.load import load, turtle_files
from survey_kg.paths import Survey

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SMALL = FIXTURES / "small"  # a survey: data/ and its pages in survey/
SOURCES = ROOT / "sources" / "awesome-world-model-evolution"  # the upstream tree, pinned


@pytest.fixture(scope="session")
def small_files() -> list[Path]:
    return turtle_files([SMALL / "data"])


@pytest.fixture
def valid_store(small_files) -> ox.Store:
    """The small survey's graph: valid, with warnings."""
    return load(small_files)


@pytest.fixture
def small_survey(tmp_path) -> Survey:
    """A copy of the small survey that a test may change and build."""
    root = tmp_path / "small"
    shutil.copytree(SMALL, root, ignore=shutil.ignore_patterns("make.py", "dist"))
    return Survey(root)
