"""The queries in queries/: expected rows on a small fixture graph (standard SPARQL 1.1 run by
Oxigraph), parameters, errors."""

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from survey_kg import queries as q
from survey_kg.cli import main
from survey_kg.errors import InputError
from survey_kg.load import load
from survey_kg.paths import PREFIXES

from .conftest import FIXTURES, ROOT

FIXTURE = FIXTURES / "queries" / "survey.ttl"
EXPECTED = FIXTURES / "queries" / "expected"
# Owned and tested by the export helper (tests of `survey-kg export`); it still has to run on the
# survey below.
NOT_HERE = {"dataset_statistics"}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def short(term) -> str:
    """A term as the expected files write it: prefixed names where a project prefix fits."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:b"
    if isinstance(term, ox.NamedNode):
        iri = term.value
        for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace):]}"
        return f"<{iri}>"
    text = '"' + term.value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype.value != XSD_STRING:
        return text + "^^" + short(term.datatype)
    return text


def table(rows: q.Rows) -> list[list[str]]:
    return [["?" + v for v in rows.vars]] + [[short(q.Row.get(r, v)) for v in rows.vars]
                                             for r in rows.rows]


def read_expected(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]


def cases():
    return [pytest.param(path.stem.partition("@")[0],
                         {"lang": path.stem.partition("@")[2]} if "@" in path.stem else {},
                         path, id=path.stem)
            for path in sorted(EXPECTED.glob("*.tsv"))]


@pytest.fixture(scope="module")
def store():
    return load([FIXTURE])


def test_every_query_has_expected_rows():
    names = {query.name for query in q.list_queries()}
    covered = {path.stem.partition("@")[0] for path in EXPECTED.glob("*.tsv")}
    assert covered == names - NOT_HERE


@pytest.mark.parametrize("name,params,path", cases())
def test_query_returns_the_expected_rows(store, name, params, path):
    assert table(q.run(store, q.find_query(name), params)) == read_expected(path)


def test_every_query_returns_rows_on_the_survey():
    store = load([ROOT / "data"])
    for query in q.list_queries():
        for params in ({}, {"lang": "zh"}) if "lang" in query.params else ({},):
            rows = q.run(store, query, params)
            assert len(rows) > 0, f"{query.name} returns no row on the survey"


LANG_QUERIES = [query for query in q.list_queries() if "lang" in query.params]


@pytest.mark.parametrize("query", LANG_QUERIES, ids=lambda query: query.name)
def test_a_language_query_run_unbound_holds_each_bound_run_in_order(store, query):
    """The README runs each shipped ?lang query once, unbound, and splits its rows by ?lang
    (survey_kg.render.pages._rows): that is only right if the split rows are the bound run's
    rows."""
    unbound = q.run(store, query)
    assert "lang" in unbound.vars
    languages = {row.lang.value for row in unbound.rows}
    assert languages == {"en", "zh"}, query.name
    for lang in ("en", "zh", "fr"):
        bound = q.run(store, query, {"lang": lang})
        split = [row for row in unbound.rows if row.lang.value == lang]
        assert bound.rows == split, (query.name, lang)
        assert bound.rows or lang == "fr"


def test_language_queries_exist():
    assert {query.name for query in LANG_QUERIES} >= {"papers_by_category", "paper_key_points"}


@pytest.mark.parametrize("query", [query for query in q.list_queries() if query.name not in NOT_HERE],
                         ids=lambda query: query.name)
def test_query_files_say_what_they_answer_and_order_their_rows(query):
    lines = query.text.splitlines()
    assert lines[0].startswith("# ") and len(query.title) > 20
    body = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    assert re.search(r"^ORDER BY ", body, re.M), "rows must come in a defined order"
    for name in query.params:
        assert f"?{name}" in body, f"declared parameter ?{name} is not used"
    assert not re.search(r"\bWITH\b.*\bAS\s+%|\bINCLUDE\s+%|bd:|hint:", body), \
        "no Blazegraph extensions"


@pytest.mark.parametrize("name", ["survey_categories", "papers_by_category", "paper_key_points",
                                  "paper_notes"])
def test_unbound_language_gives_every_language_one_after_the_other(store, name):
    query = q.find_query(name)
    by_language = [table(q.run(store, query, {"lang": lang})) for lang in ("en", "zh")]
    assert table(q.run(store, query)) == by_language[0] + by_language[1][1:]


def test_a_category_parameter_narrows_the_listing(store):
    rows = q.run(store, q.find_query("papers_by_category"), {"category": "category:side"})
    assert [(r.lang.value, short(r.paper)) for r in rows.rows] == [
        ("en", "paper:2202.00004"), ("zh", "paper:2202.00004")]


def test_a_paper_parameter_narrows_authors_to_that_paper_in_order(store):
    rows = q.run(store, q.find_query("paper_authors"), {"paper": "paper:2401.00001"})
    assert [r.name.value for r in rows.rows] == ["Ann Smith", "Bob Jones"]


def test_missing_parameter_narrows_translation_coverage(store):
    rows = q.run(store, q.find_query("translation_coverage"), {"missing": "zh"})
    assert {r.missing.value for r in rows.rows} == {"zh"}
    assert len(rows) == 5


AUTHORS_TTL = """
@prefix schema: <https://schema.org/> . @prefix skg: <https://w3id.org/survey-kg/ontology#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix p: <https://example.org/> .
p:solo1 a schema:ScholarlyArticle ; skg:arxivId "2401.00001" ; skg:authorship [ skg:author p:eve ] .
p:solo2 a schema:ScholarlyArticle ; skg:arxivId "2401.00002" ; skg:authorship [ skg:author p:eve ] .
p:pair a schema:ScholarlyArticle ; skg:arxivId "2401.00003" ;
    skg:authorship [ skg:author p:fay ] , [ skg:author p:gus ] , [ skg:author p:fay ] .
p:trio a schema:ScholarlyArticle ; skg:arxivId "2401.00004" ;
    skg:authorship [ skg:author p:fay ] , [ skg:author p:gus ] , [ skg:author p:hal ] .
p:eve foaf:name "Eve" . p:fay foaf:name "Fay" . p:gus foaf:name "Gus" . p:hal foaf:name "Hal" .
"""


def test_author_index_counts_distinct_papers_and_other_people(tmp_path):
    """Co-authors are the distinct other people on a person's papers: none for one who writes
    alone, each person once however many papers or authorships they share."""
    path = tmp_path / "authors.ttl"
    path.write_text(AUTHORS_TTL, encoding="utf-8")
    rows = q.run(load([path]), q.find_query("author_index"))
    counts = {(r.name.value, int(r.papers.value), int(r.coauthors.value)) for r in rows.rows}
    assert counts == {("Eve", 2, 0), ("Fay", 2, 2), ("Gus", 2, 2), ("Hal", 1, 2)}
    assert {(r.name.value, r.arxivId.value) for r in rows.rows} == {
        ("Eve", "2401.00001"), ("Eve", "2401.00002"), ("Fay", "2401.00003"),
        ("Fay", "2401.00004"), ("Gus", "2401.00003"), ("Gus", "2401.00004"),
        ("Hal", "2401.00004")}


def test_unknown_query_name_is_an_input_error():
    with pytest.raises(InputError) as info:
        q.find_query("papers_by_colour")
    assert "unknown query 'papers_by_colour'" in str(info.value)
    assert "papers_by_category" in info.value.hint


def _run_cli(*args):
    return CliRunner().invoke(main, ["--root", str(ROOT), "query", *args])


def test_cli_unknown_query_exits_2():
    result = _run_cli("papers_by_colour")
    assert result.exit_code == 2
    assert "unknown query 'papers_by_colour'" in result.output


@pytest.mark.parametrize("param,words", [
    ("colour=red", "has no parameter ?colour"),
    ("lang=en_US!", "is not a language tag"),
    ("category=not an iri", "is not an absolute IRI"),
    ("lang", "is not NAME=VALUE"),
])
def test_cli_bad_parameter_exits_2(param, words):
    result = _run_cli("papers_by_category", "--param", param)
    assert result.exit_code == 2
    assert words in result.output


def test_cli_runs_a_query_with_a_bound_language():
    result = _run_cli("survey_categories", "--param", "lang=zh", "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "lang,category,notation,label,definition,scopeNote,papers"
    assert lines[1].startswith("zh,https://w3id.org/survey-kg/category/modality-temporal-consistency,"
                               "3,模态 + 时间一致性,")
    assert len(lines) == 4


def test_oxigraph_syntax_error_is_an_input_error(tmp_path, store):
    path = tmp_path / "broken.rq"
    path.write_text("# Broken.\nSELECT ?x WHERE { ?x ?y }\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        q.run(store, q.parse_query_file(path))
    assert "SPARQL syntax error" in info.value.message and info.value.file.endswith("broken.rq")
