"""Time survey-kg's commands against what pyoxigraph alone does with the same data (the floor).

    python benchmarks/bench.py --sizes real,1000,10000 --repeat 5 --stages build,floor \
        --json bench-results/bench.json

A size is `real` (this repository's survey) or a number of papers (a synthetic survey made by
benchmarks/synth.py, cached under --out by size and seed). Every run is a fresh process, timed
from start to exit; its peak resident memory comes from the kernel (os.wait4). The stages of one
repeat run one after the other (build, floor, build, floor, ...), so machine noise falls on both.

Stages:
  build      `survey-kg build` (load, validate, pages, dumps), the whole process
  floor      pyoxigraph alone: load every Turtle file, run every query of queries/ once, write
             the store as Turtle, the whole process
  import     `survey-kg import` of the survey's pages (surveys that have pages)
  validate   `survey-kg validate`
  export     `survey-kg export`
  readme     `survey-kg readme`
  publish    `survey-kg publish` to a local Oxigraph server (the `oxigraph` binary)
  put        the same N-Triples sent to that server by one plain HTTP PUT: publish's baseline

Writes --json ({"SIZE": {"STAGE": {"wall_s": median, "rss_mb": median, "runs": [...]}}}) and
prints a markdown table with each stage's ratio to the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

STAGES = ("build", "floor", "import", "validate", "export", "readme", "publish", "put")
FLOOR = """
import sys, pathlib, pyoxigraph as ox
root, queries = pathlib.Path(sys.argv[1]), sys.argv[2:]
store = ox.Store()
for path in sorted((root / "data").rglob("*.ttl")):
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
for query in queries:
    store.query(pathlib.Path(query).read_text()).serialize(format=ox.QueryResultsFormat.TSV)
store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())
"""


def survey_for(size: str, out: Path, seed: int) -> Path:
    """The survey folder for `size`: a copy of this repository's survey, or a synthetic one."""
    if size == "real":
        root = out / "surveys" / "real"
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(REPO / "data", root / "data")
        for name in ("README.md", "README_zh.md"):
            shutil.copyfile(REPO / name, root / name)
        return root
    import synth

    root = out / "surveys" / f"n{size}-seed{seed}-v{synth.GENERATOR_VERSION}"
    if not (root / ".complete").exists():
        shutil.rmtree(root, ignore_errors=True)
        synth.write_survey(root, int(size), seed)
        (root / ".complete").write_text("")
    for name in ("README.md", "README_zh.md"):  # the pages' markers, as a survey keeps them
        shutil.copyfile(REPO / name, root / name)
    return root


def survey_kg(*args: str) -> list[str]:
    return [sys.executable, "-c", "from survey_kg.cli import main; main()", *args]


def timed(command: list[str], cwd: Path, timeout: float) -> dict:
    """Run `command` in a fresh process: wall seconds, peak RSS in MB, exit status."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            pid, status, usage = os.wait4(process.pid, 0)
            return {"status": "timeout", "wall_s": None, "rss_mb": None}
        time.sleep(0.005)
    wall = time.perf_counter() - started
    error = process.stderr.read().decode("utf-8", "replace")
    process.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    return {"status": "ok" if code in (0, 1) else f"exit {code}: {error.strip()[-300:]}",
            "wall_s": wall, "rss_mb": usage.ru_maxrss / 1024}


class Oxigraph:
    """A local Oxigraph server (the `oxigraph` binary of the test dependencies)."""

    def __init__(self):
        self.binary = shutil.which("oxigraph")
        self.folder = self.process = None

    def start(self) -> str:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.folder = tempfile.mkdtemp(prefix="bench-oxigraph-")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--location", self.folder, "--bind", f"127.0.0.1:{port}",
             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=1).read()
                return url
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the Oxigraph server did not start")

    def stop(self) -> None:
        if self.process:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def command_for(stage: str, root: Path, server: str | None) -> list[str] | None:
    queries = sorted(str(p) for p in (REPO / "queries").glob("*.rq"))
    pages = [p for p in (root / "pages").glob("README*.md")] if (root / "pages").is_dir() else []
    if stage == "build":
        return survey_kg("build")
    if stage == "floor":
        return [sys.executable, "-c", FLOOR, str(root), *queries]
    if stage == "import":
        return survey_kg("import", *map(str, pages), "--out", str(root / "imported.ttl")) \
            if pages else None
    if stage in ("validate", "export", "readme"):
        return survey_kg(stage)
    if server is None:
        return None
    if stage == "publish":
        return survey_kg("publish", "--endpoint", server + "/query", "--timeout", "600")
    nt = root / "dist" / "survey.nt"  # written by build or export
    return [sys.executable, "-c", "import sys, urllib.request as u; u.urlopen(u.Request("
            "sys.argv[1], data=open(sys.argv[2], 'rb').read(), method='PUT', headers={"
            "'Content-Type': 'application/n-triples'}), timeout=600).read()",
            server + "/store?graph=https%3A%2F%2Fexample.org%2Fput", str(nt)]


def run(sizes: list[str], stages: list[str], repeat: int, out: Path, seed: int,
        timeout: float, progress=print) -> dict:
    results: dict = {}
    server = Oxigraph() if {"publish", "put"} & set(stages) else None
    url = None
    if server is not None and server.binary:
        url = server.start()
    try:
        for size in sizes:
            root = survey_for(size, out, seed)
            if "put" in stages and not (root / "dist" / "survey.nt").exists():
                subprocess.run(survey_kg("export"), cwd=root, check=True, capture_output=True)
            runs: dict = {stage: [] for stage in stages}
            for number in range(repeat):
                for stage in stages:
                    command = command_for(stage, root, url)
                    if command is None:
                        continue
                    runs[stage].append(timed(command, root, timeout))
                    progress(f"{size} {stage} #{number + 1}: {runs[stage][-1]}")
            results[size] = {stage: _summary(found) for stage, found in runs.items() if found}
    finally:
        if server is not None and server.binary:
            server.stop()
    return results


def _summary(runs: list[dict]) -> dict:
    ok = [r for r in runs if r["status"] == "ok"]
    if not ok:
        return {"wall_s": None, "rss_mb": None, "status": runs[0]["status"], "runs": runs}
    return {"wall_s": statistics.median(r["wall_s"] for r in ok),
            "rss_mb": statistics.median(r["rss_mb"] for r in ok), "status": "ok", "runs": runs}


def markdown(results: dict) -> str:
    """A table per size: stage, median wall, peak memory, ratio to the floor."""
    lines = []
    for size, stages in results.items():
        floor = stages.get("floor", {}).get("wall_s")
        lines += [f"| {size} | wall s (median) | peak RSS MB | × floor |", "| --- | ---: | ---: | ---: |"]
        for stage, summary in stages.items():
            wall, rss = summary["wall_s"], summary["rss_mb"]
            if wall is None:
                lines.append(f"| {stage} | {summary['status']} | | |")
                continue
            ratio = f"{wall / floor:.2f}×" if floor and stage != "floor" else ""
            lines.append(f"| {stage} | {wall:.3f} | {rss:,.0f} | {ratio} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="real,1000,10000")
    parser.add_argument("--stages", default="build,floor")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--out", type=Path, default=REPO / "bench-results")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    stages = [s for s in args.stages.split(",") if s]
    unknown = sorted(set(stages) - set(STAGES))
    if unknown:
        parser.error(f"unknown stage(s) {', '.join(unknown)}; stages: {', '.join(STAGES)}")
    results = run([s for s in args.sizes.split(",") if s], stages, args.repeat, args.out,
                  args.seed, args.timeout, progress=lambda m: print(m, file=sys.stderr))
    path = args.json or args.out / "bench.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(markdown(results))


if __name__ == "__main__":
    main()
