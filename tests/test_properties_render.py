"""Property-based tests of the pages: surveys made as graphs, with hostile text, rendered with the
real templates and queries, then read back.

A page is read the way a reader's renderer reads it: markdown-it-py (CommonMark, raw HTML
allowed, GitHub tables and strikethrough). A section page's entry is taken apart token by token
(`read_section`): the title, abstract and key points from the `<details>` HTML blocks (entities
decoded), every other field from its inline tokens (backslash escapes decoded). A field's tokens
may only be text, and the few tokens the template itself writes: the emphasis of a withheld-link
note, the links of the Links line, the hard break after the Core Innovation label. Anything else
(an HTML tag, a code span, an image, a link elsewhere, emphasis the data opened) is markup
leaking out.

1. Made graphs (texts with markdown and HTML metacharacters, `](javascript:...)`, tags,
   entities, line breaks, RTL and zero-width characters, emoji, CJK; texts missing in one
   language; links with javascript:, data:, file: and ftp: schemes, parentheses and quotes in
   http links; every kind of date) are rendered in both languages, every page. Each page holds
   only the templates' tags, http(s) links (or the pages' own relative ones), full table rows,
   headings of text only, Mermaid labels in their quotes; each section page has one balanced
   `<details>` entry per work of its category; and every field of every entry reads back as the
   graph holds it, in the page's language or, missing there, in the other, after the one
   documented normalization (runs of white space become one space, ends trimmed).
2. render ∘ import: the section pages of a made survey whose texts a page can carry (one line
   each, no leading or trailing space), imported again (`survey-kg import`), give back each
   work's fields: the round trip the survey's own pages rely on.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from urllib.parse import unquote

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from survey_kg.importer.pages import HAN
from survey_kg.importer.works import slug
from survey_kg.paths import PREFIXES, Survey
from survey_kg.render import markdown as render
from survey_kg.render import pages as page_sections

EXAMPLES = 60
ALLOWED_TAGS = {"details", "summary", "b", "ul", "li", "em", "p", "a"}
KINDS = [("schema:url", "paper"), ("skg:pdf", "pdf"), ("code", "code"),
         ("skg:projectPage", "projectPage"), ("skg:modelPage", "modelPage"),
         ("skg:technicalReport", "technicalReport"), ("skg:productPage", "productPage"),
         ("skg:blogPost", "blogPost"), ("skg:dataset", "dataset"), ("skg:demo", "demo")]
KIND_ORDER = [kind for _, kind in KINDS]
EM, LINK, END = "\x00em:", "\x00link:", "\x00"  # how read_inline shows the template's own markup
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def named(curie: str) -> ox.NamedNode:
    prefix, _, local = curie.partition(":")
    return ox.NamedNode(PREFIXES[prefix] + local)


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
    "中文", "视频生成", "「引号」", "（括号）", "模型：", "一、", "《书名》", "**Authors:**",
    "<!-- END survey-kg:section -->", "> **Core Innovation**",
]
LINE_BREAKS = ["\n", "\n\n", "\r\n", "\u2028", "\x85", " \t "]


def one_line_chars() -> st.SearchStrategy[str]:
    return st.text(st.characters(blacklist_categories=("Cs",),
                                 blacklist_characters="\n\r\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
                   max_size=6)


def texts(breaks: bool = True) -> st.SearchStrategy[str]:
    pieces = st.sampled_from(FRAGMENTS + (LINE_BREAKS if breaks else []))
    return st.lists(st.one_of(pieces, one_line_chars()), min_size=1, max_size=6).map("".join) \
        .filter(lambda t: t.strip())


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
dates = st.one_of(
    st.builds(lambda y: (f"{y}", "gYear"), st.integers(2000, 2030)),
    st.builds(lambda y, m: (f"{y}-{m:02d}", "gYearMonth"), st.integers(2000, 2030),
              st.integers(1, 12)),
    st.builds(lambda y, m, d: (f"{y}-{m:02d}-{d:02d}", "date"), st.integers(2000, 2030),
              st.integers(1, 12), st.integers(1, 28)))


def in_languages(strategy, required: tuple = ()) -> st.SearchStrategy[dict]:
    """{lang: value} for a random subset of en/zh (always including `required`)."""
    return st.fixed_dictionaries({lang: strategy for lang in required},
                                 optional={lang: strategy for lang in ("en", "zh")
                                           if lang not in required})


# ------------------------------------------------------------------ surveys made as graphs

@dataclass
class Work:
    name: str                 # the IRI's last part: an arXiv ID, or a slug for a product
    product: bool
    texts: dict               # property -> {lang: text}
    key_points: dict          # lang -> [texts]
    authors: list             # person indexes, in order
    categories: list          # category indexes
    links: list               # (property or "code", url)
    date: tuple | None        # (lexical form, xsd type)
    venue: bool
    version: str | None = None
    model: str | None = None


@dataclass
class Made:
    """A survey made directly as a graph."""

    people: list              # printed names
    venue: tuple              # (acronym, name, kind)
    categories: list          # {"label": {lang: text}, "symbol": text or None}
    works: list = field(default_factory=list)

    def iri(self, work: Work) -> ox.NamedNode:
        return named(("work:" if work.product else "paper:") + work.name)

    def graph(self) -> ox.Store:
        """The survey in an Oxigraph store, as `load` would give it."""
        g = ox.Store()

        def add(s, p, o):
            g.add(ox.Quad(s, named(p) if isinstance(p, str) else p, o))
        venue = named("venue:v")
        add(venue, "rdf:type", named("skg:Venue"))
        add(venue, "skg:acronym", ox.Literal(self.venue[0]))
        add(venue, "schema:name", ox.Literal(self.venue[1], language="en"))
        add(venue, "skg:venueKind", self.venue[2])
        for n, name in enumerate(self.people):
            add(named(f"person:p{n}"), "rdf:type", named("schema:Person"))
            add(named(f"person:p{n}"), "schema:name", ox.Literal(name))
        for n, category in enumerate(self.categories):
            c = named(f"category:c{n}")
            add(c, "rdf:type", named("skos:Concept"))
            add(c, "skos:notation", ox.Literal(str(n + 1)))
            add(c, "skg:sectionPath", ox.Literal(f"c{n}"))
            if category["symbol"] is not None:
                add(c, "skg:symbol", ox.Literal(category["symbol"]))
            for lang, text in category["label"].items():
                add(c, "skos:prefLabel", ox.Literal(text, language=lang))
        for work in self.works:
            self._work(add, work, venue)
        return g

    def _work(self, add, work: Work, venue) -> None:
        w = self.iri(work)
        add(w, "rdf:type", named("schema:CreativeWork"))
        add(w, "rdf:type", named("schema:SoftwareApplication" if work.product
                                 else "schema:ScholarlyArticle"))
        if not work.product:
            node = ox.NamedNode(w.value + "/arxiv")
            add(w, "schema:identifier", node)
            add(node, "schema:propertyID", ox.Literal("arXiv"))
            add(node, "schema:value", ox.Literal(work.name))
        if work.date is not None:
            add(w, "schema:datePublished", ox.Literal(work.date[0], datatype=named("xsd:" + work.date[1])))
        if work.venue:
            add(w, "skg:venue", venue)
        if work.version is not None:
            add(w, "schema:version", ox.Literal(work.version))
        if work.model is not None:
            add(w, "skg:model", ox.Literal(work.model))
        for prop, by_lang in work.texts.items():
            for lang, text in by_lang.items():
                add(w, prop, ox.Literal(text, language=lang))
        for n in work.categories:
            add(w, "schema:about", named(f"category:c{n}"))
        for position, person in enumerate(work.authors, 1):
            node = ox.NamedNode(f"{w.value}/author-{position}")
            add(w, "skg:authorship", node)
            add(node, "skg:position", ox.Literal(str(position), datatype=named("xsd:integer")))
            add(node, "skg:author", named(f"person:p{person}"))
            add(node, "skg:printedName", ox.Literal(self.people[person]))
            add(w, "schema:author", named(f"person:p{person}"))
        for lang, points in work.key_points.items():
            for position, text in enumerate(points, 1):
                node = ox.NamedNode(f"{w.value}/key-point-{lang}-{position}")
                add(w, "skg:keyPoint", node)
                add(node, "skg:position", ox.Literal(str(position), datatype=named("xsd:integer")))
                add(node, "skg:text", ox.Literal(text, language=lang))
        for n, (prop, url) in enumerate(work.links):
            if prop == "code":
                code = ox.NamedNode(f"{w.value}/code-{n}")
                add(code, "rdf:type", named("schema:SoftwareSourceCode"))
                add(code, "schema:isBasedOn", w)
                add(code, "schema:codeRepository", ox.NamedNode(url))
            else:
                add(w, prop, ox.NamedNode(url))


TEXT_PROPERTIES = ("schema:name", "schema:description", "skg:coreInnovation", "schema:abstract")


@st.composite
def made_surveys(draw, text=texts(), urls=http_urls | other_urls) -> Made:
    # a name holds no separator of an author list and does not end as a truncated list does
    people = draw(st.lists(text.filter(lambda t: t == t.strip(" .") and not re.search(
        r"[,，、;；]|(^|\s)and(\s|$)|et al$|等$", t, re.I)), min_size=1, max_size=4))
    # the survey's languages are those its categories are named in (queries/categories.rq):
    # the first category has both, a second one may lack its Chinese name
    categories = [draw(st.fixed_dictionaries({"label": in_languages(text, ("en", "zh")),
                                              "symbol": st.none() | text}))]
    categories += draw(st.lists(st.fixed_dictionaries({
        "label": in_languages(text, ("en",)), "symbol": st.none() | text}), max_size=1))
    made = Made(people, (draw(text), draw(text), draw(st.sampled_from(
        [named("skg:Conference"), named("skg:Journal"), named("skg:PreprintServer")]))),
        categories)
    ids = draw(st.lists(st.from_regex(r"\A2[0-4](0[1-9]|1[0-2])\.[0-9]{5}\Z"), min_size=1,
                        max_size=3, unique=True))
    for n, arxiv in enumerate(ids):
        product = draw(st.booleans()) and n == 0
        # a product is known by its English title on both pages (its IRI is that title's slug)
        work_texts = {"schema:name": {"en": draw(text)} if product
                      else draw(in_languages(text, ("en",)))}
        for prop in TEXT_PROPERTIES[1:]:
            work_texts[prop] = draw(in_languages(text))
        made.works.append(Work(  # a product's IRI is its title's slug, as the importer makes it
            name=slug(plain(work_texts["schema:name"]["en"])) if product else arxiv,
            product=product, texts=work_texts,
            key_points=draw(in_languages(st.lists(text, min_size=1, max_size=3))),
            authors=draw(st.lists(st.integers(0, len(people) - 1), min_size=1, max_size=3,
                                  unique=True)),
            categories=draw(st.lists(st.integers(0, len(categories) - 1), min_size=1,
                                     max_size=2, unique=True)),
            links=draw(st.lists(st.tuples(st.sampled_from([p for p, _ in KINDS]), urls),
                                max_size=3, unique_by=lambda link: link[1])),
            date=draw(dates), venue=not product and draw(st.booleans()),
            version=None if product else draw(st.none() | st.sampled_from(["v1", "v2", "v10"])),
            model=draw(st.none() | text) if product else None))
    return made


# ------------------------------------------------------------------ reading a page back

def all_tokens(tokens):
    for token in tokens:
        yield token
        yield from all_tokens(token.children or [])


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
    return children[2].content, text.removeprefix(" "), hrefs


@dataclass
class Shown:
    """One entry of a section page as a reader sees it."""

    title: str
    fields: dict = field(default_factory=dict)  # label -> text (read_inline)
    hrefs: list = field(default_factory=list)   # of the Links line
    core: str | None = None
    abstract: str | None = None
    key_points: list | None = None


def html_tags(content: str) -> list[tuple[str, str]]:
    return re.findall(r"<\s*(/?)\s*([A-Za-z][\w-]*)", content)


def read_section(markdown: str, t: dict) -> tuple[str, list[Shown]]:
    """The heading and the entries of a section page."""
    tokens = parser().parse(markdown)
    entries: list[Shown] = []
    heading, current, depth, quote = None, None, 0, None
    blocks: list[str] = []
    for i, token in enumerate(tokens):
        if token.type == "html_block":
            content = token.content
            if depth == 0 and content.startswith("<details>"):
                m = re.fullmatch(r"<details>\n<summary><b>([^<\n]*)</b></summary>\n", content)
                assert m, f"an entry must open with its title alone: {content!r}"
                current = Shown(html.unescape(m[1]))
                entries.append(current)
                blocks = []
            for closing, tag in html_tags(content):
                assert tag.lower() in ALLOWED_TAGS, f"tag <{closing}{tag}> in {content!r}"
                if tag.lower() == "details":
                    depth += -1 if closing else 1
                    assert depth >= 0, "a </details> without its <details>"
            if current is not None:
                blocks.append(content)
                if depth == 0:
                    finish(current, "".join(blocks), t)
                    current = None
        elif token.type == "heading_open" and heading is None:
            heading, _ = read_inline(tokens[i + 1].children)
        elif token.type == "blockquote_open":
            quote = []
        elif token.type == "blockquote_close":
            assert current is not None and len(quote) == 1, quote
            current.core = quote[0]
            quote = None
        elif token.type == "inline" and quote is not None:
            children = [c for c in token.children if c.type != "text" or c.content]
            assert [c.type for c in children[:4]] == ["strong_open", "text", "strong_close",
                                                     "hardbreak"], children
            assert children[1].content == t["core_innovation"]
            quote.append(read_inline(children[4:])[0])
        elif token.type == "inline" and tokens[i - 2].type == "list_item_open" and \
                current is not None:
            label, text, hrefs = labelled(token.children)
            assert label not in current.fields, f"field {label} twice"
            current.fields[label] = text
            if label == t["links"]:
                current.hrefs = hrefs
            else:
                assert not hrefs, f"a link in {label}: {hrefs}"
    assert depth == 0 and current is None, "the page ends inside an entry"
    return heading, entries


def finish(entry: Shown, blocks: str, t: dict) -> None:
    """Abstract and key points from the entry's HTML blocks."""
    abstract = re.search(rf"<details>\n<summary>{re.escape(t['abstract'])}</summary>\n"
                         r"([^<\n]*)\n?</details>", blocks)
    if abstract:
        entry.abstract = html.unescape(abstract[1])
    points = re.search(rf"<details>\n<summary>{re.escape(t['key_points'])}</summary>\n"
                       r"<ul>\n((?:<li>[^<\n]*</li>\n)*)</ul>\n</details>", blocks)
    if points:
        entry.key_points = [html.unescape(item) for item in re.findall(r"<li>([^<\n]*)</li>",
                                                                       points[1])]
    rest = blocks
    for m in (abstract, points):
        if m:
            rest = rest.replace(m[0], "", 1)
    # what is left of the entry's HTML: its own opening and closing lines, nothing from data
    assert re.fullmatch(r"<details>\n<summary><b>[^<\n]*</b></summary>\n\s*</details>\n",
                        rest), rest


# ------------------------------------------------------------------ what a page must show

def pick(by_lang: dict, lang: str):
    other = "zh" if lang == "en" else "en"
    return by_lang.get(lang, by_lang.get(other))


def published(made: Made, work: Work, t: dict) -> str:
    text, kind = work.date
    if work.venue:
        venue = plain(made.venue[0])
        if kind == "date":
            return f"{venue} ({int(text[8:10])} {MONTHS[int(text[5:7]) - 1]} {text[:4]})"
        if kind == "gYearMonth":
            return f"{venue} ({MONTHS[int(text[5:7]) - 1]} {text[:4]})"
        return f"{venue} {text[:4]}"
    if kind == "gYearMonth":
        return f"{text[:4]} ({t['long_months'][int(text[5:7]) - 1]})"
    return text[:4]


def expected_entry(made: Made, work: Work, t: dict) -> Shown:
    lang = t["__lang"]
    fields = {t["authors"]: ", ".join(plain(made.people[n]) for n in work.authors)}
    if not work.product:
        fields[t["arxiv_id"]] = work.name + (work.version or "")
    if work.model is not None:
        fields[t["model"]] = plain(work.model)
    if (one_liner := pick(work.texts["schema:description"], lang)) is not None:
        fields[t["one_liner"]] = plain(one_liner)
    fields[t["published_in"]] = published(made, work, t)
    shown, hrefs = [], []
    order = {prop: i for i, (prop, _) in enumerate(KINDS)}
    for prop, url in sorted(work.links, key=lambda link: (order[link[0]], link[1])):
        label = t["link_labels"][dict(KINDS)[prop]]
        if render.safe_url(url) is None:
            shown.append(f"{EM}{plain(t['link_withheld'].format(label=f'[{label}]'))}{END}")
        else:
            shown.append(f"{LINK}[{label}]{END}")
            hrefs.append(url)
    if shown:
        fields[t["links"]] = " | ".join(shown)
    core = pick(work.texts["skg:coreInnovation"], lang)
    abstract = pick(work.texts["schema:abstract"], lang)
    points = pick(work.key_points, lang)
    # a line ends where its text does: a trailing space of an empty last value is not on the page
    return Shown(title=plain(pick(work.texts["schema:name"], lang)),
                 fields={k: v.rstrip(" ") for k, v in fields.items()}, hrefs=hrefs,
                 core=core and plain(core), abstract=abstract and plain(abstract),
                 key_points=points and [plain(p) for p in points])


def labels(lang: str) -> dict:
    return {**render.labels()[lang], "__lang": lang}


def every_page(store: ox.Store, survey: Survey) -> dict[Path, str]:
    """Every page of the survey as `readme` makes it (the root pages from their markers)."""
    return {path: new for path, _, new in page_sections.page_updates(store, survey)}


MARKERS = "".join(f"<!-- BEGIN survey-kg:{n} -->\n<!-- END survey-kg:{n} -->\n"
                  for n in ("toc", "catalog", "statistics"))


def survey_folder(folder: Path) -> Survey:
    for lang in ("en", "zh"):
        (folder / page_sections.page_name(lang)).write_text(MARKERS, encoding="utf-8")
    return Survey(folder)


def check_structure(page: str) -> None:
    """Only the template's tags, http(s) links (or the pages' own), full table rows, headings
    of text only, Mermaid labels in their quotes, balanced <details>."""
    tokens = parser().parse(page)
    depth = 0
    for token in all_tokens(tokens):
        if token.type in ("html_block", "html_inline"):
            if token.content.startswith("<!-- ") and token.content.rstrip().endswith("-->"):
                assert re.fullmatch(r"<!-- (BEGIN|END) survey-kg:\w+ -->\n?", token.content)
                continue
            for closing, tag in html_tags(token.content):
                assert tag.lower() in ALLOWED_TAGS, f"<{closing}{tag}> in {token.content!r}"
                if tag.lower() == "details":
                    depth += -1 if closing else 1
                    assert depth >= 0
            for href in re.findall(r"<a\s+href=\"([^\"]*)\"", token.content):
                assert re.fullmatch(r"(\./)?(c\d/)?README(_zh)?\.md", href), href
        assert token.type not in ("image", "code_inline", "code_block"), token
        if token.type == "link_open":
            href = token.attrs["href"]
            assert re.match(r"https?://[^/]", href, re.I) or href.startswith("#"), href
    assert depth == 0
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
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            read_inline([c for c in tokens[i + 1].children  # the catalog's links to its pages
                         if not (c.type == "html_inline" and
                                 re.fullmatch(r"</?a( href=\"[^\"]*\")?>", c.content))])
        if token.type == "fence":
            assert token.info == "mermaid"
            for line in token.content.splitlines()[1:]:
                assert line.count('"') % 2 == 0, line
                assert all("<" not in s and ">" not in s for s in re.findall(r'"([^"]*)"', line))


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(made_surveys())
def test_every_page_keeps_its_structure_and_every_field(made):
    store = made.graph()
    with TemporaryDirectory() as folder:
        survey = survey_folder(Path(folder))
        rendered = every_page(store, survey)
        for page in rendered.values():
            check_structure(page)
        for lang in ("en", "zh"):
            t = labels(lang)
            for n, category in enumerate(made.categories):
                path = survey.pages / f"c{n}" / page_sections.page_name(lang)
                heading, shown = read_section(rendered[path], t)
                label = plain(pick(category["label"], lang))
                symbol = category["symbol"]
                assert heading == (f"{plain(symbol)} " if symbol is not None else "") + label
                works = [w for w in made.works if n in w.categories]
                assert len(shown) == len(works)  # one block per work of the category
                for got, work in zip(sorted(shown, key=lambda s: s.fields.get(t["arxiv_id"], "")),
                                     sorted(works, key=lambda w: "" if w.product else
                                            w.name + (w.version or ""))):
                    got.hrefs = [unquote(h) for h in got.hrefs]
                    assert got == expected_entry(made, work, t)


# ------------------------------------------------------------------ 2. render, then import

def page_text() -> st.SearchStrategy[str]:
    """A text a page can carry as it is: one line, no space at either end."""
    return texts(breaks=False).map(plain).filter(bool).filter(
        lambda t: not re.search(r"<\s*/?\s*(details|summary)", t, re.I))


def imported_fields(store: ox.Store, work: ox.NamedNode) -> dict:
    def values(curie):
        return sorted((q.object.language or "", q.object.value)
                      for q in store.quads_for_pattern(work, named(curie), None))

    def ordered(curie, value):
        nodes = [q.object for q in store.quads_for_pattern(work, named(curie), None)]
        rows = []
        for node in nodes:
            [position] = store.quads_for_pattern(node, named("skg:position"), None)
            [text] = store.quads_for_pattern(node, named(value), None)
            rows.append((text.object.language or "", int(position.object.value), text.object.value))
        return sorted(rows)
    return {prop: values(prop) for prop in TEXT_PROPERTIES} | {
        "authors": [name for _, _, name in ordered("skg:authorship", "skg:printedName")],
        "key_points": ordered("skg:keyPoint", "skg:text")}


@settings(max_examples=EXAMPLES // 2, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.filter_too_much])
@given(made_surveys(text=page_text(), urls=http_urls))
def test_imported_pages_give_back_each_works_texts(made):
    """What `survey-kg import` reads from the generated section pages is what the graph held:
    titles, texts in each language, authors in order, key points in order."""
    from survey_kg.importer import import_pages

    # a text in both languages on the pages: the importer tells a page's text from the other
    # language's by its script, so each language's text is written in its own
    # (a Chinese text gains a Chinese character; an English one loses its own)
    def english(text: str) -> str:
        return HAN.sub("", text) + "a" if HAN.search(text) else text

    for work in made.works:
        for by_lang in (*work.texts.values(), work.key_points):
            if "zh" in by_lang:
                by_lang["zh"] = [p + "中" for p in by_lang["zh"]] if isinstance(by_lang["zh"], list) \
                    else by_lang["zh"] + "中"
            if "en" in by_lang:
                by_lang["en"] = [english(p) for p in by_lang["en"]] \
                    if isinstance(by_lang["en"], list) else english(by_lang["en"])
        if work.product:  # its IRI is its title's slug
            work.name = slug(plain(work.texts["schema:name"]["en"]))
    store = made.graph()
    with TemporaryDirectory() as folder:
        survey = survey_folder(Path(folder))
        rendered = every_page(store, survey)
        sections = sorted(p for p in rendered if p.parent != survey.pages)
        for path in sections:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(rendered[path], encoding="utf-8")
        result = import_pages(sections, survey.pages)
        assert result.errors == []
        back = result.store()
        for work in made.works:
            expected = imported_fields(store, made.iri(work))
            assert imported_fields(back, made.iri(work)) == expected
