"""The bad-input corpus (tests/bad_inputs/): every case gives exactly the result its README says.

The table in tests/bad_inputs/README.md is the specification; this file runs it. Besides the
table: the size limit, --debug, internal errors, the 10 MB cases (generated here rather than kept
in git), linear time and memory on long input, and the check that no work read is lost.
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

from survey_kg import importer
from survey_kg.cli import main
from survey_kg.errors import InputError
from survey_kg.importer import import_pages
from survey_kg.load import load
from survey_kg.paths import PREFIXES

from .conftest import ROOT, SMALL

BAD = Path(__file__).resolve().parent / "bad_inputs"
TEN_MB = 10 * 1024 * 1024
# A watchdog, not a performance assertion: the 10 MB imports take seconds; a quadratic pattern
# would take days, and this turns that into a failure instead of a hung CI run.
HANG = 300
PROVENANCE = {ox.NamedNode(PREFIXES["skg"] + "sourceFile"),
              ox.NamedNode(PREFIXES["skg"] + "sourceLine")}


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


def content(path: Path) -> set[ox.Quad]:
    """The triples of a Turtle file, without the source records' file and line."""
    return {q for q in load([path]) if q.predicate not in PROVENANCE}


# ------------------------------------------------------------------ the table

def test_every_corpus_file_has_a_row_and_every_row_a_file():
    files = {str(p.relative_to(BAD)) for folder in ("markdown", "turtle")
             for p in (BAD / folder).iterdir()}
    assert files == {c.name for c in FILE_CASES}
    assert len(CASES) >= 40
    assert {c.run for c in CASES} == {"import", "import, validate", "validate"}


@pytest.mark.parametrize("case", FILE_CASES, ids=str)
def test_case(case: Case, tmp_path, monkeypatch):
    monkeypatch.chdir(BAD)  # the survey found from here is the repository's (its venues)
    if case.run == "validate":
        result = cli("validate", Path("..", "fixtures", "small", "data"), case.name)
        assert result.exit_code == case.exit, result.output
        assert "Traceback" not in result.output
        if case.exit == 2:
            assert result.stdout == "" and result.stderr.splitlines() == list(case.lines)
        else:
            assert result.stderr == ""
            violations = [line for line in result.stdout.splitlines()
                          if line.startswith("VIOLATION: ")]
            assert violations == list(case.lines)
        return
    out = tmp_path / "out.ttl"
    result = cli("import", case.name, "--out", out)
    assert "Traceback" not in result.output
    said = result.stderr.splitlines()
    # the exit code says whether anything was reported at error level; the rest is written
    assert result.exit_code == (1 if any(": error: " in line for line in said) else 0)
    assert result.stdout == "" and out.exists()
    if case.run == "import":
        assert result.exit_code == case.exit
        assert said == list(case.lines)
        if case.same_as_ok:
            reference = tmp_path / "ok.ttl"
            assert cli("import", "markdown/ok.md", "--out", reference).exit_code == 0
            assert len(content(out)) > 40 and content(out) == content(reference)
        return
    assert case.run == "import, validate", case.run
    checked = cli("validate", out, "context.ttl")
    assert checked.exit_code == case.exit, checked.output
    assert checked.stderr == "" and "Traceback" not in checked.output
    found = [line for line in checked.stdout.splitlines() if line.startswith("VIOLATION: ")] \
        if case.exit else checked.stdout.splitlines()[-1:]
    assert said + found == list(case.lines)


def test_the_reference_entry_keeps_every_field():
    result = import_pages([BAD / "markdown" / "ok.md"])
    work = ox.NamedNode(PREFIXES["paper"] + "2401.00001")
    values: dict[str, set[str]] = {}
    for t in result.triples.triples:
        if t.subject == work:
            values.setdefault(t.predicate.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1],
                              set()).add(t.object.value)
    assert values["name"] == {"A Video Model"}
    assert values["description"] == {"A model that makes video from text in one pass."}
    assert values["coreInnovation"] == {
        "Generates the whole clip at once instead of key frames first."}
    assert values["abstract"] == {
        "We present a video model that turns a text prompt into a coherent clip."}
    assert values["pdf"] == {"https://arxiv.org/pdf/2401.00001"}
    assert values["datePublished"] == {"2024"}
    assert len(values["authorship"]) == 2 and len(values["keyPoint"]) == 2
    code = ox.NamedNode(work.value + "/code-1")
    assert {t.object.value for t in result.triples.triples if t.subject == code
            and t.predicate.value.endswith("codeRepository")} == {"https://github.com/example/first"}


def test_the_small_survey_is_valid_on_its_own():
    """Every Turtle case is validated beside the small survey's data: it may contribute no
    violation of its own (context.ttl is checked by the ok.md row: no violation)."""
    result = cli("validate", SMALL / "data")
    assert result.exit_code == 0 and result.stdout.endswith("0 violation(s), 5 warning(s)\n")


# ------------------------------------------------------------------ names with invisible characters

@pytest.mark.parametrize("case,name,iri", [
    ("zero-width-name.md", "Ada\u200bLovelace", "ada-lovelace"),
    ("rtl-override-name.md", "Alan \u202egniruT", "alan-gnirut"),
])
def test_invisible_characters_are_kept_in_the_name_but_not_in_the_person_iri(case, name, iri):
    result = import_pages([BAD / "markdown" / case])
    names = {t.object.value: t.subject.value for t in result.triples.triples
             if t.predicate.value == PREFIXES["schema"] + "name"
             and t.subject.value.startswith(PREFIXES["person"])}
    assert names[name] == PREFIXES["person"] + iri
    person = re.compile(re.escape(PREFIXES["person"]) + r"[a-z0-9-]+")
    assert all(person.fullmatch(s) for s in names.values())


# ------------------------------------------------------------------ the size limit

def padded(folder: Path, size: int) -> Path:
    """ok.md with its one-liner made longer: a page of `size` bytes (larger than the venue
    table, data/venues.ttl, which the import reads under the same limit)."""
    ok = (BAD / "markdown" / "ok.md").read_text(encoding="utf-8")
    old = "A model that makes video from text in one pass."
    text = ok.replace(old, old + " More." * ((size - len(ok.encode())) // 6))
    text = text.replace("More.\n", "More." + "x" * (size - len(text.encode())) + "\n", 1)
    path = folder / "page.md"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size == size
    return path


def test_over_the_size_limit_a_page_is_an_error_and_the_rest_is_imported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    page = padded(tmp_path, 20_000)
    other = BAD / "markdown" / "ok.md"
    limit = {"SURVEY_KG_MAX_INPUT_BYTES": "19999"}
    result = cli("import", page.name, other, "--out", "out.ttl", env=limit)
    assert result.exit_code == 1
    notice, *lines = result.stderr.splitlines()  # (outside a survey: its venues are the shipped ones)
    assert notice.startswith("survey-kg: no survey here; reading the survey shipped with survey-kg")
    assert lines == [
        "page.md: error: the file is 20000 bytes, over the 19999-byte input limit (split it, or "
        "raise SURVEY_KG_MAX_INPUT_BYTES)",
        "read 1 entries from 2 page(s): 1 works, 62 triples; 1 error(s), 0 warning(s)"]
    at_limit = cli("import", page.name, "--out", "out.ttl",
                   env={"SURVEY_KG_MAX_INPUT_BYTES": "20000"})
    assert at_limit.exit_code == 0, at_limit.output


def test_the_size_limit_applies_to_turtle(monkeypatch):
    monkeypatch.chdir(BAD)
    result = cli("validate", "turtle/conflicting-dates.ttl",
                 env={"SURVEY_KG_MAX_INPUT_BYTES": "100"})
    assert result.exit_code == 2
    assert result.stderr.startswith("survey-kg: error: turtle/conflicting-dates.ttl: the file is ")
    assert "over the 100-byte input limit" in result.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_file_that_never_ends_is_read_only_up_to_the_limit():
    # its size says 0: reading "the whole file" used to read until memory ran out
    result = cli("validate", "/dev/zero", env={"SURVEY_KG_MAX_INPUT_BYTES": "1000"})
    assert result.exit_code == 2
    assert result.stderr == ("survey-kg: error: /dev/zero: the file is over the 1000-byte input "
                             "limit (split it, or raise SURVEY_KG_MAX_INPUT_BYTES)\n")


@pytest.mark.parametrize("value", ["ten", "-5", "0", "1e6"])
def test_a_bad_size_limit_is_a_usage_error(monkeypatch, tmp_path, value):
    """Also for a survey with no venue table (the import's own check, not the table's)."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "dataset.ttl").write_text("", encoding="utf-8")
    for root in (BAD.parents[1], tmp_path):
        result = cli("--root", root, "import", BAD / "markdown" / "ok.md",
                     env={"SURVEY_KG_MAX_INPUT_BYTES": value})
        assert result.exit_code == 2
        assert result.stderr == (f"survey-kg: error: SURVEY_KG_MAX_INPUT_BYTES is {value!r}, not "
                                 "a positive whole number of bytes (set it to e.g. 67108864 (64 "
                                 "MiB), or unset it)\n")
    monkeypatch.setenv("SURVEY_KG_MAX_INPUT_BYTES", value)
    with pytest.raises(InputError, match="SURVEY_KG_MAX_INPUT_BYTES"):
        import_pages([BAD / "markdown" / "ok.md"])


# ------------------------------------------------------------------ 10 MB on one line

def generated(case: Case, folder: Path, size: int = TEN_MB) -> Path:
    """The 10 MB pages: ok.md with one line made 10 MiB long (the whole file exactly 10 MiB,
    or `size` bytes)."""
    ok = (BAD / "markdown" / "ok.md").read_text(encoding="utf-8")
    if case.name == "ten-mb-field.md":
        old = "A model that makes video from text in one pass."
        fill = size - (len(ok.encode()) - len(old))
        text = ok.replace(old, ("video " * (fill // 6 + 1))[:fill - 1] + ".")
    else:
        old = "* **Published in:** CVPR 2024\n"
        line = "* **Authors" + " " * size
        text = ok.replace(old, old + line[:size - len(ok.encode()) - 2] + "x\n")
    path = folder / case.name
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size == size
    return path


@pytest.mark.parametrize("case", [c for c in CASES if c.generated], ids=lambda c: f"{c}-{c.limit}")
def test_ten_megabytes_on_one_line(case: Case, tmp_path):
    page = generated(case, tmp_path)
    env = dict(os.environ)
    env.pop("SURVEY_KG_MAX_INPUT_BYTES", None)
    if case.limit:
        env["SURVEY_KG_MAX_INPUT_BYTES"] = str(case.limit)
    run = subprocess.run([sys.executable, "-m", "survey_kg.cli", "--root", str(ROOT), "import",
                          page.name, "--out", "out.ttl"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=HANG)
    assert run.returncode == case.exit, run.stderr
    assert run.stderr.splitlines() == list(case.lines)
    if case.exit == 0 and case.name == "ten-mb-field.md":
        store = load([tmp_path / "out.ttl"])
        (one_liner,) = [q.object.value for q in store.quads_for_pattern(
            ox.NamedNode(PREFIXES["paper"] + "2401.00001"),
            ox.NamedNode(PREFIXES["schema"] + "description"), None)]
        assert len(one_liner) > TEN_MB - 1000 and one_liner.startswith("video video")


def test_a_long_line_takes_memory_in_proportion(tmp_path):
    """Peak memory of the import (Python allocations, counted by tracemalloc) stays within a
    constant factor of the input: no copy per line, no string re-joined per line. (On 2 MiB:
    tracemalloc makes the import of 10 MiB take seconds.)"""
    case = next(c for c in CASES if c.name == "ten-mb-field.md" and not c.limit)
    size = 2 * 1024 * 1024
    page = generated(case, tmp_path, size)
    tracemalloc.start()
    try:
        result = import_pages([page])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(result.works) == 1
    assert peak < 25 * size, f"peak {peak / size:.1f} times the input"


def test_a_long_quote_key_point_or_field_is_joined_in_linear_time(tmp_path):
    """100 000 continuation lines of one core innovation, of one key point and of one field:
    joined once, not re-joined per line (which took minutes). Checked by content; the watchdog
    is the test run."""
    ok = (BAD / "markdown" / "ok.md").read_text(encoding="utf-8")
    text = ok.replace("> instead of key frames first.\n", "> more\n" * 100_000).replace(
        "    * Better motion.\n", "    * Better motion.\n" + "    and more\n" * 100_000).replace(
        "* **One-liner:** A model that makes video from text in one pass.\n",
        "* **One-liner:** A model\n" + "  that goes on\n" * 100_000)
    page = tmp_path / "long.md"
    page.write_text(text, encoding="utf-8")
    result = import_pages([page])
    work = PREFIXES["paper"] + "2401.00001"
    found = {t.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]: t.object.value
             for t in result.triples.triples if t.subject.value == work
             and t.predicate.value.endswith(("coreInnovation", "description"))}
    assert found == {"coreInnovation": "Generates the whole clip at once" + " more" * 100_000,
                     "description": "A model" + " that goes on" * 100_000}
    points = sorted(t.object.value for t in result.triples.triples
                    if t.subject.value.startswith(work + "/key-point-")
                    and t.predicate.value.endswith("#text"))
    assert points[0] == "Better motion." + " and more" * 100_000


@pytest.mark.parametrize("line", [
    "* **Authors" + " " * 50_000 + "x",  # a bold label that never closes
    "> " + " " * 50_000 + "x",  # a quote
    "# x" + " " * 50_000 + "y",  # a heading
    "<" + " " * 50_000 + "details",  # a tag that is none
    "<li" * 20_000,  # list tags that never close
    "[" * 50_000,  # links that never close
    "* a" + " " * 50_000 + ", b" + " " * 50_000,  # a catalog-like line
])
def test_no_line_makes_the_parser_backtrack(tmp_path, line):
    """Lines of 50 000 characters built against each pattern the parser runs on every line
    (FIELD used to take cubic time on the first: hours). Checked by result; the watchdog is
    the test run (each takes milliseconds)."""
    ok = (BAD / "markdown" / "ok.md").read_text(encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(ok.replace("* **Published in:** CVPR 2024\n",
                               "* **Published in:** CVPR 2024\n" + line + "\n"), encoding="utf-8")
    result = import_pages([page])
    assert [w.key for w in result.works] == ["2401.00001"]


# ------------------------------------------------------------------ tracebacks and exit codes

def test_debug_shows_the_traceback_and_plain_runs_do_not(tmp_path):
    args = [sys.executable, "-m", "survey_kg.cli"]
    empty = tmp_path / "empty"
    empty.mkdir()  # a folder with no survey pages: unusable input
    plain = subprocess.run(args + ["import", str(empty)], capture_output=True, text=True,
                           timeout=HANG)
    debug = subprocess.run(args + ["--debug", "import", str(empty)], capture_output=True,
                           text=True, timeout=HANG)
    assert plain.returncode == 2 and plain.stderr == (
        f"survey-kg: error: {empty}: no survey pages (README.md, README_zh.md) in the folder\n")
    assert debug.returncode != 0
    assert "Traceback (most recent call last)" in debug.stderr
    assert f"survey_kg.errors.InputError: {empty}: no survey pages" in debug.stderr


def test_ill_typed_literals_log_no_traceback_without_debug(monkeypatch):
    monkeypatch.chdir(BAD)
    args = ["validate", "../fixtures/small/data", "turtle/ill-typed-position.ttl"]
    assert "Traceback" not in cli(*args).output
    run = subprocess.run([sys.executable, "-m", "survey_kg.cli", *args], cwd=BAD,
                         capture_output=True, text=True, timeout=HANG)
    assert run.returncode == 1 and run.stderr == ""
    assert run.stdout.endswith("3 violation(s), 5 warning(s)\n")
    # nothing was hidden: with --debug the report is the same and nothing is logged
    debug = subprocess.run([sys.executable, "-m", "survey_kg.cli", "--debug", *args], cwd=BAD,
                           capture_output=True, text=True, timeout=HANG)
    assert (debug.returncode, debug.stdout, debug.stderr) == (1, run.stdout, "")


def test_a_defect_is_one_line_with_a_way_to_see_more(monkeypatch):
    def broken(paths, root=None, venues=None):
        raise RuntimeError("something the code did not expect")

    monkeypatch.setattr(importer, "import_pages", broken)
    result = cli("import", BAD / "markdown" / "ok.md")
    assert result.exit_code == 2
    assert result.stderr == ("survey-kg: internal error: RuntimeError: something the code did not "
                             "expect (run with --debug for the traceback and report it)\n")
    debug = cli("--debug", "import", BAD / "markdown" / "ok.md")
    assert isinstance(debug.exception, RuntimeError)


@pytest.mark.parametrize("args,words", [
    (["import"], "Missing argument 'PATHS...'"),
    (["import", "markdown/ok.md", "--out", "a.ttl", "--split", "b"],
     "give --out or --split, not both"),
    (["import", "markdown", "markdown/ok.md"], "give one survey folder, or page files"),
    (["import", "markdown"], "markdown: no survey pages (README.md, README_zh.md) in the folder"),
    (["validate", "no-such.ttl"], "no-such.ttl: no such file or folder"),
])
def test_usage_errors_exit_2(monkeypatch, args, words):
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

def test_a_work_read_but_not_written_is_a_defect_not_a_silent_drop(monkeypatch):
    write = importer.work_triples

    def drop_one(out, work, known, categories):
        if work.key != "2401.00001":
            write(out, work, known, categories)

    monkeypatch.setattr(importer, "work_triples", drop_one)
    with pytest.raises(RuntimeError, match=r"ok\.md:5: entry 2401\.00001 was read but no work "
                                           r"was written for it"):
        import_pages([BAD / "markdown" / "ok.md"])
