"""pyshacl, the reference SHACL engine, beside survey_kg.rules.validate (tests only).

`compare(store, shapes)` validates the store both ways, with the same shapes graph: pyshacl on
`survey_kg.to_rdflib(store)` and the shapes parsed by rdflib, survey-kg on the store with those
shapes read into a SmallGraph (the blank nodes of the shapes keep their labels, so an inline
property shape is the same node on both sides). The results are compared field by field as
the W3C report has them (severity, focus node, path, value, message, source shape, constraint
component, source constraint). A blank node of the data has other labels in the rdflib copy, so
it is compared by what it is: its outgoing triples.

pyshacl parses the text of each SPARQL constraint again for every focus node (seconds per
run); `faster_rdflib_queries` keeps each parsed and translated query for the next run, which
rdflib's prepared queries are made for. It changes nothing else of what pyshacl does.
"""

from __future__ import annotations

import functools

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from rdflib.plugins.sparql import processor

import survey_kg
from survey_kg.paths import shapes_file
from survey_kg.rdf import SmallGraph
from survey_kg.rules import validate

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@functools.lru_cache(maxsize=None)
def _prepared(text: str, base, namespaces: frozenset):
    return processor.translateQuery(processor.parseQuery(text), base, dict(namespaces))


class _CachingProcessor(processor.SPARQLProcessor):
    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):
        if isinstance(strOrQuery, str):
            strOrQuery = _prepared(strOrQuery, base, frozenset((initNs or {}).items()))
        return super().query(strOrQuery, initBindings, initNs, base, DEBUG)


@pytest.fixture
def faster_rdflib_queries():
    rdflib.plugin.register("sparql", rdflib.query.Processor,
                           "tests.shacl_reference", "_CachingProcessor")
    yield
    rdflib.plugin.register("sparql", rdflib.query.Processor,
                           "rdflib.plugins.sparql.processor", "SPARQLProcessor")


@functools.lru_cache(maxsize=None)
def _survey_shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(shapes_file(), format="turtle")


def shapes_graph(text: str | None = None) -> rdflib.Graph:
    """The survey's shapes (or the Turtle `text`) parsed by rdflib."""
    return _survey_shapes() if text is None else rdflib.Graph().parse(data=text, format="turtle")


def to_ox(term):
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD_STRING)))


def small_graph(graph: rdflib.Graph) -> SmallGraph:
    """The rdflib graph as a SmallGraph, blank node labels kept."""
    return SmallGraph((to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph)


class _Keys:
    """Terms of either library as comparable tuples. Blank nodes of the shapes are their label;
    blank nodes of the data their outgoing triples (one level)."""

    def __init__(self, shape_nodes: set[str], outgoing):
        self.shape_nodes, self.outgoing = shape_nodes, outgoing

    def __call__(self, term, deep: bool = True):
        if term is None:
            return None
        if isinstance(term, (rdflib.URIRef, ox.NamedNode)):
            return ("iri", str(term) if isinstance(term, rdflib.URIRef) else term.value)
        if isinstance(term, (rdflib.BNode, ox.BlankNode)):
            label = str(term) if isinstance(term, rdflib.BNode) else term.value
            if label in self.shape_nodes:
                return ("shape", label)
            if not deep:
                return ("blank",)
            return ("blank", tuple(sorted((self(p), self(o, deep=False))
                                          for p, o in self.outgoing(term))))
        if isinstance(term, rdflib.Literal):
            return ("literal", str(term), term.language,
                    None if term.language else str(term.datatype or XSD_STRING))
        if isinstance(term, ox.Literal):
            return ("literal", term.value, term.language,
                    None if term.language else term.datatype.value)
        if isinstance(term, str):
            return ("text", term)
        raise TypeError(term)


def reference_findings(store: ox.Store, shapes: rdflib.Graph) -> list[tuple]:
    """pyshacl's results on the store, as sorted tuples of keys."""
    data = survey_kg.to_rdflib(store)
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                    allow_warnings=True)
    key = _Keys({str(n) for n in shapes.all_nodes() if isinstance(n, rdflib.BNode)},
                lambda node: data.predicate_objects(node))
    found = []
    for result in report.subjects(SH.resultSeverity, None):
        messages = [str(m) for m in report.objects(result, SH.resultMessage)]
        assert len(messages) == 1, messages
        found.append(tuple(key(report.value(result, SH[name])) for name in (
            "resultSeverity", "focusNode", "resultPath", "value")) + (("text", messages[0]),) +
            tuple(key(report.value(result, SH[name])) for name in (
                "sourceShape", "sourceConstraintComponent", "sourceConstraint")))
    return sorted(found, key=repr)


def findings(report, store: ox.Store, shapes: rdflib.Graph) -> list[tuple]:
    """A survey-kg report's findings as the same tuples."""
    key = _Keys({str(n) for n in shapes.all_nodes() if isinstance(n, rdflib.BNode)},
                lambda node: ((q.predicate, q.object) for q in store.quads_for_pattern(
                    node, None, None, ox.DefaultGraph())))
    return sorted((tuple(key(getattr(f, name)) for name in (
        "severity", "focus", "path", "value", "message", "shape", "component", "constraint"))
        for f in report.findings), key=repr)


def compare(store: ox.Store, shapes: rdflib.Graph | None = None):
    """(survey-kg's report, its findings, pyshacl's findings) on the store, with `shapes` (an
    rdflib graph; default the survey's)."""
    shapes = shapes if shapes is not None else shapes_graph()
    report = validate(store, small_graph(shapes))
    return report, findings(report, store, shapes), reference_findings(store, shapes)

