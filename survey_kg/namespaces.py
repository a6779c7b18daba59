"""The IRIs survey-kg mints and the vocabularies it reuses, defined once."""

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, XSD, DCAT, VOID

BASE = "https://w3id.org/survey-kg/"

SKG = Namespace(BASE + "ontology#")
PAPER = Namespace(BASE + "paper/")
PERSON = Namespace(BASE + "person/")
VENUE = Namespace(BASE + "venue/")
CATEGORY = Namespace(BASE + "category/")
SOURCE = Namespace(BASE + "source/")
DATASET = Namespace(BASE + "dataset/")
SCHEMA = Namespace("https://schema.org/")

PREFIXES = {
    "skg": SKG,
    "paper": PAPER,
    "person": PERSON,
    "venue": VENUE,
    "category": CATEGORY,
    "source": SOURCE,
    "dataset": DATASET,
    "schema": SCHEMA,
    "dcterms": DCTERMS,
    "foaf": FOAF,
    "skos": SKOS,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "sh": SH,
    "dcat": DCAT,
    "void": VOID,
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes (replacing rdflib's defaults) so every output uses the same ones."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def new_graph() -> Graph:
    return bind_prefixes(Graph(bind_namespaces="none"))
