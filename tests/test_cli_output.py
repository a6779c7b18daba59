"""Output that fits the habits of command-line users (issue 24, points 4 and 5): `survey-kg query`
in every format (a table as wide as the terminal or --wide, W3C JSON, CSV, TSV, JSON Lines), the
project's prefixes in a query file of one's own, a missing prefix named and a syntax error on the
line of the file, a hint when a remote query misses the survey's named graph; the pre-commit
hooks and the CI workflow run commands that exist; shell completion."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import shutil
import subprocess
import sys
import unicodedata
from importlib.metadata import entry_points
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from click.testing import CliRunner

from survey_kg import queries as q
from survey_kg import remote
from survey_kg.cli import entry, main
from survey_kg.errors import InputError
from survey_kg.load import load
from survey_kg.paths import PREFIXES
from survey_kg.results import to_table

from .conftest import ROOT, SMALL
from .oxigraph_server import OxigraphServer, oxigraph_server  # noqa: F401

# Two works: a long title, a Chinese one-liner (wide characters), a number, a date, and a cell
# left unbound (the second is no paper: no arXiv ID). No PREFIX line: the project's prefixes.
MINE = """# Two works with a one-liner in Chinese and the number of their authors.
SELECT ?work ?title ?oneLiner ?authors ?year ?arxiv WHERE {
    VALUES ?work { paper:2303.03378 work:openai-sora }
    ?work schema:name ?title ; schema:description ?oneLiner ; schema:datePublished ?year .
    FILTER (LANG(?oneLiner) = "zh")
    { SELECT ?work (COUNT(?author) AS ?authors) WHERE {
        VALUES ?work { paper:2303.03378 work:openai-sora }
        OPTIONAL { ?work schema:author ?author } } GROUP BY ?work }
    OPTIONAL { ?work schema:identifier [ schema:propertyID "arXiv" ; schema:value ?arxiv ] }
}
ORDER BY ?work
"""
VARS = ["work", "title", "oneLiner", "authors", "year", "arxiv"]
PALM_E = "PaLM-E: An Embodied Multimodal Language Model"


@pytest.fixture
def mine(tmp_path) -> Path:
    path = tmp_path / "mine.rq"
    path.write_text(MINE, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def no_columns(monkeypatch):
    """No width from the environment unless a test sets one."""
    monkeypatch.delenv("COLUMNS", raising=False)


def query(*args, env=None):
    return CliRunner().invoke(main, ["--root", str(SMALL), "query", *map(str, args)], env=env)


def width(text: str) -> int:
    """Terminal columns of a line (wide characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def json_rows(path) -> list[dict]:
    result = query(path, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["head"]["vars"] == VARS
    return doc["results"]["bindings"]


# --------------------------------------------------------------------------- the formats

def test_a_query_of_ones_own_uses_the_projects_prefixes_in_every_format(mine):
    bindings = json_rows(mine)
    assert [b["work"]["value"] for b in bindings] == [PREFIXES["paper"] + "2303.03378",
                                                      PREFIXES["work"] + "openai-sora"]
    palm, sora = bindings
    assert palm["title"] == {"type": "literal", "value": PALM_E, "xml:lang": "en"}
    assert palm["authors"] == {"type": "literal", "value": "22",
                               "datatype": PREFIXES["xsd"] + "integer"}
    assert palm["oneLiner"]["xml:lang"] == "zh" and "arxiv" not in sora

    csv_rows = list(csv.reader(io.StringIO(query(mine, "--format", "csv").stdout)))
    assert csv_rows[0] == VARS and len(csv_rows) == 3
    assert csv_rows[1][:2] == [PREFIXES["paper"] + "2303.03378", PALM_E]
    assert csv_rows[2][5] == ""  # unbound
    tsv_lines = query(mine, "--format", "tsv").stdout.splitlines()
    assert tsv_lines[0] == "\t".join(f"?{v}" for v in VARS)
    assert tsv_lines[1].split("\t")[3] == f'"22"^^<{PREFIXES["xsd"]}integer>'


def test_jsonl_is_one_plain_object_per_row(mine):
    result = query(mine, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and result.stdout.endswith("\n")
    records = [json.loads(line) for line in lines]
    assert [list(record) for record in records] == [VARS, VARS]  # the variables, in order
    bindings = json_rows(mine)
    palm, sora = records
    assert palm == {"work": PREFIXES["paper"] + "2303.03378", "title": PALM_E,
                    "oneLiner": bindings[0]["oneLiner"]["value"], "authors": 22,
                    "year": "2024", "arxiv": "2303.03378"}
    assert sora["arxiv"] is None and isinstance(sora["authors"], int)
    assert "将真实世界传感输入" in lines[0]  # UTF-8, not \\u escapes


def test_jsonl_values_by_datatype():
    xsd = PREFIXES["xsd"]
    make = q.row_type(["n", "d", "b", "bad", "text", "node", "none"])
    rows = q.Rows(list(make._fields), [make((
        ox.Literal("+007", datatype=ox.NamedNode(xsd + "integer")),
        ox.Literal("2.50", datatype=ox.NamedNode(xsd + "decimal")),
        ox.Literal("false", datatype=ox.NamedNode(xsd + "boolean")),
        ox.Literal("many", datatype=ox.NamedNode(xsd + "integer")),
        ox.Literal("7", language="en"), ox.BlankNode("b1"), None))])
    from survey_kg.results import to_jsonl
    assert json.loads(to_jsonl(rows)) == {"n": 7, "d": 2.5, "b": False, "bad": "many",
                                          "text": "7", "node": "_:b1", "none": None}


def cells(lines: list[str]) -> list[list[str]]:
    """The cells of a table's rows, read by terminal columns from the separator line's
    dashes; asserts that every gap between columns is blank on every line (aligned)."""
    widths = [len(dashes) for dashes in lines[1].split("  ")]
    found = []
    for line in [lines[0], *lines[2:-1]]:
        grid = []  # one entry per terminal column: a character, or "" where a wide one goes on
        for c in line:
            grid += [c] + [""] * (width(c) - 1)
        grid += [" "] * (sum(widths) + 2 * len(widths) - len(grid))
        row, start = [], 0
        for w in widths:
            row.append("".join(grid[start:start + w]).rstrip())
            assert grid[start + w:start + w + 2] in ([" ", " "], [" "], []), line
            start += w + 2
        found.append(row)
    return found


def full_values(path) -> list[list[str]]:
    """The query's cells as text, from its CSV: what a table shows when nothing is cut."""
    rows = list(csv.reader(io.StringIO(query(path, "--format", "csv").stdout)))
    return [[" ".join(value.split()) for value in row] for row in rows]


def shows(cell: str, value: str) -> bool:
    return cell == value or (cell.endswith("…") and value.startswith(cell[:-1])
                             and len(cell) <= len(value))


def test_a_table_that_is_not_for_a_terminal_is_never_cut(mine):
    result = query(mine)  # standard output is no terminal here, and COLUMNS is not set
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-1] == "(2 rows)" and "…" not in result.stdout
    assert cells(lines) == full_values(mine)
    assert result.stdout == query(mine, "--wide").stdout


@pytest.mark.parametrize("columns", [60, 90, 120])
def test_a_table_is_as_wide_as_the_terminal(mine, columns):
    result = query(mine, env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(width(line) for line in lines) <= columns
    assert width(lines[1]) >= columns - 1  # it uses the width (a wide character may not fit)
    assert lines[-1] == "(2 rows)"
    table, values = cells(lines), full_values(mine)
    assert table[0] == VARS  # the names are never cut
    assert all(shows(cell, value) for row, full in zip(table, values)
               for cell, value in zip(row, full)), table
    assert any(cell != value for row, full in zip(table, values) for cell, value in zip(row, full))
    assert [row[3:5] for row in table[1:]] == [["22", "2024"], ["1", "2024"]]  # short ones whole


def test_wide_never_cuts_even_in_a_narrow_terminal(mine):
    narrow = query(mine, "--wide", env={"COLUMNS": "40"})
    assert narrow.exit_code == 0, narrow.output
    assert "…" not in narrow.stdout and cells(narrow.stdout.splitlines()) == full_values(mine)
    assert narrow.stdout == query(mine).stdout


def test_only_the_widest_column_is_cut():
    make = q.row_type(["id", "title", "lang"])
    title = "世界模型：" + "a long title " * 8
    rows = q.Rows(["id", "title", "lang"], [make((ox.Literal("2401.12945"), ox.Literal(title),
                                                  ox.Literal("zh")))])
    lines = to_table(rows, width=50).splitlines()
    assert lines[1] == "-" * 10 + "  " + "-" * 32 + "  " + "-" * 4
    assert lines[2] == "2401.12945  世界模型：a long title a long t…  zh"  # 10 + 21 + 1
    assert width(lines[2]) == 48
    assert to_table(rows, width=500) == to_table(rows) and title in to_table(rows)


def test_every_table_fits_at_any_width(mine):
    rows = q.run(load([SMALL / "data"]), q.parse_query_file(mine))
    values = full_values(mine)
    for columns in range(50, 200, 7):
        lines = to_table(rows, width=columns).splitlines()
        assert max(map(width, lines)) <= columns, columns
        assert all(shows(cell, value) for row, full in zip(cells(lines), values)
                   for cell, value in zip(row, full)), columns


def test_a_table_too_narrow_for_its_columns_keeps_them_readable():
    """Below what the columns need (six each, or their name's width), nothing is cut further:
    the lines are longer than the terminal, not unreadable."""
    make = q.row_type(["identifier", "b"])
    rows = q.Rows(["identifier", "b"], [make((ox.Literal("x" * 30), ox.Literal("y" * 30)))])
    lines = to_table(rows, width=10).splitlines()
    assert lines[1] == "-" * 10 + "  " + "-" * 6
    assert lines[2] == "x" * 9 + "…  " + "y" * 5 + "…"


# ------------------------------------------------------------------------- the prefixes

def test_a_querys_own_prefix_declaration_wins(tmp_path):
    path = tmp_path / "own.rq"
    path.write_text("PREFIX schema: <http://schema.org/>\n"
                    "SELECT ?t WHERE { paper:2303.03378 schema:name ?t }\n", encoding="utf-8")
    query_file = q.parse_query_file(path)
    text = q.prepare(query_file)
    assert text.startswith(f"PREFIX paper: <{PREFIXES['paper']}> PREFIX schema: <http://")
    assert "<https://schema.org/>" not in text
    assert q.run(load([SMALL / "data"]), query_file).rows == []  # http://schema.org/ is not used


def test_the_shipped_queries_are_sent_as_they_are_written():
    """They declare what they use: nothing is added, so their text (and their lines) stay."""
    for query_file in q.list_queries():
        assert q.prepare(query_file) == q.bind(query_file), query_file.name


def test_prefixes_in_comments_strings_and_iris_are_not_prefixes(tmp_path):
    path = tmp_path / "odd.rq"
    path.write_text('# foo:bar in a comment\nSELECT ?t WHERE { ?w <urn:x:y#z:w> "a:b" ; '
                    "schema:name ?t . FILTER (?t != '''c:d\n e:f''') }\n", encoding="utf-8")
    assert q.prepare(q.parse_query_file(path)).startswith(
        "PREFIX schema: <https://schema.org/> # foo:bar")
    assert q.run(load([SMALL / "data"]), q.parse_query_file(path)).rows == []


def test_a_missing_prefix_is_named_with_its_line(tmp_path):
    path = tmp_path / "missing.rq"
    path.write_text("# Works and their foo.\nSELECT ?w ?x WHERE {\n    ?w a schema:CreativeWork ;\n"
                    "       foo:bar ?x .\n}\n", encoding="utf-8")
    result = query(path)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(f"survey-kg: error: {path}:4: the prefix foo: is not "
                                    "declared; declare it with PREFIX foo: <...> (the project's "
                                    "prefixes need no declaration: skg: paper: ")
    assert "u{" not in result.stderr and result.stderr.count("\n") == 1


def test_the_empty_prefix_is_named_too(tmp_path, valid_store):
    path = tmp_path / "empty.rq"
    path.write_text("SELECT ?w WHERE {\n  ?w :name ?x }\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        q.run(valid_store, q.parse_query_file(path))
    assert (caught.value.line, caught.value.message) == (
        2, "the prefix : is not declared; declare it with PREFIX : <...>")


@pytest.mark.parametrize("text,line,where", [
    # the mistake on line 5 of the file: an ORDER BY with nothing after it, at the very end
    ("# Titles.\nSELECT ?t WHERE {\n    ?w schema:name ?t .\n}\nORDER BY\n\n", 5,
     "the end of the query"),
    # on line 1, where the project's prefixes were put before the file's own text
    ("SELECT ?t WHERE { ?w schema:name ?t . ?w ?p } LIMIT 1\n", 1, "column 47"),
    # a triple without its object on line 3
    ("# Titles.\nSELECT ?t WHERE {\n    ?w schema:name }\n", 3, "column 20"),
], ids=["end", "line-1", "line-3"])
def test_a_syntax_error_names_the_line_of_the_file(tmp_path, valid_store, text, line, where):
    path = tmp_path / "broken.rq"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        q.run(valid_store, q.parse_query_file(path))
    error = caught.value
    assert (error.file, error.line) == (str(path), line)
    assert error.message.startswith(f"SPARQL syntax error at {where}: expected"), error.message
    assert "..=" not in error.message and "\\u{" not in error.message


def test_a_syntax_error_keeps_its_line_when_parameters_are_bound(tmp_path, valid_store):
    path = tmp_path / "bound.rq"
    path.write_text("# Works of a year.\n# param: ?year year  The year.\nSELECT ?w WHERE {\n"
                    "    ?w schema:datePublished ?year .\n    ?w schema:name }\nLIMIT 3\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        q.run(valid_store, q.parse_query_file(path), {"year": "2024"})
    assert caught.value.line == 5 and "column 20" in caught.value.message, caught.value


def test_a_remote_query_with_a_mistake_is_refused_before_it_is_sent(tmp_path):
    """The same message as locally, exit 2, and no request (the port is closed: a request
    would end in exit 3)."""
    from .oxigraph_server import free_port

    path = tmp_path / "missing.rq"
    path.write_text("SELECT ?x WHERE {\n  ?x foo:bar ?y }\n", encoding="utf-8")
    result = query(path, "--endpoint", f"http://127.0.0.1:{free_port()}/query", "--timeout", "1")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"survey-kg: error: {path}:2: the prefix foo: is not "
                                    "declared")


# ---------------------------------------------------------------- the remote named graph

@pytest.fixture(scope="module")
def small_iri():
    return remote.default_graph_iri(load([SMALL / "data"]))


@pytest.fixture(scope="module")
def apart_server(tmp_path_factory, small_iri):
    # Oxigraph keeping its named graphs apart (no --union-default-graph): a query without --graph
    # sees none of the survey
    server = OxigraphServer(tmp_path_factory.mktemp("apart"), union=False).start()
    store = load([SMALL / "data"])
    remote.publish(store, server.store_url, small_iri, query_url=server.query_url, timeout=10)
    yield server
    server.stop()


def test_a_remote_query_that_misses_the_named_graph_says_add_graph(apart_server, small_iri):
    result = query("works_per_year", "--format", "csv", "--endpoint", apart_server.query_url)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == b"year,works\r\n"  # nothing in the default graph
    assert result.stderr == (f"survey-kg: hint: no row in the endpoint's default graph, but the "
                             f"survey's graph <{small_iri}> is a named graph there: add --graph "
                             f"{small_iri}\n")
    with_graph = query("works_per_year", "--format", "csv", "--endpoint",
                       apart_server.query_url, "--graph", small_iri)
    assert with_graph.exit_code == 0 and with_graph.stderr == ""
    assert with_graph.stdout == query("works_per_year", "--format", "csv").stdout


def test_no_hint_where_the_default_graph_holds_the_named_graph(oxigraph_server,  # noqa: F811
                                                               small_iri, tmp_path):
    """Oxigraph with --union-default-graph: a query that finds nothing finds nothing in the
    survey's graph either, and is told nothing."""
    store = load([SMALL / "data"])
    remote.publish(store, oxigraph_server.store_url, small_iri,
                   query_url=oxigraph_server.query_url, timeout=10)
    assert not remote.named_graph_apart(oxigraph_server.query_url, small_iri, timeout=10)
    nothing = tmp_path / "nothing.rq"
    nothing.write_text("SELECT ?w WHERE { ?w schema:name \"no such title\" }\n", encoding="utf-8")
    result = query(nothing, "--format", "csv", "--endpoint", oxigraph_server.query_url)
    assert (result.exit_code, result.stdout_bytes, result.stderr) == (0, b"w\r\n", "")
    found = query("works_per_year", "--format", "csv", "--endpoint", oxigraph_server.query_url)
    assert found.stdout == query("works_per_year", "--format", "csv").stdout


def test_no_hint_when_the_named_graph_is_not_there(apart_server):
    assert not remote.named_graph_apart(apart_server.query_url, PREFIXES["dataset"] + "other",
                                        timeout=10)


# ---------------------------------------------------------------------- pre-commit and CI

HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
WORKFLOW = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))


def survey_kg_command(command: str) -> list[str] | None:
    """The arguments of a `survey-kg ...` command line, or None for another program."""
    words = shlex.split(command)
    return words[1:] if words[0] == "survey-kg" else None


def break_a_work(root: Path) -> None:
    """A violation: a work's code link that is a project page."""
    path = root / "data" / "works" / "2211.13221.ttl"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("<https://github.com/YingqingHe/LVDM>",
                                 "<https://yingqinghe.github.io/LVDM/>"), encoding="utf-8")


def test_the_pre_commit_hooks_are_well_formed():
    assert [hook["id"] for hook in HOOKS] == ["survey-kg-validate", "survey-kg-readme"]
    for hook in HOOKS:
        assert {"id", "name", "entry", "language"} <= set(hook), hook
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        assert survey_kg_command(hook["entry"]) is not None, hook["entry"]
        files = re.compile(hook["files"])  # pre-commit matches with Python's re.search
        assert files.search("data/works/2303.03378.ttl"), hook["id"]
        assert not files.search("survey_kg/cli.py") and not files.search("notes.txt")
    readme = re.compile(HOOKS[1]["files"])
    for page in ("survey/README.md", "README_zh.md", "consisency-paper/world-models/README.md",
                 "queries/works.rq", "CURATION.md"):
        assert readme.search(page), page


@pytest.mark.parametrize("hook", HOOKS, ids=[hook["id"] for hook in HOOKS])
def test_each_hook_passes_on_a_survey_and_fails_on_a_broken_one(hook, small_survey,
                                                                monkeypatch):
    monkeypatch.delenv("SURVEY_KG_ROOT", raising=False)
    monkeypatch.chdir(small_survey.root)  # pre-commit runs the entry at the repository's root
    args = survey_kg_command(hook["entry"])
    good = CliRunner().invoke(main, args)
    assert good.exit_code == 0, good.output
    assert good.stdout == ""  # a hook says nothing when all is well
    break_a_work(small_survey.root)
    bad = CliRunner().invoke(main, args)
    assert bad.exit_code == 1, bad.output
    assert "VIOLATION: work 2211.13221" in bad.output
    if hook["id"] == "survey-kg-validate":
        assert bad.stdout.count("\n") == 2 and "WARNING" not in bad.stdout  # violations alone


def test_a_hook_names_a_stale_page(small_survey, monkeypatch):
    monkeypatch.delenv("SURVEY_KG_ROOT", raising=False)
    monkeypatch.chdir(small_survey.root)
    page = small_survey.readme("en")
    page.write_text(page.read_text(encoding="utf-8").replace("PaLM-E", "PaLM-X"),
                    encoding="utf-8")
    result = CliRunner().invoke(main, survey_kg_command(HOOKS[1]["entry"]))
    assert result.exit_code == 1 and "-" in result.stdout and "PaLM-X" in result.stdout
    assert "page(s) out of date" in result.stderr


def test_the_ci_workflow_runs_the_checks_on_every_pull_request(small_survey, monkeypatch):
    on = WORKFLOW.get("on", WORKFLOW.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in on and "push" in on
    (job,) = WORKFLOW["jobs"].values()
    python = next(step for step in job["steps"] if "setup-python" in step.get("uses", ""))
    assert str(python["with"]["python-version"]) == "3.11"
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs == ['pip install -e ".[test]"', "survey-kg validate", "survey-kg readme --check",
                    "python -m pytest"]
    monkeypatch.delenv("SURVEY_KG_ROOT", raising=False)
    monkeypatch.chdir(small_survey.root)
    for command in filter(None, map(survey_kg_command, runs)):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 0, (command, result.output)
    assert "pages.yml" in {path.name for path in (ROOT / ".github" / "workflows").iterdir()}


# ---------------------------------------------------------------------- shell completion

def complete(words: str, env=None):
    env = {"_SURVEY_KG_COMPLETE": "bash_complete", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
           **(env or {})}
    result = CliRunner().invoke(main, [], env=env, prog_name="survey-kg")
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_the_entry_point_is_the_click_group():
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "survey-kg"]
    assert script.value == "survey_kg.cli:entry" and entry is main


def test_bash_completion_script_and_answers():
    source = CliRunner().invoke(main, [], env={"_SURVEY_KG_COMPLETE": "bash_source"},
                                prog_name="survey-kg")
    assert source.exit_code == 0
    assert "complete -o nosort -F _survey_kg_completion survey-kg" in source.stdout
    assert complete("survey-kg val") == ["plain,validate"]
    assert complete("survey-kg query --format ") == [f"plain,{name}" for name in
                                                     ("table", "csv", "tsv", "json", "jsonl")]
    assert complete("survey-kg validate --sev") == ["plain,--severity"]
    # a query's NAME: the survey's query names, else a file
    assert complete("survey-kg query works_per") == ["plain,works_per_venue",
                                                     "plain,works_per_year"]
    assert complete("survey-kg query ./mine") == ["file,./mine"]


def test_the_installed_command_prints_its_completion_script():
    command = Path(sys.executable).parent / "survey-kg"
    if not command.exists():
        command = shutil.which("survey-kg")
    if command is None:
        pytest.skip("the survey-kg console script is not installed (pip install -e .)")
    result = subprocess.run([str(command)], env={"_SURVEY_KG_COMPLETE": "bash_source",
                                                 "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "_survey_kg_completion_setup;" in result.stdout
