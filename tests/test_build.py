"""`survey-kg build`: load once; validate, then stage the dumps, on a worker thread while the pages
are staged; put everything in place only if the report conforms. A violation, or an error in
either stage, leaves every file as it was, with no temporary file behind."""

import shutil
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

from .conftest import ROOT

DUMP_FILES = ["context.jsonld", "ontology.ttl", "shapes.ttl", "survey.jsonld", "survey.nt",
              "survey.ttl", "void.ttl"]
PAGES = ["README.md", "README_zh.md"]
STAGES = ["load", "validate", "pages", "dump"]
SURVEY_KG = Path(sys.executable).with_name("survey-kg")


@pytest.fixture
def survey(tmp_path) -> Survey:
    """A copy of the survey: its data and both pages (up to date with the data)."""
    root = tmp_path / "survey"
    shutil.copytree(ROOT / "data", root / "data")
    for name in PAGES:
        shutil.copyfile(ROOT / name, root / name)
    return Survey(root)


def change_the_data(survey: Survey) -> None:
    """A curation note on a paper, in English and Chinese: both pages and the data's dump files
    change."""
    paper = sorted(survey.data.glob("papers/*.ttl"))[0].stem
    (survey.data / "papers" / "zz-note.ttl").write_text(
        "@prefix paper: <https://w3id.org/survey-kg/paper/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n"
        f"paper:{paper} skos:editorialNote \"A note added by the build test.\"@en, "
        "\"构建测试添加的说明。\"@zh .\n", encoding="utf-8")


def break_a_paper(survey: Survey) -> None:
    """A paper with no title: a violation."""
    path = survey.data / "papers" / "2401.12945.ttl"
    text = path.read_text(encoding="utf-8")
    start = text.index("    dcterms:title ")
    end = text.index("\n", start)
    path.write_text(text[:start] + text[end + 1:], encoding="utf-8")


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under `root` but the data, by relative path (temporary files too)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "data" not in p.relative_to(root).parts}


def temporaries(root: Path) -> list[Path]:
    return sorted(root.rglob(".*.tmp"))


@pytest.fixture
def built(survey) -> tuple[Survey, dict[str, bytes]]:
    """The survey built once (dist/ written), and its files then."""
    build(survey)
    return survey, files_of(survey.root)


def test_build_runs_every_stage_and_writes_the_pages_and_the_dumps(survey):
    change_the_data(survey)
    assert len(page_diffs(load([survey.data]), survey)) == 2  # both pages are stale
    events = []
    result = build(survey, on_stage=lambda *event: events.append(event))
    store = load([survey.data])

    assert [name for name, _, _ in events] == STAGES  # each stage once: one load, one report
    assert events[0][1] == f"{len(store)} triples from {len(list(survey.data.rglob('*.ttl')))} files"
    assert all(seconds >= 0 for _, _, seconds in events)
    assert set(result.seconds) == {*STAGES, "build"}
    assert isinstance(result.store, ox.Store) and len(result.store) == len(store)
    assert result.report.conforms and format_text(result.report) == format_text(validate(store))
    assert result.pages == [survey.root / name for name in PAGES]
    assert page_diffs(store, survey) == []  # the pages are what `survey-kg readme` makes
    assert sorted(p.name for p in (survey.root / "dist").iterdir()) == DUMP_FILES
    expected = write_dump(store, survey.root.parent / "expected")
    for path in expected.files:
        assert (survey.root / "dist" / path.name).read_bytes() == path.read_bytes(), path.name
    assert sorted(p.name for p in result.dump.files) == DUMP_FILES
    assert result.dump.statistics.papers == len(list((survey.data / "papers").glob("2*.ttl")))
    assert temporaries(survey.root) == []


def test_a_second_build_changes_nothing(built):
    survey, before = built
    result = build(survey)
    assert result.pages == [] and result.dump.changed == []
    assert files_of(survey.root) == before


@pytest.mark.parametrize("previous", [False, True], ids=["first-build", "after-a-build"])
def test_a_violation_stops_the_build_and_writes_nothing(survey, previous):
    if previous:
        build(survey)
    change_the_data(survey)  # the pages and the dump would change, but for the violation
    break_a_paper(survey)
    before = files_of(survey.root)
    events = []
    with pytest.raises(BuildStopped) as caught:
        build(survey, on_stage=lambda *event: events.append(event))
    assert caught.value.report.violations and caught.value.exit_code == 1
    assert format_text(caught.value.report) == format_text(validate(load([survey.data])))
    assert [r.focus.rsplit("/", 1)[-1] for r in caught.value.report.violations] == ["2401.12945"]
    assert [name for name, _, _ in events] == ["load", "validate"]
    assert files_of(survey.root) == before  # pages and dist byte-identical, nothing new
    assert (survey.root / "dist").exists() == previous
    assert temporaries(survey.root) == []


def test_a_violation_is_reported_before_a_page_error(survey):
    """The pages are staged beside validation; when both fail, the report comes first, as it
    would if they ran one after the other."""
    page = survey.root / "README_zh.md"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "<!-- END survey-kg:summary -->\n", "", 1), encoding="utf-8")
    before = files_of(survey.root)
    with pytest.raises(InputError, match="summary"):
        build(survey)
    break_a_paper(survey)
    with pytest.raises(BuildStopped):
        build(survey)
    assert not (survey.root / "dist").exists()
    assert files_of(survey.root) == before


def test_a_bad_page_marker_stops_the_build_and_removes_what_was_staged(built):
    """README.md is staged, then README_zh.md has a section that never ends: neither page nor any
    dump file changes, and what was staged (README.md, the dump) is removed."""
    survey, _ = built
    change_the_data(survey)
    page = survey.root / "README_zh.md"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "<!-- END survey-kg:summary -->\n", "", 1), encoding="utf-8")
    before = files_of(survey.root)
    with pytest.raises(InputError) as caught:
        build(survey)
    assert "README_zh.md" in str(caught.value) and caught.value.exit_code == 2
    assert files_of(survey.root) == before
    assert temporaries(survey.root) == []


@pytest.mark.parametrize("where", ["dist-is-a-file", "a-file-above-dist"])
def test_a_dump_that_cannot_be_written_stops_the_build_and_removes_what_was_staged(
        survey, tmp_path, where):
    """The dump cannot be staged: the pages, staged meanwhile, are removed and stay as they
    were."""
    change_the_data(survey)  # both pages would change
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


def test_build_command_prints_progress_and_a_summary(survey):
    change_the_data(survey)
    result = CliRunner().invoke(main, ["--root", str(survey.root), "build"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert [line.split(":")[0] for line in lines[:4]] == STAGES
    store = load([survey.data])
    assert lines[0].startswith(f"load: {len(store)} triples from ")
    assert lines[2].startswith("pages: 2 page(s) changed")
    assert lines[-1].startswith("built in ") and f"{len(store)} triples, 20 papers" in lines[-1]
    assert lines[-1].endswith("2 page(s) and 7 dump file(s) changed")
    assert result.stdout == ""


def test_build_command_shows_the_report_and_exits_1_on_violations(survey):
    break_a_paper(survey)
    before = files_of(survey.root)
    result = CliRunner().invoke(main, ["--root", str(survey.root), "build"])
    assert result.exit_code == 1
    assert "VIOLATION: paper 2401.12945" in result.stderr
    assert "title" in result.stderr and "survey-kg: error: 1 violation(s)" in result.stderr
    assert not (survey.root / "dist").exists()
    assert files_of(survey.root) == before


def test_build_command_with_unreadable_data_exits_2(survey):
    (survey.data / "papers" / "2401.12945.ttl").write_text("not turtle at all", encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(survey.root), "build"])
    assert result.exit_code == 2
    assert "2401.12945.ttl" in result.stderr


def test_the_console_script_keeps_the_exit_code_and_flushes_the_output(survey):
    """`survey-kg` as installed: what a command printed arrives, and the exit code is the
    command's (0, 1 at a violation, 2 usage)."""
    def run(*args):
        return subprocess.run([str(SURVEY_KG), "--root", str(survey.root), *args],
                              capture_output=True, text=True, timeout=300)
    built = run("build")
    assert built.returncode == 0, built.stderr
    assert built.stderr.splitlines()[-1].startswith("built in ")
    listed = run("query", "summary", "--format", "csv")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("paper,arxivId,") and listed.stdout.endswith("\n")
    break_a_paper(survey)
    stopped = run("build")
    assert stopped.returncode == 1
    assert "VIOLATION: paper 2401.12945" in stopped.stderr
    assert run("no-such-command").returncode == 2


def test_the_build_imports_neither_pyshacl_nor_rdflib():
    """Every command starts with these imports; pyshacl (the reference engine of the tests) and
    rdflib (for `survey_kg.to_rdflib` and the importer) are imported only where they are used."""
    code = ("import sys, survey_kg.cli, survey_kg.build, survey_kg.render.pages, "
            "survey_kg.dump, survey_kg.rules, survey_kg.queries; "
            "print(sorted(m for m in ('pyshacl', 'rdflib', 'rdflib.plugins.sparql') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_build_into_another_folder(survey, tmp_path):
    out = tmp_path / "elsewhere"
    result = CliRunner().invoke(main, ["--root", str(survey.root), "build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == DUMP_FILES
    assert not (survey.root / "dist").exists()
