"""Import of every upstream page (sources/awesome-world-model-evolution, the survey at its
pinned commit): entries, works, duplicates merged, conflicts and reports, per section.

The numbers below were computed by the importer and checked against the pages: the entries and
arXiv IDs of each page are counted here again with plain text searches that share nothing with
the importer's parser, and the reports of the small sections were read against their pages
(world-models: Sora's, Runway's and Pika's Chinese author lines and Sora's Chinese release note
differ from the English page; spatial-temporal: DUSt3R's fifth author is "Jerome Revaud" on the
Chinese page; modality+spatial: "Mai Long" for "Long Mai", UniReal's English one-liner differs
between the pages, and ICRL for ICLR).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from survey_kg.importer import ImportResult, import_tree, page_files
from survey_kg.load import load

from .conftest import ROOT, SOURCES

# section: ((entries on README.md, on README_zh.md), works, entries merged into a work listed
# before on the same page (per page), reports by kind (both pages))
SECTIONS = {
    "benchmarks+evaluation": ((2, 2), 2, 0, {}),
    "embodied-intelligence-systems": ((3, 3), 3, 0, {}),
    "modality+spatial-consistency": ((26, 26), 26, 0, {"conflict": 2, "unknown-venue": 1}),
    "modality+temporal-consistency": ((22, 22), 20, 2, {
        "conflict": 18, "duplicate": 4, "not-code": 14, "year-from-arxiv": 4}),
    "modality-consistency": ((456, 456), 444, 12, {
        "conflict": 118, "duplicate": 24, "empty-link": 408, "mis-encoded": 71, "not-code": 30}),
    "spatial-consistency": ((34, 34), 34, 0, {"authors-truncated": 6, "conflict": 31}),
    "spatial-temporal-consistency": ((5, 5), 5, 0, {"conflict": 1, "repeated-field": 1}),
    "temporal-consistency": ((31, 31), 29, 2, {"conflict": 69, "duplicate": 4}),
    "world-models": ((3, 3), 3, 0, {"conflict": 4, "no-arxiv-id": 3}),
}
# works listed in two sections (each is one work in two categories)
IN_TWO_SECTIONS = {
    "2205.11487": {"modality-consistency", "spatial-consistency"},
    "2209.14988": {"modality-spatial-consistency", "spatial-consistency"},
    "2303.11328": {"modality-spatial-consistency", "spatial-consistency"},
    "2309.00398": {"modality-consistency", "modality-temporal-consistency"},
    "2311.15127": {"modality-temporal-consistency", "temporal-consistency"},
    "2412.00596": {"spatial-consistency", "temporal-consistency"},
    "2503.07265": {"benchmarks-evaluation", "modality-consistency"},
    "2504.17761": {"modality-consistency", "modality-spatial-consistency"},
    "2506.07713": {"modality-consistency", "temporal-consistency"},
}
ENTRY = re.compile(r"<summary>\s*<b>", re.I)
ARXIV_LINE = re.compile(r"\*\*arXiv ID:\*\*\s*(\S+)")


@pytest.fixture(scope="module")
def survey() -> ImportResult:
    return import_tree(SOURCES, load([ROOT / "data" / "venues.ttl"]))


def section_of(name: str) -> str:
    return name.split("/")[1]


def test_every_page_of_the_tree_is_read():
    names = [p.relative_to(SOURCES).as_posix() for p in page_files(SOURCES)]
    assert names[:2] == ["README.md", "README_zh.md"]
    assert sorted(names[2:]) == sorted(f"consisency-paper/{s}/README{lang}.md"
                                       for s in SECTIONS for lang in ("", "_zh"))


def test_entries_and_works_per_section(survey):
    found = {}
    for page in survey.pages:
        if page.kind == "section":
            entries = found.setdefault(section_of(page.name), {})
            entries[page.lang] = len(page.entries)
    assert {s: (e["en"], e["zh"]) for s, e in found.items()} == {
        s: entries for s, (entries, *_) in SECTIONS.items()}
    works = Counter(section_of(file) for work in survey.works
                    for file in {f for f, _ in work.sources})
    assert dict(works) == {s: 2 * n for s, (_, n, *_) in SECTIONS.items()}  # each on both pages
    merged = Counter(section_of(file) for work in survey.works
                     for file, n in Counter(f for f, _ in work.sources).items() if n > 1
                     for _ in range(n - 1))
    assert {s: merged[s] for s in SECTIONS} == {s: 2 * m for s, (_, _, m, _) in SECTIONS.items()}


def test_the_counts_agree_with_the_pages_read_as_plain_text():
    """Entries are `<summary><b>` lines; works are the distinct arXiv IDs (without a version)
    and, for world-models, the entries without one."""
    for section, ((en, zh), works, merged, _) in SECTIONS.items():
        folder = SOURCES / "consisency-paper" / section
        ids = set()
        for name, expected in (("README.md", en), ("README_zh.md", zh)):
            text = (folder / name).read_text(encoding="utf-8")
            lines = ARXIV_LINE.findall(text)
            page_ids = {re.sub(r"v[0-9]+$", "", value) for value in lines}
            assert len(ENTRY.findall(text)) == expected, (section, name)
            without_id = expected - len(lines)
            assert len(page_ids) + without_id == works, (section, name)
            assert len(lines) - len(page_ids) == merged, (section, name)
            ids |= page_ids
        assert len(ids) == works - (3 if section == "world-models" else 0)


def test_the_whole_survey_adds_up_as_the_issue_says(survey):
    assert survey.entries == 2 * 582
    assert len(survey.works) == 557
    assert Counter(w.kind for w in survey.works) == {"paper": 554, "product": 3}
    assert sorted(w.key for w in survey.works if not w.arxiv) == [
        "openai-sora", "pika-1-0", "runway-gen-3-alpha"]
    assert {w.key: set(w.categories) for w in survey.works if len(w.categories) > 1} == \
        IN_TWO_SECTIONS
    # every entry is a source of its work: nothing read is dropped
    assert sum(len(w.sources) for w in survey.works) == survey.entries
    assert len(survey.triples.triples) == 77707


def test_reports_per_section(survey):
    found: dict[str, Counter] = {}
    for finding in survey.findings:
        if finding.file and finding.file.startswith("consisency-paper/"):
            found.setdefault(section_of(finding.file), Counter())[finding.kind] += 1
    assert {s: dict(found.get(s, {})) for s in SECTIONS} == {
        s: kinds for s, (_, _, _, kinds) in SECTIONS.items()}
    assert survey.errors == []
    assert Counter(f.level for f in survey.findings) == {"warning": 765, "info": 51}


def test_the_catalogs_of_the_root_pages_are_checked_against_the_sections(survey):
    assert [str(f) for f in survey.findings if f.file in ("README.md", "README_zh.md")] == [
        "README.md:795: warning: entry 2503.03751, field published in: the catalog says '2024 "
        "(open release)' for 'GEN3C: 3D-Informed World-Consistent Video Generation with Precise "
        "Camera Control', its entry (consisency-paper/spatial-temporal-consistency/README.md:131)"
        " says 'CVPR 2025' (make them agree)",
        "README_zh.md:142: warning: the catalog lists 'NeRF: Representing Scenes as Neural "
        "Radiance Fields for View Synthesis', which its section (consisency-paper/"
        "modality-consistency) does not (add the entry to the section, or remove the line)",
        "README_zh.md:723: warning: entry 2503.03751, field published in: the catalog says '2024 "
        "(open release)' for 'GEN3C: 3D-Informed World-Consistent Video Generation with Precise "
        "Camera Control', its entry (consisency-paper/spatial-temporal-consistency/"
        "README_zh.md:131) says 'CVPR 2025' (make them agree)",
    ]


def test_published_in_gives_known_venues_not_made_up_ones(survey):
    """The `arxiv (9 Jan 2024)` form (more than 400 entries) is arXiv and a date; the only
    venue the table lacks is the misspelling ICRL, reported once with the venue it means."""
    made = sorted(name for name in survey.triples.venues)
    assert made == ["ICRL"]
    (unknown,) = [f for f in survey.findings if f.kind == "unknown-venue"]
    assert unknown.hint == "did you mean ICLR? If so, correct the page"
    dated = [w for w in survey.works if w.published and w.published.value.date
             and len(w.published.value.date) == 10]
    assert len(dated) > 400 and all(w.published.value.venue.casefold() == "arxiv" for w in dated)


def test_every_disagreement_reaches_the_curator_in_full(survey):
    """A conflict names both places and gives the value not kept whole (the longest is an
    abstract of more than a thousand characters)."""
    conflicts = [f for f in survey.findings if f.kind == "conflict"]
    assert len(conflicts) == sum(k.get("conflict", 0) for *_, k in SECTIONS.values()) == 243
    assert max(len(f.message) for f in conflicts) > 1000
    assert all(re.search(r"kept the (value|list) at \S+:\d+, not the one at \S+:\d+: .+",
                         f.message) for f in conflicts)
