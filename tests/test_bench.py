"""The benchmark harness (benchmarks/bench.py): a quick run on the small survey (a copy, and a
synthetic survey cloned from it) gives real measurements in the JSON it writes, and its table
compares each stage with the floor. A failed or timed-out run is recorded as such, never as a
time.

No timing is asserted: only that what was measured is there and positive.
"""

import json
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from survey_kg.cli import main
from survey_kg.render.pages import sections

from .conftest import ROOT, SMALL

BENCH = ROOT / "benchmarks" / "bench.py"
STAGES = ["build", "floor", "import", "site"]
SIZES = ["real", "20"]


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCH.parent))
    try:
        import bench as module
    finally:
        sys.path.remove(str(BENCH.parent))
    return module


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    """(the --out folder, the JSON written, what was printed) of one quick run."""
    out = tmp_path_factory.mktemp("bench")
    result = subprocess.run([sys.executable, str(BENCH), "--sizes", ",".join(SIZES), "--repeat",
                             "1", "--stages", ",".join(STAGES), "--source", str(SMALL),
                             "--out", str(out / "work"), "--json", str(out / "bench.json")],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return out, json.loads((out / "bench.json").read_text()), result.stdout


def test_each_stage_is_measured_with_positive_numbers(measured):
    _, results, _ = measured
    assert list(results) == SIZES
    for size in SIZES:
        assert list(results[size]) == STAGES
        for stage, summary in results[size].items():
            assert summary["status"] == "ok", (size, stage, summary)
            assert summary["wall_s"] > 0 and summary["rss_mb"] > 0, stage
            [run] = summary["runs"]  # --repeat 1
            assert run["status"] == "ok" and run["wall_s"] == summary["wall_s"]
            assert run["rss_mb"] == summary["rss_mb"]
        build = results[size]["build"]["runs"][0]["stages"]  # from its progress lines
        assert list(build) == ["load", "validate", "pages", "dump", "site"]
        assert all(seconds >= 0 for seconds in build.values())


def test_the_surveys_are_a_copy_and_a_synthetic_one_and_were_built(measured):
    out, _, _ = measured
    surveys = out / "work" / "surveys"
    real = surveys / "real"
    [synthetic] = [p for p in surveys.iterdir() if p.name.startswith("n20-")]
    assert len(list((real / "data" / "works").glob("*.ttl"))) == \
        len(list((SMALL / "data" / "works").glob("*.ttl")))
    assert len(list((synthetic / "data" / "works").glob("*.ttl"))) == 20
    for root in (real, synthetic):
        assert (root / "dist" / "survey.nt").is_file()
        check = CliRunner().invoke(main, ["--root", str(root), "readme", "--check"])
        assert check.exit_code == 0, check.output  # the build wrote every page
        assert list((root / "imported" / "works").glob("*.ttl"))  # and import read them back


def test_the_floor_runs_the_queries_the_pages_use(measured):
    out, _, _ = measured
    names = {name for section in sections().values() for name in section.queries.values()}
    written = {p.stem for p in (out / "work" / "floor-queries" / "real").glob("*.rq")}
    assert names and written == names


def test_the_printed_table_is_the_markdown_of_the_results(measured, bench):
    _, results, printed = measured
    assert printed == bench.markdown(results) + "\n"
    assert "| real | wall s (median) | peak RSS MB | × floor |" in printed.splitlines()


def test_the_table_gives_each_stage_its_ratio_to_the_floor(bench):
    results = {
        "1000": {"build": {"wall_s": 3.0, "rss_mb": 1234.4, "status": "ok"},
                 "floor": {"wall_s": 2.0, "rss_mb": 99.6, "status": "ok"},
                 "publish": {"wall_s": None, "rss_mb": None, "status": "timeout"}},
        "real": {"build": {"wall_s": 0.25, "rss_mb": 80.0, "status": "ok"}},  # no floor run
    }
    lines = bench.markdown(results).splitlines()
    assert lines == [
        "| 1000 | wall s (median) | peak RSS MB | × floor |",
        "| --- | ---: | ---: | ---: |",
        "| build | 3.000 | 1,234 | 1.50× |",
        "| floor | 2.000 | 100 |  |",
        "| publish | timeout | | |",
        "",
        "| real | wall s (median) | peak RSS MB | × floor |",
        "| --- | ---: | ---: | ---: |",
        "| build | 0.250 | 80 |  |",
    ]


def test_a_failed_run_is_recorded_with_its_status_not_a_time(bench, tmp_path):
    failed = bench.timed([sys.executable, "-c", "import sys; print('it broke', file=sys.stderr); "
                          "sys.exit(3)"], tmp_path, timeout=60)
    assert failed == {"status": "exit 3: it broke", "wall_s": None, "rss_mb": None}
    slow = bench.timed([sys.executable, "-c", "import time; time.sleep(60)"], tmp_path,
                       timeout=0.5)
    assert slow == {"status": "timeout", "wall_s": None, "rss_mb": None}
    summary = bench._summary([failed])
    assert (summary["wall_s"], summary["status"]) == (None, "exit 3: it broke")


@pytest.mark.parametrize("args,message", [
    (["--stages", "build,lots"], "unknown stage(s) lots"),
    (["--sizes", "real,many"], "unknown size(s) many"),
    (["--source", "{tmp}"], "is not a survey folder"),
])
def test_bad_arguments_are_a_usage_error_and_write_nothing(tmp_path, args, message):
    out = tmp_path / "out"
    out.mkdir()
    args = [arg.format(tmp=tmp_path) for arg in args]
    result = subprocess.run([sys.executable, str(BENCH), *args, "--out", str(out)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert message in result.stderr
    assert list(out.iterdir()) == []


@pytest.mark.skipif(not (shutil.which("virtuoso-t") and shutil.which("isql-vt")),
                    reason="Virtuoso (Debian's virtuoso-opensource) is not installed")
def test_the_server_stages_load_both_servers_and_get_the_same_rows(tmp_path):
    """Virtuoso's bulk loader and Oxigraph's over the same dump, then the README's queries on
    each: timed, the servers' peak memory read, and the same number of rows from both."""
    stages = ["virtuoso-load", "virtuoso-query", "oxigraph-load", "oxigraph-query"]
    result = subprocess.run([sys.executable, str(BENCH), "--sizes", "real", "--repeat", "1",
                             "--stages", ",".join(stages), "--source", str(SMALL),
                             "--out", str(tmp_path / "work"), "--json", str(tmp_path / "b.json")],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    found = json.loads((tmp_path / "b.json").read_text())["real"]
    assert list(found) == stages
    for stage in stages:
        assert found[stage]["status"] == "ok", (stage, found[stage])
        assert found[stage]["wall_s"] > 0
    for stage in ("virtuoso-load", "virtuoso-query", "oxigraph-query"):
        assert found[stage]["runs"][0]["server_rss_mb"] > 0, stage
    rows = [found[stage]["runs"][0]["rows"] for stage in ("virtuoso-query", "oxigraph-query")]
    assert rows[0] == rows[1]
    assert set(rows[0]) == {"works_per_year", "works", "work_authors"}
    assert all(count > 0 for count in rows[0].values())
