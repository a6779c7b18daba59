"""The survey as a static website: a bilingual page per category, work, author and venue,
schema.org JSON-LD, and a search index, written into one folder (dist/site/) for any static host.

The site is written whole into a hidden folder beside its place (`stage_site`), then put in
place by renaming (`StagedSite.commit`): a reader, or a build that stops, sees the old site or
the new one, never a mix. The same graph gives the same bytes. docs/decisions/0026-the-site.md
says how and why.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..files import _process_exists
from ..paths import PACKAGE, Survey
from .pages import render_site
from .search import Indexing

STATIC = PACKAGE / "site" / "static"
GENERATOR = b'<meta name="generator" content="survey-kg">'


@dataclass
class Site:
    """What was written: the site's folder, its number of pages (both languages) and files,
    and its size in bytes."""
    folder: Path
    pages: int
    files: int
    size: int


@dataclass
class StagedSite:
    """A site written in full in `staged`, a hidden folder beside `folder`, not yet in place:
    `commit()` puts it there (the old site is removed), `discard()` removes it."""
    folder: Path
    staged: Path
    pages: int
    files: int
    size: int
    pending: bool = True
    made_parent: bool = False  # `folder`'s parent was made for it: discard() removes it if empty

    def commit(self) -> Site:
        if not self.pending:
            raise RuntimeError("the staged site was already committed or discarded")
        _check_replaceable(self.folder)
        old = self.staged.with_suffix(".old")
        try:
            if self.folder.exists():
                os.rename(self.folder, old)
            try:
                os.rename(self.staged, self.folder)
            except BaseException:
                if old.exists():
                    os.rename(old, self.folder)
                raise
        except OSError as exc:
            self.discard()
            raise InputError(f"cannot put the site in place: {exc.strerror or exc}",
                             file=self.folder) from None
        except BaseException:
            self.discard()
            raise
        self.pending = False
        shutil.rmtree(old, ignore_errors=True)
        return Site(self.folder, self.pages, self.files, self.size)

    def discard(self) -> None:
        if self.pending:
            shutil.rmtree(self.staged, ignore_errors=True)
            if self.made_parent:
                with contextlib.suppress(OSError):
                    self.folder.parent.rmdir()  # (only if nothing else went in meanwhile)
        self.pending = False


def stage_site(store: ox.Store, survey: Survey | None, folder: Path | str) -> StagedSite:
    """Write the whole site (pages, static files, search index) beside `folder`, replacing
    nothing yet. Refuses (InputError) a `folder` that holds anything but a site survey-kg made:
    the site replaces its folder whole."""
    folder = Path(folder).absolute()
    _check_replaceable(folder)
    made_parent = not folder.parent.exists()
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(folder)
        staged = Path(tempfile.mkdtemp(prefix=f".{folder.name}.{os.getpid()}.", suffix=".tmp",
                                       dir=folder.parent))
    except OSError as exc:
        raise InputError(f"cannot write the site: {exc.strerror or exc}", file=folder) from None
    indexing: list[Indexing] = []
    try:
        os.chmod(staged, 0o777 & ~_umask())  # mkdtemp makes it 0700; a site is for reading
        pages, size = render_site(store, survey, staged,
                                  after_works=lambda: indexing.append(Indexing(staged)))
        shutil.copytree(STATIC, staged / "static",
                        ignore=shutil.ignore_patterns("__pycache__", ".*"))
        if not indexing:  # (a site without work pages)
            indexing.append(Indexing(staged))
        indexing.pop().finish()
        others = [path for path in (staged / "static").iterdir()] + \
            [path for path in (staged / "pagefind").rglob("*") if path.is_file()]
    except BaseException as exc:
        for running in indexing:
            running.stop()
        shutil.rmtree(staged, ignore_errors=True)
        if made_parent:
            with contextlib.suppress(OSError):
                folder.parent.rmdir()
        if isinstance(exc, OSError):
            raise InputError(f"cannot write the site: {exc.strerror or exc}",
                             file=folder) from None
        raise
    return StagedSite(folder, staged, pages, pages + len(others),
                      size + sum(path.stat().st_size for path in others), made_parent=made_parent)


def write_site(store: ox.Store, survey: Survey | None, folder: Path | str) -> Site:
    """Write the site into `folder` (made, or replaced whole)."""
    return stage_site(store, survey, folder).commit()


def _check_replaceable(folder: Path) -> None:
    """A folder the site may replace: none yet, an empty one, or a site survey-kg wrote (its
    home page says so)."""
    if not folder.exists():
        return
    if not folder.is_dir():
        raise InputError("the site's folder is a file", file=folder, hint="give a folder")
    if not any(folder.iterdir()):
        return
    home = folder / "index.html"
    try:
        ours = home.is_file() and GENERATOR in home.read_bytes()[:4096]
    except OSError:
        ours = False
    if not ours:
        raise InputError("the folder holds files that are not a site survey-kg wrote; the site "
                         "replaces its folder whole", file=folder,
                         hint="give a new or empty folder, e.g. dist/site")


def _remove_stale(folder: Path) -> None:
    """Remove `.NAME.PID.*.tmp` / `.old` folders left by a writer of `folder` that was killed.
    A writer killed between its two renames left the old site aside and none in place: it is
    put back first."""
    for path in sorted(folder.parent.glob(glob.escape(f".{folder.name}.") + "*.*")):
        pid = path.name[len(folder.name) + 2:].split(".", 1)[0]
        if path.suffix in (".tmp", ".old") and pid.isdigit() and not _process_exists(int(pid)):
            if path.suffix == ".old" and not folder.exists():
                os.rename(path, folder)
            else:
                shutil.rmtree(path, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
