"""The benchmark harness (benchmarks/bench.py): a quick run on the real survey gives real
measurements in the JSON it writes, and its table compares each stage with the floor.

No timing is asserted: only that what was measured is there and positive.
"""

import json
import subprocess
import sys

import pytest

from .conftest import ROOT

BENCH = ROOT / "benchmarks" / "bench.py"
DUMP_FILES = ["context.jsonld", "ontology.ttl", "shapes.ttl", "survey.jsonld", "survey.nt",
              "survey.ttl", "void.ttl"]


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
    result = subprocess.run([sys.executable, str(BENCH), "--sizes", "real", "--repeat", "1",
                             "--stages", "build,floor", "--out", str(out / "work"),
                             "--json", str(out / "bench.json")],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return out, json.loads((out / "bench.json").read_text()), result.stdout


def test_each_stage_is_measured_with_positive_numbers(measured):
    _, results, _ = measured
    assert list(results) == ["real"]
    assert list(results["real"]) == ["build", "floor"]
    for stage, summary in results["real"].items():
        assert summary["status"] == "ok", (stage, summary)
        assert summary["wall_s"] > 0 and summary["rss_mb"] > 0, stage
        [run] = summary["runs"]  # --repeat 1
        assert run["status"] == "ok" and run["wall_s"] == summary["wall_s"] > 0
        assert run["rss_mb"] == summary["rss_mb"] > 0


def test_the_build_ran_to_the_end_on_a_copy_of_the_survey(measured):
    """A build that stopped (exit 1) counts as measured: this one wrote its dump, and the
    pages it regenerated are the repository's (up to date with the same data)."""
    out, _, _ = measured
    root = out / "work" / "surveys" / "real"
    assert sorted(p.name for p in (root / "dist").iterdir()) == DUMP_FILES
    for name in ("README.md", "README_zh.md"):
        assert (root / name).read_bytes() == (ROOT / name).read_bytes(), name


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


def test_an_unknown_stage_is_a_usage_error(tmp_path):
    result = subprocess.run([sys.executable, str(BENCH), "--stages", "build,lots", "--out",
                             str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "unknown stage(s) lots" in result.stderr
    assert list(tmp_path.iterdir()) == []
