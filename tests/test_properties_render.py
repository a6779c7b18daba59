"""Property-based tests of the README: generated papers come back from the rendered markdown, and
no markup from the data gets out of its place.

The README is read the way a reader's renderer reads it: markdown-it-py (CommonMark, raw HTML
allowed, GitHub tables and strikethrough). A rendered entry is taken apart token by token
(`read_listing`): the title, abstract and key points from the `<details>` HTML blocks (entities
decoded), every other field from its inline tokens (backslash escapes decoded). A field's tokens
may only be text, and the few tokens the template itself writes: the emphasis of an "(English
only)" marker or a withheld-link note, and the links of the Links line. Anything else (an HTML
tag, a code span, an image, a link elsewhere, emphasis the data opened) is markup leaking out.

1. import ∘ render. Generated entries (the part-1 page writer of test_properties_import.py, with
   hostile text: markdown and HTML metacharacters, `](javascript:...)`, tags, entities, RTL and
   zero-width characters, emoji, CJK) are written as an English and a Chinese page, imported, and
   rendered with the real templates and queries. Each field read back from the rendered entry of
   its paper equals the input after the one documented normalization (runs of white space become
   one space, ends trimmed: `importer.clean`, which is what `render.markdown.plain` does too).
   The rendered README is not a page `import` reads as it is (its key points are a `<ul>`, and
   the escapes it adds are markdown's, not the page format's), so this is the round trip that
   holds: import, render, read as markdown.
2. Graphs made directly (beyond what the page format can carry: line breaks in texts, commas in
   names, several categories per paper, texts missing in one language, links with javascript:,
   data:, file: and ftp: schemes, parentheses and quotes in http links) are rendered in both
   languages, every section. The page must parse to exactly one top-level `<details>` block per
   listed entry (plus the author index), balanced; HTML tokens hold only the template's tags; every
   link is http(s); every table row has its header's cell count; headings hold only text; Mermaid
   labels stay in their quotes; and every field of every entry reads back as in (1), with the
   "(English only)" marker exactly where the text comes from the other language.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from urllib.parse import unquote

import pyoxigraph as ox
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from survey_kg.importer import CJK, SUMMARY, clean, import_pages, slug, to_turtle
from survey_kg.load import load
from survey_kg.paths import Survey
from survey_kg.rdf import RDF_TYPE, named
from survey_kg.render import markdown as render
from survey_kg.render import pages as page_sections

from .conftest import ROOT
from .test_properties_import import (LINK_PROPERTIES, Entry, _block_safe, not_a_heading, urls,
                                     write_page)

EXAMPLES = 120
SURVEY = Survey(ROOT)
ALLOWED_TAGS = {"details", "summary", "b", "ul", "li", "em", "sub"}
KINDS = {"Paper": "paper", "PDF": "pdf", "Code": "code", "Project Page": "projectPage"}
PROPERTY_KIND = {named("schema:url"): "paper", named("skg:pdf"): "pdf",
                 named("schema:codeRepository"): "code", named("skg:projectPage"): "projectPage"}
TITLE, ABSTRACT, ISSUED, SUBJECT, CREATOR = (named("dcterms:" + name) for name in (
    "title", "abstract", "issued", "subject", "creator"))
ONE_LINER, CORE_INNOVATION, VENUE_OF, VENUE_KIND = (named("skg:" + name) for name in (
    "oneLiner", "coreInnovation", "venue", "venueKind"))
PREPRINT_SERVER = named("skg:PreprintServer")
KIND_ORDER = ["paper", "pdf", "code", "projectPage"]
EM, LINK, END = "\x00em:", "\x00link:", "\x00"  # how read_inline shows the template's own markup


def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    # markdown-it drops javascript:/data: links and re-encodes targets: keep both as written, so
    # that a link the page should not have is seen, with its target as the page has it
    md.validateLink = lambda url: True
    md.normalizeLink = lambda url: url
    return md


def plain(text: str) -> str:
    """The documented normalization: runs of white space as one space, ends trimmed."""
    return " ".join(text.split())


# ------------------------------------------------------------------ hostile text

FRAGMENTS = [
    "|", "<", ">", "&", "`", "```", "[", "]", "(", ")", "*", "**", "_", "__", "#", "\\", "~~",
    "$", "$$", "@", "!", "](javascript:alert(1))", "[x](javascript:alert(2))", "![i](http://x/i.png)",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<iframe src=//evil>",
    '<a href="javascript:alert(1)">a</a>', "</details>", "<details>", "<summary>", "</summary>",
    "</b>", "<b>", "</li></ul>", "<!--", "-->", "&amp;", "&lt;", "&#60;", "&#x3C;", "&nbsp;",
    "<https://evil.example>", "http://x.example/a_b_", "www.example.com", "a@b.example",
    ":smile:", "- ", "+ ", "1. ", "2) ", "> ", "# ", "=", "---", "***", "    ", "\t", "|---|",
    "\u202e", "\u202d", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2066", "\u2069",
    "\ufeff", "\u00a0", "\u3000", "😀", "👩\u200d👩\u200d👧", "🇨🇳", "ひらがな", "한국어",
    "العربية", "עברית", "Ünïcödé", "e\u0301", "𝔘𝔫𝔦", "{", "}", "{venue}", "%s", '"', "'",
]
HAN_FRAGMENTS = ["中文", "视频生成", "「引号」", "（括号）", "模型：", "一、", "《书名》"]


def one_line(blacklist: str = "") -> st.SearchStrategy[str]:
    return st.text(st.characters(blacklist_categories=("Cs",),
                                 blacklist_characters="\n\r\x00" + blacklist), max_size=8)


def hostile(blacklist: str = "", fragments=FRAGMENTS) -> st.SearchStrategy[str]:
    """One line of text, mostly pieces that mean something to markdown or HTML."""
    pieces = [f for f in fragments if not set(f) & set(blacklist)]
    return st.lists(st.one_of(st.sampled_from(pieces), one_line(blacklist)), min_size=1,
                    max_size=8).map("".join).filter(lambda t: t.strip())


def english(blacklist: str = "") -> st.SearchStrategy[str]:
    return hostile(blacklist).filter(lambda t: not CJK.search(t))


def chinese(blacklist: str = "") -> st.SearchStrategy[str]:
    return st.tuples(hostile(blacklist) | st.just(""), st.sampled_from(HAN_FRAGMENTS),
                     hostile(blacklist) | st.just("")).map("".join)


def block_safe(text: str) -> bool:
    """What an abstract line of a page may be (besides `_block_safe`): a line that is a
    `<summary>` element is read as a block's label."""
    return _block_safe(text) and not SUMMARY.match(text.strip())


@st.composite
def venue_names(draw) -> str:
    name = draw(english("|"))
    assume(not re.search(r"(\s+preprint|(19|20)[0-9]{2})\s*$", name, re.IGNORECASE))
    return name


@st.composite
def paper_entries(draw, arxiv: str):
    """One paper as an English and a Chinese entry, in the page format import reads (see the
    limits listed in test_properties_import.py)."""
    authors = draw(st.lists(english(","), min_size=1, max_size=4))
    assume(len({slug(clean(a)) for a in authors}) == len(authors))
    shared = dict(authors=authors, arxiv=arxiv, venue=draw(venue_names()),
                  year=draw(st.integers(2000 + int(arxiv[:2]), 2099)),
                  links=draw(st.lists(st.tuples(st.sampled_from(sorted(LINK_PROPERTIES)), urls),
                                      max_size=3, unique_by=lambda link: link[1])))
    texts = {}
    for lang, text in (("en", english), ("zh", chinese)):
        texts[lang] = Entry(title=draw(text()), one_liner=draw(text()),
                            core_innovation=draw(text().filter(not_a_heading)),
                            abstract=draw(text().filter(block_safe)),
                            key_points=draw(st.lists(text(), min_size=1, max_size=3)), **shared)
    return texts["en"], texts["zh"]


@st.composite
def pages(draw):
    """1-3 papers in one category, its name hostile too."""
    ids = draw(st.lists(st.from_regex(r"\A2[0-4](0[1-9]|1[0-2])\.[0-9]{5}\Z"), min_size=1,
                        max_size=3, unique=True))
    category = {"en": draw(english()), "zh": draw(chinese())}
    papers = [draw(paper_entries(arxiv)) for arxiv in ids]
    # one person IRI per normalized name (decision 0001): two names that normalize alike are one
    # person with two names, which validate reports; the generator keeps people apart
    # (and a venue IRI per normalized acronym)
    for values in ({clean(a) for en, _ in papers for a in en.authors},
                   {clean(en.venue) for en, _ in papers}):
        assume(len({slug(value) for value in values}) == len(values))
    return category, papers


# ------------------------------------------------------------------ reading the README back

def read_inline(children) -> tuple[str, list[str]]:
    """The text a reader sees in an inline run, escapes decoded, with the template's own markup
    shown as EM.../LINK... markers; and the link targets. Any other token is markup from data."""
    out, hrefs = [], []
    for token in children:
        if token.type == "text":
            out.append(token.content)
        elif token.type == "em_open":
            out.append(EM)
        elif token.type == "link_open":
            out.append(LINK)
            hrefs.append(token.attrs["href"])
        elif token.type in ("em_close", "link_close"):
            out.append(END)
        else:
            raise AssertionError(f"markup from data: a {token.type} token ({token.content!r}) in "
                                 f"{''.join(t.content for t in children)!r}")
    return "".join(out), hrefs


def labelled(children) -> tuple[str, str, list[str]]:
    """A `**Label** value` run: (label, value as read_inline shows it, link targets)."""
    assert [t.type for t in children[:4]] == ["text", "strong_open", "text", "strong_close"], \
        [t.type for t in children[:4]]
    text, hrefs = read_inline(children[4:])
    return children[2].content, text, hrefs


@dataclass
class Shown:
    """One entry of the listing as a reader sees it."""

    category: str
    title: str
    fields: dict = field(default_factory=dict)  # label -> text (read_inline)
    hrefs: list = field(default_factory=list)   # of the Links line
    core: str | None = None
    abstract: tuple | None = None   # (marker or None, text)
    key_points: tuple | None = None  # (marker or None, [texts])
    notes: list = field(default_factory=list)


def html_tags(content: str) -> list[tuple[str, str]]:
    return re.findall(r"<\s*(/?)\s*([A-Za-z][\w-]*)", content)


def read_listing(markdown: str, t: dict) -> tuple[list, list[Shown]]:
    """The categories ((heading, {label: text}) for profile and significance) and the entries of
    a listing."""
    tokens = parser().parse(markdown)
    categories: list = []
    entries: list[Shown] = []
    category, current, depth, in_quote, quote_lines = None, None, 0, False, []
    html_parts: list[str] = []
    for i, token in enumerate(tokens):
        if token.type in ("html_block", "html_inline") or (token.type == "inline" and any(
                c.type == "html_inline" for c in token.children)):
            contents = [token.content] if token.type != "inline" else \
                [c.content for c in token.children if c.type == "html_inline"]
            for content in contents:
                if depth == 0 and token.type == "html_block" and content.startswith("<details>"):
                    m = re.fullmatch(r"<details>\n<summary><b>([^<\n]*)</b></summary>\n", content)
                    assert m, f"an entry must open with its title alone: {content!r}"
                    current = Shown(category, html.unescape(m[1]))
                    entries.append(current)
                    html_parts = []
                for closing, tag in html_tags(content):
                    assert tag.lower() in ALLOWED_TAGS, f"tag <{closing}{tag}> in {content!r}"
                    if tag.lower() == "details":
                        depth += -1 if closing else 1
                        assert depth >= 0, "a </details> without its <details>"
                if current is not None and token.type == "html_block":
                    html_parts.append(content)
            if current is not None and depth == 0:
                finish(current, "".join(html_parts), t)
                current = None
        if token.type == "heading_open" and token.tag == "h3":
            category, _ = read_inline(tokens[i + 1].children)
            categories.append((category, {}))
        elif token.type == "blockquote_open":
            in_quote, quote_lines = True, []
        elif token.type == "blockquote_close":
            in_quote = False
            assert current is not None and len(quote_lines) in (1, 2), quote_lines
            assert quote_lines[0] == t["core_innovation"], quote_lines
            current.core = quote_lines[1] if len(quote_lines) == 2 else ""
        elif token.type == "inline" and in_quote:
            if quote_lines:
                quote_lines.append(read_inline(token.children)[0])
            else:
                label, rest, _ = labelled(token.children)
                assert rest == "", rest
                quote_lines.append(label)
        elif token.type == "inline" and tokens[i - 2].type == "list_item_open" and \
                current is not None:
            label, text, hrefs = labelled(token.children)
            assert label not in current.fields, f"field {label} twice"
            current.fields[label] = text.removeprefix(" ")
            if label == t["links"]:
                current.hrefs = hrefs
            else:
                assert not hrefs, f"a link in {label}: {hrefs}"
        elif token.type == "inline" and token.children and \
                token.children[0].type == "html_inline" and token.children[0].content == "<sub>":
            assert token.children[-1].content == "</sub>" and current is not None
            text, hrefs = read_inline(token.children[1:-1])
            assert not hrefs and text.startswith(t["curation_note"]), text
            current.notes.append(text[len(t["curation_note"]):])
        elif token.type == "inline" and current is None and category is not None and \
                len(token.children) > 1 and token.children[1].type == "strong_open":
            label, text, hrefs = labelled(token.children)
            # an empty text leaves "label:" (markdown drops the space that followed the colon)
            text = text if text != t["colon"].rstrip() else t["colon"]
            assert not hrefs and text.startswith(t["colon"]), text
            categories[-1][1][label] = text[len(t["colon"]):]
    assert depth == 0 and current is None, "the listing ends inside an entry"
    return categories, entries


def finish(entry: Shown, blocks: str, t: dict) -> None:
    """Abstract and key points from the entry's HTML blocks."""
    marker = r"(?: <em>([^<\n]*)</em>)?"
    abstract = re.search(rf"<details>\n<summary>{re.escape(t['abstract'])}{marker}</summary>\n"
                         r"([^<\n]*)\n?</details>", blocks)
    if abstract:
        entry.abstract = (abstract[1] and html.unescape(abstract[1]), html.unescape(abstract[2]))
    points = re.search(rf"<details>\n<summary>{re.escape(t['key_points'])}{marker}</summary>\n"
                       r"<ul>\n((?:<li>[^<\n]*</li>\n)*)</ul>\n</details>", blocks)
    if points:
        items = re.findall(r"<li>([^<\n]*)</li>", points[2])
        entry.key_points = (points[1] and html.unescape(points[1]),
                            [html.unescape(item) for item in items])
    rest = blocks
    for m in (abstract, points):
        if m:
            rest = rest.replace(m[0], "", 1)
    # what is left of the entry's HTML: its own opening and closing lines, nothing from data
    assert re.fullmatch(r"<details>\n<summary><b>[^<\n]*</b></summary>\n\s*</details>\n",
                        rest), rest


def marked(text: str, lang: str, t: dict) -> str:
    """How read_inline shows a text of language `lang` in the README of t's language."""
    if lang == t["__lang"]:
        return plain(text)
    # a marker before an empty text: the line's trailing space is not part of the page
    return f"{EM}{t['only_in'][lang]}{END} {plain(text)}".rstrip(" ")


def labels(lang: str) -> dict:
    return {**render.labels()[lang], "__lang": lang}


def render_listing(store: ox.Store, lang: str) -> str:
    return page_sections.render_section(store, SURVEY, "listing", lang)


# ------------------------------------------------------------------ 1. import, render, read

def round_trip(pages: list[tuple[str, str]]):
    """Import the pages, write Turtle, read it back: the store `validate` and `readme` would
    see."""
    with TemporaryDirectory() as folder:
        paths = []
        for name, text in pages:
            path = Path(folder) / name
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        result = import_pages(paths)
        out = Path(folder) / "out.ttl"
        out.write_text(to_turtle(result.graph), encoding="utf-8")
        return result, load([out])


def value(store: ox.Store, subject, predicate):
    """The object of (subject, predicate, ?) in the store, or None when it has none (or the
    subject is None)."""
    if subject is None:
        return None
    quads = list(store.quads_for_pattern(subject, predicate, None))
    assert len(quads) <= 1, quads
    return quads[0].object if quads else None

def _links_text(links: list[tuple[str, str]], t: dict) -> tuple[str, list[str]]:
    ordered = sorted(links, key=lambda link: (KIND_ORDER.index(KINDS[link[0]]), link[1]))
    shown = " | ".join(f"{LINK}[{t['link_labels'][KINDS[label]]}]{END}" for label, _ in ordered)
    return shown, [url for _, url in ordered]


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(pages())
def test_imported_entries_come_back_from_the_rendered_readme(survey):
    category, papers = survey
    result, store = round_trip([
        ("README.md", write_page(category["en"], [en for en, _ in papers])),
        ("README_zh.md", write_page(category["zh"], [zh for _, zh in papers], True))])
    assert [f for f in result.findings if f.kind != "note"] == []
    for lang in ("en", "zh"):
        t = labels(lang)
        categories, shown = read_listing(render_listing(store, lang), t)
        assert categories == [(plain(category[lang]), {})]
        assert sorted(s.fields[t["arxiv_id"]] for s in shown) == sorted(en.arxiv for en, _ in papers)
        for en, zh in papers:
            entry = en if lang == "en" else zh
            [s] = [s for s in shown if s.fields[t["arxiv_id"]] == en.arxiv]  # exactly one block
            assert s.category == plain(category[lang])
            assert s.title == plain(entry.title)
            links, hrefs = _links_text(en.links, t)
            venue = value(store, named("paper:" + en.arxiv), VENUE_OF)
            preprint = value(store, venue, VENUE_KIND) == PREPRINT_SERVER
            expected = {
                t["authors"]: ", ".join(plain(a) for a in en.authors),
                t["arxiv_id"]: en.arxiv,
                t["one_liner"]: plain(entry.one_liner),
                t["published_in"]: t["preprint_year" if preprint else "venue_year"].format(
                    venue=plain(en.venue), year=en.year),
            }
            if links:
                expected[t["links"]] = links
            assert s.fields == expected
            assert [unquote(h) for h in s.hrefs] == hrefs
            assert s.core == plain(entry.core_innovation)
            assert s.abstract == (None, plain(entry.abstract))
            assert s.key_points == (None, [plain(k) for k in entry.key_points])
            assert s.notes == []


# ------------------------------------------------------------------ 2. graphs made directly

TEXT_FRAGMENTS = FRAGMENTS + HAN_FRAGMENTS + ["\n", "\n\n", "\r\n", "\u2028", "\x85", " \t "]
texts = st.lists(st.one_of(st.sampled_from(TEXT_FRAGMENTS), one_line()), min_size=1,
                 max_size=6).map("".join)
visible_texts = texts.filter(lambda t: t.strip())
hosts = st.sampled_from(["example.org", "github.com", "x.example"])
http_urls = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}/{path}",
    st.sampled_from(["http", "https", "HTTPS"]), hosts,
    st.text(st.sampled_from(list("abc-_.~/?=&()'!*+,;:@") + ["ü", "中", "😀"]), max_size=12))
other_urls = st.sampled_from([
    "javascript:alert(1)", "JavaScript:alert(document.cookie)",
    "data:text/html,%3Cscript%3Ealert(1)%3C/script%3E",
    "file:///etc/passwd", "ftp://files.example/x.pdf", "mailto:a@b.example",
    "vbscript:msgbox(1)", "https:///no-host", "http:evil"])


@dataclass
class Paper:
    arxiv: str
    texts: dict           # property -> {lang: text}
    key_points: dict      # lang -> [texts]
    authors: list         # person indexes, in order
    categories: list      # category indexes
    links: list           # (property, url)
    notes: dict           # lang -> [texts]
    year: int


@dataclass
class Made:
    """A survey made directly as a graph."""

    people: list          # names
    venue: tuple          # (acronym, name, kind)
    categories: list      # {"label": {lang: text}, "definition": {...}, "scopeNote": {...}}
    papers: list

    def languages(self) -> set[str]:
        """The languages of the papers' texts (titles and notes aside)."""
        found = {lang for p in self.papers for lang in p.key_points}
        for paper in self.papers:
            for prop in (ONE_LINER, CORE_INNOVATION, ABSTRACT):
                found.update(paper.texts[prop])
        return found

    def graph(self) -> ox.Store:
        """The survey in an Oxigraph store, as `load` would give it."""
        g = ox.Store()

        def add(s, p, o):
            g.add(ox.Quad(s, named(p) if isinstance(p, str) else p, o))
        venue = named("venue:v")
        add(venue, RDF_TYPE, named("skg:Venue"))
        add(venue, "skg:acronym", ox.Literal(self.venue[0]))
        add(venue, "schema:name", ox.Literal(self.venue[1], language="en"))
        add(venue, VENUE_KIND, self.venue[2])
        for n, name in enumerate(self.people):
            add(named(f"person:p{n}"), RDF_TYPE, named("foaf:Person"))
            add(named(f"person:p{n}"), "foaf:name", ox.Literal(name))
        for n, category in enumerate(self.categories):
            c = named(f"category:c{n}")
            add(c, RDF_TYPE, named("skos:Concept"))
            add(c, "skos:notation", ox.Literal(str(n + 1)))
            for key, prop in (("label", "skos:prefLabel"), ("definition", "skos:definition"),
                              ("scopeNote", "skos:scopeNote")):
                for lang, text in category[key].items():
                    add(c, prop, ox.Literal(text, language=lang))
        for paper in self.papers:
            self._paper(add, paper, venue)
        return g

    @staticmethod
    def _paper(add, paper: Paper, venue) -> None:
        p = named(f"paper:{paper.arxiv}")
        add(p, RDF_TYPE, named("schema:ScholarlyArticle"))
        add(p, "skg:arxivId", ox.Literal(paper.arxiv))
        add(p, ISSUED, ox.Literal(str(paper.year), datatype=named("xsd:gYear")))
        add(p, VENUE_OF, venue)
        for prop, by_lang in paper.texts.items():
            for lang, text in by_lang.items():
                add(p, prop, ox.Literal(text, language=lang))
        for n in paper.categories:
            add(p, SUBJECT, named(f"category:c{n}"))
        for position, person in enumerate(paper.authors, 1):
            node = ox.NamedNode(f"{p.value}/author/{position}")
            add(p, "skg:authorship", node)
            add(node, "skg:position", ox.Literal(position))
            add(node, "skg:author", named(f"person:p{person}"))
            add(p, CREATOR, named(f"person:p{person}"))
        for lang, points in paper.key_points.items():
            for position, text in enumerate(points, 1):
                node = ox.NamedNode(f"{p.value}/key-point/{lang}/{position}")
                add(p, "skg:keyPoint", node)
                add(node, "skg:position", ox.Literal(position))
                add(node, "skg:text", ox.Literal(text, language=lang))
        for prop, url in paper.links:
            add(p, prop, ox.NamedNode(url))
        for lang, notes in paper.notes.items():
            for text in notes:
                add(p, "skos:editorialNote", ox.Literal(text, language=lang))


def in_languages(strategy, required: tuple = ()) -> st.SearchStrategy[dict]:
    """{lang: value} for a random subset of en/zh (always including `required`)."""
    return st.fixed_dictionaries({lang: strategy for lang in required},
                                 optional={lang: strategy for lang in ("en", "zh")
                                           if lang not in required})


@st.composite
def made_surveys(draw) -> Made:
    people = draw(st.lists(texts, min_size=1, max_size=4))
    categories = draw(st.lists(st.fixed_dictionaries({
        "label": in_languages(texts, ("en",)), "definition": in_languages(texts),
        "scopeNote": in_languages(texts)}), min_size=1, max_size=2))
    ids = draw(st.lists(st.from_regex(r"\A2[0-4](0[1-9]|1[0-2])\.[0-9]{5}\Z"), min_size=1,
                        max_size=3, unique=True))
    papers = []
    for arxiv in ids:
        paper_texts = {TITLE: draw(in_languages(texts, ("en",)))}
        for prop in (ONE_LINER, CORE_INNOVATION, ABSTRACT):
            paper_texts[prop] = draw(in_languages(texts))
        papers.append(Paper(
            arxiv=arxiv, texts=paper_texts,
            key_points=draw(in_languages(st.lists(texts, min_size=1, max_size=3))),
            authors=draw(st.lists(st.integers(0, len(people) - 1), min_size=1, max_size=3,
                                  unique=True)),
            categories=draw(st.lists(st.integers(0, len(categories) - 1), min_size=1,
                                     max_size=2, unique=True)),
            links=draw(st.lists(st.tuples(st.sampled_from(list(PROPERTY_KIND)),
                                          http_urls | other_urls),
                                max_size=3, unique_by=lambda link: link[1])),
            notes=draw(in_languages(st.lists(visible_texts, min_size=1, max_size=2, unique=True))),
            year=draw(st.integers(2000 + int(arxiv[:2]), 2030))))
    kind = draw(st.sampled_from([named("skg:Conference"), named("skg:Journal"),
                                 PREPRINT_SERVER]))
    return Made(people, (draw(texts), draw(texts), kind), categories, papers)


def whole_readme(store: ox.Store, lang: str, rows: dict) -> str:
    """Every section, between its markers, as `readme` writes them into a README (`rows`: the
    query rows the pages of the survey share)."""
    markers = "\n".join(f"<!-- BEGIN survey-kg:{n} -->\n<!-- END survey-kg:{n} -->\n"
                         for n in sorted(page_sections.sections()))
    return "".join(page_sections.generate(store, SURVEY, SURVEY.readme(lang), lang, markers,
                                          rows))


def all_tokens(tokens):
    for token in tokens:
        yield token
        yield from all_tokens(token.children or [])


def check_structure(page: str, entries: int) -> None:
    """(b): one balanced top-level <details> per listed entry plus the author index, only the
    template's tags, http(s) links only, full table rows, headings and Mermaid labels clean."""
    tokens = parser().parse(page)
    depth, top = 0, 0
    for token in all_tokens(tokens):
        if token.type in ("html_block", "html_inline"):
            if token.content.startswith("<!-- ") and token.content.rstrip().endswith("-->"):
                assert re.fullmatch(r"<!-- (BEGIN|END) survey-kg:\w+ -->\n?", token.content)
                continue
            for closing, tag in html_tags(token.content):
                assert tag.lower() in ALLOWED_TAGS, f"<{closing}{tag}> in {token.content!r}"
                if tag.lower() == "details":
                    top += not closing and depth == 0
                    depth += -1 if closing else 1
                    assert depth >= 0
        assert token.type != "image", token
        if token.type == "link_open":
            assert re.match(r"https?://[^/]", token.attrs["href"], re.I), token.attrs["href"]
    assert depth == 0
    assert top == entries + 1  # the author index is a <details> block too
    check_tables(tokens)
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            read_inline(tokens[i + 1].children)  # text and the marker's emphasis only
        if token.type == "fence":
            assert token.info == "mermaid"
            check_mermaid(token.content)


def check_tables(tokens) -> None:
    header = cells = None
    for token in tokens:
        if token.type == "table_open":
            header = None
        elif token.type == "tr_open":
            cells = 0
        elif token.type in ("th_open", "td_open"):
            cells += 1
        elif token.type == "tr_close":
            header = cells if header is None else header
            assert cells == header, f"a row of {cells} cells under a header of {header}"


def check_mermaid(chart: str) -> None:
    for line in chart.splitlines()[1:]:
        strings = re.findall(r'"([^"]*)"', line)
        assert line.count('"') % 2 == 0, line
        assert all("<" not in s and ">" not in s and "\n" not in s for s in strings), line


def expected_category(category: dict, t: dict) -> tuple[str, dict]:
    lang, other = t["__lang"], "zh" if t["__lang"] == "en" else "en"
    shown = {}
    for key, label in (("label", None), ("definition", t["capability_profile"]),
                       ("scopeNote", t["significance"])):
        texts = category[key]
        for language in (lang, other):
            if language in texts:
                shown[label] = marked(texts[language], language, t)
                break
    heading = shown.pop(None)
    return heading, shown


def expected_entry(made: Made, paper: Paper, t: dict) -> dict:
    """The fields of the entry as read_listing shows them, from the made survey."""
    lang, other = t["__lang"], "zh" if t["__lang"] == "en" else "en"

    def pick(by_lang: dict):
        for language in (lang, other):
            if language in by_lang:
                return language, by_lang[language]
        return None

    fields = {t["authors"]: ", ".join(plain(made.people[n]) for n in paper.authors),
              t["arxiv_id"]: paper.arxiv}
    if one_liner := pick(paper.texts[ONE_LINER]):
        fields[t["one_liner"]] = marked(one_liner[1], one_liner[0], t)
    acronym, _, kind = made.venue
    fields[t["published_in"]] = t["preprint_year" if kind == PREPRINT_SERVER else
                                  "venue_year"].format(venue=plain(acronym), year=paper.year)
    shown, hrefs = [], []
    for prop, url in sorted(paper.links, key=lambda l: (KIND_ORDER.index(PROPERTY_KIND[l[0]]), l[1])):
        label = t["link_labels"][PROPERTY_KIND[prop]]
        if render.safe_url(url) is None:
            shown.append(f"{EM}{plain(t['link_withheld'].format(label=f'[{label}]'))}{END}")
        else:
            shown.append(f"{LINK}[{label}]{END}")
            hrefs.append(url)
    if shown:
        fields[t["links"]] = " | ".join(shown)
    core = pick(paper.texts[CORE_INNOVATION])
    abstract = pick(paper.texts[ABSTRACT])
    points = pick(paper.key_points)
    notes = pick(paper.notes)
    # a line ends where its text does: a trailing ", " of an empty last name is not on the page
    fields = {label: text.rstrip(" ") for label, text in fields.items()}
    return dict(
        title=plain(pick(paper.texts[TITLE])[1]), fields=fields, hrefs=hrefs,
        core=core and marked(core[1], core[0], t),
        abstract=abstract and (t["only_in"][abstract[0]] if abstract[0] != lang else None,
                               plain(abstract[1])),
        key_points=points and (t["only_in"][points[0]] if points[0] != lang else None,
                               [plain(p) for p in points[1]]),
        notes=sorted(marked(n, notes[0], t) for n in notes[1]) if notes else [])


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(made_surveys())
def test_rendered_readme_keeps_its_structure_and_every_field(made):
    store = made.graph()
    rows: dict = {}  # one run of each query for both pages, as `readme` runs them
    for lang in ("en", "zh"):
        t = labels(lang)
        if lang not in made.languages():
            # the listing shows the survey's languages, those its texts are written in
            # (queries/papers_by_category.rq): none here, so no entries
            check_structure(whole_readme(store, lang, rows), 0)
            assert read_listing(render_listing(store, lang), t) == ([], [])
            continue
        entries = sum(len(p.categories) for p in made.papers)
        check_structure(whole_readme(store, lang, rows), entries)
        categories, shown = read_listing(render_listing(store, lang), t)
        used = sorted({n for p in made.papers for n in p.categories})
        assert categories == [expected_category(made.categories[n], t) for n in used]
        assert len(shown) == entries
        for paper in made.papers:
            mine = [s for s in shown if s.fields[t["arxiv_id"]] == paper.arxiv]
            assert len(mine) == len(paper.categories)  # one block per category it is listed in
            want = expected_entry(made, paper, t)
            for s in mine:
                got = dict(title=s.title, fields=s.fields, hrefs=[unquote(h) for h in s.hrefs],
                           core=s.core, abstract=s.abstract, key_points=s.key_points,
                           notes=sorted(s.notes))
                assert got == want
