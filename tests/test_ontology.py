"""The ontology declares every term the survey graph uses, each with English and Chinese labels."""

import pyoxigraph as ox

from survey_kg.load import load
from survey_kg.rdf import RDF_TYPE, named
from survey_kg.rules import ontology

from .conftest import ROOT

OWN_OR_REUSED = ("https://w3id.org/survey-kg/ontology#", "https://schema.org/",
                 "http://purl.org/dc/terms/", "http://xmlns.com/foaf/0.1/",
                 "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/prov#")


def test_every_term_has_english_and_chinese_label_and_comment():
    g = ontology()
    terms = {s for s in g.subjects(RDF_TYPE) if isinstance(s, ox.NamedNode)
             and s.value.startswith(OWN_OR_REUSED)}
    assert len(terms) > 40
    for term in terms:
        for prop in (named("rdfs:label"), named("rdfs:comment")):
            langs = sorted(o.language for o in g.objects(term, prop))
            assert langs == ["en", "zh"], (term, prop, langs)


def test_every_class_and_property_the_data_uses_is_declared():
    g = ontology()
    data = load([ROOT / "data"])
    declared = set(g.subjects(RDF_TYPE))
    used = {q.predicate for q in data}
    used |= {q.object for q in data.quads_for_pattern(None, RDF_TYPE, None)}
    used.discard(RDF_TYPE)
    assert len(used) > 20
    assert used - declared == set()
