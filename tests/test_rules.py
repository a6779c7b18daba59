"""Every rule of ontology/shapes.ttl: a fixture that breaks it, and the exact result it reports.

Each case applies a SPARQL Update to tests/fixtures/valid-survey.ttl (which passes every rule) and
asserts the rule, severity, focus node and path of a reported result. Each case is also validated
by pyshacl, the reference engine, which must report exactly the same results."""

import pyoxigraph as ox
import pytest
from rdflib import Graph

from survey_kg.rdf import RDF_TYPE, named
from survey_kg.rules import _rule_name, ontology, shapes, validate
from survey_kg.rules.shacl import sh

from .shacl_reference import compare, faster_rdflib_queries, shapes_graph  # noqa: F401 (fixture)

P = "https://w3id.org/survey-kg/paper/"
PREFIXES = """
PREFIX skg: <https://w3id.org/survey-kg/ontology#>
PREFIX paper: <https://w3id.org/survey-kg/paper/>
PREFIX person: <https://w3id.org/survey-kg/person/>
PREFIX venue: <https://w3id.org/survey-kg/venue/>
PREFIX category: <https://w3id.org/survey-kg/category/>
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
P1, P2 = P + "2401.00001", P + "2312.00002"
A1 = f"<{P1}/author/1>"
A2 = f"<{P1}/author/2>"
KP_EN2 = f"<{P1}/key-point/en/2>"
SRC = f"<{P1}/source/1>"
CAT = "https://w3id.org/survey-kg/category/video"
CVPR = "https://w3id.org/survey-kg/venue/cvpr"
ADA = "https://w3id.org/survey-kg/person/ada-lovelace"

SKG = "https://w3id.org/survey-kg/ontology#"
DCT = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"

# rule, severity, focus, path, the update that breaks the rule
CASES = [
    ("skg:PaperTitleShape", "violation", P1, DCT + "title",
     "DELETE WHERE { paper:2401.00001 dcterms:title ?t }"),
    ("skg:PaperArxivIdShape", "violation", P1, SKG + "arxivId",
     'DELETE WHERE { paper:2401.00001 skg:arxivId ?i } ; INSERT DATA { paper:2401.00001 skg:arxivId "2401.1" }'),
    ("skg:PaperOneLinerShape", "violation", P2, SKG + "oneLiner",
     "DELETE WHERE { paper:2312.00002 skg:oneLiner ?t }"),
    ("skg:PaperAbstractShape", "violation", P1, DCT + "abstract",
     'INSERT DATA { paper:2401.00001 dcterms:abstract "A second English abstract for the same paper."@en }'),
    ("skg:PaperCoreInnovationShape", "violation", P1, SKG + "coreInnovation",
     'INSERT DATA { paper:2401.00001 skg:coreInnovation "Another English core innovation text."@en }'),
    ("skg:PaperYearShape", "violation", P1, DCT + "issued",
     'DELETE WHERE { paper:2401.00001 dcterms:issued ?y } ; INSERT DATA { paper:2401.00001 dcterms:issued "2024" }'),
    ("skg:PaperVenueShape", "violation", P1, SKG + "venue",
     "DELETE WHERE { paper:2401.00001 skg:venue ?v } ; INSERT DATA { paper:2401.00001 skg:venue venue:nowhere }"),
    ("skg:PaperCategoryShape", "violation", P2, DCT + "subject",
     "DELETE WHERE { paper:2312.00002 dcterms:subject ?c }"),
    ("skg:PaperAuthorsShape", "violation", P2, SKG + "authorship",
     "DELETE WHERE { paper:2312.00002 skg:authorship ?a }"),
    ("skg:PaperKeyPointShape", "violation", P1, SKG + "keyPoint",
     "INSERT DATA { paper:2401.00001 skg:keyPoint paper:untyped-point }"),
    ("skg:PaperSourceShape", "violation", P1, "http://www.w3.org/ns/prov#wasDerivedFrom",
     "INSERT DATA { paper:2401.00001 prov:wasDerivedFrom paper:untyped-source }"),
    ("skg:ArxivPageLinkShape", "violation", P1, SCHEMA + "sameAs",
     "INSERT DATA { paper:2401.00001 schema:sameAs <ftp://arxiv.org/abs/2401.00001> }"),
    ("skg:PaperLinkShape", "violation", P1, SCHEMA + "url",
     "INSERT DATA { paper:2401.00001 schema:url <javascript:alert(1)> }"),
    ("skg:PdfLinkShape", "violation", P1, SKG + "pdf",
     "INSERT DATA { paper:2401.00001 skg:pdf <data:application/pdf;base64,AAAA> }"),
    ("skg:ProjectPageLinkShape", "violation", P1, SKG + "projectPage",
     "INSERT DATA { paper:2401.00001 skg:projectPage <file:///etc/passwd> }"),
    ("skg:CodeLinkShape", "violation", P1, SCHEMA + "codeRepository",
     "INSERT DATA { paper:2401.00001 schema:codeRepository <javascript:alert(1)> }"),
    ("skg:CodeRepositoryShape", "violation", P1, SCHEMA + "codeRepository",
     "INSERT DATA { paper:2401.00001 schema:codeRepository <https://example.github.io/first/> }"),
    ("skg:UniqueArxivIdShape", "violation", P2, SKG + "arxivId",
     'DELETE WHERE { paper:2312.00002 skg:arxivId ?i } ; INSERT DATA { paper:2312.00002 skg:arxivId "2401.00001" }'),
    ("skg:AuthorPositionRepeatShape", "violation", P1, SKG + "authorship",
     f'DELETE WHERE {{ {A2} skg:position ?p }} ; INSERT DATA {{ {A2} skg:position 1 }}'),
    ("skg:AuthorPositionGapShape", "violation", P1, SKG + "authorship",
     f'DELETE WHERE {{ {A2} skg:position ?p }} ; INSERT DATA {{ {A2} skg:position 3 }}'),
    ("skg:KeyPointOrderShape", "violation", P1, SKG + "keyPoint",
     f'DELETE WHERE {{ {KP_EN2} skg:position ?p }} ; INSERT DATA {{ {KP_EN2} skg:position 3 }}'),
    ("skg:YearAfterArxivShape", "violation", P1, DCT + "issued",
     'DELETE WHERE { paper:2401.00001 dcterms:issued ?y } ; INSERT DATA { paper:2401.00001 dcterms:issued "2023"^^xsd:gYear }'),
    ("skg:CopiedTextShape", "violation", P2, SKG + "oneLiner",
     'DELETE { paper:2312.00002 skg:oneLiner ?t } WHERE { paper:2312.00002 skg:oneLiner ?t FILTER(LANG(?t) = "en") } ;'
     ' INSERT DATA { paper:2312.00002 skg:oneLiner "A model that makes video from text in one pass."@en }'),
    ("skg:CopiedKeyPointShape", "violation", P2, SKG + "keyPoint",
     'INSERT DATA { paper:2312.00002 skg:keyPoint paper:copied . paper:copied a skg:KeyPoint ;'
     ' skg:position 1 ; skg:text "Space-time network that handles every frame together in one pass."@en }'),
    ("skg:LanguageScriptShape", "violation", P1, SKG + "oneLiner",
     'DELETE { paper:2401.00001 skg:oneLiner ?t } WHERE { paper:2401.00001 skg:oneLiner ?t FILTER(LANG(?t) = "zh") } ;'
     ' INSERT DATA { paper:2401.00001 skg:oneLiner "An English sentence tagged as Chinese."@zh }'),
    ("skg:TranslationShape", "warning", P2, SKG + "oneLiner",
     'DELETE { paper:2312.00002 skg:oneLiner ?t } WHERE { paper:2312.00002 skg:oneLiner ?t FILTER(LANG(?t) = "zh") }'),
    ("skg:KeyPointTranslationShape", "warning", P1, SKG + "keyPoint",
     f"DELETE WHERE {{ paper:2401.00001 skg:keyPoint <{P1}/key-point/zh/1> }}"),
    ("skg:OnTopicShape", "warning", P2, DCT + "subject",
     "DELETE WHERE { paper:2312.00002 dcterms:title ?t } ; DELETE WHERE { paper:2312.00002 skg:oneLiner ?o } ;"
     ' INSERT DATA { paper:2312.00002 dcterms:title "Detecting Objects in Photographs"@en ;'
     ' skg:oneLiner "Finds objects in photographs."@en , "在照片中寻找物体。"@zh }'),
    ("skg:AuthorshipShape/skg:author", "violation", f"{P1}/author/1", SKG + "author",
     f"DELETE WHERE {{ {A1} skg:author ?p }}"),
    ("skg:AuthorshipShape/skg:position", "violation", f"{P1}/author/1", SKG + "position",
     f"DELETE WHERE {{ {A1} skg:position ?p }}"),
    ("skg:PersonShape/foaf:name", "violation", ADA, "http://xmlns.com/foaf/0.1/name",
     'INSERT DATA { person:ada-lovelace foaf:name "A. Lovelace" }'),
    ("skg:KeyPointShape/skg:position", "violation", f"{P1}/key-point/en/2", SKG + "position",
     f"DELETE WHERE {{ {KP_EN2} skg:position ?p }}"),
    ("skg:KeyPointShape/skg:text", "violation", f"{P1}/key-point/en/2", SKG + "text",
     f"DELETE WHERE {{ {KP_EN2} skg:text ?p }}"),
    ("skg:VenueShape/skg:acronym", "violation", CVPR, SKG + "acronym",
     "DELETE WHERE { venue:cvpr skg:acronym ?a }"),
    ("skg:VenueShape/schema:name", "violation", CVPR, SCHEMA + "name",
     "DELETE WHERE { venue:cvpr schema:name ?a }"),
    ("skg:VenueShape/skg:venueKind", "violation", CVPR, SKG + "venueKind",
     "DELETE WHERE { venue:cvpr skg:venueKind ?a } ; INSERT DATA { venue:cvpr skg:venueKind skg:Workshop }"),
    ("skg:CategoryShape/skos:prefLabel", "violation", CAT, SKOS + "prefLabel",
     "DELETE WHERE { category:video skos:prefLabel ?a }"),
    ("skg:CategoryShape/skos:definition", "violation", CAT, SKOS + "definition",
     "DELETE WHERE { category:video skos:definition ?a }"),
    ("skg:CategoryShape/skos:scopeNote", "violation", CAT, SKOS + "scopeNote",
     'INSERT DATA { category:video skos:scopeNote "A second English note."@en }'),
    ("skg:CategoryShape/skg:keyword", "violation", CAT, SKG + "keyword",
     "DELETE WHERE { category:video skg:keyword ?a }"),
    ("skg:CategoryShape/skos:inScheme", "violation", CAT, SKOS + "inScheme",
     "DELETE WHERE { category:video skos:inScheme ?a }"),
    ("skg:CategoryShape/skos:broader", "violation", CAT, SKOS + "broader",
     "INSERT DATA { category:video skos:broader category:not-a-category }"),
    ("skg:SourceShape/skg:sourceFile", "violation", f"{P1}/source/1", SKG + "sourceFile",
     f"DELETE WHERE {{ {SRC} skg:sourceFile ?a }}"),
    ("skg:SourceShape/skg:sourceLine", "violation", f"{P1}/source/1", SKG + "sourceLine",
     f'DELETE WHERE {{ {SRC} skg:sourceLine ?a }} ; INSERT DATA {{ {SRC} skg:sourceLine "0"^^xsd:integer }}'),
    ("skg:KnownTermsShape", "violation", P1, SKG + "oneLinr",
     'INSERT DATA { paper:2401.00001 skg:oneLinr "A misspelt property."@en }'),
    ("skg:KnownClassShape", "violation", P1, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
     "INSERT DATA { paper:2401.00001 a schema:ScholarlyArtcle }"),
    # a graph-wide rule: the result is about the untyped node (its value), and has no path
    ("skg:TypedSubjectShape", "violation", P + "2401.0001", None,
     'INSERT DATA { paper:2401.0001 skg:oneLiner "A misspelt paper IRI."@en }'),
]


def broken(store: ox.Store, update: str) -> ox.Store:
    store.update(PREFIXES + update)
    return store


def test_the_valid_fixture_passes_every_rule(valid_store):
    report = validate(valid_store)
    assert report.results == []
    assert report.conforms


@pytest.mark.parametrize("rule,severity,focus,path,update", CASES, ids=[c[0] for c in CASES])
def test_rule_reports_its_violation(valid_store, rule, severity, focus, path, update):
    report = validate(broken(valid_store, update))
    hits = [r for r in report.results if r.rule == rule]
    assert hits, f"{rule} reported nothing; got {[(r.rule, r.focus) for r in report.results]}"
    assert any(r.severity == severity and r.focus == focus and r.path == path for r in hits), hits
    assert all(r.message and r.fix for r in hits)
    assert report.conforms == (severity != "violation")


@pytest.mark.parametrize("name", ["Ada\u200bLovelace", "Ada \u202eLovelace"])
def test_invisible_and_direction_characters_in_names_are_violations(valid_store, name):
    valid_store.update(PREFIXES + 'DELETE WHERE { person:ada-lovelace foaf:name ?n } ;'
                       f' INSERT DATA {{ person:ada-lovelace foaf:name "{name}" }}')
    hits = [r for r in validate(valid_store).violations if r.rule == "skg:PersonShape/foaf:name"]
    assert [r.focus for r in hits] == [ADA]


def test_english_text_with_chinese_characters_is_a_violation(valid_store):
    valid_store.update(PREFIXES + 'INSERT DATA { paper:2312.00002 skg:coreInnovation "用中文写的"@en }')
    hits = [r for r in validate(valid_store).violations if r.rule == "skg:LanguageScriptShape"]
    assert [(r.focus, r.path, r.value) for r in hits] == [(P2, SKG + "coreInnovation", "用中文写的")]


def test_every_rule_in_the_shapes_has_a_case():
    graph = shapes()
    rules = set()
    for shape in graph.subjects(sh("path")):
        rules.add(_rule_name(graph, shape))
    for shape in graph.subjects(sh("sparql")):
        rules.add(_rule_name(graph, shape))
    for shape in graph.subjects(sh("closed")):
        rules.add(_rule_name(graph, shape))
    rules.discard("skg:PaperShape")
    assert rules == {case[0] for case in CASES}


def test_the_vocabulary_rules_allow_exactly_the_terms_the_ontology_declares():
    onto, graph = ontology(), shapes()
    properties = {term for kind in ("owl:ObjectProperty", "owl:DatatypeProperty",
                                    "owl:AnnotationProperty")
                  for term in onto.subjects(RDF_TYPE, named(kind))}
    classes = set(onto.subjects(RDF_TYPE, named("owl:Class")))
    allowed_properties = set(graph.members(graph.value(named("skg:KnownTermsShape"),
                                                       sh("ignoredProperties"))))
    allowed_classes = set(graph.members(graph.value(named("skg:KnownClassShape"), sh("in"))))
    assert len(properties) > 20 and len(classes) > 5
    assert allowed_properties - {RDF_TYPE} == properties, (
        f"declare in the ontology: {allowed_properties - {RDF_TYPE} - properties}; "
        f"add to skg:KnownTermsShape: {properties - allowed_properties}")
    assert allowed_classes == classes, (
        f"declare in the ontology: {allowed_classes - classes}; "
        f"add to skg:KnownClassShape: {classes - allowed_classes}")


def test_repeated_key_point_position_is_a_violation(valid_store):
    valid_store.update(PREFIXES + f'DELETE WHERE {{ {KP_EN2} skg:position ?p }} ;'
                       f' INSERT DATA {{ {KP_EN2} skg:position 1 }}')
    hits = [r for r in validate(valid_store).violations if r.rule == "skg:KeyPointOrderShape"]
    assert {r.value for r in hits} == {f"{P1}/key-point/en/1", f"{P1}/key-point/en/2"}
    assert all("more than one" in r.message for r in hits)


def test_shapes_pass_shacl_for_shacl():
    import pyshacl

    # meta_shacl validates the shapes graph against the SHACL-for-SHACL shapes first and raises
    # if it is not a valid shapes graph.
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=shapes_graph(), meta_shacl=True,
                                         advanced=True)
    assert conforms, text


@pytest.mark.usefixtures("faster_rdflib_queries")
@pytest.mark.parametrize("rule,severity,focus,path,update", CASES, ids=[c[0] for c in CASES])
def test_validate_reports_what_the_reference_engine_reports(valid_store, rule, severity, focus,
                                                            path, update):
    """pyshacl on the same data (survey_kg.to_rdflib) and the same shapes (parsed by rdflib)
    reports the same results: severity, focus, path, value, message, shape, component."""
    store = broken(valid_store, update)
    report, found, reference = compare(store)
    assert found == reference
    assert any(r.rule == rule for r in report.results)
    assert report.results == validate(store).results  # the shapes as survey-kg reads them


def test_position_zero_is_a_violation(valid_store):
    valid_store.update(PREFIXES + f"DELETE WHERE {{ {A1} skg:position ?p }} ; INSERT DATA {{ {A1} skg:position 0 }}")
    hits = [r for r in validate(valid_store).violations if r.rule == "skg:AuthorshipShape/skg:position"]
    assert [(r.focus, r.value) for r in hits] == [(f"{P1}/author/1", "0")]


@pytest.mark.parametrize("first,second,gaps,repeats", [
    (1, 3, {"3"}, set()),          # 2 is missing
    (2, 3, {"2"}, set()),          # 1 is missing: 2 has no author before it, 3 has
    (2, 2, {"2"}, {"2"}),          # a repeat and a gap at once
    (1, 2, set(), set()),          # 1..n: nothing to report
])
@pytest.mark.usefixtures("faster_rdflib_queries")
def test_author_positions_report_each_gap_and_repeat(valid_store, first, second, gaps, repeats):
    """The position rules look closely only at papers whose positions are not exactly 1..n (one
    pass over the authorships); what they report is what pyshacl reports."""
    valid_store.update(PREFIXES + f"DELETE WHERE {{ {A1} skg:position ?p }} ; "
                       f"DELETE WHERE {{ {A2} skg:position ?q }} ; "
                       f"INSERT DATA {{ {A1} skg:position {first} . {A2} skg:position {second} }}")
    results = validate(valid_store).violations
    assert {r.message.split()[2] for r in results
            if r.rule == "skg:AuthorPositionGapShape"} == gaps
    assert {r.message.split()[2] for r in results
            if r.rule == "skg:AuthorPositionRepeatShape"} == repeats
    _, found, reference = compare(valid_store)
    assert found == reference
