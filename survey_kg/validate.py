"""SHACL validation of a survey graph against the shapes in ontology/shapes.ttl.

The rules live in the shapes file alone; this module runs them and turns the standard SHACL
validation report into results that name the paper, the field, the problem and the fix.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict, dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, RDFS, SH

from . import shacl
from .load import ontology, shapes as load_shapes, to_graph
from .namespaces import PAPER, SKG, bind_prefixes
from .query import _ox_term, _rdflib_term, to_store

SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
ORDER = {"violation": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Result:
    severity: str
    focus: str
    path: str | None
    value: str | None
    message: str
    rule: str
    paper: str | None
    field: str | None
    fix: str | None


@dataclass
class Report:
    results: list[Result]
    graph: Graph

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "violation"]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity == "warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations


ENGINES = ("oxigraph", "turbo", "pyshacl")
DEFAULT_ENGINE = "oxigraph"


def _engine(name: str):
    """A SHACL engine with pyshacl's API: pyshacl-turbo (a Rust engine, tens of times faster
    than pyshacl; pyshacl when its wheels are missing) or pyshacl, the reference."""
    if name not in ("turbo", "pyshacl"):
        raise ValueError(f"unknown SHACL engine {name!r}; use one of {ENGINES}")
    import pyshacl  # imported when used: with rdflib's SPARQL parser, a tenth of a second

    if name == "turbo":
        try:
            import pyshacl_turbo
        except ImportError:  # a platform without its wheels: the reference engine still works
            return pyshacl
        return pyshacl_turbo
    return pyshacl


def validate(data: Graph | ox.Store, shapes: Graph | None = None,
             engine: str = DEFAULT_ENGINE) -> Report:
    """Validate `data` (an rdflib graph, or an Oxigraph store's default graph) against the survey
    shapes (or `shapes`). Never raises on invalid data.

    Engines: "oxigraph" (the default) runs each constraint as one SPARQL query over the whole
    store (`survey_kg.shacl`), falling back to "turbo" for shapes using SHACL features it does not
    cover; "turbo" is pyshacl-turbo; "pyshacl" the reference. Tests check all three agree."""
    shapes = shapes if shapes is not None else load_shapes()
    if engine == "oxigraph":
        store = data if isinstance(data, ox.Store) else to_store(data)
        checks = compile_checks(store, shapes)
        if checks is not None:
            return report_of(shacl.run(store, checks), store, shapes)
        engine = "turbo"
    graph = data if isinstance(data, Graph) else to_graph(data)
    _, report_graph, _ = _engine(engine).validate(
        graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    findings = [_finding(report_graph, node)
                for node in report_graph.subjects(SH.resultSeverity, None)]
    return _report(findings, report_graph, _GraphView(graph), shapes)


def compile_checks(store: ox.Store, shapes: Graph | None = None) -> list[shacl.Check] | None:
    """The shapes as SPARQL checks for `store` (what the "oxigraph" engine runs, `shacl.run`),
    or None when they use SHACL features the checks do not cover (then "turbo" validates)."""
    shapes = shapes if shapes is not None else load_shapes()
    subclasses = bool(store.query(f"ASK {{ ?class <{RDFS.subClassOf}> ?super }}"))
    try:
        return shacl.compile_shapes(shapes, subclasses=subclasses)
    except shacl.Unsupported:
        return None


def report_of(findings: list[shacl.Finding], store: ox.Store,
              shapes: Graph | None = None) -> Report:
    """The report of the findings of `shacl.run` on `store`, which may come from several runs
    (the build runs the checks in two processes): each finding once, in the order given."""
    findings = list(dict.fromkeys(findings))
    shapes = shapes if shapes is not None else load_shapes()
    return _report(findings, shacl.report_graph(findings), _StoreView(store), shapes)


def _report(findings: list[shacl.Finding], report_graph: Graph, view, shapes: Graph) -> Report:
    bind_prefixes(report_graph)
    labels = ontology()
    results = [_result(finding, view, shapes, labels) for finding in findings]
    results.sort(key=lambda r: (ORDER[r.severity], r.focus, r.path or "", r.rule, r.value or "",
                                r.message))
    return Report(results, report_graph)


def _finding(report: Graph, node) -> shacl.Finding:
    message = report.value(node, SH.resultMessage)
    return shacl.Finding(
        severity=report.value(node, SH.resultSeverity), focus=report.value(node, SH.focusNode),
        path=report.value(node, SH.resultPath), value=report.value(node, SH.value),
        message=str(message) if message else "constraint not met",
        shape=report.value(node, SH.sourceShape),
        component=report.value(node, SH.sourceConstraintComponent),
        constraint=report.value(node, SH.sourceConstraint))


class _GraphView:
    """The two questions explaining a result asks of the data, answered by an rdflib graph.
    `value` is the least value (two conflicting titles name a paper the same way every run)."""

    def __init__(self, graph: Graph):
        self.graph = graph

    def value(self, subject, predicate):
        return min(self.graph.objects(subject, predicate), key=str, default=None)

    def describes(self, node) -> bool:
        return (node, None, None) in self.graph or (None, None, node) in self.graph


class _StoreView:
    """The same questions, answered by an Oxigraph store (no copy of the data into rdflib)."""

    def __init__(self, store: ox.Store):
        self.store = store

    def value(self, subject, predicate):
        if not isinstance(subject, (URIRef, BNode)):
            return None
        quads = self.store.quads_for_pattern(_ox_term(subject), _ox_term(predicate), None,
                                             ox.DefaultGraph())
        return min((_rdflib_term(q.object) for q in quads), key=str, default=None)

    def describes(self, node) -> bool:
        if not isinstance(node, (URIRef, BNode)):
            return False
        term = _ox_term(node)
        return any(True for _ in self.store.quads_for_pattern(term, None, None, ox.DefaultGraph())) \
            or any(True for _ in self.store.quads_for_pattern(None, None, term, ox.DefaultGraph()))


def _result(finding: shacl.Finding, data, shapes: Graph, labels: Graph) -> Result:
    focus, path, value = finding.focus, finding.path, finding.value
    if isinstance(value, (URIRef, BNode)) and not data.describes(focus):
        focus = value  # a graph-wide rule (its sh:targetNode is no data node) is about its value
    fix = shapes.value(finding.constraint, SKG.fix) if finding.constraint is not None else None
    fix = fix or shapes.value(finding.shape, SKG.fix)
    return Result(
        severity=SEVERITIES[finding.severity],
        focus=str(focus),
        path=str(path) if isinstance(path, URIRef) else None,
        value=str(value) if value is not None else None,
        message=finding.message,
        rule=_rule_name(shapes, finding.shape),
        paper=_paper_of(data, focus),
        field=_field_label(labels, data, path),
        fix=str(fix) if fix else None,
    )


def _rule_name(shapes: Graph, shape) -> str:
    """A readable name of the rule: the shape's IRI, or for an inline property shape its parent's."""
    if isinstance(shape, URIRef):
        return shapes.namespace_manager.normalizeUri(shape)
    parent = shapes.value(None, SH.property, shape)
    path = shapes.value(shape, SH.path)
    if isinstance(parent, URIRef):
        return (shapes.namespace_manager.normalizeUri(parent) + "/"
                + shapes.namespace_manager.normalizeUri(path))
    return "anonymous shape"


def _paper_of(data, focus) -> str | None:
    """'2401.12945 (Lumiere: …)' for a paper, or for a node that hangs off a paper."""
    paper = focus
    if data.value(focus, SKG.arxivId) is None:
        # authorships, key points and source records are named under their paper's IRI
        if not str(focus).startswith(str(PAPER)):
            return None
        paper = PAPER[str(focus)[len(str(PAPER)):].split("/")[0]]
        if data.value(paper, SKG.arxivId) is None:
            return None
    arxiv = data.value(paper, SKG.arxivId)
    title = data.value(paper, DCTERMS.title)
    if title is None:
        return str(arxiv)
    title = str(title)
    return f"{arxiv} ({title if len(title) <= 50 else title[:47] + '...'})"


def _field_label(labels: Graph, data, path) -> str | None:
    if not isinstance(path, URIRef):
        return None
    label = next((o for o in labels.objects(path, RDFS.label) if getattr(o, "language", None) == "en"),
                 None)
    curie = labels.namespace_manager.normalizeUri(path)
    return f"{label} ({curie})" if label else curie


def format_text(report: Report) -> str:
    lines = []
    for r in report.results:
        subject = f"paper {r.paper}" if r.paper else r.focus
        where = f"{subject} · {r.field}" if r.field else subject
        shown = r.value and r.value != r.focus and len(r.value) <= 80
        value = f" = {r.value}" if shown else ""
        lines.append(_visible(f"{r.severity.upper()}: {where}{value}: {r.message}"))
        if r.fix:
            lines.append(f"    fix: {r.fix}  [rule {r.rule}]")
        else:
            lines.append(f"    [rule {r.rule}]")
    lines.append(f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s)"
                 + ("" if report.results else ": the graph conforms to the shapes"))
    return "\n".join(lines) + "\n"


def _visible(text: str) -> str:
    """Control, format and line-separator characters of the data written as \\uXXXX: a zero-width
    space in a name must show, a right-to-left override must not turn the report around, and an
    escape sequence in a title must not drive the terminal."""
    return "".join((f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
                   if unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp")
                   else c for c in text)


def format_json(report: Report) -> str:
    return json.dumps([asdict(r) for r in report.results], ensure_ascii=False, indent=2) + "\n"


def format_turtle(report: Report) -> str:
    return report.graph.serialize(format="turtle")
