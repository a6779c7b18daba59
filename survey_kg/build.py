"""The main job: load the survey, validate it, regenerate its READMEs, write the dumps.

The graph is loaded once and validated once; every later stage gets that same graph. Nothing is
written when validation finds a violation.

The graph lives in an in-memory Oxigraph store: the SHACL shapes run on it as SPARQL queries
(survey_kg.shacl), the README queries run on it, and the dumps are written from it. `plain=True`
builds the same survey the plain way instead (an rdflib graph, pyshacl, the reference engine), and
tests/test_build.py checks both write the same bytes. See docs/decisions/0012-fast-validation.md.

On a machine with two cores or more, validation runs in a forked process while the READMEs are
rendered (not written) here: the two longest stages overlap, and nothing is written before the
report says the graph conforms (docs/decisions/0015-validate-beside-the-readme.md).

Progress is reported through a callback (the library never prints): `on_stage(Stage)` is called
when a stage starts and when it ends.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyoxigraph as ox
from rdflib import Graph

from .dataset import Statistics
from .errors import ValidationFailed
from .export import Dump, default_folder, write_dump
from .files import atomic_write
from .load import load_files, load_store, turtle_files
from .resources import Survey
from .validate import Report, validate

STAGES = ("load", "validate", "readme", "export")
RENDER_MODULE = "survey_kg.render"


@dataclass(frozen=True)
class Stage:
    name: str
    status: str  # "start", "done" or "skipped"
    detail: str = ""
    seconds: float = 0.0


@dataclass
class BuildResult:
    survey: Survey
    graph: Graph | ox.Store
    report: Report
    readmes: list[Path]
    dump: Dump
    stages: list[Stage] = field(default_factory=list)
    seconds: float = 0.0  # the whole build, wall clock (stages may overlap)

    @property
    def statistics(self) -> Statistics:
        return self.dump.statistics


class BuildStopped(ValidationFailed):
    """The graph violates the shapes; nothing was written. `report` holds the results."""

    def __init__(self, report: Report):
        super().__init__(f"{len(report.violations)} violation(s): the build stopped before "
                         "writing anything",
                         hint="fix them (survey-kg validate shows the same report) and build again")
        self.report = report


def _readme_renderer():
    """survey_kg.render.readme_updates, or None while that module does not exist. An import error
    inside the module (a missing dependency, a typo) is not hidden."""
    try:
        module = importlib.import_module(RENDER_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != RENDER_MODULE:
            raise
        return None
    return module.readme_updates


class _Stages:
    """Times the stages and tells the caller about them."""

    def __init__(self, on_stage: Callable[[Stage], None] | None):
        self.on_stage = on_stage or (lambda stage: None)
        self.done: list[Stage] = []
        self.started: dict[str, float] = {}

    def start(self, name: str) -> None:
        self.started[name] = time.perf_counter()
        self.on_stage(Stage(name, "start"))

    def end(self, name: str, detail: str, status: str = "done",
            seconds: float | None = None) -> None:
        """`seconds`: the stage's own work, when it is not the time since it started (stages
        that overlap)."""
        if seconds is None:
            seconds = time.perf_counter() - self.started[name] if status == "done" else 0.0
        stage = Stage(name, status, detail, seconds)
        self.done.append(stage)
        self.on_stage(stage)


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def in_background(function, *args, **kwargs) -> Callable[[], tuple[object, float]]:
    """Start `function(*args, **kwargs)` in a forked process (its arguments are shared
    copy-on-write, not copied); return a call that waits for its result and the seconds the
    function took.

    With one core, or no fork (not POSIX), it runs here and now. A child that dies or fails
    without an answer (out of memory, an error) is not trusted: the function then runs here,
    where an error is raised as usual."""
    if _cores() < 2 or "fork" not in multiprocessing.get_all_start_methods():
        answer = _timed(function, args, kwargs)
        return lambda: answer
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, function, args, kwargs), daemon=True)
    child.start()
    sender.close()  # the child holds the only writing end: when it ends, the pipe ends

    def wait():
        try:
            answer = receiver.recv()
        except EOFError:
            answer = None
        finally:
            receiver.close()
            child.join()
        return _timed(function, args, kwargs) if answer is None else answer
    return wait


def _timed(function, args, kwargs) -> tuple[object, float]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def _child(connection, function, args, kwargs) -> None:
    # Ctrl-C goes to the whole process group: the parent stops, and ends its daemon children
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        connection.send(_timed(function, args, kwargs))
    except BaseException:
        pass  # no answer: the parent runs the function itself and reports the error
    finally:
        connection.close()


def build(survey: Survey, on_stage: Callable[[Stage], None] | None = None,
          out: Path | str | None = None, plain: bool = False) -> BuildResult:
    """Build `survey`: dumps go to `out` (default: the survey's dist/ folder).

    Raises BuildStopped (a ValidationFailed, exit 1) when the graph has violations, InputError when
    the data cannot be read."""
    began = time.perf_counter()
    folder = Path(out) if out is not None else default_folder(survey)
    stages = _Stages(on_stage)

    stages.start("load")
    files = turtle_files([survey.data])
    graph = load_files(files) if plain else load_store(files)
    stages.end("load", f"{len(graph)} triples from {len(files)} files")

    stages.start("validate")
    report_of = in_background(validate, graph, engine="pyshacl" if plain else "oxigraph")
    render = _readme_renderer()
    rendering = time.perf_counter()
    try:
        updates = render(graph, survey) if render is not None else []
    except Exception:
        _stop_unless_conforms(report_of()[0])  # a violation is reported first, as without overlap
        raise
    rendered_in = time.perf_counter() - rendering
    report, validated_in = report_of()
    stages.end("validate", f"{len(report.violations)} violation(s), "
                           f"{len(report.warnings)} warning(s)", seconds=validated_in)
    _stop_unless_conforms(report)

    stages.start("readme")
    writing = time.perf_counter()
    if render is None:
        readmes = []
        stages.end("readme", f"{RENDER_MODULE} not available", status="skipped")
    else:
        readmes = [path for path, old, new in updates if new != old]
        for path, old, new in updates:
            if new != old:
                atomic_write(path, new)
        stages.end("readme", f"{len(readmes)} README file(s) changed",
                   seconds=rendered_in + time.perf_counter() - writing)

    stages.start("export")
    dump = write_dump(graph, folder)
    stages.end("export", f"{len(dump.files)} files in {folder}, {len(dump.changed)} changed")
    return BuildResult(survey, graph, report, readmes, dump, stages.done,
                       time.perf_counter() - began)


def _stop_unless_conforms(report: Report) -> None:
    if not report.conforms:
        raise BuildStopped(report)
