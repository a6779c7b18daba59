"""Dumps: lossless (each format read back by rdflib and by independent processors: Oxigraph, and
PyLD for JSON-LD), deterministic, readable by a web developer (the JSON-LD), written atomically.

survey.nt (sorted lines) and survey.jsonld are written from the canonical lines, so the same
triples give the same bytes whatever their order or blank node labels. survey.ttl is Oxigraph's
Turtle in the store's order: the same data files give the same bytes, and it holds exactly the
triples of survey.nt; a graph with blank nodes is written from the canonical lines (the same
bytes whatever the order and labels). Most tests use the small survey (tests/fixtures/small);
those about the whole survey read data/ with Oxigraph only (PyLD takes seconds on it).

The citations (survey.bib, survey.csl.json) are tested in test_citations.py, the dataset
description (void.ttl) in test_dataset_description.py.
"""

import hashlib
import json
import os
import random
from collections import Counter
import re
import subprocess
import sys

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from pyld import jsonld
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

import survey_kg
from survey_kg.cli import main
from survey_kg.dump import SURVEY_FILES, write_dump
from survey_kg.dump.jsonld import load_context
from survey_kg.load import load, load_into, turtle_files
from survey_kg.paths import PREFIXES, context_file, ontology_file, shapes_file

from .conftest import ROOT, SMALL

ALL_FILES = ["context.jsonld", "ontology.ttl", "shapes.ttl", "survey.bib", "survey.csl.json",
             "survey.jsonld", "survey.nt", "survey.ttl", "void.ttl"]
FORMATS = {"survey.ttl": (ox.RdfFormat.TURTLE, "turtle"),
           "survey.nt": (ox.RdfFormat.N_TRIPLES, "nt"),
           "survey.jsonld": (ox.RdfFormat.JSON_LD, "json-ld")}
# the survey's own namespaces: node ids, never prefixes of the JSON-LD context
INSTANCE_PREFIXES = ("paper", "work", "org", "person", "venue", "category", "source", "dataset")
SKG = PREFIXES["skg"]
SCHEMA = PREFIXES["schema"]


def named(curie: str) -> ox.NamedNode:
    prefix, _, local = curie.partition(":")
    return ox.NamedNode(PREFIXES[prefix] + local)


def typed(text: str, datatype: str) -> ox.Literal:
    return ox.Literal(text, datatype=named(datatype))


def store_of(triples) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(s, p, o) for s, p, o in triples)
    return store


def tricky_store() -> ox.Store:
    """What the survey data does not have but a graph may: blank nodes (shared, nested, in a
    cycle), values that do not fit the context's short forms (untagged and typed texts beside
    tagged ones, a literal where an IRI goes), keys with no term, authorships out of order."""
    p, other = named("paper:2401.00001"), named("paper:2401.00002")
    kp = ox.NamedNode(f"{p.value}/key-point-en-1")
    shared, nested, cycle_a, cycle_b, kind = (ox.BlankNode() for _ in range(5))
    first, second = ox.NamedNode(f"{p.value}/author-1"), ox.NamedNode(f"{p.value}/author-2")
    return store_of([
        (p, named("rdf:type"), named("schema:ScholarlyArticle")),
        (p, named("rdf:type"), kind),
        (kind, named("rdfs:label"), ox.Literal("a blank node class")),
        (p, named("schema:name"),
         ox.Literal('quote " backslash \\ tab \t and\nnewline', language="en")),
        (p, named("schema:name"), ox.Literal("a second English title", language="en")),
        (p, named("schema:name"), ox.Literal("中文标题", language="zh")),
        (p, named("schema:name"), ox.Literal("untagged")),
        (p, named("schema:description"), typed("typed text", "xsd:token")),
        (p, named("schema:description"), ox.Literal("tagged", language="en")),
        (p, named("schema:url"), ox.Literal("https://a-literal.example/")),
        (p, named("schema:url"), ox.NamedNode("https://example.org/page")),
        (p, named("schema:datePublished"), typed("2024-01-02", "xsd:date")),
        (p, named("schema:datePublished"), typed("2024", "xsd:gYear")),
        (p, named("skg:sourceLine"), typed("123456789012345678901", "xsd:positiveInteger")),
        (p, named("skg:position"), typed("7", "xsd:integer")),
        (p, ox.NamedNode("http://example.org/vocab#score"), typed("3.5", "xsd:double")),
        (p, ox.NamedNode("http://example.org/vocab#flag"), typed("true", "xsd:boolean")),
        # the authors: Zoe first, Adam second (not the IRIs' order)
        (p, named("schema:author"), named("person:zoe")),
        (p, named("schema:author"), named("person:adam")),
        (p, named("skg:authorship"), first), (p, named("skg:authorship"), second),
        (first, named("skg:author"), named("person:zoe")),
        (first, named("skg:position"), typed("1", "xsd:integer")),
        (second, named("skg:author"), named("person:adam")),
        (second, named("skg:position"), typed("2", "xsd:integer")),
        (p, named("skg:authorship"), nested),
        (nested, named("skg:position"), typed("3", "xsd:positiveInteger")),
        (nested, named("skg:author"), named("person:someone")),
        (p, named("skg:venue"), shared),
        (other, named("skg:venue"), shared),
        (shared, named("skg:acronym"), ox.Literal("X")),
        (p, named("skg:keyPoint"), kp),
        (other, named("skg:keyPoint"), kp),
        (kp, named("skg:text"), ox.Literal("a key point two papers share", language="en")),
        (cycle_a, named("rdfs:seeAlso"), cycle_b),
        (cycle_b, named("rdfs:seeAlso"), cycle_a),
        (p, named("skg:venueKind"), named("skg:Conference")),
        (p, named("skg:venueKind"), ox.NamedNode("http://example.org/vocab#Workshop")),
    ])


STORES = {"small": lambda: load(turtle_files([SMALL / "data"])),
          "shapes": lambda: load([shapes_file()]), "tricky": tricky_store}


@pytest.fixture(params=sorted(STORES))
def any_store(request) -> ox.Store:
    return STORES[request.param]()


@pytest.fixture(scope="module")
def small_store() -> ox.Store:
    return load(turtle_files([SMALL / "data"]))


@pytest.fixture(scope="module")
def small_graph(small_store) -> Graph:
    return survey_kg.to_rdflib(small_store)


@pytest.fixture(scope="module")
def dump(tmp_path_factory, small_store):
    folder = tmp_path_factory.mktemp("dist")
    write_dump(small_store, folder)
    return folder


@pytest.fixture(scope="module")
def document(dump) -> dict:
    return json.loads((dump / "survey.jsonld").read_text(encoding="utf-8"))


def dumped(store: ox.Store, folder, fmt: str = "all") -> dict[str, bytes]:
    """The files write_dump writes into `folder`, by name."""
    write_dump(store, folder, fmt)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def survey_file(store: ox.Store, folder, key: str) -> bytes:
    """One of survey.ttl, survey.nt and survey.jsonld (key ttl, nt, jsonld) as written."""
    return dumped(store, folder, key)[SURVEY_FILES[key]]


def has_blank_nodes(store: ox.Store) -> bool:
    return any(isinstance(t, ox.BlankNode) for q in store for t in (q.subject, q.object))


DOUBLE = PREFIXES["xsd"] + "double"


def _same_value(term):
    """A double by its value: PyLD writes "3.5"^^xsd:double as "3.5E0" (the same number)."""
    if isinstance(term, ox.Literal) and term.datatype.value == DOUBLE:
        try:
            return ox.Literal(repr(float(term.value)), datatype=term.datatype)
        except ValueError:
            return term
    return term


def canonical(triples) -> set:
    """A graph's triples with canonical blank node labels (RDFC-1.0), to compare graphs: as
    `rdflib.compare.isomorphic`, in milliseconds where rdflib takes seconds on the shapes' blank
    nodes."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, _same_value(t.object)) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def isomorphic(found, expected) -> bool:
    """Whether two graphs (each Oxigraph triples or an rdflib Graph) are the same up to blank
    node labels. An rdflib Graph is read into Oxigraph's terms through N-Triples."""
    def triples(graph):
        if isinstance(graph, Graph):
            graph = ox.parse(graph.serialize(format="nt", encoding="utf-8"),
                             format=ox.RdfFormat.N_TRIPLES)
        return list(graph)
    return canonical(triples(found)) == canonical(triples(expected))


def oxigraph_graph(data: bytes, fmt) -> list:
    """Parsed by Oxigraph (Rust, independent of rdflib)."""
    return list(ox.parse(data, format=fmt))


def pyld_graph(text: str) -> list:
    """Expanded and turned into RDF by PyLD (an independent JSON-LD processor)."""
    expanded = jsonld.expand(json.loads(text))
    nquads = jsonld.to_rdf(expanded, {"format": "application/n-quads"})
    return list(ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS))


def ntriples_set(data: bytes) -> set:
    return set(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))


def nodes(document: dict) -> dict[str, dict]:
    """The @graph entries by @id."""
    return {node["@id"]: node for node in document["@graph"]}


def walk(value, path=()):
    """Every JSON object in `value` with the keys that lead to it."""
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            yield from walk(item, path + (key,))
    elif isinstance(value, list):
        for item in value:
            yield from walk(item, path)


# ------------------------------------------------------------------------------ lossless

def test_the_graph_comparison_tells_graphs_apart():
    """`isomorphic` ignores blank node labels and nothing else."""
    a, b = ox.BlankNode("a"), ox.BlankNode("b")
    p = named("rdfs:seeAlso")
    graph = [ox.Triple(a, p, ox.Literal("x")), ox.Triple(a, p, b)]
    assert isomorphic(graph, [ox.Triple(b, p, ox.Literal("x")), ox.Triple(b, p, a)])
    assert not isomorphic(graph, graph[:1])
    assert not isomorphic(graph, [ox.Triple(a, p, ox.Literal("x", language="en")), graph[1]])
    assert not isomorphic(graph, [graph[0], ox.Triple(a, p, a)])
    double = named("xsd:double")
    assert isomorphic([ox.Triple(a, p, ox.Literal("3.5", datatype=double))],
                      [ox.Triple(b, p, ox.Literal("3.5E0", datatype=double))])
    assert not isomorphic([ox.Triple(a, p, ox.Literal("3.5", datatype=double))],
                          [ox.Triple(b, p, ox.Literal("3.25", datatype=double))])
    rdflib_graph = Graph().parse(data='_:z <http://www.w3.org/2000/01/rdf-schema#seeAlso> "x" .\n'
                                      '_:z <http://www.w3.org/2000/01/rdf-schema#seeAlso> _:y .\n',
                                 format="nt")
    assert isomorphic(rdflib_graph, graph) and not isomorphic(rdflib_graph, graph[:1])


def test_turtle_round_trip(any_store, tmp_path):
    data = survey_file(any_store, tmp_path, "ttl")
    graph = list(any_store)
    assert isomorphic(Graph().parse(data=data.decode("utf-8"), format="turtle"), graph)
    assert isomorphic(oxigraph_graph(data, ox.RdfFormat.TURTLE), graph)


def test_ntriples_round_trip_one_sorted_triple_per_line(any_store, tmp_path):
    text = survey_file(any_store, tmp_path, "nt").decode("utf-8")
    lines = text.split("\n")[:-1]  # not splitlines(): a literal may hold U+2028
    assert text.endswith("\n") and lines == sorted(lines) and len(lines) == len(any_store)
    assert all(line.endswith(" .") for line in lines)
    graph = list(any_store)
    assert isomorphic(Graph().parse(data=text, format="nt"), graph)
    assert isomorphic(oxigraph_graph(text.encode(), ox.RdfFormat.N_TRIPLES), graph)


def test_jsonld_round_trip_with_rdflib_pyld_and_oxigraph(any_store, tmp_path):
    text = survey_file(any_store, tmp_path, "jsonld").decode("utf-8")
    graph = list(any_store)
    assert isomorphic(Graph().parse(data=text, format="json-ld"), graph)
    assert isomorphic(pyld_graph(text), graph)
    assert isomorphic(oxigraph_graph(text.encode(), ox.RdfFormat.JSON_LD), graph)


def test_dump_files_parse_back_to_the_graph(dump, small_graph):
    assert sorted(p.name for p in dump.iterdir()) == ALL_FILES
    for name, (_, fmt) in FORMATS.items():
        assert isomorphic(Graph().parse(dump / name, format=fmt), small_graph), name
    assert (dump / "ontology.ttl").read_bytes() == ontology_file().read_bytes()
    assert (dump / "shapes.ttl").read_bytes() == shapes_file().read_bytes()
    assert (dump / "context.jsonld").read_bytes() == context_file().read_bytes()


def test_the_turtle_holds_exactly_the_triples_of_the_ntriples(dump):
    """Read by Oxigraph and by rdflib, survey.ttl is the triples of survey.nt, no more, no less
    (the survey has no blank nodes: the sets compare as they are)."""
    expected = ntriples_set((dump / "survey.nt").read_bytes())
    turtle = (dump / "survey.ttl").read_bytes()
    assert set(ox.parse(turtle, format=ox.RdfFormat.TURTLE)) == expected
    by_rdflib = Graph().parse(data=turtle.decode("utf-8"), format="turtle")
    assert {tuple(t.n3() for t in triple) for triple in by_rdflib} == {
        tuple(t.n3() for t in triple)
        for triple in Graph().parse(dump / "survey.nt", format="nt")}
    assert len(expected) == len(by_rdflib) > 2000


# ------------------------------------------------------------------------------ the context

def context_terms() -> tuple[dict, dict[str, list[str]]]:
    """The context's prefixes, and the terms that map to each IRI."""
    pairs = []
    document = json.loads(context_file().read_text(encoding="utf-8"),
                          object_pairs_hook=lambda kv: pairs.append(kv) or dict(kv))
    assert all(len({k for k, _ in kv}) == len(kv) for kv in pairs), "a key is defined twice"
    context = document["@context"]
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("/", "#"))}

    def iri(value):
        value = value if isinstance(value, str) else value["@id"]
        prefix, _, local = value.partition(":")
        return prefixes[prefix] + local

    by_iri: dict[str, list[str]] = {}
    for key, value in context.items():
        if key not in prefixes and not key.startswith("@"):
            by_iri.setdefault(iri(value), []).append(key)
    return prefixes, by_iri


def test_the_context_has_vocabulary_prefixes_only():
    """Prefixes for the vocabularies (so the context reads short), none for the survey's own
    namespaces (so node ids are absolute IRIs); a prefix means what it means in survey-kg."""
    prefixes, _ = context_terms()
    assert not set(prefixes) & set(INSTANCE_PREFIXES)
    assert not {ns for ns in prefixes.values() if ns.startswith("https://w3id.org/survey-kg/")
                and ns != SKG}
    shared = set(prefixes) & set(PREFIXES)
    assert {p: prefixes[p] for p in shared} == {p: PREFIXES[p] for p in shared}
    assert {"schema", "skg", "skos", "dcterms", "xsd"} <= shared
    assert load_context()["@version"] == 1.1  # "@none" in a language map is JSON-LD 1.1


def test_one_term_per_property_and_every_ontology_term_has_one():
    _, by_iri = context_terms()
    assert {iri: keys for iri, keys in by_iri.items() if len(keys) > 1} == {}
    ontology = Graph().parse(ontology_file())
    terms = {str(s) for s in ontology.subjects(RDF.type, None)
             if isinstance(s, URIRef) and s != URIRef("https://w3id.org/survey-kg/ontology")}
    assert len(terms) > 60
    assert terms - set(by_iri) == set()


def test_every_language_tagged_property_is_a_language_map(small_store):
    """A property whose values carry language tags has a language-map term, so a web developer
    reads `name.en`; the one with untagged values too (schema:name of people) puts them under
    "@none"."""
    context = load_context()
    rows = small_store.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o FILTER (LANG(?o) != '') }")
    tagged = {row[0].value for row in rows}
    assert len(tagged) > 10
    containers = {}
    for key, value in context.items():
        if isinstance(value, dict):
            prefix, _, local = value["@id"].partition(":")
            container = value.get("@container")
            containers[context[prefix] + local] = container if isinstance(container, list) \
                else [container]
    assert {p for p in tagged if "@language" not in containers.get(p, [])} == set()


# ------------------------------------------------------------------------------ the JSON-LD shape

def test_jsonld_ids_are_absolute_iris(document):
    """No node is named by a prefixed name ("person:lu-jiang"): every @id, and every value of a
    term that holds IRIs, is an absolute IRI a browser can open."""
    context = load_context()
    id_terms = {k for k, v in context.items() if isinstance(v, dict) and v.get("@type") == "@id"}
    absolute = re.compile(r"^(https?://|urn:|mailto:)")
    seen = 0
    for path, node in walk(document["@graph"]):
        for key, value in node.items():
            if key == "@id" or key in id_terms:
                for iri in value if isinstance(value, list) else [value]:
                    if isinstance(iri, dict):
                        continue  # an embedded node: walked on its own
                    seen += 1
                    assert absolute.match(iri), (path, key, iri)
    assert seen > 500
    text = json.dumps(document["@graph"])
    assert '"person:' not in text and '"paper:' not in text and '"category:' not in text


def test_jsonld_uses_readable_keys_for_everything_in_the_data(document):
    """Keys and node types are terms ("name", "ScholarlyArticle"); only a literal's datatype is
    a compact IRI ({"@type": "xsd:gYear", "@value": "2022"}: a year, a month or a day)."""
    for path, node in walk(document["@graph"]):
        for key in node:
            assert key.startswith("@") or ":" not in key, (path, key)
        if "@value" in node:
            assert node.get("@type", "xsd:").startswith("xsd:"), (path, node)
            continue
        types = node.get("@type", [])
        for name in [types] if isinstance(types, str) else types:
            assert ":" not in name, (path, name)


def test_names_are_one_key_in_language_maps(document):
    """schema:name is `name` everywhere: a work's title by language, a person's name (which has
    no language) under "@none"."""
    graph = nodes(document)
    work = graph[PREFIXES["paper"] + "2202.07925"]
    assert work["name"] == {"en": "ActionFormer: Localizing Moments of Actions with Transformers"}
    assert set(work["abstract"]) == {"en"} and set(work["description"]) == {"en"}
    person = graph[PREFIXES["person"] + "chenlin-zhang"]
    assert person == {"@id": PREFIXES["person"] + "chenlin-zhang", "@type": "Person",
                      "name": {"@none": "Chenlin Zhang"}}
    category = graph[PREFIXES["category"] + "world-models"]
    assert set(category["label"]) == {"en", "zh"}
    assert "title" not in json.dumps(document["@graph"]).replace('"datasetTitle"', "")


def authors_in_order(graph: Graph, work: URIRef) -> list[str]:
    positions = sorted((int(graph.value(a, URIRef(SKG + "position"))),
                        str(graph.value(a, URIRef(SKG + "author"))))
                       for a in graph.objects(work, URIRef(SKG + "authorship")))
    order = []
    for _, author in positions:
        if author not in order:
            order.append(author)
    return order


def test_texts_that_may_be_several_are_always_arrays(document):
    """Keywords and curation notes are ["@language", "@set"] maps: a web developer always gets
    an array per language, one text or several; single texts (a name, an abstract) are strings."""
    seen = Counter()
    for _, node in walk(document["@graph"]):
        for key in ("keywords", "curationNotes", "datasetKeywords"):
            for texts in node.get(key, {}).values():
                assert isinstance(texts, list), (node["@id"], key)
                seen[key, len(texts) == 1] += 1
        for key in ("name", "abstract", "description", "label"):
            if isinstance(node.get(key), dict) and "@value" not in node[key]:
                assert all(isinstance(text, str) for text in node[key].values()), node["@id"]
    assert seen["curationNotes", True]  # one note: still an array
    assert seen["keywords", True] and seen["keywords", False] and seen["datasetKeywords", False]


def test_authors_are_people_in_order(document, small_graph):
    """`authors` (schema:author) lists the people and organizations themselves, in the order of
    their authorships' positions; `authorships` are the positional records with the printed
    names, in order too."""
    works = [n for n in document["@graph"] if "Work" in n.get("@type", [])]
    assert len(works) == 15
    typed_as = {n["@id"]: n["@type"] for n in document["@graph"]}
    unordered = 0
    for work in works:
        expected = authors_in_order(small_graph, URIRef(work["@id"]))
        assert work["authors"] == expected, work["@id"]
        assert all(typed_as[a] in ("Person", "Organization") for a in work["authors"])
        positions = [a["position"] for a in work["authorships"]]
        assert positions == list(range(1, len(positions) + 1))
        assert [a["author"] for a in work["authorships"]] == expected
        assert all(a["printedName"] for a in work["authorships"])
        unordered += work["authors"] != sorted(work["authors"])
    assert unordered > 5  # the order is the papers', not the IRIs'


def test_authors_follow_positions_where_iris_disagree(tmp_path):
    doc = json.loads(survey_file(tricky_store(), tmp_path, "jsonld"))
    paper = nodes(doc)[PREFIXES["paper"] + "2401.00001"]
    assert paper["authors"] == [PREFIXES["person"] + "zoe", PREFIXES["person"] + "adam"]
    # an untagged name sits under "@none"; a typed text cannot be in a language map
    assert paper["name"]["@none"] == "untagged"
    assert sorted(paper["name"]["en"]) == ['a second English title',
                                           'quote " backslash \\ tab \t and\nnewline']
    assert {"@value": "typed text", "@type": "xsd:token"} in paper["description"]


def test_key_points_and_sources_are_arrays_in_order(document):
    works = [n for n in document["@graph"] if "Work" in n.get("@type", [])]
    for work in works:
        points = [(lang, p["position"]) for p in work.get("keyPoints", []) for lang in p["text"]]
        assert points == sorted(points)
        for lang in {lang for lang, _ in points}:
            positions = [n for lg, n in points if lg == lang]
            assert positions == list(range(1, len(positions) + 1))
        assert [s["@type"] for s in work["sources"]] == ["SourceRecord"] * len(work["sources"])


def test_identifiers_and_code_are_nodes_a_developer_can_read(document):
    graph = nodes(document)
    paper = graph[PREFIXES["paper"] + "2202.07925"]
    assert {(i["propertyID"], i["value"]) for i in paper["identifiers"]} == {
        ("arXiv", "2202.07925"), ("DOI", "10.48550/arXiv.2202.07925")}
    assert "https://doi.org/10.48550/arXiv.2202.07925" in paper["sameAs"]
    assert paper["datePublished"] == {"@type": "xsd:gYear", "@value": "2022"}
    code = graph[PREFIXES["paper"] + "2202.07925/code-1"]
    assert code["@type"] == "SoftwareSourceCode"
    assert code["isBasedOn"] == [paper["@id"]]
    assert code["codeRepository"].startswith("https://github.com/")


# ------------------------------------------------------------------------------ deterministic

def test_the_same_data_files_give_the_same_bytes_whatever_order_they_are_named_in(tmp_path):
    files = turtle_files([SMALL / "data"])
    first = dumped(load(files), tmp_path / "a")
    second = dumped(load(list(reversed(files))), tmp_path / "b")
    assert list(first) == ALL_FILES
    assert first == second


def test_a_store_filled_in_another_order_gives_the_same_canonical_dumps(small_store, tmp_path):
    """Every file but survey.ttl (the store's order) does not depend on the order the triples
    came in; survey.ttl holds the same triples, and void.ttl its size and checksum."""
    reversed_store = ox.Store()
    for path in reversed(turtle_files([SMALL / "data"])):
        load_into(reversed_store, path)
    first = dumped(small_store, tmp_path / "a")
    second = dumped(reversed_store, tmp_path / "b")
    for name in set(ALL_FILES) - {"survey.ttl", "void.ttl"}:
        assert first[name] == second[name], name
    assert set(ox.parse(second["survey.ttl"], format=ox.RdfFormat.TURTLE)) == \
        ntriples_set(first["survey.nt"])


def test_same_bytes_with_blank_nodes_whatever_the_insertion_order(any_store, tmp_path):
    quads = list(any_store)
    random.Random(4).shuffle(quads)
    relabelled = {}
    shuffled = ox.Store()
    for quad in quads:  # fresh blank node labels too
        s, p, o = (relabelled.setdefault(t, ox.BlankNode()) if isinstance(t, ox.BlankNode) else t
                   for t in (quad.subject, quad.predicate, quad.object))
        shuffled.add(ox.Quad(s, p, o))
    assert len(shuffled) == len(any_store)
    for key in ("nt", "jsonld", "ttl"):
        mine = survey_file(any_store, tmp_path / f"{key}-original", key)
        theirs = survey_file(shuffled, tmp_path / f"{key}-shuffled", key)
        if key == "ttl" and not has_blank_nodes(any_store):  # the store's order: same triples
            assert set(ox.parse(theirs, format=ox.RdfFormat.TURTLE)) == \
                set(ox.parse(mine, format=ox.RdfFormat.TURTLE))
        else:
            assert theirs == mine, key


def test_two_exports_in_separate_processes_are_byte_identical(small_survey, tmp_path):
    folders = []
    for seed in ("1", "2"):
        out = tmp_path / f"run{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "survey_kg.cli", "--root", str(small_survey.root),
                        "export", "--out", str(out)], check=True, env=env, capture_output=True)
        folders.append(out)
    assert sorted(p.name for p in folders[0].iterdir()) == ALL_FILES
    for name in ALL_FILES:
        assert (folders[0] / name).read_bytes() == (folders[1] / name).read_bytes(), name


# ------------------------------------------------------------------------------ the command

def test_export_writes_every_file_to_dist_by_default(small_survey):
    root = str(small_survey.root)
    result = CliRunner().invoke(main, ["--root", root, "export"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (small_survey.root / "dist").iterdir()) == ALL_FILES
    assert "9 file(s)" in result.stderr and "9 changed" in result.stderr
    again = CliRunner().invoke(main, ["--root", root, "export"])
    assert again.exit_code == 0 and "0 changed" in again.stderr


@pytest.mark.parametrize("fmt,names", [("ttl", ["survey.ttl"]), ("nt", ["survey.nt"]),
                                       ("jsonld", ["context.jsonld", "survey.jsonld"]),
                                       ("bibtex", ["survey.bib"]), ("csl", ["survey.csl.json"])])
def test_export_one_format(small_survey, tmp_path, fmt, names):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["--root", str(small_survey.root), "export", "--format",
                                       fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == names


def test_export_without_a_dataset_description(small_survey):
    root = small_survey.root
    (root / "data" / "dataset.ttl").unlink()
    result = CliRunner().invoke(main, ["--root", str(root), "export"])
    assert result.exit_code == 2
    assert "dataset.ttl" in result.stderr and "void:Dataset" in result.stderr
    assert not (root / "dist").exists()
    ok = CliRunner().invoke(main, ["--root", str(root), "export", "--format", "ttl"])
    assert ok.exit_code == 0, ok.output


def test_an_interrupted_export_leaves_only_whole_files(small_survey, small_store, tmp_path,
                                                       monkeypatch):
    folder = small_survey.root / "dist"
    write_dump(small_store, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    changed = store_of((q.subject, q.predicate, q.object) for q in small_store)
    changed.add(ox.Quad(named("paper:2202.07925"), named("schema:description"),
                        ox.Literal("changed", language="zh")))
    new = dumped(changed, tmp_path / "new")
    real_replace, calls = os.replace, []

    def crash_on_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        write_dump(changed, folder)
    monkeypatch.undo()
    after = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert sorted(after) == sorted(before), "no temporary file is left behind"
    assert after["survey.ttl"] == new["survey.ttl"] != before["survey.ttl"]
    assert after["survey.nt"] == before["survey.nt"] != new["survey.nt"]
    assert after["void.ttl"] == before["void.ttl"] != new["void.ttl"]


def test_a_failing_file_stages_nothing(small_store, tmp_path, monkeypatch):
    """A file that cannot be written (here: the citations' template raises) leaves the folder as
    it was: every file staged before it is removed."""
    from survey_kg.dump import citations

    folder = tmp_path / "dist"
    write_dump(small_store, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    def broken(*args):
        raise RuntimeError("the template failed")
    monkeypatch.setattr(citations, "write", broken)
    changed = store_of((q.subject, q.predicate, q.object) for q in small_store)
    changed.add(ox.Quad(named("paper:2202.07925"), named("schema:description"),
                        ox.Literal("changed", language="zh")))
    with pytest.raises(RuntimeError):
        write_dump(changed, folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


# ------------------------------------------------------------------ the whole survey

@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    """The whole survey's store and its dump folder."""
    store = load(turtle_files([ROOT / "data"]))
    folder = tmp_path_factory.mktemp("whole")
    return store, write_dump(store, folder), folder


def test_the_whole_survey_s_dumps_parse_back_to_its_triples(whole):
    store, _, folder = whole
    expected = ntriples_set((folder / "survey.nt").read_bytes())
    assert len(expected) == len(store) == len((folder / "survey.nt").read_bytes().splitlines())
    assert expected == set(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    for name, (fmt, _) in FORMATS.items():
        assert set(ox.parse(path=str(folder / name), format=fmt)) == expected, name


def test_the_dump_says_what_it_wrote(whole):
    from survey_kg.dump.void import statistics

    store, dump, folder = whole
    assert sorted(p.name for p in folder.iterdir()) == ALL_FILES
    assert sorted(p.name for p in dump.files) == ALL_FILES
    assert dump.sizes == {p.name: p.stat().st_size for p in folder.iterdir()}
    assert dump.checksums == {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                              for p in folder.iterdir()}
    assert dump.statistics == statistics(store)
    assert dump.statistics.works == 557 and dump.statistics.triples == len(store)


def test_the_jsonld_is_laid_out_as_json_dumps_would(whole):
    _, _, folder = whole
    text = (folder / "survey.jsonld").read_text(encoding="utf-8")
    assert json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True) + "\n" == text


# ------------------------------------------------------------------ what the survey does not have

EX = "http://example.org/"
ODD_TEXTS = ['quote " and backslash \\', "new\nline\rreturn\ttab", "line\u2028separator\u2029",
             "\x01\x1f\x7f\x85 controls", "\U0001F600 astral \U00010000", "中文 عربي",
             "ends with a quote\"", '"""', "_:b0 <not an IRI> @en ^^", "@none", ""]
# IRIs that are awkward as prefixed names: a slash or a character PN_LOCAL does not allow after
# the namespace (some only escaped), or no namespace at all
ODD_IRIS = [PREFIXES["person"] + "ªlvarez", PREFIXES["person"] + "µ",
            PREFIXES["paper"] + "2401.00001/author-1", PREFIXES["person"] + "ends-with-dot.",
            PREFIXES["person"] + "-dash", PREFIXES["person"] + "a#b", "https://例え.jp/パス/x",
            EX + "a%20b", "urn:isbn:0451450523"]
# ... and those no prefixed name can write, not even with escapes: U+00AA and U+00B5 are letters
# to Python but not PN_CHARS to Turtle
UNPREFIXABLE = [PREFIXES["person"] + "ªlvarez", PREFIXES["person"] + "µ"]


def odd_triples(b) -> list[tuple]:
    """Blank nodes (shared, nested, a cycle, as a class), odd literals and odd IRIs; `b(name)`
    gives the blank node of each name (so a test can pick other labels)."""
    p, q = named("paper:2401.00001"), named("paper:2401.00002")
    ex = lambda local: ox.NamedNode(EX + local)  # noqa: E731
    triples = [
        (p, named("rdf:type"), named("schema:ScholarlyArticle")), (p, named("rdf:type"), b("kind")),
        (b("kind"), named("rdfs:label"), ox.Literal("a blank node class", language="en")),
        (p, named("skg:venue"), b("venue")), (q, named("skg:venue"), b("venue")),
        (b("venue"), named("skg:acronym"), ox.Literal("V")),
        (p, named("skg:authorship"), b("author")),
        (b("author"), named("skg:position"), typed("1", "xsd:integer")),
        (b("author"), named("skg:author"), b("person")),
        (p, named("schema:author"), b("person")),
        (b("person"), named("schema:name"), ox.Literal("nested")),
        (b("cycle1"), named("rdfs:seeAlso"), b("cycle2")),
        (b("cycle2"), named("rdfs:seeAlso"), b("cycle1")),
        (p, named("schema:datePublished"), typed("2024", "xsd:gYear")),
        (p, named("schema:datePublished"), typed("2024-01-02", "xsd:date")),
        (p, named("skg:position"), typed("-12", "xsd:integer")),
        (p, ex("flag"), typed("true", "xsd:boolean")),
        (p, ex("custom"), ox.Literal("x y", datatype=ex("type"))),
        (p, ex("tagged"), ox.Literal("subtag", language="zh-hans")),
        (p, named("skos:prefLabel"), ox.Literal("untagged under a language map")),
        # the dataset description void.ttl needs, its creator a blank node
        (named("dataset:odd"), named("rdf:type"), named("void:Dataset")),
        (named("dataset:odd"), named("dcterms:creator"), b("creator")),
        (named("dataset:odd"), named("dcterms:license"),
         ox.NamedNode("http://spdx.org/licenses/MIT")),
        (b("creator"), named("schema:name"), ox.Literal("someone")),
    ]
    for number, text in enumerate(ODD_TEXTS):
        triples.append((p, ex(f"text{number}"), ox.Literal(text)))
        triples.append((p, named("schema:name"),
                        ox.Literal(text, language="en" if number % 2 else "zh")))
    for number, iri in enumerate(ODD_IRIS):
        triples.append((ox.NamedNode(iri), named("schema:name"), ox.Literal(f"odd {number}")))
        triples.append((p, named("schema:url"), ox.NamedNode(iri)))
    return triples


def odd_store(seed: int) -> ox.Store:
    """The odd triples in an order and with blank node labels that depend on `seed`."""
    triples = odd_triples(lambda name: ox.BlankNode(f"seed{seed}x{name}"))
    random.Random(seed).shuffle(triples)
    return store_of(triples)


def test_odd_triples_give_the_same_dumps_whatever_their_order_and_labels(tmp_path):
    files = dumped(odd_store(1), tmp_path / "1")
    assert list(files) == ALL_FILES
    assert b"_:c14n" in files["survey.nt"]  # canonical blank node labels
    for seed in (2, 3):
        assert dumped(odd_store(seed), tmp_path / str(seed)) == files, seed


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_odd_triples_parse_back_with_rdflib_and_oxigraph(name, tmp_path):
    store = odd_store(6)
    graph = list(odd_store(5))
    data = dumped(store, tmp_path)[name]
    fmt, rdflib_format = FORMATS[name]
    assert isomorphic(Graph().parse(data=data.decode("utf-8"), format=rdflib_format), graph)
    assert isomorphic(oxigraph_graph(data, fmt), graph)
    if name == "survey.jsonld":
        assert isomorphic(pyld_graph(data.decode("utf-8")), graph)


def test_no_unprefixable_iri_is_written_as_a_prefixed_name(tmp_path):
    text = survey_file(odd_store(7), tmp_path, "ttl").decode("utf-8")
    for iri in UNPREFIXABLE:
        assert f"<{iri}>" in text, iri
    assert "person:ªlvarez" not in text and "person:µ" not in text
