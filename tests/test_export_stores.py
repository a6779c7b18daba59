"""The dumps from an Oxigraph store and from an rdflib graph: the same triples give the same bytes,
whichever is given (issue #6: the fast path makes no change to the output).

A store is loaded with Oxigraph's own loader; the graph with its triples is made from it as
`survey_kg.load` makes graphs, so both hold the same triples. (A Store normalizes some literals
as it loads them, "1"^^xsd:int to "1"^^xsd:integer: an rdflib graph read from the same files
keeps them as written, and its dump says so; see the last tests.)
"""

from __future__ import annotations

import importlib
import json
import os
import random
import shutil

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, VOID, XSD

from survey_kg import export
from survey_kg.dataset import statistics
from survey_kg.errors import InputError
from survey_kg.load import add_triples, load_files, load_store, load_store_and_ntriples
from survey_kg.namespaces import DATASET, PAPER, PERSON, SCHEMA, SKG, new_graph
from survey_kg.query import to_store
from survey_kg.synth import write_survey

from .conftest import ROOT
from .test_properties_export import graphs

DATA = ROOT / "data"
DUMP_FILES = ["survey.ttl", "survey.nt", "survey.jsonld", "context.jsonld", "ontology.ttl",
              "shapes.ttl", "void.ttl"]


def store_of(folder) -> ox.Store:
    """Every Turtle file under `folder` in one store, loaded by Oxigraph."""
    store = ox.Store()
    for path in sorted(folder.rglob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
    return store


def graph_of(store: ox.Store) -> Graph:
    """The store's triples in an rdflib graph."""
    graph = new_graph()
    add_triples(graph, ((q.subject, q.predicate, q.object)
                        for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())))
    return graph


def assert_same_dumps(graph: Graph, store: ox.Store, fmt: str = "all") -> dict[str, bytes]:
    from_graph, graph_statistics = export.render_dump(graph, fmt)
    from_store, store_statistics = export.render_dump(store, fmt)
    assert list(from_graph) == list(from_store)
    for name in from_graph:
        assert from_graph[name] == from_store[name], name
    assert graph_statistics == store_statistics
    return from_store


# ------------------------------------------------------------------ the survey, real and generated

@pytest.fixture(scope="module")
def survey_store() -> ox.Store:
    return store_of(DATA)


def test_the_survey_gives_the_same_dumps_from_a_graph_and_a_store(survey_store):
    files = assert_same_dumps(graph_of(survey_store), survey_store)
    assert list(files) == DUMP_FILES
    # and the graph the loader makes is that graph
    assert files["survey.nt"] == export.render_dump(load_files([DATA]), "nt")[0]["survey.nt"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> ox.Store:
    folder = tmp_path_factory.mktemp("synth")
    write_survey(folder, 300, 20240101)
    return store_of(folder / "data")


def test_a_generated_survey_gives_the_same_dumps_from_a_graph_and_a_store(generated):
    graph = graph_of(generated)
    files = assert_same_dumps(graph, generated)
    assert len(files["survey.nt"].splitlines()) == len(generated) == len(graph)
    for name, fmt in (("survey.ttl", ox.RdfFormat.TURTLE), ("survey.nt", ox.RdfFormat.N_TRIPLES),
                      ("survey.jsonld", ox.RdfFormat.JSON_LD)):
        back = ox.Store()
        back.load(files[name], format=fmt)
        assert export.canonical(back) == export.canonical(generated), name


def test_write_dump_writes_what_render_dump_renders(generated, tmp_path):
    dump = export.write_dump(generated, tmp_path / "store")
    again = export.write_dump(graph_of(generated), tmp_path / "graph")
    rendered, _ = export.render_dump(generated)
    for name, data in rendered.items():
        assert (tmp_path / "store" / name).read_bytes() == data, name
        assert (tmp_path / "graph" / name).read_bytes() == data, name
    assert dump.sizes == again.sizes == {name: len(data) for name, data in rendered.items()}
    assert dump.statistics == again.statistics == statistics(generated)
    assert dump.statistics.papers == 300
    assert sorted(p.name for p in (tmp_path / "store").iterdir()) == sorted(DUMP_FILES)


def test_the_jsonld_is_laid_out_as_json_dumps_would(generated):
    text = export.to_jsonld(generated)
    assert json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True) + "\n" == text


# ------------------------------------------------------------------ what the survey does not have

EX = "http://example.org/"
ODD_TEXTS = ['quote " and backslash \\', "new\nline\rreturn\ttab", "line\u2028separator\u2029",
             "\x01\x1f\x7f\x85 controls", "\U0001F600 astral \U00010000", "中文 عربي",
             "ends with a quote\"", '"""', "_:b0 <not an IRI> @en ^^", ""]
# IRIs no prefixed name can write: a slash or a character PN_LOCAL does not allow after the
# namespace, or no local part that Turtle reads back the same
UNPREFIXABLE = [PERSON["ªlvarez"], PERSON["µ"], URIRef(str(PAPER) + "2401.00001/author/1"),
                URIRef(str(PERSON) + "ends-with-dot."), URIRef(str(PERSON) + "-dash"),
                URIRef(str(PERSON) + "a#b"), URIRef("https://例え.jp/パス/x"),
                URIRef(EX + "a%20b"), URIRef("urn:isbn:0451450523")]


def odd_triples(b) -> list[tuple]:
    """Blank nodes (shared, nested, a cycle, as a class), odd literals and unprefixable IRIs;
    `b(name)` gives the blank node of each name (so a test can pick other labels)."""
    p, q = PAPER["2401.00001"], PAPER["2401.00002"]
    triples = [
        (p, RDF.type, SCHEMA.ScholarlyArticle), (p, RDF.type, b("kind")),
        (b("kind"), RDFS.label, Literal("a blank node class", lang="en")),
        (p, SKG.venue, b("venue")), (q, SKG.venue, b("venue")),
        (b("venue"), SKG.acronym, Literal("V")),
        (p, SKG.authorship, b("author")),
        (b("author"), SKG.position, Literal("1", datatype=XSD.integer)),
        (b("author"), SKG.author, b("person")), (b("person"), FOAF.name, Literal("nested")),
        (b("cycle1"), RDFS.seeAlso, b("cycle2")), (b("cycle2"), RDFS.seeAlso, b("cycle1")),
        (p, DCTERMS.issued, Literal("2024", datatype=XSD.gYear)),
        (p, DCTERMS.issued, Literal("2024-01-02", datatype=XSD.date)),
        (p, SKG.position, Literal("-12", datatype=XSD.integer)),
        (p, URIRef(EX + "flag"), Literal("true", datatype=XSD.boolean)),
        (p, URIRef(EX + "custom"), Literal("x y", datatype=URIRef(EX + "type"))),
        (p, URIRef(EX + "tagged"), Literal("subtag", lang="zh-hans")),
        (p, SKOS.prefLabel, Literal("untagged under a language map")),
        # the dataset description void.ttl needs, its creator a blank node
        (DATASET["odd"], RDF.type, VOID.Dataset), (DATASET["odd"], DCTERMS.creator, b("creator")),
        (DATASET["odd"], DCTERMS.license, URIRef("http://spdx.org/licenses/MIT")),
        (b("creator"), FOAF.name, Literal("someone")),
    ]
    for number, text in enumerate(ODD_TEXTS):
        triples.append((p, URIRef(f"{EX}text{number}"), Literal(text)))
        triples.append((p, DCTERMS.title, Literal(text, lang="en" if number % 2 else "zh")))
    for number, iri in enumerate(UNPREFIXABLE):
        triples.append((iri, FOAF.name, Literal(f"unprefixable {number}")))
        triples.append((p, SCHEMA.url, iri))
    return triples


def odd_graph(seed: int) -> Graph:
    """The odd triples in an order and with blank node labels that depend on `seed`."""
    triples = odd_triples(lambda name: BNode(f"seed{seed}x{name}"))
    random.Random(seed).shuffle(triples)
    graph = new_graph()
    for triple in triples:
        graph.add(triple)
    return graph


def odd_store(seed: int) -> ox.Store:
    """The same triples loaded by Oxigraph from N-Triples, in another order."""
    lines = export.to_ntriples(odd_graph(seed)).split("\n")[:-1]  # not splitlines(): U+2028
    random.Random(seed + 1).shuffle(lines)
    store = ox.Store()
    store.load("\n".join(lines).encode("utf-8") + b"\n", format=ox.RdfFormat.N_TRIPLES)
    return store


def test_odd_triples_give_the_same_dumps_from_a_graph_and_a_store():
    files = assert_same_dumps(odd_graph(1), odd_store(2))
    assert b"_:c14n" in files["survey.nt"]  # canonical blank node labels
    assert files == export.render_dump(odd_graph(3))[0] == export.render_dump(odd_store(4))[0]


@pytest.mark.parametrize("name,fmt", [("survey.ttl", ox.RdfFormat.TURTLE),
                                      ("survey.nt", ox.RdfFormat.N_TRIPLES),
                                      ("survey.jsonld", ox.RdfFormat.JSON_LD)])
def test_odd_triples_parse_back_with_rdflib_and_oxigraph(name, fmt):
    graph = odd_graph(5)
    data = export.render_dump(odd_store(6), "all")[0][name]
    by_rdflib = Graph().parse(data=data.decode("utf-8"), format={
        ox.RdfFormat.TURTLE: "turtle", ox.RdfFormat.N_TRIPLES: "nt",
        ox.RdfFormat.JSON_LD: "json-ld"}[fmt])
    assert isomorphic(by_rdflib, graph)
    by_oxigraph = new_graph()
    add_triples(by_oxigraph, ((q.subject, q.predicate, q.object)
                              for q in ox.parse(data, format=fmt)))
    assert isomorphic(by_oxigraph, graph)


def test_no_unprefixable_iri_is_written_as_a_prefixed_name():
    text = export.to_turtle(odd_store(7))
    for iri in UNPREFIXABLE:
        assert f"<{iri}>" in text, iri
    assert "person:ªlvarez" not in text and "\nperson:" not in text


def test_turtle_style():
    graph = new_graph()
    paper = PAPER["2401.00001"]
    for triple in [(paper, DCTERMS.title, Literal("B", lang="en")),
                   (paper, DCTERMS.title, Literal("A", lang="en")),
                   (paper, RDF.type, SCHEMA.ScholarlyArticle),
                   (paper, SKG.position, Literal("3", datatype=XSD.integer)),
                   (paper, SKG.sourceLine, Literal("4", datatype=XSD.positiveInteger)),
                   (PERSON["x"], FOAF.name, Literal("X"))]:
        graph.add(triple)
    assert export.to_turtle(graph) == (
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n"
        "@prefix paper: <https://w3id.org/survey-kg/paper/> .\n"
        "@prefix person: <https://w3id.org/survey-kg/person/> .\n"
        "@prefix schema: <https://schema.org/> .\n"
        "@prefix skg: <https://w3id.org/survey-kg/ontology#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "\n"
        "paper:2401.00001 a schema:ScholarlyArticle ;\n"
        "    dcterms:title \"A\"@en,\n"
        "        \"B\"@en ;\n"
        "    skg:position 3 ;\n"
        "    skg:sourceLine \"4\"^^xsd:positiveInteger .\n"
        "\n"
        "person:x foaf:name \"X\" .\n")


# ------------------------------------------------------------------ generated graphs

@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(graphs())
def test_generated_graphs_give_the_same_dumps_from_a_graph_and_a_store(triples):
    store = to_store(triples.graph())
    assert_same_dumps(graph_of(store), store, "jsonld")
    assert_same_dumps(graph_of(store), store, "ttl")
    assert_same_dumps(graph_of(store), store, "nt")


# ------------------------------------------------------------------ what a Store changes

def test_a_graph_keeps_a_literal_a_store_would_normalize():
    """A Store keeps "1"^^xsd:positiveInteger as "1"^^xsd:integer (Oxigraph normalizes numbers
    as it stores them): the dump of a Graph is of the Graph's own triples, not copied through a
    Store."""
    graph = new_graph()
    graph.add((PAPER["2401.00001"], SKG.position, Literal("1", datatype=XSD.positiveInteger)))
    assert "XMLSchema#positiveInteger" in export.to_ntriples(graph)
    assert "XMLSchema#positiveInteger" not in export.to_ntriples(to_store(graph))


def test_statistics_on_a_graph_and_a_store(survey_store):
    assert statistics(survey_store) == statistics(graph_of(survey_store))
    assert statistics(survey_store).papers == len(list((DATA / "papers").glob("*.ttl")))


def test_a_graph_term_rdf_does_not_allow_is_an_input_error():
    graph = new_graph()
    graph.add((URIRef("https://example.org/a b"), FOAF.name, Literal("x")))
    with pytest.raises(InputError, match="term RDF does not allow"):
        export.to_turtle(graph)


def test_the_ntriples_written_beside_the_load_are_the_stores_canonical_lines(tmp_path):
    """load_store_and_ntriples writes each file's triples as a store holding that file alone
    dumps them: the dump sorts them (`canonical`) into the lines it would read from the store.
    A triple in two files (normalized alike, too) is one line; blank nodes of two files stay
    apart and get the store's canonical labels; literals are as the store holds them; relative
    IRIs are on each file's base."""
    (tmp_path / "a.ttl").write_text(
        '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
        '<http://x/s> <http://x/p> "01"^^xsd:integer , "1.0"^^xsd:decimal , "text"@en .\n'
        '<http://x/shared> <http://x/p> <http://x/o> .\n'
        '<#here> <http://x/p> [ <http://x/q> "a" ] .\n'
        '_:b <http://x/p> "b" .\n', encoding="utf-8")
    (tmp_path / "b.ttl").write_text(
        '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
        '<http://x/s> <http://x/p> "1"^^xsd:int , "+1"^^xsd:positiveInteger .\n'
        '<http://x/shared> <http://x/p> <http://x/o> .\n'
        '<#here> <http://x/p> [ <http://x/q> "a" ] .\n'
        '_:b <http://x/p> "b" .\n', encoding="utf-8")
    store, ntriples = load_store_and_ntriples([tmp_path])
    assert ntriples and all(blob.endswith(b"\n") for blob in ntriples)
    assert sum(blob.count(b"\n") for blob in ntriples) == len(store) + 2  # shared, and "1"
    expected = export.canonical(store)
    assert len(expected) == len(store) == 10
    assert export.canonical(store, ntriples) == expected
    assert ntriples == []  # each blob let go once read
    assert b'<http://x/s> <http://x/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .' \
        in expected


def test_the_build_dumps_from_the_ntriples_spilled_to_a_file(tmp_path, monkeypatch):
    """Beyond the limit, the build's N-Triples go to a nameless file in the survey's folder; the
    child reads it into the dump, which is the one written from the store, and nothing is left
    in the folder."""
    from survey_kg import build as build_module
    from survey_kg.resources import Survey

    load_module = importlib.import_module("survey_kg.load")
    used, parent, real_canonical = tmp_path / "used", os.getpid(), export.canonical

    def canonical(graph, ntriples=None):
        if ntriples is not None:  # in the child, which writes the dump
            with used.open("a") as out:
                out.write(f"{os.getpid() != parent} "
                          f"{[isinstance(blob, bytes) for blob in ntriples]}\n")
        return real_canonical(graph, ntriples)
    monkeypatch.setattr(load_module, "NTRIPLES_BESIDE_LIMIT", 1)
    monkeypatch.setattr(export, "canonical", canonical)
    monkeypatch.setattr(build_module, "_cores", lambda: 2)
    survey = tmp_path / "survey"
    shutil.copytree(ROOT / "data", survey / "data")
    result = build_module.build(Survey(survey))
    assert used.read_text() == "True [False]\n"  # one file, read in the child
    monkeypatch.setattr(export, "canonical", real_canonical)
    store = load_store([survey / "data"])
    assert export.render_dump(store)[0] == {
        path.name: path.read_bytes() for path in result.dump.files}
    assert sorted(path.name for path in survey.iterdir()) == ["data", "dist"]


def test_the_build_dumps_from_the_ntriples_written_beside_the_load(tmp_path, monkeypatch):
    """With a forked child, the build hands it the N-Triples written while loading (and lets
    them go here); the child sorts them into the dump, which is the one written from the store."""
    from survey_kg import build as build_module
    from survey_kg.resources import Survey

    handed, used, parent = [], tmp_path / "used", os.getpid()
    real_load, real_canonical = build_module.load_store_and_ntriples, export.canonical

    def load(paths, **kwargs):
        store, ntriples = real_load(paths, **kwargs)
        handed.append((len(ntriples), ntriples))
        return store, ntriples

    def canonical(graph, ntriples=None):
        if ntriples is not None:  # in the child, which writes the dump
            with used.open("a") as out:
                out.write(f"{os.getpid() != parent} {len(ntriples)} blobs\n")
        return real_canonical(graph, ntriples)
    monkeypatch.setattr(build_module, "load_store_and_ntriples", load)
    monkeypatch.setattr(export, "canonical", canonical)
    monkeypatch.setattr(build_module, "_cores", lambda: 2)
    shutil.copytree(ROOT / "data", tmp_path / "survey" / "data")
    result = build_module.build(Survey(tmp_path / "survey"))
    [(blobs, ntriples)] = handed
    assert blobs > 0 and ntriples == []  # the parent let them go
    assert used.read_text() == f"True {blobs} blobs\n"
    monkeypatch.setattr(export, "canonical", real_canonical)
    store = load_store([tmp_path / "survey" / "data"])
    assert export.render_dump(store)[0] == {
        path.name: path.read_bytes() for path in result.dump.files}
