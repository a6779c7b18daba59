"""SHACL shapes compiled to whole-graph SPARQL 1.1 SELECTs, run on the Oxigraph store.

Each constraint becomes one query that returns only the focus nodes breaking it, answered from
the store's indexes: a property's sh:minCount and sh:maxCount are one grouped count, the value
constraints of all of a node shape's properties one UNION, a SPARQL constraint its own sh:select
joined with the shape's targets. The covered part of SHACL Core and SHACL-SPARQL is what survey
shapes use; anything else raises Unsupported, naming the feature. tests/test_rules.py checks the
results equal pyshacl's, the reference. See docs/decisions/0012-fast-validation.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

import pyoxigraph as ox

from ..paths import PREFIXES
from ..rdf import RDF_FIRST, RDF_TYPE, SmallGraph, is_true, named, select

SH = PREFIXES["sh"]


def sh(name: str) -> ox.NamedNode:
    return ox.NamedNode(SH + name)


class Unsupported(Exception):
    """The shapes use a SHACL feature this engine does not implement."""


# Lexical spaces (XML Schema 1.1) of the datatypes whose literals are checked for well-formedness.
LEXICAL = {
    "integer": r"^\s*[+-]?[0-9]+\s*$",
    "decimal": r"^\s*[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)\s*$",
    "boolean": r"^\s*(true|false|1|0)\s*$",
    "gYear": r"^\s*-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?\s*$",
    "date": r"^\s*-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?\s*$",
}
NODE_KINDS = {
    "IRI": "!isIRI(?value)", "BlankNode": "!isBlank(?value)", "Literal": "!isLiteral(?value)",
    "BlankNodeOrIRI": "isLiteral(?value)", "BlankNodeOrLiteral": "isIRI(?value)",
    "IRIOrLiteral": "isBlank(?value)",
}
RANGES = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
VALUE_PARAMETERS = ["datatype", "class", "nodeKind", "pattern", "in", *RANGES]
PROPERTY_PARAMETERS = {*VALUE_PARAMETERS, "minCount", "maxCount", "uniqueLang"}
NODE_PARAMETERS = {"closed", "ignoredProperties", "sparql"}
DESCRIPTIVE = {"path", "property", "message", "severity", "name", "description", "order", "group",
               "flags", "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf",
               "deactivated", "declare", "prefixes", "select", "prefix", "namespace"}
TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")


@dataclass(frozen=True)
class Finding:
    """One SHACL validation result, with Oxigraph terms."""
    severity: ox.NamedNode
    focus: object
    path: object
    value: object
    message: str
    shape: object            # sh:sourceShape
    component: ox.NamedNode  # sh:sourceConstraintComponent
    constraint: object = None  # sh:sourceConstraint (a SPARQL constraint's node)


@dataclass(frozen=True)
class Check:
    """One SELECT over the whole graph; `findings` turns one of its rows into results. `allowed`,
    for a closed shape: only triples whose predicate is not among these break it, so the check
    is skipped when the graph uses no other predicate."""
    query: str
    findings: Callable[[dict], list[Finding]]
    allowed: frozenset | None = None
    shape: object = None  # the node or property shape it checks (named in timings)


def compile_shapes(shapes: SmallGraph, subclasses: bool = True) -> list[Check]:
    """Every constraint of every active shape with a target, as a Check. Raises Unsupported.
    `subclasses=False` for data without rdfs:subClassOf: an instance is a node typed with it."""
    instance = "rdf:type/rdfs:subClassOf*" if subclasses else "rdf:type"
    node_shapes = set(shapes.subjects(RDF_TYPE, sh("NodeShape")))
    for name in TARGETS:
        node_shapes |= set(shapes.subjects(sh(name)))
    checks: list[Check] = []
    for shape in sorted(node_shapes, key=str):
        if shapes.value(shape, sh("path")) is not None:
            raise Unsupported(f"a property shape with a target ({shape})")
        if _deactivated(shapes, shape):
            continue
        target = _target(shapes, shape, instance)
        if target is None:
            continue
        checks.extend(replace(c, shape=shape) for c in _node_checks(shapes, shape, target))
        values, single = [], []
        for prop in shapes.objects(shape, sh("property")):
            if not _deactivated(shapes, prop):
                found, conditions, counts = _property_checks(shapes, prop, target, instance)
                checks.extend(replace(c, shape=prop) for c in found)
                if conditions:
                    values.append((prop, conditions))
                if counts and counts[1] == 1:
                    single.append((prop, *counts))
                elif counts:
                    checks.append(replace(_count_check(shapes, target, [(prop, *counts)]),
                                          shape=prop))
        if single:
            checks.append(replace(_count_check(shapes, target, single), shape=shape))
        if values:
            checks.append(replace(_value_check(shapes, target, values), shape=shape))
    return checks


def _deactivated(shapes: SmallGraph, shape) -> bool:
    return is_true(shapes.value(shape, sh("deactivated")))


@dataclass(frozen=True)
class Target:
    """A shape's focus nodes in a query. `group` binds ?this to each focus node once. `test`,
    for a target that may hold most of the graph's nodes (sh:targetSubjectsOf/ObjectsOf), keeps
    a bound ?this only if it is a focus node: a check reading a focus node's own triples scans
    them and tests each subject instead of listing every focus node first."""
    group: str
    test: str | None = None
    implied: frozenset = frozenset()  # a target of subjects of these alone: ?this P ?x is one

    def values(self, pattern: str, path=None) -> str:
        """The rows of `pattern` (which binds ?this, by `path` if given) whose ?this is a focus
        node."""
        if path is not None and path in self.implied:
            return pattern
        return f"{pattern} {self.test}" if self.test else f"{self.group} {pattern}"


def _target(shapes: SmallGraph, shape, instance: str) -> Target | None:
    parts = [f"{{ ?this {instance} {cls} }}" for cls in shapes.objects(shape, sh("targetClass"))]
    nodes = shapes.objects(shape, sh("targetNode"))
    if nodes:
        parts.append("{ VALUES ?this { " + " ".join(map(_n3, nodes)) + " } }")
    broad = [f"{{ ?this {p} ?targetObject }}" for p in shapes.objects(shape,
                                                                 sh("targetSubjectsOf"))]
    broad += [f"{{ ?targetSubject {p} ?this }}" for p in shapes.objects(shape,
                                                                   sh("targetObjectsOf"))]
    parts += broad
    if not parts:
        return None
    # (not with sh:targetNode: a VALUES block inside EXISTS is read differently by engines)
    test = "FILTER EXISTS { " + " UNION ".join(parts) + " }" if broad and not nodes else None
    if len(parts) == 1 and instance == "rdf:type" and shapes.objects(shape, sh("targetClass")):
        return Target(parts[0][2:-2] + " .")  # one class, no subclasses: each node typed once
    subjects_of = shapes.objects(shape, sh("targetSubjectsOf"))
    implied = frozenset(subjects_of) if len(subjects_of) == len(parts) else frozenset()
    return Target("{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }", test,
                  implied)


def _n3(term) -> str:
    """A constant of the shapes graph in SPARQL syntax (N-Triples, as Oxigraph writes it)."""
    if isinstance(term, ox.BlankNode):
        raise Unsupported(f"a blank node where a constant is expected ({term})")
    return str(term)


def _severity(shapes: SmallGraph, shape) -> ox.NamedNode:
    return shapes.value(shape, sh("severity")) or sh("Violation")


def _message(shapes: SmallGraph, *nodes) -> str | None:
    for node in nodes:
        message = shapes.value(node, sh("message"))
        if message is not None:
            return message.value
    return None


def _only(shapes: SmallGraph, node, allowed: set) -> None:
    for predicate in sorted(shapes.predicates(node), key=str):
        name = predicate.value[len(SH):]
        if predicate.value.startswith(SH) and name not in allowed | DESCRIPTIVE:
            raise Unsupported(f"sh:{name} on {node}")


def _node_checks(shapes: SmallGraph, shape, target: Target) -> list[Check]:
    _only(shapes, shape, NODE_PARAMETERS)
    checks = []
    if is_true(shapes.value(shape, sh("closed"))):
        checks.append(_closed(shapes, shape, target))
    for constraint in shapes.objects(shape, sh("sparql")):
        if not _deactivated(shapes, constraint):  # a deactivated constraint is ignored
            checks.append(_sparql(shapes, shape, constraint, target))
    return checks


def _closed(shapes: SmallGraph, shape, target: Target) -> Check:
    allowed = set(shapes.members(shapes.value(shape, sh("ignoredProperties"))))
    allowed |= {shapes.value(p, sh("path")) for p in shapes.objects(shape, sh("property"))}
    listed = ", ".join(_n3(p) for p in sorted(allowed, key=str))
    triples = target.values(f"?this ?path ?value . FILTER (?path NOT IN ({listed}))")
    check = _check(shapes, shape, sh("ClosedConstraintComponent"),
                   f"SELECT ?this ?path ?value WHERE {{ {triples} }}")
    return Check(check.query, check.findings, frozenset(allowed))


PREAMBLE = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("rdf", "rdfs", "xsd"))


def _check(shapes: SmallGraph, shape, component, query: str, path=None) -> Check:
    severity = _severity(shapes, shape)
    message = _message(shapes, shape) or f"{component.value.split('#')[-1]} not met"

    def findings(row: dict) -> list[Finding]:
        return [Finding(severity, row["this"], row.get("path", path), row.get("value"), message,
                        shape, component)]
    return Check(PREAMBLE + query, findings)


def _property_checks(shapes: SmallGraph, prop, target: Target, instance: str):
    """The property's uniqueLang check, its value constraints as (component, condition) pairs,
    which `_value_check` checks with the node shape's other properties', and its (minCount,
    maxCount), which `_count_check` counts (None: no count to check)."""
    path = shapes.value(prop, sh("path"))
    if not isinstance(path, ox.NamedNode):
        raise Unsupported(f"a non-IRI sh:path ({_path_kind(shapes, path)}) on {prop}")
    _only(shapes, prop, PROPERTY_PARAMETERS)
    checks = []
    minimum, maximum = shapes.value(prop, sh("minCount")), shapes.value(prop, sh("maxCount"))
    minimum = int(minimum.value) if minimum is not None and int(minimum.value) > 0 else None
    maximum = int(maximum.value) if maximum is not None else None
    counts = (minimum, maximum) if minimum is not None or maximum is not None else None
    if is_true(shapes.value(prop, sh("uniqueLang"))):
        values = target.values(f"?this {path} ?value .", path)
        checks.append(_check(
            shapes, prop, sh("UniqueLangConstraintComponent"),
            f"SELECT ?this ?lang WHERE {{ {values} BIND (LCASE(LANG(?value)) AS ?lang) "
            f"FILTER (?lang != \"\") }} GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?value) > 1)",
            path=path))
    conditions = [_value_condition(shapes, prop, parameter, argument, instance)
                  for parameter in sorted(VALUE_PARAMETERS, key=lambda p: SH + p)
                  for argument in shapes.objects(prop, sh(parameter))]
    return checks, conditions, counts


def _path_kind(shapes: SmallGraph, path) -> str:
    """What a property path that is no IRI is, for the Unsupported message."""
    if not isinstance(path, ox.BlankNode):
        return "none" if path is None else str(path)
    kinds = sorted("sh:" + p.value[len(SH):] for p in shapes.predicates(path)
                   if p.value.startswith(SH))
    return ", ".join(kinds) or ("a sequence path" if shapes.value(path, RDF_FIRST) is not None
                               else str(path))


def _count_check(shapes: SmallGraph, target: Target, properties: list) -> Check:
    """sh:minCount and sh:maxCount of `properties` ((property shape, minimum, maximum)) in one
    pass: the focus nodes with too few or too many values of one of them. Several properties
    are counted together only when each has at most one value (sh:maxCount 1): a focus node's
    rows are the product of its values of each, one row in valid data."""
    optional, counts, broken, makers = [], [], [], []
    for i, (prop, minimum, maximum) in enumerate(properties):
        path = shapes.value(prop, sh("path"))
        count = f"COUNT(DISTINCT ?value{i})"
        optional.append(f"OPTIONAL {{ ?this {path} ?value{i} }}")
        counts.append(f"({count} AS ?count{i})")
        broken += ([f"{count} < {minimum}"] if minimum is not None else []) + \
                  ([f"{count} > {maximum}"] if maximum is not None else [])
        makers.append((i, minimum, maximum,
                       _check(shapes, prop, sh("MinCountConstraintComponent"), "", path).findings,
                       _check(shapes, prop, sh("MaxCountConstraintComponent"), "", path).findings))
    query = (f"SELECT ?this {' '.join(counts)} WHERE {{ {target.group} {' '.join(optional)} }} "
             f"GROUP BY ?this HAVING ({' || '.join(broken)})")

    def findings(row: dict) -> list[Finding]:
        found = []
        for i, minimum, maximum, few, many in makers:
            number = int(row[f"count{i}"].value)
            found += ((few(row) if minimum is not None and number < minimum else []) +
                      (many(row) if maximum is not None and number > maximum else []))
        return found
    return Check(PREAMBLE + query, findings)


def _value_check(shapes: SmallGraph, target: Target, properties: list) -> Check:
    """Every value constraint of every property of a node shape in one pass: a UNION with a
    branch per property, each condition bound to ?broken0, ?broken1, ... (a condition that
    raises an error leaves its variable unbound and counts as met, as in a FILTER of its own)."""
    parts, broken = [], []  # broken: (variable, property shape, component)
    for prop, conditions in properties:
        path = shapes.value(prop, sh("path"))
        binds, tests = [], []
        for component, condition in conditions:
            name = f"broken{len(broken)}"
            broken.append((name, prop, component))
            binds.append(f"BIND (({condition}) AS ?{name})")
            tests.append(f"COALESCE(?{name}, false)")
        parts.append((path, f"?this {path} ?value . BIND ({path} AS ?path) {' '.join(binds)} "
                            f"FILTER ({' || '.join(tests)})"))
    if target.test:  # each branch tested, unless its pattern makes ?this a focus node
        union = " UNION ".join(f"{{ {target.values(part, path)} }}" for path, part in parts)
    else:
        union = target.values(" UNION ".join(f"{{ {part} }}" for _, part in parts))
    query = f"SELECT * WHERE {{ {union} }}"
    makers = [(name, _check(shapes, prop, component, query,
                            path=shapes.value(prop, sh("path"))).findings)
              for name, prop, component in broken]

    def findings(row: dict) -> list[Finding]:
        return [found for name, make in makers if is_true(row.get(name)) for found in make(row)]
    return Check(PREAMBLE + query, findings)


def _value_condition(shapes: SmallGraph, prop, parameter: str, argument, instance: str):
    """(component, a SPARQL expression true when ?value breaks the constraint). Constants are
    written as terms: a regex written as text is compiled once, not once per value."""
    if parameter == "datatype":
        return sh("DatatypeConstraintComponent"), _datatype_condition(argument)
    if parameter == "class":
        return sh("ClassConstraintComponent"), f"NOT EXISTS {{ ?value {instance} {argument} }}"
    if parameter == "nodeKind":
        kind = argument.value[len(SH):]
        if kind not in NODE_KINDS:
            raise Unsupported(f"sh:nodeKind {argument}")
        return sh("NodeKindConstraintComponent"), NODE_KINDS[kind]
    if parameter == "pattern":
        flags = shapes.value(prop, sh("flags"))
        return (sh("PatternConstraintComponent"),
                f"isBlank(?value) || !REGEX(STR(?value), {ox.Literal(argument.value)}, "
                f"{ox.Literal(flags.value if flags else '')})")
    if parameter == "in":
        listed = " || ".join(f"sameTerm(?value, {_n3(m)})" for m in shapes.members(argument))
        return sh("InConstraintComponent"), f"!({listed or 'false'})"
    component = sh(parameter[0].upper() + parameter[1:] + "ConstraintComponent")
    return component, f"!COALESCE(?value {RANGES[parameter]} {_n3(argument)}, false)"


def _datatype_condition(datatype) -> str:
    if datatype == named("rdf:langString"):
        return "!(isLiteral(?value) && LANG(?value) != \"\")"
    local = datatype.value[len(PREFIXES["xsd"]):] if datatype.value.startswith(
        PREFIXES["xsd"]) else None
    well_formed = (f" && REGEX(STR(?value), {ox.Literal(LEXICAL[local])})"
                   if local in LEXICAL else "")
    return f"!(isLiteral(?value) && DATATYPE(?value) = {datatype}{well_formed})"


def _sparql(shapes: SmallGraph, shape, constraint, target: Target) -> Check:
    select = shapes.value(constraint, sh("select"))
    if select is None:
        raise Unsupported(f"a SPARQL constraint without sh:select on {shape}")
    declared = {}
    for ontology in shapes.objects(constraint, sh("prefixes")):
        for declaration in shapes.objects(ontology, sh("declare")):
            declared[shapes.value(declaration, sh("prefix")).value] = \
                shapes.value(declaration, sh("namespace")).value
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(declared.items()))
    body = re.sub(r"\$this\b", "?this", select.value)
    query = f"{PREAMBLE}{prefixes}SELECT * WHERE {{ {target.group} {{ {body} }} }}"
    severity = _severity(shapes, shape)
    template = _message(shapes, constraint, shape)

    def findings(row: dict) -> list[Finding]:
        message = template or "SPARQL constraint not met"
        for name, term in row.items():
            message = re.sub(r"\{[?$]" + re.escape(name) + r"\}", lambda _: term.value, message)
        return [Finding(severity, row["this"], row.get("path"), row.get("value", row["this"]),
                        message, shape, sh("SPARQLConstraintComponent"), constraint)]
    return Check(query, findings)


USED_PREDICATES = "SELECT DISTINCT ?predicate WHERE { ?subject ?predicate ?object }"


def run(store: ox.Store, checks: list[Check]) -> list[Finding]:
    """Every check on the store's default graph; the findings, each once, in order. A closed
    shape's check runs only when the graph uses a predicate the shape does not allow."""
    findings: dict[Finding, None] = {}
    used = None
    for check in checks:
        if check.allowed is not None:
            if used is None:
                used = {row[0] for row in select(store, USED_PREDICATES)[1]}
            if used <= check.allowed:
                continue
        names, rows = select(store, check.query)
        for solution in rows:
            row = {name: term for name, term in zip(names, solution) if term is not None}
            findings.update(dict.fromkeys(check.findings(row)))
    return list(findings)
