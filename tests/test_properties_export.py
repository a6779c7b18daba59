"""Property-based tests of the dumps: export ∘ parse is the identity (up to blank node labels).

For generated graphs (pyoxigraph stores), each dump file `survey_kg.dump.write_dump` writes
(`survey.ttl`, `survey.nt`, `survey.jsonld`) is parsed back by rdflib and by Oxigraph (and the
JSON-LD by PyLD too), and the result must be isomorphic to the store's graph
(`rdflib.compare.isomorphic`). A work's authors come in the JSON-LD in the order of their
authorships, whatever their IRIs.

The generated graphs hold what the survey data holds (works, people, texts in two languages and
untagged names, positions, dates, links, authorships) and what a graph may hold beyond it: quotes,
triple quotes, backslashes, newlines, tabs and other control characters (NUL excepted: a file with
a NUL byte is refused as binary by `files.read_text`), astral-plane characters, zero-width and
direction controls, empty and long strings, language tags with subtags, typed literals (integers of
any size, years, dates, booleans, decimals, an unknown datatype, and ill-typed lexical forms such
as "abc"^^xsd:integer), IRIs with non-ASCII characters, predicates the JSON-LD context has no term
for, values that do not fit their term's short form, and blank nodes.

Terms are built as `survey_kg.load` builds them: a plain string has no datatype (xsd:string),
and the store keeps literals as Oxigraph stores them (it normalizes valid numbers: "007"^^
xsd:integer is "7"); what is compared is the store's graph.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner
import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pyld import jsonld
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic

from survey_kg.cli import main
from survey_kg.dump import SURVEY_FILES, write_dump
from survey_kg.paths import PREFIXES

EXAMPLES = 150
EX = "http://example.org/vocab#"
XSD = PREFIXES["xsd"]


def named(curie: str) -> ox.NamedNode:
    prefix, _, local = curie.partition(":")
    return ox.NamedNode(PREFIXES[prefix] + local)


# ------------------------------------------------------------------ strategies

TRICKY = ['"', '"""', "'", "'''", "\\", "\\n", "\\u0041", "\n", "\r", "\r\n", "\t", "\x01",
          "\x08", "\x0c", "\x1b[31m", "\x7f", "\x85", "\u2028", "\u2029", "\u200b", "\u200f",
          "\u202e", "\ufeff", "\ufffe", "\uffff", "\U0001F600", "\U0001F469\u200d\U0001F467",
          "\U00010000", "\U0010FFFD", "中文", "عربي", "<", ">", "&", "@en", "^^", "_:b0", "#",
          "{", "}", "@context", "@id", "@value", " ", ""]
strings = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")),
    st.lists(st.sampled_from(TRICKY), max_size=8).map("".join),
    st.tuples(st.sampled_from(TRICKY + ["ab"]), st.integers(500, 5000)).map(lambda p: p[0] * p[1]),
)
# lower case, as the loader (Oxigraph) gives them: RDF compares language tags case-insensitively
languages = st.sampled_from(["en", "zh", "en-us", "zh-hans", "de-ch-1996", "x-private"])
local_names = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Nd"),
                                    whitelist_characters="-._~"), min_size=1, max_size=12)
namespaces = st.sampled_from([PREFIXES[p] for p in ("paper", "work", "person", "org", "venue",
                                                    "category")]
                             + ["http://example.org/x/", "https://例え.jp/パス/"])
iris = st.builds(lambda ns, local: ox.NamedNode(ns + local), namespaces, local_names)


def _typed(lexical: str, datatype: str) -> ox.Literal:
    return ox.Literal(lexical, datatype=ox.NamedNode(datatype))


literals = st.one_of(
    strings.map(ox.Literal),
    st.builds(lambda text, lang: ox.Literal(text, language=lang), strings, languages),
    st.integers(min_value=-(10 ** 30), max_value=10 ** 30).map(
        lambda n: _typed(str(n), XSD + "integer")),
    st.integers(1, 10 ** 6).map(lambda n: _typed(str(n), XSD + "positiveInteger")),
    st.integers(1000, 2999).map(lambda n: _typed(str(n), XSD + "gYear")),
    st.dates().map(lambda d: _typed(d.isoformat(), XSD + "date")),
    st.booleans().map(lambda b: _typed("true" if b else "false", XSD + "boolean")),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(
        lambda d: _typed(str(d), XSD + "decimal")),
    st.builds(_typed, strings, st.just(EX + "customType")),
    # ill-typed: kept as written by the loader, and must survive every format
    st.sampled_from(["abc", "", " 1", "1.5", "+3", "-0", "007"]).map(
        lambda s: _typed(s, XSD + "integer")),
    st.sampled_from(["24", "year", "2024-01"]).map(lambda s: _typed(s, XSD + "gYear")),
)
predicates = st.sampled_from([named(c) for c in (
    "schema:name", "schema:abstract", "schema:description", "skg:coreInnovation", "skg:text",
    "skg:position", "skg:sourceLine", "skg:sourceFile", "schema:value", "skg:acronym",
    "schema:datePublished", "dcterms:issued", "schema:url", "skg:pdf", "schema:codeRepository",
    "schema:isBasedOn", "skg:projectPage", "skg:venue", "skg:venueKind", "skg:authorship",
    "skg:keyPoint", "skg:author", "schema:author", "skg:printedName", "schema:about",
    "schema:identifier", "skos:prefLabel", "skos:notation", "skos:editorialNote",
    "rdfs:label")] + [ox.NamedNode(EX + "noTerm"), ox.NamedNode("http://example.org/p")])
RDF_TYPE = named("rdf:type")


class Triples(tuple):
    """The generated triples (Hypothesis shows them in a falsifying example); `store()` makes
    the store, in the order given."""

    def store(self) -> ox.Store:
        store = ox.Store()
        for s, p, o in self:
            store.add(ox.Quad(s, p, o))
        return store


@st.composite
def graphs(draw) -> Triples:
    """A graph of 1-25 triples over a few subjects (some of them blank nodes), with objects that
    are literals, IRIs (other subjects, so nodes nest) or blank nodes."""
    subjects_named = draw(st.lists(iris, min_size=1, max_size=5, unique=True))
    blanks = [ox.BlankNode() for _ in range(draw(st.integers(0, 3)))]
    subjects = subjects_named + blanks
    # a child node named under its parent's IRI (like paper:X/author-1), which JSON-LD embeds
    children = [ox.NamedNode(f"{s.value}/author-{n}") for n, s in enumerate(subjects_named[:2], 1)]
    nodes = subjects + children
    triples = []
    for _ in range(draw(st.integers(1, 25))):
        s = draw(st.sampled_from(nodes))
        p = draw(predicates)
        o = draw(st.one_of(literals, st.sampled_from(nodes),
                           st.sampled_from([named("skg:Conference"),
                                            named("schema:ScholarlyArticle"),
                                            named("schema:name")]),
                           iris))
        triples.append((s, p, o))
    for s in draw(st.lists(st.sampled_from(nodes), max_size=3)):
        triples.append((s, RDF_TYPE, draw(st.sampled_from([
            named("schema:ScholarlyArticle"), named("skg:Authorship"), named("skos:Concept"),
            named("schema:Person"), ox.NamedNode(EX + "Unknown")]))))
    return Triples(triples)


# ------------------------------------------------------------------ writing and parsing back

def written(store: ox.Store, key: str) -> bytes:
    """survey.ttl, survey.nt or survey.jsonld (key ttl, nt, jsonld) as write_dump writes it."""
    with tempfile.TemporaryDirectory() as folder:
        write_dump(store, folder, key)
        return (Path(folder) / SURVEY_FILES[key]).read_bytes()


def _rdflib_term(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == XSD + "string" else URIRef(datatype))


def rdflib_graph(quads) -> Graph:
    """Oxigraph's terms as rdflib's, term by term (no parser between)."""
    graph = Graph()
    for quad in quads:
        graph.add((_rdflib_term(quad.subject), _rdflib_term(quad.predicate),
                   _rdflib_term(quad.object)))
    return graph


def by_rdflib(data: bytes, fmt: str) -> Graph:
    return Graph().parse(data=data.decode("utf-8"), format=fmt)


def by_oxigraph(data: bytes, fmt: ox.RdfFormat) -> Graph:
    return rdflib_graph(ox.parse(data, format=fmt))


def by_pyld(data: bytes) -> Graph:
    nquads = jsonld.to_rdf(jsonld.expand(json.loads(data)), {"format": "application/n-quads"})
    return Graph().parse(data=nquads, format="nt")


def same(expected: Graph, found: Graph, what: str) -> None:
    if isomorphic(expected, found):
        return
    want = {tuple(t.n3() for t in triple) for triple in to_isomorphic(expected)}
    got = {tuple(t.n3() for t in triple) for triple in to_isomorphic(found)}
    raise AssertionError(f"{what}: {len(expected)} triples written, {len(found)} read back; "
                         f"missing {sorted(want - got)[:3]}, extra {sorted(got - want)[:3]}")


SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _one(s, p, o) -> Triples:
    return Triples([(s, p, o)])


PAPER_1 = named("paper:2401.00001")


# ------------------------------------------------------------------ the properties

@SETTINGS
@given(graphs())
@example(_one(PAPER_1, named("schema:name"), ox.Literal('ends with a quote"', language="en")))
@example(_one(PAPER_1, named("schema:name"), ox.Literal('""" and \\"""\n', language="en")))
@example(_one(PAPER_1, named("skg:position"), _typed("abc", XSD + "integer")))
# defect found (in the old writer): `person:ªlvarez`, a prefixed name Turtle does not allow
# (U+00AA, U+00B5, U+00BA are letters to Python, not PN_CHARS to Turtle)
@example(_one(named("person:ªlvarez"), named("schema:name"), ox.Literal("x")))
@example(_one(PAPER_1, named("schema:url"), ox.NamedNode("https://example.org/µ/º")))
# a local name Turtle writes only with an escape (`person:ends-with-dot\.`)
@example(_one(named("person:ends-with-dot."), named("schema:name"), ox.Literal("x")))
def test_turtle_parses_back_to_the_same_graph(triples):
    store = triples.store()
    graph = rdflib_graph(store)
    data = written(store, "ttl")
    same(graph, by_rdflib(data, "turtle"), "survey.ttl by rdflib")
    same(graph, by_oxigraph(data, ox.RdfFormat.TURTLE), "survey.ttl by Oxigraph")


@SETTINGS
@given(graphs())
# defect found: the lines were split with str.splitlines(), which also breaks at U+0085, U+2028,
# U+2029, form feed and other characters written unescaped in a literal: a torn triple
@example(_one(PAPER_1, named("schema:name"), ox.Literal("\x85<")))
@example(_one(PAPER_1, named("schema:abstract"),
              ox.Literal("a\u2028b\u2029c\x0cd\x0be\x1cf", language="en")))
def test_ntriples_parse_back_to_the_same_graph(triples):
    store = triples.store()
    graph = rdflib_graph(store)
    data = written(store, "nt")
    text = data.decode("utf-8")
    assert text.endswith("\n") and text.count("\n") == len(store)  # one line per triple
    same(graph, by_rdflib(data, "nt"), "survey.nt by rdflib")
    same(graph, by_oxigraph(data, ox.RdfFormat.N_TRIPLES), "survey.nt by Oxigraph")


@SETTINGS
@given(graphs())
@example(_one(PAPER_1, named("skg:position"), _typed("007", XSD + "integer")))
@example(_one(PAPER_1, named("skg:venueKind"), named("schema:name")))
# defect found: a lone untagged string on a language-map term ("title": {"@value": ""}) was read
# as a language map with the language "@value" (rdflib: "not a valid language tag"); it is
# now {"@none": ""}
@example(_one(PAPER_1, named("schema:name"), ox.Literal("")))
@example(_one(PAPER_1, named("schema:name"), ox.Literal("@none")))
@example(_one(PAPER_1, named("schema:description"), _typed("1", XSD + "integer")))
def test_jsonld_parses_back_to_the_same_graph(triples):
    store = triples.store()
    graph = rdflib_graph(store)
    data = written(store, "jsonld")
    same(graph, by_rdflib(data, "json-ld"), "survey.jsonld by rdflib")
    same(graph, by_oxigraph(data, ox.RdfFormat.JSON_LD), "survey.jsonld by Oxigraph")
    same(graph, by_pyld(data), "survey.jsonld by PyLD")


@st.composite
def works_with_authors(draw) -> tuple[Triples, list]:
    """A work with 1-8 authors (people of any IRIs) at positions in any order, some of them at
    two positions, with other values of the work around them."""
    work = draw(st.sampled_from([PAPER_1, named("work:some-model")]))
    people = draw(st.lists(iris, min_size=1, max_size=8, unique=True))
    positions = draw(st.permutations(list(range(1, len(people) + 1))))
    again = draw(st.lists(st.sampled_from(people), max_size=2))  # a second position each
    triples = [(work, RDF_TYPE, named("schema:CreativeWork"))]
    placed = list(zip(positions, people)) + [(len(people) + n, p) for n, p in enumerate(again, 1)]
    for number, person in placed:
        authorship = ox.NamedNode(f"{work.value}/author-{number}")
        triples += [(work, named("skg:authorship"), authorship),
                    (authorship, named("skg:position"), _typed(str(number), XSD + "integer")),
                    (authorship, named("skg:author"), person),
                    (authorship, named("skg:printedName"), ox.Literal(draw(strings))),
                    (work, named("schema:author"), person)]
    others = predicates.filter(lambda p: p not in (named("schema:author"), named("skg:authorship")))
    triples += draw(st.lists(st.tuples(st.just(work), others, literals), max_size=4))
    order = [person for _, person in sorted(placed)]
    return Triples(triples), [p.value for n, p in enumerate(order) if p not in order[:n]]


@settings(max_examples=EXAMPLES // 3, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(works_with_authors())
def test_jsonld_lists_a_work_s_authors_in_the_order_of_their_positions(case):
    triples, expected = case
    store = triples.store()
    data = written(store, "jsonld")
    document = json.loads(data)
    work = next(node for node in document["@graph"] if "authorships" in node)
    assert work["authors"] == expected
    assert [a["position"] for a in work["authorships"]] == sorted(
        a["position"] for a in work["authorships"])
    same(rdflib_graph(store), by_pyld(data), "survey.jsonld by PyLD")


@settings(max_examples=EXAMPLES // 3, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(graphs())
def test_every_dump_is_deterministic(triples):
    """The same triples inserted in another order give the same bytes in survey.nt and
    survey.jsonld, and in survey.ttl when the graph has blank nodes (it is then written from the
    canonical lines); without them survey.ttl is in the store's order: the same triples inserted
    in the same order give the same bytes."""
    store = triples.store()
    shuffled = Triples(sorted(triples, key=lambda t: tuple(str(x) for x in t), reverse=True))
    other = shuffled.store()
    for key in ("nt", "jsonld"):
        assert written(other, key) == written(store, key), key
    blank = any(isinstance(t, ox.BlankNode) for triple in triples for t in triple)
    turtle = written(store, "ttl")
    assert written(other if blank else triples.store(), "ttl") == turtle


# ------------------------------------------------------------------ what JSON-LD cannot write

def test_an_iri_that_reads_as_a_compact_iri_is_refused_with_a_message(tmp_path):
    """`<skg:2401.00001>` (a prefixed name written in angle brackets) is an absolute IRI with the
    scheme "skg"; in the JSON-LD dump it would expand with the context's prefix skg: to another
    IRI. JSON-LD cannot write it (its "IRI confused with prefix" error): export stops with a
    one-line message naming the IRI, exit 2, and writes nothing. `<paper:2401.00001>` is written
    as it is: the context has no prefix for the survey's own namespaces (node ids are absolute)."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "p.ttl").write_text(
        "<https://w3id.org/survey-kg/paper/2401.00001> <https://schema.org/url> "
        "<skg:2401.00001> .\n", encoding="utf-8")
    (data / "dataset.ttl").write_text(  # what else the dump needs: the error is JSON-LD's
        "<https://w3id.org/survey-kg/dataset/x> a <http://rdfs.org/ns/void#Dataset> .\n",
        encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "export"])
    assert result.exit_code == 2, result.output
    message = result.output.strip()
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith("survey-kg: error: the IRI <skg:2401.00001> cannot be written in "
                              "JSON-LD"), message
    assert not (tmp_path / "dist").exists()
    # the same IRI is fine where the context has no such prefix, and in Turtle and N-Triples
    for iri in ("other:2401.00001", "paper:2401.00001"):
        fine = _one(PAPER_1, named("schema:url"), ox.NamedNode(iri)).store()
        same(rdflib_graph(fine), by_rdflib(written(fine, "jsonld"), "json-ld"), "survey.jsonld")
        same(rdflib_graph(fine), by_pyld(written(fine, "jsonld")), "survey.jsonld by PyLD")
    confused = _one(PAPER_1, named("schema:url"), ox.NamedNode("skg:2401.00001")).store()
    same(rdflib_graph(confused), by_oxigraph(written(confused, "ttl"), ox.RdfFormat.TURTLE),
         "survey.ttl")
    same(rdflib_graph(confused), by_oxigraph(written(confused, "nt"), ox.RdfFormat.N_TRIPLES),
         "survey.nt")
