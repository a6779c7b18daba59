"""The site's search index: Pagefind, run on the written site, over the work pages.

Pagefind (pagefind.app) reads the pages' HTML and writes a static index in `pagefind/` that its
script queries in the browser, a piece at a time: no server. The binary comes in the Python
wheel `pagefind-bin-extended` (with Chinese word segmentation; `pagefind-bin` works too, but
finds Chinese words only at the start of a run of text). Only work pages are indexed, and on
them only what `data-pagefind-body` marks (title, authors, one-liner, categories).
docs/decisions/0026-the-site.md says why.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from ..errors import InputError

INDEXED = "{paper,work,*/paper,*/work}/**/*.html"
# Pagefind's ready-made interfaces: the site has its own few lines (static/site.js).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js",
          "pagefind-modular-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-highlight.js")


def pagefind_binary() -> Path:
    """The Pagefind executable of the installed wheel (the extended one if there)."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:
        try:
            from pagefind_bin import get_executable
        except ImportError:
            raise InputError("the site's search needs Pagefind, which is not installed",
                             hint="pip install pagefind-bin-extended") from None
    return get_executable()


class Indexing:
    """Pagefind indexing the site in `folder` (its work pages, which must be written), in its
    own process: `finish()` waits for it and puts the index in `folder`/pagefind/."""

    def __init__(self, folder: Path):
        self.folder = folder
        command = [str(pagefind_binary()), "--site", str(folder), "--glob", INDEXED, "--silent"]
        try:
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE,
                                            stderr=subprocess.PIPE, text=True)
        except OSError as exc:
            raise InputError(f"Pagefind could not start: {exc.strerror or exc}",
                             file=folder) from None

    def finish(self) -> None:
        try:
            out, err = self.process.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            raise InputError("Pagefind did not finish indexing the site within 10 minutes",
                             file=self.folder) from None
        bundle = self.folder / "pagefind"
        if self.process.returncode != 0 or not (bundle / "pagefind-entry.json").is_file():
            message = " ".join((err or out).split())[:500]
            raise InputError(f"Pagefind could not index the site: {message}", file=self.folder)
        for name in UNUSED:
            (bundle / name).unlink(missing_ok=True)
        _sort_entry(bundle / "pagefind-entry.json")

    def stop(self) -> None:
        """End the indexing (the site is not going to be used)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()


def _sort_entry(path: Path) -> None:
    """Pagefind lists the languages of pagefind-entry.json in a different order each run: the
    same site gives the same bytes once its keys are sorted."""
    entry = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":")),
                    encoding="utf-8")
