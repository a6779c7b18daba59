"""The main job: load the survey, then validate it and stage the dumps on a worker thread while
the pages and the site (dist/site/) are rendered on this one; if the report conforms, put
everything in place. (`site` is the same for the site alone.)

Oxigraph releases the GIL while it evaluates a query, so the checks and the page queries run at
the same time in one process. Nothing is put in place before the report says the graph
conforms; a failed build removes what it staged and leaves every file as it was.
"""

from __future__ import annotations

import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from .dump import Dump, stage_dump
from .errors import ValidationFailed
from .files import Staged, commit_all
from .load import load, turtle_files
from .paths import Survey
from .render.pages import pages as survey_pages, stage_pages
from .rules import Report, validate
from .site import Site, StagedSite, stage_site


@dataclass
class BuildResult:
    survey: Survey
    store: ox.Store
    report: Report
    pages: list[Path]  # the pages whose content changed
    dump: Dump
    site: Site
    seconds: dict[str, float] = field(default_factory=dict)  # per stage, and "build"


class BuildStopped(ValidationFailed):
    """The graph has violations: nothing was written. `report` holds the results."""

    def __init__(self, report: Report):
        super().__init__(f"{len(report.violations)} violation(s): the build stopped before "
                         "writing anything",
                         hint="fix them (survey-kg validate shows the same report) and build again")
        self.report = report


def _timed(seconds: dict, name: str, function, *args):
    started = time.perf_counter()
    try:
        return function(*args)
    finally:
        seconds[name] = time.perf_counter() - started


def _check_and_stage(store: ox.Store, folder: Path | None, seconds: dict):
    """The worker's part: the report, and the dump staged in `folder` (None: no dump) if the
    graph conforms. An error's frames are cleared here: Oxigraph's objects they hold must be
    freed on this thread, not on the one the error is raised again in."""
    try:
        report = _timed(seconds, "validate", validate, store)
        staged = _timed(seconds, "dump", stage_dump, store, folder) \
            if report.conforms and folder is not None else None
    except BaseException as exc:
        traceback.clear_frames(exc.__traceback__)
        raise
    return report, staged


def build(survey: Survey, out: Path | str | None = None,
          on_stage: Callable[[str, str, float], None] | None = None) -> BuildResult:
    """Build `survey`: validate it, regenerate its pages, and write every dump to `out`
    (default: the survey's dist/). `on_stage(name, detail, seconds)` hears of each stage.
    Raises BuildStopped when the graph has violations, InputError when the data cannot be read
    or the survey is the one inside the installed package (never written into)."""
    began = time.perf_counter()
    tell = on_stage or (lambda name, detail, seconds: None)
    survey.writable()  # its pages are written, wherever the dump goes
    folder = Path(out) if out is not None else survey.dist()
    seconds: dict[str, float] = {}
    files = turtle_files([survey.data])
    store = _timed(seconds, "load", load, files)
    tell("load", f"{len(store)} triples from {len(files)} files", seconds["load"])

    pages: list[Staged] = []
    report = staged = page_error = None
    site: StagedSite | None = None
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="survey-kg-check") as worker:
            checked = worker.submit(_check_and_stage, store, folder, seconds)
            rows: dict = {}
            try:
                before = [p for p in survey_pages(store, survey) if not p.needs_report]
                pages = _timed(seconds, "pages", stage_pages, store, survey, before, rows)
                site = _timed(seconds, "site", stage_site, store, survey, folder / "site")
            except Exception as exc:  # raised after the report: a violation is told first
                page_error = exc
            finally:
                if checked.exception() is None:  # (waits for the worker)
                    report, staged = checked.result()
        if report is None:
            raise page_error or checked.exception()
        tell("validate", f"{len(report.violations)} violation(s), "
                         f"{len(report.warnings)} warning(s)", seconds["validate"])
        if not report.conforms:
            raise BuildStopped(report)
        if page_error is not None:
            raise page_error
        after = [p for p in survey_pages(store, survey, report) if p.needs_report]
        started = time.perf_counter()
        pages += stage_pages(store, survey, after, rows)  # the curation page: it lists the warnings
        seconds["pages"] += time.perf_counter() - started
        changed = commit_all(pages)
        tell("pages", f"{len(changed)} page(s) changed", seconds["pages"])
        dump = staged.commit()
        tell("dump", f"{len(dump.files)} files in {folder}, {len(dump.changed)} changed",
             seconds["dump"])
        written = site.commit()
        tell("site", f"{written.pages} pages, {written.size / 1e6:.1f} MB in {written.folder}",
             seconds["site"])
    finally:
        for page in pages:
            page.discard()  # what was not committed (a violation, an error); else nothing
        if staged is not None:
            staged.discard()
        if site is not None:
            site.discard()  # (idem)
    seconds["build"] = time.perf_counter() - began
    return BuildResult(survey, store, report, changed, dump, written, seconds)


class SiteStopped(ValidationFailed):
    """The graph has violations: no site was written. `report` holds the results."""

    def __init__(self, report: Report):
        super().__init__(f"{len(report.violations)} violation(s): no site was written",
                         hint="fix them (survey-kg validate shows the same report) and run "
                              "survey-kg site again")
        self.report = report


def site(store: ox.Store, survey: Survey | None, folder: Path | str) -> tuple[Report, Site]:
    """`survey-kg site`: validate on a worker thread while the site is staged beside `folder`
    on this one; put it in place if the report conforms (else SiteStopped, nothing written)."""
    seconds: dict[str, float] = {}
    staged: StagedSite | None = None
    site_error = None
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="survey-kg-check") as worker:
            checked = worker.submit(_check_and_stage, store, None, seconds)
            try:
                staged = stage_site(store, survey, folder)
            except Exception as exc:  # raised after the report: a violation is told first
                site_error = exc
            report, _ = checked.result()  # (waits for the worker)
        if not report.conforms:
            raise SiteStopped(report)
        if site_error is not None:
            raise site_error
        return report, staged.commit()
    finally:
        if staged is not None:
            staged.discard()  # what was not committed (a violation, an error); else nothing
