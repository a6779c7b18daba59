"""The synthetic survey generator (benchmarks/synth.py): deterministic, valid, readable back from
its own pages."""

import re
import sys
from collections import Counter

import pyoxigraph as ox
import pytest

from survey_kg.importer import ARXIV_ID, import_pages, language_of
from survey_kg.load import load
from survey_kg.paths import PREFIXES, SPARQL_PREFIXES
from survey_kg.rdf import select
from survey_kg.rules import validate

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
try:
    from synth import LENGTHS, generate, write_survey
finally:
    sys.path.remove(str(ROOT / "benchmarks"))

PAPER = PREFIXES["paper"]


def files_of(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def as_store(graph) -> ox.Store:
    """The importer's graph as a store, loaded as the loader loads data (an rdflib Graph goes
    through N-Triples)."""
    if isinstance(graph, ox.Store):
        return graph
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def triples(store: ox.Store) -> set:
    return {(q.subject, q.predicate, q.object)
            for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth50")
    survey = write_survey(folder, 50, 11)
    return folder, survey, load([folder / "data"])


@pytest.fixture(scope="module")
def imported(written):
    folder, _, _ = written
    return import_pages([folder / "pages" / "README.md", folder / "pages" / "README_zh.md"])


def test_same_seed_gives_byte_identical_files_and_another_seed_does_not(tmp_path):
    write_survey(tmp_path / "a", 30, 5)
    write_survey(tmp_path / "b", 30, 5)
    write_survey(tmp_path / "c", 30, 6)
    a, b, c = (files_of(tmp_path / name) for name in "abc")
    assert a == b
    assert a["pages/README.md"] != c["pages/README.md"]
    assert a["data/people.ttl"] != c["data/people.ttl"]


def test_layout_is_that_of_data(written):
    folder, survey, _ = written
    names = set(files_of(folder))
    assert {"pages/README.md", "pages/README_zh.md", "data/people.ttl", "data/venues.ttl",
            "data/categories.ttl", "data/dataset.ttl"} <= names
    assert {f"data/papers/{p.arxiv}.ttl" for p in survey.papers} <= names
    assert len([n for n in names if n.startswith("data/papers/")]) == 50


def test_generated_graph_passes_every_shape_without_a_warning(written):
    _, _, store = written
    report = validate(store)
    assert [(r.severity, r.focus, r.rule, r.message) for r in report.results] == []


def test_import_of_the_pages_gives_the_papers_of_the_data(written, imported):
    _, survey, store = written
    assert imported.papers == 50 and imported.entries == 100
    assert imported.findings == []
    # every triple the pages carry is in the data, and about papers the two are the same triples
    imported_triples, data_triples = triples(as_store(imported.graph)), triples(store)
    assert imported_triples and imported_triples - data_triples == set()
    about_papers = {t for t in data_triples if t[0].value.startswith(PAPER)}
    assert {t for t in imported_triples if t[0].value.startswith(PAPER)} == about_papers


def authors(store, arxiv):
    rows = select(store, SPARQL_PREFIXES + f"""SELECT ?name WHERE {{
        ?p skg:arxivId "{arxiv}" ; skg:authorship ?a .
        ?a skg:position ?n ; skg:author/foaf:name ?name }} ORDER BY ?n""")[1]
    return [name.value for name, in rows]


def texts(store, arxiv):
    rows = select(store, SPARQL_PREFIXES + f"""SELECT ?field ?text WHERE {{
        ?p skg:arxivId "{arxiv}" ; ?field ?text .
        FILTER (?field IN (dcterms:title, skg:oneLiner, skg:coreInnovation, dcterms:abstract)) }}""")[1]
    return sorted((field.value, text.language, text.value) for field, text in rows)


def test_authors_in_order_and_texts_survive_the_pages(written, imported):
    _, survey, store = written
    from_pages = as_store(imported.graph)
    for paper in survey.papers:
        assert authors(from_pages, paper.arxiv) == paper.authors
        assert authors(store, paper.arxiv) == paper.authors
        assert texts(from_pages, paper.arxiv) == texts(store, paper.arxiv)
        assert len(texts(store, paper.arxiv)) == 7  # a title and three texts in two languages


def test_source_records_name_the_lines_of_the_entries(written):
    folder, survey, store = written
    lines = (folder / "pages" / "README_zh.md").read_text().splitlines()
    source_line = ox.NamedNode(PREFIXES["skg"] + "sourceLine")
    for paper in survey.papers[:10]:
        [quad] = store.quads_for_pattern(ox.NamedNode(f"{PAPER}{paper.arxiv}/source/2"),
                                         source_line, None, ox.DefaultGraph())
        line = int(quad.object.value)
        assert lines[line - 1] == "<details>"
        assert paper.title in lines[line]


@pytest.fixture(scope="module")
def big():
    return generate(600, 3)


def test_statistics_are_those_of_a_survey(big):
    papers = big.papers
    assert len(papers) == 600
    assert all(3 <= len(p.authors) <= 30 for p in papers)
    assert max(len(p.authors) for p in papers) >= 20  # the long tail of big collaborations
    assert all(3 <= len(p.key_points[lang]) <= 6 for p in papers for lang in ("en", "zh"))
    assert 0.74 <= sum(bool(p.code) for p in papers) / 600 <= 0.86
    assert 0.24 <= sum(bool(p.project) for p in papers) / 600 <= 0.36
    assert all(re.match(r"^https://github\.com/[^/]+/[^/]+$", p.code) for p in papers if p.code)
    assert len(big.venues) == 50 and len(big.categories) == 20
    assert {kind for _, _, kind in big.venues} == {"Conference", "Journal", "PreprintServer"}
    assert 0.25 <= sum(p.venue == "arXiv" for p in papers) / 600 <= 0.45


def test_people_co_author_from_a_shared_pool(big):
    counts = Counter(name for p in big.papers for name in p.authors)
    assert all(len(set(p.authors)) == len(p.authors) for p in big.papers)
    assert len(counts) < sum(counts.values()) / 2  # names recur across papers
    assert max(counts.values()) >= 10 and min(counts.values()) == 1
    pairs = Counter(frozenset((a, b)) for p in big.papers for a in p.authors for b in p.authors if a < b)
    assert max(pairs.values()) >= 2  # some pairs write together more than once


def test_arxiv_ids_are_unique_valid_and_not_after_the_year(big):
    ids = [p.arxiv for p in big.papers]
    assert len(set(ids)) == len(ids)
    assert all(ARXIV_ID.match(i) for i in ids)
    assert all(2000 + int(p.arxiv[:2]) <= p.year for p in big.papers)


def test_texts_are_in_their_language_and_of_the_seed_lengths(big):
    for field_lang, (low, high) in LENGTHS.items():
        field, lang = field_lang
        values = ([t for p in big.papers for t in p.key_points[lang]] if field == "keyPoint"
                  else [p.texts[field_lang] for p in big.papers])
        assert all(language_of(v) == lang for v in values), field_lang
        assert all(len(v) <= high for v in values), field_lang
        assert sum(low <= len(v) for v in values) >= 0.9 * len(values), field_lang
    assert all(language_of(p.title) == "en" for p in big.papers)


def test_every_paper_names_a_keyword_of_its_category(big):
    for p in big.papers:
        words = [k.lower() for lang in ("en", "zh") for k in p.category.keywords[lang]]
        text = (p.title + " " + p.texts["oneLiner", "en"] + p.texts["oneLiner", "zh"]).lower()
        assert any(k in text for k in words), p.arxiv


def test_categories_form_a_hierarchy_under_one_scheme(written):
    _, survey, store = written
    rows = select(store, SPARQL_PREFIXES + """SELECT ?c (COUNT(?b) AS ?n) WHERE {
        ?c a skos:Concept ; skos:inScheme category:scheme . OPTIONAL { ?c skos:broader ?b } }
        GROUP BY ?c""")[1]
    broader = {c.value: int(n.value) for c, n in rows}
    assert len(broader) == 20
    assert sorted(broader.values()).count(0) == 5 and max(broader.values()) == 3


def test_an_empty_survey_still_has_its_sections(tmp_path):
    write_survey(tmp_path, 0, 1)
    page = (tmp_path / "pages" / "README.md").read_text()
    assert page.count("\n### ") == 20 and "<details>" not in page
    assert validate(load([tmp_path / "data"])).results == []
