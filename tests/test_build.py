"""`survey-kg build` on the small survey: load once; validate, then stage the dumps, on a worker
thread while the pages (root pages, section pages, CURATION.md) are staged; put everything in
place only if the report conforms. A violation, or an error in either stage, leaves every file
as it was, with no temporary file behind. Exercised through `build()` and the command line, with
nothing patched."""

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from survey_kg.build import BuildStopped, build
from survey_kg.cli import main
from survey_kg.dump import write_dump
from survey_kg.errors import InputError
from survey_kg.load import load
from survey_kg.paths import Survey
from survey_kg.render.pages import page_diffs
from survey_kg.rules import format_text, validate

STAGES = ["load", "validate", "pages", "dump", "site"]
SURVEY_KG = Path(sys.executable).with_name("survey-kg")
RETITLED = "2303.03378"  # PaLM-E: listed on both root pages and its section's two pages
TITLE = '"PaLM-E: An Embodied Multimodal Language Model"@en'
SECTION = "survey/consisency-paper/embodied-intelligence-systems"
CHANGED_PAGES = ["survey/README.md", "survey/README_zh.md", f"{SECTION}/README.md",
                 f"{SECTION}/README_zh.md"]
BROKEN = "2511.00001"  # not a work of the fixture: break_a_work names the one it breaks


def retitle(survey: Survey) -> None:
    """A new title for one work: both root pages, its section's pages and the data's dump files
    change."""
    path = survey.data / "works" / f"{RETITLED}.ttl"
    text = path.read_text(encoding="utf-8")
    assert TITLE in text
    path.write_text(text.replace(TITLE, TITLE.replace("Model", "Model, Retitled")),
                    encoding="utf-8")


def break_a_work(survey: Survey) -> str:
    """A work with no title: a violation. Returns the work's ID."""
    path = survey.data / "works" / "2307.15818.ttl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("\tschema:name ")]
    assert len(kept) == len(lines) - 1
    path.write_text("".join(kept), encoding="utf-8")
    return path.stem


def unclose(page: Path) -> None:
    """A page whose last generated section has no END marker."""
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    end = max(i for i, line in enumerate(lines) if line.startswith("<!-- END survey-kg:"))
    page.write_text("".join(lines[:end] + lines[end + 1:]), encoding="utf-8")


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under `root` but the data, by relative path (temporary files too)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] != "data"}


def temporaries(root: Path) -> list[Path]:
    return sorted(root.rglob(".*.tmp"))


def expected_dump(survey: Survey, tmp_path: Path) -> dict[str, bytes]:
    """What `survey-kg export` writes for the survey's data now."""
    dump = write_dump(load([survey.data]), tmp_path / "expected-dump")
    return {path.name: path.read_bytes() for path in dump.files}


@pytest.fixture
def built(small_survey) -> tuple[Survey, dict[str, bytes]]:
    """The small survey built once (dist/ written), and its files then."""
    build(small_survey)
    return small_survey, files_of(small_survey.root)


def test_build_runs_every_stage_and_writes_the_pages_and_the_dumps(built, tmp_path):
    survey, _ = built
    retitle(survey)
    store = load([survey.data])
    stale = page_diffs(store, survey, validate(store))
    assert [d.splitlines()[0].split()[1] for d in stale] == CHANGED_PAGES
    events = []
    result = build(survey, on_stage=lambda *event: events.append(event))

    assert [name for name, _, _ in events] == STAGES  # each stage once: one load, one report
    files = len(list(survey.data.rglob("*.ttl")))
    assert events[0][1] == f"{len(store)} triples from {files} files"
    assert events[2][1] == f"{len(CHANGED_PAGES)} page(s) changed"
    assert all(seconds >= 0 for _, _, seconds in events)
    assert set(result.seconds) == {*STAGES, "build"}
    assert isinstance(result.store, ox.Store) and len(result.store) == len(store)
    assert result.report.conforms and format_text(result.report) == format_text(validate(store))
    assert result.pages == [survey.root / name for name in CHANGED_PAGES]
    assert page_diffs(store, survey, result.report) == []  # what `survey-kg readme` makes
    expected = expected_dump(survey, tmp_path)
    assert {p.name: p.read_bytes() for p in (survey.root / "dist").iterdir()
            if p.is_file()} == expected
    assert (survey.root / "dist" / "site" / "index.html").is_file()  # and the site
    assert result.site.pages > 0 and result.site.folder == survey.root / "dist" / "site"
    assert sorted(p.name for p in result.dump.files) == sorted(expected)
    assert result.dump.statistics.works == len(list((survey.data / "works").glob("*.ttl")))
    assert temporaries(survey.root) == []


def test_a_second_build_changes_nothing(built):
    survey, before = built
    result = build(survey)
    assert result.pages == [] and result.dump.changed == []
    assert files_of(survey.root) == before


def test_a_missing_section_page_is_made(built):
    """A section folder's page that is not there yet is made from the graph (the survey's page
    tree needs only its root pages and the folders the categories name)."""
    survey, before = built
    folder = survey.root / SECTION
    for page in folder.iterdir():
        page.unlink()
    folder.rmdir()
    result = build(survey)
    assert result.pages == [folder / "README.md", folder / "README_zh.md"]
    assert files_of(survey.root) == before


@pytest.mark.parametrize("previous", [False, True], ids=["first-build", "after-a-build"])
def test_a_violation_stops_the_build_and_writes_nothing(small_survey, previous):
    survey = small_survey
    if previous:
        build(survey)
    retitle(survey)  # the pages and the dump would change, but for the violation
    broken = break_a_work(survey)
    before = files_of(survey.root)
    events = []
    with pytest.raises(BuildStopped) as caught:
        build(survey, on_stage=lambda *event: events.append(event))
    assert caught.value.report.violations and caught.value.exit_code == 1
    assert format_text(caught.value.report) == format_text(validate(load([survey.data])))
    assert [r.focus.rsplit("/", 1)[-1] for r in caught.value.report.violations] == [broken]
    assert [name for name, _, _ in events] == ["load", "validate"]
    assert files_of(survey.root) == before  # pages and dist byte-identical, nothing new
    assert (survey.root / "dist").exists() == previous
    assert temporaries(survey.root) == []


def test_a_violation_is_reported_before_a_page_error(small_survey):
    """The pages are staged beside validation; when both fail, the report comes first, as it
    would if they ran one after the other."""
    survey = small_survey
    unclose(survey.root / "survey" / "README_zh.md")
    before = files_of(survey.root)
    with pytest.raises(InputError, match="has no END marker"):
        build(survey)
    break_a_work(survey)
    with pytest.raises(BuildStopped):
        build(survey)
    assert not (survey.root / "dist").exists()
    assert files_of(survey.root) == before


@pytest.mark.parametrize("page", ["survey/README_zh.md", f"{SECTION}/README_zh.md"],
                         ids=["root-page", "section-page"])
def test_a_bad_page_marker_stops_the_build_and_removes_what_was_staged(built, page):
    """Pages before the broken one are staged, then it has a section that never ends: no page
    and no dump file changes, and what was staged (pages, the dump) is removed."""
    survey, _ = built
    retitle(survey)
    unclose(survey.root / page)
    before = files_of(survey.root)
    with pytest.raises(InputError) as caught:
        build(survey)
    assert str(caught.value).startswith(str(survey.root / page) + ":")
    assert caught.value.exit_code == 2
    assert files_of(survey.root) == before
    assert temporaries(survey.root) == []


@pytest.mark.parametrize("where", ["dist-is-a-file", "a-file-above-dist"])
def test_a_dump_that_cannot_be_written_stops_the_build_and_removes_what_was_staged(
        small_survey, tmp_path, where):
    """The dump cannot be staged: the pages, staged meanwhile, are removed and stay as they
    were."""
    survey = small_survey
    retitle(survey)  # four pages would change
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    out = blocker if where == "dist-is-a-file" else blocker / "dist"
    before = files_of(survey.root)
    with pytest.raises(InputError) as caught:
        build(survey, out=out)
    assert "cannot write" in caught.value.message
    assert files_of(survey.root) == before
    assert blocker.read_text() == "not a folder"
    assert temporaries(survey.root) == [] and temporaries(tmp_path) == []


def test_build_command_prints_progress_and_a_summary(built, tmp_path):
    survey, before = built
    retitle(survey)
    result = CliRunner().invoke(main, ["--root", str(survey.root), "build"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert [line.split(":")[0] for line in lines[:5]] == STAGES
    store = load([survey.data])
    dumps = len(expected_dump(survey, tmp_path))
    assert lines[0].startswith(f"load: {len(store)} triples from ")
    assert lines[2].startswith(f"pages: {len(CHANGED_PAGES)} page(s) changed")
    after = files_of(survey.root)
    changed = sum(after[name] != data for name, data in before.items()
                  if name.startswith("dist/") and not name.startswith("dist/site/"))
    assert 0 < changed < dumps  # the ontology and the shapes, for one, are as they were
    assert lines[3].startswith(f"dump: {dumps} files in {survey.root / 'dist'}, {changed} changed")
    assert lines[-1].startswith("built in ") and f"{len(store)} triples, 15 works" in lines[-1]
    site = sum(1 for name in after if name.startswith("dist/site/") and name.endswith(".html"))
    assert lines[4].startswith(f"site: {site} pages, ")
    assert lines[-1].endswith(f"{len(CHANGED_PAGES)} page(s) and {changed} dump file(s) changed; "
                              f"site of {site} pages")
    assert result.stdout == ""


def test_build_command_shows_the_report_and_exits_1_on_violations(small_survey):
    survey = small_survey
    broken = break_a_work(survey)
    before = files_of(survey.root)
    result = CliRunner().invoke(main, ["--root", str(survey.root), "build"])
    assert result.exit_code == 1
    assert f"VIOLATION: work {broken} · name (schema:name)" in result.stderr
    assert "survey-kg: error: 1 violation(s)" in result.stderr
    assert not (survey.root / "dist").exists()
    assert files_of(survey.root) == before


def test_build_command_with_unreadable_data_exits_2(small_survey):
    survey = small_survey
    path = survey.data / "works" / "openai-sora.ttl"
    path.write_text("not turtle at all", encoding="utf-8")
    before = files_of(survey.root)
    result = CliRunner().invoke(main, ["--root", str(survey.root), "build"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"survey-kg: error: {path}:1: not valid Turtle")
    assert files_of(survey.root) == before


def test_the_console_script_keeps_the_exit_code_and_flushes_the_output(small_survey):
    """`survey-kg` as installed: what a command printed arrives, and the exit code is the
    command's (0, 1 at a violation, 2 usage)."""
    survey = small_survey

    def run(*args):
        return subprocess.run([str(SURVEY_KG), "--root", str(survey.root), *args],
                              capture_output=True, text=True, timeout=300)
    built = run("build")
    assert built.returncode == 0, built.stderr
    assert built.stderr.splitlines()[-1].startswith("built in ")
    listed = run("query", "works", "--format", "csv")
    assert listed.returncode == 0, listed.stderr
    in_process = CliRunner().invoke(main, ["--root", str(survey.root), "query", "works",
                                           "--format", "csv"])
    assert listed.stdout == in_process.stdout and listed.stdout.count("\n") > 15
    broken = break_a_work(survey)
    stopped = run("build")
    assert stopped.returncode == 1
    assert f"VIOLATION: work {broken}" in stopped.stderr
    assert run("no-such-command").returncode == 2


def test_the_build_imports_neither_pyshacl_nor_rdflib():
    """Every command starts with these imports; pyshacl (the reference engine of the tests) and
    rdflib (for `survey_kg.to_rdflib`) are imported only where they are used."""
    code = ("import sys, survey_kg.cli, survey_kg.build, survey_kg.render.pages, "
            "survey_kg.dump, survey_kg.rules, survey_kg.queries; "
            "print(sorted(m for m in ('pyshacl', 'rdflib', 'rdflib.plugins.sparql') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_build_into_another_folder(small_survey, tmp_path):
    out = tmp_path / "elsewhere"
    result = CliRunner().invoke(main, ["build", "--root", str(small_survey.root),
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == \
        expected_dump(small_survey, tmp_path)
    assert (out / "site" / "index.html").is_file()
    assert not (small_survey.root / "dist").exists()

