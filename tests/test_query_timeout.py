"""`survey-kg query --timeout` on the local graph: the query runs on a thread, and the command
gives up with a one-line error (exit 2) when the time is up; what the query gives or raises
within the time is the command's answer (docs/decisions/0013-query-timeout.md)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from survey_kg import queries as q
from survey_kg.cli import main
from survey_kg.load import load
from survey_kg.results import to_json

from .conftest import ROOT, SMALL

# Every triple with every other, four times over: the small survey's 2,300 triples give 3e13
# solutions to count.
CARTESIAN = """# Never finishes: every triple with every other, four times over.
SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }
"""
# A watchdog, not a performance claim: the query is stopped after 1 s; a broken timeout would
# otherwise hang the test run for ever.
WATCHDOG = 60
# What the command may take beyond the timeout and the time a quick query takes from start to
# end (starting Python, loading the survey): it ends when the time is up, not when the query does.
SLACK = 3.0
CATEGORY = "category:world-models"


def cli(*args):
    return CliRunner().invoke(main, ["--root", str(SMALL), *args])


def user_copy(tmp_path, name: str):
    """A user's copy of a shipped query: the same text, in a file outside the package."""
    path = tmp_path / f"my_{name}.rq"
    shutil.copyfile(ROOT / "queries" / f"{name}.rq", path)
    return path


def run_command(args, cwd) -> tuple[int, str, str, float]:
    """`survey-kg ARGS` in a process of its own (a query that does not stop keeps its thread
    busy: only a process can be killed), with its exit code, output, errors and wall time."""
    command = [sys.executable, "-m", "survey_kg.cli", "--root", str(SMALL), *args]
    start = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    try:
        out, err = process.communicate(timeout=WATCHDOG)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"the command did not end within {WATCHDOG} s")
    seconds = time.monotonic() - start
    with pytest.raises(ProcessLookupError):  # nothing of the command is left running
        os.killpg(process.pid, 0)
    return process.returncode, out, err, seconds


def test_a_query_that_cannot_finish_is_stopped_at_the_timeout(tmp_path):
    path = tmp_path / "cartesian.rq"
    path.write_text(CARTESIAN, encoding="utf-8")
    code, _, _, quick = run_command(["query", "dataset_statistics", "--timeout", "1"], tmp_path)
    assert code == 0
    code, out, err, seconds = run_command(["query", str(path), "--timeout", "1"], tmp_path)
    assert (code, out) == (2, "")
    assert err == (f"survey-kg: error: {path}: query 'cartesian' did not finish within 1 s and "
                   "was stopped (simplify it, or allow more time with --timeout SECONDS)\n")
    assert 1 <= seconds < 1 + quick + SLACK, f"stopped after {seconds:.1f} s"


def test_a_user_query_gives_the_same_rows_as_the_shipped_one(tmp_path):
    param = ["--param", f"category={CATEGORY}", "--format", "json"]
    shipped = cli("query", "works", *param)
    mine = cli("query", str(user_copy(tmp_path, "works")), *param)
    assert (shipped.exit_code, mine.exit_code) == (0, 0), shipped.output + mine.output
    assert mine.stdout == shipped.stdout
    assert json.loads(mine.stdout)["results"]["bindings"]  # rows to compare, not two empties


def test_every_shipped_query_gives_its_rows_through_the_timeout():
    """The rows the command prints (the query run on its thread) are the rows of `run` (a
    parameter left out is unbound)."""
    store = load([SMALL / "data"])
    for query in q.list_queries():
        result = cli("query", query.name, "--format", "json", "--timeout", str(WATCHDOG))
        assert result.exit_code == 0, (query.name, result.output)
        assert result.stdout == to_json(q.run(store, query)), query.name


def test_a_survey_s_own_queries_are_run(tmp_path):
    """A survey's queries/ comes before the shipped queries."""
    shutil.copytree(SMALL / "data", tmp_path / "data")
    (tmp_path / "queries").mkdir()
    own = tmp_path / "queries" / "works_per_year.rq"
    own.write_text("# The years, backwards.\n" + (ROOT / "queries" / "works_per_year.rq")
                   .read_text(encoding="utf-8").split("\n", 1)[1].replace(
                       "ORDER BY ?year", "ORDER BY DESC(?year)"), encoding="utf-8")
    runner = CliRunner()
    ours = runner.invoke(main, ["--root", str(tmp_path), "query", "works_per_year", "--format",
                                "csv"])
    shipped = runner.invoke(main, ["--root", str(SMALL), "query", "works_per_year", "--format",
                                   "csv"])
    assert (ours.exit_code, shipped.exit_code) == (0, 0), ours.output + shipped.output
    header, *years = shipped.stdout.splitlines()
    assert len(years) > 1 and ours.stdout.splitlines() == [header, *reversed(years)]


def one_line(tmp_path, *args) -> str:
    """The error of `survey-kg query ARGS`, which must be one line and exit 2. A process of its
    own: what Python prints as the process ends (an object freed on the wrong thread) is seen."""
    code, out, err, _ = run_command(["query", *args], tmp_path)
    assert code == 2, err
    assert out == "" and "Traceback" not in err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    return err


def test_a_syntax_error_on_the_query_thread_is_one_line(tmp_path):
    path = tmp_path / "broken.rq"
    # Oxigraph's message for this one spans four lines
    path.write_text("# Broken.\nSELECT ?x WHERE {\n  ?x ?y ?z .\n  FILTER(\n", encoding="utf-8")
    line = one_line(tmp_path, str(path))
    assert line.startswith(f"survey-kg: error: {path}")
    assert "SPARQL syntax error" in line and "expected one of " in line


def test_a_query_that_is_not_a_select_is_one_line(tmp_path):
    # its result (Oxigraph's QueryTriples) is made on the query's thread and must be freed there
    path = tmp_path / "graph.rq"
    path.write_text("# All of it.\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n", encoding="utf-8")
    line = one_line(tmp_path, str(path))
    assert line == (f"survey-kg: error: {path}: query 'graph' is not a SELECT query; only SELECT "
                    "is supported here\n")


def test_a_bad_parameter_is_one_line(tmp_path):
    path = user_copy(tmp_path, "works")
    line = one_line(tmp_path, str(path), "--param", "category=not an iri")
    assert line.startswith("survey-kg: error: field category: parameter ?category: "
                           "'not an iri' is not an absolute IRI")
