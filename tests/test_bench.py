"""The benchmark harness: a quick run gives a well-formed table of real measurements.

No timing is asserted: only that what was measured is there, positive and consistent.
"""

import json

import pytest
from click.testing import CliRunner

from survey_kg import allocator, bench
from survey_kg.allocator import ENV
from survey_kg.query import list_queries
from survey_kg.resources import Survey


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    result = CliRunner().invoke(bench.main, ["--quick", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, json.loads((out / "bench.json").read_text()), (out / "bench.md").read_text()


def test_every_stage_is_measured_or_skipped_with_a_reason(quick):
    _, report, _ = quick
    assert [s["size"] for s in report["surveys"]] == ["real", "200"]
    for size in ("real", "200"):
        rows = {r["stage"]: r for r in report["results"] if r["size"] == size}
        queries = [q.name for q in list_queries(Survey(bench.REPO))]
        expected = {"import", "load", "validate", "serialize", "floor:load", "floor:serialize",
                    *bench.COMMAND_STAGES, *(f"query:{q}" for q in queries),
                    *(f"floor:query:{q}" for q in queries)}
        assert expected <= set(rows)
        for stage in ("import", "load", "serialize", "floor:load", "floor:serialize"):
            assert rows[stage]["status"] == "ok", (size, stage, rows[stage]["note"])
        # on 200 papers a slow stage may hit --quick's timeout: recorded, not a harness failure
        allowed = ("ok", "skipped") if size == "real" else ("ok", "skipped", "timeout")
        for stage, r in rows.items():
            assert r["status"] in allowed, (size, stage, r["status"], r["note"])
            if r["status"] == "ok":
                assert r["wall_s"] > 0 and r["process_s"] > 0 and r["rss_mb"] > 0, (size, stage)
                assert r["process_s"] >= r["wall_s"]  # the process holds the stage
            else:
                assert r["note"] and r["wall_s"] is None


def test_the_stages_saw_the_data(quick):
    _, report, _ = quick
    by = {(r["size"], r["stage"]): r for r in report["results"]}
    for size, papers in (("real", 20), ("200", 200)):
        load = by[size, "load"]["runs"][0]["detail"]
        assert load["papers"] == papers
        assert load["triples"] == by[size, "floor:load"]["runs"][0]["detail"]["triples"]
        if by[size, "validate"]["status"] == "ok":
            assert by[size, "validate"]["runs"][0]["detail"]["violations"] == 0
    assert by["200", "import"]["runs"][0]["detail"]["papers"] == 200
    for (size, stage), r in by.items():
        floor = by.get((size, "floor:" + stage))
        if stage.startswith("query:") and r["status"] == floor["status"] == "ok":
            assert r["runs"][0]["detail"]["rows"] == floor["runs"][0]["detail"]["rows"], stage


def test_the_table_has_a_row_per_stage_with_the_measured_numbers(quick):
    _, report, table = quick
    lines = table.splitlines()
    header = next(line for line in lines if line.startswith("| stage |"))
    assert "real: wall s" in header and "200: RSS MB" in header and "200: × floor" in header
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
            for line in lines[lines.index(header) + 2:] if line.startswith("| ")}
    stages = {r["stage"] for r in report["results"]}
    assert stages | {"floor total"} == set(rows)
    load = next(r for r in report["results"] if r["size"] == "200" and r["stage"] == "load")
    cells = rows["load"][4:8]
    assert cells[0] == bench._sec(load["wall_s"]) and cells[2] == bench._num(load["rss_mb"])
    assert cells[3].endswith("×") and float(cells[3][:-1]) > 0
    for r in report["results"]:
        if r["status"] != "ok":
            assert f"- {r['size']} {r['stage']}: {r['status']} — {r['note']}" in table


def test_a_generated_survey_is_cached(quick):
    out, report, _ = quick
    root = next(s["root"] for s in report["surveys"] if s["size"] == "200")
    paper = sorted((out / root / "data" / "papers").glob("*.ttl"))[0]
    before = paper.stat().st_mtime_ns
    survey = bench.prepare("200", out, report["meta"]["seed"], 60)
    assert str(survey.root) == root and paper.stat().st_mtime_ns == before


def test_ratios_compare_with_the_floor():
    def row(stage, wall, process=None):
        return {"size": "9", "stage": stage, "status": "ok", "wall_s": wall,
                "process_s": process or wall}
    report = {"results": [row("load", 3.0), row("query:q", 1.0), row("build", 12.0, 12.0),
                          row("floor:load", 1.5, 2.0), row("floor:query:q", 0.5),
                          row("floor:serialize", 0.5)]}
    assert bench.ratios(report) == {("9", "load"): 2.0, ("9", "query:q"): 2.0, ("9", "build"): 4.0}


def test_sizes_must_be_real_or_a_number(tmp_path):
    result = CliRunner().invoke(bench.main, ["--sizes", "real,lots", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "'lots' is neither" in result.output


def test_the_table_says_how_to_reproduce_it_with_the_options_used(quick):
    _, report, table = quick
    line = next(line for line in table.splitlines() if line.startswith("Reproduce: "))
    meta = report["meta"]
    assert line == ("Reproduce: `python -m survey_kg.bench --sizes real,200 --repeat 1 "
                    f"--seed {meta['seed']} --timeout {meta['timeout_s']:g} "
                    f"--budget {meta['budget_s']:g} --no-references`")
    assert meta["references"] is False  # --quick leaves the reference engines out


def test_the_table_says_which_allocator_the_commands_ran_under(quick, monkeypatch):
    _, report, table = quick
    assert f"; survey-kg commands under {report['meta']['allocator']}; " in table
    monkeypatch.setenv(ENV, "system")
    assert bench._allocator() == "the C library's malloc"
    monkeypatch.setenv(ENV, "mimalloc")  # set by hand: nothing restarts, nothing is preloaded
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    assert bench._allocator() == "the C library's malloc"
    monkeypatch.setenv("LD_PRELOAD", "/site/cmeel.prefix/lib/libmimalloc.so")  # a restarted one
    assert bench._allocator().startswith("mimalloc")
    monkeypatch.delenv(ENV)
    monkeypatch.setattr(allocator, "mimalloc_library", lambda: None)
    assert bench._allocator() == "the C library's malloc"
