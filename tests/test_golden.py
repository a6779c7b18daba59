"""A build of the small survey (tests/fixtures/small) writes exactly the bytes recorded in
tests/golden/SHA256SUMS: every page of its page tree and every dump file, no more, no less; and
the same input gives the same bytes, built twice in two folders or again in the same one.

When the build's output changes on purpose (the fixture's data, a query, a template, a dump
writer), record it: `python tests/golden/update.py`, and review `git diff tests/golden`.
"""

from __future__ import annotations

import importlib.util

import pyoxigraph as ox
import pytest

from survey_kg.build import build
from survey_kg.paths import Survey

from .conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
HOW_TO_UPDATE = ("if the change is intended (the fixture's data, a query, a template, a dump "
                 "writer), record it with `python tests/golden/update.py` and review "
                 "`git diff tests/golden`")


@pytest.fixture(scope="module")
def golden():
    spec = importlib.util.spec_from_file_location("golden_update", GOLDEN / "update.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(golden, tmp_path_factory):
    """Two copies of the small survey, each built once."""
    return [golden.built_copy(tmp_path_factory.mktemp(name)) for name in ("first", "second")]


def test_the_build_writes_the_recorded_bytes(golden, built):
    recorded, made = golden.recorded(), golden.outputs(built[0])
    assert recorded, "tests/golden/SHA256SUMS is empty"
    missing, extra = sorted(set(recorded) - set(made)), sorted(set(made) - set(recorded))
    assert not missing and not extra, (
        f"the build no longer writes {missing} and now writes {extra}; {HOW_TO_UPDATE}")
    changed = sorted(name for name in recorded if made[name] != recorded[name])
    assert not changed, f"these outputs differ from tests/golden/SHA256SUMS: {changed}; " \
                        f"{HOW_TO_UPDATE}"


def test_every_page_and_dump_is_recorded(golden):
    """The record covers the whole page tree (root pages, CURATION.md, each section folder's
    two pages) and the dump."""
    names = set(golden.recorded())
    pages = {p.relative_to(golden.SMALL).as_posix()
             for p in (golden.SMALL / "survey").rglob("*.md")}
    assert len(pages) > 3 and pages <= names
    for name in ("survey.ttl", "survey.nt", "survey.jsonld", "void.ttl", "context.jsonld",
                 "ontology.ttl", "shapes.ttl"):
        assert f"dist/{name}" in names


def test_two_builds_give_the_same_bytes(golden, built):
    first, second = (golden.outputs(root) for root in built)
    assert first == second


def test_a_second_build_in_place_writes_nothing(golden, built):
    root = built[1]
    before = golden.outputs(root)
    result = build(Survey(root))
    assert result.pages == [] and result.dump.changed == []
    assert golden.outputs(root) == before


def test_the_turtle_dump_holds_the_triples_of_the_ntriples_dump(built):
    dist = built[0] / "dist"
    turtle = set(ox.parse(path=str(dist / "survey.ttl"), format=ox.RdfFormat.TURTLE))
    assert turtle == set(ox.parse(path=str(dist / "survey.nt"), format=ox.RdfFormat.N_TRIPLES))
    assert len(turtle) > 2000


def test_the_update_script_reads_back_what_it_writes(golden, built, tmp_path):
    """`update.py` writes `sha256sum` lines, sorted by file, and reads them back."""
    sums = golden.outputs(built[0])
    text = golden.lines(sums)
    names = [line.split("  ", 1)[1] for line in text.splitlines()]
    assert names == sorted(names) == sorted(sums)
    (tmp_path / "SHA256SUMS").write_text(text, encoding="utf-8")
    assert golden.recorded(tmp_path / "SHA256SUMS") == sums
