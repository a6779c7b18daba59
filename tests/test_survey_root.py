"""Finding the survey (issue 24): a command works on the survey at --root (or $SURVEY_KG_ROOT),
else on the nearest folder at or above the current one that holds data/. Outside any survey,
the commands that write into one (build, readme; export and site without --out) stop with exit 2 and
write nothing anywhere; the commands that only read use the survey shipped with survey-kg and
say so once on standard error. --root and --debug work before and after the subcommand."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from survey_kg.cli import main
from survey_kg.errors import InputError
from survey_kg.paths import Survey, bundled_survey, find_survey, survey_here

from .conftest import ROOT
from .oxigraph_server import free_port

NO_SURVEY = ("survey-kg: error: {cwd}: no survey here: run inside one or give --root (a survey "
             "is a folder holding data/ with Turtle files, found in the current folder or above "
             "it)\n")
NOTICE = "survey-kg: no survey here; reading the survey shipped with survey-kg ({data})\n"


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def outside(tmp_path, monkeypatch) -> Path:
    """The current folder is one with no survey in it or above it."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    assert survey_here(start=folder) is None
    monkeypatch.chdir(folder)
    monkeypatch.delenv("SURVEY_KG_ROOT", raising=False)
    return folder


@pytest.fixture
def shipped_state():
    """What the shipped survey's folders hold (in a checkout: this repository's pages and
    dist/), to show that nothing was written there."""
    root = bundled_survey().root
    folders = [root / name for name in ("data", "survey", "dist") if (root / name).is_dir()]
    return lambda: {str(folder): digest(folder) for folder in folders}


def invoke(*args):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("args", [["build"], ["build", "--out", "out"], ["readme"],
                                  ["readme", "--check"], ["export"], ["export", "--format", "nt"],
                                  ["site"], ["add", "new.md"]], ids=" ".join)
def test_outside_a_survey_a_command_that_writes_stops_and_writes_nothing(outside, shipped_state,
                                                                         args):
    before = shipped_state()
    result = invoke(*args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == NO_SURVEY.format(cwd=outside)
    assert list(outside.iterdir()) == []
    assert shipped_state() == before


def test_outside_a_survey_export_with_out_reads_the_shipped_survey(outside, shipped_state):
    before = shipped_state()
    result = invoke("export", "--out", "dump", "--format", "nt")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(NOTICE.format(data=bundled_survey().data))
    assert result.stderr.count("no survey here") == 1
    assert [p.name for p in (outside / "dump").iterdir()] == ["survey.nt"]
    assert shipped_state() == before


@pytest.mark.parametrize("args,code", [
    (["validate"], 0),
    (["query", "dataset_statistics", "--format", "csv"], 0),
    (["publish", "--endpoint", "http://127.0.0.1:{port}/query", "--timeout", "1"], 3),
], ids=["validate", "query", "publish"])
def test_outside_a_survey_a_command_that_reads_says_it_reads_the_shipped_survey_once(
        outside, shipped_state, args, code):
    before = shipped_state()
    result = invoke(*(arg.format(port=free_port()) for arg in args))
    assert result.exit_code == code, result.output
    assert result.stderr.startswith(NOTICE.format(data=bundled_survey().data))
    assert result.stderr.count("no survey here") == 1
    assert result.stdout or code  # it did its work on that survey
    assert list(outside.iterdir()) == []
    assert shipped_state() == before


@pytest.mark.parametrize("args", [["query", "--list"],
                                  ["query", "{mine}", "--format", "jsonl"],
                                  ["query", "{mine}", "--endpoint", "http://127.0.0.1:{port}/query",
                                   "--timeout", "1"]],
                         ids=["list", "file", "remote"])
def test_outside_a_survey_each_query_says_once_that_it_reads_the_shipped_survey(outside, tmp_path,
                                                                                args):
    """The notice comes once, also where the query reads the survey twice (a remote query
    that fails reads the survey's queries/ first; --list reads the queries of both)."""
    mine = tmp_path / "mine.rq"
    mine.write_text("SELECT (COUNT(*) AS ?works) WHERE { ?w a schema:CreativeWork }\n",
                    encoding="utf-8")
    result = invoke(*(arg.format(mine=mine, port=free_port()) for arg in args))
    assert result.stderr.startswith(NOTICE.format(data=bundled_survey().data))
    assert result.stderr.count("no survey here") == 1 and result.stderr.count("\n") <= 2
    if args[-1] == "jsonl":
        works = len(list(bundled_survey().data.glob("works/*.ttl")))
        assert (result.exit_code, result.stdout) == (0, f'{{"works": {works}}}\n')
    elif args[-1] == "--list":
        assert result.exit_code == 0 and "works_per_year" in result.stdout
    else:
        assert result.exit_code == 3 and "connection refused" in result.stderr


def test_the_query_of_the_shipped_survey_is_that_of_its_data(outside):
    here = invoke("query", "dataset_statistics", "--format", "csv")
    there = invoke("--root", str(bundled_survey().root), "query", "dataset_statistics",
                   "--format", "csv")
    assert (here.exit_code, there.exit_code) == (0, 0)
    assert here.stdout == there.stdout and there.stderr == ""  # no notice with --root


def test_a_survey_is_found_from_a_folder_inside_it(small_survey, monkeypatch):
    monkeypatch.delenv("SURVEY_KG_ROOT", raising=False)
    inside = small_survey.root / "survey" / "consisency-paper"
    monkeypatch.chdir(inside)
    assert survey_here() == Survey(small_survey.root.resolve())
    result = invoke("build")
    assert result.exit_code == 0, result.output
    assert "no survey here" not in result.stderr
    assert (small_survey.root / "dist" / "survey.nt").is_file()


def test_the_environment_names_the_survey(small_survey, outside, monkeypatch):
    monkeypatch.setenv("SURVEY_KG_ROOT", str(small_survey.root))
    result = invoke("export", "--format", "nt")
    assert result.exit_code == 0, result.output
    assert (small_survey.root / "dist" / "survey.nt").is_file()
    assert list(outside.iterdir()) == []


def test_root_that_is_not_a_survey_is_refused(tmp_path):
    for args in (["--root", str(tmp_path), "validate"], ["validate", "--root", str(tmp_path)]):
        result = invoke(*args)
        assert result.exit_code == 2
        assert result.stderr == (f"survey-kg: error: {tmp_path}: no survey here: expected a "
                                 "data/ folder with Turtle files (give the folder that holds "
                                 "data/, or leave --root out)\n")


@pytest.mark.parametrize("command", [["build"], ["validate"], ["readme", "--check"],
                                     ["export", "--format", "nt"],
                                     ["query", "works_per_year", "--format", "csv"]],
                         ids=lambda c: c[0])
def test_root_works_before_and_after_the_subcommand(small_survey, tmp_path, outside, command):
    copy = tmp_path / "copy"
    shutil.copytree(small_survey.root, copy)
    before = invoke("--root", str(small_survey.root), *command)
    after = invoke(*command, "--root", str(copy))
    assert before.exit_code == after.exit_code, before.output + after.output
    assert before.exit_code == 0 or command[0] == "readme"  # (1: a page of the copy is stale)
    assert after.stdout == before.stdout

    def untimed(text):
        return re.sub(r"\d+\.\d+ s\b", "N s", text)
    assert untimed(after.stderr) == untimed(before.stderr).replace(str(small_survey.root),
                                                                   str(copy))
    assert digest(copy) == digest(small_survey.root)


def test_root_after_the_subcommand_wins(small_survey, tmp_path, outside):
    result = invoke("--root", str(tmp_path), "export", "--format", "nt", "--root",
                    str(small_survey.root))
    assert result.exit_code == 0, result.output
    assert (small_survey.root / "dist" / "survey.nt").is_file()


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_works_before_and_after_the_subcommand(tmp_path, where):
    args = ["validate", "--root", str(tmp_path)]
    result = invoke(*(["--debug", *args] if where == "before" else [*args, "--debug"]))
    assert isinstance(result.exception, InputError)  # raised, with its traceback
    assert "no survey here" in str(result.exception)
    plain = invoke(*args)
    assert plain.exit_code == 2 and not isinstance(plain.exception, InputError)


def test_every_command_takes_the_global_options():
    for name, command in main.commands.items():
        options = {o for param in command.params for o in getattr(param, "opts", [])}
        assert {"--root", "--debug"} <= options, name
        shown = invoke(name, "--help")
        assert "--root" in shown.output and "--debug" in shown.output, name


def test_find_survey_falls_back_to_the_shipped_survey_for_the_library(outside):
    assert survey_here() is None
    assert find_survey() == bundled_survey()
    assert find_survey(start=ROOT / "tests") == Survey(ROOT)
