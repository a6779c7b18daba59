"""Time survey-kg's commands against what pyoxigraph alone does with the same data (the floor).

    python benchmarks/bench.py --sizes real,1000,10000 --repeat 3 \
        --stages build,floor,validate,export,readme --json bench-results/bench.json

A size is `real` (a copy of the source survey: data/ and its page tree survey/) or a number of
works (a synthetic survey cloned from the source by benchmarks/synth.py, cached under --out by
size, seed and the source's content). The source is this repository unless --source names
another survey folder. Every run is a fresh process, timed from start to exit; its peak
resident memory comes from the kernel (os.wait4). The stages of one repeat run one after the
other (build, floor, build, floor, ...), so machine noise falls on all of them.

Stages:
  build      `survey-kg build` (load, validate, pages, dumps), the whole process
  floor      pyoxigraph alone: load every Turtle file of data/, run the queries the pages use
             (as survey-kg sends them) reading every row, write the store as Turtle
  import     `survey-kg import` of the survey's page tree (as a build wrote it) into a folder
  validate   `survey-kg validate`
  export     `survey-kg export`
  readme     `survey-kg readme` (the pages are up to date after a build: nothing is written)
  site       `survey-kg site`: validate, then write the website and put it in place of the
             last one (dist/site/), search index included
  publish    `survey-kg publish` to a local Oxigraph server (the `oxigraph` binary)
  put        the same N-Triples sent to that server by one plain HTTP PUT: publish's baseline
  virtuoso-load   dist/survey.nt into a local OpenLink Virtuoso (Debian's virtuoso-opensource)
             by its bulk loader: ld_dir, rdf_loader_run, checkpoint (through isql-vt)
  virtuoso-query  the README's queries on that Virtuoso, every row read (one process)
  oxigraph-load   the same dump into a new Oxigraph store by its bulk loader (`oxigraph load`)
  oxigraph-query  the same queries on an Oxigraph server over that store (loaded untimed
             when oxigraph-load is not a stage)

Writes --json ({"SIZE": {"STAGE": {"wall_s": median, "rss_mb": median, "status": "ok",
"runs": [...]}}}; a build's runs keep the seconds of its stages) and prints a markdown table
with each stage's ratio to the floor. A run that fails is recorded with its exit status and
last lines, never as a time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

STAGES = ("build", "floor", "import", "validate", "export", "readme", "site", "publish", "put",
          "virtuoso-load", "virtuoso-query", "oxigraph-load", "oxigraph-query")
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
PROGRESS = re.compile(r"^(?P<stage>\w+): .* \((?P<seconds>[\d.]+) s\)$")
ROWS = re.compile(r"^rows (?P<query>\w+) (?P<count>\d+)$")  # a server stage's rows per query


def fingerprint(source: Path) -> str:
    """A short hash of what a synthetic survey is made from: the source's data and pages."""
    digest = hashlib.sha256()
    for folder in ("data", "survey"):
        for path in sorted((source / folder).rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(source).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def survey_for(size: str, out: Path, seed: int, source: Path = REPO) -> Path:
    """The survey folder for `size`: a fresh copy of the source survey, or a synthetic one."""
    if size == "real":
        root = out / "surveys" / "real"
        shutil.rmtree(root, ignore_errors=True)
        for folder in ("data", "survey"):
            shutil.copytree(source / folder, root / folder)
        return root
    import synth

    root = out / "surveys" / (f"n{int(size)}-seed{seed}-v{synth.GENERATOR_VERSION}-"
                              f"{fingerprint(source)}")
    if not (root / ".complete").exists():
        shutil.rmtree(root, ignore_errors=True)
        synth.write_survey(root, int(size), seed, source)
        (root / ".complete").write_text("")
    return root


def floor_queries(root: Path, out: Path) -> list[str]:
    """The text of each query the pages use, as survey-kg sends it to Oxigraph, in files."""
    from survey_kg.paths import Survey
    from survey_kg.queries import bind, find_query
    from survey_kg.render.pages import sections

    folder = out / "floor-queries" / root.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    names = sorted({name for section in sections().values() for name in section.queries.values()})
    for name in names:
        (folder / f"{name}.rq").write_text(bind(find_query(name, Survey(root))), encoding="utf-8")
    return [str(folder / f"{name}.rq") for name in names]


def survey_kg(*args: str) -> list[str]:
    return [sys.executable, "-c", "from survey_kg.cli import main; main()", *args]


def timed(command: list[str], cwd: Path, timeout: float) -> dict:
    """Run `command` in a fresh process: wall seconds, peak RSS in MB, exit status, and the
    stages a build reports (name: seconds)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                return {"status": "timeout", "wall_s": None, "rss_mb": None}
            time.sleep(0.005)
        wall = time.perf_counter() - started
        errors.seek(0)
        text = errors.read().decode("utf-8", "replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        return {"status": f"exit {code}: {text.strip()[-300:]}", "wall_s": None, "rss_mb": None}
    found = {"status": "ok", "wall_s": wall, "rss_mb": usage.ru_maxrss / 1024}
    stages = {m["stage"]: float(m["seconds"]) for m in map(PROGRESS.match, text.splitlines())
              if m}
    if stages:
        found["stages"] = stages
    rows = {m["query"]: int(m["count"]) for m in map(ROWS.match, text.splitlines()) if m}
    if rows:
        found["rows"] = rows
    return found


class Oxigraph:
    """A local Oxigraph server (the `oxigraph` binary of the test dependencies)."""

    def __init__(self, folder: Path | None = None):
        beside = Path(sys.executable).with_name("oxigraph")
        self.binary = str(beside) if beside.exists() else shutil.which("oxigraph")
        self.given = folder  # a store `oxigraph load` filled, served and kept; else a new one
        self.folder = self.process = None

    def start(self) -> str:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.folder = str(self.given or tempfile.mkdtemp(prefix="bench-oxigraph-"))
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
        if self.given is None:
            shutil.rmtree(self.folder, ignore_errors=True)


def command_for(stage: str, root: Path, queries: list[str], server: str | None
                ) -> list[str] | None:
    """The command line of a stage on the survey at `root` (None: the stage cannot run)."""
    where = ["--root", str(root)]
    if stage == "build":
        return survey_kg(*where, "build")
    if stage == "floor":
        return [sys.executable, "-c", FLOOR, str(root), *queries]
    if stage == "import":
        return survey_kg(*where, "import", str(root / "survey"), "--split",
                         str(root / "imported"))
    if stage in ("validate", "export", "readme", "site"):
        return survey_kg(*where, stage)
    if server is None:
        return None
    if stage == "publish":
        return survey_kg(*where, "publish", "--endpoint", server + "/query", "--timeout", "600")
    nt = root / "dist" / "survey.nt"  # written by build or export
    return [sys.executable, "-c", "import sys, urllib.request as u; u.urlopen(u.Request("
            "sys.argv[1], data=open(sys.argv[2], 'rb').read(), method='PUT', headers={"
            "'Content-Type': 'application/n-triples'}), timeout=600).read()",
            server + "/store?graph=https%3A%2F%2Fexample.org%2Fput", str(nt)]


# ------------------------------------------------------------------ Virtuoso (and its peer)

VIRTUOSO_STAGES = ("virtuoso-load", "virtuoso-query", "oxigraph-load", "oxigraph-query")
BENCH_GRAPH = "https://example.org/bench"
# The queries the README shows (section "Querying the survey"), with its parameters.
README_QUERIES = [("works_per_year", {}),
                  ("works", {"lang": "zh", "category": "category:world-models"}),
                  ("work_authors", {"work": "paper:2303.03378"})]
REMOTE_QUERIES = """
import json, sys
from survey_kg import queries as q, remote
url, graph, spec = sys.argv[1], sys.argv[2] or None, json.loads(sys.argv[3])
for name, params in spec:
    rows = remote.select(url, q.bind(q.find_query(name), params), timeout=600, graph=graph)
    print(f"rows {name} {len(rows)}", file=sys.stderr)
"""


class Virtuoso:
    """A local Virtuoso (virtuoso-t, isql-vt) with its database in a temporary folder."""

    def __init__(self):
        self.binary, self.isql_binary = shutil.which("virtuoso-t"), shutil.which("isql-vt")
        self.folder = self.process = None
        self.loaded: Path | None = None

    def start(self) -> str:
        sys.path.insert(0, str(REPO))
        from tests.virtuoso_server import INI  # the tests' minimal virtuoso.ini

        ports = []
        for _ in range(2):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                ports.append(s.getsockname()[1])
        self.sql_port, http_port = ports
        self.folder = Path(tempfile.mkdtemp(prefix="bench-virtuoso-"))
        (self.folder / "db").mkdir()
        (self.folder / "load").mkdir()
        ini = self.folder / "virtuoso.ini"
        ini.write_text(INI.format(db=self.folder / "db", load=self.folder / "load",
                                  sql_port=self.sql_port, http_port=http_port))
        self.process = subprocess.Popen([self.binary, "+foreground", "+configfile", str(ini)],
                                        cwd=self.folder, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{http_port}/sparql"
        for _ in range(600):
            try:
                urllib.request.urlopen(self.url + "?query=ASK%7B%7D", timeout=2).read()
                return self.url
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the Virtuoso server did not start")

    def isql_command(self, script: str) -> list[str]:
        return [self.isql_binary, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={script}"]

    def prepare_load(self, nt: Path) -> list[str]:
        """Empty the graph and the loader's list (untimed); the timed bulk-load command."""
        subprocess.run(self.isql_command(f"SPARQL CLEAR GRAPH <{BENCH_GRAPH}>; "
                                         "DELETE FROM DB.DBA.load_list; checkpoint;"),
                       check=True, capture_output=True)
        shutil.copyfile(nt, self.folder / "load" / "survey.nt")
        self.loaded = nt
        return self.isql_command(f"ld_dir('{self.folder / 'load'}', 'survey.nt', "
                                 f"'{BENCH_GRAPH}'); rdf_loader_run(); checkpoint;")

    def count(self) -> int:
        """How many triples the bench graph holds."""
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BENCH_GRAPH}> {{ ?s ?p ?o }} }}"
        request = urllib.request.Request(self.url + "?" + urllib.parse.urlencode(
            {"query": query}), headers={"Accept": "text/csv"})
        with urllib.request.urlopen(request, timeout=600) as answer:
            return int(answer.read().decode().split()[-1].strip('"'))

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def server_stage(stage: str, root: Path, virtuoso: Virtuoso | None, out: Path,
                 timeout: float) -> dict | None:
    """One timed run of a server stage: Virtuoso's, or its Oxigraph peer (the bulk loader and the
    queries, over a store of its own in `out`); None when the server it needs is not there."""
    nt = root / "dist" / "survey.nt"
    spec = json.dumps(README_QUERIES)
    if stage.startswith("oxigraph"):
        peer = Oxigraph()
        if peer.binary is None:
            return None
        folder = out / "oxigraph-store" / root.name
        load = [peer.binary, "load", "--location", str(folder), "--file", str(nt),
                "--graph", BENCH_GRAPH]
        if stage == "oxigraph-load" or not folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.parent.mkdir(parents=True, exist_ok=True)
            found = timed(load, root, timeout)
            if stage == "oxigraph-load" or found["status"] != "ok":
                return found
        server = Oxigraph(folder)
        try:
            url = server.start()
            return with_server_peak(timed([sys.executable, "-c", REMOTE_QUERIES, url + "/query",
                                           BENCH_GRAPH, spec], root, timeout), server.process)
        finally:
            server.stop()
    if virtuoso is None:
        return None
    if stage == "virtuoso-load":
        found = with_server_peak(timed(virtuoso.prepare_load(nt), root, timeout),
                                 virtuoso.process)
        count = virtuoso.count()
        expected = sum(1 for line in nt.open("rb") if line.strip())
        if found["status"] == "ok" and count != expected:
            found = {"status": f"loaded {count} of {expected} triples", "wall_s": None,
                     "rss_mb": None}
        return found
    if virtuoso.loaded != nt:  # the queries need the dump loaded
        subprocess.run(virtuoso.prepare_load(nt), check=True, capture_output=True)
    return with_server_peak(timed([sys.executable, "-c", REMOTE_QUERIES, virtuoso.url,
                                   BENCH_GRAPH, spec], root, timeout), virtuoso.process)


def with_server_peak(found: dict, server: subprocess.Popen) -> dict:
    """`found` with the server's peak resident memory so far (VmHWM, Linux), in MB: a server
    stage's own rss_mb is its small client's (at least this process's, which Linux children
    inherit until they grow past it)."""
    try:
        status = Path(f"/proc/{server.pid}/status").read_text()
        found["server_rss_mb"] = int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)[1]) / 1024
    except (OSError, TypeError):
        pass
    return found


def run(sizes: list[str], stages: list[str], repeat: int, out: Path, seed: int,
        timeout: float, source: Path = REPO, progress=print) -> dict:
    results: dict = {}
    server = Oxigraph() if {"publish", "put"} & set(stages) else None
    url = None
    if server is not None and server.binary:
        url = server.start()
    virtuoso = None
    if {"virtuoso-load", "virtuoso-query"} & set(stages):
        candidate = Virtuoso()
        if candidate.binary and candidate.isql_binary:
            candidate.start()
            virtuoso = candidate
    try:
        for size in sizes:
            root = survey_for(size, out, seed, source)
            queries = floor_queries(root, out) if "floor" in stages else []
            if "import" in stages and not (root / ".built").exists():
                # what import reads: the pages of a build
                subprocess.run(survey_kg("--root", str(root), "build"), check=True,
                               capture_output=True)
                (root / ".built").write_text("")
            if ({"put"} | set(VIRTUOSO_STAGES)) & set(stages) and \
                    not (root / "dist" / "survey.nt").exists():
                # what these stages send: the N-Triples dump (no site needed, so no build)
                subprocess.run(survey_kg("--root", str(root), "export", "--format", "nt"),
                               check=True, capture_output=True)
            runs: dict = {stage: [] for stage in stages}
            for number in range(repeat):
                for stage in stages:
                    if stage in VIRTUOSO_STAGES:
                        found = server_stage(stage, root, virtuoso, out, timeout)
                        if found is not None:
                            runs[stage].append(found)
                            progress(f"{size} {stage} #{number + 1}: {found}")
                        continue
                    command = command_for(stage, root, queries, url)
                    if command is None:
                        continue
                    runs[stage].append(timed(command, root, timeout))
                    progress(f"{size} {stage} #{number + 1}: {runs[stage][-1]}")
            results[size] = {stage: _summary(found) for stage, found in runs.items() if found}
            answers = {tuple(sorted(run["rows"].items())) for stage in ("virtuoso-query",
                       "oxigraph-query") for run in runs.get(stage, []) if "rows" in run}
            if len(answers) > 1:  # the same queries gave different row counts
                for stage in ("virtuoso-query", "oxigraph-query"):
                    if stage in results[size]:
                        results[size][stage]["status"] = f"rows differ: {sorted(answers)}"
            for stage in stages:
                if not runs[stage]:
                    missing = "Virtuoso (virtuoso-t, isql-vt)" if stage.startswith("virtuoso") \
                        else "Oxigraph server binary"
                    results[size][stage] = {"wall_s": None, "rss_mb": None, "runs": [],
                                            "status": f"skipped: no {missing}"}
    finally:
        if server is not None and server.binary:
            server.stop()
        if virtuoso is not None:
            virtuoso.stop()
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
    parser.add_argument("--sizes", default="real,1000,10000",
                        help="comma-separated: real, or a number of works")
    parser.add_argument("--stages", default="build,floor", help="comma-separated, of: "
                                                                 + ", ".join(STAGES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds for one run")
    parser.add_argument("--source", type=Path, default=REPO,
                        help="the survey folder to copy and clone (default: this repository)")
    parser.add_argument("--out", type=Path, default=REPO / "bench-results",
                        help="where the surveys are made (and bench.json, without --json)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    stages = [s for s in args.stages.split(",") if s]
    unknown = sorted(set(stages) - set(STAGES))
    if unknown:
        parser.error(f"unknown stage(s) {', '.join(unknown)}; stages: {', '.join(STAGES)}")
    sizes = [s for s in args.sizes.split(",") if s]
    bad = [s for s in sizes if s != "real" and not (s.isdigit() and int(s) > 0)]
    if bad:
        parser.error(f"unknown size(s) {', '.join(bad)}; a size is real or a number of works")
    source = args.source.resolve()
    if not (source / "data" / "works").is_dir():
        parser.error(f"{source} is not a survey folder (no data/works/)")
    results = run(sizes, stages, args.repeat, args.out, args.seed, args.timeout, source,
                  progress=lambda m: print(m, file=sys.stderr))
    path = args.json or args.out / "bench.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(markdown(results))


if __name__ == "__main__":
    main()
