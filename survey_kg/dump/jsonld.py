"""The JSON-LD dump: the graph compacted with the project's context, written from the sorted lines.

A hand-written writer (docs/decisions/0014): at 10,000 papers it takes a third of the time of
compacting with a JSON-LD library, and tests/test_export.py checks that PyLD expands its output to
exactly the graph's triples. Authorship, key point and source record nodes are embedded in their
paper; arrays come in a stable order (authorships, key points and a work's authors by position);
texts in language maps, untagged ones under "@none"; node ids are absolute IRIs (the context has
no prefix for the survey's own namespaces: docs/decisions/0024); the layout is what
json.dumps(indent=2, sort_keys=True) writes.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from ..files import read_text
from ..paths import context_file
from ..rdf import unescape
from .ntriples import Groups, subjects

RDF_TYPE = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD = "http://www.w3.org/2001/XMLSchema#"
_MEMO_SIZE = 1 << 16  # terms remembered, at most


def _lexical(token: bytes, end: int) -> str:
    """The lexical form of a literal token, unescaped (`end`: the index of its closing quote)."""
    return unescape(token[1:end].decode("utf-8"))


def load_context(path: Path | None = None) -> dict:
    """The project's JSON-LD context: the value of "@context" in ontology/context.jsonld."""
    return json.loads(read_text(path or context_file()))["@context"]


@dataclass(frozen=True)
class _Term:
    name: str
    type: str | None       # "@id", "@vocab", a datatype IRI, or None
    container: str | None  # "@language", "@set" or None
    arrays: bool = False   # a language map whose texts are arrays even when one ("@set" too)


@dataclass
class _Context:
    """What the serializer needs to know of a context: prefixes for compact IRIs, the terms that
    map to each IRI (with their type coercion and container), and the plain terms that may stand
    for an IRI where JSON-LD reads values as vocabulary (@type, "@type": "@vocab")."""

    prefixes: dict[str, str] = field(default_factory=dict)
    by_iri: dict[str, list[_Term]] = field(default_factory=dict)
    vocab_terms: dict[str, str] = field(default_factory=dict)
    # see index(): the longest namespace an IRI starts with, and every namespace that starts it
    _pattern: re.Pattern | None = None
    within: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @classmethod
    def parse(cls, context: dict) -> "_Context":
        ctx = cls()
        for name, value in context.items():
            if isinstance(value, str) and value.endswith(("/", "#")) and ":" not in name:
                ctx.prefixes[name] = value
        for name, value in sorted(context.items()):
            if name.startswith("@") or name in ctx.prefixes:
                continue
            definition = {"@id": value} if isinstance(value, str) else value
            iri = ctx.expand(definition["@id"])
            kind = definition.get("@type")
            if kind not in (None, "@id", "@vocab"):
                kind = ctx.expand(kind)
            container = definition.get("@container")
            arrays = isinstance(container, list) and "@set" in container and len(container) > 1
            if isinstance(container, list):  # ["@language", "@set"]: a map of arrays
                container = next((c for c in container if c != "@set"), "@set")
            term = _Term(name, kind, container, arrays)
            ctx.by_iri.setdefault(iri, []).append(term)
            if kind is None and term.container is None:
                ctx.vocab_terms.setdefault(iri, name)
        return ctx.index()

    def expand(self, value: str) -> str:
        prefix, sep, local = value.partition(":")
        if sep and prefix in self.prefixes and not local.startswith("//"):
            return self.prefixes[prefix] + local
        return value

    def compact(self, iri: str) -> str:
        """The shortest compact IRI for `iri`, else the IRI itself."""
        best = iri
        for prefix, namespace in self._matching(iri):
            local = iri[len(namespace):]
            if local and not local.startswith("//"):
                candidate = f"{prefix}:{local}"
                if len(candidate) < len(best) or (len(candidate) == len(best) and candidate < best):
                    best = candidate
        scheme, _, rest = best.partition(":")
        if best == iri and scheme in self.prefixes and not rest.startswith("//"):
            # JSON-LD would expand it with the prefix (its "IRI confused with prefix" error)
            raise InputError(f"the IRI <{iri}> cannot be written in JSON-LD: it reads as a "
                             f"compact IRI with the context's prefix {scheme}:",
                             hint=f"if {iri} was meant as a prefixed name, write it without <>")
        return best

    def _matching(self, iri: str) -> list[tuple[str, str]]:
        """The (prefix, namespace) pairs whose namespace starts `iri`: one regular expression
        finds the longest such namespace, and the others are its own beginnings."""
        if self._pattern is None:
            return []
        match = self._pattern.match(iri)
        return self.within[match.group()] if match else []

    def index(self) -> "_Context":
        namespaces = sorted(set(self.prefixes.values()), key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, namespaces))) if namespaces else None
        self.within = {longest: [(prefix, namespace) for prefix, namespace in self.prefixes.items()
                                  if longest.startswith(namespace)] for longest in namespaces}
        return self


_INTEGER_TYPES = {XSD + "integer", XSD + "positiveInteger", XSD + "nonNegativeInteger"}
_CANONICAL_INT = re.compile(rb"0|-?[1-9][0-9]{0,14}")  # written as a JSON number
_INTEGER = re.compile(rb"[+-]?[0-9]+")
_TEXT = b"<https://w3id.org/survey-kg/ontology#text>"
_POSITION = b"<https://w3id.org/survey-kg/ontology#position>"
_AUTHORS = b"<https://schema.org/author>"
_AUTHORSHIP = b"<https://w3id.org/survey-kg/ontology#authorship>"
_AUTHOR = b"<https://w3id.org/survey-kg/ontology#author>"
# N-Triples escapes a literal with \" \\ \b \f \n \r \t \uXXXX, as JSON does: its quoted lexical
# form is a JSON string as it is. JSON has no \' and no \UXXXXXXXX: such a literal is re-encoded.
_NOT_JSON_ESCAPE = re.compile(rb'\\[^"\\/bfnrtu]')
_string = json.encoder.encode_basestring  # the C encoder's, without \u escapes for non-ASCII


def _object(fields: list[str], indent: str) -> str:
    """A JSON object from its members' texts ('"key": value'), laid out as json.dumps(indent=2)
    does at the depth `indent` ("\\n" and two spaces a level) gives. Members are sorted by their
    text: by key, but for keys holding a space or "!" (which sort before the closing quote)."""
    inner = indent + "  "
    fields.sort()
    return "{" + inner + ("," + inner).join(fields) + indent + "}"


def _member(key: str, value: str) -> str:
    return _string(key) + ": " + value


def _array(items: list[str], indent: str) -> str:
    if not items:
        return "[]"
    inner = indent + "  "
    return "[" + inner + ("," + inner).join(items) + indent + "]"


def json_text(value, indent: str = "\n") -> str:
    """What json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) writes (used for the
    context), `indent` giving the depth it starts at."""
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = indent + "  "
        fields = [_member(key, json_text(value[key], inner)) for key in sorted(value)]
        return "{" + inner + ("," + inner).join(fields) + indent + "}"
    if kind is list:
        return _array([json_text(item, indent + "  ") for item in value], indent)
    return json.dumps(value)


def _tagged(token: bytes) -> bool:
    """A language-tagged literal: "..."@tag ends with the tag, not a quote or a datatype's ">"."""
    return token[0] == 0x22 and token[-1] != 0x22 and token[-1] != 0x3E


def _mappable(token: bytes) -> bool:
    """A literal a language map holds: language-tagged, or a plain string (under "@none")."""
    return token[0] == 0x22 and token[-1] != 0x3E


class _JsonLd:
    """Writes the compacted document from the canonical lines, laid out as
    json.dumps(indent=2, sort_keys=True) would, one @graph entry at a time.

    Authorship, key point and source record nodes (named under their paper's IRI and referenced
    once) and blank nodes referenced once are embedded where they are referenced; every other
    node is an entry of @graph, in canonical order. Arrays are sorted: embedded nodes by their
    text's language, then skg:position (so authorships and key points come in order), a work's
    schema:author references by their authorship's position, other nodes by IRI, values by their
    JSON text.

    Two passes over the lines: the first finds which nodes are embedded where, the second
    writes. A node named under its owner's IRI sorts before it (`<paper/X/author-1>` before
    `<paper/X>`): it waits in `pending` until its owner is written. Blank nodes sort last, after
    their owners: they are read first, before the second pass."""

    def __init__(self, lines: list[bytes], context: dict):
        self.lines = lines
        self.ctx = _Context.parse(context)
        self.first_blank = _first_blank(lines)
        self.parent = self._embedding()
        self.blank: dict[bytes, Groups] = dict(subjects(lines, self.first_blank))
        self.pending: dict[bytes, Groups] = {}
        self.separator = b"\n    "  # before the next @graph entry
        self.quoted_ids: dict[bytes, str] = {}
        self.quoted_vocab: dict[bytes, str] = {}
        self.by_predicate: dict[bytes, list[_Term]] = {}
        self.plans: dict[bytes, tuple] = {}
        self.suffixes: dict[_Term, bytes | None] = {}
        self.datatypes: dict[bytes, str] = {}
        # a namespace that is the only one to start the IRIs it starts, and is longer than its
        # prefix: the compact IRI is "prefix:" and the rest (what `_Context.compact` finds)
        namespaces = sorted(set(self.ctx.prefixes.values()), key=len, reverse=True)
        self.namespace = re.compile(b"<(?:" + b"|".join(
            re.escape(ns.encode("utf-8")) for ns in namespaces) + b")" if namespaces else b"$^")
        self.short_prefix = {
            b"<" + ns.encode("utf-8"): _string(found[0][0])[1:-1] + ":"
            for ns, found in self.ctx.within.items()
            if len(found) == 1 and len(found[0][0]) + 1 < len(ns)}

    # which nodes are embedded, and where
    def _embedding(self) -> dict[bytes, bytes]:
        """{node: its owner} for the nodes written inside their owner: referenced by one triple
        (not as a class), and a blank node or an IRI under the owner's IRI."""
        referrer: dict[bytes, bytes | None] = {}  # None: referenced more than once, or a class
        for line in self.lines:
            s, p, rest = line.split(b" ", 2)
            if rest[0] != 0x22:
                node = rest[:-2]
                referrer[node] = None if node in referrer or p == RDF_TYPE else s
        parent = {node: owner for node, owner in referrer.items() if owner is not None
                  and owner != node and (node[0] == 0x5F or node.startswith(owner[:-1] + b"/"))}
        del referrer
        # An IRI's owner is a shorter IRI: only blank nodes can be embedded in each other in a
        # cycle, and would be written nowhere. The first node of each such cycle is a root.
        while lost := sorted(_unreachable(parent)):
            del parent[lost[0]]
        return parent

    # the document
    def write(self, out: BinaryIO, context: dict) -> None:
        self.start(out, context)
        for subject, groups in subjects(self.lines, 0, self.first_blank):
            self.add(out, subject, groups)
        self.finish(out)

    def start(self, out: BinaryIO, context: dict) -> None:
        out.write(('{\n  "@context": ' + json_text(context, "\n  ") + ',\n  "@graph": [')
                  .encode("utf-8"))

    def add(self, out: BinaryIO, subject: bytes, groups: Groups) -> None:
        """The next IRI subject (blank nodes, read first, are written by `finish`)."""
        if subject in self.parent:  # written inside its owner, which comes later
            self.pending[subject] = groups
        else:
            self._root(out, subject, groups)

    def finish(self, out: BinaryIO) -> None:
        for subject in [s for s in self.blank if s not in self.parent]:
            self._root(out, subject, self.blank.pop(subject))
        # embedded nodes whose owner did not take them (none, unless a cycle was broken)
        for subject, groups in sorted({**self.pending, **self.blank}.items()):
            self._root(out, subject, groups)
        out.write(b"\n  ]\n}\n" if self.separator == b",\n    " else b"]\n}\n")

    def _root(self, out: BinaryIO, subject: bytes, groups: Groups) -> None:
        # each entry encoded on its own: one string of them all would take four bytes a
        # character as soon as one of them held an emoji
        out.write(self.separator + self.node(subject, groups, "\n    ").encode("utf-8"))
        self.separator = b",\n    "

    def take(self, node: bytes, owner: bytes) -> Groups | None:
        """The triples of `node` when it is embedded in `owner` (and is a subject)."""
        if self.parent.get(node) != owner:
            return None
        return (self.blank if node[0] == 0x5F else self.pending).pop(node, None)

    def iri(self, token: bytes) -> str:
        if token[0] == 0x5F:  # a blank node keeps its label
            return token.decode("ascii")
        return self.ctx.compact(token[1:-1].decode("utf-8"))

    def quoted(self, token: bytes, vocab: bool = False) -> str:
        """A node as a JSON string: a compact IRI, or (`vocab`) a term where one stands for it.
        Remembered: people, venues, categories and classes recur."""
        memo = self.quoted_vocab if vocab else self.quoted_ids
        found = memo.get(token)
        if found is None:
            if len(memo) >= _MEMO_SIZE:  # as _Turtle.make
                memo.clear()
            found = memo[token] = self.quote(token, vocab)
        return found

    def quote(self, token: bytes, vocab: bool = False) -> str:
        name = None
        if vocab and token[0] == 0x3C:
            name = self.ctx.vocab_terms.get(token[1:-1].decode("utf-8"))
        if name is None:  # most IRIs are under one of the context's prefixes: quick
            match = self.namespace.match(token)
            prefix = self.short_prefix.get(match.group()) if match else None
            local = token[match.end():-1] if prefix else b""
            if local and not local.startswith(b"//"):  # an IRI holds no quote nor backslash
                return '"' + prefix + local.decode("utf-8") + '"'
        return _string(name or self.iri(token))

    def node(self, subject: bytes, groups: Groups, indent: str) -> str:
        inner = indent + "  "
        # not remembered: most subjects are named once (their @id)
        fields = ['"@id": ' + (self.quoted_ids.get(subject) or self.quote(subject))]
        plans, parent = self.plans, self.parent
        for predicate, values in groups.items():
            if predicate == RDF_TYPE:
                if len(values) == 1 and values[0][0] == 0x3C:  # one class: quick
                    fields.append('"@type": ' + (self.quoted_vocab.get(values[0])
                                                 or self.quoted(values[0], True)))
                else:
                    self.types(subject, values, inner, fields)
                continue
            kind, key, suffix = plans.get(predicate) or self.plan(predicate)
            if kind == 4 and all(map(_mappable, values)):
                fields.append(key + self.language_map(values, inner, suffix))
                continue
            if kind == 5 and all(value[0] == 0x3C for value in values):
                rank = self.author_positions(groups) if predicate == _AUTHORS else None
                fields.append(key + self.node_set(subject, values, inner, rank))
                continue
            if len(values) == 1:  # the common case, made quick for the forms the terms take
                value = values[0]
                if kind == 1 and value[0] == 0x3C:  # an IRI
                    child = self.take(value, subject) if value in parent else None
                    if child is not None:
                        fields.append(key + self.node(value, child, inner))
                    elif suffix is None:
                        fields.append(key + (self.quoted_ids.get(value) or self.quoted(value)))
                    else:
                        fields.append(key + self.quoted(value, True))
                    continue
                if (kind == 2 or kind == 3) and value[0] == 0x22 and value.endswith(suffix):
                    end = len(value) - len(suffix)
                    if kind == 3 and _CANONICAL_INT.fullmatch(value, 1, end):  # an integer
                        fields.append(key + value[1:end].decode("ascii"))
                    else:
                        fields.append(key + self.string(value, end))
                    continue
            fields.append(self.property(subject, predicate, values, inner))
        return _object(fields, indent)

    def node_set(self, subject: bytes, values: list, indent: str,
                 rank: dict[bytes, int] | None = None) -> str:
        """IRIs under an "@id" set term, as `property` writes them, quicker. `rank`: the order
        of references that have one (a work's authors: by position), before the others."""
        inner, parent = indent + "  ", self.parent
        if not any(value in parent for value in values):  # people, categories: references
            quoted = self.quoted_ids.get
            if rank:
                values = sorted(values, key=lambda v: (v not in rank, rank.get(v, 0), v))
            else:
                values = sorted(values)
            return _array([quoted(v) or self.quoted(v) for v in values], indent)
        items = []
        for value in values:
            child = self.take(value, subject) if value in parent else None
            if child is not None:
                items.append(((*self.order(child), value), self.node(value, child, inner)))
            else:
                items.append((("", 0, value), self.quoted_ids.get(value) or self.quoted(value)))
        items.sort()
        return _array([text for _, text in items], indent)

    def author_positions(self, groups: Groups) -> dict[bytes, int]:
        """{author: the least position among its authorships} of a work's authorship nodes
        that wait to be embedded in it (they sort before it): the order of schema:author."""
        found: dict[bytes, int] = {}
        for authorship in groups.get(_AUTHORSHIP, ()):
            child = (self.blank if authorship[0] == 0x5F else self.pending).get(authorship)
            if child is None or _POSITION not in child:
                continue
            number = self.order(child)[1]
            for author in child.get(_AUTHOR, ()):
                if found.get(author, number) >= number:
                    found[author] = number
        return found

    def types(self, subject: bytes, values: list, indent: str, fields: list) -> None:
        """Classes go in "@type"; a blank node or literal object of rdf:type is a property."""
        types = sorted(self.quoted(v, vocab=True) for v in values if v[0] == 0x3C)
        if types:
            fields.append('"@type": ' + (types[0] if len(types) == 1 else _array(types, indent)))
        others = [v for v in values if v[0] != 0x3C]
        if others:
            fields.append(self.property(subject, RDF_TYPE, others, indent))

    def plan(self, predicate: bytes) -> tuple:
        """How `node` writes a predicate's objects quickly, for the forms the survey's terms
        take: (kind, '"key": ', detail). A lone object: 1 for an IRI (detail: None, or "@vocab"),
        2 or 3 for a plain literal or an integer (detail: what ends the token after its lexical
        form). Any number of objects: 4 for texts in a language map (detail: whether a lone
        text is an array too), 5 for IRIs in a set. 0, or objects of another form: what
        `property` decides (a choice of terms, value objects)."""
        terms = self.terms(predicate)
        term = terms[0]
        key = _string(term.name) + ": "
        if len(terms) > 1:
            plan = (0, None, None)
        elif term.container == "@language":
            plan = (4, key, term.arrays)
        elif term.container == "@set" and term.type == "@id":
            plan = (5, key, None)
        elif term.container is not None:
            plan = (0, None, None)
        elif term.type in ("@id", "@vocab"):
            plan = (1, key, None if term.type == "@id" else "@vocab")
        elif self.suffix(term) is None:
            plan = (0, None, None)
        else:
            plan = (3 if term.type in _INTEGER_TYPES else 2, key, b'"' + self.suffix(term))
        self.plans[predicate] = plan
        return plan

    def terms(self, predicate: bytes) -> list[_Term]:
        """The context's terms for a predicate, or a compact IRI as a term of its own."""
        found = self.by_predicate.get(predicate)
        if found is None:
            found = self.ctx.by_iri.get(predicate[1:-1].decode("utf-8")) \
                or [_Term(self.iri(predicate), None, None)]
            self.by_predicate[predicate] = found
        return found

    def property(self, subject: bytes, predicate: bytes, values: list, indent: str) -> str:
        terms = self.terms(predicate)
        # the term that fits the most values (ties: the first by name)
        if len(terms) == 1:
            term = terms[0]
        else:
            term = max(terms, key=lambda t: sum(self.fits(t, v) for v in values))
        if term.container == "@language" and all(map(_mappable, values)):
            return _member(term.name, self.language_map(values, indent, term.arrays))
        # A lone object under a language-map term would be read as a language map (its "@value"
        # key as a language tag): value objects there stay in an array.
        if len(values) == 1 and term.container not in ("@set", "@language"):
            return _member(term.name, self.value(subject, term, values[0], indent)[1])
        inner = indent + "  "
        items = sorted(self.value(subject, term, value, inner) for value in values)
        return _member(term.name, _array([text for _, text in items], indent))

    def suffix(self, term: _Term) -> bytes | None:
        """What follows the quoted lexical form of a literal that fits the term's type."""
        found = self.suffixes.get(term, b"-")
        if found == b"-":
            if term.type is None:
                found = b""
            elif term.type in ("@id", "@vocab") or term.type == XSD + "string":
                found = None  # an explicit xsd:string is not a plain string here, as in rdflib
            else:
                found = b"^^<" + term.type.encode("utf-8") + b">"
            self.suffixes[term] = found
        return found

    def fits(self, term: _Term, value: bytes) -> bool:
        """Whether `value` can be written in the term's short form (a plain string or number)."""
        if term.container == "@language":
            return _mappable(value)
        if term.type in ("@id", "@vocab"):
            return value[0] == 0x3C
        return value[0] == 0x22 and value[value.rfind(b'"') + 1:] == self.suffix(term)

    def value(self, subject: bytes, term: _Term, value: bytes, indent: str) -> tuple:
        """(sort key, JSON text) of one object."""
        if value[0] != 0x22:  # an IRI or a blank node
            child = self.take(value, subject)
            if child is not None:
                return (0, *self.order(child), value), self.node(value, child, indent)
            if not self.fits(term, value):
                return (0, "", 0, value), _object(['"@id": ' + self.quoted(value)], indent)
            return (0, "", 0, value), self.quoted(value, vocab=term.type == "@vocab")
        end = value.rfind(b'"')
        suffix = value[end + 1:]
        if term.container != "@language" and suffix == self.suffix(term):  # a map's strings only
            if term.type in _INTEGER_TYPES and _CANONICAL_INT.fullmatch(value, 1, end):
                text = value[1:end].decode("ascii")
            else:
                text = self.string(value, end)
        else:
            fields = ['"@value": ' + self.string(value, end)]
            if suffix[:1] == b"@":
                fields.append('"@language": ' + _string(suffix[1:].decode("ascii")))
            elif suffix:
                fields.append('"@type": ' + _string(self.datatype(suffix)))
            text = _object(fields, indent)
        return (1, "", 0, text), text

    @staticmethod
    def string(token: bytes, end: int) -> str:
        """The JSON string of a literal token's lexical form (`end`: its closing quote)."""
        if b"\\" in token and _NOT_JSON_ESCAPE.search(token, 1, end):
            return _string(_lexical(token, end))
        return token[:end + 1].decode("utf-8")

    def datatype(self, suffix: bytes) -> str:
        found = self.datatypes.get(suffix)
        if found is None:
            found = self.datatypes[suffix] = self.ctx.compact(suffix[3:-1].decode("utf-8"))
        return found

    def language_map(self, values: list, indent: str, arrays: bool = False) -> str:
        """Texts by language tag; plain strings (no tag) under "@none" (JSON-LD 1.1). With
        `arrays` (a term whose container is ["@language", "@set"]) a lone text is an array too."""
        texts: dict[str, list[str]] = {}
        for token in values:
            end = token.rfind(b'"')
            texts.setdefault(token[end + 2:].decode("ascii") or "@none", []).append(
                self.string(token, end))
        inner = indent + "  "
        # several texts in one language in the order of their text: "game" before "game engine"
        return _object([_member(language, found[0] if len(found) == 1 and not arrays
                                else _array(sorted(found, key=lambda t: t[:-1]), inner))
                        for language, found in texts.items()], indent)

    @staticmethod
    def order(groups: Groups) -> tuple[str, int]:
        """(language of its skg:text, its skg:position) of an embedded node: the order of authors
        and key points. The first value in canonical order counts."""
        language, number = "", 0
        texts = groups.get(_TEXT)
        if texts and _tagged(texts[0]):
            language = texts[0][texts[0].rfind(b'"') + 2:].decode("ascii")
        positions = groups.get(_POSITION)
        if positions and positions[0][0] == 0x22:
            value = positions[0]
            end = value.rfind(b'"')
            number = int(value[1:end]) if _INTEGER.fullmatch(value, 1, end) else 0
        return language, number


def _first_blank(lines: list[bytes]) -> int:
    """Where the lines of blank node subjects start: after every IRI subject ("<" < "_")."""
    return bisect.bisect_left(lines, b"_:")


def _unreachable(parent: dict[bytes, bytes]) -> list[bytes]:
    """The blank nodes whose chain of owners never leads out of `parent`: in a cycle, or
    embedded in one. (An IRI's chain ends: each owner is a shorter IRI.)"""
    reaches: dict[bytes, bool] = {}
    for start in parent:
        if start[0] != 0x5F or start in reaches:
            continue
        path, seen, node = [], set(), start
        while node in parent and node not in reaches and node not in seen:
            seen.add(node)
            path.append(node)
            node = parent[node]
        found = reaches[node] if node in reaches else node not in parent
        for step in path:
            reaches[step] = found
    return [node for node, found in reaches.items() if not found]


def write(lines: list[bytes], out: BinaryIO, context: dict | None = None) -> None:
    """JSON-LD compacted with the project's context (embedded, so any processor expands it
    offline), keys sorted, arrays in a stable order; expands to exactly the lines' triples."""
    context = context if context is not None else load_context()
    _JsonLd(lines, context).write(out, context)
