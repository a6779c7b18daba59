"""The queries in queries/: the rows each returns on the small survey (standard SPARQL 1.1 run by
Oxigraph, recorded in tests/fixtures/queries/expected/ by its make.py), checked against the
data in other ways too; parameters, languages, errors; `survey-kg query` on the command line."""

import csv
import io
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from survey_kg import queries as q
from survey_kg.cli import main
from survey_kg.errors import InputError
from survey_kg.load import load, turtle_files
from survey_kg.paths import PREFIXES

from .conftest import FIXTURES, ROOT, SMALL

EXPECTED = FIXTURES / "queries" / "expected"
# The queries of the survey's pages and reports, whose rows these tests record. Other queries in
# queries/ (the site's, the citations') have tests of their own; the checks of every query file
# (its header, its parameters, standard SPARQL) apply to them too.
QUERIES = ("author_index", "categories", "curation_status", "dataset_statistics",
           "translation_coverage", "work_authors", "work_fields", "work_key_points",
           "work_links", "work_notes", "work_sources", "works", "works_per_venue",
           "works_per_year", "works_without_code")
LANGUAGES = ("en", "zh")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
# Queries that return no row on the whole survey, and why (checked: they really return none).
EMPTY_ON_THE_SURVEY = {"work_fields": "no entry of the survey has a field the importer does "
                                      "not know"}


def short(term) -> str:
    """A term as the expected files write it: Turtle syntax, prefixed names where a project
    prefix fits, a literal's line breaks and tabs escaped (one row per line)."""
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
    text = '"' + term.value.translate(ESCAPES) + '"'
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
    return load(turtle_files([SMALL / "data"]))


@pytest.fixture(scope="module")
def survey_store():
    return load(turtle_files([ROOT / "data"]))


def run(store, name, **params):
    return q.run(store, q.find_query(name), params).rows


def test_every_query_has_expected_rows_in_each_language():
    expected = set()
    for query in map(q.find_query, QUERIES):
        expected |= {f"{query.name}@{lang}" for lang in LANGUAGES} if "lang" in query.params \
            else {query.name}
    assert {path.stem for path in EXPECTED.glob("*.tsv")} == expected


@pytest.mark.parametrize("name,params,path", cases())
def test_query_returns_the_expected_rows(store, name, params, path):
    expected = read_expected(path)
    assert table(q.run(store, q.find_query(name), params)) == expected
    # a record of nothing would check nothing: all but work_fields have rows on the small survey
    assert len(expected) > 1 or name == "work_fields"


def test_every_query_returns_rows_on_the_whole_survey(survey_store):
    for query in map(q.find_query, QUERIES):
        for params in [{"lang": lang} for lang in LANGUAGES] if "lang" in query.params else [{}]:
            rows = q.run(survey_store, query, params)
            if query.name in EMPTY_ON_THE_SURVEY:
                assert len(rows) == 0, query.name
            else:
                assert len(rows) > 0, f"{query.name} {params} returns no row on the survey"


LANG_QUERIES = [query for query in q.list_queries() if "lang" in query.params]


def test_the_page_queries_with_a_language_parameter():
    assert {query.name for query in LANG_QUERIES} & set(QUERIES) == {
        "categories", "works", "work_key_points"}


@pytest.mark.parametrize("query", LANG_QUERIES, ids=lambda query: query.name)
def test_a_language_query_run_unbound_holds_each_bound_run_in_order(store, query):
    """The pages run each ?lang query once, unbound, and split its rows by ?lang
    (survey_kg.render.pages._rows): that is only right if the split rows are the bound run's
    rows, and the unbound run is the bound runs one language after the other."""
    unbound = q.run(store, query)
    assert "lang" in unbound.vars
    assert [row.lang.value for row in unbound.rows] == sorted(row.lang.value
                                                              for row in unbound.rows)
    assert {row.lang.value for row in unbound.rows} == set(LANGUAGES)
    for lang in (*LANGUAGES, "fr"):
        bound = q.run(store, query, {"lang": lang})
        assert bound.rows == [row for row in unbound.rows if row.lang.value == lang]
        assert bound.rows or lang == "fr"


@pytest.mark.parametrize("query", q.list_queries(), ids=lambda query: query.name)
def test_query_files_say_what_they_answer_and_order_their_rows(query):
    lines = query.text.splitlines()
    assert lines[0].startswith("# ") and len(query.title) > 20
    body = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    if query.name in QUERIES and query.name != "dataset_statistics":  # (one row)
        assert re.search(r"^ORDER BY ", body, re.M), "rows must come in a defined order"
    for name in query.params:
        assert f"?{name}" in body, f"declared parameter ?{name} is not used"
    assert not re.search(r"\bWITH\b.*\bAS\s+%|\bINCLUDE\s+%|bd:|hint:", body), \
        "no Blazegraph extensions"


# ------------------------------------------------------------------ rows checked another way

def objects(store, subject, curie):
    prefix, _, local = curie.partition(":")
    return [quad.object for quad in
            store.quads_for_pattern(subject, ox.NamedNode(PREFIXES[prefix] + local), None)]


def test_authors_come_in_the_order_of_their_positions(store):
    rows = run(store, "work_authors")
    by_work: dict = {}
    for row in rows:
        by_work.setdefault(row.work, []).append((int(row.position.value), row.name.value,
                                                 row.author))
    works = {quad.subject for quad in store.quads_for_pattern(
        None, ox.NamedNode(PREFIXES["skg"] + "authorship"), None)}
    assert set(by_work) == works and len(works) == 15
    for work, listed in by_work.items():
        expected = sorted((int(objects(store, node, "skg:position")[0].value),
                           objects(store, node, "skg:printedName")[0].value,
                           objects(store, node, "skg:author")[0])
                          for node in objects(store, work, "skg:authorship"))
        assert listed == expected
    palm_e = [r.name.value for r in rows if r.work.value.endswith("/2303.03378")]
    assert palm_e[:3] == ["Danny Driess", "Fei Xia", "Mehdi S. M. Sajjadi"]


def test_each_category_counts_the_works_about_it(store):
    counts = {(row.category, int(row.works.value)) for row in run(store, "categories", lang="en")}
    about = ox.NamedNode("https://schema.org/about")
    expected = {}
    for quad in store.quads_for_pattern(None, about, None):
        expected[quad.object] = expected.get(quad.object, 0) + 1
    assert counts == set(expected.items())
    listed = {}
    for row in run(store, "works", lang="zh"):
        listed[row.category] = listed.get(row.category, 0) + 1
    assert listed == expected


def test_categories_come_in_the_order_of_their_parts():
    rows = run(load(turtle_files([SMALL / "data"])), "categories", lang="en")
    assert [(row.partLabel.value, row.label.value) for row in rows] == [
        ("Independent Exploration: Specialized Models", "Modality Consistency"),
        ("Preliminary Integration: Unified Multimodal Models", "Modality + Temporal Consistency"),
        ("Preliminary Integration: Unified Multimodal Models", "Spatial + Temporal Consistency"),
        ('The "Trinity" Prototype: Emerging World Models', "Text-to-World Generators"),
        ('The "Trinity" Prototype: Emerging World Models', "Embodied Intelligence Systems"),
        ("Benchmarks and Evaluation", "Benchmarks and Evaluation")]  # a part of its own


def test_a_text_missing_in_a_language_comes_in_the_other(store):
    """ActionFormer has no Chinese one-liner or abstract: the Chinese rows give the English
    ones (and no core innovation, which it has in no language); PaLM-E has each text in both
    languages, and each row has its own."""
    rows = {(row.lang.value, row.work.value.rsplit("/", 1)[1]): row for row in run(store, "works")}
    en, zh = rows["en", "2202.07925"], rows["zh", "2202.07925"]
    assert zh.oneLiner == en.oneLiner and zh.oneLiner.language == "en"
    assert zh.abstract == en.abstract and zh.abstract.language == "en"
    assert en.coreInnovation is None and zh.coreInnovation is None
    assert zh.title.language == "en"  # titles are English only
    en, zh = rows["en", "2303.03378"], rows["zh", "2303.03378"]
    for name in ("oneLiner", "coreInnovation", "abstract"):
        assert (getattr(en, name).language, getattr(zh, name).language) == ("en", "zh"), name


def test_key_points_come_whole_from_one_language(store):
    """GEN3C has one English key point and five Chinese ones: each page shows its own list."""
    rows = run(store, "work_key_points", work="paper:2503.03751")
    assert [(r.lang.value, int(r.position.value), r.text.language) for r in rows] == [
        ("en", 1, "en"), *[("zh", n, "zh") for n in range(1, 6)]]


def test_key_points_missing_in_a_language_come_from_the_other(tmp_path):
    path = tmp_path / "points.ttl"
    path.write_text(POINTS_TTL, encoding="utf-8")
    rows = q.run(load([path]), q.find_query("work_key_points")).rows
    assert [(r.lang.value, r.work.value[-1], r.text.value) for r in rows] == [
        ("en", "a", "A one"), ("en", "a", "A two"), ("en", "b", "B 一"),
        ("zh", "a", "A 一"), ("zh", "b", "B 一")]


POINTS_TTL = """
@prefix schema: <https://schema.org/> . @prefix skg: <https://w3id.org/survey-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix p: <https://example.org/> .
p:c a skos:Concept ; skos:prefLabel "C"@en , "丙"@zh .
p:a a schema:CreativeWork ; skg:keyPoint p:a1 , p:a2 , p:az .
p:a1 skg:position 1 ; skg:text "A one"@en . p:a2 skg:position 2 ; skg:text "A two"@en .
p:az skg:position 1 ; skg:text "A 一"@zh .
p:b a schema:CreativeWork ; skg:keyPoint p:bz . p:bz skg:position 1 ; skg:text "B 一"@zh .
"""


def test_links_come_by_kind_code_from_its_repository(store):
    rows = run(store, "work_links", work="paper:2307.07635")
    assert [r.kind.value for r in rows] == ["paper", "pdf", "code"]
    code = [r.url.value for r in rows if r.kind.value == "code"]
    assert code == ["https://github.com/facebookresearch/co-tracker"]


def test_fields_the_importer_did_not_know_are_listed(tmp_path):
    path = tmp_path / "fields.ttl"
    path.write_text("""
@prefix schema: <https://schema.org/> . @prefix skg: <https://w3id.org/survey-kg/ontology#> .
@prefix p: <https://example.org/> .
p:w a schema:CreativeWork ; skg:field p:w-f2 , p:w-f1 .
p:w-f1 skg:label "Dataset size" ; skg:text "1M clips"@en .
p:w-f2 skg:label "Training" ; skg:text "8 GPUs"@en .
""", encoding="utf-8")
    rows = q.run(load([path]), q.find_query("work_fields")).rows
    assert [(r.label.value, r.text.value) for r in rows] == [("Dataset size", "1M clips"),
                                                              ("Training", "8 GPUs")]


def test_statistics_count_what_the_graph_holds(store):
    [row] = run(store, "dataset_statistics")
    assert int(row.triples.value) == len(store)
    assert int(row.works.value) == 15 and int(row.products.value) == 3
    assert int(row.papers.value) == 12 and int(row.categories.value) == 6
    assert sum(int(r.works.value) for r in run(store, "works_per_year")) == 15


# ------------------------------------------------------------------ parameters

def test_a_category_parameter_narrows_the_works(store):
    rows = run(store, "works", category="category:world-models")
    assert [(r.lang.value, r.title.value) for r in rows] == [
        (lang, title) for lang in LANGUAGES
        for title in ("OpenAI Sora", "Runway Gen-3 Alpha", "Pika 1.0")]


def test_a_work_parameter_narrows_the_authors_to_that_work_in_order(store):
    rows = run(store, "work_authors", work="paper:2307.15818")
    names = [r.name.value for r in rows]
    assert names[:3] == ["Anthony Brohan", "Noah Brown", "Justice Carbajal"] and len(names) == 54


def test_missing_parameter_narrows_translation_coverage(store):
    rows = run(store, "translation_coverage", missing="zh")
    assert {r.missing.value for r in rows} == {"zh"}
    assert [(r.work.value.rsplit("/", 1)[1], r.field.value) for r in rows] == [
        ("2202.07925", "oneLiner"), ("2202.07925", "abstract"), ("2211.13221", "oneLiner"),
        ("2503.03751", "oneLiner")]
    assert run(store, "translation_coverage", missing="en") == []


AUTHORS_TTL = """
@prefix schema: <https://schema.org/> . @prefix p: <https://example.org/> .
p:solo1 a schema:CreativeWork ; schema:name "Solo one"@en ; schema:author p:eve .
p:solo2 a schema:CreativeWork ; schema:name "Solo two"@en ; schema:author p:eve ;
    schema:datePublished "2024"^^<http://www.w3.org/2001/XMLSchema#gYear> .
p:pair a schema:CreativeWork ; schema:name "Pair"@en ; schema:author p:fay , p:gus .
p:eve schema:name "Eve" . p:fay schema:name "Fay" . p:gus schema:name "Gus" .
"""


def test_author_index_counts_each_authors_works(tmp_path):
    path = tmp_path / "authors.ttl"
    path.write_text(AUTHORS_TTL, encoding="utf-8")
    rows = q.run(load([path]), q.find_query("author_index")).rows
    assert [(r.name.value, int(r.works.value), r.title.value) for r in rows] == [
        ("Eve", 2, "Solo two"), ("Eve", 2, "Solo one"), ("Fay", 1, "Pair"), ("Gus", 1, "Pair")]


def test_unknown_query_name_is_an_input_error():
    with pytest.raises(InputError) as info:
        q.find_query("works_by_colour")
    assert "unknown query 'works_by_colour'" in str(info.value)
    assert "works_per_year" in info.value.hint


def test_oxigraph_syntax_error_is_an_input_error(tmp_path, store):
    path = tmp_path / "broken.rq"
    path.write_text("# Broken.\nSELECT ?x WHERE { ?x ?y }\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        q.run(store, q.parse_query_file(path))
    assert "SPARQL syntax error" in info.value.message and info.value.file.endswith("broken.rq")
    assert info.value.line == 2  # the line of the file


def test_cli_a_syntax_error_is_one_line_naming_the_files_line(tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("# Broken.\nSELECT ?x WHERE {\n  ?x schema:name }\n", encoding="utf-8")
    result = _run_cli(str(path))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(f"survey-kg: error: {path}:3: SPARQL syntax error at "
                                    "column 18: expected one of")
    assert result.stderr.count("\n") == 1 and "..=" not in result.stderr
    assert '"true", "|", a digit, a name (fix the query' in result.stderr  # no ranges


# ------------------------------------------------------------------ the command

def _run_cli(*args):
    return CliRunner().invoke(main, ["--root", str(SMALL), "query", *args])


def test_cli_unknown_query_exits_2():
    result = _run_cli("works_by_colour")
    assert result.exit_code == 2
    assert "unknown query 'works_by_colour'" in result.output


@pytest.mark.parametrize("param,words", [
    ("colour=red", "has no parameter ?colour"),
    ("lang=en_US!", "is not a language tag"),
    ("category=not an iri", "is not an absolute IRI"),
    ("lang", "is not NAME=VALUE"),
])
def test_cli_bad_parameter_exits_2(param, words):
    result = _run_cli("works", "--param", param)
    assert result.exit_code == 2
    assert words in result.output and "Traceback" not in result.output


def test_cli_binds_a_language_and_writes_csv():
    result = _run_cli("categories", "--param", "lang=zh", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0][:5] == ["lang", "category", "notation", "symbol", "label"]
    assert [(r[0], r[4]) for r in rows[1:3]] == [("zh", "模态一致性"), ("zh", "模态 + 时间一致性")]
    assert len(rows) == 7


def test_cli_binds_an_iri_parameter_as_a_prefixed_name():
    result = _run_cli("work_links", "--param", "work=paper:2307.07635", "--format", "tsv")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "?work\t?kind\t?url"
    assert lines[3] == ("<https://w3id.org/survey-kg/paper/2307.07635>\t\"code\"\t"
                        "<https://github.com/facebookresearch/co-tracker>")


def test_cli_writes_sparql_json_and_a_table():
    doc = json.loads(_run_cli("works_per_year", "--format", "json").output)
    assert doc["head"]["vars"] == ["year", "works"]
    assert {b["year"]["value"]: b["works"]["value"] for b in doc["results"]["bindings"]} == {
        "2021": "1", "2022": "2", "2023": "3", "2024": "6", "2025": "3"}
    table_text = _run_cli("works_per_year").output
    assert table_text.splitlines()[0].split() == ["year", "works"]
    assert table_text.rstrip().endswith("(5 rows)")
    lines = [json.loads(line) for line in _run_cli("works_per_year", "--format",
                                                   "jsonl").stdout.splitlines()]
    assert lines[0] == {"year": "2021", "works": 1} and len(lines) == 5


def test_cli_list_shows_every_query_with_its_title_and_parameters():
    result = _run_cli("--list")  # as the README writes it: no NAME
    assert result.exit_code == 0, result.output
    assert _run_cli("any", "--list").stdout == result.stdout
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == [query.name for query in q.list_queries()]
    works = next(line for line in lines if line.startswith("works "))
    assert "The works of each category" in works and works.endswith("[?lang ?category]")


def test_cli_a_survey_query_overrides_a_shipped_one(small_survey):
    """A survey's own queries/ folder comes first: a query there replaces the shipped one of
    the same name, and its `--list` entry says so."""
    folder = small_survey.root / "queries"
    folder.mkdir()
    (folder / "works_per_year.rq").write_text(
        "# Works per year, the survey's own: only the count.\n"
        "PREFIX schema: <https://schema.org/>\n"
        "SELECT (COUNT(?w) AS ?n) WHERE { ?w a schema:CreativeWork } ORDER BY ?n\n",
        encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(small_survey.root), "query",
                                       "works_per_year", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == b"n\r\n15\r\n"  # W3C CSV: CRLF line ends
