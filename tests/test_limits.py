"""Input files over SURVEY_KG_MAX_INPUT_BYTES are refused by every command that reads them: exit 2,
one line naming the file and the limit and how to raise it, and nothing written."""

from __future__ import annotations

import shutil
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from survey_kg.cli import main

from .conftest import ROOT

PAPER = "data/papers/2401.12945.ttl"
STALE = "<!-- BEGIN survey-kg:summary -->\n"
# Twice the largest file a normal run reads (READMEs included, so the limit stays valid when
# they are held to it too): only the file a test grows is over it.
INPUTS = [ROOT / "README.md", ROOT / "README_zh.md",
          *(p for folder in ("data", "ontology", "queries") for p in (ROOT / folder).rglob("*"))]
LIMIT = 2 * max(p.stat().st_size for p in INPUTS if p.is_file())


@pytest.fixture
def survey(tmp_path) -> Path:
    """A survey with stale READMEs and dumps: a command that got as far as writing would change
    them."""
    root = (tmp_path / "survey").resolve()
    shutil.copytree(ROOT / "data", root / "data")
    for name in ("README.md", "README_zh.md"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert STALE in text
        (root / name).write_text(text.replace(STALE, STALE + "stale\n", 1), encoding="utf-8")
    shutil.copytree(ROOT / "dist", root / "dist")
    for path in (root / "dist").iterdir():
        path.write_text("stale\n", encoding="utf-8")
    (root / "pages").mkdir()
    shutil.copyfile(ROOT / "README.md", root / "pages" / "README.md")
    (root / "queries").mkdir()
    shutil.copyfile(ROOT / "queries" / "summary.rq", root / "queries" / "summary.rq")
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


# (command line, with {root} for the survey folder; the file grown over the limit)
CASES = [
    (["validate"], PAPER),
    (["readme"], PAPER),
    (["readme", "--check"], PAPER),
    (["readme"], "queries/summary.rq"),  # the survey's own query, read while rendering
    (["build"], PAPER),
    (["export"], PAPER),
    (["query", "summary"], PAPER),
    (["query", "{root}/queries/summary.rq"], "queries/summary.rq"),
    (["import", "{root}/pages/README.md", "--split", "{root}/imported"], "pages/README.md"),
    (["import", "{root}/pages/README.md", "--out", "{root}/raw.ttl"], "pages/README.md"),
    (["publish", "--endpoint", "http://127.0.0.1:9/query"], PAPER),  # refused before any request
]


@pytest.mark.parametrize("args,grown", CASES, ids=[" ".join(a[:2]) + f" <{g}>" for a, g in CASES])
def test_a_file_over_the_limit_is_refused_and_nothing_is_written(survey, args, grown):
    grow(survey / grown, LIMIT + 1)
    before = snapshot(survey)
    result = run(survey, *(arg.format(root=survey) for arg in args))
    assert (result.exit_code, result.stdout) == (2, ""), result.output
    assert result.stderr == refusal(survey / grown)
    assert snapshot(survey) == before


def test_a_file_at_the_limit_is_read_and_the_stale_files_are_rewritten(survey):
    # The control for the tests above: with the same limit and a file exactly at it, the build
    # goes through and rewrites what those tests find unchanged.
    grow(survey / PAPER, LIMIT)
    before = snapshot(survey)
    result = run(survey, "build")
    assert result.exit_code == 0, result.output
    after = snapshot(survey)
    changed = {name for name in before if after.get(name) != before[name]}
    assert {"README.md", "README_zh.md"} | {f"dist/{p.name}" for p in (ROOT / "dist").iterdir()} \
        <= changed


@pytest.mark.parametrize("command", ["readme", "build"])
def test_a_readme_over_the_limit_is_refused(survey, command):
    grow(survey / "README.md", LIMIT + 1)
    before = snapshot(survey)
    result = run(survey, command)
    # build reports its stages (load, validate) before the README stage refuses the file
    assert (result.exit_code, result.stderr.splitlines(keepends=True)[-1]) == \
        (2, refusal(survey / "README.md"))
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
