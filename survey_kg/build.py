"""The main job: load the survey, validate it, regenerate its READMEs, write the dumps.

The graph is loaded once and validated once; every later stage gets that same graph. Nothing is
written when validation finds a violation.

The graph lives in an in-memory Oxigraph store: the SHACL shapes run on it as SPARQL queries
(survey_kg.shacl), the README queries run on it, and the dumps are written from it. `plain=True`
builds the same survey the plain way instead (an rdflib graph, pyshacl, the reference engine), and
tests/test_build.py checks both write the same bytes. See docs/decisions/0012-fast-validation.md.

On a machine with two cores or more, a forked process validates the graph and then writes the
dump beside its files, while the READMEs are rendered here, each streamed to a temporary file
beside it (a README of a large survey is not held in memory whole): the longest stages overlap.
Nothing is put in place before the report says the graph conforms; the READMEs are renamed into
place once the dump is ready, and the dump files after them; what was not put in place is
removed (docs/decisions/0015-validate-beside-the-readme.md, 0016-dump-staged-beside-the-readme.md).
The child says whether the graph conforms as soon as validation ends, and the rendering, which
checks for that answer between the pieces it writes, stops at a violation; a README error after
a "conforms" stops the child (and its dump) instead of waiting for it.

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

from .children import start_child
from .dataset import Statistics
from .errors import ValidationFailed
from .export import Dump, StagedDump, default_folder, stage_dump, write_dump
from .files import commit_all
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
    """survey_kg.render.stage_readmes, or None while that module does not exist. An import error
    inside the module (a missing dependency, a typo) is not hidden."""
    try:
        module = importlib.import_module(RENDER_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != RENDER_MODULE:
            raise
        return None
    return module.stage_readmes


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


class _Checker:
    """Validation, then the dump written beside its files (`export.stage_dump`), in a forked
    process while the READMEs are rendered here; the dump is put in place (`commit`) only after
    the READMEs are. Nothing is put in place before the report says the graph conforms.

    With one core, or no fork (not POSIX), the same steps run here, in the same order. A child
    that dies or fails without an answer (out of memory, an error) is not trusted: the step it
    did not answer runs here, where an error is raised as usual."""

    def __init__(self, graph, engine: str, folder: Path):
        self.graph, self.engine, self.folder = graph, engine, folder
        self.staged: StagedDump | None = None  # staged here, not in the child
        self.staged_in: float | None = None  # seconds the dump took to stage, once staged
        self.conforms: bool | None = None  # the child's verdict, once it has said
        self.committing = False  # told the child to put the dump in place
        self._report: tuple[Report, float] | None = None
        self.connection = self.child = None
        if _cores() >= 2 and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self.connection, theirs = context.Pipe()
            self.child = context.Process(target=_check, daemon=True, args=(
                theirs, self.connection, os.getpid(), graph, engine, folder))
            self.child.start()
            theirs.close()  # the child holds the only other end: when it ends, the pipe ends

    def check(self) -> None:
        """Raise BuildStopped if the child has found a violation; return at once otherwise. The
        READMEs are rendered with this called between their pieces, so that a graph with a
        violation stops the build when validation ends, not when the READMEs are rendered
        (minutes apart on a large survey)."""
        if self.conforms is None and self.connection is not None and self._ready() \
                and self.verdict() is False:
            _stop_unless_conforms(self.report()[0])

    def verdict(self) -> bool | None:
        """Whether the child found that the graph conforms (waiting for it to say so), or None
        when no child answers (`report` then validates here)."""
        if self.conforms is None and self.connection is not None:
            self.conforms = self._receive()
        return self.conforms

    def report(self) -> tuple[Report, float]:
        """The validation report and the seconds validation took."""
        if self._report is None:
            self.verdict()  # the verdict comes first, the report after it
            answer = self._receive()
            if answer is None:
                self._report = _timed(validate, self.graph, engine=self.engine)
            else:
                report, seconds, self.staged_in = answer
                self._report = (report, seconds)
        return self._report

    def _ready(self) -> bool:
        try:
            return self.connection.poll()
        except (EOFError, OSError):
            return True  # the child is gone: _receive says so

    def stage(self) -> float:
        """Wait until every dump file is written beside its place; the seconds that took."""
        if self.staged_in is None:  # not staged by the child
            self.close()
            self.staged, self.staged_in = _timed(stage_dump, self.graph, self.folder)
        return self.staged_in

    def commit(self) -> Dump:
        """Put the dump files in place."""
        if self.staged is not None:
            return self.staged.commit()
        try:
            self.committing = True
            self.connection.send("commit")
        except OSError:
            pass  # the child is gone: _receive says so
        dump = self._receive()
        return dump if dump is not None else write_dump(self.graph, self.folder)

    def close(self) -> None:
        """Remove what was staged and not committed, and wait for the child to end."""
        if self.staged is not None:
            self.staged.discard()
        if self.connection is not None:
            self.connection.close()  # a child waiting for "commit" discards its files and ends
            if not self.committing:
                self.child.terminate()  # one still writing the dump stops, and removes it
            self.child.join()
            self.connection = None

    def _receive(self):
        if self.connection is None:
            return None
        try:
            return self.connection.recv()
        except (EOFError, OSError):
            self.close()  # the child ended without an answer: the rest runs here
            return None


def _check(connection, parents_end, parent: int, graph, engine: str, folder: Path) -> None:
    """In the child: validate; send the verdict (whether the graph conforms: a few bytes, which
    the parent reads while it renders); if it conforms, stage the dump; send (report, seconds
    validating, seconds staging or None) (the report may be megabytes: sent once the dump is
    staged, it cannot hold the child on a full pipe); then commit the dump when told to and send
    the Dump. On an error it stops answering (or, for the dump, says None): the parent does the
    rest."""
    parents_end.close()  # forked with both ends: the pipe ends only when no one else holds it
    start_child(parent)
    signal.signal(signal.SIGTERM, _stop)  # the parent's build failed: the finally clauses run
    staged = staged_in = None
    try:
        report, validated_in = _timed(validate, graph, engine=engine)
        connection.send(report.conforms)
        if report.conforms:
            try:
                staged, staged_in = _timed(stage_dump, graph, folder)
            except Exception:
                pass  # the parent stages it again, and reports the error
        connection.send((report, validated_in, staged_in))
        if staged is not None and connection.recv() == "commit":
            connection.send(staged.commit())
    except BaseException:
        pass  # no answer: the parent does the rest itself and reports the error
    finally:
        if staged is not None:
            staged.discard()  # what was not committed
        connection.close()


def _stop(signum, frame) -> None:
    raise SystemExit(1)


def _timed(function, *args, **kwargs) -> tuple[object, float]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


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
    staged_readmes: list = []
    checker = _Checker(graph, "pyshacl" if plain else "oxigraph", folder)
    try:
        render = _readme_renderer()
        rendering = time.perf_counter()
        try:
            staged_readmes = render(graph, survey, check=checker.check) \
                if render is not None else []
        except Exception:
            if checker.verdict() is not True:  # a violation is reported first
                _stop_unless_conforms(checker.report()[0])
            raise
        rendered_in = time.perf_counter() - rendering
        report, validated_in = checker.report()
        stages.end("validate", f"{len(report.violations)} violation(s), "
                               f"{len(report.warnings)} warning(s)", seconds=validated_in)
        _stop_unless_conforms(report)
        staged_in = checker.stage()  # a dump that cannot be written stops the build here

        stages.start("readme")
        writing = time.perf_counter()
        if render is None:
            readmes = []
            stages.end("readme", f"{RENDER_MODULE} not available", status="skipped")
        else:
            readmes = commit_all(staged_readmes)
            stages.end("readme", f"{len(readmes)} README file(s) changed",
                       seconds=rendered_in + time.perf_counter() - writing)

        stages.start("export")
        committing = time.perf_counter()
        dump = checker.commit()
        stages.end("export", f"{len(dump.files)} files in {folder}, {len(dump.changed)} changed",
                   seconds=staged_in + time.perf_counter() - committing)
    finally:
        for staged in staged_readmes:
            staged.discard()  # what was not committed (a violation, an error)
        checker.close()
    return BuildResult(survey, graph, report, readmes, dump, stages.done,
                       time.perf_counter() - began)


def _stop_unless_conforms(report: Report) -> None:
    if not report.conforms:
        raise BuildStopped(report)
