"""The synthetic survey generator (benchmarks/synth.py), on the small survey as its source:
deterministic, laid out like a survey, valid with the source's own warnings and nothing more,
every copy of a work a work of its own (ID, IRI, links, title, people, texts), and built by
`survey-kg build` as it is."""

import re
import sys

import pyoxigraph as ox
import pytest

from survey_kg.build import build
from survey_kg.load import load
from survey_kg.paths import PREFIXES, SPARQL_PREFIXES, Survey
from survey_kg.render.pages import page_parts
from survey_kg.rules import validate

from .conftest import ROOT, SMALL

sys.path.insert(0, str(ROOT / "benchmarks"))
try:
    import synth
finally:
    sys.path.remove(str(ROOT / "benchmarks"))

N = len(list((SMALL / "data" / "works").glob("*.ttl")))  # 15
SCHEMA, SKG = PREFIXES["schema"], PREFIXES["skg"]


def files_of(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def triples(path):
    return set(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


@pytest.fixture(scope="module")
def source():
    """The small survey's works and people, as the generator reads them."""
    return synth.read_source(SMALL)


@pytest.fixture(scope="module")
def doubled(tmp_path_factory):
    """Each work of the source twice: as it is, and one copy."""
    folder = tmp_path_factory.mktemp("synth") / "s"
    return folder, synth.write_survey(folder, 2 * N, 7, SMALL)


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_works(tmp_path):
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        synth.write_survey(tmp_path / name, N + 4, seed, SMALL)
    a, b, c = (files_of(tmp_path / name) for name in "abc")
    assert a == b
    assert a != c and sorted(a) != sorted(c)  # another seed copies other works


def test_the_layout_is_that_of_a_survey(doubled):
    folder, made = doubled
    names = set(files_of(folder))
    works = {n for n in names if n.startswith("data/works/")}
    assert len(works) == len(made.works) == 2 * N
    for name in ("venues.ttl", "categories.ttl", "dataset.ttl"):
        assert (folder / "data" / name).read_bytes() == (SMALL / "data" / name).read_bytes()
    assert "data/people.ttl" in names
    pages = {p.relative_to(SMALL).as_posix() for p in (SMALL / "survey").rglob("*.md")}
    assert pages and {n for n in names if n.startswith("survey/")} == pages


def test_the_pages_are_skeletons_that_keep_the_hand_written_text(doubled):
    folder, _ = doubled
    for page in (SMALL / "survey").rglob("*.md"):
        made = (folder / page.relative_to(SMALL)).read_text(encoding="utf-8")
        parts = page_parts(page.read_text(encoding="utf-8"))
        names = [part[0] for part in parts if isinstance(part, tuple)]
        assert names, page
        assert made == "".join(part for part in parts if isinstance(part, str))
        for name in names:
            assert f"<!-- BEGIN survey-kg:{name} -->\n<!-- END survey-kg:{name} -->" in made


def test_a_survey_up_to_the_source_s_size_is_a_part_of_it(tmp_path, source):
    works, _ = source
    made = synth.write_survey(tmp_path, 6, 3, SMALL)
    by_iri = {w.iri: w for w in works}
    assert len(made.works) == 6 and set(made.works) <= set(by_iri)
    for iri in made.works:
        path = tmp_path / "data" / synth._file_name(iri)
        assert triples(path) == set(by_iri[iri].triples)
    assert validate(load([tmp_path / "data"])).conforms


def test_the_survey_validates_with_the_source_s_warnings_once_per_copy(doubled, source):
    folder, _ = doubled
    mine = validate(load([folder / "data"]))
    theirs = validate(load([SMALL / "data"]))
    assert mine.violations == []
    assert theirs.warnings, "the source has warnings to compare"
    assert sorted(r.rule for r in mine.warnings) == sorted(2 * [r.rule for r in theirs.warnings])


def test_a_copy_has_a_fresh_arxiv_id_that_fits_its_year_and_its_links_follow(doubled, source):
    folder, made = doubled
    works, _ = source
    real = {w.arxiv for w in works if w.arxiv}
    assert len(made.arxiv_ids) == len(set(made.arxiv_ids)) == 2 * len(real)
    copies = sorted(set(made.arxiv_ids) - real)
    assert len(copies) == len(real)
    by_month = sorted((i[:4], len(i)) for i in real)
    assert sorted((i[:4], len(i)) for i in copies) == by_month  # same YYMM, as many digits
    for arxiv in copies:
        path = folder / "data" / "works" / f"{arxiv}.ttl"
        found = triples(path)
        terms = [term.value for t in found if not t.predicate.value.endswith("editorialNote")
                 for term in (t.subject, t.object)]  # (a note may name other works)
        assert not [term for term in terms if any(other in term for other in real)], arxiv
        paper = ox.NamedNode(PREFIXES["paper"] + arxiv)
        links = {t.object.value for t in found if t.subject == paper
                 and t.predicate.value == SCHEMA + "sameAs"}
        assert links == {f"https://arxiv.org/abs/{arxiv}",
                         f"https://doi.org/10.48550/arXiv.{arxiv}"}
        values = {t.object.value for t in found if t.predicate.value == SCHEMA + "value"}
        assert values == {arxiv, f"10.48550/arXiv.{arxiv}"}


def rows(store, query: str, **terms) -> list[tuple]:
    """The rows of a query (the project's prefixes declared), each a tuple of term values."""
    for name, iri in terms.items():
        query = query.replace("?" + name, f"<{iri}>")
    return [tuple(term.value if term is not None else None for term in row)
            for row in store.query(SPARQL_PREFIXES + query)]


TITLES = "SELECT ?w ?t WHERE { ?w schema:name ?t ; a schema:CreativeWork }"
TEXTS = """SELECT ?text (LANG(?text) AS ?lang) WHERE {
    ?work schema:description|skg:coreInnovation|schema:abstract|skg:keyPoint/skg:text ?text }"""
AUTHORS = """SELECT ?person ?printed WHERE {
    ?work skg:authorship ?a . ?a skg:position ?n ; skg:author ?person ; skg:printedName ?printed
} ORDER BY ?n"""


def test_a_copy_has_its_own_title_texts_and_people_in_the_same_order(doubled, source):
    folder, made = doubled
    works, people = source
    store = load([folder / "data"])
    original = {w.iri: w for w in works}
    copies = [iri for iri in made.works if iri not in original]
    assert len(copies) == N
    names = dict(rows(store, TITLES))
    assert len(set(names.values())) == len(names) == 2 * N
    for iri, source_iri in zip(made.works, made.sources):
        if iri == source_iri:
            continue
        assert names[iri] == f"Ka-{names[source_iri]}"
        theirs, mine = (set(rows(store, TEXTS, work=work)) for work in (source_iri, iri))
        assert mine and mine == {(text + " [Ka]", lang) for text, lang in theirs}
        theirs, mine = (rows(store, AUTHORS, work=work) for work in (source_iri, iri))
        assert mine and mine == [(person + "-ka", printed + " Ka") for person, printed in theirs]
    assert len(made.people) == 2 * len({a.value for w in works for t in w.triples
                                        for a in [t.object] if isinstance(a, ox.NamedNode)
                                        and a.value.startswith(synth.AGENTS)})
    person_names = {n for n, in rows(store, "SELECT ?n { ?p a schema:Person ; schema:name ?n }")}
    first = next(t.object.value for t in works[0].triples
                 if t.predicate.value == SKG + "author" and t.object.value in people)
    [name] = [t.object.value for t in people[first] if t.predicate.value == SCHEMA + "name"]
    assert {name, name + " Ka"} <= person_names


def test_the_survey_builds(doubled):
    folder, made = doubled
    result = build(Survey(folder))
    assert result.report.conforms
    assert result.dump.statistics.works == len(made.works)
    section = (folder / "survey" / "consisency-paper" / "world-models" / "README.md")
    text = section.read_text(encoding="utf-8")
    assert "Ka-" in text  # the copies are listed beside the works they copy


def test_tags_name_each_copy_once():
    tags = [synth.tag(copy) for copy in range(1, 2000)]
    assert tags[:2] == ["ka", "lo"] and synth.tag(16) == "wo" and synth.tag(17) == "kaka"
    assert len(set(tags)) == len(tags) and all(re.fullmatch("[a-z]+", t) for t in tags)
    assert synth.tag(0) == ""
