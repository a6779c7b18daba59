"""The SHACL-on-Oxigraph engine (survey_kg.rules.shacl) against pyshacl, the reference, on shapes
and data made to hit the corners the survey's own fixtures do not: subclasses, ill-typed literals,
regex flags, ranges, sh:in with literals, several targets, unsupported features."""

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SH

from survey_kg.rules import format_turtle, validate
from survey_kg.rules import shacl

from .shacl_reference import compare, faster_rdflib_queries, shapes_graph, small_graph  # noqa: F401

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/> .
"""

SHAPES = PREFIXES + """
ex:ThingShape a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:targetNode ex:lonely ;
    sh:property [ sh:path ex:year ; sh:maxCount 1 ; sh:datatype xsd:gYear ;
                  sh:message "year" ] ,
                [ sh:path ex:count ; sh:datatype xsd:integer ; sh:minInclusive 1 ; sh:maxExclusive 10 ;
                  sh:severity sh:Warning ; sh:message "count" ] ,
                [ sh:path ex:name ; sh:minCount 2 ; sh:pattern "^ab" ; sh:flags "i" ;
                  sh:uniqueLang true ; sh:message "name" ] ,
                [ sh:path ex:kind ; sh:in ( ex:a "b" 3 ) ; sh:message "kind" ] ,
                [ sh:path ex:part ; sh:class ex:Thing ; sh:nodeKind sh:IRI ; sh:message "part" ] ,
                [ sh:path ex:pair ; sh:minCount 3 ; sh:maxCount 1 ; sh:message "pair" ] .
ex:LinkShape a sh:NodeShape ;
    sh:targetSubjectsOf ex:link ; sh:targetObjectsOf ex:link ;
    sh:closed true ; sh:ignoredProperties ( ex:link ) ;
    sh:property [ sh:path ex:label ; sh:datatype xsd:string ; sh:message "label" ] ;
    sh:message "closed" .
ex:MixedShape a sh:NodeShape ;
    sh:targetNode ex:far ; sh:targetSubjectsOf ex:link ;
    sh:property [ sh:path ex:label ; sh:datatype xsd:string ; sh:message "mixed" ] .
"""

DATA = PREFIXES + """
ex:Special rdfs:subClassOf ex:Thing .
ex:t1 a ex:Thing ; ex:year "2024"^^xsd:gYear , "20x4"^^xsd:gYear ; ex:count 0 , 5 , 10 , "3.5"^^xsd:integer ;
    ex:name "ABC"@en , "abd"@EN , "xyz" ; ex:kind ex:a , "b" , 3 , "3" , ex:c ;
    ex:part ex:t2 , ex:nothing , "literal" , [ a ex:Thing ] ; ex:count "0.5"^^xsd:decimal ;
    ex:pair 1 , 2 .
ex:t2 a ex:Special ; ex:year 2024 ; ex:name "ab" .
ex:lonely ex:count "many" .
ex:s ex:link ex:o ; ex:other 1 .
ex:o ex:link ex:s ; ex:else "x" .
ex:s ex:label 7 . ex:far ex:label 8 . ex:near ex:label 9 .
"""


def data_store() -> ox.Store:
    store = ox.Store()
    store.load(DATA.encode(), format=ox.RdfFormat.TURTLE)
    return store


@pytest.mark.usefixtures("faster_rdflib_queries")
def test_the_engine_agrees_with_pyshacl_on_corner_cases():
    store = data_store()
    fast, found, reference = compare(store, shapes_graph(SHAPES))
    # the one known difference: rdflib accepts any xsd:gYear, XML Schema (and this engine) does not
    ill_typed_year = [r for r in fast.results if r.value == "20x4"]
    assert [r.message for r in ill_typed_year] == ["year"]
    year = ("literal", "20x4", None, "http://www.w3.org/2001/XMLSchema#gYear")
    assert len([f for f in found if f[3] == year]) == 1
    assert [f for f in found if f[3] != year] == reference
    # the corners were hit: an ill-typed gYear, a subclass instance, a closed shape, a range
    values = {(r.message, r.value) for r in fast.results}
    assert ("year", "20x4") in values and ("count", "0") in values and ("count", "10") in values
    assert ("part", "http://example.org/nothing") in values and ("part", "literal") in values
    assert ("part", "http://example.org/t2") not in values  # ex:Special is a subclass of ex:Thing
    assert ("closed", "1") in values and ("closed", "x") in values
    # the values of nodes in a broad target (subjects or objects of ex:link), and only theirs
    assert {v for m, v in values if m == "label"} == {"7"}
    assert {v for m, v in values if m == "mixed"} == {"7", "8"}
    assert ("kind", "3") in values and ("kind", "http://example.org/c") in values
    # one value or one count breaking two constraints checked by the same query: both reported
    broken = {(f.value.value if f.value is not None else None, f.path.value.rsplit("/", 1)[-1],
               f.component.value.split("#")[-1]) for f in fast.findings}
    assert {c for v, p, c in broken if v == "0.5"} == {"DatatypeConstraintComponent",
                                                      "MinInclusiveConstraintComponent"}
    assert {c for v, p, c in broken if p == "pair"} == {"MinCountConstraintComponent",
                                                       "MaxCountConstraintComponent"}


def test_the_engine_reports_in_the_w3c_vocabulary():
    report = validate(data_store(), small_graph(shapes_graph(SHAPES)))
    graph = Graph().parse(data=format_turtle(report), format="turtle")
    assert list(graph.objects(None, SH.conforms)) == [Literal(False)]
    assert len(set(graph.subjects(SH.resultSeverity, None))) == len(report.results) > 10


@pytest.mark.parametrize("feature,named", [
    ("sh:path ex:name ; sh:or ( [ sh:datatype xsd:string ] [ sh:datatype xsd:integer ] )",
     r"sh:or\b"),
    ("sh:path [ sh:inversePath ex:part ] ; sh:minCount 1",
     r"a non-IRI sh:path \(sh:inversePath\)"),
    ("sh:path ( ex:part ex:name ) ; sh:minCount 1", r"a non-IRI sh:path \(a sequence path\)"),
    ("sh:qualifiedValueShape [ sh:class ex:Thing ] ; sh:qualifiedMinCount 1 ; sh:path ex:part",
     r"sh:qualified(ValueShape|MinCount)\b"),
])
def test_unsupported_features_are_named_and_raise(feature, named):
    text = PREFIXES + f"ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ {feature} ] ."
    rules = small_graph(shapes_graph(text))
    with pytest.raises(shacl.Unsupported, match=named):
        shacl.compile_shapes(rules)
    with pytest.raises(shacl.Unsupported, match=named):
        validate(data_store(), rules)


@pytest.mark.usefixtures("faster_rdflib_queries")
def test_a_deactivated_sparql_constraint_is_ignored():
    shapes = PREFIXES + """
ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:sparql [ sh:select "SELECT $this WHERE { $this <http://example.org/bad> ?x }" ;
                sh:message "active" ] ,
              [ sh:select "SELECT $this WHERE { $this <http://example.org/bad> ?x }" ;
                sh:message "deactivated" ; sh:deactivated true ] .
"""
    store = ox.Store()
    store.load((PREFIXES + "ex:a a ex:Thing ; ex:bad 1 . ex:b a ex:Thing .").encode(),
               format=ox.RdfFormat.TURTLE)
    report, found, reference = compare(store, shapes_graph(shapes))
    assert [(r.focus, r.message) for r in report.results] == [("http://example.org/a", "active")]
    assert found == reference
