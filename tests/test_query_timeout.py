"""`survey-kg query --timeout` on the local graph: a user's query runs in a worker process that is
stopped when the time is up (docs/decisions/0013-query-timeout.md)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys

import pytest
from click.testing import CliRunner

from survey_kg import query as q
from survey_kg.cli import main
from survey_kg.load import load_files

from .conftest import ROOT

# Every triple with every other, four times over: 2,500 triples give 4e13 solutions to count.
CARTESIAN = """# Never finishes: every triple with every other, four times over.
SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }
"""
# A watchdog, not a performance claim: the query is stopped after 1 s; a broken timeout would
# otherwise hang the test run for ever.
WATCHDOG = 60
CATEGORY = "category:modality-temporal-consistency"


def cli(*args):
    return CliRunner().invoke(main, ["--root", str(ROOT), *args])


@pytest.fixture
def workers(monkeypatch):
    """The queries that went through run_with_timeout (the worker), by name."""
    names = []
    real = q.run_with_timeout

    def spy(graph, query, params=None, *, timeout):
        names.append(query.name)
        return real(graph, query, params, timeout=timeout)

    monkeypatch.setattr(q, "run_with_timeout", spy)
    return names


def user_copy(tmp_path, name: str):
    """A user's copy of a shipped query: the same text, in a file outside the package."""
    path = tmp_path / f"my_{name}.rq"
    shutil.copyfile(ROOT / "queries" / f"{name}.rq", path)
    return path


def test_a_query_that_cannot_finish_is_stopped_at_the_timeout(tmp_path):
    # A real process, not CliRunner: if the timeout failed, only a process can be killed (an
    # Oxigraph query cannot be interrupted), and its group shows whether the worker is gone.
    path = tmp_path / "cartesian.rq"
    path.write_text(CARTESIAN, encoding="utf-8")
    command = [sys.executable, "-m", "survey_kg.cli", "--root", str(ROOT), "query", str(path),
               "--timeout", "1"]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = process.communicate(timeout=WATCHDOG)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"the query was not stopped within {WATCHDOG} s")
    assert (process.returncode, out) == (2, "")
    assert err == (f"survey-kg: error: {path}: query 'cartesian' did not finish within 1 s and "
                   "was stopped (simplify it, or allow more time with --timeout SECONDS)\n")
    with pytest.raises(ProcessLookupError):  # nothing of the command is left: no worker
        os.killpg(process.pid, 0)


def test_a_user_query_gives_the_same_rows_in_the_worker(tmp_path, workers):
    param = ["--param", f"category={CATEGORY}", "--format", "json"]
    shipped = cli("query", "papers_by_category", *param)
    mine = cli("query", str(user_copy(tmp_path, "papers_by_category")), *param)
    assert (shipped.exit_code, mine.exit_code) == (0, 0), shipped.output + mine.output
    assert workers == ["my_papers_by_category"]  # the shipped one ran in-process
    assert mine.stdout == shipped.stdout
    assert json.loads(mine.stdout)["results"]["bindings"]  # rows to compare, not two empties


def test_every_shipped_query_gives_the_same_rows_in_the_worker():
    store = q.to_store(load_files([ROOT / "data"]))
    for query in q.list_queries():
        if query.params:
            continue  # those that need a value are covered through the CLI
        assert q.run_with_timeout(store, query, timeout=WATCHDOG) == q.run(store, query), query.name


def test_a_survey_s_own_queries_run_in_the_worker(tmp_path, workers):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "queries").mkdir()
    shutil.copyfile(ROOT / "queries" / "summary.rq", tmp_path / "queries" / "summary.rq")
    runner = CliRunner()
    ours = runner.invoke(main, ["--root", str(tmp_path), "query", "summary"])
    shipped = runner.invoke(main, ["--root", str(ROOT), "query", "summary"])
    assert (ours.exit_code, shipped.exit_code) == (0, 0), ours.output + shipped.output
    assert workers == ["summary"]
    assert ours.stdout == shipped.stdout


def one_line(result) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n")
    return result.stderr


def test_a_syntax_error_in_the_worker_is_one_line(tmp_path, workers):
    path = tmp_path / "broken.rq"
    # Oxigraph's message for this one spans four lines
    path.write_text("# Broken.\nSELECT ?x WHERE {\n  ?x ?y ?z .\n  FILTER(\n", encoding="utf-8")
    line = one_line(cli("query", str(path)))
    assert workers == ["broken"]
    assert line.startswith(f"survey-kg: error: {path}: SPARQL syntax error (Oxigraph): error at "
                           "5:1: expected one of ")
    assert line.endswith(" (fix the query; it must be standard SPARQL 1.1)\n")


def test_a_query_that_is_not_a_select_is_one_line_from_the_worker(tmp_path, workers):
    path = tmp_path / "graph.rq"
    path.write_text("# All of it.\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n", encoding="utf-8")
    line = one_line(cli("query", str(path)))
    assert workers == ["graph"]
    assert line == (f"survey-kg: error: {path}: query 'graph' is not a SELECT query; only SELECT "
                    "is supported here\n")


def test_a_bad_parameter_is_reported_before_any_worker_starts(tmp_path, monkeypatch):
    def no_worker(*args, **kwargs):
        raise AssertionError("a worker was started")

    monkeypatch.setattr(q, "_query_worker", no_worker)
    path = user_copy(tmp_path, "papers_by_category")
    line = one_line(cli("query", str(path), "--param", "category=not an iri"))
    assert line.startswith("survey-kg: error: field category: parameter ?category: "
                           "'not an iri' is not an absolute IRI")


def _die(connection, *args):
    """A worker that ends without answering, as one killed for want of memory would."""
    os._exit(9)


def test_a_worker_that_dies_without_answering_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(q, "_query_worker", _die)
    path = user_copy(tmp_path, "summary")
    line = one_line(cli("query", str(path)))
    assert line == (f"survey-kg: error: {path}: query 'my_summary' stopped without an answer "
                    "(its worker process ended with code 9) (it may have run out of memory; "
                    "simplify it)\n")

