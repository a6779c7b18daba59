"""Oxigraph terms, query solutions read in one call, and a small graph read into Python.

Oxigraph releases the GIL on every step of an iterator it returns (query solutions, parsed
triples): while another thread runs Python, each step then waits for the GIL, milliseconds
apiece. So survey-kg reads query results in one call (`select`: Oxigraph writes them as SPARQL
JSON, which is parsed here) and the small graphs it consults often (shapes, ontology) once, into
Python dictionaries (`SmallGraph`). docs/decisions/0022-one-process.md says more.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from .paths import PREFIXES

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@lru_cache(maxsize=None)
def named(curie: str) -> ox.NamedNode:
    """The term of a prefixed name of the project's prefixes, e.g. named("sh:minCount")."""
    prefix, _, local = curie.partition(":")
    return ox.NamedNode(PREFIXES[prefix] + local)


RDF_TYPE = named("rdf:type")
RDF_FIRST, RDF_REST, RDF_NIL = named("rdf:first"), named("rdf:rest"), named("rdf:nil")
XSD_STRING = PREFIXES["xsd"] + "string"
TRUE = ox.Literal("true", datatype=named("xsd:boolean"))


def is_true(term) -> bool:
    return isinstance(term, ox.Literal) and term.value in ("true", "1") and \
        term.datatype == TRUE.datatype


def select(store: ox.Store, text: str, row=tuple) -> tuple[list[str], list[tuple]]:
    """(variable names, rows) of a SELECT query, each row a tuple of terms (None where unbound).
    The results come in one call as SPARQL TSV, whose cells are terms in N-Triples syntax; a
    cell that recurs (a paper, its title, an author) is read once and is one object. Raises
    SyntaxError for a bad query and TypeError for a query that is not a SELECT. `row(names)`
    gives the type of the rows (a tuple subclass), when it is not tuple."""
    return parse_tsv(tsv(store, text), row)


def tsv(store: ox.Store, text: str) -> bytes:
    """A SELECT query's results as SPARQL TSV, in one call (Oxigraph holds no GIL meanwhile)."""
    result = store.query(text)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("not a SELECT query")
    return result.serialize(format=ox.QueryResultsFormat.TSV)


def parse_tsv(data: bytes, row=tuple) -> tuple[list[str], list[tuple]]:
    """(variable names, rows) of SPARQL TSV results (see `select`)."""
    lines = data.decode("utf-8").split("\n")
    names = [name[1:] for name in lines[0].split("\t")] if lines[0] else []
    make = tuple if row is tuple else row(names)
    cells = _Cells().__getitem__
    if not names:
        return names, [make() for _ in lines[1:-1]]
    rows = [make(map(cells, line.split("\t"))) for line in lines[1:-1]]
    return names, rows


class _Cells(dict):
    """TSV cells read as terms, each distinct cell once."""

    def __missing__(self, cell: str):
        term = self[cell] = _term(cell) if cell else None
        return term


NUMBER = re.compile(r"[+-]?(?P<integer>[0-9]+)?(?P<decimal>[.][0-9]+)?(?P<double>[eE][+-]?[0-9]+)?")
ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
ESCAPED = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def unescape(text: str) -> str:
    """An N-Triples string's escapes (\\n, \\", \\u00e9, ...) replaced by their characters."""
    def character(match: re.Match) -> str:
        code = match.group(1) or match.group(2)
        return chr(int(code, 16)) if code else ESCAPED.get(match.group(3), match.group(3))
    return ESCAPE.sub(character, text) if "\\" in text else text


def _term(cell: str):
    """A term written as SPARQL TSV writes it: N-Triples, numbers and booleans bare."""
    first = cell[0]
    if first == "<":
        return ox.NamedNode(cell[1:-1])
    if first == '"':
        end = cell.rfind('"')
        text, rest = unescape(cell[1:end]), cell[end + 1:]
        if rest.startswith("@"):
            return ox.Literal(text, language=rest[1:])
        if rest.startswith("^^"):
            return ox.Literal(text, datatype=ox.NamedNode(rest[3:-1]))
        return ox.Literal(text)
    if first == "_":
        return ox.BlankNode(cell[2:])
    if cell in ("true", "false"):
        return ox.Literal(cell, datatype=TRUE.datatype)
    number = NUMBER.fullmatch(cell)
    kind = "double" if number["double"] else "decimal" if number["decimal"] else "integer"
    return ox.Literal(cell, datatype=named("xsd:" + kind))


def turtle(triples, base: str | None = None) -> bytes:
    """Turtle by Oxigraph's serializer, with the project's prefixes that the triples use, in an
    order people read (subjects and their numbers in order, `a` first): the same triples give
    the same bytes. `base`: a namespace written as the empty prefix, whose own node comes first
    (a work's file: the work, then `:author-1`, `:author-2`, ...)."""
    from .paths import PREFIXES

    triples = set(triples)
    if any(isinstance(term, ox.BlankNode) for t in triples for term in (t.subject, t.object)):
        # a store's blank node labels are random: canonical ones (RDFC-1.0) keep the bytes
        dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in dataset}
    first = base[:-1] if base else None

    ranked = sorted({t.subject for t in triples},
                    key=lambda s: (s.value != first, _natural(s.value)))
    rank = {subject: number for number, subject in enumerate(ranked)}

    def order(t):
        return rank[t.subject], t.predicate != RDF_TYPE, t.predicate.value, str(t.object)
    ordered = sorted(triples, key=order)
    iris = {term for t in ordered for term in (t.subject, t.predicate, t.object)
            if isinstance(term, ox.NamedNode)}
    iris |= {t.object.datatype for t in ordered if isinstance(t.object, ox.Literal)}
    used = {iri.value[:max(iri.value.rfind("/"), iri.value.rfind("#")) + 1] for iri in iris}
    prefixes = {prefix: namespace for prefix, namespace in PREFIXES.items() if namespace in used}
    if base is not None:
        prefixes[""] = base
    return ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=prefixes)


def _natural(text: str) -> tuple:
    """A sort key in which numbers count as numbers: author-2 before author-10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", text))


class SmallGraph:
    """A few thousand triples indexed in Python dictionaries, for the many small questions the
    rules ask of the shapes and the ontology."""

    def __init__(self, triples):
        self.by_subject: dict = {}
        self.by_object: dict = {}
        for s, p, o in triples:
            self.by_subject.setdefault(s, {}).setdefault(p, []).append(o)
            self.by_object.setdefault((p, o), []).append(s)
        for predicates in self.by_subject.values():
            for values in predicates.values():
                values.sort(key=str)

    @classmethod
    def read(cls, path: Path) -> "SmallGraph":
        from .files import read_utf8_bytes

        return cls((t.subject, t.predicate, t.object) for t in ox.parse(
            read_utf8_bytes(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))

    def objects(self, subject, predicate) -> list:
        """The objects of (subject, predicate, ?), in a stable order."""
        return self.by_subject.get(subject, {}).get(predicate, [])

    def value(self, subject, predicate):
        """One object of (subject, predicate, ?), the least, or None."""
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def subjects(self, predicate, obj=None) -> list:
        if obj is not None:
            return sorted(set(self.by_object.get((predicate, obj), [])), key=str)
        return sorted({s for s, predicates in self.by_subject.items() if predicate in predicates},
                      key=str)

    def predicates(self, subject) -> set:
        return set(self.by_subject.get(subject, {}))

    def members(self, head) -> list:
        """The members of an RDF list, in order."""
        found = []
        while head is not None and head != RDF_NIL:
            found.append(self.value(head, RDF_FIRST))
            head = self.value(head, RDF_REST)
        return found
