"""The importer on small pages: one fixture for each thing issue 23 (point 2) asks of it, each
with the exact report it gives (tests/fixtures/import/, described in its README.md).

The whole upstream survey is imported in test_import_survey.py; hostile input is the bad-input
corpus (test_bad_inputs.py); generated pages come back whole in test_properties_import.py and
test_roundtrip.py.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from survey_kg.cli import main
from survey_kg.importer import ImportResult, import_pages, import_tree, page_files
from survey_kg.importer.pages import language_of
from survey_kg.load import load
from survey_kg.paths import PREFIXES

from .conftest import FIXTURES, ROOT

FIX = FIXTURES / "import"
TREE = FIX / "tree"


@pytest.fixture(scope="module")
def venues() -> ox.Store:
    """The survey's venue table (data/venues.ttl): names and aliases are data, not code."""
    return load([ROOT / "data" / "venues.ttl"])


def page(name: str, venues) -> ImportResult:
    """One page of tests/fixtures/import/pages/, named in reports relative to the fixtures."""
    return import_pages([FIX / "pages" / name], FIX, venues)


def report(result: ImportResult) -> list[str]:
    return [str(finding) for finding in result.findings]


def term(name: str) -> ox.NamedNode:
    """The IRI of a prefixed name ("skg:venue"), or of a full IRI."""
    if name.startswith("https://"):
        return ox.NamedNode(name)
    prefix, _, local = name.partition(":")
    return ox.NamedNode(PREFIXES[prefix] + local)


def objects(result: ImportResult, subject: str, predicate: str) -> set[str]:
    """The values of (subject, predicate, ?) in the import: IRIs and literals as their text."""
    s, p = term(subject), term(predicate)
    return {t.object.value for t in result.triples.triples if t.subject == s and t.predicate == p}


def literals(result: ImportResult, subject: str, predicate: str) -> set[tuple[str, str | None]]:
    s, p = term(subject), term(predicate)
    return {(t.object.value, t.object.language or t.object.datatype.value.rsplit("#", 1)[-1])
            for t in result.triples.triples if t.subject == s and t.predicate == p}


def cli(*args):
    """`survey-kg --root ROOT ...`: the survey's venues are the repository's data/venues.ttl."""
    return CliRunner().invoke(main, ["--root", str(ROOT)] + [str(a) for a in args])


# ------------------------------------------------------------------ one bad entry

def test_one_bad_entry_never_aborts_the_rest(venues):
    result = page("one-bad-entry.md", venues)
    assert report(result) == [
        "pages/one-bad-entry.md:15: error: the <details> block opened here ('Broken Video "
        "Model') is not closed before the entry at line 30 (add </details> where it ends)",
        "pages/one-bad-entry.md:19: error: entry Broken Video Model, field arXiv ID: '24-01' is "
        "not an arXiv ID; the entry is kept under its title (write it as on arxiv.org, e.g. "
        "2401.12945)",
        "pages/one-bad-entry.md:22: error: entry Broken Video Model, field links: cannot read "
        "the link '[Code](https://github.com/example/broken': not imported (write links as "
        "[[Label]](https://...) separated by |)",
        "pages/one-bad-entry.md:22: error: entry Broken Video Model, field links: the [Project "
        "Page] link 'example.org/broken' is not an absolute URL (No scheme found in an absolute "
        "IRI): not imported (write the full address, e.g. https://github.com/OWNER/REPO)",
    ]
    assert [w.key for w in result.works] == ["2401.00001", "broken-video-model", "2401.00003"]
    # what the broken entry says that can be read is imported: its paper link, its abstract
    assert objects(result, "work:broken-video-model", "schema:url") == {
        "https://arxiv.org/abs/2401.00002"}
    assert objects(result, "work:broken-video-model", "schema:abstract") == {
        "A model whose entry has a bad arXiv ID, an unclosed link and a relative one."}
    assert objects(result, "paper:2401.00003", "schema:name") == {"Third Video Model"}


def test_the_exit_code_says_whether_an_error_was_reported(tmp_path):
    out = tmp_path / "out.ttl"
    bad = cli("import", FIX / "pages" / "one-bad-entry.md", "--out", out)
    assert bad.exit_code == 1
    assert bad.stderr.splitlines()[-1] == ("read 3 entries from 1 page(s): 3 works, 91 triples; "
                                           "4 error(s), 0 warning(s)")
    assert "paper:2401.00003 a schema:CreativeWork" in out.read_text(encoding="utf-8")
    good = cli("import", FIX / "pages" / "no-arxiv.md", "--out", out)
    assert good.exit_code == 0, good.output


def test_strict_makes_warnings_errors(tmp_path):
    args = ["import", FIX / "pages" / "duplicates.md", "--out", tmp_path / "out.ttl"]
    plain, strict = cli(*args), cli(*args, "--strict")
    assert plain.exit_code == 0 and strict.exit_code == 1
    assert plain.stderr == strict.stderr  # the same report; only the exit code differs
    assert plain.stderr.splitlines()[-1].endswith("0 error(s), 6 warning(s)")
    # information (what the import decided) is no warning: --strict passes on it
    assert cli("import", FIX / "pages" / "no-arxiv.md", "--out", tmp_path / "b.ttl",
               "--strict").exit_code == 0


# ------------------------------------------------------------------ duplicates

def test_duplicates_that_disagree_are_merged_and_reported_in_full(venues):
    result = page("duplicates.md", venues)
    long_one_liner = ("This work introduces a text-to-video model that denoises space-time "
                      "patches with one transformer, and it scales.")
    assert report(result) == [
        "pages/duplicates.md:8: warning: entry 2402.00002, field authors: the author list stops "
        "with 'et al.' after 2 author(s) (give every author, as the paper does)",
        "pages/duplicates.md:20: warning: entry 2402.00002: the page lists this work again "
        "(first at pages/duplicates.md:5); merged",
        "pages/duplicates.md:23: warning: entry 2402.00002, field authors: the author lists "
        "differ (3 against 2 authors): kept the list at pages/duplicates.md:23, not the one at "
        "pages/duplicates.md:8: Ada Lovelace, Alan Turing",
        "pages/duplicates.md:25: warning: entry 2402.00002, field one liner@en: kept the value "
        f"at pages/duplicates.md:10, not the one at pages/duplicates.md:25: {long_one_liner}",
        "pages/duplicates.md:26: warning: entry 2402.00002, field published: kept the value at "
        "pages/duplicates.md:11, not the one at pages/duplicates.md:26: ICCV 2023",
        "pages/duplicates.md:31: warning: entry 2402.00002, field key points@en: kept the value "
        "at pages/duplicates.md:16, not the one at pages/duplicates.md:31: One transformer. | "
        "Space-time patches.",
    ]
    assert len(long_one_liner) > 100  # not cut after 60 characters
    assert result.entries == 2 and [w.key for w in result.works] == ["2402.00002"]
    work = "paper:2402.00002"
    # the complete author list wins over the one cut short; the first of the other fields
    assert objects(result, work, "schema:author") == {
        PREFIXES["person"] + name for name in ("ada-lovelace", "alan-turing", "grace-hopper")}
    assert objects(result, work, "schema:description") == {
        "Makes video from text with a single diffusion transformer trained on web-scale clips."}
    assert objects(result, work, "skg:venue") == {PREFIXES["venue"] + "cvpr"}
    # a link only the second entry gives is kept; both entries are sources
    assert {t.object.value for t in result.triples.triples
            if t.predicate == term("schema:codeRepository")} == {"https://github.com/example/twice"}
    assert len(objects(result, work, "prov:wasDerivedFrom")) == 2
    assert objects(result, work, "skos:editorialNote") == {
        "The survey lists this work more than once on a page (pages/duplicates.md lines 5, 20); "
        "the entries are merged into this one work.",
        "Where the survey's entries of this work disagree (authors, one liner@en, key "
        "points@en, published), the first entry's value is kept (a complete author list over "
        "one cut short); the others stand at the source lines."}


# ------------------------------------------------------------------ a whole tree

@pytest.fixture(scope="module")
def tree(venues) -> ImportResult:
    return import_tree(TREE, venues)


def test_a_tree_is_read_whole_root_pages_and_sections_in_both_languages(tree):
    assert [p.relative_to(TREE).as_posix() for p in page_files(TREE)] == [
        "README.md", "README_zh.md",
        "sections/alpha+beta-consistency/README.md", "sections/alpha+beta-consistency/README_zh.md",
        "sections/alpha-consistency/README.md", "sections/alpha-consistency/README_zh.md",
        "sections/beta-consistency/readme.md", "sections/beta-consistency/README_zh.md"]
    assert [(p.name, p.kind, p.lang, len(p.entries)) for p in tree.pages] == [
        ("README.md", "root", "en", 0), ("README_zh.md", "root", "zh", 0),
        ("sections/alpha+beta-consistency/README.md", "section", "en", 2),
        ("sections/alpha+beta-consistency/README_zh.md", "section", "zh", 2),
        ("sections/alpha-consistency/README.md", "section", "en", 2),
        ("sections/alpha-consistency/README_zh.md", "section", "zh", 2),
        ("sections/beta-consistency/readme.md", "section", "en", 1),
        ("sections/beta-consistency/README_zh.md", "section", "zh", 1)]
    assert tree.entries == 10 and len(tree.works) == 4
    # the catalogs are checked against the sections: a paper the section lacks, another venue
    # (NIPS and NeurIPS are one venue: the Chinese catalog agrees)
    assert report(tree) == [
        "README.md:44: warning: the catalog lists 'Alpha Model Three', which its section "
        "(sections/alpha-consistency) does not (add the entry to the section, or remove the "
        "line)",
        "README.md:57: warning: entry 2310.20001, field published in: the catalog says 'ICML "
        "2023' for 'Beta Model', its entry (sections/beta-consistency/readme.md:17) says 'NIPS "
        "2023' (make them agree)",
    ]


def test_import_dir_on_the_command_line(tmp_path):
    result = cli("import", TREE, "--split", tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == ("read 10 entries from 8 page(s): 4 works, 289 "
                                              "triples; 0 error(s), 2 warning(s)")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.ttl")) == [
        "categories.ttl", "people.ttl", "works/2310.20001.ttl", "works/2401.10001.ttl",
        "works/2401.10002.ttl", "works/2403.30001.ttl"]
    assert len(load([tmp_path])) == 289


def test_a_paper_in_two_sections_is_one_work_in_two_categories(tree):
    work = "paper:2401.10001"
    assert objects(tree, work, "schema:about") == {
        PREFIXES["category"] + "alpha-consistency", PREFIXES["category"] + "alpha-beta-consistency"}
    assert len(objects(tree, work, "prov:wasDerivedFrom")) == 4  # two sections, two languages
    assert literals(tree, work, "schema:description") == {
        ("Holds alpha in one pass.", "en"), ("一次保持阿尔法。", "zh")}


def test_the_taxonomy_comes_from_the_tree(tree):
    category = PREFIXES["category"]
    assert objects(tree, "category:alpha-beta-consistency", "skos:broader") == {
        category + "alpha-consistency", category + "beta-consistency"}
    assert objects(tree, "category:scheme", "skos:hasTopConcept") == {
        category + "alpha-consistency", category + "beta-consistency"}
    assert objects(tree, "category:independent-exploration-specialized-models", "skos:member") == {
        category + "alpha-consistency", category + "beta-consistency"}
    assert [objects(tree, f"category:{c}", "skos:notation") for c in (
        "alpha-consistency", "beta-consistency", "alpha-beta-consistency")] == [{"1"}, {"2"}, {"3"}]
    assert literals(tree, "category:beta-consistency", "skos:prefLabel") == {
        ("Beta Consistency", "en"), ("贝塔一致性", "zh")}
    assert literals(tree, "category:scheme", "skos:prefLabel") == {
        ("Awesome Alpha Beta - A Tiny Survey", "en"), ("Awesome Alpha Beta - 一个很小的综述", "zh")}


def test_section_introductions_in_any_form_describe_the_category_in_both_languages(tree):
    # labelled paragraphs in bold: Objective is the definition, Historical Significance the scope
    alpha = "category:alpha-consistency"
    assert literals(tree, alpha, "skos:definition") == {("Make alpha hold.", "en"),
                                                        ("保持阿尔法。", "zh")}
    assert literals(tree, alpha, "skos:scopeNote") == {
        ("The first models that held alpha.", "en"), ("最早保持阿尔法的模型。", "zh")}
    # a plain paragraph and a labelled bullet list: the paragraph defines, the list is kept
    beta = "category:beta-consistency"
    assert literals(tree, beta, "skos:definition") == {("Models that keep beta.", "en"),
                                                       ("保持贝塔的模型。", "zh")}
    assert literals(tree, beta, "skg:introduction") == {
        ("Models that keep beta.\n\n**Key Characteristics:**\n- Beta is kept\n- Beta is measured",
         "en"),
        ("保持贝塔的模型。\n\n**关键特征：**\n- 贝塔得以保持\n- 贝塔得以度量", "zh")}
    # labels without bold (Capability Profile: ..., 能力特征：...)
    both = "category:alpha-beta-consistency"
    assert literals(tree, both, "skos:definition") == {
        ("Models that hold alpha and beta.", "en"), ("同时保持阿尔法与贝塔的模型。", "zh")}
    assert literals(tree, both, "skos:scopeNote") == {
        ("The first step towards holding everything.", "en"), ("迈向保持一切的第一步。", "zh")}
    # the root page's introduction is kept, and each part's
    assert literals(tree, "category:scheme", "skg:introduction") == {
        ("## 🎯 Introduction\n\nAn **alpha model** does one thing; a **beta model** does "
         "another.\n\n- 🔄 **Alpha**: the first thing\n- 🎲 **Beta**: the second thing", "en"),
        ("## 🎯 引言\n\n**阿尔法模型**做一件事；**贝塔模型**做另一件事。", "zh")}
    assert literals(tree, "category:preliminary-integration-unified-models", "skos:definition") \
        == {("Models that hold two consistencies at once.", "en"),
            ("同时保持两种一致性的模型。", "zh")}


def test_formatting_variants_read_the_same(tree):
    """sections/alpha+beta-consistency/README.md writes `<details><summary>` on one line, its
    `<summary>` unindented and no blank line before `<details>`; its README_zh.md has CRLF line
    ends; beta's English page is a lowercase readme.md. Alpha Model One is written the usual way
    in sections/alpha-consistency: both read the same (no conflict, see the report)."""
    work = "paper:2401.10001"
    assert literals(tree, work, "schema:abstract") == {("We hold alpha in one pass.", "en"),
                                                       ("我们一次保持阿尔法。", "zh")}
    points = {t.object.value for t in tree.triples.triples if t.predicate == term("skg:text")
              and t.subject.value.startswith(PREFIXES["paper"] + "2401.10001/key-point-en")}
    assert points == {"One pass.", "Alpha holds."}
    # the CRLF page: every entry read, with the lines of the page
    sources = set(next(w for w in tree.works if w.key == "2403.30001").sources)
    assert sources == {("sections/alpha+beta-consistency/README.md", 8),
                       ("sections/alpha+beta-consistency/README_zh.md", 9)}
    assert literals(tree, "paper:2403.30001", "skg:coreInnovation") == {
        ("Alpha and beta in one model.", "en"), ("一个模型同时保持阿尔法与贝塔。", "zh")}
    assert literals(tree, "paper:2310.20001", "schema:description") == {
        ("Keeps beta.", "en"), ("保持贝塔。", "zh")}


def test_every_text_is_tagged_with_the_language_it_is_written_in(tree):
    tagged = [t.object for t in tree.triples.triples
              if isinstance(t.object, ox.Literal) and t.object.language]
    assert len(tagged) > 50
    assert all(literal.language == language_of(literal.value) for literal in tagged)


# ------------------------------------------------------------------ fields

def test_an_unknown_label_is_kept_in_the_graph_and_reported(venues):
    result = page("unknown-label.md", venues)
    assert report(result) == [
        "pages/unknown-label.md:10: warning: entry 2401.00001, field Training Data: unknown "
        "label 'Training Data': kept as an unknown field (add the label to "
        "survey_kg/importer/vocabulary.toml if it names a known field)",
        "pages/unknown-label.md:15: warning: entry 2401.00001, field Limitations: unknown block "
        "'Limitations': kept as an unknown field (add its summary to [blocks] in "
        "survey_kg/importer/vocabulary.toml)",
    ]
    fields = sorted(objects(result, "paper:2401.00001", "skg:field"))
    assert [(objects(result, f, "skg:label"), literals(result, f, "skg:text")) for f in fields] \
        == [({"Training Data"}, {("WebVid-10M and HD-VILA-100M", "en")}),  # over two lines
            ({"Limitations"}, {("Short clips only.", "en")})]


def test_every_published_in_form_gives_a_venue_and_a_date(venues):
    result = page("published.md", venues)
    venue = PREFIXES["venue"]
    found = {work.key: (objects(result, _curie(work), "skg:venue"),
                        literals(result, _curie(work), "schema:datePublished"),
                        literals(result, _curie(work), "skg:releaseNote"))
             for work in result.works}
    assert found == {
        "2401.00001": ({venue + "cvpr"}, {("2024", "gYear")}, set()),  # CVPR 2024
        "2302.00002": ({venue + "arxiv"}, {("2023", "gYear")}, set()),  # arXiv 2023
        "2211.00003": ({venue + "arxiv"}, {("2022", "gYear")}, set()),  # arXiv preprint
        "2401.00004": ({venue + "arxiv"}, {("2024-01-09", "date")}, set()),  # arxiv (9 Jan 2024)
        "1706.00005": ({venue + "neurips"}, {("2017", "gYear")}, set()),  # NIPS 2017: an alias
        "2405.00006": ({venue + "siggraph-asia"}, {("2024", "gYear")}, set()),  # SIGGRAPH-ASIA
        "2209.00007": ({venue + "icrl"}, {("2023", "gYear")}, set()),  # a misspelling: reported
        "2404.00008": ({venue + "workshop-on-video-things"}, {("2024", "gYear")}, set()),
        "a-released-product": (set(), {("2024", "gYear")}, {("open release", "en")}),
        "a-product-of-a-month": (set(), {("2023-11", "gYearMonth")}, set()),  # 2023 (November)
        "一个月份产品": (set(), {("2023-11", "gYearMonth")}, set()),  # 2023 (11 月)
        "一个开放产品": (set(), {("2024", "gYear")}, {("开放形式", "zh")}),  # 2024（开放形式）
    }
    assert report(result) == [
        "pages/published.md:26: info: entry 2211.00003, field published in: no year: took 2022 "
        "from the arXiv ID",
        "pages/published.md:58: warning: entry 2209.00007, field published in: unknown venue "
        "'ICRL': added as venue:icrl (did you mean ICLR? If so, correct the page)",
        "pages/published.md:66: warning: entry 2404.00008, field published in: unknown venue "
        "'Workshop on Video Things': added as venue:workshop-on-video-things (describe it in "
        "data/venues.ttl (acronym, full name, kind), or add the spelling as an skg:alias of the "
        "venue it is)",
        "pages/published.md:69: info: entry A Released Product: no arXiv ID: kept as a work of "
        "its own kind under work:a-released-product",
        "pages/published.md:77: info: entry A Product Of A Month: no arXiv ID: kept as a work of "
        "its own kind under work:a-product-of-a-month",
        "pages/published.md:85: info: entry 一个月份产品: no arXiv ID: kept as a work of its own "
        "kind under work:一个月份产品",
        "pages/published.md:93: info: entry 一个开放产品: no arXiv ID: kept as a work of its own "
        "kind under work:一个开放产品",
    ]
    # the only venues described are the ones the table does not know
    assert {t.subject.value for t in result.triples.triples
            if t.object == term("skg:Venue")} == {venue + "icrl", venue + "workshop-on-video-things"}


def _curie(work) -> str:
    return f"paper:{work.arxiv}" if work.arxiv else f"work:{work.key}"


def test_an_arxiv_version_names_the_paper_without_it_and_is_kept(venues):
    result = page("arxiv-version.md", venues)
    assert report(result) == []
    assert [w.key for w in result.works] == ["2503.20644", "cs.CV/0102003"]
    assert objects(result, "paper:2503.20644", "schema:version") == {"v1"}
    assert objects(result, "paper:2503.20644/arxiv", "schema:value") == {"2503.20644"}
    assert objects(result, "paper:2503.20644", "schema:sameAs") == {
        "https://arxiv.org/abs/2503.20644", "https://doi.org/10.48550/arXiv.2503.20644"}
    assert objects(result, "paper:2503.20644", "schema:url") == {
        "https://arxiv.org/abs/2503.20644v1"}  # the link as the page gives it
    assert objects(result, "paper:cs.CV/0102003", "schema:version") == {"v2"}
    assert [name for name, _ in result.files()] == [
        "categories.ttl", "people.ttl", "works/2503.20644.ttl", "works/cs.CV_0102003.ttl"]


def test_links_of_every_label_are_typed(venues):
    result = page("links.md", venues)
    assert report(result) == [
        "pages/links.md:11: warning: entry 2401.00001, field links: the [Code] link is empty: no "
        "link (give its URL, or remove it)",
        "pages/links.md:11: warning: entry 2401.00001, field links: unknown link label 'Slides': "
        "kept as a related link (add the label to [links] in vocabulary.toml)",
        "pages/links.md:20: info: entry 2401.00002, field links: the Code link "
        "https://research.example.org/page/ is no source repository: kept as a project page",
        "pages/links.md:20: info: entry 2401.00002, field links: the Code link "
        "https://huggingface.co/datasets/example/hf is no source repository: kept as a dataset",
        "pages/links.md:23: info: entry A Product With Every Page: no arXiv ID: kept as a work "
        "of its own kind under work:a-product-with-every-page",
    ]
    paper = "paper:2401.00001"
    assert {p: objects(result, paper, p) for p in (
        "schema:url", "skg:pdf", "skg:projectPage", "skg:dataset", "skg:demo", "rdfs:seeAlso")} == {
        "schema:url": {"https://arxiv.org/abs/2401.00001"},
        "skg:pdf": {"https://arxiv.org/pdf/2401.00001"},
        "skg:projectPage": {"https://every.example.org/"},
        "skg:dataset": {"https://huggingface.co/datasets/example/every"},
        "skg:demo": {"https://demo.example.org/"},
        "rdfs:seeAlso": {"https://slides.example.org/every"}}
    # a source repository is a SoftwareSourceCode based on the paper (the empty Code is no link)
    assert objects(result, f"{paper}/code-1", "schema:codeRepository") == {
        "https://github.com/example/every"}
    assert objects(result, f"{paper}/code-1", "schema:isBasedOn") == {PREFIXES["paper"] + "2401.00001"}
    assert objects(result, f"{paper}/code-2", "schema:codeRepository") == set()
    # "Code" links that are no repository are what they are, and the work says so
    other = "paper:2401.00002"
    assert objects(result, other, "skg:projectPage") == {"https://research.example.org/page/"}
    assert objects(result, other, "skg:dataset") == {
        "https://huggingface.co/datasets/example/page", "https://huggingface.co/datasets/example/hf"}
    assert objects(result, f"{other}/code-1", "schema:codeRepository") == set()
    assert objects(result, other, "skos:editorialNote") == {
        "The survey labels https://research.example.org/page/ as Code (it is a project page); "
        "https://huggingface.co/datasets/example/hf as Code (it is a dataset), not a source "
        "repository: recorded as what it is."}
    product = "work:a-product-with-every-page"
    assert {p: objects(result, product, p) for p in (
        "skg:modelPage", "skg:technicalReport", "skg:productPage", "skg:blogPost")} == {
        "skg:modelPage": {"https://example.org/model"},
        "skg:technicalReport": {"https://example.org/report"},
        "skg:productPage": {"https://example.org/product"},
        "skg:blogPost": {"https://example.org/blog"}}


def test_works_without_an_arxiv_id_are_works_of_their_own_kind(venues):
    result = page("no-arxiv.md", venues)
    assert report(result) == [
        "pages/no-arxiv.md:5: info: entry Example World Model: no arXiv ID: kept as a work of "
        "its own kind under work:example-world-model",
        "pages/no-arxiv.md:18: info: entry Example World Model 2: no arXiv ID: kept as a work of "
        "its own kind under work:example-world-model-2",
    ]
    work = "work:example-world-model"
    assert objects(result, work, "rdf:type") == {PREFIXES["schema"] + "CreativeWork",
                                                 PREFIXES["schema"] + "SoftwareApplication"}
    assert objects(result, work, "skg:model") == {"World-1 (2024)"}
    assert objects(result, work, "schema:author") == {PREFIXES["org"] + "example-research-team"}
    assert objects(result, "org:example-research-team", "rdf:type") == {
        PREFIXES["schema"] + "Organization"}
    assert objects(result, work, "schema:identifier") == set()  # no arXiv ID, no made-up one
    assert objects(result, "work:example-world-model-2", "skg:affiliations") == {
        "Example Labs, Example University"}
    # the IRI is the title's: the same pages give the same IRI
    assert import_pages([FIX / "pages" / "no-arxiv.md"], FIX, venues).triples.triples == \
        result.triples.triples


def test_the_output_is_the_same_bytes_for_the_same_pages(venues):
    first, second = import_tree(TREE, venues), import_tree(TREE, venues)
    assert first.turtle() == second.turtle()
    assert report(first) == report(second)


def test_author_names_are_unescaped_once(tmp_path, venues):
    r"""A name's markdown escapes are read once: `\\:` is a backslash and a colon (it was read
    twice, as a colon, until the round-trip property found it), `\*` a star."""
    (tmp_path / "README.md").write_text(
        "### Video\n\n<details>\n<summary><b>Escaped Names</b></summary>\n\n"
        "* **Authors:** Ada\\\\:Lovelace, Alan \\*Turing\\*, Grace Hopper\n"
        "* **arXiv ID:** 2401.00009\n* **Published in:** arXiv 2024\n</details>\n",
        encoding="utf-8")
    result = import_pages([tmp_path / "README.md"], tmp_path, venues)
    assert report(result) == []
    names = {t.object.value for t in result.triples.triples if t.predicate == term("schema:name")
             and t.subject != term("paper:2401.00009")}
    assert {"Ada\\:Lovelace", "Alan *Turing*", "Grace Hopper"} <= names
    assert not {"Ada:Lovelace", "Alan \\*Turing\\*"} & names
