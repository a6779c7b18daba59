"""Benchmark every stage of survey-kg, from the real survey to synthetic ones of any size.

    python -m survey_kg.bench [--sizes real,1000,10000,100000] [--out DIR] [--repeat 5] [--quick]

For each size (`real` is this repository's survey; a number is a synthetic survey of that many
papers from `survey_kg.synth`, cached under DIR/surveys/ by size and seed) and each stage, a fresh
process runs the stage, `--repeat` times. Each run reports:

- wall: seconds the stage itself took, inside its process, after its set-up (for the query stages
  the set-up is loading the graph; for stages run as a `survey-kg` command it is the whole process);
- process: seconds from starting the process to its exit (interpreter, imports, set-up, stage);
- peak RSS: the process's maximum resident set size, from the kernel (`os.wait4`); for a command
  that forks (build), the larger of the process and its child, not their sum.

Stages: import (the survey pages), load (data/), validate (with the default SHACL engine, and with
each other engine `survey_kg.validate` offers), one per query in queries/, serialize (Turtle,
`survey_kg.export.to_turtle`), and the commands readme, export, build and publish (to a local
Oxigraph server) when this installation has them; a stage that is not available is listed as
skipped with the reason, never timed with a stand-in.

The floor is what pyoxigraph alone does with the same files: parse every Turtle file into a
`pyoxigraph.Store`, the same queries on that store, and a Turtle serialization of it. A stage's
ratio is its wall over the floor's; `build` is compared with the whole floor (its process time for
loading plus its query and serialization walls).

Results go to DIR/bench.json (every run) and DIR/bench.md (a table: stage x size, median of the
runs). The functions here never print; `main` is the command line.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from importlib.util import find_spec
from pathlib import Path

import click

from .errors import SurveyKGError

REPO = Path(__file__).resolve().parent.parent
SEED_PAGES = (REPO.parent / "shared" / "seed" / "README.en.md",
              REPO.parent / "shared" / "seed" / "000_762a647fe149189f.txt")
DEFAULT_SIZES = "real,1000,10000,100000"
QUICK_SIZES = "real,200"
QUICK_TIMEOUT_S = 120.0
DEFAULT_SEED = 20240101
DEFAULT_TIMEOUT_S = 600.0
# A stage stops repeating once its runs took this long in all: one more run of a ten-minute stage
# tells little that the first did not.
DEFAULT_BUDGET_S = 300.0
# Pages of large surveys are bigger than the default input limit (64 MB); the benchmark lifts it.
INPUT_LIMIT = str(8 * 1024 ** 3)
COMMAND_STAGES = ("readme", "export", "build", "publish")


@dataclass
class Run:
    status: str  # ok | error | timeout
    wall_s: float | None = None
    process_s: float | None = None
    rss_mb: float | None = None
    setup_s: float | None = None
    detail: dict = field(default_factory=dict)
    note: str = ""


@dataclass
class StageResult:
    size: str
    stage: str
    status: str  # ok | error | timeout | skipped
    note: str = ""
    runs: list[Run] = field(default_factory=list)

    def median(self, name: str) -> float | None:
        values = [getattr(r, name) for r in self.runs if r.status == "ok" and getattr(r, name)]
        return statistics.median(values) if values else None

    @property
    def wall_s(self):
        return self.median("wall_s")

    @property
    def process_s(self):
        return self.median("process_s")

    @property
    def rss_mb(self):
        values = [r.rss_mb for r in self.runs if r.status == "ok" and r.rss_mb]
        return max(values) if values else None


@dataclass
class BenchSurvey:
    """What one size benchmarks: a survey folder (data/, READMEs) and the pages to import."""

    size: str
    root: Path
    pages: list[Path]
    papers: int | None = None
    triples: int | None = None
    generate_s: float | None = None


# ------------------------------------------------------------------ preparing the surveys

def prepare(size: str, out: Path, seed: int, timeout: float) -> BenchSurvey:
    """The survey for `size`: a fresh copy of this repository's survey for 'real', else a cached
    synthetic one (generated in its own process the first time)."""
    if size == "real":
        root = out / "surveys" / "real"
        if root.exists():
            shutil.rmtree(root)
        shutil.copytree(REPO / "data", root / "data")
        _copy_readmes(root)
        pages = [p for p in SEED_PAGES if p.exists()]
        return BenchSurvey(size, root, pages if len(pages) == len(SEED_PAGES) else [])
    from .synth import GENERATOR_VERSION

    root = out / "surveys" / f"n{size}-seed{seed}-v{GENERATOR_VERSION}"
    done = root / ".complete"
    pages = [root / "pages" / "README.md", root / "pages" / "README_zh.md"]
    survey = BenchSurvey(size, root, pages)
    if not done.exists():
        if root.exists():
            shutil.rmtree(root)
        run = _spawn(_worker_command("generate", root, [str(size), str(seed)]), root.parent,
                     out / "logs" / f"generate-{size}.log", timeout)
        if run.status != "ok":
            raise SurveyKGError(f"generating the {size}-paper survey failed: {run.note}",
                                hint=f"see the log in {out / 'logs'}")
        done.write_text(json.dumps({"seconds": run.wall_s}))
    survey.generate_s = json.loads(done.read_text()).get("seconds")
    _copy_readmes(root)
    return survey


def _copy_readmes(root: Path) -> None:
    """The repository's READMEs, so `readme` and `build` have the markers a survey keeps."""
    for name in ("README.md", "README_zh.md"):
        if (REPO / name).exists():
            shutil.copyfile(REPO / name, root / name)


# ------------------------------------------------------------------ which stages exist

def stages(survey: BenchSurvey, references: bool = True) -> list[tuple[str, str]]:
    """(stage, reason it is skipped or '') in the order they run, floor stages last.

    `references`: also time the reference SHACL engines (slow: minutes at a few hundred papers)."""
    plan = [("import", "" if survey.pages else "the seed pages are not beside the repository"),
            ("load", ""), ("validate", "")]
    # the other SHACL engines survey_kg.validate offers, e.g. pyshacl, the reference
    skip = "" if references else "a reference engine, left out of this run (--no-references)"
    plan += [(f"validate:{engine}", skip) for engine in _engines()[1:]]
    queries = query_names(survey.root)
    if queries is None:
        plan.append(("query", "survey_kg.query is not present"))
    plan += [(f"query:{name}", "") for name in queries or []]
    plan.append(("serialize", ""))
    commands = _commands()
    needs = {"readme": "survey_kg.render", "export": "survey_kg.export", "build": "survey_kg.build",
             "publish": "survey_kg.endpoint"}
    for stage in COMMAND_STAGES:
        if find_spec(needs[stage]) is None:
            plan.append((stage, f"{needs[stage]} is not present"))
        elif stage not in commands:
            plan.append((stage, f"survey-kg has no '{stage}' command"))
        elif stage == "publish" and oxigraph_binary() is None:
            plan.append((stage, "the oxigraph server is not installed"))
        else:
            plan.append((stage, ""))
    plan.append(("floor:load", ""))
    plan += [(f"floor:query:{name}", "") for name in queries or []]
    plan.append(("floor:serialize", ""))
    return plan


def query_names(root: Path) -> list[str] | None:
    if find_spec("survey_kg.query") is None:
        return None
    from .query import list_queries
    from .resources import Survey as Folder

    return [q.name for q in list_queries(Folder(root))]


def _engines() -> tuple[str, ...]:
    from . import validate

    return tuple(getattr(validate, "ENGINES", ()))


def _commands() -> set[str]:
    from .cli import main

    return set(main.commands)


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


# ------------------------------------------------------------------ running stages

def run_benchmark(sizes: list[str], out: Path, repeat: int = 5, seed: int = DEFAULT_SEED,
                  timeout: float = DEFAULT_TIMEOUT_S, budget: float = DEFAULT_BUDGET_S,
                  references: bool = True, progress=None) -> dict:
    """Run every stage for every size; write out/bench.json and out/bench.md; return the results.

    `references`: also time the reference SHACL engines. `progress(message)` is called before each
    stage (the command line prints it)."""
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda message: None)
    results: list[StageResult] = []
    surveys: list[BenchSurvey] = []
    for size in sizes:
        say(f"[{size}] preparing the survey")
        survey = prepare(size, out, seed, timeout)
        surveys.append(survey)
        server = None
        try:
            for stage, skipped in stages(survey, references):
                if skipped:
                    results.append(StageResult(size, stage, "skipped", skipped))
                    continue
                if stage == "publish":
                    server = OxigraphServer(out / "oxigraph" / size).start()
                say(f"[{size}] {stage}")
                results.append(run_stage(stage, survey, out, repeat, timeout, budget, server))
                if stage == "load" and results[-1].status == "ok":
                    detail = results[-1].runs[0].detail
                    survey.triples, survey.papers = detail["triples"], detail["papers"]
                # written after every stage, so a long run stopped halfway keeps what it measured
                _write(out, _meta(repeat, seed, timeout, budget, references), surveys, results)
        finally:
            if server:
                server.stop()
    return _write(out, _meta(repeat, seed, timeout, budget, references), surveys, results)


def _write(out: Path, meta: dict, surveys: list, results: list) -> dict:
    from .files import atomic_write

    report = {"meta": meta, "surveys": [_survey_json(s) for s in surveys],
              "results": [_result_json(r) for r in results]}
    atomic_write(out / "bench.json", json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    atomic_write(out / "bench.md", to_markdown(report))
    return report


def run_stage(stage: str, survey: BenchSurvey, out: Path, repeat: int, timeout: float,
              budget: float = DEFAULT_BUDGET_S, server: "OxigraphServer | None" = None
              ) -> StageResult:
    """Up to `repeat` runs of a stage, fewer once they took `budget` seconds in all."""
    result = StageResult(survey.size, stage, "ok")
    spent = 0.0
    for n in range(repeat):
        if spent >= budget:
            break
        log = out / "logs" / survey.size / f"{stage.replace(':', '-')}-{n + 1}.log"
        if stage in COMMAND_STAGES:
            command = _cli_command(stage, survey.root, timeout, server)
            run = _spawn(command, survey.root, log, timeout)
            if run.status == "ok":
                run.wall_s, run.detail = run.process_s, _command_detail(log)
        else:
            extra = [str(p) for p in survey.pages] if stage == "import" else []
            run = _spawn(_worker_command(stage, survey.root, extra), survey.root, log, timeout)
        result.runs.append(run)
        spent += run.process_s or timeout
        if run.status != "ok":
            result.status, result.note = run.status, run.note
            break
    return result


def _worker_command(stage: str, root: Path, extra: list[str]) -> list[str]:
    code = "import sys; from survey_kg.bench import worker; worker(sys.argv[1:])"
    return [sys.executable, "-c", code, stage, str(root), *extra]


def _cli_command(stage: str, root: Path, timeout: float, server) -> list[str]:
    """The `survey-kg` command of a stage, as a user runs it (dumps go to the survey's dist/)."""
    base = [sys.executable, "-m", "survey_kg.cli", "--root", str(root)]
    if stage == "publish":
        return base + ["publish", "--endpoint", server.query_url, "--timeout", f"{timeout:.0f}"]
    return base + [stage]


STAGE_LINE = re.compile(r"^(?P<name>[\w-]+): (?P<detail>.*) \((?P<seconds>[0-9.]+) s\)$")


def _command_detail(log: Path) -> dict:
    """The per-stage timings a command reports (`build` prints 'validate: ... (1.23 s)')."""
    lines = log.read_text(errors="replace").splitlines()
    stages = {m["name"]: float(m["seconds"]) for line in lines if (m := STAGE_LINE.match(line))}
    return {"stages_s": stages} if stages else {}


def _spawn(command: list[str], cwd: Path, log: Path, timeout: float) -> Run:
    """Run one process; its wall time, peak RSS (from the kernel) and, for a worker, its report."""
    log.parent.mkdir(parents=True, exist_ok=True)
    report = log.with_suffix(".json")
    report.unlink(missing_ok=True)
    env = dict(os.environ, SURVEY_KG_MAX_INPUT_BYTES=INPUT_LIMIT,
               SURVEY_KG_BENCH_REPORT=str(report))
    cwd.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        timed_out = threading.Event()

        def stop():
            timed_out.set()
            os.killpg(process.pid, 9)

        timer = threading.Timer(timeout, stop)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if timed_out.is_set():
        return Run("timeout", note=f"stopped after {timeout:.0f} s")
    # ru_maxrss is in kilobytes on Linux
    run = Run("ok", process_s=elapsed, rss_mb=usage.ru_maxrss / 1024)
    if process.returncode != 0:
        tail = log.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
        return Run("error", process_s=elapsed, note=f"exit {process.returncode}: {tail[0][:300]}")
    if report.exists():
        data = json.loads(report.read_text())
        run.wall_s, run.setup_s, run.detail = data["wall_s"], data["setup_s"], data["detail"]
    return run


# ------------------------------------------------------------------ inside the stage's process

def worker(argv: list[str]) -> None:
    """Run one stage in this (fresh) process and write its timing to $SURVEY_KG_BENCH_REPORT.

    Set-up (imports, loading the graph a stage works on, reading the query) is timed apart from
    the stage itself."""
    stage, root, extra = argv[0], Path(argv[1]), argv[2:]
    started = time.perf_counter()
    kind = ":".join(stage.split(":")[:2]) if stage.startswith("floor:") else stage.split(":")[0]
    task = _STAGES[kind](stage, root, extra)
    setup_s = time.perf_counter() - started
    started = time.perf_counter()
    detail = task()
    wall_s = time.perf_counter() - started
    report = {"wall_s": wall_s, "setup_s": setup_s, "detail": detail}
    Path(os.environ["SURVEY_KG_BENCH_REPORT"]).write_text(json.dumps(report))


# Each stage below does its set-up and returns the work to time, a function returning details.

def _generate(stage, root, extra):
    from .synth import write_survey

    return lambda: {"papers": len(write_survey(root, int(extra[0]), int(extra[1])).papers)}


def _import(stage, root, extra):
    from .importer import import_pages

    def task():
        result = import_pages(extra)
        return {"papers": result.papers, "triples": len(result.graph),
                "findings": len(result.findings)}
    return task


def _load(stage, root, extra):
    import pyoxigraph as ox
    from rdflib.namespace import RDF

    from .namespaces import SCHEMA

    def task():
        store = _graph(root)
        papers = store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)),
                                         ox.NamedNode(str(SCHEMA.ScholarlyArticle)))
        return {"triples": len(store), "papers": sum(1 for _ in papers)}
    return task


def _graph(root: Path):
    """The survey's graph as the tool holds it: an Oxigraph store (survey_kg.build)."""
    from .load import load_store

    return load_store([root / "data"])


def _validate(stage, root, extra):
    from .load import load_files
    from .validate import DEFAULT_ENGINE, validate

    engine = {"engine": stage.split(":", 1)[1]} if ":" in stage else {}
    # the engines with pyshacl's API take an rdflib graph; loading it is set-up, not validation
    graph = _graph(root) if engine.get("engine", DEFAULT_ENGINE) == DEFAULT_ENGINE \
        else load_files([root / "data"])

    def task():
        report = validate(graph, **engine)
        return {"violations": len(report.violations), "warnings": len(report.warnings), **engine}
    return task


def _query(stage, root, extra):
    from . import query as q
    from .resources import Survey as Folder

    # as `survey-kg query` and `readme` do: Oxigraph evaluates, on the store the build loaded
    store = _graph(root)
    query = q.find_query(stage.split(":", 1)[1], Folder(root))
    return lambda: {"rows": len(q.run(store, query))}


def _serialize(stage, root, extra):
    from .export import to_turtle

    graph = _graph(root)
    return lambda: {"bytes": len(to_turtle(graph).encode("utf-8"))}


def _floor_store(root: Path):
    """Every Turtle file of data/ parsed by Oxigraph into one in-memory store.

    `Store.load` per file: with thousands of small files it is faster than `bulk_load` per file
    or `bulk_extend` of all parsed files (0.75 s against 1.04 s for 2,000 papers)."""
    import pyoxigraph as ox

    store = ox.Store()
    for path in sorted((root / "data").rglob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def _floor_load(stage, root, extra):
    import pyoxigraph  # noqa: F401  (imported in set-up, like rdflib for the load stage)

    return lambda: {"triples": len(_floor_store(root))}


def _floor_query(stage, root, extra):
    from . import query as q
    from .namespaces import PREFIXES
    from .resources import Survey as Folder

    text = q.find_query(stage.split(":", 2)[2], Folder(root)).text
    prefixes = {k: str(v) for k, v in PREFIXES.items()}
    store = _floor_store(root)
    # every value of every row is read, as rdflib's rows are built in full
    return lambda: {"rows": len([tuple(row) for row in store.query(text, prefixes=prefixes)])}


def _floor_serialize(stage, root, extra):
    import pyoxigraph as ox

    from .namespaces import PREFIXES

    prefixes = {k: str(v) for k, v in PREFIXES.items()}
    store = _floor_store(root)
    return lambda: {"bytes": len(store.dump(format=ox.RdfFormat.TURTLE,
                                            from_graph=ox.DefaultGraph(), prefixes=prefixes))}


_STAGES = {"generate": _generate, "import": _import, "load": _load, "validate": _validate,
           "query": _query, "serialize": _serialize, "floor:load": _floor_load,
           "floor:query": _floor_query, "floor:serialize": _floor_serialize}


# ------------------------------------------------------------------ a local Oxigraph server

class OxigraphServer:
    """`oxigraph serve` on a free loopback port with its store in a fresh folder (for publish)."""

    def __init__(self, folder: Path):
        self.folder = folder
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.query_url = f"http://127.0.0.1:{self.port}/query"
        self.process: subprocess.Popen | None = None

    def start(self, ready_within_s: float = 30.0) -> "OxigraphServer":
        import urllib.error
        import urllib.request

        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True)
        with open(self.folder / "server.log", "wb") as log:
            self.process = subprocess.Popen(
                [oxigraph_binary(), "serve", "--location", str(self.folder / "store"),
                 "--bind", f"127.0.0.1:{self.port}", "--union-default-graph"],
                stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + ready_within_s
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(self.query_url + "?query=ASK%7B%7D", timeout=1):
                    return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"oxigraph did not start: see {self.folder / 'server.log'}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# ------------------------------------------------------------------ the report

def _meta(repeat: int, seed: int, timeout: float, budget: float, references: bool) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in ("rdflib", "pyshacl", "pyshacl-turbo", "pyoxigraph", "oxrdflib"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:  # optional engines: listed when installed
            pass
    return {"python": platform.python_version(), "machine": platform.machine(),
            "cpus": os.cpu_count(), "versions": versions, "allocator": _allocator(),
            "repeat": repeat, "seed": seed,
            "timeout_s": timeout, "budget_s": budget, "references": references,
            "date": time.strftime("%Y-%m-%d")}


def _allocator() -> str:
    """The allocator the survey-kg commands run under (docs/decisions/0021-mimalloc.md)."""
    from importlib.metadata import PackageNotFoundError, version

    from .allocator import ENV, restart_args

    restarted = os.environ.get(ENV) == "mimalloc" and "libmimalloc" in os.environ.get(
        "LD_PRELOAD", "")  # the benchmark run by a restarted command: its own are too
    if not restarted and restart_args(dict(os.environ), [sys.executable], sys.executable) is None:
        return "the C library's malloc"
    try:
        return f"mimalloc (cmeel-mimalloc {version('cmeel-mimalloc')})"
    except PackageNotFoundError:  # the library found on the path without its package's metadata
        return "mimalloc"


def _survey_json(survey: BenchSurvey) -> dict:
    return {"size": survey.size, "root": str(survey.root), "papers": survey.papers,
            "triples": survey.triples, "generate_s": survey.generate_s}


def _result_json(result: StageResult) -> dict:
    return {"size": result.size, "stage": result.stage, "status": result.status,
            "note": result.note, "wall_s": result.wall_s, "process_s": result.process_s,
            "rss_mb": result.rss_mb, "runs": [asdict(r) for r in result.runs]}


def floor_of(stage: str) -> str | None:
    if stage in ("load", "serialize") or stage.startswith("query:"):
        return "floor:" + stage
    return None


def ratios(report: dict) -> dict[tuple[str, str], float]:
    """(size, stage) -> the stage's wall over its floor's, for stages with a floor."""
    by = {(r["size"], r["stage"]): r for r in report["results"]}
    out = {}
    for (size, stage), r in by.items():
        if r["status"] != "ok":
            continue
        if stage == "build":
            floor = floor_total(report, size)
        else:
            floor_result = by.get((size, floor_of(stage) or ""))
            ok = floor_result and floor_result["status"] == "ok"
            floor = floor_result["wall_s"] if ok else None
        if floor and r["wall_s"]:
            out[size, stage] = r["wall_s"] / floor
    return out


def floor_total(report: dict, size: str) -> float | None:
    """A pyoxigraph script doing what build does with data: start, load, every query, serialize."""
    floors = [r for r in report["results"] if r["size"] == size and r["stage"].startswith("floor:")]
    if not floors or any(r["status"] != "ok" for r in floors):
        return None
    return sum(r["process_s"] if r["stage"] == "floor:load" else r["wall_s"] for r in floors)


def to_markdown(report: dict) -> str:
    meta = report["meta"]
    sizes = [s["size"] for s in report["surveys"]]
    stage_order = list(dict.fromkeys(r["stage"] for r in report["results"]))
    by = {(r["size"], r["stage"]): r for r in report["results"]}
    ratio = ratios(report)
    lines = ["# survey-kg benchmark", "",
             f"Python {meta['python']} on {meta['machine']} ({meta['cpus']} CPUs); "
             + ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
             + (f"; survey-kg commands under {meta['allocator']}" if "allocator" in meta else "")
             + f"; median of {meta['repeat']} run(s), each in a fresh process (n=k: a stage "
             f"stopped after k runs that took over {meta['budget_s']:.0f} s in all); "
             f"seed {meta['seed']}; {meta['date']}.", "",
             "| size | papers | triples | generated in s |", "| --- | ---: | ---: | ---: |"]
    for s in report["surveys"]:
        lines.append(f"| {s['size']} | {_num(s['papers'])} | {_num(s['triples'])} | "
                     f"{_sec(s['generate_s'])} |")
    head = ["stage"] + [f"{size}: {col}" for size in sizes
                        for col in ("wall s", "process s", "RSS MB", "× floor")]
    lines += ["", "| " + " | ".join(head) + " |", "| --- |" + " ---: |" * (len(head) - 1)]
    for stage in stage_order:
        cells = [stage]
        for size in sizes:
            r = by.get((size, stage))
            if r is None or r["status"] != "ok":
                text = "—" if r is None else r["status"]
                cells += [text, "", "", ""]
                continue
            x = ratio.get((size, stage))
            runs = len(r["runs"])
            fewer = f" (n={runs})" if runs < meta["repeat"] else ""
            cells += [_sec(r["wall_s"]) + fewer, _sec(r["process_s"]), _num(r["rss_mb"]),
                      f"{x:.1f}×" if x else ""]
        lines.append("| " + " | ".join(cells) + " |")
    totals = [floor_total(report, size) for size in sizes]
    lines.append("| floor total | " + " | ".join(f"{_sec(t)} | | |" for t in totals) + " |")
    lines += ["", "wall: the stage inside its process, after set-up (loading the graph for "
              "validate, queries and serialize); for readme, export, build and publish, run as "
              "`survey-kg` commands, the whole process. process: start to exit. RSS: peak resident "
              "memory of the process (for build, of the larger of it and the child it forks, "
              "which shares the loaded graph copy-on-write; the kernel reports no sum). "
              "× floor: wall over pyoxigraph's wall for the same work "
              "(load: parse into a Store; each query; serialize: Turtle); build is compared with "
              "the floor total (pyoxigraph process loading the data, plus every query and the "
              "Turtle serialization)."]
    notes = [r for r in report["results"] if r["status"] != "ok"]
    if notes:
        lines += ["", "Not measured:", ""]
        lines += [f"- {r['size']} {r['stage']}: {r['status']} — {r['note']}" for r in notes]
    options = (f" --repeat {meta['repeat']} --seed {meta['seed']} --timeout {meta['timeout_s']:g}"
               f" --budget {meta['budget_s']:g}")
    if not meta.get("references", True):
        options += " --no-references"
    lines += ["", "Reproduce: `python -m survey_kg.bench --sizes " + ",".join(sizes) + options
              + "`", ""]
    return "\n".join(lines)


def _sec(value) -> str:
    if value is None:
        return ""
    return f"{value:.3f}" if value < 1 else f"{value:.2f}" if value < 100 else f"{value:.0f}"


def _num(value) -> str:
    return "" if value is None else f"{value:,.0f}"


# ------------------------------------------------------------------ command line

@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--sizes", default=DEFAULT_SIZES, show_default=True,
              help="Comma-separated: 'real' (this repository's survey) and paper counts of "
                   "synthetic surveys.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("bench-results"), show_default=True,
              help="Where results, logs and cached surveys go.")
@click.option("--repeat", type=click.IntRange(min=1), default=5, show_default=True,
              help="Runs per stage, each in a fresh process; the table shows the median.")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True,
              help="Seed of the synthetic surveys.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIMEOUT_S,
              show_default=True, help="Seconds before a run is stopped and recorded as a timeout.")
@click.option("--budget", type=click.FloatRange(min=0), default=DEFAULT_BUDGET_S,
              show_default=True, help="Seconds of runs after which a stage stops repeating.")
@click.option("--references/--no-references", default=True, show_default=True,
              help="Also time the other SHACL engines (pyshacl-turbo and pyshacl, the reference; "
                   "minutes from a thousand papers on).")
@click.option("--quick", is_flag=True,
              help=f"A smoke test: sizes {QUICK_SIZES}, one run per stage, a timeout of at most "
                   f"{QUICK_TIMEOUT_S:.0f} s, no reference SHACL engine.")
def main(sizes, out, repeat, seed, timeout, budget, references, quick):
    """Time every survey-kg stage per survey size, against pyoxigraph's floor.

    Writes OUT/bench.json and OUT/bench.md and prints the table.

    \b
    Examples:
      python -m survey_kg.bench --quick
      python -m survey_kg.bench --sizes real,1000,10000 --repeat 3 --out bench
    """
    if quick:
        sizes, repeat, timeout = QUICK_SIZES, 1, min(timeout, QUICK_TIMEOUT_S)
    chosen = [s.strip() for s in sizes.split(",") if s.strip()]
    for size in chosen:
        if size != "real" and not (size.isdigit() and int(size) > 0):
            raise click.BadParameter(f"{size!r} is neither 'real' nor a number of papers",
                                     param_hint="--sizes")
    try:
        report = run_benchmark(chosen, out, repeat, seed, timeout, budget,
                               references=references and not quick,
                               progress=lambda message: click.echo(message, err=True))
    except SurveyKGError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(to_markdown(report), nl=False)
    click.echo(f"wrote {out / 'bench.json'} and {out / 'bench.md'}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main(prog_name="python -m survey_kg.bench")
