"""Where things are: what ships with the package, and the survey being worked on.

The ontology, shapes and default queries ship inside the package (force-included into the wheel
as `survey_kg/_bundled/`); in a source checkout they are read from the repository's top level. The
survey (its `data/`, `queries/` and READMEs) is found from the current directory the way git finds
its root, or given explicitly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """A top-level folder shipped with survey-kg: 'ontology', 'queries' or 'data'."""
    installed = _PACKAGE / "_bundled" / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


def ontology_path() -> Path:
    return bundled("ontology") / "survey-kg.ttl"


def shapes_path() -> Path:
    return bundled("ontology") / "shapes.ttl"


def templates_dir() -> Path:
    return _PACKAGE / "templates"


@dataclass(frozen=True)
class Survey:
    """A survey laid out like this repository: data/, optional queries/, README.md, README_zh.md."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    def readme(self, lang: str) -> Path:
        return self.root / ("README.md" if lang == "en" else f"README_{lang}.md")


def is_survey_root(path: Path) -> bool:
    return (path / "data").is_dir() and any((path / "data").rglob("*.ttl"))


def find_survey(start: Path | str | None = None, explicit: Path | str | None = None) -> Survey:
    """The survey at `explicit` (or $SURVEY_KG_ROOT), else the nearest folder at or above `start`
    (default: the current directory) holding a data/ folder with Turtle files, else the survey
    that ships with the package."""
    explicit = explicit or os.environ.get("SURVEY_KG_ROOT")
    if explicit:
        root = Path(explicit).resolve()
        if not is_survey_root(root):
            raise InputError("no survey here: expected a data/ folder with Turtle files", file=root,
                             hint="give the folder that holds data/, or leave --root out")
        return Survey(root)
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_survey_root(folder):
            return Survey(folder)
    return Survey(bundled("data").parent)
