"""Dumps: lossless (each format read back by rdflib and by independent processors), deterministic,
self-describing (VoID counts checked against counts made here), written atomically."""

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
from rdflib import BNode, Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, VOID

import survey_kg
from survey_kg import export
from survey_kg.cli import main
from survey_kg.load import add_triples, load_files, parse_turtle, shapes, turtle_files
from survey_kg.namespaces import PAPER, PREFIXES, SCHEMA, SKG, new_graph
from survey_kg.resources import ontology_path

from .conftest import ROOT

DATA = ROOT / "data"
ALL_FILES = ["context.jsonld", "ontology.ttl", "shapes.ttl", "survey.jsonld", "survey.nt",
             "survey.ttl", "void.ttl"]


def tricky_graph() -> Graph:
    """What the survey data does not have but a graph may: blank nodes (shared, nested, in a
    cycle), values that do not fit the context's short forms, keys with no term."""
    g = new_graph()
    p, other = PAPER["2401.00001"], PAPER["2401.00002"]
    kp = URIRef(f"{p}/key-point/en/1")
    shared, nested, cycle_a, cycle_b, kind = BNode(), BNode(), BNode(), BNode(), BNode()
    g.add((p, RDF.type, SCHEMA.ScholarlyArticle))
    g.add((p, RDF.type, kind))
    g.add((kind, RDFS.label, Literal("a blank node class")))
    g.add((p, DCTERMS.title, Literal('quote " backslash \\ tab \t and\nnewline', lang="en")))
    g.add((p, DCTERMS.title, Literal("a second English title", lang="en")))
    g.add((p, DCTERMS.title, Literal("中文标题", lang="zh")))
    g.add((p, SKG.oneLiner, Literal("no language tag")))
    g.add((p, SKG.oneLiner, Literal("tagged", lang="en")))
    g.add((p, SCHEMA.url, Literal("https://a-literal.example/")))
    g.add((p, SCHEMA.url, URIRef("https://example.org/page")))
    g.add((p, DCTERMS.issued, Literal("2024-01-02", datatype=ns.XSD.date)))
    g.add((p, DCTERMS.issued, Literal("2024", datatype=ns.XSD.gYear)))
    g.add((p, SKG.sourceLine, Literal("123456789012345678901", datatype=ns.XSD.positiveInteger)))
    g.add((p, SKG.position, Literal("7", datatype=ns.XSD.integer)))
    g.add((p, URIRef("http://example.org/vocab#score"), Literal(3.5)))
    g.add((p, URIRef("http://example.org/vocab#flag"), Literal(True)))
    g.add((p, SKG.authorship, nested))
    g.add((nested, SKG.position, Literal(1, datatype=ns.XSD.positiveInteger)))
    g.add((nested, SKG.author, URIRef("https://w3id.org/survey-kg/person/someone")))
    g.add((p, SKG.venue, shared))
    g.add((other, SKG.venue, shared))
    g.add((shared, SKG.acronym, Literal("X")))
    g.add((p, SKG.keyPoint, kp))
    g.add((other, SKG.keyPoint, kp))
    g.add((kp, SKG.text, Literal("a key point two papers share", lang="en")))
    g.add((cycle_a, RDFS.seeAlso, cycle_b))
    g.add((cycle_b, RDFS.seeAlso, cycle_a))
    g.add((p, SKG.venueKind, SKG.Conference))
    g.add((p, SKG.venueKind, URIRef("http://example.org/vocab#Workshop")))
    return g


@pytest.fixture(scope="module")
def data_graph() -> Graph:
    return load_files([DATA])


GRAPHS = {"data": lambda: load_files([DATA]), "shapes": shapes, "tricky": tricky_graph}


@pytest.fixture(params=sorted(GRAPHS))
def any_graph(request) -> Graph:
    return GRAPHS[request.param]()


@pytest.fixture(scope="module")
def dump(tmp_path_factory, data_graph):
    folder = tmp_path_factory.mktemp("dist")
    export.write_dump(data_graph, folder)
    return folder


def oxigraph_graph(data: bytes, fmt) -> Graph:
    """Parsed by Oxigraph (Rust, independent of rdflib), held in rdflib for comparison."""
    graph = new_graph()
    add_triples(graph, ((q.subject, q.predicate, q.object) for q in ox.parse(data, format=fmt)))
    return graph


def pyld_graph(text: str) -> Graph:
    """Expanded and turned into RDF by PyLD (an independent JSON-LD processor)."""
    expanded = jsonld.expand(json.loads(text))
    nquads = jsonld.to_rdf(expanded, {"format": "application/n-quads"})
    return Graph().parse(data=nquads, format="nt")


# ------------------------------------------------------------------------------ lossless

def test_turtle_round_trip(any_graph):
    text = export.to_turtle(any_graph)
    assert isomorphic(Graph().parse(data=text, format="turtle"), any_graph)
    assert isomorphic(oxigraph_graph(text.encode(), ox.RdfFormat.TURTLE), any_graph)


def test_ntriples_round_trip_one_sorted_triple_per_line(any_graph):
    text = export.to_ntriples(any_graph)
    lines = text.splitlines()
    assert lines == sorted(lines) and len(lines) == len(any_graph)
    assert all(line.endswith(" .") for line in lines)
    assert isomorphic(Graph().parse(data=text, format="nt"), any_graph)
    assert isomorphic(oxigraph_graph(text.encode(), ox.RdfFormat.N_TRIPLES), any_graph)


def test_jsonld_round_trip_with_rdflib_pyld_and_oxigraph(any_graph):
    text = export.to_jsonld(any_graph)
    assert isomorphic(Graph().parse(data=text, format="json-ld"), any_graph)
    assert isomorphic(pyld_graph(text), any_graph)
    assert isomorphic(oxigraph_graph(text.encode(), ox.RdfFormat.JSON_LD), any_graph)


def test_dump_files_parse_back_to_the_graph(dump, data_graph):
    assert sorted(p.name for p in dump.iterdir()) == ALL_FILES
    for name, fmt in (("survey.ttl", "turtle"), ("survey.nt", "nt"), ("survey.jsonld", "json-ld")):
        assert isomorphic(Graph().parse(dump / name, format=fmt), data_graph), name
    assert (dump / "ontology.ttl").read_bytes() == ontology_path().read_bytes()


# ------------------------------------------------------------------------------ the JSON-LD shape

def test_context_is_consistent_with_the_namespaces_and_covers_the_ontology():
    pairs = []
    text = export.context_path().read_text(encoding="utf-8")
    document = json.loads(text, object_pairs_hook=lambda kv: pairs.append(kv) or dict(kv))
    context = document["@context"]
    assert all(len({k for k, _ in kv}) == len(kv) for kv in pairs), "a key is defined twice"
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("/", "#"))}
    assert prefixes == {k: str(v) for k, v in PREFIXES.items()}

    def iri(value):
        value = value if isinstance(value, str) else value["@id"]
        prefix, _, local = value.partition(":")
        return prefixes[prefix] + local

    mapped = {iri(v) for k, v in context.items() if k not in prefixes}
    ontology = Graph().parse(ontology_path())
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
        expected = [str(person).replace(str(PREFIXES["person"]), "person:")
                    for _, person in sorted(signatures)]
        assert [a["author"] for a in paper["authors"]] == expected
        assert [a["position"] for a in paper["authors"]] == list(range(1, len(expected) + 1))
        points = [(lang, p["position"]) for p in paper.get("keyPoints", []) for lang in p["text"]]
        assert points == sorted(points)
        for lang in {lang for lang, _ in points}:
            positions = [n for lg, n in points if lg == lang]
            assert positions == list(range(1, len(positions) + 1))


# ------------------------------------------------------------------------------ deterministic

def test_same_bytes_whatever_the_order_of_input_files_and_triples(data_graph):
    reversed_graph = new_graph()
    for path in reversed(turtle_files([DATA])):
        parse_turtle(reversed_graph, path)
    first, _ = export.render_dump(data_graph)
    second, _ = export.render_dump(reversed_graph)
    assert first == second


def test_same_bytes_with_blank_nodes_whatever_the_insertion_order(any_graph):
    triples = list(any_graph)
    random.Random(4).shuffle(triples)
    relabelled = {}
    shuffled = new_graph()
    for triple in triples:  # fresh blank node labels too
        shuffled.add(tuple(relabelled.setdefault(t, BNode()) if isinstance(t, BNode) else t
                           for t in triple))
    for serializer in (export.to_turtle, export.to_ntriples, export.to_jsonld):
        assert serializer(shuffled) == serializer(any_graph), serializer.__name__


def test_two_exports_in_separate_processes_are_byte_identical(tmp_path):
    folders = []
    for seed in ("1", "2"):
        out = tmp_path / f"run{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "survey_kg.cli", "--root", str(ROOT), "export",
                        "--out", str(out)], check=True, env=env, capture_output=True)
        folders.append(out)
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


def test_an_interrupted_export_leaves_only_whole_files(survey_copy, data_graph, monkeypatch):
    folder = survey_copy / "dist"
    export.write_dump(new_graph() + data_graph, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    changed = new_graph() + data_graph
    changed.add((PAPER["2401.12945"], SKG.oneLiner, Literal("changed", lang="en")))
    real_replace, calls = os.replace, []

    def crash_on_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        export.write_dump(changed, folder)
    monkeypatch.undo()
    after = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert sorted(after) == sorted(before), "no temporary file is left behind"
    new, _ = export.render_dump(changed)
    assert after["survey.ttl"] == new["survey.ttl"] != before["survey.ttl"]
    assert after["survey.nt"] == before["survey.nt"]
