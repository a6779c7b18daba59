"""The main job: load the survey, validate it, regenerate its READMEs, write the dumps.

The graph is loaded once and validated once; every later stage gets that same graph. Nothing is
written when validation finds a violation.

The graph lives in an in-memory Oxigraph store: the SHACL shapes run on it as SPARQL queries
(survey_kg.shacl), the README queries run on it, and the dumps are written from it. `plain=True`
builds the same survey the plain way instead (an rdflib graph, pyshacl, the reference engine), and
tests/test_build.py checks both write the same bytes. See docs/decisions/0012-fast-validation.md. Progress is reported through a callback (the library
never prints): `on_stage(Stage)` is called when a stage starts and when it ends.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyoxigraph as ox
from rdflib import Graph

from .dataset import Statistics
from .errors import ValidationFailed
from .export import Dump, default_folder, write_dump
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

    @property
    def statistics(self) -> Statistics:
        return self.dump.statistics

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.stages)


class BuildStopped(ValidationFailed):
    """The graph violates the shapes; nothing was written. `report` holds the results."""

    def __init__(self, report: Report):
        super().__init__(f"{len(report.violations)} violation(s): the build stopped before "
                         "writing anything",
                         hint="fix them (survey-kg validate shows the same report) and build again")
        self.report = report


def _readme_writer():
    """survey_kg.render.write_readmes, or None while that module does not exist. An import error
    inside the module (a missing dependency, a typo) is not hidden."""
    try:
        module = importlib.import_module(RENDER_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != RENDER_MODULE:
            raise
        return None
    return module.write_readmes


class _Stages:
    """Times the stages and tells the caller about them."""

    def __init__(self, on_stage: Callable[[Stage], None] | None):
        self.on_stage = on_stage or (lambda stage: None)
        self.done: list[Stage] = []
        self.started = 0.0

    def start(self, name: str) -> None:
        self.started = time.perf_counter()
        self.on_stage(Stage(name, "start"))

    def end(self, name: str, detail: str, status: str = "done") -> None:
        seconds = time.perf_counter() - self.started if status == "done" else 0.0
        stage = Stage(name, status, detail, seconds)
        self.done.append(stage)
        self.on_stage(stage)


def build(survey: Survey, on_stage: Callable[[Stage], None] | None = None,
          out: Path | str | None = None, plain: bool = False) -> BuildResult:
    """Build `survey`: dumps go to `out` (default: the survey's dist/ folder).

    Raises BuildStopped (a ValidationFailed, exit 1) when the graph has violations, InputError when
    the data cannot be read."""
    folder = Path(out) if out is not None else default_folder(survey)
    stages = _Stages(on_stage)

    stages.start("load")
    files = turtle_files([survey.data])
    graph = load_files(files) if plain else load_store(files)
    stages.end("load", f"{len(graph)} triples from {len(files)} files")

    stages.start("validate")
    report = validate(graph, engine="pyshacl" if plain else "oxigraph")
    stages.end("validate", f"{len(report.violations)} violation(s), "
                           f"{len(report.warnings)} warning(s)")
    if not report.conforms:
        raise BuildStopped(report)

    stages.start("readme")
    write_readmes = _readme_writer()
    if write_readmes is None:
        readmes = []
        stages.end("readme", f"{RENDER_MODULE} not available", status="skipped")
    else:
        readmes = list(write_readmes(graph, survey))
        stages.end("readme", f"{len(readmes)} README file(s) changed")

    stages.start("export")
    dump = write_dump(graph, folder)
    stages.end("export", f"{len(dump.files)} files in {folder}, {len(dump.changed)} changed")
    return BuildResult(survey, graph, report, readmes, dump, stages.done)
