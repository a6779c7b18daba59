"""The build's outputs for the data in data/ are the ones recorded in tests/golden/.

tests/golden/SHA256SUMS holds the sha256 of every page and dump file whose bytes are fixed; the
Turtle dump (written by Oxigraph's serializer, in the store's order) must hold exactly the
triples of the N-Triples dump, and void.ttl the triples of tests/golden/void.ttl but for the
byte sizes it states. When data/, a query, a template or the model changes on purpose, rebuild
and record the new outputs: `python tests/golden/update.py`.
"""

from __future__ import annotations

import hashlib
import shutil

import pyoxigraph as ox

from survey_kg.build import build
from survey_kg.paths import Survey

from .conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"


def built(tmp_path):
    for name in ("README.md", "README_zh.md"):
        shutil.copyfile(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "data", tmp_path / "data")
    build(Survey(tmp_path))
    return tmp_path


def triples(path, fmt):
    return set(ox.parse(path=str(path), format=fmt))


def test_pages_and_dumps_are_byte_identical_to_the_recorded_ones(tmp_path):
    root = built(tmp_path)
    for line in (GOLDEN / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((root / name).read_bytes()).hexdigest() == digest, name


def test_the_turtle_dump_holds_the_triples_of_the_ntriples_dump(tmp_path):
    root = built(tmp_path)
    turtle = triples(root / "dist" / "survey.ttl", ox.RdfFormat.TURTLE)
    assert turtle == triples(root / "dist" / "survey.nt", ox.RdfFormat.N_TRIPLES)
    assert len(turtle) > 2000


def test_the_dataset_description_is_the_recorded_one_but_for_the_sizes(tmp_path):
    root = built(tmp_path)
    size = ox.NamedNode("http://www.w3.org/ns/dcat#byteSize")
    new = triples(root / "dist" / "void.ttl", ox.RdfFormat.TURTLE)
    old = triples(GOLDEN / "void.ttl", ox.RdfFormat.TURTLE)
    assert {t for t in new if t.predicate != size} == {t for t in old if t.predicate != size}
    sizes = {t.subject.value.rsplit("/", 1)[1]: int(t.object.value) for t in new
             if t.predicate == size}
    for name, suffix in (("survey.ttl", "ttl"), ("survey.nt", "nt"), ("survey.jsonld", "jsonld")):
        assert sizes[suffix] == (root / "dist" / name).stat().st_size
