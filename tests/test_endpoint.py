"""survey_kg.remote against a real Oxigraph server: publish, then every query remotely gives the
same output as locally, in every format; publishing replaces a graph and leaves the others."""

from __future__ import annotations

import re
import urllib.request

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID

import survey_kg
from survey_kg import queries as q
from survey_kg import remote as endpoint
from survey_kg.cli import main
from survey_kg.errors import EndpointError, InputError
from survey_kg.load import load
from survey_kg.paths import PREFIXES
from survey_kg.rdf import select as local_select
from survey_kg.results import FORMATS

from .conftest import SMALL
from .oxigraph_server import oxigraph_server, start_oxigraph  # noqa: F401  (fixtures)

QUERIES = q.list_queries()
SECOND_GRAPH = "https://w3id.org/survey-kg/dataset/test-second"
EXAMPLE = re.compile(r"e\.g\.\s+(\S+?)[.,;)]?(?:\s|$)")


# An entry field the importer did not know: the small survey has none, and a query reads them.
FIELD = """@prefix paper: <https://w3id.org/survey-kg/paper/> .
@prefix skg: <https://w3id.org/survey-kg/ontology#> .
paper:2303.03378 skg:field <https://w3id.org/survey-kg/paper/2303.03378/field-1> .
<https://w3id.org/survey-kg/paper/2303.03378/field-1> a skg:Field ;
    skg:label "Demo" ; skg:text "A robot arm stacks blocks."@en .
"""


@pytest.fixture(scope="module")
def survey_store(tmp_path_factory):
    """The small survey's store (what `survey-kg publish` sends), with an unknown field."""
    extra = tmp_path_factory.mktemp("field") / "field.ttl"
    extra.write_text(FIELD, encoding="utf-8")
    return load([SMALL / "data", extra])


@pytest.fixture(scope="module")
def small_store():
    """What `survey-kg --root tests/fixtures/small publish` sends."""
    return load([SMALL / "data"])


@pytest.fixture(scope="module")
def survey_rdflib(survey_store):
    """The same triples in rdflib, to look values up in."""
    return survey_kg.to_rdflib(survey_store)


@pytest.fixture(scope="module")
def survey_iri(survey_store):
    return endpoint.default_graph_iri(survey_store)


@pytest.fixture(scope="module")
def published(oxigraph_server, survey_store, survey_iri):  # noqa: F811
    """The module's server holding the survey in the default named graph, and nothing else."""
    count = endpoint.publish(survey_store, oxigraph_server.store_url, survey_iri,
                             query_url=oxigraph_server.query_url, timeout=10)
    assert count == len(survey_store)
    return oxigraph_server


def formatted(rows) -> dict[str, str]:
    return {name: format_rows(rows) for name, format_rows in FORMATS.items()}


def assert_same_output(remote, local):
    """Byte-identical output in every format."""
    assert formatted(remote) == formatted(local)


# ------------------------------------------------------------------- values for parameters

def candidates(graph, param: q.Param) -> list[str]:
    """Real values for a parameter, from the data: the header's own example first."""
    found = [m.group(1) for m in EXAMPLE.finditer(param.doc)]
    if param.kind == "iri":
        namespace = PREFIXES.get(param.name, "")
        typed = sorted({str(s) for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef)})
        works = sorted(str(s) for s in graph.subjects(RDF.type, URIRef(PREFIXES["schema"] +
                                                                      "CreativeWork")))
        found += [iri for iri in typed if namespace and iri.startswith(namespace)]
        found += works if param.name == "work" else typed
    elif param.kind == "lang":
        found += sorted({o.language for o in graph.objects() if isinstance(o, Literal)
                         and o.language}, reverse=True)
    elif param.kind == "year":
        found += sorted({str(o) for o in graph.objects(None, DCTERMS.issued)})
    elif param.kind == "integer":
        found += ["1", "2", "3"]
    else:
        found += sorted({str(o) for o in graph.objects() if isinstance(o, Literal)})[:50]
    return found


def real_binding(store, graph, query_file, param):
    """A value for `param` (from `graph`, the store's triples in rdflib) with which the query
    returns rows locally, and those rows."""
    for value in candidates(graph, param)[:60]:
        rows = q.run(store, query_file, {param.name: value})
        if len(rows):
            return value, rows
    pytest.fail(f"no value from the data gives rows for {query_file.name} ?{param.name}")


# ------------------------------------------------------------------------ remote = local

def works_only() -> ox.Store:
    """The small survey's works, without the dataset description."""
    return load(sorted((SMALL / "data" / "works").glob("*.ttl")))


def test_the_survey_has_queries():
    assert "works" in [item.name for item in QUERIES]


@pytest.mark.parametrize("query_file", QUERIES, ids=[item.name for item in QUERIES])
def test_query_remote_equals_local(published, survey_store, survey_iri, query_file):
    local = q.run(survey_store, query_file)
    text = q.bind(query_file)
    over_named_graph = endpoint.select(published.query_url, text, timeout=10,
                                       graph=survey_iri)
    over_union = endpoint.select(published.query_url, text, timeout=10)
    assert formatted(over_union) == formatted(over_named_graph)
    assert_same_output(over_named_graph, local)


PARAMETERIZED = [(item, param) for item in QUERIES for param in item.params.values()]


@pytest.mark.parametrize("query_file,param", PARAMETERIZED,
                         ids=[f"{item.name}-{param.name}" for item, param in PARAMETERIZED])
def test_query_with_a_parameter_remote_equals_local(published, survey_store, survey_rdflib,
                                                    survey_iri, query_file, param):
    value, local = real_binding(survey_store, survey_rdflib, query_file, param)
    text = q.bind(query_file, {param.name: value})
    remote = endpoint.select(published.query_url, text, timeout=10, graph=survey_iri)
    assert len(remote) == len(local) > 0
    assert_same_output(remote, local)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_query_command_prints_the_same_bytes_remotely(published, survey_iri, fmt):
    runner = CliRunner()
    local = runner.invoke(main, ["--root", str(SMALL), "query", "works", "--format", fmt])
    remote = runner.invoke(main, ["--root", str(SMALL), "query", "works", "--format", fmt,
                                  "--endpoint", published.query_url, "--graph",
                                  survey_iri])
    assert local.exit_code == 0, local.output
    assert remote.exit_code == 0, remote.output
    assert remote.stdout_bytes == local.stdout_bytes
    assert "2303.03378" in local.stdout


def test_bad_query_is_a_clear_error_from_the_server(published):
    with pytest.raises(EndpointError) as caught:
        endpoint.select(published.query_url, "SELECT * WHERE {", timeout=10)
    message = str(caught.value)
    assert message.startswith(f"{published.query_url}: HTTP 400 Bad Request")
    assert "\n" not in message


def test_graph_option_needs_an_endpoint():
    result = CliRunner().invoke(main, ["--root", str(SMALL), "query", "works", "--graph",
                                       endpoint.FALLBACK_GRAPH])
    assert result.exit_code == 2
    assert "--graph needs --endpoint" in result.stderr


# -------------------------------------------------------------------------------- publish

def small_graph(title: str) -> ox.Store:
    store = ox.Store()
    paper = ox.NamedNode(PREFIXES["paper"] + "0000.00001")
    store.add(ox.Quad(paper, ox.NamedNode(str(RDF.type)),
                      ox.NamedNode(PREFIXES["schema"] + "ScholarlyArticle")))
    store.add(ox.Quad(paper, ox.NamedNode(str(DCTERMS.title)), ox.Literal(title, language="en")))
    return store


class Refused:
    """A store whose N-Triples hold a line the server refuses (an IRI without a scheme: no store
    holds one, but a server must refuse it): the whole upload is rejected."""

    LINE = (b"<not-absolute> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#Property> .\n")

    def __init__(self, store: ox.Store):
        self.store = store

    def dump(self, **kwargs) -> bytes:
        return self.store.dump(**kwargs) + self.LINE

    def __len__(self) -> int:
        return len(self.store) + 1


def test_publish_command_reports_the_count_and_replaces_the_graph(start_oxigraph,  # noqa: F811
                                                                   small_store, survey_iri):
    server = start_oxigraph()
    runner = CliRunner()
    args = ["--root", str(SMALL), "publish", "--endpoint", server.query_url, "--timeout", "10"]
    first = runner.invoke(main, args)
    second = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    expected = (f"published {len(small_store)} triples to graph <{survey_iri}> "
                f"at {server.store_url}\n")
    assert first.stdout == second.stdout == expected
    assert endpoint.count_triples(server.query_url, survey_iri) == len(small_store)
    total = endpoint.select(server.query_url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(total.rows[0].n.value) == len(small_store)  # not doubled in the default graph


def test_publish_to_a_second_graph_leaves_the_first(start_oxigraph, survey_store,  # noqa: F811
                                                    survey_iri):
    server = start_oxigraph()
    urls = dict(query_url=server.query_url, timeout=10)
    endpoint.publish(survey_store, server.store_url, survey_iri, **urls)
    other = small_graph("Another survey")
    assert endpoint.publish(other, server.store_url, SECOND_GRAPH, **urls) == len(other)
    assert endpoint.count_triples(server.query_url, survey_iri) == len(survey_store)
    rows = endpoint.select(server.query_url, q.bind(q.find_query("works")), timeout=10,
                           graph=survey_iri)
    assert formatted(rows) == formatted(q.run(survey_store, q.find_query("works")))
    replaced = small_graph("The same survey, edited")
    endpoint.publish(replaced, server.store_url, SECOND_GRAPH, **urls)
    titles = endpoint.select(server.query_url, "SELECT ?t WHERE { ?p <%s> ?t }" % DCTERMS.title,
                             graph=SECOND_GRAPH)
    assert [row.t.value for row in titles.rows] == ["The same survey, edited"]


def test_publish_through_sparql_update(start_oxigraph, small_store, survey_iri):  # noqa: F811
    server = start_oxigraph()
    result = None
    for _ in range(2):  # twice: replaced, not doubled
        result = CliRunner().invoke(main, ["--root", str(SMALL), "publish", "--endpoint",
                                           server.query_url, "--update-endpoint",
                                           server.update_url])
        assert result.exit_code == 0, result.output
    assert f"published {len(small_store)} triples" in result.stdout
    assert endpoint.count_triples(server.query_url, survey_iri) == len(small_store)
    rows = endpoint.select(server.query_url, q.bind(q.find_query("works")), timeout=10)
    assert formatted(rows) == formatted(q.run(small_store, q.find_query("works")))


def test_a_rejected_upload_leaves_the_previous_graph(start_oxigraph, survey_store,  # noqa: F811
                                                     survey_iri):
    server = start_oxigraph()
    urls = dict(query_url=server.query_url, timeout=10)
    endpoint.publish(survey_store, server.store_url, survey_iri, **urls)
    broken = Refused(small_graph("Fine title"))
    with pytest.raises(EndpointError) as caught:
        endpoint.publish(broken, server.store_url, survey_iri, **urls)
    assert str(caught.value).startswith(f"{server.store_url}: HTTP 400")
    assert endpoint.count_triples(server.query_url, survey_iri) == len(survey_store)


def test_store_url_is_derived_only_from_a_query_url():
    assert endpoint.store_url_for("http://h:7878/query") == "http://h:7878/store"
    result = CliRunner().invoke(main, ["--root", str(SMALL), "publish", "--endpoint",
                                       "http://127.0.0.1:3030/ds/sparql"])
    assert result.exit_code == 2
    assert "cannot tell the Graph Store endpoint" in result.stderr
    assert "--store-endpoint" in result.stderr


def test_publish_help_names_the_default_graph():
    result = CliRunner().invoke(main, ["publish", "--help"], terminal_width=300,
                                max_content_width=300)
    assert endpoint.FALLBACK_GRAPH in result.output


def test_publish_refuses_a_bad_graph_iri():
    result = CliRunner().invoke(main, ["--root", str(SMALL), "publish", "--endpoint",
                                       "http://127.0.0.1:9/query", "--graph", "not an iri"])
    assert result.exit_code == 2
    assert "not an absolute IRI" in result.stderr


def test_server_in_fixture_is_a_real_oxigraph(oxigraph_server):  # noqa: F811
    with urllib.request.urlopen(oxigraph_server.query_url + "?query=ASK%7B%7D", timeout=5) as r:
        assert r.headers["Server"].startswith("Oxigraph")


def test_another_graph_round_trips(start_oxigraph):  # noqa: F811
    """A second data set (the works alone) through the same path, with its own named graph."""
    server = start_oxigraph()
    graph = works_only()
    count = endpoint.publish(graph, server.store_url, SECOND_GRAPH, query_url=server.query_url,
                             timeout=10)
    assert count == len(graph)
    works = q.find_query("works_per_year")
    remote = endpoint.select(server.query_url, q.bind(works), graph=SECOND_GRAPH)
    assert len(remote) > 1
    assert formatted(remote) == formatted(q.run(graph, works))


def test_default_graph_is_the_dataset_the_data_describes(survey_rdflib, survey_iri):
    described = sorted(str(s) for s in survey_rdflib.subjects(RDF.type, VOID.Dataset))
    assert described and [survey_iri] == described
    assert survey_iri != endpoint.FALLBACK_GRAPH


def test_both_upload_paths_leave_the_stores_triples_on_the_server(start_oxigraph,  # noqa: F811
                                                                   survey_store, survey_iri):
    """A Graph Store PUT and a SPARQL Update request leave the same triples on the server: the
    store's, as a query over them shows locally."""
    server = start_oxigraph()
    urls = dict(query_url=server.query_url, timeout=10)
    everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    assert endpoint.publish(survey_store, server.store_url, survey_iri, **urls) == \
        len(survey_store)
    put = formatted(endpoint.select(server.query_url, everything, graph=survey_iri))
    assert endpoint.publish(survey_store, None, SECOND_GRAPH, update_url=server.update_url,
                            **urls) == len(survey_store)
    assert formatted(endpoint.select(server.query_url, everything, graph=SECOND_GRAPH)) == put
    names, rows = local_select(survey_store, everything, row=q.row_type)
    assert put == formatted(q.Rows(names, rows)) and len(rows) == len(survey_store)


def test_default_graph_of_a_store_is_the_one_dataset_it_describes():
    store = works_only()  # describes no dataset
    assert endpoint.default_graph_iri(store) == endpoint.FALLBACK_GRAPH
    for name in ("one", "two"):
        store.add(ox.Quad(ox.NamedNode(f"https://example.org/{name}"),
                          ox.NamedNode(str(RDF.type)), ox.NamedNode(str(VOID.Dataset))))
        if name == "one":
            assert endpoint.default_graph_iri(store) == "https://example.org/one"
    with pytest.raises(InputError, match="several datasets"):
        endpoint.default_graph_iri(store)
