"""The dataset description of the dump folder: VoID + DCAT (dist/void.ttl), as catalogues read
it (DCAT-AP).

What a curator decides (title, description, license, publisher, contact, keywords, languages,
landing page, source, dates) is read from the dataset node in the data (data/dataset.ttl); what
the dump is is computed here: its version and counts, a class partition per class and a property
partition per property (queries/dataset_statistics.rq and dataset_partitions.rq, so a remote
endpoint holding the dump answers the same numbers), the period its works were published in
(dataset_period.rq), and each file of the folder as a dcat:Distribution with its URLs, media
type, size and SPDX sha256 checksum. void.ttl describes every other file of the folder; it
cannot hold its own size and checksum.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import pyoxigraph as ox

from .. import __version__
from ..errors import InputError
from ..paths import BASE, PREFIXES, bundled, curie
from ..queries import parse_query_file, run
from ..rdf import named, select

DUMP_BASE = BASE + "dist/"  # where the dump files are published
MEDIA_TYPE_BASE = "https://www.iana.org/assignments/media-types/"
SPDX = "http://spdx.org/rdf/terms#"
# Each file of the folder: its media type and its title in English and Chinese. BibTeX has no
# registered media type; application/x-bibtex is the one in common use.
FILES = {
    "survey.ttl": ("text/turtle", "The knowledge graph in Turtle", "知识图谱（Turtle）"),
    "survey.nt": ("application/n-triples", "The knowledge graph in N-Triples, lines sorted",
                  "知识图谱（N-Triples，行已排序）"),
    "survey.jsonld": ("application/ld+json", "The knowledge graph in JSON-LD",
                      "知识图谱（JSON-LD）"),
    "context.jsonld": ("application/ld+json", "The JSON-LD context of survey.jsonld",
                       "survey.jsonld 的 JSON-LD 上下文"),
    "ontology.ttl": ("text/turtle", "The vocabulary the graph uses", "图谱所用的词表"),
    "shapes.ttl": ("text/turtle", "The SHACL shapes the graph conforms to",
                   "图谱所符合的 SHACL 约束形状"),
    "survey.bib": ("application/x-bibtex", "Citations of the surveyed works in BibTeX",
                   "所收录作品的 BibTeX 引用"),
    "survey.csl.json": ("application/vnd.citationstyles.csl+json",
                        "Citations of the surveyed works in CSL-JSON",
                        "所收录作品的 CSL-JSON 引用"),
}
RDF_DUMPS = ("survey.ttl", "survey.nt", "survey.jsonld")  # the files that are the graph


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


@dataclass(frozen=True)
class FileFacts:
    """What the description says of a file: its size in bytes and its SHA-256 (hex)."""
    size: int
    sha256: str


def _rows(store: ox.Store, name: str):
    return run(store, parse_query_file(bundled("queries") / f"{name}.rq")).rows


def statistics(store: ox.Store) -> Statistics:
    row = _rows(store, "dataset_statistics")[0]
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


def _named(curie: str) -> ox.NamedNode:
    """`rdf.named`, and the SPDX terms (spdx:checksum), whose prefix survey-kg does not have."""
    prefix, _, local = curie.partition(":")
    return ox.NamedNode(SPDX + local) if prefix == "spdx" else named(curie)


def _integer(number: int, datatype: str = "xsd:integer") -> ox.Literal:
    return ox.Literal(str(number), datatype=named(datatype))


_SLUG = re.compile(r"[A-Za-z0-9_-]+")


def slug(iri: str) -> str:
    """A readable, unique IRI segment for a class or property: "schema-ScholarlyArticle" for a
    term of the project's prefixes, else "iri-" and the start of the IRI's SHA-256."""
    name = curie(iri)
    prefix, _, local = name.partition(":")
    if not name.startswith("<") and _SLUG.fullmatch(local):
        return f"{prefix}-{local}"
    return "iri-" + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:16]


def describe(store: ox.Store, files: dict[str, FileFacts]
             ) -> tuple[list[ox.Triple], Statistics]:
    """The VoID + DCAT description of the store published as `files` ({file name: facts}).
    The nodes it mints are named under the dataset's IRI (`<dataset>/class-schema-Person`,
    `<dataset>/distribution-survey.ttl`), so Turtle writes them with the dataset as base."""
    dataset = dataset_node(store)
    stats = statistics(store)
    under = dataset.value + "/"
    # the curated description, and what it points at that the data describes (the creator)
    described = select(store, f"""SELECT ?s ?p ?o WHERE {{
        {{ BIND ({dataset} AS ?s) ?s ?p ?o }}
        UNION {{ {dataset} ?link ?s . FILTER (isIRI(?s) && ?s != {dataset}) ?s ?p ?o }}
    }}""")[1]
    triples = [ox.Triple(*row) for row in described]

    def add(s, p, o):
        triples.append(ox.Triple(s, _named(p), o))

    add(dataset, "rdf:type", named("void:Dataset"))
    add(dataset, "rdf:type", named("dcat:Dataset"))
    add(dataset, "dcat:version", ox.Literal(__version__))
    add(dataset, "void:triples", _integer(stats.triples))

    classes = properties = 0
    for row in _rows(store, "dataset_partitions"):
        term = row.get("term")
        if row.get("kind").value == "class":
            classes += 1
            partition = ox.NamedNode(under + "class-" + slug(term.value))
            add(dataset, "void:classPartition", partition)
            add(partition, "void:class", term)
            add(partition, "void:entities", _integer(int(row.get("entities").value)))
        else:
            properties += 1
            partition = ox.NamedNode(under + "property-" + slug(term.value))
            add(dataset, "void:propertyPartition", partition)
            add(partition, "void:property", term)
            for column, prop in (("triples", "void:triples"), ("subjects", "void:distinctSubjects"),
                                 ("objects", "void:distinctObjects")):
                add(partition, prop, _integer(int(row.get(column).value)))
    add(dataset, "void:classes", _integer(classes))
    add(dataset, "void:properties", _integer(properties))

    period = _rows(store, "dataset_period")
    if period and period[0].get("start") is not None and period[0].get("end") is not None:
        node = ox.NamedNode(under + "period")
        add(dataset, "dcterms:temporal", node)
        add(node, "rdf:type", named("dcterms:PeriodOfTime"))
        add(node, "dcat:startDate", period[0].get("start"))
        add(node, "dcat:endDate", period[0].get("end"))

    licenses = [o for s, p, o in described if s == dataset and p == named("dcterms:license")]
    for name, facts in sorted(files.items()):
        media, english, chinese = FILES.get(name, ("application/octet-stream", name, name))
        distribution = ox.NamedNode(under + "distribution-" + name)
        download = ox.NamedNode(DUMP_BASE + name)
        checksum = ox.NamedNode(under + "checksum-" + name)
        add(dataset, "dcat:distribution", distribution)
        if name in RDF_DUMPS:
            add(dataset, "void:dataDump", download)
        add(distribution, "rdf:type", named("dcat:Distribution"))
        add(distribution, "dcterms:title", ox.Literal(english, language="en"))
        add(distribution, "dcterms:title", ox.Literal(chinese, language="zh"))
        # a file to download: DCAT-AP's accessURL is then the download URL itself
        add(distribution, "dcat:accessURL", download)
        add(distribution, "dcat:downloadURL", download)
        add(distribution, "dcat:mediaType", ox.NamedNode(MEDIA_TYPE_BASE + media))
        add(distribution, "dcat:byteSize", _integer(facts.size, "xsd:nonNegativeInteger"))
        add(distribution, "spdx:checksum", checksum)
        add(checksum, "rdf:type", _named("spdx:Checksum"))
        add(checksum, "spdx:algorithm", _named("spdx:checksumAlgorithm_sha256"))
        add(checksum, "spdx:checksumValue",
            ox.Literal(facts.sha256, datatype=named("xsd:hexBinary")))
        for license_ in licenses:
            add(distribution, "dcterms:license", license_)
    return triples, stats
