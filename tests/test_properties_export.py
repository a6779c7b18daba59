"""Property-based tests of the dumps: export ∘ parse is the identity (up to blank node labels).

For generated graphs, each dump format `survey_kg.export` writes (`survey.ttl`, `survey.nt`,
`survey.jsonld`) is parsed back by rdflib and by Oxigraph (a parser sharing no code with rdflib's
serializers), and the result must be isomorphic to the graph (`rdflib.compare.isomorphic`).

The generated graphs hold what the survey data holds (papers, people, texts in two languages,
positions, years, links) and what a graph may hold beyond it: quotes, triple quotes, backslashes,
newlines, tabs and other control characters (NUL excepted: a file with a NUL byte is refused as
binary by `files.read_text`), astral-plane characters, zero-width and direction controls, empty
and long strings, language tags with subtags, typed literals (integers of any size, years, dates,
booleans, decimals, an unknown datatype, and ill-typed lexical forms such as "abc"^^xsd:integer),
IRIs with non-ASCII characters, predicates the JSON-LD context has no term for, values that do not
fit their term's short form, and blank nodes.

Terms are built as `survey_kg.load` builds them: a plain string has no datatype (rdflib's
`Literal("x")`), never an explicit xsd:string.
"""

from __future__ import annotations

import pyoxigraph as ox
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from survey_kg.cli import main
from survey_kg.export import to_jsonld, to_ntriples, to_turtle
from survey_kg.load import add_triples
from survey_kg.namespaces import CATEGORY, PAPER, PERSON, SCHEMA, SKG, SOURCE, VENUE, new_graph

EXAMPLES = 150
EX = "http://example.org/vocab#"

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
namespaces = st.sampled_from([str(PAPER), str(PERSON), str(VENUE), str(CATEGORY), str(SOURCE),
                              "http://example.org/x/", "https://例え.jp/パス/"])
iris = st.builds(lambda ns, local: URIRef(ns + local), namespaces, local_names)


def _typed(lexical: str, datatype) -> Literal:
    return Literal(lexical, datatype=datatype)


literals = st.one_of(
    strings.map(Literal),
    st.builds(lambda text, lang: Literal(text, lang=lang), strings, languages),
    st.integers(min_value=-(10 ** 30), max_value=10 ** 30).map(
        lambda n: Literal(str(n), datatype=XSD.integer)),
    st.integers(1, 10 ** 6).map(lambda n: Literal(str(n), datatype=XSD.positiveInteger)),
    st.integers(1000, 2999).map(lambda n: Literal(str(n), datatype=XSD.gYear)),
    st.dates().map(lambda d: Literal(d.isoformat(), datatype=XSD.date)),
    st.booleans().map(lambda b: Literal("true" if b else "false", datatype=XSD.boolean)),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(
        lambda d: Literal(str(d), datatype=XSD.decimal)),
    st.builds(_typed, strings, st.just(URIRef(EX + "customType"))),
    # ill-typed: kept as written by the loader, and must survive every format
    st.sampled_from(["abc", "", " 1", "1.5", "+3", "-0", "007"]).map(
        lambda s: Literal(s, datatype=XSD.integer)),
    st.sampled_from(["24", "year", "2024-01"]).map(lambda s: Literal(s, datatype=XSD.gYear)),
)
predicates = st.sampled_from([
    DCTERMS.title, DCTERMS.abstract, SKG.oneLiner, SKG.coreInnovation, SKG.text, SKG.position,
    SKG.sourceLine, SKG.sourceFile, SKG.arxivId, SKG.acronym, DCTERMS.issued, SCHEMA.url,
    SKG.pdf, SCHEMA.codeRepository, SKG.projectPage, SKG.venue, SKG.venueKind, SKG.authorship,
    SKG.keyPoint, SKG.author, DCTERMS.subject, FOAF.name, SKOS.prefLabel, SKOS.notation,
    SKOS.editorialNote, RDFS.label, URIRef(EX + "noTerm"), URIRef("http://example.org/p")])


class Triples(tuple):
    """The generated triples (Hypothesis shows them in a falsifying example); `graph()` makes
    the rdflib graph."""

    def graph(self) -> Graph:
        g = new_graph()
        for triple in self:
            g.add(triple)
        return g


@st.composite
def graphs(draw) -> Triples:
    """A graph of 1-25 triples over a few subjects (some of them blank nodes), with objects that
    are literals, IRIs (other subjects, so nodes nest) or blank nodes."""
    named = draw(st.lists(iris, min_size=1, max_size=5, unique=True))
    blanks = [BNode() for _ in range(draw(st.integers(0, 3)))]
    subjects = named + blanks
    # a child node named under its parent's IRI (like paper:X/author/1), which JSON-LD embeds
    children = [URIRef(f"{s}/author/{n}") for n, s in enumerate(named[:2], 1)]
    nodes = subjects + children
    triples = []
    for _ in range(draw(st.integers(1, 25))):
        s = draw(st.sampled_from(nodes))
        p = draw(predicates)
        o = draw(st.one_of(literals, st.sampled_from(nodes),
                           st.sampled_from([SKG.Conference, SCHEMA.ScholarlyArticle, FOAF.name]),
                           iris))
        triples.append((s, p, o))
    for s in draw(st.lists(st.sampled_from(nodes), max_size=3)):
        triples.append((s, RDF.type, draw(st.sampled_from([
            SCHEMA.ScholarlyArticle, SKG.Authorship, SKOS.Concept, URIRef(EX + "Unknown")]))))
    return Triples(triples)


# ------------------------------------------------------------------ parsing back

def by_rdflib(data: str, fmt: str) -> Graph:
    return Graph().parse(data=data, format=fmt)


def by_oxigraph(data: str, fmt: ox.RdfFormat) -> Graph:
    g = Graph()
    add_triples(g, ((q.subject, q.predicate, q.object)
                    for q in ox.parse(data.encode("utf-8"), format=fmt)))
    return g


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


# ------------------------------------------------------------------ the properties

@SETTINGS
@given(graphs())
@example(_one(PAPER["2401.00001"], DCTERMS.title, Literal('ends with a quote"', lang="en")))
@example(_one(PAPER["2401.00001"], DCTERMS.title, Literal('""" and \\"""\n', lang="en")))
@example(_one(PAPER["2401.00001"], SKG.position, Literal("abc", datatype=XSD.integer)))
# defect found: rdflib wrote `person:ªlvarez`, a prefixed name Turtle does not allow (U+00AA,
# U+00B5, U+00BA are letters to Python, not PN_CHARS to Turtle); Oxigraph refused the dump
@example(_one(PERSON["ªlvarez"], FOAF.name, Literal("x")))
@example(_one(PAPER["2401.00001"], SCHEMA.url, URIRef("https://example.org/µ/º")))
def test_turtle_parses_back_to_the_same_graph(triples):
    graph = triples.graph()
    text = to_turtle(graph)
    same(graph, by_rdflib(text, "turtle"), "survey.ttl by rdflib")
    same(graph, by_oxigraph(text, ox.RdfFormat.TURTLE), "survey.ttl by Oxigraph")


@SETTINGS
@given(graphs())
# defect found: the lines were split with str.splitlines(), which also breaks at U+0085, U+2028,
# U+2029, form feed and other characters rdflib writes unescaped in a literal: a torn triple
@example(_one(PAPER["2401.00001"], DCTERMS.title, Literal("\x85<")))
@example(_one(PAPER["2401.00001"], DCTERMS.abstract, Literal("a\u2028b\u2029c\x0cd\x0be\x1cf", lang="en")))
def test_ntriples_parse_back_to_the_same_graph(triples):
    graph = triples.graph()
    text = to_ntriples(graph)
    assert text.endswith("\n") and text.count("\n") == len(graph)  # one line per triple
    same(graph, by_rdflib(text, "nt"), "survey.nt by rdflib")
    same(graph, by_oxigraph(text, ox.RdfFormat.N_TRIPLES), "survey.nt by Oxigraph")


@SETTINGS
@given(graphs())
@example(_one(PAPER["2401.00001"], SKG.position, Literal("007", datatype=XSD.integer)))
@example(_one(PAPER["2401.00001"], SKG.venueKind, FOAF.name))
# defect found: a lone untagged string on a language-map term ("title": {"@value": ""}) was read
# as a language map with the language "@value" (rdflib: "not a valid language tag")
@example(_one(PAPER["2401.00001"], DCTERMS.title, Literal("")))
@example(_one(PAPER["2401.00001"], SKG.oneLiner, Literal("1", datatype=XSD.integer)))
def test_jsonld_parses_back_to_the_same_graph(triples):
    graph = triples.graph()
    text = to_jsonld(graph)
    same(graph, by_rdflib(text, "json-ld"), "survey.jsonld by rdflib")
    same(graph, by_oxigraph(text, ox.RdfFormat.JSON_LD), "survey.jsonld by Oxigraph")


@settings(max_examples=EXAMPLES // 3, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(graphs())
def test_every_dump_is_deterministic(triples):
    """The same triples inserted in another order give the same bytes."""
    graph = triples.graph()
    shuffled = Triples(sorted(graph, key=lambda t: tuple(x.n3() for x in t), reverse=True)).graph()
    for serialize in (to_turtle, to_ntriples, to_jsonld):
        assert serialize(shuffled) == serialize(graph), serialize.__name__


# ------------------------------------------------------------------ what JSON-LD cannot write

def test_an_iri_that_reads_as_a_compact_iri_is_refused_with_a_message(tmp_path):
    """`<paper:2401.00001>` (a prefixed name written in angle brackets) is an absolute IRI with the
    scheme "paper"; in the JSON-LD dump it would expand with the context's prefix paper: to
    another IRI. JSON-LD cannot write it (its "IRI confused with prefix" error): export stops with
    a one-line message naming the IRI, exit 2, and writes nothing."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "p.ttl").write_text(
        "<https://w3id.org/survey-kg/paper/2401.00001> <https://schema.org/url> "
        "<paper:2401.00001> .\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "export"])
    assert result.exit_code == 2, result.output
    message = result.output.strip()
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith("survey-kg: error: the IRI <paper:2401.00001> cannot be written in "
                              "JSON-LD"), message
    assert not (tmp_path / "dist").exists()
    # the same IRI is fine where the context has no such prefix, and in Turtle and N-Triples
    graph = _one(PAPER["2401.00001"], SCHEMA.url, URIRef("other:2401.00001")).graph()
    same(graph, by_rdflib(to_jsonld(graph), "json-ld"), "survey.jsonld by rdflib")
    confused = _one(PAPER["2401.00001"], SCHEMA.url, URIRef("paper:2401.00001")).graph()
    same(confused, by_oxigraph(to_turtle(confused), ox.RdfFormat.TURTLE), "survey.ttl")
    same(confused, by_oxigraph(to_ntriples(confused), ox.RdfFormat.N_TRIPLES), "survey.nt")
