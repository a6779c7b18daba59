"""survey_kg.render (markdown: escaping filters, templates; pages: sections, markers): escaping
for each place text lands, hostile data, markers, templates, determinism. Rendered pages are parsed
with markdown-it-py (CommonMark + tables), the way a reader's renderer sees them."""

import re
import shutil
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from survey_kg.errors import InputError
from survey_kg.load import load
from survey_kg.paths import Survey
from survey_kg.queries import row_type
from survey_kg.render import markdown as render
from survey_kg.render import pages

from .conftest import FIXTURES, ROOT

FIXTURE = FIXTURES / "queries" / "survey.ttl"
PAPERS_IN_FIXTURE = 4
ALLOWED_TAGS = {"details", "summary", "b", "ul", "li", "em", "sub"}

HOSTILE = r'''
@prefix category: <https://w3id.org/survey-kg/category/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix paper: <https://w3id.org/survey-kg/paper/> .
@prefix person: <https://w3id.org/survey-kg/person/> .
@prefix schema: <https://schema.org/> .
@prefix skg: <https://w3id.org/survey-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix venue: <https://w3id.org/survey-kg/venue/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

category:evil a skos:Concept ;
    skos:notation "7" ;
    skos:prefLabel "Evil | <script>alert('cat')</script> # not a heading"@en ;
    skos:definition """- a list?
# a heading?
| a | table |"""@en .

venue:evil a skg:Venue ;
    skg:acronym "EV|L \"quoted\" <v>" ;
    schema:name "Evil ] venue"@en ;
    skg:venueKind skg:Conference .

person:mallory a foaf:Person ; foaf:name "Mallory | <script>alert('name')</script> [x](javascript:alert(6))" .

paper:2403.99999 a schema:ScholarlyArticle ;
    skg:arxivId "2403.99999" ;
    dcterms:title """Evil | Title <script>alert('title')</script> `code` ](javascript:alert(1)) [x](javascript:alert(2)) & <b>bold</b>

# heading"""@en ;
    dcterms:issued "2024"^^xsd:gYear ;
    skg:venue venue:evil ;
    dcterms:subject category:evil ;
    schema:url <https://arxiv.org/abs/2403.99999> ;
    skg:pdf <ftp://files.example/evil.pdf> ;
    schema:codeRepository <javascript:alert(7)> ;
    skg:projectPage <http://ok.example/path(with)parens> ;
    skg:oneLiner "<img src=x onerror=alert(3)> | *em* _u_ \\ backslash [link](javascript:alert(3)) <https://evil.example> ```fence"@en ;
    skg:coreInnovation """1. a list
> a quote ](javascript:alert(4))
---"""@en ;
    dcterms:abstract """</details><script>alert('abstract')</script>

<details><summary><b>fake paper</b></summary>"""@en ;
    dcterms:creator person:mallory ;
    skg:authorship <https://w3id.org/survey-kg/paper/2403.99999/author/1> ;
    skg:keyPoint <https://w3id.org/survey-kg/paper/2403.99999/key-point/en/1> ;
    skos:editorialNote "A note <script>alert('note')</script> | [x](javascript:alert(8))"@en .
<https://w3id.org/survey-kg/paper/2403.99999/author/1> a skg:Authorship ;
    skg:position 1 ; skg:author person:mallory .
<https://w3id.org/survey-kg/paper/2403.99999/key-point/en/1> a skg:KeyPoint ;
    skg:position 1 ;
    skg:text "</li></ul></details><script>alert('point')</script>"@en .
'''
HOSTILE_TITLE = ("Evil | Title <script>alert('title')</script> `code` ](javascript:alert(1)) "
                 "[x](javascript:alert(2)) & <b>bold</b> # heading")


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


def render_sections(store, survey, lang) -> dict[str, str]:
    """Every section's markdown in `lang`, by name."""
    return {name: pages.render_section(store, survey, name, lang)
            for name in sorted(pages.sections())}


@pytest.fixture(scope="module")
def hostile_graph(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "hostile.ttl"
    path.write_text(HOSTILE, encoding="utf-8")
    return load([FIXTURE, path])


@pytest.fixture(scope="module", params=["en", "zh"])
def hostile_page(request, hostile_graph):
    return page(render_sections(hostile_graph, Survey(ROOT), request.param))


# ------------------------------------------------------------------------------------ escaping

@pytest.mark.parametrize("text", [
    "a | b", "<script>alert(1)</script>", "`code` and ``more``", "](javascript:alert(1))",
    "[link](http://x)", "*em* _u_ ~~s~~", "&amp; &lt;", "back\\slash\\", "# not a heading",
    "- not a list", "1. not a list", "2024) neither", "> not a quote", "$x$ math", "a@b.example",
    "line one\n\nline two",
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


def test_mermaid_labels_cannot_close_their_quotes():
    assert render.mermaid('a "b" <c>\n`d`') == "a 'b' ‹c› 'd'"


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


# ------------------------------------------------------------------------------------ hostile data

def test_no_markup_from_data_reaches_the_page(hostile_page):
    for token in all_tokens(parser().parse(hostile_page)):
        if token.type in ("html_block", "html_inline"):
            tags = {t.lower() for t in re.findall(r"<\s*/?\s*([A-Za-z][\w-]*)", token.content)}
            assert tags <= ALLOWED_TAGS, token.content
            assert "javascript" not in token.content.lower() or "&lt;" in token.content
        assert token.type != "image"


def test_every_link_is_http(hostile_page):
    links = [t for t in all_tokens(parser().parse(hostile_page)) if t.type == "link_open"]
    assert links, "the page has links"
    for link in links:
        assert re.match(r"https?://", link.attrs["href"]), link.attrs["href"]


def test_one_details_block_per_paper(hostile_page):
    html = "".join(t.content for t in parser().parse(hostile_page) if t.type == "html_block")
    assert html.count("<summary><b>") == PAPERS_IN_FIXTURE + 1
    assert html.count("<details>") == html.count("</details>")


def test_table_rows_have_the_header_cell_count(hostile_page):
    tokens = parser().parse(hostile_page)
    tables = 0
    header = cells = None
    for token in tokens:
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
    assert tables >= 7


def test_hostile_text_is_shown_as_written(hostile_page):
    text = visible_text(hostile_page)
    assert HOSTILE_TITLE in text
    assert "Mallory | <script>alert('name')</script> [x](javascript:alert(6))" in text
    assert "</li></ul></details><script>alert('point')</script>" in text


def test_no_heading_comes_from_data(hostile_page):
    headings = [t for t in all_tokens(parser().parse(hostile_page)) if t.type == "heading_open"]
    texts = []
    tokens = list(parser().parse(hostile_page))
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            texts.append(tokens[i + 1].content)
    assert not any(t.strip().startswith(("heading", "a heading")) for t in texts), texts
    assert len(headings) == len(texts)


def test_non_http_links_are_withheld_with_a_note(hostile_graph):
    listing = pages.render_section(hostile_graph, Survey(ROOT), "listing", "en")
    hrefs = [t.attrs["href"] for t in all_tokens(parser().parse(listing)) if t.type == "link_open"]
    assert "http://ok.example/path%28with%29parens" in hrefs
    assert not any("javascript" in href or href.startswith("ftp") for href in hrefs)
    text = visible_text(listing)
    assert "([Code] link withheld: not an http(s) URL)" in text
    assert "([PDF] link withheld: not an http(s) URL)" in text


def test_mermaid_labels_from_data_stay_in_their_quotes(hostile_graph):
    venues = pages.render_section(hostile_graph, Survey(ROOT), "papers_per_venue", "en")
    chart = venues.split("```mermaid\n", 1)[1].split("```", 1)[0]
    slices = [line.strip() for line in chart.splitlines()[2:]]
    assert slices and all(re.fullmatch(r'"[^"]*" : \d+', line) for line in slices), slices
    assert "\"EV|L 'quoted' ‹v›\" : 1" in slices


# ------------------------------------------------------------------------------------ sections

def test_every_section_names_queries_that_exist():
    sections = pages.sections()
    assert set(sections) == {"listing", "summary", "papers_per_year", "papers_per_venue",
                             "author_index", "papers_without_code", "translation_coverage",
                             "curation"}
    from survey_kg.queries import find_query

    for section in sections.values():
        assert section.queries, section.name
        for name in section.queries.values():
            find_query(name)


def test_texts_in_one_language_only_are_marked(hostile_graph):
    survey = Survey(ROOT)
    zh = visible_text(pages.render_section(hostile_graph, survey, "listing", "zh"))
    en = visible_text(pages.render_section(hostile_graph, survey, "listing", "en"))
    assert "（仅有英文） Beta in one line." in zh
    assert "(Chinese only) 伽马一句话。" in en
    assert "(Chinese only) 贝塔第一。" in en  # the key points list comes whole from Chinese


def test_preprint_server_reads_as_a_preprint(hostile_graph):
    survey = Survey(ROOT)
    assert "Published in: arXiv preprint (2023)" in visible_text(
        pages.render_section(hostile_graph, survey, "listing", "en"))
    assert "发表于： arXiv 预印本（2023）" in visible_text(
        pages.render_section(hostile_graph, survey, "listing", "zh"))


def test_categories_come_in_notation_order(hostile_graph):
    listing = pages.render_section(hostile_graph, Survey(ROOT), "listing", "en")
    headings = re.findall(r"^### (.*)$", listing, re.M)
    assert [h.split(" ")[0] for h in headings] == ["Main", "Side", "Evil", "Tenth"]


def test_unknown_language_is_an_input_error(hostile_graph):
    with pytest.raises(InputError) as info:
        pages.render_section(hostile_graph, Survey(ROOT), "listing", "fr")
    assert "no README language 'fr'" in str(info.value)


def test_rendering_is_deterministic(hostile_graph):
    shuffled = ox.Store()
    shuffled.extend(reversed(sorted(hostile_graph, key=str)))  # the triples added in another order
    assert len(shuffled) == len(hostile_graph)
    first = render_sections(hostile_graph, Survey(ROOT), "zh")
    assert render_sections(hostile_graph, Survey(ROOT), "zh") == first
    assert render_sections(shuffled, Survey(ROOT), "zh") == first


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
        "{#- survey-kg section\nquery years: papers_per_year\n-#}\n"
        "{% for row in years %}- {{ row.year | md }}: {{ row.papers | int }}\n{% endfor %}",
        encoding="utf-8")
    out = pages.render_section(hostile_graph, Survey(ROOT), "year_list", "en")
    assert out == "- 2022: 1\n- 2023: 2\n- 2024: 2\n"


def test_a_query_runs_once_for_every_section_and_page_reading_it(templates, tmp_path,
                                                                  hostile_graph):
    """A query runs once for both READMEs and every section reading it: one with ?lang runs
    unbound, and each README's sections get the rows of its language."""
    for name in ("points_a", "points_b"):
        (templates / f"{name}.md.j2").write_text(
            "{#- survey-kg section\nquery points: paper_key_points\n-#}\n"
            "{{ points | length }}", encoding="utf-8")
    (templates / "years.md.j2").write_text(
        "{#- survey-kg section\nquery years: papers_per_year\n-#}\nyears", encoding="utf-8")
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
    points = pages.find_query("paper_key_points")
    for path, _, new in updates:
        lang = "en" if path.name == "README.md" else "zh"
        bound = len(real(hostile_graph, points, {"lang": lang}))
        assert bound > 0
        assert re.findall(r"^\d+$", new, re.M) == [str(bound), str(bound)], path.name
        assert "\nyears\n" in new
    assert [name for name, _ in runs] == ["paper_key_points", "papers_per_year"]
    assert all(not params for _, params in runs)  # ?lang unbound: one run for both languages


def test_a_value_printed_without_an_escaping_filter_is_refused(templates, hostile_graph):
    (templates / "raw.md.j2").write_text(
        "{#- survey-kg section\nquery rows: summary\n-#}\n{% for row in rows %}{{ row.title }}{% endfor %}",
        encoding="utf-8")
    with pytest.raises(InputError) as info:
        pages.render_section(hostile_graph, Survey(ROOT), "raw", "en")
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
        pages.render_section(hostile_graph, Survey(ROOT), "lost", "en")
    assert "unknown query 'no_such_query'" in str(info.value)


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
            "<!-- BEGIN survey-kg:one -->\n<!-- END survey-kg:one -->\n")
    out = pages.update_text(text, SECTIONS)
    assert out.startswith("```markdown\n<!-- BEGIN survey-kg:nope -->\n```\n")
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
    make = row_type(["paper", "name"])
    rows = [make((ox.NamedNode("https://example.org/a"), ox.Literal(name)))
            for name in ["A *b*", "C|D", "# E", "F\nG"]]
    template = render.environment().from_string(
        "{{ rows | join_md(', ', attribute='name') }}~"
        "{{ rows | map(attribute='name') | map('md') | join(', ') }}~"
        "{{ rows | map(attribute='name') | join_md }}~{{ [] | join_md(', ', attribute='name') }}")
    joined, mapped, bare, empty = template.render(rows=rows).split("~")
    assert joined == mapped == "A \\*b\\*, C\\|D, \\# E, F G"
    assert bare == "A \\*b\\*C\\|D\\# EF G" and empty == ""


def test_venue_filters_read_kind_year_and_absence():
    make = row_type(["venue", "venueKind", "year"])
    skg = "https://w3id.org/survey-kg/ontology#"
    preprint, conference = ox.NamedNode(skg + "PreprintServer"), ox.NamedNode(skg + "Conference")
    rows = [make((ox.Literal("arXiv"), preprint, ox.Literal("2023"))),
            make((ox.Literal("arXiv"), preprint, None)),
            make((ox.Literal("CVPR|W"), conference, ox.Literal("2024"))),
            make((ox.Literal("NeurIPS"), None, None)),
            make((None, conference, ox.Literal("2024")))]
    template = render.environment().from_string(
        "{% for row in rows %}{{ row | venue_year }}/{{ row | venue_name }}\n{% endfor %}")
    assert template.render(rows=rows, t=render.labels()["en"]).splitlines() == [
        "arXiv preprint (2023)/arXiv preprint", "arXiv preprint/arXiv preprint",
        "CVPR\\|W 2024/CVPR\\|W", "NeurIPS/NeurIPS", "—/—"]
    assert template.render(rows=rows[:1], t=render.labels()["zh"]) == "arXiv 预印本（2023）/arXiv 预印本\n"


def test_count_distinct_counts_as_map_unique_length_does():
    make = row_type(["paper", "person"])
    a, b = ox.NamedNode("https://example.org/A"), ox.NamedNode("https://example.org/a")
    rows = [make((a, a)), make((a, b)), make((b, None)), make((b, None))]
    template = render.environment().from_string(
        "{{ rows | count_distinct('paper') }} {{ rows | count_distinct('person') }} "
        "{{ rows | map(attribute='person') | unique | list | length }} {{ [] | count_distinct('x') }}")
    assert template.render(rows=rows) == "2 3 3 0"


def test_labels_read_as_attributes_and_as_items():
    t = render.labels()["en"]
    assert t.authors == t["authors"] and t.link_labels == t["link_labels"]
    template = render.environment().from_string("{{ t.authors }}|{{ t['authors'] }}|"
                                                "{{ t.link_labels.code }}")
    assert template.render(t=t) == f"{t['authors']}|{t['authors']}|{t['link_labels']['code']}"


@given(st.text(alphabet="ab\n", max_size=60), st.lists(st.integers(0, 60), max_size=8))
@settings(max_examples=300, deadline=None)
def test_tidying_in_chunks_is_tidying_the_whole_text(text, cuts):
    """A section streamed in chunks gets the blank-line clean-up the whole text would."""
    points = sorted({min(cut, len(text)) for cut in cuts})
    chunks = [text[a:b] for a, b in zip([0, *points], [*points, len(text)])]
    whole = re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
    assert "".join(pages._tidy(iter(chunks))) == whole
