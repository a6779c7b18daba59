"""The importer on the real seed pages and on small broken pages."""

import pyoxigraph as ox
import pytest
from rdflib.namespace import DCTERMS, FOAF, RDF

from survey_kg.errors import InputError
from survey_kg.importer import (PAPER, SCHEMA, SKG, import_pages, language_of, parse_page,
                                 to_turtle)
from survey_kg.load import load
from survey_kg.rules import validate

from .conftest import ROOT
from .shacl_reference import compare, faster_rdflib_queries  # noqa: F401 (a fixture)


def authors_of(graph, arxiv):
    rows = graph.query(
        """SELECT ?name WHERE { ?p skg:arxivId ?id ; skg:authorship ?a .
           ?a skg:position ?n ; skg:author/foaf:name ?name } ORDER BY ?n""",
        initNs={"skg": SKG, "foaf": FOAF}, initBindings={"id": __import__("rdflib").Literal(arxiv)})
    return [str(r.name) for r in rows]


@pytest.fixture(scope="module")
def imported(seed_pages):
    return import_pages(seed_pages)


def beside_the_curated_venues_and_categories(graph) -> ox.Store:
    """The imported graph, written as `import --out` writes it, with data/venues.ttl and
    data/categories.ttl: what a maintainer importing new pages validates."""
    store = load([ROOT / "data" / "venues.ttl", ROOT / "data" / "categories.ttl"])
    store.load(to_turtle(graph).encode("utf-8"), format=ox.RdfFormat.TURTLE)
    return store


def test_seed_pages_give_twenty_papers_from_forty_four_entries(imported):
    assert imported.entries == 44
    assert imported.papers == 20
    assert len(set(imported.graph.subjects(RDF.type, SCHEMA.ScholarlyArticle))) == 20


def test_every_author_in_order(imported, seed_pages):
    # the authors line of each entry, in page order; the longest list per paper is the one kept
    expected: dict[str, list[str]] = {}
    for page in seed_pages:
        for entry in parse_page(page).entries:
            names = [n.strip() for n in entry.fields["authors"][0].split(",")]
            arxiv = entry.fields["arxiv"][0]
            if len(names) > len(expected.get(arxiv, [])):
                expected[arxiv] = names
    assert len(expected) == 20
    for arxiv, names in expected.items():
        assert authors_of(imported.graph, arxiv) == names
    assert len(authors_of(imported.graph, "2312.14125")) == 31


def test_texts_are_kept_in_both_languages_and_tagged_by_what_they_are(imported):
    g = imported.graph
    lumiere = PAPER["2401.12945"]
    langs = {prop: sorted(o.language for o in g.objects(lumiere, prop))
             for prop in (SKG.oneLiner, SKG.coreInnovation, DCTERMS.abstract)}
    assert langs == {SKG.oneLiner: ["en", "zh"], SKG.coreInnovation: ["en", "zh"],
                     DCTERMS.abstract: ["en", "zh"]}
    # the Chinese page gives UniVG an English one-liner: one @en literal, no @zh
    univg = [o.language for o in g.objects(PAPER["2401.09084"], SKG.oneLiner)]
    assert univg == ["en"]
    for _, _, literal in g:
        if getattr(literal, "language", None):
            assert literal.language == language_of(str(literal)), literal


def test_key_points_are_kept_in_order_per_language(imported):
    rows = imported.graph.query(
        """SELECT ?text WHERE { ?p skg:keyPoint ?k . ?k skg:position ?n ; skg:text ?text
           FILTER(LANG(?text) = "zh") } ORDER BY ?n""",
        initNs={"skg": SKG}, initBindings={"p": PAPER["2401.12945"]})
    texts = [str(r.text) for r in rows]
    assert len(texts) == 4 and texts[0].startswith("引入 Space-Time U-Net")
    assert texts[3].startswith("支持多任务")


def test_every_field_of_an_entry_is_placed(imported):
    assert [f for f in imported.findings if f.kind == "not-placed"] == []


def test_conflicts_between_duplicate_entries_are_reported(imported):
    conflicts = {(f.paper, f.field) for f in imported.findings if f.kind == "conflict"}
    assert ("2312.14125", "authors") in conflicts
    assert ("2312.14125", "links") in conflicts
    assert ("2311.15127", "one-liner") in conflicts
    truncated = [f for f in imported.findings if f.field == "authors"]
    assert "stops after 24 of 31 authors" in truncated[0].message


def test_raw_import_is_flagged_for_what_is_wrong_with_it(imported):
    # validated beside the curated venues and categories, as a maintainer importing new pages would
    report = validate(beside_the_curated_venues_and_categories(imported.graph))
    found = {(r.rule, r.focus.rsplit("/", 1)[-1]) for r in report.results}
    # project pages labelled Code
    for arxiv in ("2401.09084", "2309.00398", "2210.02303", "2304.08818", "2211.11018", "2311.10982"):
        assert ("skg:CodeRepositoryShape", arxiv) in found
    # ActionFormer carries LVDM's texts; TriDet carries LVDM's Chinese abstract
    assert ("skg:CopiedTextShape", "2202.07925") in found
    assert ("skg:CopiedKeyPointShape", "2202.07925") in found
    assert ("skg:CopiedTextShape", "2303.07347") in found
    # temporal action detection papers listed under video generation
    for arxiv in ("2303.07347", "2309.05590", "2205.02717", "2305.15701", "2303.09055", "2305.18279"):
        assert ("skg:OnTopicShape", arxiv) in found
    # the page writes SIGGRAPH-ASIA where the known venue's acronym is SIGGRAPH Asia
    assert ("skg:VenueShape/skg:acronym", "siggraph-asia") in found
    assert not report.conforms


def test_curated_data_passes_validation():
    report = validate(load([ROOT / "data"]))
    assert report.violations == []


def page(tmp_path, text, name="page.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


ENTRY = """### Video

<details>
<summary><b>A Paper</b></summary>

* **Authors:** Ada Lovelace, Alan Turing
* **arXiv ID:** 2401.00001
* **One-liner:** Makes video.
* **Published in:** CVPR 2024
* **Links:** [[Paper]](https://arxiv.org/abs/2401.00001) | [[Code]](https://github.com/a/b)

<details>
    <summary>Abstract</summary>
    We make video.
</details>
</details>
"""


@pytest.mark.parametrize("text,line,words", [
    (ENTRY.replace("</details>\n</details>", "</details>"), 3, "not closed"),
    (ENTRY.replace("* **arXiv ID:** 2401.00001\n", ""), 3, "no arXiv ID"),
    (ENTRY.replace("2401.00001\n", "24-01\n"), 7, "not of the form YYMM.NNNNN"),
    (ENTRY.replace("* **One-liner:** Makes video.\n",
                   "* **One-liner:** Makes video.\n* **One-liner:** Again.\n"), 9, "given twice"),
    (ENTRY.replace("[[Code]](https://github.com/a/b)", "[Code](https://github.com/a/b"), 10,
     "cannot read the link"),
])
def test_broken_entries_are_clear_errors(tmp_path, text, line, words):
    with pytest.raises(InputError) as info:
        import_pages([page(tmp_path, text)])
    assert info.value.file.endswith("page.md")
    assert info.value.line == line
    assert words in info.value.message
    assert info.value.hint


def test_unknown_lines_are_reported_not_dropped(tmp_path):
    text = ENTRY.replace("* **Links:**", "* **Dataset:** something\n* **Links:**")
    result = import_pages([page(tmp_path, text)])
    unplaced = [f for f in result.findings if f.kind == "not-placed"]
    assert len(unplaced) == 1 and unplaced[0].line == 10 and "Dataset" in unplaced[0].message


@pytest.mark.usefixtures("faster_rdflib_queries")
def test_validate_matches_the_reference_on_the_raw_import(imported):
    report, found, reference = compare(beside_the_curated_venues_and_categories(imported.graph))
    assert found == reference
    assert len(report.results) > 10
