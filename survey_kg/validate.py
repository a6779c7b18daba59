"""SHACL validation of a survey graph against the shapes in ontology/shapes.ttl.

The rules live in the shapes file alone; this module runs them and turns the standard SHACL
validation report into results that name the paper, the field, the problem and the fix.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict, dataclass

import pyshacl
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, RDFS, SH

from .load import ontology, shapes as load_shapes
from .namespaces import PAPER, SKG, bind_prefixes

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


ENGINES = ("turbo", "pyshacl")


def _engine(name: str):
    """The SHACL engine: pyshacl-turbo (a Rust engine with pyshacl's API, tens of times faster)
    by default, pyshacl as the reference. Both run the same shapes file; tests check that they
    report the same results."""
    if name == "turbo":
        try:
            import pyshacl_turbo
        except ImportError:  # a platform without its wheels: the reference engine still works
            return pyshacl
        return pyshacl_turbo
    if name == "pyshacl":
        return pyshacl
    raise ValueError(f"unknown SHACL engine {name!r}; use one of {ENGINES}")


def validate(data: Graph, shapes: Graph | None = None, engine: str = "turbo") -> Report:
    """Validate `data` against the survey shapes (or `shapes`). Never raises on invalid data."""
    shapes = shapes if shapes is not None else load_shapes()
    _, report_graph, _ = _engine(engine).validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    bind_prefixes(report_graph)
    labels = ontology()
    results = [_result(report_graph, node, data, shapes, labels)
               for node in report_graph.subjects(SH.resultSeverity, None)]
    results.sort(key=lambda r: (ORDER[r.severity], r.focus, r.path or "", r.rule, r.value or "",
                                r.message))
    return Report(results, report_graph)


def _result(report: Graph, node, data: Graph, shapes: Graph, labels: Graph) -> Result:
    focus = report.value(node, SH.focusNode)
    path = report.value(node, SH.resultPath)
    value = report.value(node, SH.value)
    if isinstance(value, (URIRef, BNode)) and not _in_graph(data, focus):
        focus = value  # a graph-wide rule (its sh:targetNode is no data node) is about its value
    shape = report.value(node, SH.sourceShape)
    constraint = report.value(node, SH.sourceConstraint)
    fix = shapes.value(constraint, SKG.fix) if constraint is not None else None
    fix = fix or shapes.value(shape, SKG.fix)
    rule = _rule_name(shapes, shape)
    message = report.value(node, SH.resultMessage)
    return Result(
        severity=SEVERITIES[report.value(node, SH.resultSeverity)],
        focus=str(focus),
        path=str(path) if isinstance(path, URIRef) else None,
        value=str(value) if value is not None else None,
        message=str(message) if message else "constraint not met",
        rule=rule,
        paper=_paper_of(data, focus),
        field=_field_label(labels, data, path),
        fix=str(fix) if fix else None,
    )


def _in_graph(data: Graph, node) -> bool:
    return (node, None, None) in data or (None, None, node) in data


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


def _paper_of(data: Graph, focus) -> str | None:
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


def _field_label(labels: Graph, data: Graph, path) -> str | None:
    if not isinstance(path, URIRef):
        return None
    label = next((o for o in labels.objects(path, RDFS.label) if getattr(o, "language", None) == "en"),
                 None)
    curie = data.namespace_manager.normalizeUri(path)
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
