"""Input files over SURVEY_KG_MAX_INPUT_BYTES are refused by every command that reads them: exit 2,
one line naming the file and the limit and how to raise it, and nothing written."""

from __future__ import annotations

import shutil
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from survey_kg.build import build
from survey_kg.cli import main
from survey_kg.paths import Survey
from survey_kg.render.pages import sections

from .conftest import ROOT, SMALL, SOURCES

WORK = "data/works/2303.03378.ttl"
QUERY = "works_per_year"  # read by the root pages' statistics section
SECTION_PAGE = "survey/consisency-paper/world-models/README_zh.md"
STALE = "<!-- BEGIN survey-kg:statistics -->\n"
UPSTREAM_PAGE = SOURCES / "consisency-paper" / "world-models" / "README.md"
# Twice the largest file a normal run reads (pages included, so the limit stays valid when
# they are held to it too): only the file a test grows is over it.
INPUTS = [UPSTREAM_PAGE, *(p for folder in ("data", "survey") for p in (SMALL / folder).rglob("*")),
          *(p for folder in ("ontology", "queries") for p in (ROOT / folder).rglob("*"))]
LIMIT = 2 * max(p.stat().st_size for p in INPUTS if p.is_file())


@pytest.fixture
def survey(tmp_path) -> Path:
    """A copy of the small survey with a stale root page and stale dumps: a command that got as
    far as writing would change them. Its own copy of a query, and an upstream page to import."""
    root = (tmp_path / "small").resolve()
    shutil.copytree(SMALL, root, ignore=shutil.ignore_patterns("make.py", "dist"))
    build(Survey(root))
    page = root / "survey" / "README.md"
    text = page.read_text(encoding="utf-8")
    assert STALE in text
    page.write_text(text.replace(STALE, STALE + "stale\n", 1), encoding="utf-8")
    for path in (root / "dist").iterdir():
        if path.is_file():  # (the dump's files; the site, dist/site/, is a folder)
            path.write_text("stale\n", encoding="utf-8")
    (root / "pages").mkdir()
    shutil.copyfile(UPSTREAM_PAGE, root / "pages" / "README.md")
    (root / "queries").mkdir()
    shutil.copyfile(ROOT / "queries" / f"{QUERY}.rq", root / "queries" / f"{QUERY}.rq")
    return root


def grow(path: Path, size: int) -> None:
    """Pad a file with blank lines (valid Turtle, markdown and SPARQL) up to `size` bytes."""
    with path.open("ab") as handle:
        handle.write(b"\n" * (size - path.stat().st_size))
    assert path.stat().st_size == size


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` (hidden temporaries too) and its content."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args],
                              env={"SURVEY_KG_MAX_INPUT_BYTES": str(LIMIT)})


def refusal(path: Path) -> str:
    return (f"survey-kg: error: {path}: the file is {LIMIT + 1} bytes, over the {LIMIT}-byte "
            "input limit (split it, or raise SURVEY_KG_MAX_INPUT_BYTES)\n")


def test_the_survey_s_own_query_is_one_the_pages_read():
    assert QUERY in {name for s in sections().values() for name in s.queries.values()}


# (command line, with {root} for the survey folder; the file grown over the limit)
CASES = [
    (["validate"], WORK),
    (["validate", "{root}/" + WORK], WORK),
    (["readme"], WORK),
    (["readme", "--check"], WORK),
    (["readme"], f"queries/{QUERY}.rq"),  # the survey's own query, read while rendering
    (["build"], WORK),
    (["export"], WORK),
    (["query", "works"], WORK),
    (["query", "{root}/queries/" + QUERY + ".rq"], f"queries/{QUERY}.rq"),
    (["publish", "--endpoint", "http://127.0.0.1:9/query"], WORK),  # refused before any request
]


@pytest.mark.parametrize("args,grown", CASES, ids=[" ".join(a[:2]) + f" <{g}>" for a, g in CASES])
def test_a_file_over_the_limit_is_refused_and_nothing_is_written(survey, args, grown):
    grow(survey / grown, LIMIT + 1)
    before = snapshot(survey)
    result = run(survey, *(arg.format(root=survey) for arg in args))
    assert (result.exit_code, result.stdout) == (2, ""), result.output
    assert result.stderr == refusal(survey / grown)
    assert snapshot(survey) == before


@pytest.mark.parametrize("output", [["--split", "{root}/imported"], ["--out", "{root}/raw.ttl"]],
                         ids=["split", "out"])
def test_a_page_over_the_limit_is_an_error_of_the_import_and_none_of_its_entries_is_read(
        survey, output):
    """The importer reads what it can and reports each page it cannot read as an error (exit
    1): a page over the limit is not read at all."""
    page = survey / "pages" / "README.md"
    grow(page, LIMIT + 1)
    result = run(survey, "import", str(page), *(arg.format(root=survey) for arg in output))
    assert (result.exit_code, result.stdout) == (1, ""), result.output
    lines = result.stderr.splitlines()
    assert lines[0] == f"{page}: error: " + refusal(page).split(": ", 3)[-1].rstrip("\n")
    assert lines[-1].startswith("read 0 entries from 1 page(s): 0 works")
    assert not list((survey / "imported").rglob("works/*.ttl"))
    raw = survey / "raw.ttl"
    assert not raw.exists() or "CreativeWork" not in raw.read_text(encoding="utf-8")


def test_a_file_at_the_limit_is_read_and_the_stale_files_are_rewritten(survey):
    # The control for the tests above: with the same limit and a file exactly at it, the build
    # goes through and rewrites what those tests find unchanged.
    grow(survey / WORK, LIMIT)
    before = snapshot(survey)
    result = run(survey, "build")
    assert result.exit_code == 0, result.output
    after = snapshot(survey)
    changed = {name for name in before if after.get(name) != before[name]}
    assert {"survey/README.md"} | {f"dist/{p.name}" for p in (survey / "dist").iterdir()
                                   if p.is_file()} <= changed


@pytest.mark.parametrize("command", ["readme", "build"])
@pytest.mark.parametrize("page", ["survey/README.md", SECTION_PAGE],
                         ids=["root-page", "section-page"])
def test_a_page_over_the_limit_is_refused(survey, command, page):
    grow(survey / page, LIMIT + 1)
    before = snapshot(survey)
    result = run(survey, command)
    # build reports its stages (load, validate) before the page stage refuses the file
    assert (result.exit_code, result.stderr.splitlines(keepends=True)[-1]) == \
        (2, refusal(survey / page))
    assert snapshot(survey) == before


@pytest.mark.parametrize("limit", [8, 20], ids=["grew-over-the-limit", "grew-within-it"])
def test_a_file_that_grows_after_its_size_was_read_is_read_whole_or_refused(
        tmp_path, monkeypatch, limit):
    """The size from stat() is only a hint: a file that grew since is read to its end, and
    refused when it is now over the limit."""
    from survey_kg import files
    from survey_kg.errors import InputError

    path = tmp_path / "growing.ttl"
    path.write_bytes(b"0123456789")  # 10 bytes; stat() below says 5, as before it grew
    real_stat = Path.stat
    monkeypatch.setattr(Path, "stat", lambda self, **kw: types.SimpleNamespace(st_size=5)
                        if self == path else real_stat(self, **kw))
    monkeypatch.setenv("SURVEY_KG_MAX_INPUT_BYTES", str(limit))
    if limit < 10:
        with pytest.raises(InputError, match=f"over the {limit}-byte input limit"):
            files.read_limited(path)
    else:
        assert files.read_limited(path) == b"0123456789"
