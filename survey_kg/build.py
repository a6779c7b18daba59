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
A share of the checks runs here before the rendering, so that both processes end about together
(docs/decisions/0019-validation-in-two-shares.md). The dump's lines are written as N-Triples by a
second thread while the store loads (in memory, or for a large survey in a nameless file in its
folder), and the child sorts them instead of reading the store back
(docs/decisions/0020-dump-lines-beside-the-load.md).
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

from . import shacl
from .children import start_child
from .dataset import Statistics
from .errors import ValidationFailed
from .export import Dump, StagedDump, default_folder, stage_dump, write_dump
from .files import commit_all
from .load import load_files, load_store, load_store_and_ntriples, release_ntriples, \
    shapes as load_shapes, turtle_files
from .resources import Survey
from .validate import Report, compile_checks, report_of, validate

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


def _forks() -> bool:
    """Whether validation and the dump run in a forked process (see `_Checker`)."""
    return _cores() >= 2 and "fork" in multiprocessing.get_all_start_methods()


PARENT_SHARE = 5  # the parent validates every 5th check before it renders (decision 0019)


def _in_parents_share(index: int, check: shacl.Check) -> bool:
    """Whether check number `index` of the compiled shapes runs in the parent, before it renders:
    every PARENT_SHARE-th, but for closed-shape checks, which all run in the child (they share
    one scan of the predicates, see `shacl.run`)."""
    return index % PARENT_SHARE == 0 and check.allowed is None


def _validate_share(graph, engine: str, shapes: Graph, parents: bool):
    """Validate the parent's or the child's share of the shapes' checks: the findings of
    `shacl.run`. An engine that validates as a whole (pyshacl; shapes the SPARQL checks cannot
    express, "turbo") is the child's share alone, whose result is then the Report."""
    checks = compile_checks(graph, shapes) if engine == "oxigraph" else None
    if checks is None:
        return [] if parents else validate(graph, shapes, engine=engine)
    return shacl.run(graph, [check for index, check in enumerate(checks)
                             if _in_parents_share(index, check) == parents])


def _conforms(share) -> bool:
    return share.conforms if isinstance(share, Report) else shacl.conforms(share)


class _Checker:
    """Validation in two shares (`_validate_share`): the child's in a forked process, which then
    writes the dump beside its files (`export.stage_dump`) while the READMEs are rendered here,
    and the parent's, run here before rendering (the child's work is the longer: a share moved
    to the parent ends the build sooner). The child stages the dump only once the parent's share
    conforms ("go"); the dump is put in place (`commit`) only after the READMEs are. Nothing is
    put in place before the report, made of both shares, says the graph conforms.

    With one core, or no fork (not POSIX), both shares run here, before rendering, and the rest
    in the same order. A child that dies or fails without an answer (out of memory, an error) is
    not trusted: the step it did not answer runs here, where an error is raised as usual."""

    def __init__(self, graph, engine: str, folder: Path,
                 on_report: Callable[[Report, float], None] | None = None,
                 ntriples: list | None = None):
        self.graph, self.engine, self.folder = graph, engine, folder
        self.on_report = on_report or (lambda report, seconds: None)  # once, when it is made
        self.shapes = load_shapes()
        self.staged: StagedDump | None = None  # staged here, not in the child
        self.staged_in: float | None = None  # seconds the dump took to stage, once staged
        self.conforms: bool | None = None  # the child's verdict on its share, once it has said
        self.committing = False  # told the child to put the dump in place
        self.own: list | None = None  # the findings of the parent's share, once validated
        self.own_in = 0.0
        self._report: tuple[Report, float] | None = None
        self.connection = self.child = None
        if _forks():
            context = multiprocessing.get_context("fork")
            self.connection, theirs = context.Pipe()
            self.child = context.Process(target=_check, daemon=True, args=(
                theirs, self.connection, os.getpid(), graph, engine, self.shapes, folder,
                ntriples))
            self.child.start()
            theirs.close()  # the child holds the only other end: when it ends, the pipe ends
        release_ntriples(ntriples)  # the child's copy is its own; here they would take memory

    def validate_own_share(self) -> None:
        """Validate the parent's share and tell the child whether to stage the dump; raise
        BuildStopped, with the whole report, at a violation. With no child, validate it all."""
        if not _conforms(self._own()) or self.connection is None:
            _stop_unless_conforms(self.report()[0])

    def _own(self) -> list:
        if self.own is None:
            self.own, self.own_in = _timed(_validate_share, self.graph, self.engine, self.shapes,
                                           parents=True)
            self._send("go" if _conforms(self.own) else "stop")
        return self.own

    def check(self) -> None:
        """Raise BuildStopped if the child has found a violation; return at once otherwise. The
        READMEs are rendered with this called between their pieces, so that a graph with a
        violation stops the build when validation ends, not when the READMEs are rendered
        (minutes apart on a large survey)."""
        if self.conforms is None and self.connection is not None and self._ready() \
                and self.verdict() is False:
            _stop_unless_conforms(self.report()[0])

    def verdict(self) -> bool | None:
        """Whether the child found that its share conforms (waiting for it to say so), or None
        when no child answers (`report` then validates its share here)."""
        if self.conforms is None and self.connection is not None:
            self.conforms = self._receive()
        return self.conforms

    def report(self) -> tuple[Report, float]:
        """The validation report of both shares and the seconds validation took (both shares)."""
        if self._report is None:
            own = self._own()  # before waiting: a child whose share conforms waits for "go"
            self.verdict()  # the verdict comes first, the child's share after it
            answer = self._receive()
            if answer is None:
                theirs, seconds = _timed(_validate_share, self.graph, self.engine, self.shapes,
                                         parents=False)
            else:
                theirs, seconds, self.staged_in = answer
            report = theirs if isinstance(theirs, Report) else \
                report_of(own + theirs, self.graph, self.shapes)
            self._report = (report, self.own_in + seconds)
            self.on_report(*self._report)
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
        self.committing = True
        self._send("commit")
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

    def _send(self, message: str) -> None:
        if self.connection is not None:
            try:
                self.connection.send(message)
            except OSError:
                pass  # the child is gone: _receive says so

    def _receive(self):
        if self.connection is None:
            return None
        try:
            return self.connection.recv()
        except (EOFError, OSError):
            self.close()  # the child ended without an answer: the rest runs here
            return None


def _check(connection, parents_end, parent: int, graph, engine: str, shapes: Graph,
           folder: Path, ntriples: list | None = None) -> None:
    """In the child: validate the child's share; send the verdict (whether it conforms: a few
    bytes, which the parent reads while it renders); if it conforms and the parent says "go"
    (its share conforms too), stage the dump; send (findings or report, seconds validating,
    seconds staging or None) (a report may be megabytes: sent once the dump is staged, it cannot
    hold the child on a full pipe); then commit the dump when told to and send the Dump. On an
    error it stops answering (or, for the dump, says None): the parent does the rest."""
    parents_end.close()  # forked with both ends: the pipe ends only when no one else holds it
    start_child(parent)
    signal.signal(signal.SIGTERM, _stop)  # the parent's build failed: the finally clauses run
    staged = staged_in = None
    try:
        share, validated_in = _timed(_validate_share, graph, engine, shapes, parents=False)
        verdict = _conforms(share)
        connection.send(verdict)
        if verdict and connection.recv() == "go":
            try:
                staged, staged_in = _timed(stage_dump, graph, folder, ntriples=ntriples)
            except Exception:
                pass  # the parent stages it again, and reports the error
        connection.send((share, validated_in, staged_in))
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
    ntriples = None  # the dump's lines, written beside the load for a forked child to sort
    if plain:
        graph = load_files(files)
    elif _forks():
        graph, ntriples = load_store_and_ntriples(files, spool=survey.root)
    else:
        graph = load_store(files)
    stages.end("load", f"{len(graph)} triples from {len(files)} files")

    def validated(report: Report, seconds: float) -> None:  # whichever way the report came
        stages.end("validate", f"{len(report.violations)} violation(s), "
                               f"{len(report.warnings)} warning(s)", seconds=seconds)

    stages.start("validate")
    staged_readmes: list = []
    checker = _Checker(graph, "pyshacl" if plain else "oxigraph", folder, on_report=validated,
                       ntriples=ntriples)
    try:
        checker.validate_own_share()
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
        report = checker.report()[0]
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
