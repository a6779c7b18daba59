"""survey_kg.queries and survey_kg.results: query headers, parameter binding as RDF terms,
rows of Oxigraph terms, W3C result formats."""

import csv
import io
import json

import pyoxigraph as ox
import pytest

from survey_kg import queries as q
from survey_kg.errors import InputError
from survey_kg.results import rows_from_json, to_csv, to_json, to_table, to_tsv

XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

QUERY = """# Titles of works: one row per work with an arXiv ID.
# param: ?year year  Only works of this year.
# param: ?id string  Only the work with this arXiv ID.
# view: table
PREFIX schema: <https://schema.org/>
SELECT ?work ?title ?year WHERE {
    ?work schema:identifier ?node ; schema:name ?t ; schema:datePublished ?year .
    ?node schema:propertyID "arXiv" ; schema:value ?id .
    BIND (STR(?t) AS ?title)  # a comment with a } brace
}
ORDER BY ?work
"""
EMBODIED = ["PaLM-E: An Embodied Multimodal Language Model", "RT-2: Vision-Language-Action Models",
            "GAIA-1: A Generative World Model for Autonomous Driving"]


@pytest.fixture
def query_file(tmp_path):
    path = tmp_path / "titles.rq"
    path.write_text(QUERY, encoding="utf-8")
    return q.parse_query_file(path)


def test_header_is_read(query_file):
    assert query_file.title == "Titles of works: one row per work with an arXiv ID."
    assert list(query_file.params) == ["year", "id"]
    assert query_file.params["year"].kind == "year"
    assert query_file.view == "table"


def test_unbound_query_returns_every_row(valid_store, query_file):
    rows = q.run(valid_store, query_file)
    assert rows.vars == ["work", "title", "year"]
    assert len(rows) == 12  # the small survey's works with an arXiv ID
    assert [r.work.value for r in rows.rows] == sorted(r.work.value for r in rows.rows)


def test_parameter_is_bound_as_a_typed_term(valid_store, query_file):
    text = q.bind(query_file, {"year": "2024"})
    assert 'VALUES (?year) { ("2024"^^<http://www.w3.org/2001/XMLSchema#gYear>) }' in text
    rows = q.run(valid_store, query_file, {"year": "2024"})
    assert [r.title.value for r in rows.rows] == [
        "PaLM-E: An Embodied Multimodal Language Model", "CoTracker: It is Better to Track Together",
        "4D Gaussian Splatting for Real-Time Dynamic Scene Rendering",
        "DUSt3R: Geometric 3D Vision Made Easy"]


def test_a_hostile_string_stays_a_literal(valid_store, query_file):
    hostile = 'x" } ; DROP ALL ; SELECT * { ?s ?p "'
    text = q.bind(query_file, {"id": hostile})
    assert str(ox.Literal(hostile)) in text
    assert q.run(valid_store, query_file, {"id": hostile}).rows == []
    assert [r.title.value for r in q.run(valid_store, query_file, {"id": "2307.15818"}).rows] \
        == ["RT-2: Vision-Language-Action Models"]


CATEGORY_QUERY = """# Works of a category, with a subquery and braces in strings: one row per work.
# param: ?category iri  Only this category.
PREFIX schema: <https://schema.org/>
SELECT ?title WHERE {
    { SELECT ?work WHERE { ?work schema:about ?category } }
    ?work schema:about ?category ; schema:name ?t .
    FILTER (STR(?t) != "} { not a group")
    BIND (STR(?t) AS ?title)
}
ORDER BY DESC(?title)
"""


def test_a_parameter_joins_the_whole_group_after_its_subqueries(tmp_path, valid_store):
    path = tmp_path / "category.rq"
    path.write_text(CATEGORY_QUERY, encoding="utf-8")
    query = q.parse_query_file(path)
    text = q.bind(query, {"category": "category:embodied-intelligence-systems"})
    values = ("    VALUES (?category) { (<https://w3id.org/survey-kg/category/"
              "embodied-intelligence-systems>) }\n}\nORDER BY")
    assert values in text and text.replace(values, "}\nORDER BY") == CATEGORY_QUERY
    rows = q.run(valid_store, query, {"category": "category:embodied-intelligence-systems"})
    assert [r.title.value for r in rows.rows] == sorted(EMBODIED, reverse=True)


def test_a_query_without_a_where_group_cannot_take_parameters(tmp_path):
    path = tmp_path / "construct.rq"
    path.write_text("# Everything.\n# param: ?s iri  A subject.\n"
                    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        q.bind(q.parse_query_file(path), {"s": "paper:2303.03378"})
    assert "no WHERE group" in info.value.message and info.value.file.endswith("construct.rq")


def test_an_unknown_parameter_kind_names_its_line(tmp_path):
    path = tmp_path / "kind.rq"
    path.write_text("# A query.\n# param: ?x colour  What colour.\nSELECT ?x WHERE { ?x ?p ?o }\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as info:
        q.parse_query_file(path)
    assert info.value.line == 2 and info.value.file.endswith("kind.rq")
    assert "unknown kind 'colour'" in info.value.message


@pytest.mark.parametrize("kind,value,term", [
    ("integer", "+007", ox.Literal("7", datatype=XSD_INTEGER)),
    ("lang", "ZH", ox.Literal("zh")),
    ("string", "a \"quoted\" } text", ox.Literal("a \"quoted\" } text")),
    ("iri", "https://example.org/x", ox.NamedNode("https://example.org/x")),
    ("iri", "category:world-models", ox.NamedNode("https://w3id.org/survey-kg/category/world-models")),
])
def test_each_kind_of_parameter_becomes_its_term(kind, value, term):
    assert q.term_for(q.Param("p", kind, ""), value) == term


@pytest.mark.parametrize("params,words", [
    ({"nope": "1"}, "has no parameter ?nope"),
    ({"year": "24"}, "is not a four-digit year"),
])
def test_bad_parameters_are_input_errors(query_file, params, words):
    with pytest.raises(InputError) as info:
        q.bind(query_file, params)
    assert words in str(info.value)


@pytest.mark.parametrize("value", ["not an iri", "http://x/> } DROP ALL {", "javascript"])
def test_iri_parameters_must_be_absolute_iris(value):
    with pytest.raises(InputError):
        q.term_for(q.Param("p", "iri", ""), value)


def test_prefixed_names_expand():
    assert q.term_for(q.Param("p", "iri", ""), "paper:2401.12945") == \
        ox.NamedNode("https://w3id.org/survey-kg/paper/2401.12945")


def test_syntax_error_names_the_file(tmp_path, valid_store):
    # Oxigraph's parser reports it when the query runs (bind no longer parses the text)
    path = tmp_path / "broken.rq"
    path.write_text("SELECT ?x WHERE { ?x ?y }", encoding="utf-8")
    with pytest.raises(InputError) as info:
        q.run(valid_store, q.parse_query_file(path))
    assert "SPARQL syntax error" in info.value.message and info.value.file.endswith("broken.rq")
    assert info.value.line == 1 and "..=" not in info.value.message


def test_the_projects_prefixes_go_before_the_querys_first_line(tmp_path, valid_store):
    """Only those the query uses and does not declare, on its first line: its lines keep
    their numbers; a bound parameter still joins the WHERE group."""
    path = tmp_path / "undeclared.rq"
    path.write_text("# Titles of a year.\n# param: ?year year  The year.\n"
                    "SELECT ?title WHERE {\n    ?w a schema:ScholarlyArticle ; "
                    "schema:name ?title ; schema:datePublished ?year .\n}\nORDER BY ?title\n",
                    encoding="utf-8")
    query = q.parse_query_file(path)
    text = q.prepare(query, {"year": "2021"})
    assert text == "PREFIX schema: <https://schema.org/> " + q.bind(query, {"year": "2021"})
    assert text.count("\n") == q.bind(query, {"year": "2021"}).count("\n")
    declared = tmp_path / "declared.rq"
    header, body = path.read_text("utf-8").split("SELECT")
    declared.write_text(header + "PREFIX schema: <https://schema.org/>\nSELECT" + body,
                        encoding="utf-8")
    rows = q.run(valid_store, query, {"year": "2021"}).rows
    assert len(rows) == 1  # the small survey's one work of 2021
    assert rows == q.run(valid_store, q.parse_query_file(declared), {"year": "2021"}).rows


def test_unknown_query_lists_the_known_ones():
    with pytest.raises(InputError) as info:
        q.find_query("no_such_query")
    assert "works_per_year" in info.value.hint and "work_authors" in info.value.hint


ROW = q.row_type(["s", "label", "n"])
ROWS = q.Rows(["s", "label", "n"], [
    ROW((ox.NamedNode("https://e.org/a"), ox.Literal("A, \"quoted\"", language="en"),
         ox.Literal("3", datatype=XSD_INTEGER))),
    ROW((ox.NamedNode("https://e.org/b"), None, None)),
])


def test_json_is_w3c_results_and_round_trips():
    doc = json.loads(to_json(ROWS))
    assert doc["head"] == {"vars": ["s", "label", "n"]}
    assert doc["results"]["bindings"][0]["label"] == {"type": "literal", "value": 'A, "quoted"',
                                                      "xml:lang": "en"}
    assert doc["results"]["bindings"][1] == {"s": {"type": "uri", "value": "https://e.org/b"}}
    assert rows_from_json(doc) == ROWS


def test_csv_is_w3c_results():
    text = to_csv(ROWS)
    assert text.endswith("\r\n")
    assert list(csv.reader(io.StringIO(text))) == [["s", "label", "n"],
                                                   ["https://e.org/a", 'A, "quoted"', "3"],
                                                   ["https://e.org/b", "", ""]]


def test_tsv_is_w3c_results():
    lines = to_tsv(ROWS).splitlines()
    assert lines[0] == "?s\t?label\t?n"
    assert lines[1] == ('<https://e.org/a>\t"A, \\"quoted\\""@en\t'
                        '"3"^^<http://www.w3.org/2001/XMLSchema#integer>')
    assert lines[2] == "<https://e.org/b>\t\t"


def test_table_shows_row_count():
    text = to_table(ROWS)
    assert text.splitlines()[0].split() == ["s", "label", "n"]
    assert text.rstrip().endswith("(2 rows)")


def test_solutions_are_rows_read_by_name_with_shared_terms(tmp_path):
    """A query's rows are Rows: a variable is read as an attribute, by key or with Row.get, even
    when it is named like a tuple or Row method; an unbound one is None; a term recurring in
    the rows is one object."""
    store = ox.Store()
    paper, title = ox.NamedNode("https://example.org/p"), ox.Literal("A title", language="en")
    for n in (1, 2):
        author = ox.NamedNode(f"https://example.org/a{n}")
        store.add(ox.Quad(paper, ox.NamedNode("https://example.org/author"), author))
    store.add(ox.Quad(paper, ox.NamedNode("https://example.org/title"), title))
    path = tmp_path / "rows.rq"
    path.write_text("SELECT ?get ?count ?title ?none WHERE { ?get <https://example.org/author> "
                    "?count ; <https://example.org/title> ?title OPTIONAL { ?get <urn:x> ?none } }"
                    " ORDER BY ?count\n", encoding="utf-8")
    rows = q.run(store, q.parse_query_file(path)).rows
    assert [isinstance(row, q.Row) for row in rows] == [True, True]
    first, second = rows
    assert first.get == paper and q.Row.get(first, "get") == paper
    assert first.count == ox.NamedNode("https://example.org/a1") and first[1] == first.count
    assert first.none is None and q.Row.get(first, "missing", "default") == "default"
    assert first.title is second.title  # one object for the recurring term
    assert dict(first.items()) == {"get": paper, "count": first.count, "title": title,
                                   "none": None}
    with pytest.raises(AttributeError):
        first.missing


def test_a_row_variable_named_like_the_rows_own_data_is_still_read():
    make = q.row_type(["_index", "items", "__class__", "x"])
    row = make((ox.Literal("a"), ox.Literal("b"), ox.Literal("c"), ox.Literal("d")))
    assert [q.Row.get(row, name).value for name in ("_index", "items", "__class__", "x")] == \
        ["a", "b", "c", "d"]
    assert row.items.value == "b" and row.x.value == "d" and type(row).__name__ == "Row"
    assert "x=<Literal" in repr(row)
