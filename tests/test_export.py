"""Dumps: lossless (each format read back by rdflib and by independent processors), deterministic,
self-describing (VoID counts checked against counts made here), written atomically.

survey.nt (sorted lines) and survey.jsonld are written from the canonical lines, so the same
triples give the same bytes whatever their order or blank node labels. survey.ttl is Oxigraph's
Turtle in the store's order: the same data files give the same bytes, and it holds exactly the
triples of survey.nt; a graph with blank nodes is written from the canonical lines (the same
bytes whatever the order and labels).
"""

import json
import os
import random
import shutil
import subprocess
import sys

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from pyld import jsonld
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS, VOID

import survey_kg
from survey_kg.cli import main
from survey_kg.dump import write_dump
from survey_kg.dump.void import statistics
from survey_kg.load import load, load_into, turtle_files
from survey_kg.paths import PREFIXES, context_file, ontology_file, shapes_file

from .conftest import ROOT

DATA = ROOT / "data"
ALL_FILES = ["context.jsonld", "ontology.ttl", "shapes.ttl", "survey.jsonld", "survey.nt",
             "survey.ttl", "void.ttl"]
PAPER, SCHEMA, SKG = (Namespace(PREFIXES[p]) for p in ("paper", "schema", "skg"))
FORMATS = {"survey.ttl": (ox.RdfFormat.TURTLE, "turtle"),
           "survey.nt": (ox.RdfFormat.N_TRIPLES, "nt"),
           "survey.jsonld": (ox.RdfFormat.JSON_LD, "json-ld")}
SURVEY_FILES = {"ttl": "survey.ttl", "nt": "survey.nt", "jsonld": "survey.jsonld"}


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
    cycle), values that do not fit the context's short forms, keys with no term."""
    p, other = named("paper:2401.00001"), named("paper:2401.00002")
    kp = ox.NamedNode(f"{p.value}/key-point/en/1")
    shared, nested, cycle_a, cycle_b, kind = (ox.BlankNode() for _ in range(5))
    return store_of([
        (p, named("rdf:type"), named("schema:ScholarlyArticle")),
        (p, named("rdf:type"), kind),
        (kind, named("rdfs:label"), ox.Literal("a blank node class")),
        (p, named("dcterms:title"),
         ox.Literal('quote " backslash \\ tab \t and\nnewline', language="en")),
        (p, named("dcterms:title"), ox.Literal("a second English title", language="en")),
        (p, named("dcterms:title"), ox.Literal("中文标题", language="zh")),
        (p, named("skg:oneLiner"), ox.Literal("no language tag")),
        (p, named("skg:oneLiner"), ox.Literal("tagged", language="en")),
        (p, named("schema:url"), ox.Literal("https://a-literal.example/")),
        (p, named("schema:url"), ox.NamedNode("https://example.org/page")),
        (p, named("dcterms:issued"), typed("2024-01-02", "xsd:date")),
        (p, named("dcterms:issued"), typed("2024", "xsd:gYear")),
        (p, named("skg:sourceLine"), typed("123456789012345678901", "xsd:positiveInteger")),
        (p, named("skg:position"), typed("7", "xsd:integer")),
        (p, ox.NamedNode("http://example.org/vocab#score"), typed("3.5", "xsd:double")),
        (p, ox.NamedNode("http://example.org/vocab#flag"), typed("true", "xsd:boolean")),
        (p, named("skg:authorship"), nested),
        (nested, named("skg:position"), typed("1", "xsd:positiveInteger")),
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


STORES = {"data": lambda: load([DATA]), "shapes": lambda: load([shapes_file()]),
          "tricky": tricky_store}


@pytest.fixture(params=sorted(STORES))
def any_store(request) -> ox.Store:
    return STORES[request.param]()


@pytest.fixture(scope="module")
def data_store() -> ox.Store:
    return load([DATA])


@pytest.fixture(scope="module")
def data_graph(data_store) -> Graph:
    return survey_kg.to_rdflib(data_store)


@pytest.fixture(scope="module")
def dump(tmp_path_factory, data_store):
    folder = tmp_path_factory.mktemp("dist")
    write_dump(data_store, folder)
    return folder


def dumped(store: ox.Store, folder, fmt: str = "all") -> dict[str, bytes]:
    """The files write_dump writes into `folder`, by name."""
    write_dump(store, folder, fmt)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def survey_file(store: ox.Store, folder, key: str) -> bytes:
    """One of survey.ttl, survey.nt and survey.jsonld (key ttl, nt, jsonld) as written."""
    return dumped(store, folder, key)[SURVEY_FILES[key]]


def has_blank_nodes(store: ox.Store) -> bool:
    return any(isinstance(t, ox.BlankNode) for q in store for t in (q.subject, q.object))


def oxigraph_graph(data: bytes, fmt) -> Graph:
    """Parsed by Oxigraph (Rust, independent of rdflib), held in rdflib for comparison."""
    ntriples = ox.serialize(ox.parse(data, format=fmt), format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=ntriples.decode("utf-8"), format="nt")


def pyld_graph(text: str) -> Graph:
    """Expanded and turned into RDF by PyLD (an independent JSON-LD processor)."""
    expanded = jsonld.expand(json.loads(text))
    nquads = jsonld.to_rdf(expanded, {"format": "application/n-quads"})
    return Graph().parse(data=nquads, format="nt")


def ntriples_set(data: bytes) -> set:
    return set(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))


# ------------------------------------------------------------------------------ lossless

def test_turtle_round_trip(any_store, tmp_path):
    data = survey_file(any_store, tmp_path, "ttl")
    graph = survey_kg.to_rdflib(any_store)
    assert isomorphic(Graph().parse(data=data.decode("utf-8"), format="turtle"), graph)
    assert isomorphic(oxigraph_graph(data, ox.RdfFormat.TURTLE), graph)


def test_ntriples_round_trip_one_sorted_triple_per_line(any_store, tmp_path):
    text = survey_file(any_store, tmp_path, "nt").decode("utf-8")
    lines = text.split("\n")[:-1]  # not splitlines(): a literal may hold U+2028
    assert text.endswith("\n") and lines == sorted(lines) and len(lines) == len(any_store)
    assert all(line.endswith(" .") for line in lines)
    graph = survey_kg.to_rdflib(any_store)
    assert isomorphic(Graph().parse(data=text, format="nt"), graph)
    assert isomorphic(oxigraph_graph(text.encode(), ox.RdfFormat.N_TRIPLES), graph)


def test_jsonld_round_trip_with_rdflib_pyld_and_oxigraph(any_store, tmp_path):
    text = survey_file(any_store, tmp_path, "jsonld").decode("utf-8")
    graph = survey_kg.to_rdflib(any_store)
    assert isomorphic(Graph().parse(data=text, format="json-ld"), graph)
    assert isomorphic(pyld_graph(text), graph)
    assert isomorphic(oxigraph_graph(text.encode(), ox.RdfFormat.JSON_LD), graph)


def test_dump_files_parse_back_to_the_graph(dump, data_graph):
    assert sorted(p.name for p in dump.iterdir()) == ALL_FILES
    for name, (_, fmt) in FORMATS.items():
        assert isomorphic(Graph().parse(dump / name, format=fmt), data_graph), name
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


# ------------------------------------------------------------------------------ the JSON-LD shape

def test_context_is_consistent_with_the_namespaces_and_covers_the_ontology():
    pairs = []
    text = context_file().read_text(encoding="utf-8")
    document = json.loads(text, object_pairs_hook=lambda kv: pairs.append(kv) or dict(kv))
    context = document["@context"]
    assert all(len({k for k, _ in kv}) == len(kv) for kv in pairs), "a key is defined twice"
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("/", "#"))}
    assert prefixes == PREFIXES

    def iri(value):
        value = value if isinstance(value, str) else value["@id"]
        prefix, _, local = value.partition(":")
        return prefixes[prefix] + local

    mapped = {iri(v) for k, v in context.items() if k not in prefixes}
    ontology = Graph().parse(ontology_file())
    terms = {str(s) for s in ontology.subjects(RDF.type, None)
             if isinstance(s, URIRef) and s != URIRef("https://w3id.org/survey-kg/ontology")}
    assert len(terms) > 40
    assert terms - mapped == set()


def walk(value, path=()):
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            yield from walk(item, path + (key,))
    elif isinstance(value, list):
        for item in value:
            yield from walk(item, path)


def test_jsonld_uses_readable_keys_for_everything_in_the_data(dump):
    doc = json.loads((dump / "survey.jsonld").read_text(encoding="utf-8"))
    for path, node in walk(doc["@graph"]):
        if "@context" in path:
            continue
        for key in node:
            assert key.startswith("@") or ":" not in key, (path, key)
        types = node.get("@type", [])
        for name in [types] if isinstance(types, str) else types:
            assert ":" not in name, (path, name)
    paper = next(n for n in doc["@graph"] if n["@id"] == "paper:2401.12945")
    assert set(paper["abstract"]) == {"en", "zh"}
    assert paper["publishedIn"] == "venue:siggraph-asia"


def test_authors_and_key_points_are_arrays_in_order(dump, data_graph):
    doc = json.loads((dump / "survey.jsonld").read_text(encoding="utf-8"))
    papers = [n for n in doc["@graph"] if n.get("@type") == "Paper"]
    assert len(papers) == len(set(data_graph.subjects(RDF.type, SCHEMA.ScholarlyArticle)))
    for paper in papers:
        iri = URIRef(paper["@id"].replace("paper:", str(PAPER), 1))
        signatures = [(int(data_graph.value(a, SKG.position)), data_graph.value(a, SKG.author))
                      for a in data_graph.objects(iri, SKG.authorship)]
        expected = [str(person).replace(PREFIXES["person"], "person:")
                    for _, person in sorted(signatures)]
        assert [a["author"] for a in paper["authors"]] == expected
        assert [a["position"] for a in paper["authors"]] == list(range(1, len(expected) + 1))
        points = [(lang, p["position"]) for p in paper.get("keyPoints", []) for lang in p["text"]]
        assert points == sorted(points)
        for lang in {lang for lang, _ in points}:
            positions = [n for lg, n in points if lg == lang]
            assert positions == list(range(1, len(positions) + 1))


# ------------------------------------------------------------------------------ deterministic

def test_the_same_data_files_give_the_same_bytes_whatever_order_they_are_named_in(tmp_path):
    files = turtle_files([DATA])
    first = dumped(load(files), tmp_path / "a")
    second = dumped(load(list(reversed(files))), tmp_path / "b")
    assert list(first) == ALL_FILES
    assert first == second


def test_a_store_filled_in_another_order_gives_the_same_canonical_dumps(data_store, tmp_path):
    """survey.nt and survey.jsonld do not depend on the order the triples came in; survey.ttl
    (the store's order) holds the same triples."""
    reversed_store = ox.Store()
    for path in reversed(turtle_files([DATA])):
        load_into(reversed_store, path)
    first = dumped(data_store, tmp_path / "a")
    second = dumped(reversed_store, tmp_path / "b")
    for name in ("survey.nt", "survey.jsonld", "context.jsonld", "ontology.ttl", "shapes.ttl"):
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


def test_two_exports_in_separate_processes_are_byte_identical(tmp_path):
    folders = []
    for seed in ("1", "2"):
        out = tmp_path / f"run{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "survey_kg.cli", "--root", str(ROOT), "export",
                        "--out", str(out)], check=True, env=env, capture_output=True)
        folders.append(out)
    assert sorted(p.name for p in folders[0].iterdir()) == ALL_FILES
    for name in ALL_FILES:
        assert (folders[0] / name).read_bytes() == (folders[1] / name).read_bytes(), name


# ------------------------------------------------------------------------------ VoID + DCAT

def test_void_counts_equal_counts_made_here(dump, data_graph):
    void = Graph().parse(dump / "void.ttl")
    dataset = next(void.subjects(RDF.type, VOID.Dataset))
    assert int(void.value(dataset, VOID.triples)) == len(data_graph) == len(
        (dump / "survey.nt").read_text(encoding="utf-8").splitlines())
    entities = {void.value(p, VOID["class"]): int(void.value(p, VOID.entities))
                for p in void.objects(dataset, VOID.classPartition)}
    expected = {cls: len(set(data_graph.subjects(RDF.type, cls)))
                for cls in (SCHEMA.ScholarlyArticle, FOAF.Person, SKG.Venue, SKOS.Concept)}
    assert entities == expected
    assert expected[SCHEMA.ScholarlyArticle] == len(list((DATA / "papers").glob("*.ttl")))


def test_void_describes_the_dataset_and_each_dump(dump, data_graph):
    void = Graph().parse(dump / "void.ttl")
    dataset = next(void.subjects(RDF.type, VOID.Dataset))
    assert (dataset, RDF.type, ns.DCAT.Dataset) in void
    for prop in (DCTERMS.title, DCTERMS.description):
        assert sorted(o.language for o in void.objects(dataset, prop)) == ["en", "zh"]
    assert void.value(dataset, DCTERMS.license) in (URIRef("http://spdx.org/licenses/MIT"),
                                                   URIRef("https://opensource.org/licenses/MIT"))
    version = void.value(dataset, URIRef("http://www.w3.org/ns/dcat#version"))
    assert str(version) == survey_kg.__version__
    issued = void.value(dataset, DCTERMS.issued)
    assert issued.datatype == ns.XSD.date and issued == data_graph.value(dataset, DCTERMS.issued)
    assert void.value(dataset, DCTERMS.creator) is not None
    media = {}
    for distribution in void.objects(dataset, ns.DCAT.distribution):
        url = void.value(distribution, ns.DCAT.downloadURL)
        name = str(url).rsplit("/", 1)[1]
        assert (dataset, VOID.dataDump, url) in void
        assert int(void.value(distribution, ns.DCAT.byteSize)) == (dump / name).stat().st_size
        media[name] = str(void.value(distribution, ns.DCAT.mediaType)).rsplit("/", 2)[-2:]
    assert media == {"survey.ttl": ["text", "turtle"], "survey.nt": ["application", "n-triples"],
                     "survey.jsonld": ["application", "ld+json"]}


def test_void_dates_come_from_the_data_not_the_clock(tmp_path):
    shutil.copytree(DATA, tmp_path / "data")
    path = tmp_path / "data" / "dataset.ttl"
    path.write_text(path.read_text(encoding="utf-8").replace(
        'dcterms:issued "2026-11-24"', 'dcterms:issued "2001-02-03"'), encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "export"])
    assert result.exit_code == 0, result.output
    void = Graph().parse(tmp_path / "dist" / "void.ttl")
    assert Literal("2001-02-03", datatype=ns.XSD.date) in set(void.objects(None, DCTERMS.issued))


# ------------------------------------------------------------------------------ the command

@pytest.fixture
def survey_copy(tmp_path):
    shutil.copytree(DATA, tmp_path / "data")
    return tmp_path


def test_export_writes_every_file_to_dist_by_default(survey_copy):
    result = CliRunner().invoke(main, ["--root", str(survey_copy), "export"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (survey_copy / "dist").iterdir()) == ALL_FILES
    assert "7 file(s)" in result.stderr and "7 changed" in result.stderr
    again = CliRunner().invoke(main, ["--root", str(survey_copy), "export"])
    assert again.exit_code == 0 and "0 changed" in again.stderr


@pytest.mark.parametrize("fmt,names", [("ttl", ["survey.ttl"]), ("nt", ["survey.nt"]),
                                       ("jsonld", ["context.jsonld", "survey.jsonld"])])
def test_export_one_format(survey_copy, tmp_path, fmt, names):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["--root", str(survey_copy), "export", "--format", fmt,
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == names


def test_export_without_a_dataset_description(survey_copy):
    (survey_copy / "data" / "dataset.ttl").unlink()
    result = CliRunner().invoke(main, ["--root", str(survey_copy), "export"])
    assert result.exit_code == 2
    assert "dataset.ttl" in result.stderr and "void:Dataset" in result.stderr
    assert not (survey_copy / "dist" / "void.ttl").exists()
    ok = CliRunner().invoke(main, ["--root", str(survey_copy), "export", "--format", "ttl"])
    assert ok.exit_code == 0, ok.output


def test_an_interrupted_export_leaves_only_whole_files(survey_copy, data_store, tmp_path,
                                                       monkeypatch):
    folder = survey_copy / "dist"
    write_dump(data_store, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    changed = store_of((q.subject, q.predicate, q.object) for q in data_store)
    changed.add(ox.Quad(named("paper:2401.12945"), named("skg:oneLiner"),
                        ox.Literal("changed", language="en")))
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


# ------------------------------------------------------------------ a generated survey

@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A synthetic survey of 300 papers (benchmarks/synth.py): its store and its dump folder."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synth
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    folder = tmp_path_factory.mktemp("synth")
    synth.write_survey(folder, 300, 20240101)
    store = load([folder / "data"])
    return store, write_dump(store, folder / "dist"), folder / "dist"


def test_a_generated_survey_dumps_parse_back_to_its_triples(generated):
    store, _, folder = generated
    expected = ntriples_set((folder / "survey.nt").read_bytes())
    assert len(expected) == len(store) == len((folder / "survey.nt").read_bytes().splitlines())
    assert expected == set(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    for name, (fmt, _) in FORMATS.items():
        assert set(ox.parse(path=str(folder / name), format=fmt)) == expected, name


def test_the_dump_says_what_it_wrote(generated):
    store, dump, folder = generated
    assert sorted(p.name for p in folder.iterdir()) == ALL_FILES
    assert sorted(p.name for p in dump.files) == ALL_FILES
    assert dump.sizes == {p.name: p.stat().st_size for p in folder.iterdir()}
    assert dump.statistics == statistics(store)
    assert dump.statistics.papers == 300
    assert dump.statistics.triples == len(store)


def test_the_jsonld_is_laid_out_as_json_dumps_would(generated):
    _, _, folder = generated
    text = (folder / "survey.jsonld").read_text(encoding="utf-8")
    assert json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True) + "\n" == text


# ------------------------------------------------------------------ what the survey does not have

EX = "http://example.org/"
ODD_TEXTS = ['quote " and backslash \\', "new\nline\rreturn\ttab", "line\u2028separator\u2029",
             "\x01\x1f\x7f\x85 controls", "\U0001F600 astral \U00010000", "中文 عربي",
             "ends with a quote\"", '"""', "_:b0 <not an IRI> @en ^^", ""]
# IRIs that are awkward as prefixed names: a slash or a character PN_LOCAL does not allow after
# the namespace (some only escaped), or no namespace at all
ODD_IRIS = [PREFIXES["person"] + "ªlvarez", PREFIXES["person"] + "µ",
            PREFIXES["paper"] + "2401.00001/author/1", PREFIXES["person"] + "ends-with-dot.",
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
        (b("person"), named("foaf:name"), ox.Literal("nested")),
        (b("cycle1"), named("rdfs:seeAlso"), b("cycle2")),
        (b("cycle2"), named("rdfs:seeAlso"), b("cycle1")),
        (p, named("dcterms:issued"), typed("2024", "xsd:gYear")),
        (p, named("dcterms:issued"), typed("2024-01-02", "xsd:date")),
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
        (b("creator"), named("foaf:name"), ox.Literal("someone")),
    ]
    for number, text in enumerate(ODD_TEXTS):
        triples.append((p, ex(f"text{number}"), ox.Literal(text)))
        triples.append((p, named("dcterms:title"),
                        ox.Literal(text, language="en" if number % 2 else "zh")))
    for number, iri in enumerate(ODD_IRIS):
        triples.append((ox.NamedNode(iri), named("foaf:name"), ox.Literal(f"odd {number}")))
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
    graph = survey_kg.to_rdflib(odd_store(5))
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
