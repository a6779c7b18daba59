"""survey_kg.render (markdown: escaping filters, templates; pages: sections, markers): escaping
for each place text lands, hostile data on every section of every kind of page, markers,
templates, determinism. Rendered pages are parsed with markdown-it-py (CommonMark + tables),
the way a reader's renderer sees them."""

import re
import shutil
from html.parser import HTMLParser
from urllib.parse import unquote

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from survey_kg.errors import InputError
from survey_kg.load import load, turtle_files
from survey_kg.paths import PREFIXES, Survey
from survey_kg.queries import row_type
from survey_kg.render import markdown as render
from survey_kg.render import pages

from .conftest import SMALL

SURVEY = Survey(SMALL)
# The tags the templates write (and labels.toml's language switch: <p>, <a>); nothing else.
ALLOWED_TAGS = {"details", "summary", "b", "ul", "li", "em", "sub", "p", "a"}
EVIL = ox.NamedNode(PREFIXES["category"] + "evil")
ACTIONS = ox.NamedNode(PREFIXES["category"] + "modality-temporal-consistency")

HOSTILE = r'''
@prefix category: <https://w3id.org/survey-kg/category/> .
@prefix paper: <https://w3id.org/survey-kg/paper/> .
@prefix work: <https://w3id.org/survey-kg/work/> .
@prefix person: <https://w3id.org/survey-kg/person/> .
@prefix schema: <https://schema.org/> .
@prefix skg: <https://w3id.org/survey-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix venue: <https://w3id.org/survey-kg/venue/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix e: <https://w3id.org/survey-kg/paper/2403.99999/> .

category:evil a skos:Concept ;
    skos:notation "10" ;
    skos:prefLabel "Evil | <script>alert('cat')</script> # not a heading [x](javascript:alert(0)) *em*"@en ,
        "恶 | <b>类</b>"@zh ;
    skg:symbol "☠|*" ;
    skg:sectionPath "consisency-paper/evil" .

venue:evil a skg:Venue ;
    skg:acronym "EV|L \"quoted\" <v>" ;
    schema:name "Evil ] venue | *x*"@en ;
    skg:venueKind skg:Conference .

person:mallory a schema:Person ; schema:name "Mallory | <script>alert('name')</script>" .

paper:2403.99999 a schema:CreativeWork , schema:ScholarlyArticle ;
    schema:identifier e:arxiv ;
    schema:version "v2" ;
    schema:name """Evil | Title <script>alert('title')</script> `code` ](javascript:alert(1)) [x](javascript:alert(2)) & <b>bold</b>

# heading"""@en ;
    schema:datePublished "2024-03-05"^^xsd:date ;
    skg:venue venue:evil ;
    schema:about category:evil , category:modality-temporal-consistency ;
    schema:url <https://arxiv.org/abs/2403.99999> ;
    skg:pdf <ftp://files.example/evil.pdf> ;
    skg:projectPage <http://ok.example/path(with)parens> ;
    skg:demo <javascript:alert(7)> ;
    skg:model "M|odel <x> `y`" ;
    skg:affiliations "Aff *one* | <two>"@en ;
    schema:description "<img src=x onerror=alert(3)> | *em* _u_ \\ backslash [link](javascript:alert(3)) <https://evil.example> ```fence"@en ;
    skg:coreInnovation """1. a list
> a quote ](javascript:alert(4))
---"""@en ;
    schema:abstract """</details><script>alert('abstract')</script>

<details><summary><b>fake paper</b></summary>"""@en ;
    schema:author person:mallory ;
    skg:authorship e:author-1 ;
    skg:keyPoint e:key-point-en-1 , e:key-point-en-2 ;
    skg:field e:field-1 ;
    skos:editorialNote "A note <script>alert('note')</script> | [x](javascript:alert(8))"@en .
e:arxiv a schema:PropertyValue ; schema:propertyID "arXiv" ; schema:value "2403.99999" .
e:author-1 a skg:Authorship ; skg:position 1 ; skg:author person:mallory ;
    skg:printedName "Mallory | <script>alert('name')</script> [x](javascript:alert(6))" .
e:key-point-en-1 a skg:KeyPoint ; skg:position 1 ;
    skg:text "</li></ul></details><script>alert('point')</script>"@en .
e:key-point-en-2 a skg:KeyPoint ; skg:position 2 ; skg:text "second & <last>"@en .
e:field-1 skg:label "Evil *label* <x>" ; skg:text "field | text <y>"@en .
e:code a schema:SoftwareSourceCode ; schema:isBasedOn paper:2403.99999 ;
    schema:codeRepository <javascript:alert(9)> .

work:quiet a schema:CreativeWork , schema:SoftwareApplication ;
    schema:name "Quiet model"@en ;
    schema:datePublished "2023-11"^^xsd:gYearMonth ;
    schema:about category:evil ;
    schema:description "只有中文的一句话。"@zh ;
    skg:keyPoint <https://w3id.org/survey-kg/work/quiet/key-point-zh-1> ;
    schema:author person:mallory ;
    skg:authorship <https://w3id.org/survey-kg/work/quiet/author-1> .
<https://w3id.org/survey-kg/work/quiet/author-1> a skg:Authorship ; skg:position 1 ;
    skg:author person:mallory ; skg:printedName "Mallory" .
<https://w3id.org/survey-kg/work/quiet/key-point-zh-1> a skg:KeyPoint ; skg:position 1 ;
    skg:text "中文要点"@zh .
'''
HOSTILE_TITLE = ("Evil | Title <script>alert('title')</script> `code` ](javascript:alert(1)) "
                 "[x](javascript:alert(2)) & <b>bold</b> # heading")
HOSTILE_WARNINGS = [dict(severity="warning", focus="x", path=None, value=None,
                         message="a <script>alert('w')</script> | message", rule="skg:Evil|Shape",
                         work="2403.99999 (Evil | Title...)", field="title | <x>",
                         fix="do *this* [x](javascript:alert(10))")]


def parser():
    return MarkdownIt("commonmark", {"html": True}).enable("table")


def all_tokens(tokens):
    for token in tokens:
        yield token
        yield from all_tokens(token.children or [])


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def visible_text(markdown: str) -> str:
    """What a reader sees: the rendered page's text, white space collapsed."""
    reader = _Text()
    reader.feed(parser().render(markdown))
    return " ".join("".join(reader.parts).split())


def page(sections: dict[str, str]) -> str:
    return "\n".join(f"<!-- BEGIN survey-kg:{n} -->\n{text}\n<!-- END survey-kg:{n} -->\n"
                     for n, text in sections.items())


def contexts(lang: str, warnings=()) -> dict[str, dict]:
    """What each section's template receives besides the rows, as the pages give it."""
    readme = pages.page_name(lang)
    return {"toc": {}, "catalog": {"sections": "./", "readme": readme}, "statistics": {},
            "section": {"category": EVIL}, "curation": {"warnings": list(warnings)}}


def render_sections(store, lang, warnings=()) -> dict[str, str]:
    """Every section's markdown in `lang`, by name (the section page: the evil category's)."""
    return {name: pages.render_section(store, SURVEY, name, lang, context)
            for name, context in contexts(lang, warnings).items()}


@pytest.fixture(scope="module")
def hostile_graph(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "hostile.ttl"
    path.write_text(HOSTILE, encoding="utf-8")
    return load(turtle_files([SMALL / "data"]) + [path])


@pytest.fixture(scope="module", params=["en", "zh"])
def hostile_page(request, hostile_graph):
    sections = render_sections(hostile_graph, request.param, HOSTILE_WARNINGS)
    sections["section_actions"] = pages.render_section(hostile_graph, SURVEY, "section",
                                                       request.param, {"category": ACTIONS})
    return page(sections)


def section_page(store, lang, category=EVIL) -> str:
    return pages.render_section(store, SURVEY, "section", lang, {"category": category})


# ------------------------------------------------------------------------------------ escaping

@pytest.mark.parametrize("text", [
    "a | b", "<script>alert(1)</script>", "`code` and ``more``", "](javascript:alert(1))",
    "[link](http://x)", "*em* _u_ ~~s~~", "&amp; &lt;", "back\\slash\\", "# not a heading",
    "- not a list", "1. not a list", "2024) neither", "> not a quote", "$x$ math", "a@b.example",
    "line one\n\nline two", "![img](http://x/i.png)", "<https://auto.link>", "&#60;b&#62;",
])
def test_md_text_reads_back_exactly_and_makes_no_markup(text):
    tokens = list(all_tokens(parser().parse("x " + render.md(text))))
    kinds = {t.type for t in tokens}
    assert kinds <= {"paragraph_open", "paragraph_close", "inline", "text"}, kinds
    assert visible_text("x " + render.md(text)) == "x " + " ".join(text.split())


@pytest.mark.parametrize("text", ["a | b", "x\\|y", "`|`", "<td>|</td>"])
def test_md_text_stays_in_its_table_cell(text):
    table = parser().parse(f"| h | k |\n| --- | --- |\n| {render.md(text)} | z |\n")
    cells = [t for t in table if t.type == "td_open"]
    assert len(cells) == 2
    assert visible_text(f"| h | k |\n| --- | --- |\n| {render.md(text)} | z |\n") == f"h k {text} z"


def test_md_text_at_the_start_of_a_line_starts_nothing():
    for text in ["- item", "+ item", "1. item", "3) item", "# h", "> q", "---", "===", "    code"]:
        tokens = parser().parse("> " + render.md(text))
        assert [t.type for t in tokens] == ["blockquote_open", "paragraph_open", "inline",
                                            "paragraph_close", "blockquote_close"], text


def test_html_text_escapes_markup_and_keeps_one_line():
    assert render.html_text("</details>\n\n<script>&") == "&lt;/details&gt; &lt;script&gt;&amp;"


def test_attribute_text_escapes_quotes():
    assert render.attribute('a" onclick="x\n<y>') == "a&quot; onclick=&quot;x &lt;y&gt;"


def test_mermaid_labels_cannot_close_their_quotes():
    assert render.mermaid('a "b" <c>\n`d`') == "a 'b' ‹c› 'd'"


def test_an_introduction_is_written_as_it_is():
    """An introduction is CommonMark the shapes allow no raw HTML or non-http link in
    (skg:IntroductionMarkupShape; the build writes no page from a graph that breaks them)."""
    text = "**Objective**: a *goal*.\n\n- one\n- two\n"
    assert render._commonmark(ox.Literal(text, language="en")) == text.strip()


@pytest.mark.parametrize("url,expected", [
    ("https://github.com/a/b", "https://github.com/a/b"),
    ("HTTP://example.org/x", "HTTP://example.org/x"),
    ("http://ok.example/path(with)parens", "http://ok.example/path%28with%29parens"),
    ("https://x.example/a b", None),
    ("javascript:alert(1)", None),
    ("JAVASCRIPT:alert(1)", None),
    ("data:text/html,<script>", None),
    ("ftp://files.example/x", None),
    ("//evil.example/x", None),
    ("https:///nohost", None),
    ("/relative/path", None),
    ("https://x.example/<script>", "https://x.example/%3Cscript%3E"),
])
def test_only_http_urls_become_link_targets(url, expected):
    assert render.safe_url(url) == expected


@pytest.mark.parametrize("text,anchor", [
    ("🔬 Independent Exploration: Specialized Models", "-independent-exploration-specialized-models"),
    ("Modality + Spatial Consistency", "modality--spatial-consistency"),
    ('🌟 The "Trinity" Prototype: Emerging World Models', "-the-trinity-prototype-emerging-world-models"),
    ('🌟 "三位一体"原型：涌现的世界模型', "-三位一体原型涌现的世界模型"),
    ("空间一致性 + 时间一致性", "空间一致性--时间一致性"),
    ("A_b-C d", "a_b-c-d"),
])
def test_anchors_are_the_ones_github_gives_a_heading(text, anchor):
    assert render._anchor(text) == anchor


# ------------------------------------------------------------------------------------ hostile data

def html_tags(content: str) -> list[tuple[str, str]]:
    return re.findall(r"<\s*(/?)\s*([A-Za-z][\w-]*)", content)


def test_no_markup_from_data_reaches_the_page(hostile_page):
    for token in all_tokens(parser().parse(hostile_page)):
        if token.type in ("html_block", "html_inline"):
            if token.content.startswith("<!--"):
                assert re.fullmatch(r"<!-- (BEGIN|END) survey-kg:\w+ -->\n?", token.content)
                continue
            assert {tag.lower() for _, tag in html_tags(token.content)} <= ALLOWED_TAGS, \
                token.content
            for href in re.findall(r"<a\s+href=\"([^\"]*)\"", token.content):
                assert re.fullmatch(r"(\./)?[\w+/.-]*README(_zh)?\.md", href), href
            assert "javascript" not in token.content.lower() or "&lt;" in token.content
        assert token.type not in ("image", "code_inline", "code_block"), token
        assert token.type != "fence" or token.info == "mermaid", token


def test_every_link_is_http(hostile_page):
    links = [t for t in all_tokens(parser().parse(hostile_page)) if t.type == "link_open"]
    assert links, "the page has links"
    for link in links:
        href = link.attrs["href"]
        assert re.match(r"https?://", href) or re.fullmatch(r"#\S+", href), href


def test_one_details_block_per_entry(hostile_page):
    html = "".join(t.content for t in parser().parse(hostile_page) if t.type == "html_block")
    catalogs = 7  # the root page's catalog: one per category, the evil one too
    entries = 2 + 3  # the evil category's works, and the works of ActionFormer's category
    assert html.count("<summary><b>") == catalogs + entries
    assert html.count("<details>") == html.count("</details>")


def test_table_rows_have_the_header_cell_count(hostile_page):
    tables = 0
    header = cells = None
    for token in parser().parse(hostile_page):
        if token.type == "table_open":
            tables += 1
            header = None
        elif token.type == "tr_open":
            cells = 0
        elif token.type in ("th_open", "td_open"):
            cells += 1
        elif token.type == "tr_close":
            header = cells if header is None else header
            assert cells == header
    assert tables == 5  # categories, years, venues; curation notes, the warnings of a rule


def test_hostile_text_is_shown_as_written(hostile_page):
    text = visible_text(hostile_page)
    for value in (HOSTILE_TITLE, "Mallory | <script>alert('name')</script> [x](javascript:alert(6))",
                  "</li></ul></details><script>alert('point')</script>", "second & <last>",
                  "<img src=x onerror=alert(3)> | *em* _u_ \\ backslash [link](javascript:alert(3)) "
                  "<https://evil.example> ```fence",
                  "1. a list > a quote ](javascript:alert(4)) ---", "M|odel <x> `y`",
                  "Evil *label* <x>: field | text <y>",
                  "</details><script>alert('abstract')</script> <details><summary><b>fake paper</b></summary>",
                  "A note <script>alert('note')</script> | [x](javascript:alert(8))",
                  "EV|L \"quoted\" <v>", "a <script>alert('w')</script> | message",
                  "skg:Evil|Shape", "do *this* [x](javascript:alert(10))"):
        assert value in text, value


def test_no_heading_comes_from_data(hostile_page):
    tokens = list(parser().parse(hostile_page))
    texts = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert texts and not any("heading" in t and "not a heading" not in t for t in texts), texts


def test_non_http_links_are_withheld_with_a_note(hostile_graph):
    section = section_page(hostile_graph, "en")
    hrefs = [t.attrs["href"] for t in all_tokens(parser().parse(section)) if t.type == "link_open"]
    assert hrefs[:2] == ["https://arxiv.org/abs/2403.99999", "http://ok.example/path%28with%29parens"]
    assert not any("javascript" in href or href.startswith("ftp") for href in hrefs)
    text = visible_text(section)
    for label in ("PDF", "Code", "Demo"):
        assert f"([{label}] link withheld: not an http(s) URL)" in text
    assert "（[Code]链接未显示：不是 http(s) 地址）" in visible_text(section_page(hostile_graph, "zh"))


def test_mermaid_labels_stay_in_their_quotes(hostile_graph):
    statistics = pages.render_section(hostile_graph, SURVEY, "statistics", "en")
    [chart] = re.findall(r"```mermaid\n(.*?)```", statistics, re.S)
    lines = chart.splitlines()
    assert lines[0] == "xychart-beta" and lines[1].strip() == 'title "Works per year"'
    assert lines[2].strip() == 'x-axis ["2021", "2022", "2023", "2024", "2025"]'
    assert lines[3].strip() == 'y-axis "Works" 0 --> 7' and lines[4].strip() == "bar [1, 2, 4, 7, 3]"
    for line in lines:
        assert line.count('"') % 2 == 0 and "<" not in line.replace("-->", "")


# ------------------------------------------------------------------------------------ sections

def test_every_section_names_queries_that_exist():
    sections = pages.sections()
    assert set(sections) == {"toc", "catalog", "statistics", "section", "curation"}
    from survey_kg.queries import find_query

    for section in sections.values():
        assert section.queries, section.name
        for name in section.queries.values():
            find_query(name)


def entry(section: str, title: str) -> str:
    """The visible text of a work's entry on a section page."""
    for chunk in re.split(r"^<details>\n(?=<summary><b>)", section, flags=re.M)[1:]:
        text = visible_text("<details>\n" + chunk.split("\n---\n", 1)[0])
        if text.startswith(title):
            return text
    raise AssertionError(f"no entry {title!r}")


def test_a_text_missing_in_the_page_language_comes_in_the_other(hostile_graph):
    en, zh = section_page(hostile_graph, "en"), section_page(hostile_graph, "zh")
    assert "One-liner: 只有中文的一句话。" in entry(en, "Quiet model")
    assert "Key points 中文要点" in entry(en, "Quiet model")
    assert "一句话概述： 只有中文的一句话。" in entry(zh, "Quiet model")
    evil = entry(zh, HOSTILE_TITLE)
    assert "要点 </li></ul></details><script>alert('point')</script> second & <last>" in evil
    assert "核心创新 1. a list > a quote ](javascript:alert(4)) ---" in evil


def test_an_entry_shows_every_field_in_the_page_language(hostile_graph):
    evil = entry(section_page(hostile_graph, "en"), HOSTILE_TITLE)
    assert evil.startswith(
        HOSTILE_TITLE + " Authors: Mallory | <script>alert('name')</script> [x](javascript:alert(6))"
        " arXiv ID: 2403.99999v2 Model: M|odel <x> `y` Affiliations: Aff *one* | <two>"
        " One-liner: <img src=x onerror=alert(3)>")
    assert ("Published in: EV|L \"quoted\" <v> (5 Mar 2024) Links: [Paper] | ([PDF] link "
            "withheld: not an http(s) URL) | ([Code] link withheld: not an http(s) URL) | "
            "[Project Page] | ([Demo] link withheld: not an http(s) URL) "
            "Evil *label* <x>: field | text <y> Core Innovation") in evil
    assert "Core Innovation 1. a list" in evil and "Abstract </details><script>" in evil
    quiet = entry(section_page(hostile_graph, "zh"), "Quiet model")
    assert "发表于： 2023 (11 月)" in quiet


def test_the_core_innovation_heading_has_a_line_of_its_own(hostile_graph):
    """`> **Core Innovation**` ends with a hard line break, as the survey writes it: GitHub
    shows the label above the text, not run into it."""
    tokens = list(all_tokens(parser().parse(section_page(hostile_graph, "en"))))
    breaks = [i for i, t in enumerate(tokens) if t.type == "hardbreak"]
    assert len(breaks) == 1
    before = [(t.type, t.content) for t in tokens[breaks[0] - 3:breaks[0]] if t.content != "" or
              t.type != "text"]
    assert before == [("text", "Core Innovation"), ("strong_close", "")]
    assert tokens[breaks[0] + 1].content.startswith("1. a list")


def test_categories_come_in_the_order_of_their_parts(hostile_graph):
    catalog = pages.render_section(hostile_graph, SURVEY, "catalog", "en",
                                   {"sections": "./", "readme": "README.md"})
    headings = re.findall(r"^(#{2,3}) (.*)$", catalog, re.M)
    assert [(level, visible_text(text)) for level, text in headings if "Representative" not in text] == [
        ("##", "🔬 Independent Exploration: Specialized Models"), ("###", "Modality Consistency"),
        ("##", "🔗 Preliminary Integration: Unified Multimodal Models"),
        ("###", "Modality + Temporal Consistency"), ("###", "Spatial + Temporal Consistency"),
        ("##", '🌟 The "Trinity" Prototype: Emerging World Models'),
        ("###", "Text-to-World Generators"), ("###", "Embodied Intelligence Systems"),
        ("##", "📊 Benchmarks and Evaluation"),
        ("##", "☠|* Evil | <script>alert('cat')</script> # not a heading [x](javascript:alert(0)) *em*")]


def test_the_table_of_contents_links_to_the_headings_of_the_catalog(hostile_graph):
    """Each link of the table of contents goes to a heading of the catalog, by the anchor
    GitHub gives the heading as it is shown (its text, without the link around it)."""
    for lang in ("en", "zh"):
        toc = pages.render_section(hostile_graph, SURVEY, "toc", lang)
        catalog = pages.render_section(hostile_graph, SURVEY, "catalog", lang,
                                       {"sections": "./", "readme": pages.page_name(lang)})
        tokens = list(parser().parse(catalog))
        anchors = {render._anchor("".join(c.content for c in tokens[i + 1].children
                                          if c.type == "text"))
                   for i, t in enumerate(tokens) if t.type == "heading_open"}
        links = [unquote(t.attrs["href"][1:]) for t in all_tokens(parser().parse(toc))
                 if t.type == "link_open"]
        assert len(links) == 3 + 7 and set(links) <= anchors, set(links) - anchors  # parts


def test_unknown_language_is_an_input_error(hostile_graph):
    with pytest.raises(InputError) as info:
        pages.render_section(hostile_graph, SURVEY, "toc", "fr")
    assert "no README language 'fr'" in str(info.value)


def test_rendering_is_deterministic(hostile_graph):
    shuffled = ox.Store()
    shuffled.extend(reversed(sorted(hostile_graph, key=str)))  # the triples added in another order
    assert len(shuffled) == len(hostile_graph)
    first = render_sections(hostile_graph, "zh", HOSTILE_WARNINGS)
    assert render_sections(hostile_graph, "zh", HOSTILE_WARNINGS) == first
    assert render_sections(shuffled, "zh", HOSTILE_WARNINGS) == first


def test_published_reads_every_kind_of_date():
    make = row_type(["venue", "date", "releaseNote"])
    xsd = PREFIXES["xsd"]

    def date(text, kind):
        return ox.Literal(text, datatype=ox.NamedNode(xsd + kind))
    rows = [make((ox.Literal("arXiv"), date("2024-01-09", "date"), None)),
            make((ox.Literal("arXiv"), date("2024-01", "gYearMonth"), None)),
            make((ox.Literal("CVPR|W"), date("2024", "gYear"), None)),
            make((ox.Literal("NeurIPS"), None, None)),
            make((None, date("2023-11", "gYearMonth"), None)),
            make((None, date("2024", "gYear"), ox.Literal("open release", language="en"))),
            make((None, None, ox.Literal("Alpha", language="en"))),
            make((None, date("2024", "gYear"), None)),
            make((None, None, None))]
    template = render.environment().from_string("{% for row in rows %}{{ row | published }}\n"
                                                "{% endfor %}")
    assert template.render(rows=rows, t=render.labels()["en"]).splitlines() == [
        "arXiv (9 Jan 2024)", "arXiv (Jan 2024)", "CVPR\\|W 2024", "NeurIPS", "2023 (November)",
        "2024 (open release)", "Alpha", "2024", "—"]
    assert template.render(rows=rows[4:5], t=render.labels()["zh"]) == "2023 (11 月)\n"


@pytest.fixture
def templates(tmp_path, monkeypatch):
    """A private copy of the templates folder, so a test can add a broken template."""
    folder = tmp_path / "templates"
    shutil.copytree(render.templates_dir(), folder)
    monkeypatch.setattr(render, "templates_dir", lambda: folder)
    monkeypatch.setattr(pages, "templates_dir", lambda: folder)
    render.environment.cache_clear()
    render.labels.cache_clear()
    yield folder
    render.environment.cache_clear()
    render.labels.cache_clear()


def test_a_section_is_a_template_naming_its_queries(templates, hostile_graph):
    (templates / "year_list.md.j2").write_text(
        "{#- survey-kg section\nquery years: works_per_year\n-#}\n"
        "{% for row in years %}- {{ row.year | md }}: {{ row.works | int }}\n{% endfor %}",
        encoding="utf-8")
    out = pages.render_section(hostile_graph, SURVEY, "year_list", "en")
    assert out == "- 2021: 1\n- 2022: 2\n- 2023: 4\n- 2024: 7\n- 2025: 3\n"


def test_a_query_runs_once_for_every_section_and_page_reading_it(templates, tmp_path,
                                                                  hostile_graph):
    """A query runs once for every page and section reading it: one with ?lang runs unbound,
    and each page's sections get the rows of its language."""
    for name in ("points_a", "points_b"):
        (templates / f"{name}.md.j2").write_text(
            "{#- survey-kg section\nquery points: work_key_points\n-#}\n"
            "{{ points | length }}", encoding="utf-8")
    (templates / "years.md.j2").write_text(
        "{#- survey-kg section\nquery years: works_per_year\n-#}\nyears", encoding="utf-8")
    markers = "".join(f"<!-- BEGIN survey-kg:{name} -->\n<!-- END survey-kg:{name} -->\n"
                      for name in ("points_a", "points_b", "years"))
    (tmp_path / "README.md").write_text(markers, encoding="utf-8")
    (tmp_path / "README_zh.md").write_text(markers, encoding="utf-8")
    runs = []
    real = pages.run

    def run(store, query, params=None):
        runs.append((query.name, params))
        return real(store, query, params)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pages, "run", run)
        updates = pages.page_updates(hostile_graph, Survey(tmp_path))
    points = pages.find_query("work_key_points")
    roots = [(path, new) for path, _, new in updates if path.parent == tmp_path]
    assert [path.name for path, _ in roots] == ["README.md", "README_zh.md"]
    for path, new in roots:
        lang = "en" if path.name == "README.md" else "zh"
        bound = len(real(hostile_graph, points, {"lang": lang}))
        assert bound > 0
        assert re.findall(r"^\d+$", new, re.M) == [str(bound), str(bound)], path.name
        assert "\nyears\n" in new
    assert len(updates) == 2 + 2 * 7  # and both pages of each category's section folder
    names = [name for name, _ in runs]
    assert sorted(names) == sorted(set(names))  # each query once
    assert {"work_key_points", "works_per_year", "works", "categories"} <= set(names)
    assert all(not params for _, params in runs)  # ?lang unbound: one run for both languages


def test_a_value_printed_without_an_escaping_filter_is_refused(templates, hostile_graph):
    (templates / "raw.md.j2").write_text(
        "{#- survey-kg section\nquery rows: works\n-#}\n{% for row in rows %}{{ row.title }}{% endfor %}",
        encoding="utf-8")
    with pytest.raises(InputError) as info:
        pages.render_section(hostile_graph, SURVEY, "raw", "en")
    assert "without an escaping filter" in info.value.message
    assert info.value.file.endswith("raw.md.j2")


def test_a_template_without_its_header_is_refused(templates):
    (templates / "bare.md.j2").write_text("no header\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        pages.sections()
    assert "survey-kg section" in info.value.message and info.value.line == 1


def test_a_template_naming_an_unknown_query_is_refused(templates, hostile_graph):
    (templates / "lost.md.j2").write_text(
        "{#- survey-kg section\nquery rows: no_such_query\n-#}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        pages.render_section(hostile_graph, SURVEY, "lost", "en")
    assert "unknown query 'no_such_query'" in str(info.value)


def test_a_template_syntax_error_names_the_file_and_line(templates, hostile_graph):
    (templates / "broken.md.j2").write_text(
        "{#- survey-kg section\nquery rows: works\n-#}\nfine\n{% for row in rows %}\n",
        encoding="utf-8")
    with pytest.raises(InputError) as info:
        pages.render_section(hostile_graph, SURVEY, "broken", "en")
    assert "template syntax error" in info.value.message
    assert info.value.file.endswith("broken.md.j2") and info.value.line == 5


def test_a_language_query_that_returns_no_language_is_refused(templates, tmp_path, hostile_graph):
    folder = tmp_path / "survey"
    (folder / "queries").mkdir(parents=True)
    (folder / "queries" / "no_lang.rq").write_text(
        "# Labels without their language: a broken page query.\n"
        "# param: ?lang lang  The page language.\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?label WHERE { ?c skos:prefLabel ?label FILTER (LANG(?label) = ?lang) } "
        "ORDER BY ?label\n", encoding="utf-8")
    (templates / "labels_only.md.j2").write_text(
        "{#- survey-kg section\nquery rows: no_lang\n-#}\n{{ rows | length }}", encoding="utf-8")
    with pytest.raises(InputError) as info:
        pages.render_section(hostile_graph, Survey(folder), "labels_only", "en")
    assert "returns no ?lang" in info.value.message and info.value.file.endswith("no_lang.rq")


# ------------------------------------------------------------------------------------ markers

SECTIONS = {"one": "generated one\n", "two": "generated two\n"}


def test_text_outside_markers_is_kept_byte_for_byte():
    text = ("\ufeff# Title\r\nhand text  \r\n<!-- BEGIN survey-kg:one -->\r\nold\r\n"
            "<!-- END survey-kg:one -->\r\nmiddle\n\n<!-- BEGIN survey-kg:two -->\n"
            "<!-- END survey-kg:two -->\ntail without newline")
    out = pages.update_text(text, SECTIONS)
    assert out == ("\ufeff# Title\r\nhand text  \r\n<!-- BEGIN survey-kg:one -->\r\n\r\n"
                   "generated one\r\n\r\n<!-- END survey-kg:one -->\r\nmiddle\n\n"
                   "<!-- BEGIN survey-kg:two -->\n\ngenerated two\n\n<!-- END survey-kg:two -->\n"
                   "tail without newline")
    assert pages.update_text(out, SECTIONS) == out


def test_markers_in_code_fences_are_examples():
    text = ("```markdown\n<!-- BEGIN survey-kg:nope -->\n```\n"
            "~~~~\n<!-- END survey-kg:one -->\n~~~\nstill fenced\n~~~~\n"
            "<!-- BEGIN survey-kg:one -->\n<!-- END survey-kg:one -->\n")
    out = pages.update_text(text, SECTIONS)
    assert out.startswith("```markdown\n<!-- BEGIN survey-kg:nope -->\n```\n~~~~\n"
                          "<!-- END survey-kg:one -->\n~~~\nstill fenced\n~~~~\n")
    assert "generated one" in out


@pytest.mark.parametrize("text,line,words", [
    ("a\n<!-- BEGIN survey-kg:one -->\nb\n", 2, "section 'one' has no END marker"),
    ("<!-- END survey-kg:one -->\n", 1, "END of section 'one' without its BEGIN"),
    ("<!-- BEGIN survey-kg:one -->\n<!-- END survey-kg:one -->\n\n"
     "<!-- BEGIN survey-kg:one -->\n<!-- END survey-kg:one -->\n", 4, "marked twice (first at line 1)"),
    ("<!-- BEGIN survey-kg:one -->\n<!-- BEGIN survey-kg:two -->\n", 2, "begins inside section 'one'"),
    ("<!-- BEGIN survey-kg:one -->\n<!-- END survey-kg:two -->\n", 2, "END of section 'two' inside"),
    ("x\n\n<!-- BEGIN survey-kg:three -->\n<!-- END survey-kg:three -->\n", 3, "unknown section 'three'"),
    ("<!-- BEGIN survey-kg:one\n", 1, "not well formed"),
    ("ok\r\n<!--BEGIN survey-kg:one-->\r\n", 2, "not well formed"),
])
def test_marker_errors_name_file_and_line(text, line, words):
    with pytest.raises(InputError) as info:
        pages.update_text(text, SECTIONS, file="README.md")
    assert words in info.value.message
    assert (info.value.file, info.value.line) == ("README.md", line)
    assert str(info.value).startswith(f"README.md:{line}")


def test_templates_read_a_row_by_attribute_key_and_map():
    make = row_type(["get", "title"])
    rows = [make((ox.NamedNode("https://example.org/a"), ox.Literal("A *b*"))),
            make((ox.NamedNode("https://example.org/c"), ox.Literal("C")))]
    template = render.environment().from_string(
        "{{ rows[0].title | md }}/{{ rows[0]['title'] | md }}/{{ rows[0]['get'] | md }}/"
        "{{ rows | map(attribute='title') | map('md') | join(',') }}")
    assert template.render(rows=rows) == "A \\*b\\*/A \\*b\\*/https://example.org/a/A \\*b\\*,C"


def test_join_md_escapes_each_item_as_map_md_join_does():
    make = row_type(["work", "name"])
    rows = [make((ox.NamedNode("https://example.org/a"), ox.Literal(name)))
            for name in ["A *b*", "C|D", "# E", "F\nG"]]
    template = render.environment().from_string(
        "{{ rows | join_md(', ', attribute='name') }}~"
        "{{ rows | map(attribute='name') | map('md') | join(', ') }}~"
        "{{ rows | map(attribute='name') | join_md }}~{{ [] | join_md(', ', attribute='name') }}")
    joined, mapped, bare, empty = template.render(rows=rows).split("~")
    assert joined == mapped == "A \\*b\\*, C\\|D, \\# E, F G"
    assert bare == "A \\*b\\*C\\|D\\# EF G" and empty == ""


def test_where_and_group_by_keep_the_query_order():
    make = row_type(["work", "n"])
    a, b = ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/b")
    rows = [make((a, ox.Literal("1"))), make((b, ox.Literal("2"))), make((a, ox.Literal("3")))]
    template = render.environment().from_string(
        "{% for row in rows | where('work', a) %}{{ row.n | md }}{% endfor %}|"
        "{% for row in plain | where('work', a) %}{{ row.n | md }}{% endfor %}|"
        "{% for key, group in rows | group_by('work') %}{{ key | md }}={{ group | length }};"
        "{% endfor %}")
    assert template.render(rows=render.RowList(rows), plain=rows, a=a) == \
        "13|13|https://example.org/a=2;https://example.org/b=1;"


def test_labels_read_as_attributes_and_as_items():
    t = render.labels()["en"]
    assert t.authors == t["authors"] and t.link_labels == t["link_labels"]
    template = render.environment().from_string("{{ t.authors }}|{{ t['authors'] }}|"
                                                "{{ t.link_labels.code }}")
    assert template.render(t=t) == f"{t['authors']}|{t['authors']}|{t['link_labels']['code']}"


def test_every_language_has_every_label():
    tables = render.labels()
    assert list(tables) == ["en", "zh"] == render.languages()
    assert set(tables["en"]) == set(tables["zh"])


@given(st.text(alphabet="ab\n", max_size=60), st.lists(st.integers(0, 60), max_size=8))
@settings(max_examples=300, deadline=None)
def test_tidying_in_chunks_is_tidying_the_whole_text(text, cuts):
    """A section streamed in chunks gets the blank-line clean-up the whole text would."""
    points = sorted({min(cut, len(text)) for cut in cuts})
    chunks = [text[a:b] for a, b in zip([0, *points], [*points, len(text)])]
    whole = re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
    assert "".join(pages._tidy(iter(chunks))) == whole
