"""The generated READMEs: every seed field is there (minus the curation's documented removals),
`survey-kg readme [--check]`, text outside markers, atomic and minimal writes."""

import html
import re
import shutil

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_kg.cli import main
from survey_kg.errors import InputError
from survey_kg.importer import parse_page
from survey_kg.load import load
from survey_kg.paths import Survey
from survey_kg.rdf import select
from survey_kg.render import pages as render

from .conftest import ROOT
from .test_render import ALLOWED_TAGS, all_tokens, parser, visible_text

EN, ZH = "README.en.md", "000_762a647fe149189f.txt"

# Seed texts the curated data deliberately does not carry (docs/decisions/0003-curation.md and
# the skos:editorialNote of each paper), by (seed file, entry line, field). Every one must really
# be absent from both READMEs, so this list stays exact.
COPIED_FROM_LVDM = "copied from LVDM (2211.13221): a copy-paste error, removed (see its note)"
SECOND_ENTRY = "second entry of a paper listed twice: the first entry's texts are kept"
REMOVED = {
    (EN, 593, "oneliner"): "ActionFormer's one-liner " + COPIED_FROM_LVDM,
    (EN, 593, "coreInnovation"): "ActionFormer's core innovation " + COPIED_FROM_LVDM,
    (EN, 593, "key_points"): "ActionFormer's key points " + COPIED_FROM_LVDM,
    (ZH, 602, "oneliner"): "ActionFormer's one-liner " + COPIED_FROM_LVDM,
    (ZH, 602, "coreInnovation"): "ActionFormer's core innovation " + COPIED_FROM_LVDM,
    (ZH, 602, "key_points"): "ActionFormer's key points " + COPIED_FROM_LVDM,
    (ZH, 602, "abstract"): "ActionFormer's Chinese abstract " + COPIED_FROM_LVDM,
    (ZH, 437, "abstract"): "TriDet's Chinese abstract " + COPIED_FROM_LVDM,
    # The English second entries' abstracts are the first entries' (SVD: equal; VideoPoet: the
    # same text less its last character), so they are shown and not listed here.
    **{(page, line, field): f"VideoPoet (2312.14125), {SECOND_ENTRY}"
       for page, line, fields in ((EN, 204, ("oneliner", "coreInnovation", "key_points")),
                                  (ZH, 210, ("oneliner", "coreInnovation", "abstract", "key_points")))
       for field in fields},
    **{(page, line, field): f"Stable Video Diffusion (2311.15127), {SECOND_ENTRY}"
       for page, line, fields in ((EN, 316, ("oneliner", "coreInnovation", "key_points")),
                                  (ZH, 323, ("oneliner", "coreInnovation", "abstract", "key_points")))
       for field in fields},
}
# Links the curated data records differently, by (seed file, entry line, URL as the seed writes it):
# the URL it keeps instead, or None when the link is dropped.
LINKS_CHANGED = {
    (EN, 13, "https://arXiv.org/pdf/2401.12945.pdf"): "https://arxiv.org/pdf/2401.12945.pdf",
    (ZH, 13, "https://arXiv.org/pdf/2401.12945.pdf"): "https://arxiv.org/pdf/2401.12945.pdf",
    **{(page, line, url): None  # second entries' PDF links lack '.pdf'; the first entry's is kept
       for page, line, url in ((EN, 204, "https://arxiv.org/pdf/2312.14125"),
                               (ZH, 210, "https://arxiv.org/pdf/2312.14125"),
                               (EN, 316, "https://arxiv.org/pdf/2311.15127"),
                               (ZH, 323, "https://arxiv.org/pdf/2311.15127"))},
}
# Seed links labelled Code that are project pages (their notes say so): shown as Project Page.
RELABELLED_AS_PROJECT_PAGE = {
    "https://univg-baidu.github.io/", "https://videogen.github.io/VideoGen/",
    "https://sites.research.google/videopoet/", "https://imagen.research.google/video/",
    "https://research.nvidia.com/labs/toronto-ai/VideoLDM/", "https://magicvideo.github.io/",
    "https://makepixelsdance.github.io/",
}
# How a seed venue is shown: the preprint server as "arXiv preprint (year)", the year taken from
# the arXiv ID where the seed gives none; SIGGRAPH-ASIA is the venue SIGGRAPH Asia.
VENUE_SHOWN = {"arXiv 2023": "arXiv preprint (2023)", "SIGGRAPH-ASIA 2024": "SIGGRAPH Asia 2024"}


def normalized(text: str) -> str:
    return " ".join(text.split())


def paper_blocks(markdown: str) -> dict[str, dict]:
    """Each paper entry of a README by arXiv ID: its visible text, its link targets by label and
    its key points in order."""
    blocks = {}
    for chunk in re.split(r"^<details>\n(?=<summary><b>)", markdown, flags=re.M)[1:]:
        chunk = chunk.split("\n---\n", 1)[0]
        text = visible_text("<details>\n" + chunk)
        arxiv = re.search(r"arXiv (?:ID:|编号：) (\d{4}\.\d{4,5})", text)[1]
        points = re.search(r"<summary>(?:Key points|要点)[^\n]*\n<ul>\n(.*?)</ul>", chunk, re.S)
        blocks[arxiv] = {
            "text": text,
            "links": re.findall(r"\[\[([^\]]+)\]\]\((https?://[^)]+)\)", chunk),
            "key_points": [html.unescape(p) for p in re.findall(r"<li>(.*)</li>", points[1])]
            if points else [],
        }
    return blocks


@pytest.fixture(scope="module")
def readmes():
    return {lang: ROOT.joinpath(name).read_text(encoding="utf-8")
            for lang, name in (("en", "README.md"), ("zh", "README_zh.md"))}


@pytest.fixture(scope="module")
def blocks(readmes):
    return {lang: paper_blocks(text) for lang, text in readmes.items()}


def seed_fields(seed_pages):
    """(page, entry line, field, expected) for every field of every seed entry."""
    for path in seed_pages:
        page = parse_page(path)
        assert not page.findings, "the seed pages are read completely"
        assert len(page.entries) == path.read_text(encoding="utf-8").count("<summary><b>")
        for entry in page.entries:
            arxiv = entry.fields["arxiv"][0]
            key = (path.name, entry.line, arxiv)
            yield key, "title", normalized(entry.title)
            yield key, "authors", [normalized(a) for a in entry.fields["authors"][0].split(",")]
            yield key, "arxiv", arxiv
            yield key, "oneliner", normalized(entry.fields["oneliner"][0])
            venue = entry.fields["venue"][0]
            year = "20" + arxiv[:2]
            yield key, "venue", (f"arXiv preprint ({year})" if venue == "arXiv preprint"
                                 else VENUE_SHOWN.get(venue, venue))
            for name in ("coreInnovation", "abstract"):
                yield key, name, normalized(entry.texts[name][0])
            yield key, "key_points", [normalized(p) for p in entry.key_points]
            for label, url in re.findall(r"\[\[([^\]]+)\]\]\(([^)]+)\)", entry.fields["links"][0]):
                yield key, "link", (label, url)


def found(blocks, arxiv, field, expected) -> bool:
    """Whether the field's seed text is in the paper's entry in either README."""
    for lang in ("en", "zh"):
        block = blocks[lang].get(arxiv)
        if block is None:
            continue
        if field == "authors" and ("：" if lang == "zh" else ":") + " " + ", ".join(expected) in \
                block["text"]:
            return True
        if field == "key_points" and block["key_points"] == expected:
            return True
        if field == "link" and expected in block["links"]:
            return True
        if field not in ("authors", "key_points", "link") and expected in block["text"]:
            return True
    return False


def test_every_seed_field_is_in_a_readme(seed_pages, blocks):
    missing, removed_but_present = [], []
    for (page, line, arxiv), field, expected in seed_fields(seed_pages):
        if field == "link":
            label, url = expected
            if (page, line, url) in LINKS_CHANGED:
                url = LINKS_CHANGED[page, line, url]
                if url is None:
                    continue
            if label == "Code" and url in RELABELLED_AS_PROJECT_PAGE:
                label = "Project Page"
            expected = (label, url)
        is_there = found(blocks, arxiv, field, expected)
        if (page, line, field) in REMOVED:
            if is_there:
                removed_but_present.append((page, line, field))
        elif not is_there:
            missing.append((page, line, arxiv, field, str(expected)[:80]))
    assert missing == []
    assert removed_but_present == [], "documented as removed, yet shown: fix REMOVED"


def test_every_removal_is_documented_on_its_paper(seed_pages):
    """Each removal's paper carries a curation note saying so."""
    _, rows = select(load([ROOT / "data"]),
                     "SELECT ?id ?note WHERE { ?p <https://w3id.org/survey-kg/ontology#arxivId> "
                     "?id ; <http://www.w3.org/2004/02/skos/core#editorialNote> ?note }")
    notes = {}
    for arxiv, note in rows:
        notes.setdefault(arxiv.value, []).append(note.value)
    ids = {(path.name, e.line): e.fields["arxiv"][0] for path in seed_pages
           for e in parse_page(path).entries}
    for page, line, _ in REMOVED:
        words = "2211.13221" if line in (593, 602, 437) else "lists this paper twice"
        assert any(words in n for n in notes[ids[page, line]]), (page, line)


def test_categories_of_the_seed_are_in_the_readme_of_their_language(seed_pages, readmes):
    for path, lang in zip(seed_pages, ("en", "zh")):
        text = visible_text(readmes[lang])
        for category in parse_page(path).categories:
            for value in (*category.labels.values(), *category.definitions.values(),
                          *category.notes.values()):
                assert normalized(value) in text


def test_authors_and_key_points_keep_their_order(blocks):
    lumiere = blocks["en"]["2401.12945"]
    assert "Authors: Omer Bar-Tal, Hila Chefer, Omer Tov, Charles Herrmann" in lumiere["text"]
    assert blocks["zh"]["2401.12945"]["key_points"][0].startswith("引入 Space-Time U-Net")
    assert len(blocks["zh"]["2401.12945"]["key_points"]) == 4
    assert len(blocks["en"]["2401.12945"]["key_points"]) == 3


def test_each_readme_lists_every_paper_once(blocks):
    assert len(blocks["en"]) == len(blocks["zh"]) == 20


def generated(text: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join("".join(lines[begin + 1:end]) for _, begin, end in render.find_sections(text))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_generated_sections_are_well_formed_markdown(readmes, lang):
    tokens = list(all_tokens(parser().parse(generated(readmes[lang]))))
    html_text = ""
    for token in tokens:
        if token.type in ("html_block", "html_inline"):
            html_text += token.content
            assert {t.lower() for t in re.findall(r"<\s*/?\s*([A-Za-z][\w-]*)", token.content)} \
                <= ALLOWED_TAGS
        if token.type == "link_open":
            assert re.match(r"https?://", token.attrs["href"])
    assert html_text.count("<summary><b>") == 20
    # each paper: its entry, its abstract, its key points (ActionFormer has none); the author index
    assert html_text.count("<details>") == html_text.count("</details>") == 20 + 20 + 19 + 1
    fences = [t for t in tokens if t.type == "fence"]
    assert [t.info for t in fences] == ["mermaid", "mermaid"]


# ------------------------------------------------------------------------------------ command

def run(*args):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def survey_copy(tmp_path):
    for name in ("data", "README.md", "README_zh.md"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    return tmp_path


def outside_markers(text: str) -> str:
    lines = text.splitlines(keepends=True)
    kept, start = [], 0
    for _, begin, end in render.find_sections(text):
        kept.extend(lines[start:begin + 1])
        start = end
    return "".join(kept + lines[start:])


def test_check_passes_on_the_committed_readmes():
    result = run("--root", str(ROOT), "readme", "--check")
    assert result.exit_code == 0, result.output
    assert "@@" not in result.output and "README.md (generated)" not in result.output


def test_check_fails_after_a_data_change_and_readme_fixes_it(survey_copy):
    paper = survey_copy / "data" / "papers" / "2401.12945.ttl"
    paper.write_text(paper.read_text(encoding="utf-8").replace(
        '"Lumiere: A Space-Time Diffusion Model for Video Generation"@en',
        '"Lumiere: A Space-Time Diffusion Model | Revised"@en'), encoding="utf-8")
    before = {name: (survey_copy / name).read_bytes() for name in ("README.md", "README_zh.md")}

    check = run("--root", str(survey_copy), "readme", "--check")
    assert check.exit_code == 1
    assert "--- README.md (current)" in check.stdout and "+++ README_zh.md (generated)" in check.stdout
    assert "+<summary><b>Lumiere: A Space-Time Diffusion Model | Revised</b></summary>" in check.stdout
    assert "+| Lumiere: A Space-Time Diffusion Model \\| Revised | 2024 |" in check.stdout
    assert {name: (survey_copy / name).read_bytes() for name in before} == before

    write = run("--root", str(survey_copy), "readme")
    assert write.exit_code == 0, write.output
    for name, old in before.items():
        new = (survey_copy / name).read_text(encoding="utf-8")
        assert new != old.decode("utf-8")
        assert outside_markers(new) == outside_markers(old.decode("utf-8"))
    assert run("--root", str(survey_copy), "readme", "--check").exit_code == 0


def test_readme_keeps_hand_written_text_byte_for_byte(survey_copy):
    readme = survey_copy / "README.md"
    text = readme.read_text(encoding="utf-8")
    stale = re.sub(r"(<!-- BEGIN survey-kg:summary -->\n).*?(<!-- END survey-kg:summary -->)",
                   r"\1stale\n\2", text, flags=re.S)
    edited = "Hand-written line with trailing spaces   \r\n" + stale + "\nno newline at the end"
    readme.write_bytes(edited.encode("utf-8"))
    assert run("--root", str(survey_copy), "readme").exit_code == 0
    new = readme.read_bytes().decode("utf-8")
    assert outside_markers(new) == outside_markers(edited)
    assert new.startswith("Hand-written line with trailing spaces   \r\n")
    assert new.endswith("\nno newline at the end")
    assert "stale" not in new.split("<!-- BEGIN survey-kg:summary -->")[1].split("<!-- END")[0]


def test_write_readmes_writes_only_what_changes(survey_copy):
    survey = Survey(survey_copy)
    store = load([survey.data])
    assert render.write_pages(store, survey) == []
    assert render.page_diffs(store, survey) == []
    zh = survey_copy / "README_zh.md"
    zh.write_text(zh.read_text(encoding="utf-8").replace("<!-- END survey-kg:curation -->",
                                                         "stale\n<!-- END survey-kg:curation -->"),
                  encoding="utf-8")
    assert render.write_pages(store, survey) == [zh]


def test_a_broken_readme_stops_before_anything_is_written(survey_copy):
    (survey_copy / "data" / "papers" / "2401.12945.ttl").write_text(
        (ROOT / "data" / "papers" / "2401.12945.ttl").read_text(encoding="utf-8").replace(
            "Lumiere:", "Lumiere (changed):"), encoding="utf-8")
    zh = survey_copy / "README_zh.md"
    lines = zh.read_text(encoding="utf-8").splitlines(keepends=True)
    begin_line = lines.index("<!-- BEGIN survey-kg:curation -->\n") + 1
    del lines[lines.index("<!-- END survey-kg:curation -->\n")]
    zh.write_text("".join(lines), encoding="utf-8")
    en_before = (survey_copy / "README.md").read_bytes()

    result = run("--root", str(survey_copy), "readme")
    assert result.exit_code == 2
    assert f"README_zh.md:{begin_line}: section 'curation' has no END marker" in result.output
    assert (survey_copy / "README.md").read_bytes() == en_before


def test_two_renders_are_byte_identical(survey_copy):
    survey = Survey(survey_copy)
    store = load([survey.data])
    first = [new for _, _, new in render.page_updates(store, survey)]
    second = [new for _, _, new in render.page_updates(load([survey.data]), survey)]
    assert first == second and len(first) == 2


def test_a_streamed_readme_is_the_text_page_updates_returns(survey_copy):
    """stage_pages writes each README as it renders it; its bytes are those of the whole-text
    path (page_updates), with CRLF line ends too, and nothing is in place before commit."""
    survey = Survey(survey_copy)
    zh = survey_copy / "README_zh.md"
    stale = zh.read_text(encoding="utf-8").replace("<!-- END survey-kg:curation -->",
                                                   "stale\n<!-- END survey-kg:curation -->")
    zh.write_bytes(stale.replace("\n", "\r\n").encode("utf-8"))
    store = load([survey.data])
    expected = {path: new.encode("utf-8") for path, _, new in render.page_updates(store, survey)}
    staged = render.stage_pages(store, survey)
    assert [(file.path.name, file.changed) for file in staged] == [("README.md", False),
                                                                  ("README_zh.md", True)]
    assert zh.read_bytes() == stale.replace("\n", "\r\n").encode("utf-8")  # not yet in place
    for file in staged:
        file.commit()
    assert {path: path.read_bytes() for path in expected} == expected
    assert b"\r\n\r\n<!-- END survey-kg:curation -->" in zh.read_bytes()
    assert not list(survey_copy.glob(".*.tmp"))


README_PIECES = st.sampled_from([
    "\n", "\n", "\r\n", "\u2028", "text", " ", "   ", "```", "````", "~~~", "`", "<!--",
    "<!-- BEGIN survey-kg:summary -->", "<!-- END survey-kg:summary -->",
    "<!-- BEGIN survey-kg:listing -->", "<!-- END survey-kg:listing -->",
    "<!-- a comment -->", "<!-- BEGIN survey-kg: listing", "<!-- BEGIN survey-kg:nosuch -->"])


def every_line(text: str):
    """(index, start, end, next) of every line, as str.splitlines() cuts them: the reference the
    marker scan's search for the lines that matter is checked against."""
    offset = 0
    for index, line in enumerate(text.splitlines(keepends=True)):
        yield index, offset, offset + len(line.splitlines()[0]), offset + len(line)
        offset += len(line)


def _cut(text, every):
    with pytest.MonkeyPatch.context() as patch:
        if every:
            patch.setattr(render, "_lines", every_line)
        try:
            return render._sections(text, known={"summary", "listing"})
        except InputError as exc:
            return str(exc)


@settings(max_examples=400, deadline=None)
@given(st.lists(README_PIECES, max_size=40).map("".join))
def test_markers_are_found_by_searching_the_text_as_line_by_line(text):
    """The marker scan reads only the lines holding "<!--", "```" or "~~~" (found by searching
    the text, not cutting a README of hundreds of megabytes into lines): the same sections, line
    numbers, offsets and errors as reading every line as str.splitlines() cuts them."""
    assert _cut(text, every=False) == _cut(text, every=True)
