"""The bad-input corpus (tests/bad_inputs/): every case gives exactly the result its README says.

The table in tests/bad_inputs/README.md is the specification; this file runs it. Besides the
table: the size limit, --debug, internal errors, the 10 MB cases (generated here rather than kept
in git) and the "nothing lost" count check.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib.namespace import FOAF, RDF

from survey_kg import importer
from survey_kg.cli import main
from survey_kg.importer import PAPER, SCHEMA, SKG, import_pages, parse_page
from survey_kg.load import load

from .conftest import FIXTURES

BAD = Path(__file__).resolve().parent / "bad_inputs"
TEN_MB = 10 * 1024 * 1024
# A watchdog, not a performance assertion: the 10 MB imports take seconds; a quadratic pattern
# would take days, and this turns that into a failure instead of a hung CI run.
HANG = 300


@dataclass(frozen=True)
class Case:
    name: str
    run: str
    exit: int
    lines: tuple[str, ...]  # the expected lines, exactly
    same_as_ok: bool
    generated: bool
    limit: int | None

    def __str__(self):
        return self.name


def read_table() -> list[Case]:
    cases = []
    for row in (BAD / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", row)[1:-1]]
        if len(cells) != 5 or cells[0] in ("case", "---"):
            continue
        name, _, run, exit_code, expected = cells
        m = re.fullmatch(r"(\S+)(?: \(generated(?:, limit (\d+))?\))?", name)
        cases.append(Case(m[1], run, int(exit_code), tuple(re.findall(r"`([^`]*)`", expected)),
                          "same graph as ok.md" in expected, "(generated" in name,
                          int(m[2]) if m[2] else None))
    return cases


CASES = read_table()
FILE_CASES = [c for c in CASES if not c.generated]


def cli(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def violations(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("VIOLATION: ")]


def without_source_files(path: Path) -> set[ox.Quad]:
    return {q for q in load([path]) if q.predicate != ox.NamedNode(SKG.sourceFile)}


def check_one_line_error(result, case: Case):
    assert result.exit_code == case.exit, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == list(case.lines)
    assert "Traceback" not in result.output


# ------------------------------------------------------------------ the table

def test_every_corpus_file_has_a_row_and_every_row_a_file():
    files = {str(p.relative_to(BAD)) for folder in ("markdown", "turtle")
             for p in (BAD / folder).iterdir()}
    assert files == {c.name for c in FILE_CASES}
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", FILE_CASES, ids=str)
def test_case(case: Case, tmp_path, monkeypatch):
    monkeypatch.chdir(BAD)
    out = tmp_path / "out.ttl"
    if case.run == "validate":
        result = cli("validate", Path("..", "fixtures", "valid-survey.ttl"), case.name)
    else:
        result = cli("import", case.name, "--out", out)
        if case.run == "import":
            if case.exit == 0:
                assert result.exit_code == 0, result.output
                assert result.stderr.splitlines() == list(case.lines)
                assert out.exists()
                if case.same_as_ok:
                    reference = tmp_path / "ok.ttl"
                    assert cli("import", "markdown/ok.md", "--out", reference).exit_code == 0
                    graph = without_source_files(out)
                    assert len(graph) > 40 and graph == without_source_files(reference)
            else:
                check_one_line_error(result, case)
                assert not out.exists()
            return
        assert case.run == "import, validate", case.run
        assert result.exit_code == 0, result.output
        assert result.stderr.endswith("0 conflict(s), 0 line(s) not placed\n"), result.stderr
        result = cli("validate", out, "context.ttl")
    if case.exit == 2:
        check_one_line_error(result, case)
    else:
        assert result.exit_code == case.exit, result.output
        assert "Traceback" not in result.output and result.stderr == ""
        found = violations(result.stdout) if case.exit else result.stdout.splitlines()[-1:]
        assert found == list(case.lines)


def test_the_reference_entry_keeps_every_field():
    graph = import_pages([BAD / "markdown" / "ok.md"]).graph
    paper = PAPER["2401.00001"]
    values = {p.n3(graph.namespace_manager): {str(o) for o in graph.objects(paper, p)}
              for p in set(graph.predicates(paper, None))}
    assert values["dcterms:title"] == {"A Video Model"}
    assert values["skg:oneLiner"] == {"A model that makes video from text in one pass."}
    assert values["skg:coreInnovation"] == {
        "Generates the whole clip at once instead of key frames first."}
    assert values["dcterms:abstract"] == {
        "We present a video model that turns a text prompt into a coherent clip."}
    assert values["schema:codeRepository"] == {"https://github.com/example/first"}
    assert len(values["skg:authorship"]) == 2 and len(values["skg:keyPoint"]) == 2


# ------------------------------------------------------------------ names with invisible characters

@pytest.mark.parametrize("case,name,iri", [
    ("zero-width-name.md", "Ada\u200bLovelace", "ada-lovelace"),
    ("rtl-override-name.md", "Alan \u202egniruT", "alan-gnirut"),
])
def test_invisible_characters_are_kept_in_the_name_but_not_in_the_person_iri(case, name, iri):
    graph = import_pages([BAD / "markdown" / case]).graph
    names = {str(o): str(s) for s, o in graph.subject_objects(FOAF.name)}
    assert names[name] == "https://w3id.org/survey-kg/person/" + iri
    person = re.compile(r"https://w3id\.org/survey-kg/person/[a-z0-9-]+")
    assert all(person.fullmatch(s) for s in names.values())


# ------------------------------------------------------------------ the size limit

def test_over_the_size_limit_is_refused_before_reading(monkeypatch):
    monkeypatch.chdir(BAD)
    size = (BAD / "markdown" / "ok.md").stat().st_size
    result = cli("import", "markdown/ok.md", env={"SURVEY_KG_MAX_INPUT_BYTES": str(size - 1)})
    assert result.exit_code == 2
    assert result.stderr == (f"survey-kg: error: markdown/ok.md: the file is {size} bytes, over "
                             f"the {size - 1}-byte input limit (split it, or raise "
                             "SURVEY_KG_MAX_INPUT_BYTES)\n")
    at_limit = cli("import", "markdown/ok.md", env={"SURVEY_KG_MAX_INPUT_BYTES": str(size)})
    assert at_limit.exit_code == 0


def test_the_size_limit_applies_to_turtle(monkeypatch):
    monkeypatch.chdir(BAD)
    result = cli("validate", "turtle/conflicting-years.ttl",
                 env={"SURVEY_KG_MAX_INPUT_BYTES": "100"})
    assert result.exit_code == 2
    assert result.stderr.startswith("survey-kg: error: turtle/conflicting-years.ttl: the file is ")
    assert "over the 100-byte input limit" in result.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_file_that_never_ends_is_read_only_up_to_the_limit():
    # its size says 0: reading "the whole file" used to read until memory ran out
    result = cli("validate", "/dev/zero", env={"SURVEY_KG_MAX_INPUT_BYTES": "1000"})
    assert result.exit_code == 2
    assert result.stderr == ("survey-kg: error: /dev/zero: the file is over the 1000-byte input "
                             "limit (split it, or raise SURVEY_KG_MAX_INPUT_BYTES)\n")


@pytest.mark.parametrize("value", ["ten", "-5", "0", "1e6"])
def test_a_bad_size_limit_is_a_usage_error(monkeypatch, value):
    monkeypatch.chdir(BAD)
    result = cli("import", "markdown/ok.md", env={"SURVEY_KG_MAX_INPUT_BYTES": value})
    assert result.exit_code == 2
    assert result.stderr == (f"survey-kg: error: SURVEY_KG_MAX_INPUT_BYTES is {value!r}, not a "
                             "positive whole number of bytes (set it to e.g. 67108864 (64 MiB), "
                             "or unset it)\n")


# ------------------------------------------------------------------ 10 MB on one line

def generated(case: Case, folder: Path) -> Path:
    """The 10 MB pages: ok.md with one line made 10 MiB long (the whole file exactly 10 MiB)."""
    ok = (BAD / "markdown" / "ok.md").read_text(encoding="utf-8")
    if case.name == "ten-mb-field.md":
        old = "A model that makes video from text in one pass."
        fill = TEN_MB - (len(ok.encode()) - len(old))
        text = ok.replace(old, ("video " * (fill // 6 + 1))[:fill - 1] + ".")
    else:
        old = "* **Published in:** CVPR 2024\n"
        line = "* **Authors" + " " * TEN_MB
        text = ok.replace(old, old + line[:TEN_MB - len(ok.encode()) - 2] + "x\n")
    path = folder / case.name
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size == TEN_MB
    return path


@pytest.mark.parametrize("case", [c for c in CASES if c.generated], ids=lambda c: f"{c}-{c.limit}")
def test_ten_megabytes_on_one_line(case: Case, tmp_path):
    page = generated(case, tmp_path)
    env = dict(os.environ)
    env.pop("SURVEY_KG_MAX_INPUT_BYTES", None)
    if case.limit:
        env["SURVEY_KG_MAX_INPUT_BYTES"] = str(case.limit)
    run = subprocess.run([sys.executable, "-m", "survey_kg.cli", "import", page.name, "--out",
                          "out.ttl"], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=HANG)
    assert run.returncode == case.exit, run.stderr
    assert run.stderr.splitlines() == list(case.lines)
    if case.exit == 0 and case.name == "ten-mb-field.md":
        store = load([tmp_path / "out.ttl"])
        (one_liner,) = [q.object.value for q in store.quads_for_pattern(
            ox.NamedNode(PAPER["2401.00001"]), ox.NamedNode(SKG.oneLiner), None)]
        assert len(one_liner) > TEN_MB - 1000 and one_liner.startswith("video video")


def test_ten_megabytes_take_memory_in_proportion(tmp_path):
    """Peak memory of the import (Python allocations, counted by tracemalloc) stays within a
    constant factor of the input: no copy per line, no string re-joined per line."""
    case = next(c for c in CASES if c.name == "ten-mb-field.md" and not c.limit)
    page = generated(case, tmp_path)
    tracemalloc.start()
    try:
        result = import_pages([page])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.papers == 1
    assert peak < 25 * TEN_MB, f"peak {peak / TEN_MB:.1f} times the input"


def test_a_long_quote_or_key_point_is_joined_in_linear_time(tmp_path):
    """100 000 continuation lines of one core innovation and of one key point: joined once, not
    re-joined per line (which took minutes). Checked by content; the watchdog is the test run."""
    ok = (BAD / "markdown" / "ok.md").read_text(encoding="utf-8")
    text = ok.replace("> instead of key frames first.\n", "> more\n" * 100_000).replace(
        "    * Better motion.\n", "    * Better motion.\n" + "    and more\n" * 100_000)
    page = tmp_path / "long.md"
    page.write_text(text, encoding="utf-8")
    graph = import_pages([page]).graph
    paper = PAPER["2401.00001"]
    (core,) = graph.objects(paper, SKG.coreInnovation)
    assert str(core) == "Generates the whole clip at once" + " more" * 100_000
    texts = sorted(str(graph.value(k, SKG.text)) for k in graph.objects(paper, SKG.keyPoint))
    assert texts[0] == "Better motion." + " and more" * 100_000


# ------------------------------------------------------------------ tracebacks and exit codes

def test_debug_shows_the_traceback_and_plain_runs_do_not():
    args = [sys.executable, "-m", "survey_kg.cli"]
    page = "markdown/missing-arxiv-id.md"
    plain = subprocess.run(args + ["import", page], cwd=BAD, capture_output=True, text=True,
                           timeout=HANG)
    debug = subprocess.run(args + ["--debug", "import", page], cwd=BAD, capture_output=True,
                           text=True, timeout=HANG)
    assert plain.returncode == 2 and len(plain.stderr.splitlines()) == 1
    assert "Traceback" not in plain.stderr
    assert debug.returncode != 0
    assert "Traceback (most recent call last)" in debug.stderr
    assert "survey_kg.errors.InputError: missing-arxiv-id.md:5" in debug.stderr


def test_ill_typed_literals_log_no_traceback_without_debug(monkeypatch):
    monkeypatch.chdir(BAD)
    args = ["validate", "../fixtures/valid-survey.ttl", "turtle/ill-typed-position.ttl"]
    assert "Traceback" not in cli(*args).output
    run = subprocess.run([sys.executable, "-m", "survey_kg.cli", *args], cwd=BAD,
                         capture_output=True, text=True, timeout=HANG)
    assert run.returncode == 1 and run.stderr == ""
    assert run.stdout.endswith("3 violation(s), 0 warning(s)\n")
    # nothing was hidden: with --debug the report is the same and nothing is logged (rdflib
    # logged a traceback for such a literal; the rules no longer run on rdflib)
    debug = subprocess.run([sys.executable, "-m", "survey_kg.cli", "--debug", *args], cwd=BAD,
                           capture_output=True, text=True, timeout=HANG)
    assert (debug.returncode, debug.stdout, debug.stderr) == (1, run.stdout, "")


def test_a_defect_is_one_line_with_a_way_to_see_more(monkeypatch):
    def broken(paths):
        raise RuntimeError("something the code did not expect")

    monkeypatch.setattr(importer, "import_pages", broken)
    result = cli("import", BAD / "markdown" / "ok.md")
    assert result.exit_code == 2
    assert result.stderr == ("survey-kg: internal error: RuntimeError: something the code did not "
                             "expect (run with --debug for the traceback and report it)\n")
    debug = cli("--debug", "import", BAD / "markdown" / "ok.md")
    assert isinstance(debug.exception, RuntimeError)


@pytest.mark.parametrize("args,words", [
    (["import"], "Missing argument 'PAGES...'"),
    (["import", "markdown/ok.md", "--out", "a.ttl", "--split", "b"],
     "give --out or --split, not both"),
    (["validate", "no-such.ttl"], "no-such.ttl: no such file or folder"),
    (["import", "markdown"], "is a directory"),
])
def test_usage_errors_exit_2(monkeypatch, tmp_path, args, words):
    monkeypatch.chdir(BAD)
    result = cli(*args)
    assert result.exit_code == 2
    assert words in result.stderr
    assert "Traceback" not in result.output


def test_writing_where_no_file_can_be_is_an_error_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.chdir(BAD)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = cli("import", "markdown/ok.md", "--out", blocker / "out.ttl")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"survey-kg: error: {blocker / 'out.ttl'}: cannot write the file")
    assert len(result.stderr.splitlines()) == 1


# ------------------------------------------------------------------ nothing lost

def test_every_entry_of_the_seed_pages_is_a_paper(seed_pages):
    result = import_pages(seed_pages)
    entries = [e for page in seed_pages for e in parse_page(page).entries]
    assert result.entries == len(entries) == 44
    papers = set(result.graph.subjects(RDF.type, SCHEMA.ScholarlyArticle))
    assert {PAPER[e.fields["arxiv"][0]] for e in entries} == papers
    assert result.papers == len(papers) == 20


def test_the_count_check_catches_an_entry_that_was_not_written(monkeypatch):
    write = importer._paper_triples

    def drop_one(graph, record, findings):
        if record["id"] != "2401.00001":
            write(graph, record, findings)

    monkeypatch.setattr(importer, "_paper_triples", drop_one)
    with pytest.raises(RuntimeError, match=r"ok\.md:5: entry 2401\.00001 was read but no paper"):
        import_pages([BAD / "markdown" / "ok.md"])


def test_the_valid_fixture_is_still_valid():
    # every Turtle case is validated beside it: it must contribute no violation of its own
    result = cli("validate", FIXTURES / "valid-survey.ttl")
    assert result.exit_code == 0 and "0 violation(s), 0 warning(s)" in result.stdout
