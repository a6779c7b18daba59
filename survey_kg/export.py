"""Serialize the graph: deterministic Turtle, N-Triples and JSON-LD, and the dump folder.

Every serializer starts from `canonical(graph)`: blank nodes relabelled from the graph's structure
and triples inserted in sorted order. rdflib's serializers sort subjects, predicates and objects,
and break the remaining ties by insertion order, so the same triples give the same bytes whatever
order the input files were read in. See docs/decisions/0010-publishing-dumps.md.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDF, XSD
from rdflib.plugins.serializers.turtle import TurtleSerializer

from .errors import InputError
from .files import atomic_write, read_text
from .namespaces import SKG, bind_prefixes, new_graph
from .resources import bundled, ontology_path, shapes_path

SURVEY_FILES = {"ttl": "survey.ttl", "nt": "survey.nt", "jsonld": "survey.jsonld"}
FORMATS = ("ttl", "nt", "jsonld", "all")


# ------------------------------------------------------------------------------ canonical form

def _term_key(term) -> str:
    return term.n3()


def canonical(graph: Graph) -> Graph:
    """A copy of `graph` with canonical blank node labels, its triples added in sorted order."""
    if any(isinstance(t, BNode) for triple in graph for t in triple):
        graph = to_canonical_graph(graph)
    out = new_graph()
    for triple in sorted(graph, key=lambda t: tuple(map(_term_key, t))):
        out.add(triple)
    return out


# Turtle's PN_LOCAL (https://www.w3.org/TR/turtle/#grammar-production-PN_LOCAL), the local part of
# a prefixed name, with rdflib's escapes (\( \) \%) as PLX.
_PN_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF"
            "\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD"
            "\U00010000-\U000EFFFF")
_PN_CHARS = _PN_BASE + "_\\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_LOCAL = re.compile(f"(?:[{_PN_BASE}_:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*"
                       f"(?:[{_PN_CHARS}:]|{_PLX}))?")


class _TurtleSerializer(TurtleSerializer):
    """rdflib's Turtle writer, using a prefixed name only where Turtle allows it. rdflib decides
    by Unicode category and would write e.g. `person:ªlvarez` (U+00AA, U+00B5 and U+00BA are
    letters but not PN_CHARS), which Turtle parsers, ours included, reject; such an IRI is
    written in full instead."""

    def get_pname(self, uri, gen_prefix=True):
        pname = super().get_pname(uri, gen_prefix)
        local = pname.partition(":")[2] if pname else ""
        return pname if not local or _PN_LOCAL.fullmatch(local) else None


def to_turtle(graph: Graph) -> str:
    """Pretty Turtle with the project's prefixes, subjects and predicates in a stable order."""
    out = io.BytesIO()
    _TurtleSerializer(bind_prefixes(canonical(graph))).serialize(out, encoding="utf-8")
    return out.getvalue().decode("utf-8")


def to_ntriples(graph: Graph) -> str:
    """N-Triples, one triple per line, lines sorted (diff-friendly)."""
    # Only "\n" ends an N-Triples line: splitlines() would also cut at U+0085, U+2028, form feed
    # and other characters rdflib writes unescaped inside a literal, tearing the triple apart.
    lines = canonical(graph).serialize(format="nt").split("\n")
    return "".join(line + "\n" for line in sorted(set(lines)) if line.strip())


# ------------------------------------------------------------------------------ JSON-LD

def context_path() -> Path:
    return bundled("ontology") / "context.jsonld"


def load_context(path: Path | None = None) -> dict:
    """The project's JSON-LD context: the value of "@context" in ontology/context.jsonld."""
    return json.loads(read_text(path or context_path()))["@context"]


@dataclass(frozen=True)
class _Term:
    name: str
    type: str | None       # "@id", "@vocab", a datatype IRI, or None
    container: str | None  # "@language", "@set" or None


@dataclass
class _Context:
    """What the serializer needs to know of a context: prefixes for compact IRIs, the terms that
    map to each IRI (with their type coercion and container), and the plain terms that may stand
    for an IRI where JSON-LD reads values as vocabulary (@type, "@type": "@vocab")."""

    prefixes: dict[str, str] = field(default_factory=dict)
    by_iri: dict[str, list[_Term]] = field(default_factory=dict)
    vocab_terms: dict[str, str] = field(default_factory=dict)

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
            term = _Term(name, kind, definition.get("@container"))
            ctx.by_iri.setdefault(iri, []).append(term)
            if kind is None and term.container is None:
                ctx.vocab_terms.setdefault(iri, name)
        return ctx

    def expand(self, value: str) -> str:
        prefix, sep, local = value.partition(":")
        if sep and prefix in self.prefixes and not local.startswith("//"):
            return self.prefixes[prefix] + local
        return value

    def compact(self, iri: str, vocab: bool = False) -> str:
        """A term (where a term may stand: vocab positions), else the shortest compact IRI, else
        the IRI itself."""
        if vocab and iri in self.vocab_terms:
            return self.vocab_terms[iri]
        best = iri
        for prefix, namespace in self.prefixes.items():
            local = iri[len(namespace):]
            if iri.startswith(namespace) and local and not local.startswith("//"):
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


_INTEGER_TYPES = {str(XSD.integer), str(XSD.positiveInteger), str(XSD.nonNegativeInteger)}
_CANONICAL_INT = re.compile(r"^(0|-?[1-9][0-9]{0,14})$")


class _JsonLd:
    """Builds the compacted document. Authorship, key point and source record nodes (named under
    their paper's IRI and referenced once) and blank nodes referenced once are embedded where they
    are referenced; every other node is an entry of @graph. Arrays are sorted: embedded nodes by
    text language, then skg:position (so authors and key points come in order), then IRI."""

    def __init__(self, graph: Graph, context: dict):
        self.graph = canonical(graph)
        self.ctx = _Context.parse(context)
        self.parent = self._embedding()

    # which nodes are embedded, and where
    def _embedding(self) -> dict:
        subjects = set(self.graph.subjects())
        uses: dict = {}
        for s, _, o in self.graph:
            if isinstance(o, (URIRef, BNode)):
                uses.setdefault(o, []).append(s)
        parent = {}
        for node, referrers in uses.items():
            if node not in subjects or len(referrers) != 1 or referrers[0] == node:
                continue
            owner = referrers[0]
            if isinstance(node, BNode) or str(node).startswith(str(owner) + "/"):
                parent[node] = owner
        return self._break_cycles(parent, subjects)

    @staticmethod
    def _break_cycles(parent: dict, subjects: set) -> dict:
        """Nodes embedded only in each other (a cycle of blank nodes) would be written nowhere:
        make the first of each such cycle a @graph entry."""
        while True:
            reached = {s for s in subjects if s not in parent}
            frontier = list(reached)
            children: dict = {}
            for child, owner in parent.items():
                children.setdefault(owner, []).append(child)
            while frontier:
                for child in children.get(frontier.pop(), []):
                    if child not in reached:
                        reached.add(child)
                        frontier.append(child)
            lost = sorted((n for n in parent if n not in reached), key=_term_key)
            if not lost:
                return parent
            del parent[lost[0]]

    # the document
    def document(self, context: dict) -> dict:
        roots = [s for s in set(self.graph.subjects()) if s not in self.parent]
        roots.sort(key=lambda n: (isinstance(n, BNode), str(n)))
        return {"@context": context, "@graph": [self.node(s) for s in roots]}

    def node_id(self, node) -> str:
        return f"_:{node}" if isinstance(node, BNode) else self.ctx.compact(str(node))

    def node(self, subject) -> dict:
        out = {"@id": self.node_id(subject)}
        types = sorted(self.ctx.compact(str(o), vocab=True)
                       for o in self.graph.objects(subject, RDF.type) if isinstance(o, URIRef))
        if types:
            out["@type"] = types[0] if len(types) == 1 else types
        for predicate in sorted(set(self.graph.predicates(subject)), key=str):
            values = [o for o in self.graph.objects(subject, predicate)
                      if not (predicate == RDF.type and isinstance(o, URIRef))]
            if values:
                key, value = self.property(subject, predicate, values)
                out[key] = value
        return out

    def property(self, subject, predicate, values: list) -> tuple[str, object]:
        terms = self.ctx.by_iri.get(str(predicate), [])
        # the term that fits the most values (ties: the first by name); else a compact IRI
        term = max(terms, key=lambda t: sum(self.fits(t, v) for v in values), default=None)
        if term is None:
            term = _Term(self.ctx.compact(str(predicate)), None, None)
        if term.container == "@language" and all(self.fits(term, v) for v in values):
            return term.name, self.language_map(values)
        items = [self.value(subject, term, v) for v in values]
        items.sort(key=lambda item: self.sort_key(item))
        # A lone object under a language-map term would be read as a language map (its "@value"
        # key as a language tag): value objects there stay in an array.
        if len(items) == 1 and term.container not in ("@set", "@language"):
            return term.name, items[0]
        return term.name, items

    def fits(self, term: _Term, value) -> bool:
        """Whether `value` can be written in the term's short form (a plain string or number)."""
        if term.container == "@language":
            return isinstance(value, Literal) and bool(value.language)
        if term.type in ("@id", "@vocab"):
            return isinstance(value, URIRef)
        if isinstance(value, Literal) and not value.language:
            return str(value.datatype or "") == (term.type or "")
        return False

    def value(self, subject, term: _Term, value):
        if isinstance(value, (URIRef, BNode)):
            if self.parent.get(value) == subject:
                return self.node(value)
            reference = self.ctx.compact(str(value), vocab=term.type == "@vocab") \
                if isinstance(value, URIRef) else self.node_id(value)
            return reference if self.fits(term, value) else {"@id": self.node_id(value)}
        if self.fits(term, value) and term.container != "@language":  # a map's strings only
            text = str(value)
            if term.type in _INTEGER_TYPES and _CANONICAL_INT.match(text):
                return int(text)
            return text
        item = {"@value": str(value)}
        if value.language:
            item["@language"] = value.language
        elif value.datatype is not None:
            item["@type"] = self.ctx.compact(str(value.datatype))
        return item

    @staticmethod
    def language_map(values: list) -> dict:
        by_language: dict[str, list[str]] = {}
        for value in values:
            by_language.setdefault(value.language, []).append(str(value))
        return {lang: texts[0] if len(texts) == 1 else sorted(texts)
                for lang, texts in sorted(by_language.items())}

    def sort_key(self, item) -> tuple:
        if isinstance(item, dict) and "@id" in item:
            return (0, *self._order(item))
        return (1, "", 0, json.dumps(item, ensure_ascii=False, sort_keys=True))

    def _order(self, item: dict) -> tuple:
        node = self._node_of(item["@id"])
        text = self.graph.value(node, SKG.text)
        language = text.language or "" if isinstance(text, Literal) else ""
        position = self.graph.value(node, SKG.position)
        try:
            number = int(position) if position is not None else 0
        except (TypeError, ValueError):
            number = 0
        return (language, number, str(node))

    def _node_of(self, node_id: str):
        if node_id.startswith("_:"):
            return BNode(node_id[2:])
        return URIRef(self.ctx.expand(node_id))


def to_jsonld(graph: Graph, context: dict | None = None) -> str:
    """JSON-LD compacted with the project's context (embedded, so any processor expands it
    offline), keys sorted, arrays in a stable order; expands to exactly the graph's triples."""
    context = context if context is not None else load_context()
    doc = _JsonLd(graph, context).document(context)
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# ------------------------------------------------------------------------------ the dump folder

@dataclass
class Dump:
    """What `write_dump` wrote: every file of the dump, the ones whose content changed, the sizes
    in bytes, and the statistics of the VoID description (None unless it was written)."""

    folder: Path
    files: list[Path]
    changed: list[Path]
    sizes: dict[str, int]
    statistics: object = None


def default_folder(survey) -> Path:
    """The survey's dist/ folder; refused for the survey shipped inside an installed package
    (writing there would change the installation)."""
    shipped = Path(__file__).resolve().parent / "_bundled"
    if survey.root.resolve() == shipped:
        raise InputError("no survey folder to write into: this is the survey shipped inside the "
                         "installed package", file=survey.root,
                         hint="give --out DIR, or run from a survey folder (or --root DIR)")
    return survey.root / "dist"


def render_dump(graph: Graph, fmt: str = "all") -> tuple[dict[str, bytes], object]:
    """The dump's files as {file name: bytes}, in the order they should be written (the VoID
    description, which points at the others, last), and the dataset statistics (or None)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    wanted = SURVEY_FILES if fmt == "all" else {fmt: SURVEY_FILES[fmt]}
    serializers = {"ttl": to_turtle, "nt": to_ntriples, "jsonld": to_jsonld}
    files = {name: serializers[key](graph).encode("utf-8") for key, name in wanted.items()}
    if "jsonld" in wanted:
        files["context.jsonld"] = context_path().read_bytes()
    statistics = None
    if fmt == "all":
        from .dataset import to_void

        files["ontology.ttl"] = ontology_path().read_bytes()
        files["shapes.ttl"] = shapes_path().read_bytes()
        void, statistics = to_void(graph, {n: files[n] for n in SURVEY_FILES.values()})
        files["void.ttl"] = void.encode("utf-8")
    return files, statistics


def write_dump(graph: Graph, folder: Path | str, fmt: str = "all") -> Dump:
    """Write the dump files into `folder`. Everything is serialized before the first write, and
    each file is replaced atomically (and only when its content changed): an interrupted run leaves
    complete files, old or new, never half of one."""
    folder = Path(folder)
    files, statistics = render_dump(graph, fmt)
    written, changed = [], []
    for name, data in files.items():
        path = folder / name
        written.append(path)
        if not path.is_file() or path.read_bytes() != data:
            atomic_write(path, data)
            changed.append(path)
    return Dump(folder, written, changed, {n: len(d) for n, d in files.items()}, statistics)
