"""`survey-kg readme [--check]` on a copy of the small survey: the diff and exit 1 of --check,
text outside the markers kept byte for byte (line ends too), atomic and minimal writes, a
broken page or a graph with violations stopping before anything is written; and the marker
scan, which reads only the lines that can hold a marker."""

import re

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_kg.cli import main
from survey_kg.errors import InputError
from survey_kg.load import load
from survey_kg.render import pages as render
from survey_kg.rules import validate

SECTION = "consisency-paper/embodied-intelligence-systems"
PALM_E = "data/works/2303.03378.ttl"


def run(*args):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def survey(small_survey):
    """A copy of the small survey, its pages made current first (whatever the copy held)."""
    result = run("--root", str(small_survey.root), "readme")
    assert result.exit_code == 0, result.output
    return small_survey


def page_files(survey) -> dict[str, bytes]:
    return {p.relative_to(survey.pages).as_posix(): p.read_bytes()
            for p in sorted(survey.pages.rglob("*")) if p.is_file()}


def outside_markers(text: str) -> str:
    lines = text.splitlines(keepends=True)
    kept, start = [], 0
    for _, begin, end in render.find_sections(text):
        kept.extend(lines[start:begin + 1])
        start = end
    return "".join(kept + lines[start:])


def retitle(survey, old="PaLM-E: An Embodied Multimodal Language Model",
            new="PaLM-E: An Embodied Multimodal Language Model | Revised"):
    path = survey.root / PALM_E
    text = path.read_text(encoding="utf-8")
    assert f'"{old}"@en' in text
    path.write_text(text.replace(f'"{old}"@en', f'"{new}"@en'), encoding="utf-8")


def test_readme_makes_every_page_and_check_then_passes(survey):
    names = sorted(page_files(survey))
    assert names == sorted(["README.md", "README_zh.md", "CURATION.md"] + [
        f"consisency-paper/{folder}/{page}" for folder in (
            "benchmarks+evaluation", "embodied-intelligence-systems",
            "modality+temporal-consistency", "modality-consistency",
            "spatial-temporal-consistency", "world-models")
        for page in ("README.md", "README_zh.md")])
    result = run("--root", str(survey.root), "readme", "--check")
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and "pages are up to date" in result.stderr


def test_check_fails_after_a_data_change_and_readme_fixes_it(survey):
    retitle(survey)
    before = page_files(survey)

    check = run("--root", str(survey.root), "readme", "--check")
    assert check.exit_code == 1
    diffs = re.findall(r"^--- (\S+) \(current\)$", check.stdout, re.M)
    assert diffs == [f"survey/{name}" for name in (
        "README.md", "README_zh.md", f"{SECTION}/README.md", f"{SECTION}/README_zh.md")]
    assert "+<summary><b>PaLM-E: An Embodied Multimodal Language Model | Revised</b></summary>" \
        in check.stdout
    assert "+* PaLM-E: An Embodied Multimodal Language Model \\| Revised, ICLR 2024." in check.stdout
    assert "4 page(s) out of date with data/" in check.stderr
    assert page_files(survey) == before  # --check changes nothing

    write = run("--root", str(survey.root), "readme")
    assert write.exit_code == 0, write.output
    after = page_files(survey)
    changed = sorted(name for name in before if after[name] != before[name])
    assert changed == sorted(name.removeprefix("survey/") for name in diffs)
    for name in changed:
        assert outside_markers(after[name].decode("utf-8")) == \
            outside_markers(before[name].decode("utf-8"))
    assert run("--root", str(survey.root), "readme", "--check").exit_code == 0


def test_readme_keeps_hand_written_text_byte_for_byte(survey):
    readme = survey.pages / "README.md"
    text = readme.read_text(encoding="utf-8")
    stale = re.sub(r"(<!-- BEGIN survey-kg:toc -->\n).*?(<!-- END survey-kg:toc -->)",
                   r"\1stale\n\2", text, flags=re.S)
    edited = ("\ufeffHand-written line with trailing spaces   \r\n" + stale.replace(
        "## 📋 Table of Contents", "## 📋 Table of Contents\r\n<!-- a comment -->\t")
        + "\n```\n<!-- BEGIN survey-kg:toc -->\n```\nno newline at the end")
    readme.write_bytes(edited.encode("utf-8"))
    assert run("--root", str(survey.root), "readme").exit_code == 0
    new = readme.read_bytes().decode("utf-8")
    assert outside_markers(new) == outside_markers(edited)
    assert new.startswith("\ufeffHand-written line with trailing spaces   \r\n")
    assert new.endswith("\n```\n<!-- BEGIN survey-kg:toc -->\n```\nno newline at the end")
    toc = new.split("<!-- BEGIN survey-kg:toc -->\n", 1)[1].split("<!-- END")[0]
    assert "stale" not in toc and "[Text-to-World Generators](#text-to-world-generators)" in toc


def test_write_pages_writes_only_what_changes(survey):
    store = load([survey.data])
    report = validate(store)
    assert render.write_pages(store, survey, report) == []
    assert render.page_diffs(store, survey, report) == []
    zh = survey.pages / SECTION / "README_zh.md"
    zh.write_text(zh.read_text(encoding="utf-8").replace("<!-- END survey-kg:section -->",
                                                         "stale\n<!-- END survey-kg:section -->"),
                  encoding="utf-8")
    assert render.write_pages(store, survey, report) == [zh]
    assert render.write_pages(store, survey, report) == []


def test_a_missing_section_page_is_made(survey):
    before = page_files(survey)
    for lang in ("README.md", "README_zh.md"):
        (survey.pages / SECTION / lang).unlink()
    (survey.pages / SECTION).rmdir()
    result = run("--root", str(survey.root), "readme")
    assert result.exit_code == 0, result.output
    assert page_files(survey) == before
    assert f"wrote {survey.pages / SECTION / 'README_zh.md'}" in result.stderr


def test_a_broken_page_stops_before_anything_is_written(survey):
    retitle(survey)  # every page of the category would change
    zh = survey.pages / "README_zh.md"
    lines = zh.read_text(encoding="utf-8").splitlines(keepends=True)
    begin_line = lines.index("<!-- BEGIN survey-kg:statistics -->\n") + 1
    del lines[lines.index("<!-- END survey-kg:statistics -->\n")]
    zh.write_text("".join(lines), encoding="utf-8")
    before = page_files(survey)

    result = run("--root", str(survey.root), "readme")
    assert result.exit_code == 2
    assert f"README_zh.md:{begin_line}: section 'statistics' has no END marker" in result.output
    assert "Traceback" not in result.output
    assert page_files(survey) == before  # README.md, rendered before it, is not written either


def test_a_graph_with_violations_writes_no_page(survey):
    categories = survey.root / "data" / "categories.ttl"
    categories.write_text(categories.read_text(encoding="utf-8").replace(
        '"Models designed for robotic control', '"<script>alert(1)</script> Models designed for '
        'robotic control'), encoding="utf-8")
    before = page_files(survey)
    for args in (["readme"], ["readme", "--check"]):
        result = run("--root", str(survey.root), *args)
        assert result.exit_code == 1, result.output
        assert "VIOLATION" in result.stderr and "IntroductionMarkupShape" in result.stderr
        assert "violation(s): no page was compared or written" in result.stderr
        assert result.stdout == ""
    assert page_files(survey) == before


def test_two_renders_are_byte_identical(survey):
    store = load([survey.data])
    report = validate(store)
    first = [new for _, _, new in render.page_updates(store, survey, report)]
    second = [new for _, _, new in render.page_updates(load([survey.data]), survey, report)]
    assert first == second and len(first) == 15


def test_a_streamed_page_is_the_text_page_updates_returns(survey):
    """stage_pages writes each page as it renders it; its bytes are those of the whole-text
    path (page_updates), with CRLF line ends too, and nothing is in place before commit."""
    zh = survey.pages / SECTION / "README_zh.md"
    stale = zh.read_text(encoding="utf-8").replace("<!-- END survey-kg:section -->",
                                                   "stale\n<!-- END survey-kg:section -->")
    zh.write_bytes(stale.replace("\n", "\r\n").encode("utf-8"))
    store = load([survey.data])
    report = validate(store)
    expected = {path: new.encode("utf-8") for path, _, new in render.page_updates(store, survey,
                                                                                  report)}
    staged = render.stage_pages(store, survey, render.pages(store, survey, report))
    assert [file.path for file in staged if file.changed] == [zh]
    assert zh.read_bytes() == stale.replace("\n", "\r\n").encode("utf-8")  # not yet in place
    for file in staged:
        file.commit()
    assert {path: path.read_bytes() for path in expected} == expected
    assert b"\r\n\r\n<!-- END survey-kg:section -->" in zh.read_bytes()
    assert b"\n" not in zh.read_bytes().replace(b"\r\n", b"")
    assert not list(survey.pages.rglob(".*.tmp"))


def test_a_failure_while_rendering_leaves_every_page_as_it_was(survey, monkeypatch):
    """A page is written beside its file and renamed over it only once every page is rendered:
    an error half way leaves no page changed and no temporary file."""
    retitle(survey)
    before = page_files(survey)
    real = render.section_text
    seen = []

    def failing(store, survey_, section, lang, rows, context=None):
        seen.append(section.name)
        if section.name == "section" and lang == "zh":
            yield "half a page"
            raise InputError("made to fail", file="section.md.j2")
        yield from real(store, survey_, section, lang, rows, context)
    monkeypatch.setattr(render, "section_text", failing)
    store = load([survey.data])
    with pytest.raises(InputError):
        render.write_pages(store, survey, validate(store))
    assert "section" in seen and len(seen) > 3
    assert page_files(survey) == before
    assert not list(survey.pages.rglob(".*.tmp"))


README_PIECES = st.sampled_from([
    "\n", "\n", "\r\n", "\u2028", "text", " ", "   ", "```", "````", "~~~", "`", "<!--",
    "<!-- BEGIN survey-kg:toc -->", "<!-- END survey-kg:toc -->",
    "<!-- BEGIN survey-kg:catalog -->", "<!-- END survey-kg:catalog -->",
    "<!-- a comment -->", "<!-- BEGIN survey-kg: catalog", "<!-- BEGIN survey-kg:nosuch -->"])


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
            return render._sections(text, known={"toc", "catalog"})
        except InputError as exc:
            return str(exc)


@settings(max_examples=400, deadline=None)
@given(st.lists(README_PIECES, max_size=40).map("".join))
def test_markers_are_found_by_searching_the_text_as_line_by_line(text):
    """The marker scan reads only the lines holding "<!--", "```" or "~~~" (found by searching
    the text, not cutting a page into lines): the same sections, line numbers, offsets and
    errors as reading every line as str.splitlines() cuts them."""
    assert _cut(text, every=False) == _cut(text, every=True)
