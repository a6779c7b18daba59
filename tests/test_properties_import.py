"""Property-based tests of `import`: a generated work, written as survey pages, comes back whole.

For generated entries with arbitrary Unicode titles, names and texts, `write_page` (a test-only
writer of the upstream pages' entry format, below) renders an English and a Chinese page of one
section folder; `import_pages` reads them, the graph goes through Turtle (`ImportResult.turtle`,
then `load`, as `import --out` and `validate` do), and every field must come back exactly, after
the importer's one documented normalization, with the language tag of the language it is
written in.

The importer's normalization (`importer.pages.clean`): runs of white space become one space and
white space at either end is dropped. "White space" is Python's (`str.split()`): it includes
NBSP, U+2028/U+2029, U+0085 and U+001C-U+001F. Zero-width and direction-control characters are
not white space: they are kept (and the shapes report them in names and titles).

What the generator leaves out, because the page format cannot carry it or the importer reads it
on purpose as something else:
- line breaks ("\\n", "\\r") inside a field: every field is one line here (fields over several
  lines are tested in test_bad_inputs.py);
- NUL: a file with NUL bytes is binary and refused (tested in test_bad_inputs.py);
- text that is only white space: the importer reads it as no text (nothing to keep);
- Han characters in English texts: they make a text Chinese (`language_of`), that is the rule;
- "<", ">" and "&": the entries are HTML (summaries, blocks, lists) and their text is read as
  HTML (character references replaced); "\\" before punctuation is a markdown escape;
- a short run of Han characters inside Latin text whose GBK bytes are UTF-8 (伪 for α): the
  importer repairs it as mis-encoded text, and reports it (`works.mojibake`);
- in author names: the separators of an author list (",", "，", "、", ";", "；", " and "), a
  name ending "et al"/"等" (a list cut short) or in dots, and two names of one work that
  normalize to one person IRI ("Ada" and "ada": one IRI per normalized name, decision 0001);
  a name ending in Team, Lab, Research... is an organization (tested in test_importer.py);
- in venues: a year, parentheses or "preprint" ("CVPR 2024" is CVPR in 2024, "arXiv preprint"
  arXiv, "2024 (open release)" a release: the year is generated separately), and "," or ";" at
  either end;
- a core-innovation line that is wholly one bold phrase (`**...**`): that is the syntax of the
  block's heading;
- in links: white space, "|", "(", ")", "[" and "]" (the Links line's separators and the
  markdown link's brackets), and what is not valid in an IRI (the importer reports those as
  errors, tested in the bad-input corpus); Code links are generated on github.com (a "Code"
  link elsewhere is not a repository, tested in test_importer.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

import pyoxigraph as ox
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from survey_kg.importer import import_pages
from survey_kg.importer.pages import clean
from survey_kg.importer.works import _link_key, link_kind, mojibake, slug
from survey_kg.load import load
from survey_kg.paths import PREFIXES

EXAMPLES = 200
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
SCHEMA, SKG = PREFIXES["schema"], PREFIXES["skg"]
LINK_PROPERTIES = {"Paper": SCHEMA + "url", "PDF": SKG + "pdf", "Project Page": SKG + "projectPage"}


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
    """A section page in the format of the upstream pages (consisency-paper/*/README.md)."""
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
                                 blacklist_characters="\n\r\x00<>&\\" + blacklist), min_size=1)


def _readable(text: str) -> bool:
    return bool(text.strip()) and mojibake(text) is None


def english(blacklist: str = "") -> st.SearchStrategy[str]:
    return _one_line(blacklist).filter(_readable).filter(lambda t: not HAN.search(t))


def chinese(blacklist: str = "") -> st.SearchStrategy[str]:
    han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
    around = _one_line(blacklist) | st.just("")
    return st.tuples(around, han, around).map("".join).filter(_readable)


def not_a_heading(text: str) -> bool:
    return not re.fullmatch(r"\s*\*\*[^*]+\*\*\s*", text)


def a_name(text: str) -> bool:
    name = clean(text)
    return bool(name) and name == name.strip(" .") and not re.search(
        r"(^|\s)and(\s|$)|et al$|等$|(^|\s)(Team|Lab|Labs|Research|Inc\.|Group|团队|实验室)$",
        name, re.I)


names = _one_line(",，、;；").filter(_readable).filter(a_name)
url_chars = st.characters(
    blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp", "Co", "Cn"),
    blacklist_characters=" \"<>\\^`{|}()%#[]", min_codepoint=0x21).filter(
    # RFC 3987's ucschar: no noncharacters, specials (U+FFF0-U+FFFF) or plane 14's first block
    lambda c: not c.isspace() and not (0xFDD0 <= ord(c) <= 0xFDEF)
    and not (0xFFF0 <= ord(c) <= 0xFFFF) and not (0xE0000 <= ord(c) <= 0xE0FFF)
    and (ord(c) & 0xFFFE) != 0xFFFE)
paths = st.text(url_chars, min_size=1, max_size=30).filter(lambda p: not p.endswith("/"))
links = st.one_of(
    st.tuples(st.sampled_from(sorted(LINK_PROPERTIES)), paths.map("https://example.org/".__add__)),
    st.tuples(st.just("Code"), st.tuples(paths, paths).map(
        lambda p: f"https://github.com/{p[0].replace('/', '')}x/{p[1]}").filter(
        lambda url: link_kind("Code", url) == "code")))  # a repository's path: OWNER/REPO


@st.composite
def venues(draw) -> str:
    name = draw(english("|()"))
    assume(not re.search(r"(1[89]|20)[0-9]{2}|preprint", name, re.IGNORECASE))
    assume(clean(name) == clean(name).strip(" ,;"))
    return name


@st.composite
def papers(draw, arxiv: str | None = None):
    """One paper as an English and a Chinese entry (same ID, authors, venue and links)."""
    authors = draw(st.lists(names, min_size=1, max_size=5))
    assume(len({slug(clean(a)) for a in authors}) == len(authors))
    arxiv = arxiv or draw(st.from_regex(r"\A[0-9]{2}(0[1-9]|1[0-2])\.[0-9]{4,5}\Z"))
    shared = dict(authors=authors, arxiv=arxiv, venue=draw(venues()),
                  year=draw(st.integers(2000 + int(arxiv[:2]), 2099)),
                  links=draw(st.lists(links, max_size=4,
                                      unique_by=lambda link: _link_key(link[1]).casefold())))
    en = Entry(title=draw(english()), one_liner=draw(english()),
               core_innovation=draw(english().filter(not_a_heading)),
               abstract=draw(english()),
               key_points=draw(st.lists(english(), min_size=1, max_size=4)), **shared)
    zh = Entry(title=draw(chinese()), one_liner=draw(chinese()),
               core_innovation=draw(chinese().filter(not_a_heading)),
               abstract=draw(chinese()),
               key_points=draw(st.lists(chinese(), min_size=1, max_size=4)), **shared)
    return en, zh


# ------------------------------------------------------------------ reading the graph back

def round_trip(pages: list[tuple[str, str]]):
    """Import the pages (of the section folder video-generation), write Turtle, read it back:
    the graph `validate` would see."""
    with TemporaryDirectory() as folder:
        section = Path(folder) / "video-generation"
        section.mkdir()
        paths = []
        for name, text in pages:
            path = section / name
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        result = import_pages(paths, Path(folder))
        out = Path(folder) / "out.ttl"
        out.write_bytes(result.turtle())
        return result, load([out])


def values(store: ox.Store, subject, predicate: str) -> list:
    subject = ox.NamedNode(subject) if isinstance(subject, str) else subject
    return [q.object for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)]


def texts(store: ox.Store, subject: str, predicate: str) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    for literal in values(store, subject, predicate):
        found.setdefault(literal.language, []).append(literal.value)
    assert all(len(v) == 1 for v in found.values()), found
    return {lang: v[0] for lang, v in found.items()}


def ordered(store: ox.Store, subject: str, predicate: str) -> list:
    nodes = values(store, subject, predicate)
    return sorted(nodes, key=lambda n: int(values(store, n, SKG + "position")[0].value))


# ------------------------------------------------------------------ the properties

@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(papers(), st.booleans())
def test_every_field_of_a_generated_entry_comes_back(paper, chinese_labels):
    en, zh = paper
    result, g = round_trip([("README.md", write_page("Video Generation", [en])),
                            ("README_zh.md", write_page("视频生成", [zh], chinese_labels))])
    assert result.entries == 2 and len(result.works) == 1
    # the only report: the venue is not in a venue table (none is given here)
    assert [(f.kind, f.field) for f in result.findings] == [("unknown-venue", "published in")]
    p = PREFIXES["paper"] + en.arxiv
    assert ox.NamedNode(SCHEMA + "ScholarlyArticle") in values(g, p, PREFIXES["rdf"] + "type")
    (identifier,) = [n for n in values(g, p, SCHEMA + "identifier") if n.value.endswith("/arxiv")]
    assert [v.value for v in values(g, identifier, SCHEMA + "value")] == [en.arxiv]
    for prop, attr in ((SCHEMA + "name", "title"), (SCHEMA + "description", "one_liner"),
                       (SKG + "coreInnovation", "core_innovation"),
                       (SCHEMA + "abstract", "abstract")):
        assert texts(g, p, prop) == {"en": clean(getattr(en, attr)), "zh": clean(getattr(zh, attr))}
    for lang, entry in (("en", en), ("zh", zh)):
        points = [n for n in ordered(g, p, SKG + "keyPoint")
                  if values(g, n, SKG + "text")[0].language == lang]
        assert [values(g, n, SKG + "text")[0].value for n in points] == \
            [clean(k) for k in entry.key_points]

    def name_of(authorship):
        (person,) = values(g, authorship, SKG + "author")
        assert person.value.startswith(PREFIXES["person"])
        assert [v.value for v in values(g, authorship, SKG + "printedName")] == [
            clean(values(g, person, SCHEMA + "name")[0].value)]
        return values(g, person, SCHEMA + "name")[0].value

    assert [name_of(a) for a in ordered(g, p, SKG + "authorship")] == [clean(a) for a in en.authors]
    (venue,) = values(g, p, SKG + "venue")
    assert [v.value for v in values(g, venue, SKG + "acronym")] == [clean(en.venue)]
    assert values(g, p, SCHEMA + "datePublished") == [ox.Literal(
        str(en.year), datatype=ox.NamedNode(PREFIXES["xsd"] + "gYear"))]
    found = {(prop, o.value) for prop in LINK_PROPERTIES.values() for o in values(g, p, prop)}
    assert found == {(LINK_PROPERTIES[label], url) for label, url in en.links if label != "Code"}
    code = {values(g, q.subject, SCHEMA + "codeRepository")[0].value for q in g.quads_for_pattern(
        None, ox.NamedNode(SCHEMA + "isBasedOn"), ox.NamedNode(p))}
    assert code == {url for label, url in en.links if label == "Code"}


@st.composite
def surveys(draw):
    """Pages of several entries, some of them the same paper listed twice (as the survey
    does)."""
    ids = draw(st.lists(st.from_regex(r"\A2[0-4](0[1-9]|1[0-2])\.[0-9]{5}\Z"), min_size=1,
                        max_size=4, unique=True))
    listed = draw(st.permutations(ids + draw(st.lists(st.sampled_from(ids), max_size=3))))
    entries = [draw(papers(arxiv=arxiv))[0] for arxiv in listed]
    return entries


@settings(max_examples=EXAMPLES // 4, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(surveys())
def test_entries_read_and_works_written_add_up(entries):
    result, g = round_trip([("README.md", write_page("Video Generation", entries))])
    assert result.entries == len(entries)
    assert len(result.works) == len({e.arxiv for e in entries})
    works = {q.subject.value for q in g.quads_for_pattern(
        None, ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(SCHEMA + "ScholarlyArticle"))}
    assert works == {PREFIXES["paper"] + e.arxiv for e in entries}
    # every entry left a source record (file and line) on its work
    sources = [q.object for q in g.quads_for_pattern(
        None, ox.NamedNode(PREFIXES["prov"] + "wasDerivedFrom"), None)]
    assert len(sources) == len(entries)
    lines = sorted(int(values(g, s, SKG + "sourceLine")[0].value) for s in sources)
    assert len(set(lines)) == len(entries)
    # an entry listed again is reported as such, once per repetition
    assert sum(f.kind == "duplicate" for f in result.findings) == \
        len(entries) - len(result.works)
    concepts = {q.subject.value for q in g.quads_for_pattern(
        None, ox.NamedNode(PREFIXES["rdf"] + "type"),
        ox.NamedNode(PREFIXES["skos"] + "Concept"))}
    assert concepts == {PREFIXES["category"] + "video-generation"}
