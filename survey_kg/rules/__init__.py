"""The rules: SHACL validation of a survey graph against ontology/shapes.ttl, and its report.

The rules live in the shapes file alone; `validate` runs them (survey_kg.rules.shacl) and turns
each standard SHACL result into one that names the paper, the field, the problem and the fix.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..load import load, load_into, turtle_files
from ..paths import PREFIXES, curie, ontology_file, shapes_file
from ..rdf import RDF_TYPE, TRUE, SmallGraph, named, select
from . import shacl

SEVERITIES = {PREFIXES["sh"] + "Violation": "violation", PREFIXES["sh"] + "Warning": "warning",
              PREFIXES["sh"] + "Info": "info"}
ORDER = {"violation": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Result:
    severity: str
    focus: str
    path: str | None
    value: str | None
    message: str
    rule: str
    work: str | None
    field: str | None
    fix: str | None


@dataclass
class Report:
    results: list[Result]
    findings: list[shacl.Finding]

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "violation"]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity == "warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations


@lru_cache(maxsize=1)
def shapes() -> SmallGraph:
    return SmallGraph.read(shapes_file())


@lru_cache(maxsize=1)
def ontology() -> SmallGraph:
    return SmallGraph.read(ontology_file())


def checks(store: ox.Store, rules: SmallGraph | None = None) -> list[shacl.Check]:
    """The shapes compiled for this store (instances of subclasses count only if it has any)."""
    subclasses = bool(store.query(f"ASK {{ ?class <{PREFIXES['rdfs']}subClassOf> ?super }}"))
    return shacl.compile_shapes(rules or shapes(), subclasses=subclasses)


def validate(store: ox.Store, rules: SmallGraph | None = None,
             compiled: list[shacl.Check] | None = None) -> Report:
    """Validate the store's default graph against the survey's shapes (or `rules`; `compiled`:
    their checks, compiled already). Never raises on invalid data; raises shacl.Unsupported for
    shapes it cannot run."""
    rules = rules or shapes()
    findings = shacl.run(store, compiled if compiled is not None else checks(store, rules))
    papers = _papers(store)
    results = [_result(finding, rules, papers) for finding in findings]
    results.sort(key=lambda r: (ORDER[r.severity], r.focus, r.path or "", r.rule, r.value or "",
                                r.message))
    return Report(results, findings)


def validate_files(paths, context: Path | None) -> Report:
    """The Turtle files (or folders) `paths` checked with the survey's data folder `context` as
    the rest of the graph, and the findings about the nodes they describe (their subjects).

    The files describe their subjects alone: the files of `context` that are among them are not
    read twice, and the triples `context` holds about their subjects are left out, so an edited
    copy of a work's file is checked as it stands, not merged with the file it replaces. A
    work's file so checked gives no false violation for the people, venues and categories it
    points at, and no finding about them. `context=None`: the files alone."""
    files = turtle_files(paths)
    given = load(files)
    if context is None:
        return validate(given)
    store = ox.Store()
    mine = {path.resolve() for path in files}
    for path in turtle_files([context]):
        if path.resolve() not in mine:
            load_into(store, path)
    subjects = {quad.subject for quad in given}
    for subject in subjects:
        for quad in list(store.quads_for_pattern(subject, None, None, ox.DefaultGraph())):
            store.remove(quad)
    store.extend(given)
    return about(validate(store), {subject.value for subject in subjects})


def about(report: Report, nodes: set[str]) -> Report:
    """The report's findings and results about `nodes` (IRIs and blank node labels) alone."""
    rules = shapes()
    return Report([r for r in report.results if r.focus in nodes],
                  [f for f in report.findings if _focus(f, rules).value in nodes])


WORKS = f"""SELECT ?work (MIN(STR(?name)) AS ?title) WHERE {{
    ?work a <{PREFIXES['schema']}CreativeWork> .
    OPTIONAL {{ ?work <{PREFIXES['schema']}name> ?name }}
}} GROUP BY ?work"""


def _papers(store: ox.Store) -> dict[str, str]:
    """'2401.12945 (Lumiere: …)' by work IRI: how a result names its work, by its IRI's last
    segment (a paper's arXiv ID, as its file is named; the ID it holds may be the mistake)."""
    found: dict[str, str] = {}
    for work, title in select(store, WORKS)[1]:
        name = work.value.rsplit("/", 1)[-1]
        if title is None:
            found[work.value] = name
            continue
        text = title.value
        found[work.value] = f"{name} ({text if len(text) <= 50 else text[:47] + '...'})"
    return found


def _focus(finding: shacl.Finding, rules: SmallGraph):
    """The node a finding is about: its focus node, or for a graph-wide rule (whose sh:targetNode
    is no data node) its value."""
    if isinstance(finding.value, (ox.NamedNode, ox.BlankNode)) and \
            finding.focus in rules.objects(finding.shape, shacl.sh("targetNode")):
        return finding.value
    return finding.focus


def _result(finding: shacl.Finding, rules: SmallGraph, papers: dict[str, str]) -> Result:
    focus, path, found = _focus(finding, rules), finding.path, finding.value
    fix = rules.value(finding.constraint, named("skg:fix")) if finding.constraint else None
    fix = fix or rules.value(finding.shape, named("skg:fix"))
    return Result(
        severity=SEVERITIES[finding.severity.value],
        focus=focus.value,
        path=path.value if isinstance(path, ox.NamedNode) else None,
        value=found.value if found is not None else None,
        message=finding.message,
        rule=_rule_name(rules, finding.shape),
        work=_paper_of(papers, focus),
        field=_field_label(path),
        fix=fix.value if fix else None,
    )


def _rule_name(rules: SmallGraph, shape) -> str:
    """The shape's prefixed name, or for an inline property shape its parent's and its path's."""
    if isinstance(shape, ox.NamedNode):
        return curie(shape.value)
    parents = rules.subjects(shacl.sh("property"), shape)
    path = rules.value(shape, shacl.sh("path"))
    if parents and isinstance(parents[0], ox.NamedNode) and path is not None:
        return curie(parents[0].value) + "/" + curie(path.value)
    return "anonymous shape"


def _paper_of(papers: dict[str, str], focus) -> str | None:
    """The work a result is about: the focus, or the work a node is named under."""
    if isinstance(focus, ox.Literal):
        return None
    if focus.value in papers:
        return papers[focus.value]
    for namespace in (PREFIXES["paper"], PREFIXES["work"]):
        if focus.value.startswith(namespace):
            return papers.get(namespace + focus.value[len(namespace):].split("/")[0])
    return None


def _field_label(path) -> str | None:
    if not isinstance(path, ox.NamedNode):
        return None
    labels = ontology().objects(path, named("rdfs:label"))
    english = min((label.value for label in labels if label.language == "en"), default=None)
    name = curie(path.value)
    return f"{english} ({name})" if english else name


def at_least(report: Report, severity: str = "info") -> Report:
    """The report's results and findings of `severity` or graver (violation, warning, info)."""
    level = ORDER[severity]
    return Report([r for r in report.results if ORDER[r.severity] <= level],
                  [f for f in report.findings if ORDER[SEVERITIES[f.severity.value]] <= level])


def format_text(report: Report, severity: str = "info", quiet: bool = False) -> str:
    """The results of `severity` or graver, two lines each (what, then the fix and the rule),
    then a line counting the whole report's; `quiet`: only the violations, no count (nothing
    at all for data that conforms)."""
    shown = at_least(report, "violation" if quiet else severity)
    lines = []
    for r in shown.results:
        subject = f"work {r.work}" if r.work else r.focus
        where = f"{subject} · {r.field}" if r.field else subject
        value = r.value and r.value != r.focus and len(r.value) <= 80
        lines.append(_visible(f"{r.severity.upper()}: {where}{f' = {r.value}' if value else ''}: "
                              f"{r.message}"))
        lines.append(f"    fix: {r.fix}  [rule {r.rule}]" if r.fix else f"    [rule {r.rule}]")
    if not quiet:
        hidden = len(report.results) - len(shown.results)
        lines.append(f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s)"
                     + ("" if report.results else ": the graph conforms to the shapes")
                     + (f" ({hidden} not shown: --severity {severity})" if hidden else ""))
    return "".join(line + "\n" for line in lines)


def _visible(text: str) -> str:
    """Control, format and line-separator characters of the data written as \\uXXXX: a
    zero-width space in a name must show, a right-to-left override must not turn the report
    around, and an escape sequence in a title must not drive the terminal."""
    return "".join((f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
                   if unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp")
                   else c for c in text)


def format_json(report: Report, severity: str = "info") -> str:
    """The results of `severity` or graver as a JSON array of objects (the fields of Result)."""
    results = at_least(report, severity).results
    return json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=2) + "\n"


def report_quads(findings: list[shacl.Finding]) -> list[ox.Quad]:
    """The W3C validation report (sh:ValidationReport) of the findings, as triples."""
    report = ox.BlankNode()
    conforms = not any(f.severity.value == PREFIXES["sh"] + "Violation" for f in findings)
    quads = [ox.Quad(report, RDF_TYPE, shacl.sh("ValidationReport")),
             ox.Quad(report, shacl.sh("conforms"),
                     TRUE if conforms else ox.Literal("false", datatype=TRUE.datatype))]
    for finding in findings:
        node = ox.BlankNode()
        quads += [ox.Quad(report, shacl.sh("result"), node),
                  ox.Quad(node, RDF_TYPE, shacl.sh("ValidationResult")),
                  ox.Quad(node, shacl.sh("resultSeverity"), finding.severity),
                  ox.Quad(node, shacl.sh("focusNode"), finding.focus),
                  ox.Quad(node, shacl.sh("resultMessage"), ox.Literal(finding.message)),
                  ox.Quad(node, shacl.sh("sourceShape"), finding.shape),
                  ox.Quad(node, shacl.sh("sourceConstraintComponent"), finding.component)]
        for predicate, term in (("resultPath", finding.path), ("value", finding.value),
                                ("sourceConstraint", finding.constraint)):
            if term is not None:
                quads.append(ox.Quad(node, shacl.sh(predicate), term))
    return quads


def format_turtle(report: Report, severity: str = "info") -> str:
    """The W3C SHACL validation report of the results of `severity` or graver, in Turtle."""
    findings = at_least(report, severity).findings
    labels: dict = {}  # blank nodes named in order of appearance: the same report, the same bytes

    def same(term):
        if isinstance(term, ox.BlankNode):
            return labels.setdefault(term, ox.BlankNode(f"b{len(labels)}"))
        return term
    triples = [ox.Triple(same(q.subject), q.predicate, same(q.object))
               for q in report_quads(findings)]
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE,
                        prefixes={p: PREFIXES[p] for p in ("sh", "skg", "xsd")}).decode("utf-8")
