"""Property-based tests of `import`: a generated paper, written as survey pages, comes back whole.

For generated entries with arbitrary Unicode titles, names and texts, `write_page` (a test-only
writer of the seed pages' format, below) renders an English and a Chinese page; `import_pages`
reads them, the graph goes through Turtle (`to_turtle`, then `load`, as `import --out` and
`validate` do; read back with `to_rdflib`), and every field must come back exactly, after the
importer's one documented normalization, with the language tag of the language it is written in.

The importer's normalization (`importer.clean`): runs of white space become one space and white
space at either end is dropped. "White space" is Python's (`str.split()`): it includes NBSP,
U+2028/U+2029, U+0085 and U+001C-U+001F. Zero-width and direction-control characters are not white
space: they are kept (and the shapes report them in names and titles).

What the generator leaves out, because the page format cannot carry it:
- line breaks ("\\n", "\\r") inside a field: every field is one line (a key point is one line);
- NUL: a file with NUL bytes is binary and refused (tested in test_bad_inputs.py);
- text that is only white space: the importer reads it as no text (nothing to keep);
- Han characters in English texts: they make a text Chinese (`language_of`), that is the rule;
- ',' in an author name: the Authors line separates names with commas;
- two authors of one paper whose names normalize to one person IRI ("Ada" and "ada"): one IRI per
  normalized name is the design (decision 0001), so they are one person;
- a venue ending in " preprint" or in a year: "arXiv preprint" is read as the venue arXiv, and
  "CVPR 2024" as CVPR in 2024 (the year is generated separately);
- a core-innovation line that is wholly one bold phrase (`**...**`): that is the syntax of the
  block's heading;
- an abstract line that is `</details>`, starts with `<details>` or is a `<summary><b>` title
  line: those delimit blocks and entries;
- in links: white space, '|', '(' and ')' (the Links line's separators and the markdown link's
  brackets; balanced parentheses are tested in the bad-input corpus), and what is not valid in an
  IRI (the importer refuses those, tested in the corpus).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS

from survey_kg import to_rdflib
from survey_kg.importer import (PAPER, SCHEMA, SKG, SUMMARY_TITLE, clean, import_pages, slug,
                                 to_turtle)
from survey_kg.load import load

EXAMPLES = 200
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LINK_PROPERTIES = {"Paper": SCHEMA.url, "PDF": SKG.pdf, "Code": SCHEMA.codeRepository,
                   "Project Page": SKG.projectPage}


# ------------------------------------------------------------------ a test-only page writer

@dataclass
class Entry:
    title: str
    authors: list[str]
    arxiv: str
    one_liner: str
    venue: str
    year: int
    links: list[tuple[str, str]]  # (label, url)
    core_innovation: str
    abstract: str
    key_points: list[str]


def write_page(category: str, entries: list[Entry], chinese_labels: bool = False) -> str:
    """A survey page in the format of the seed pages (README.en.md and its Chinese twin)."""
    core = "核心创新" if chinese_labels else "Core Innovation"
    lines = [f"### {category}", ""]
    for e in entries:
        lines += ["<details>", f"<summary><b>{e.title}</b></summary>", "",
                  f"* **{'作者' if chinese_labels else 'Authors'}:** {', '.join(e.authors)}",
                  f"* **arXiv ID:** {e.arxiv}",
                  f"* **{'一句话概述' if chinese_labels else 'One-liner'}:** {e.one_liner}",
                  f"* **{'发表于' if chinese_labels else 'Published in'}:** {e.venue} {e.year}",
                  f"* **{'链接' if chinese_labels else 'Links'}:** "
                  + " | ".join(f"[[{label}]]({url})" for label, url in e.links),
                  "", f"> **{core}**", f"> {e.core_innovation}", "",
                  "<details>", "    <summary>Abstract</summary>", f"    {e.abstract}", "</details>",
                  "", "<details>", "    <summary>Key points</summary>",
                  *(f"    * {point}" for point in e.key_points), "</details>", "</details>",
                  "", "---", ""]
    return "\n".join(lines)


# ------------------------------------------------------------------ strategies

def _one_line(blacklist: str = "") -> st.SearchStrategy[str]:
    return st.text(st.characters(blacklist_categories=("Cs",),
                                 blacklist_characters="\n\r\x00" + blacklist), min_size=1)


def _has_text(text: str) -> bool:
    return bool(text.strip())


def _block_safe(text: str) -> bool:
    line = text.strip()
    return not (line == "</details>" or line.startswith("<details>") or SUMMARY_TITLE.match(line))


def english(blacklist: str = "") -> st.SearchStrategy[str]:
    return _one_line(blacklist).filter(_has_text).filter(lambda t: not HAN.search(t))


def chinese(blacklist: str = "") -> st.SearchStrategy[str]:
    han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
    around = _one_line(blacklist) | st.just("")
    return st.tuples(around, han, around).map("".join)


def not_a_heading(text: str) -> bool:
    return not re.fullmatch(r"\s*\*\*[^*]+\*\*\s*", text)


names = _one_line(",").filter(_has_text)
url_chars = st.characters(
    blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp", "Co", "Cn"),
    blacklist_characters=" \"<>\\^`{|}()%#[]", min_codepoint=0x21).filter(
    # RFC 3987's ucschar: no noncharacters, specials (U+FFF0-U+FFFF) or plane 14's first block
    lambda c: not c.isspace() and not (0xFDD0 <= ord(c) <= 0xFDEF)
    and not (0xFFF0 <= ord(c) <= 0xFFFF) and not (0xE0000 <= ord(c) <= 0xE0FFF)
    and (ord(c) & 0xFFFE) != 0xFFFE)
urls = st.text(url_chars, max_size=30).map(lambda path: "https://example.org/" + path)


@st.composite
def venues(draw) -> str:
    name = draw(english("|"))
    assume(not re.search(r"(\s+preprint|(19|20)[0-9]{2})\s*$", name, re.IGNORECASE))
    return name


@st.composite
def papers(draw, arxiv: str | None = None):
    """One paper as an English and a Chinese entry (same ID, authors, venue and links)."""
    authors = draw(st.lists(names, min_size=1, max_size=5))
    assume(len({slug(clean(a)) for a in authors}) == len(authors))
    arxiv = arxiv or draw(st.from_regex(r"\A[0-9]{2}(0[1-9]|1[0-2])\.[0-9]{4,5}\Z"))
    shared = dict(authors=authors, arxiv=arxiv, venue=draw(venues()),
                  year=draw(st.integers(2000 + int(arxiv[:2]), 2099)),
                  links=draw(st.lists(st.tuples(st.sampled_from(sorted(LINK_PROPERTIES)), urls),
                                      max_size=4, unique_by=lambda link: link[1])))
    en = Entry(title=draw(english()), one_liner=draw(english()),
               core_innovation=draw(english().filter(not_a_heading)),
               abstract=draw(english().filter(_block_safe)),
               key_points=draw(st.lists(english(), min_size=1, max_size=4)), **shared)
    zh = Entry(title=draw(chinese()), one_liner=draw(chinese()),
               core_innovation=draw(chinese().filter(not_a_heading)),
               abstract=draw(chinese().filter(_block_safe)),
               key_points=draw(st.lists(chinese(), min_size=1, max_size=4)), **shared)
    return en, zh


# ------------------------------------------------------------------ reading the graph back

def round_trip(pages: list[tuple[str, str]]):
    """Import the pages, write Turtle, read it back: the graph `validate` would see."""
    with TemporaryDirectory() as folder:
        paths = []
        for name, text in pages:
            path = Path(folder) / name
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        result = import_pages(paths)
        out = Path(folder) / "out.ttl"
        out.write_text(to_turtle(result.graph), encoding="utf-8")
        return result, to_rdflib(load([out]))


def texts(graph, subject, prop) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    for literal in graph.objects(subject, prop):
        found.setdefault(literal.language, []).append(str(literal))
    assert all(len(v) == 1 for v in found.values()), found
    return {lang: v[0] for lang, v in found.items()}


def ordered(graph, subject, prop, value_of) -> list:
    nodes = sorted(graph.objects(subject, prop), key=lambda n: int(graph.value(n, SKG.position)))
    return [value_of(n) for n in nodes]


# ------------------------------------------------------------------ the properties

@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(papers(), st.booleans())
def test_every_field_of_a_generated_entry_comes_back(paper, chinese_labels):
    en, zh = paper
    result, g = round_trip([("README.md", write_page("Video Generation", [en])),
                            ("README_zh.md", write_page("视频生成", [zh], chinese_labels))])
    assert result.entries == 2 and result.papers == 1
    assert [f for f in result.findings if f.kind != "note"] == []
    p = PAPER[en.arxiv]
    assert (p, RDF.type, SCHEMA.ScholarlyArticle) in g
    assert (p, SKG.arxivId, Literal(en.arxiv)) in g
    for prop, attr in ((DCTERMS.title, "title"), (SKG.oneLiner, "one_liner"),
                       (SKG.coreInnovation, "core_innovation"), (DCTERMS.abstract, "abstract")):
        assert texts(g, p, prop) == {"en": clean(getattr(en, attr)), "zh": clean(getattr(zh, attr))}
    for lang, entry in (("en", en), ("zh", zh)):
        points = [n for n in g.objects(p, SKG.keyPoint) if g.value(n, SKG.text).language == lang]
        points.sort(key=lambda n: int(g.value(n, SKG.position)))
        assert [str(g.value(n, SKG.text)) for n in points] == [clean(k) for k in entry.key_points]

    def name_of(authorship):
        person = g.value(authorship, SKG.author)
        assert str(person).startswith("https://w3id.org/survey-kg/person/")
        return str(g.value(person, FOAF.name))

    assert ordered(g, p, SKG.authorship, name_of) == [clean(a) for a in en.authors]
    venue = g.value(p, SKG.venue)
    assert str(g.value(venue, SKG.acronym)) == clean(en.venue)
    assert g.value(p, DCTERMS.issued) == Literal(str(en.year), datatype=URIRef(
        "http://www.w3.org/2001/XMLSchema#gYear"))
    links = {(prop, o) for prop in LINK_PROPERTIES.values() for o in g.objects(p, prop)}
    assert links == {(LINK_PROPERTIES[label], URIRef(url)) for label, url in en.links}


@st.composite
def surveys(draw):
    """Pages of several entries, some of them the same paper listed twice (as the seed does)."""
    ids = draw(st.lists(st.from_regex(r"\A2[0-4](0[1-9]|1[0-2])\.[0-9]{5}\Z"), min_size=1,
                        max_size=4, unique=True))
    listed = draw(st.permutations(ids + draw(st.lists(st.sampled_from(ids), max_size=3))))
    entries = [draw(papers(arxiv=arxiv))[0] for arxiv in listed]
    return entries


@settings(max_examples=EXAMPLES // 4, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(surveys())
def test_entries_read_and_papers_written_add_up(entries):
    result, g = round_trip([("README.md", write_page("Video Generation", entries))])
    assert result.entries == len(entries)
    assert result.papers == len({e.arxiv for e in entries})
    written = {str(o) for o in g.objects(None, SKG.arxivId)}
    assert written == {e.arxiv for e in entries}
    assert len(set(g.subjects(RDF.type, SCHEMA.ScholarlyArticle))) == result.papers
    # every entry left a source record (file and line) on its paper
    sources = [g.value(s, SKG.sourceLine) for s in g.objects(None, URIRef(
        "http://www.w3.org/ns/prov#wasDerivedFrom"))]
    assert len(sources) == len(entries)
    assert set(g.subjects(RDF.type, SKOS.Concept)) == {URIRef(
        "https://w3id.org/survey-kg/category/video-generation")}
