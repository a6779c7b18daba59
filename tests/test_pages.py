"""The survey's pages as a reader gets them, checked against the graph read directly (its
triples, not the page queries): the repository's pages are up to date; a section page shows
every work of its category with every field, in both languages, a text missing in one language
in the other; the root pages' table of contents, catalog and statistics give the graph's
categories and counts; the curation page lists the notes and the validation warnings by rule.

The field-by-field checks run on the small survey; the counts on the whole survey's root pages.
"""

from __future__ import annotations

import html
import re
from collections import Counter

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from survey_kg.cli import main
from survey_kg.load import load, turtle_files
from survey_kg.paths import PREFIXES, Survey
from survey_kg.render import pages
from survey_kg.rules import validate

from .conftest import ROOT, SMALL
from .test_render import all_tokens, parser, visible_text

LANGUAGES = ("en", "zh")
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
LABELS = {  # the field labels of an entry, as the survey writes them
    "en": dict(authors="Authors:", arxiv="arXiv ID:", one_liner="One-liner:",
               published="Published in:", links="Links:", core="Core Innovation",
               abstract="Abstract", points="Key points", model="Model:"),
    "zh": dict(authors="作者：", arxiv="arXiv 编号：", one_liner="一句话概述：",
               published="发表于：", links="链接：", core="核心创新", abstract="摘要",
               points="要点", model="模型："),
}
LINKS = [("schema:url", "Paper"), ("skg:pdf", "PDF"), ("code", "Code"),
         ("skg:projectPage", "Project Page"), ("skg:modelPage", "Model Page"),
         ("skg:technicalReport", "Technical Overview"), ("skg:productPage", "Product Page"),
         ("skg:blogPost", "Launch Blog"), ("skg:dataset", "Dataset"), ("skg:demo", "Demo")]


def iri(curie: str) -> ox.NamedNode:
    prefix, _, local = curie.partition(":")
    return ox.NamedNode(PREFIXES[prefix] + local)


class Graph:
    """The survey's triples, read the plain way: objects of a subject and predicate."""

    def __init__(self, store: ox.Store):
        self.store = store

    def all(self, subject, curie) -> list:
        return [q.object for q in self.store.quads_for_pattern(subject, iri(curie), None)]

    def one(self, subject, curie):
        found = self.all(subject, curie)
        assert len(found) <= 1, (subject, curie, found)
        return found[0] if found else None

    def subjects(self, curie, value) -> list:
        return [q.subject for q in self.store.quads_for_pattern(None, iri(curie), value)]

    def text(self, subject, curie, lang):
        """The text in `lang`, else in the other language (and which language it is)."""
        found = {t.language: t for t in self.all(subject, curie)}
        other = "zh" if lang == "en" else "en"
        return found.get(lang) or found.get(other)

    def in_order(self, subject, curie, value_curie, lang=None) -> list[str]:
        items = [(int(self.one(n, "skg:position").value), self.one(n, value_curie))
                 for n in self.all(subject, curie)]
        if lang is not None:  # a list is taken whole from one language
            languages = {t.language for _, t in items}
            chosen = lang if lang in languages else ("zh" if lang == "en" else "en")
            items = [(p, t) for p, t in items if t.language == chosen]
        return [t.value for _, t in sorted(items, key=lambda item: item[0])]

    def published(self, work, lang) -> str:
        venue = self.one(work, "skg:venue")
        acronym = self.one(venue, "skg:acronym").value if venue is not None else None
        date = self.one(work, "schema:datePublished")
        kind = date.datatype.value.rsplit("#", 1)[1] if date is not None else None
        text = date.value if date is not None else ""
        if acronym and kind == "date":
            return f"{acronym} ({int(text[8:10])} {MONTHS[int(text[5:7]) - 1]} {text[:4]})"
        if acronym and kind == "gYearMonth":
            return f"{acronym} ({MONTHS[int(text[5:7]) - 1]} {text[:4]})"
        if acronym:
            return f"{acronym} {text[:4]}".strip()
        if kind == "gYearMonth":
            month = int(text[5:7])
            return f"{text[:4]} (" + ({"en": "January February March April May June July August "
                                              "September October November December".split()[month - 1],
                                        "zh": f"{month} 月"}[lang]) + ")"
        note = self.text(work, "skg:releaseNote", lang)
        return f"{text[:4]} ({note.value})" if note is not None else text[:4]

    def links(self, work) -> list[tuple[str, str]]:
        found = []
        for curie, label in LINKS:
            if curie == "code":
                urls = [self.one(code, "schema:codeRepository").value
                        for code in self.subjects("schema:isBasedOn", work)
                        if iri("schema:SoftwareSourceCode") in self.all(code, "rdf:type")]
            else:
                urls = [u.value for u in self.all(work, curie)]
            found += [(f"[{label}]", url) for url in sorted(urls)]
        return found

    def works_about(self, category) -> list:
        return self.subjects("schema:about", category)


@pytest.fixture(scope="module")
def small():
    store = load(turtle_files([SMALL / "data"]))
    return Graph(store), validate(store)


@pytest.fixture(scope="module")
def whole():
    return Graph(load(turtle_files([ROOT / "data"])))


def render(graph: Graph, survey: Survey, name: str, lang: str, **context) -> str:
    return pages.render_section(graph.store, survey, name, lang, context)


def categories(graph: Graph) -> list:
    """The categories with a section folder, in notation order."""
    found = graph.subjects("rdf:type", iri("skos:Concept"))
    return sorted((c for c in found if graph.one(c, "skg:sectionPath") is not None),
                  key=lambda c: int(graph.one(c, "skos:notation").value))


# ------------------------------------------------------------------ the repository's pages

def test_every_page_of_the_survey_is_up_to_date():
    """`survey-kg readme --check` on the repository itself: every page in survey/ is what the
    data makes (read-only: --check writes nothing)."""
    result = CliRunner().invoke(main, ["--root", str(ROOT), "readme", "--check"])
    assert result.exit_code == 0, result.stdout[:3000] + result.stderr[-500:]
    assert result.stdout == "" and "pages are up to date" in result.stderr


def test_the_survey_has_a_section_page_per_category_and_language(whole):
    survey = Survey(ROOT)
    found = pages.pages(whole.store, survey)
    expected = [survey.readme("en"), survey.readme("zh"), survey.pages / "CURATION.md"] + [
        survey.pages / whole.one(c, "skg:sectionPath").value / name
        for c in sorted(categories(whole), key=lambda c: whole.one(c, "skg:sectionPath").value)
        for name in ("README.md", "README_zh.md")]
    assert [p.path for p in found] == expected and len(expected) == 3 + 2 * 9
    assert all(p.path.is_file() for p in found)


# ------------------------------------------------------------------ section pages

def entries(markdown: str) -> dict[str, list[str]]:
    """The entries of a section page: their visible texts by title, in page order."""
    found: dict[str, list[str]] = {}
    for chunk in re.split(r"^<details>\n(?=<summary><b>)", markdown, flags=re.M)[1:]:
        chunk = chunk.split("\n---\n", 1)[0]
        title = html.unescape(re.match(r"<summary><b>(.*?)</b></summary>", chunk)[1])
        found.setdefault(title, []).append(visible_text("<details>\n" + chunk))
    return found


def expected_entry(graph: Graph, work, lang: str) -> str:
    """The visible text of a work's entry, made from its triples."""
    t = LABELS[lang]
    parts = [graph.text(work, "schema:name", lang).value,
             t["authors"], ", ".join(graph.in_order(work, "skg:authorship", "skg:printedName"))]
    arxiv = [graph.one(node, "schema:value").value for node in graph.all(work, "schema:identifier")
             if graph.one(node, "schema:propertyID").value == "arXiv"]
    if arxiv:
        parts += [t["arxiv"], arxiv[0]]
    if (model := graph.one(work, "skg:model")) is not None:
        parts += [t["model"], model.value]
    if (one_liner := graph.text(work, "schema:description", lang)) is not None:
        parts += [t["one_liner"], one_liner.value]
    parts += [t["published"], graph.published(work, lang)]
    if links := graph.links(work):
        parts += [t["links"], " | ".join(label for label, _ in links)]
    if (core := graph.text(work, "skg:coreInnovation", lang)) is not None:
        parts += [t["core"], core.value]
    if (abstract := graph.text(work, "schema:abstract", lang)) is not None:
        parts += [t["abstract"], abstract.value]
    if points := graph.in_order(work, "skg:keyPoint", "skg:text", lang):
        parts += [t["points"], *points]
    return " ".join(" ".join(parts).split())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_section_page_shows_every_work_of_its_category_with_every_field(small, lang):
    graph, _ = small
    survey = Survey(SMALL)
    shown_works = 0
    for category in categories(graph):
        page = render(graph, survey, "section", lang, category=category)
        shown = entries(page)
        works = graph.works_about(category)
        assert sorted(shown) == sorted(graph.text(w, "schema:name", lang).value for w in works)
        for work in works:
            [text] = shown[graph.text(work, "schema:name", lang).value]
            assert text == expected_entry(graph, work, lang)
            shown_works += 1
        hrefs = [t.attrs["href"] for t in all_tokens(parser().parse(page)) if t.type == "link_open"]
        assert hrefs == [url for w in sorted(works, key=lambda w: list(shown).index(
            graph.text(w, "schema:name", lang).value)) for _, url in graph.links(w)]
    assert shown_works == 16  # WISE is in two categories


def test_section_pages_list_works_newest_first(small):
    graph, _ = small
    page = render(graph, Survey(SMALL), "section", "en",
                  category=iri("category:spatial-temporal-consistency"))
    assert [title.split(":")[0] for title in entries(page)] == [
        "GEN3C", "DUSt3R", "4D Gaussian Splatting for Real-Time Dynamic Scene Rendering",
        "CoTracker", "Neural Scene Flow Fields for Space-Time View Synthesis of Dynamic Scenes"]


def test_a_text_missing_in_one_language_is_shown_in_the_other(small):
    """ActionFormer's one-liner and abstract are English only: the Chinese page shows them, under
    its own labels; its Chinese core innovation is there too."""
    graph, _ = small
    work = iri("paper:2202.07925")
    page = render(graph, Survey(SMALL), "section", "zh",
                  category=iri("category:modality-temporal-consistency"))
    [text] = entries(page)["ActionFormer: Localizing Moments of Actions with Transformers"]
    one_liner = graph.one(work, "schema:description")
    abstract = graph.one(work, "schema:abstract")
    assert (one_liner.language, abstract.language) == ("en", "en")
    assert f"一句话概述： {one_liner.value}" in text and f"摘要 {abstract.value}" in text


def test_the_section_heading_and_introduction_come_from_the_category(small):
    graph, _ = small
    for lang in LANGUAGES:
        for category in categories(graph):
            page = render(graph, Survey(SMALL), "section", lang, category=category)
            heading = re.search(r"^(#{2,3}) (.*)$", page, re.M)
            symbol = graph.one(category, "skg:symbol")
            label = graph.text(category, "skos:prefLabel", lang).value
            assert visible_text(heading[2]) == (f"{symbol.value} " if symbol else "") + label
            parts = graph.subjects("skos:member", category)
            assert heading[1] == ("###" if parts else "##")  # a part of its own: as the root page
            intro = graph.text(category, "skg:introduction", lang)
            assert intro.value in page


# ------------------------------------------------------------------ root pages

def parts_of(graph: Graph) -> list[tuple]:
    """(part, its categories in notation order) in the order of the parts' notations; a
    category in no part is a part of its own."""
    by_part: dict = {}
    for category in categories(graph):
        [part] = graph.subjects("skos:member", category) or [category]
        by_part.setdefault(part, []).append(category)
    return sorted(by_part.items(), key=lambda item: int(graph.one(item[0], "skos:notation").value))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_table_of_contents_lists_every_part_and_category_with_its_count(whole, lang):
    toc = render(whole, Survey(ROOT), "toc", lang)
    lines = [visible_text(line) for line in toc.strip().splitlines()]
    expected = []
    for part, members in parts_of(whole):
        symbol = whole.one(part, "skg:symbol")
        head = (f"{symbol.value} " if symbol else "") + whole.text(part, "skos:prefLabel", lang).value
        if part in members:
            expected.append(f"{head} ({len(whole.works_about(part))})")
            continue
        expected.append(head)
        expected += [f"{whole.text(c, 'skos:prefLabel', lang).value} "
                     f"({len(whole.works_about(c))})" for c in members]
    assert lines == expected and len(expected) == 3 + 9


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalog_lists_every_work_of_each_category_under_a_link_to_its_page(whole, lang):
    readme = pages.page_name(lang)
    catalog = render(whole, Survey(ROOT), "catalog", lang, sections="./", readme=readme)
    blocks = re.split(r"^#{2,3} (?=.*<a href=)", catalog, flags=re.M)[1:]
    assert len(blocks) == 9
    for block, category in zip(blocks, [c for _, members in parts_of(whole) for c in members]):
        path = whole.one(category, "skg:sectionPath").value
        assert f'<a href="./{path}/{readme}">' in block.splitlines()[0]
        lines = re.findall(r"^\* (.*)$", block, re.M)
        titles = Counter(visible_text(line).rsplit(", ", 1)[0] for line in lines)
        works = whole.works_about(category)
        assert titles == Counter(whole.text(w, "schema:name", lang).value for w in works)
        published = Counter(visible_text(line).rsplit(", ", 1)[1].rstrip(".") for line in lines)
        assert published == Counter(whole.published(w, lang) for w in works)


def test_the_statistics_give_the_graphs_counts(whole):
    statistics = render(whole, Survey(ROOT), "statistics", "en")
    kinds = Counter(t for q in whole.store.quads_for_pattern(None, iri("rdf:type"), None)
                    for t in [q.object.value.rsplit("/", 1)[1]])
    works = kinds["CreativeWork"]
    assert (works, kinds["ScholarlyArticle"], kinds["SoftwareApplication"]) == (557, 554, 3)
    intro = (f"{works} works ({kinds['ScholarlyArticle']} papers on arXiv, "
             f"{kinds['SoftwareApplication']} models without a paper) by "
             f"{kinds['Person'] + kinds['Organization']} authors, in 9 categories.")
    assert statistics.startswith(intro + "\n")
    rows = re.findall(r"^\| (.+?) \| ([\d]+) \|$", statistics, re.M)
    per_category = [(whole.text(c, "skos:prefLabel", "en").value, str(len(whole.works_about(c))))
                    for _, members in parts_of(whole) for c in members]
    assert rows[:9] == per_category
    years = Counter(whole.one(w, "schema:datePublished").value[:4]
                    for w in whole.subjects("rdf:type", iri("schema:CreativeWork")))
    assert rows[9:9 + len(years)] == sorted((y, str(n)) for y, n in years.items())
    venues = Counter(whole.one(whole.one(w, "skg:venue"), "skg:acronym").value
                     for w in whole.subjects("rdf:type", iri("schema:CreativeWork"))
                     if whole.one(w, "skg:venue") is not None)
    shown = re.findall(r"^\| (.+?) \| .+? \| .+? \| (\d+) \|$", statistics, re.M)
    assert dict(shown) == {v: str(n) for v, n in venues.items()}
    assert [int(n) for _, n in shown] == sorted((int(n) for _, n in shown), reverse=True)
    chart = re.search(r'bar \[([\d, ]+)\]', statistics)[1]
    assert [int(n) for n in chart.split(", ")] == [n for _, n in sorted(years.items())]


# ------------------------------------------------------------------ the curation page

def test_the_curation_page_lists_every_note_and_every_warning_by_rule(small):
    graph, report = small
    warnings = [dict(r.__dict__) for r in report.warnings]
    page = render(graph, Survey(SMALL), "curation", "en", warnings=warnings)
    notes = sorted((q.subject.value.rsplit("/", 1)[1], q.object.value) for q in
                   graph.store.quads_for_pattern(None, iri("skos:editorialNote"), None))
    tables = re.split(r"^## ", page, flags=re.M)
    shown = [tuple(visible_text(cell) for cell in row) for row in
             re.findall(r"^\| (.+?) \| (.+) \|$", tables[0], re.M)[2:]]
    assert shown == notes and len(notes) == 8
    noted = len({work for work, _ in notes})
    sources = len(graph.subjects("rdf:type", iri("prov:Entity")))
    assert page.startswith(f"{noted} of 15 works carry {len(notes)} curation note(s)")
    assert f"({sources} source records)" in page and \
        f"Validation reports {len(warnings)} warning(s)" in page
    rules = Counter(w["rule"] for w in warnings)
    assert rules and sum(rules.values()) == len(warnings) == 5
    headings = re.findall(r"^### (.+) \((\d+)\)$", page, re.M)
    assert {visible_text(rule): int(n) for rule, n in headings} == dict(rules)
    for rule, n in headings:
        block = page.split(f"### {rule} ({n})", 1)[1].split("\n### ", 1)[0]
        rows = re.findall(r"^\| (.+?) \| (.+?) \| (.+) \|$", block, re.M)[2:]
        expected = [(w["work"], w["field"], w["message"]) for w in warnings
                    if w["rule"] == visible_text(rule)]
        assert [tuple(visible_text(c) for c in row) for row in rows] == expected
        fix = next(w["fix"] for w in warnings if w["rule"] == visible_text(rule))
        assert f"What to do: {fix}" in visible_text(block)
