from pathlib import Path

import pyoxigraph as ox
import pytest

from survey_kg.load import load

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = ROOT.parent / "shared" / "seed"
SEED_EN = SEED / "README.en.md"
SEED_ZH = SEED / "000_762a647fe149189f.txt"


@pytest.fixture
def valid_store() -> ox.Store:
    return load([FIXTURES / "valid-survey.ttl"])


@pytest.fixture(scope="session")
def seed_pages():
    if not SEED_EN.exists():
        pytest.skip(f"the seed pages are not beside the repository ({SEED})")
    return [SEED_EN, SEED_ZH]
