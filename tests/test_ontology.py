"""The ontology declares every term the survey graph uses, each with English and Chinese labels."""

from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS

from survey_kg.load import load_files, ontology

from .conftest import ROOT

OWN_OR_REUSED = ("https://w3id.org/survey-kg/ontology#", "https://schema.org/",
                 "http://purl.org/dc/terms/", "http://xmlns.com/foaf/0.1/",
                 "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/prov#")


def test_every_term_has_english_and_chinese_label_and_comment():
    g = ontology()
    terms = {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef)
             and str(s).startswith(OWN_OR_REUSED)}
    assert len(terms) > 40
    for term in terms:
        for prop in (RDFS.label, RDFS.comment):
            langs = sorted(o.language for o in g.objects(term, prop))
            assert langs == ["en", "zh"], (term, prop, langs)


def test_every_class_and_property_the_data_uses_is_declared():
    g = ontology()
    data = load_files([ROOT / "data"])
    declared = set(g.subjects(RDF.type, None))
    used = {p for p in data.predicates()} | set(data.objects(None, RDF.type))
    used.discard(RDF.type)
    assert used - declared == set()
