"""The dataset description: VoID + DCAT for the dump folder (dist/void.ttl).

What a curator decides (title, description, license, creator, issued and modified dates) is read
from the dataset node in the data (`data/dataset.ttl`); what the dump is (version, counts, files,
sizes, media types) is computed here. The counts come from a SPARQL query,
`queries/dataset_statistics.rq`, so a remote endpoint holding the dump answers the same numbers.
Every function takes an rdflib Graph or a pyoxigraph Store (its default graph).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Union

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, VOID, XSD

from . import __version__
from .errors import InputError
from .namespaces import BASE, SCHEMA, SKG, new_graph
from .query import _ox_term, _rdflib_term, parse_query_file, run, to_store
from .resources import bundled

Source = Union[Graph, ox.Store]

# Where the dump files are published. The w3id.org redirect is not registered yet; like every
# IRI under BASE, these are stable names either way.
DUMP_BASE = BASE + "dist/"
DCAT_VERSION = URIRef(str(DCAT) + "version")  # DCAT 3; rdflib's DCAT namespace predates it
MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
}
MEDIA_TYPE_BASE = "https://www.iana.org/assignments/media-types/"
FORMAT_NAMES = {".ttl": ("Turtle", "Turtle"), ".nt": ("N-Triples", "N-Triples"),
                ".jsonld": ("JSON-LD", "JSON-LD")}
# Class partitions: the query's column, the class it counts, and the partition's IRI segment.
PARTITIONS = (
    ("papers", SCHEMA.ScholarlyArticle, "paper"),
    ("people", FOAF.Person, "person"),
    ("venues", SKG.Venue, "venue"),
    ("categories", SKOS.Concept, "category"),
)


@dataclass(frozen=True)
class Statistics:
    triples: int
    papers: int
    people: int
    venues: int
    categories: int


def statistics_query_path():
    return bundled("queries") / "dataset_statistics.rq"


def statistics(graph: Source) -> Statistics:
    """Counts from queries/dataset_statistics.rq, run by Oxigraph on `graph` (a Graph is copied
    into a Store first: rdflib takes seconds for these counts on a large graph). A Store
    normalizes numbers as it stores them: a graph holding both "1"^^xsd:int and "1"^^xsd:integer
    for one subject and predicate would be counted one triple short, as an Oxigraph endpoint
    holding the dump would count it."""
    store = graph if isinstance(graph, ox.Store) else to_store(graph)
    row = run(store, parse_query_file(statistics_query_path())).rows[0]
    return Statistics(**{name: int(row[name]) for name in Statistics.__dataclass_fields__})


def triples(graph: Source, subject=None, predicate=None, obj=None) -> Iterator[tuple]:
    """The triples matching a pattern (None matches anything) as rdflib terms, from an rdflib
    Graph or from a Store's default graph."""
    if not isinstance(graph, ox.Store):
        yield from graph.triples((subject, predicate, obj))
        return
    pattern = [None if t is None else _ox_term(t) for t in (subject, predicate, obj)]
    for quad in graph.quads_for_pattern(*pattern, ox.DefaultGraph()):
        yield _rdflib_term(quad.subject), _rdflib_term(quad.predicate), _rdflib_term(quad.object)


def dataset_node(graph: Source) -> URIRef:
    """The one void:Dataset the data describes."""
    nodes = sorted(s for s, _, _ in triples(graph, None, RDF.type, VOID.Dataset)
                   if isinstance(s, URIRef))
    if len(nodes) != 1:
        found = "none" if not nodes else ", ".join(nodes)
        raise InputError(f"expected one dataset description (a void:Dataset IRI), found {found}",
                         file="data/dataset.ttl",
                         hint="describe the dataset once: title, description, license, creator, "
                              "dcterms:issued and dcterms:modified")
    return nodes[0]


def describe(graph: Source, dumps: dict[str, int]) -> tuple[Graph, Statistics]:
    """The VoID + DCAT description of `graph` published as `dumps` ({file name: size in
    bytes})."""
    dataset = dataset_node(graph)
    stats = statistics(graph)
    void = new_graph()
    _copy_description(graph, dataset, void)
    void.add((dataset, RDF.type, VOID.Dataset))
    void.add((dataset, RDF.type, DCAT.Dataset))
    void.add((dataset, DCAT_VERSION, Literal(__version__)))
    void.add((dataset, VOID.triples, Literal(stats.triples)))
    for column, cls, segment in PARTITIONS:
        partition = URIRef(f"{dataset}/class/{segment}")
        void.add((dataset, VOID.classPartition, partition))
        void.add((partition, VOID["class"], cls))
        void.add((partition, VOID.entities, Literal(getattr(stats, column))))
    for name, size in sorted(dumps.items()):
        _add_distribution(void, graph, dataset, name, size)
    return void, stats


def _copy_description(graph: Source, dataset: URIRef, void: Graph) -> None:
    """The curated description, and what it points at that the data describes (the creator)."""
    for _, predicate, obj in triples(graph, dataset):
        void.add((dataset, predicate, obj))
        if isinstance(obj, URIRef) and obj != dataset:
            for triple in triples(graph, obj):
                void.add(triple)


def _add_distribution(void: Graph, graph: Source, dataset: URIRef, name: str, size: int) -> None:
    suffix = name[name.rfind("."):]
    distribution = URIRef(f"{dataset}/distribution/{suffix[1:]}")
    download = URIRef(DUMP_BASE + name)
    english, chinese = FORMAT_NAMES[suffix]
    void.add((dataset, DCAT.distribution, distribution))
    void.add((dataset, VOID.dataDump, download))
    void.add((distribution, RDF.type, DCAT.Distribution))
    void.add((distribution, DCTERMS.title, Literal(f"{english} dump", lang="en")))
    void.add((distribution, DCTERMS.title, Literal(f"{chinese} 转储文件", lang="zh")))
    void.add((distribution, DCAT.downloadURL, download))
    void.add((distribution, DCAT.mediaType, URIRef(MEDIA_TYPE_BASE + MEDIA_TYPES[suffix])))
    void.add((distribution, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
    for _, _, license_ in triples(graph, dataset, DCTERMS.license):
        void.add((distribution, DCTERMS.license, license_))


def to_void(graph: Source, dumps: dict[str, int]) -> tuple[str, Statistics]:
    """dist/void.ttl as text, and the statistics it states; `dumps` is {file name: size}."""
    from .export import to_turtle

    void, stats = describe(graph, dumps)
    return to_turtle(void), stats
