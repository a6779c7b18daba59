"""The dataset description of the dump folder: VoID + DCAT (dist/void.ttl).

What a curator decides (title, description, license, creator, dates) is read from the dataset
node in the data (data/dataset.ttl); what the dump is (version, counts, files, sizes, media types)
is computed here. The counts come from queries/dataset_statistics.rq, so a remote endpoint
holding the dump answers the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .. import __version__
from ..errors import InputError
from ..paths import BASE, PREFIXES, bundled
from ..queries import parse_query_file, run
from ..rdf import named, select, turtle

DUMP_BASE = BASE + "dist/"  # where the dump files are published
MEDIA_TYPES = {".ttl": "text/turtle", ".nt": "application/n-triples",
               ".jsonld": "application/ld+json"}
MEDIA_TYPE_BASE = "https://www.iana.org/assignments/media-types/"
FORMAT_NAMES = {".ttl": "Turtle", ".nt": "N-Triples", ".jsonld": "JSON-LD"}
# Class partitions: the query's column, the class it counts, and the partition's IRI segment.
PARTITIONS = (("works", "schema:CreativeWork", "work"), ("papers", "schema:ScholarlyArticle", "paper"),
              ("products", "schema:SoftwareApplication", "product"),
              ("people", "schema:Person", "person"),
              ("organizations", "schema:Organization", "organization"),
              ("venues", "skg:Venue", "venue"), ("categories", "skos:Concept", "category"))


@dataclass(frozen=True)
class Statistics:
    triples: int
    works: int
    papers: int
    products: int
    people: int
    organizations: int
    venues: int
    categories: int


def statistics(store: ox.Store) -> Statistics:
    row = run(store, parse_query_file(bundled("queries") / "dataset_statistics.rq")).rows[0]
    return Statistics(**{name: int(row.get(name).value)
                         for name in Statistics.__dataclass_fields__})


DATASETS = f"SELECT DISTINCT ?dataset WHERE {{ ?dataset a <{PREFIXES['void']}Dataset> FILTER isIRI(?dataset) }}"


def dataset_node(store: ox.Store) -> ox.NamedNode:
    """The one void:Dataset the data describes."""
    nodes = sorted({row[0] for row in select(store, DATASETS)[1]}, key=str)
    if len(nodes) != 1:
        found = "none" if not nodes else ", ".join(n.value for n in nodes)
        raise InputError(f"expected one dataset description (a void:Dataset IRI), found {found}",
                         file="data/dataset.ttl",
                         hint="describe the dataset once: title, description, license, creator, "
                              "dcterms:issued and dcterms:modified")
    return nodes[0]


def _integer(number: int, datatype: str = "xsd:integer") -> ox.Literal:
    return ox.Literal(str(number), datatype=named(datatype))


def describe(store: ox.Store, dumps: dict[str, int]) -> tuple[list[ox.Triple], Statistics]:
    """The VoID + DCAT description of the store published as `dumps` ({file name: bytes})."""
    dataset = dataset_node(store)
    stats = statistics(store)
    # the curated description, and what it points at that the data describes (the creator)
    described = select(store, f"""SELECT ?s ?p ?o WHERE {{
        {{ BIND ({dataset} AS ?s) ?s ?p ?o }}
        UNION {{ {dataset} ?link ?s . FILTER (isIRI(?s) && ?s != {dataset}) ?s ?p ?o }}
    }}""")[1]
    triples = [ox.Triple(*row) for row in described]
    add = lambda s, p, o: triples.append(ox.Triple(s, named(p), o))  # noqa: E731
    add(dataset, "rdf:type", named("void:Dataset"))
    add(dataset, "rdf:type", named("dcat:Dataset"))
    add(dataset, "dcat:version", ox.Literal(__version__))
    add(dataset, "void:triples", _integer(stats.triples))
    for column, cls, segment in PARTITIONS:
        partition = ox.NamedNode(f"{dataset.value}/class/{segment}")
        add(dataset, "void:classPartition", partition)
        add(partition, "void:class", named(cls))
        add(partition, "void:entities", _integer(getattr(stats, column)))
    licenses = [o for s, p, o in described if s == dataset and p == named("dcterms:license")]
    for name, size in sorted(dumps.items()):
        suffix = name[name.rfind("."):]
        distribution = ox.NamedNode(f"{dataset.value}/distribution/{suffix[1:]}")
        download = ox.NamedNode(DUMP_BASE + name)
        add(dataset, "dcat:distribution", distribution)
        add(dataset, "void:dataDump", download)
        add(distribution, "rdf:type", named("dcat:Distribution"))
        add(distribution, "dcterms:title", ox.Literal(f"{FORMAT_NAMES[suffix]} dump", language="en"))
        add(distribution, "dcterms:title",
            ox.Literal(f"{FORMAT_NAMES[suffix]} 转储文件", language="zh"))
        add(distribution, "dcat:downloadURL", download)
        add(distribution, "dcat:mediaType", ox.NamedNode(MEDIA_TYPE_BASE + MEDIA_TYPES[suffix]))
        add(distribution, "dcat:byteSize", _integer(size, "xsd:nonNegativeInteger"))
        for license_ in licenses:
            add(distribution, "dcterms:license", license_)
    return triples, stats
