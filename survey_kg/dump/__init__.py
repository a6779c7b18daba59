"""The dumps for linked-data users: Turtle, N-Triples and JSON-LD of the graph, its VoID/DCAT
description, the ontology, shapes and JSON-LD context, written into one folder (dist/).

Every file starts from the same canonical lines (dump.ntriples), so the same triples give the
same bytes. Files are staged beside their place and put in place together (`StagedDump`): an
interrupted run leaves complete files, old or new, never half of one.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from ..files import Staged, commit_all, stage_write
from ..paths import PREFIXES, context_file, ontology_file, shapes_file
from ..rdf import turtle
from . import jsonld, ntriples, void

SURVEY_FILES = {"ttl": "survey.ttl", "nt": "survey.nt", "jsonld": "survey.jsonld"}
FORMATS = ("ttl", "nt", "jsonld", "all")


@dataclass
class Dump:
    """What was written: every file of the dump, the ones whose content changed, their sizes
    in bytes, and the statistics of the VoID description (None unless it was written)."""
    folder: Path
    files: list[Path]
    changed: list[Path]
    sizes: dict[str, int]
    statistics: void.Statistics | None = None


def _turtle(store: ox.Store, canonical: ntriples.Canonical, out) -> None:
    """Turtle by Oxigraph's serializer, in the store's order (the same files give the same
    bytes). A store labels blank nodes at random, so a graph that has them (the shapes forbid
    them in a survey; `export` writes any graph) is written from the canonical lines instead.
    A prefixed name ending in "." is written escaped (person:x\\.), which rdflib cannot read:
    a graph with such an IRI is written without prefixes."""
    prefixes = {} if canonical.dotted else PREFIXES
    if canonical.blank:
        data = b"\n".join(canonical.lines) + b"\n"
        ox.serialize(ox.parse(data, format=ox.RdfFormat.N_TRIPLES), out,
                     format=ox.RdfFormat.TURTLE, prefixes=prefixes)
        return
    store.dump(out, format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=prefixes)


@dataclass
class StagedDump:
    """A dump written beside its files but not yet in place (see `stage_dump`)."""
    folder: Path
    staged: list[Staged]
    statistics: void.Statistics | None
    made: bool  # the folder was made for this dump

    def commit(self) -> Dump:
        """Put each changed file in place, in the order written (VoID, which points at the
        others, last)."""
        changed = commit_all(self.staged)
        return Dump(self.folder, [s.path for s in self.staged], changed,
                    {s.path.name: s.size for s in self.staged}, self.statistics)

    def discard(self) -> None:
        """Remove the staged files (and a folder made for them, if empty)."""
        for staged in self.staged:
            staged.discard()
        if self.made:
            with contextlib.suppress(OSError):
                self.folder.rmdir()


def stage_dump(store: ox.Store, folder: Path | str, fmt: str = "all") -> StagedDump:
    """Write each file of the dump beside its place in `folder` and replace nothing yet."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    folder = Path(folder)
    made = not folder.exists()
    staged: list[Staged] = []

    def save(name: str, write: Callable) -> int:
        staged.append(stage_write(folder / name, write, keep_if_same=True))
        return staged[-1].size

    def copy(path: Path) -> Callable:
        return lambda out: out.write(path.read_bytes())

    try:
        if fmt == "all":
            void.dataset_node(store)  # refused before anything is written
        found = ntriples.canonical(store)
        lines = found.lines
        wanted = SURVEY_FILES if fmt == "all" else {fmt: SURVEY_FILES[fmt]}
        writers = {"ttl": lambda out: _turtle(store, found, out),
                   "nt": lambda out: ntriples.write(lines, out),
                   "jsonld": lambda out: jsonld.write(lines, out)}
        sizes = {name: save(name, writers[key]) for key, name in wanted.items()}
        del lines, writers, found
        statistics = None
        if "jsonld" in wanted:  # the context survey.jsonld is compacted with, beside it
            save("context.jsonld", copy(context_file()))
        if fmt == "all":
            save("ontology.ttl", copy(ontology_file()))
            save("shapes.ttl", copy(shapes_file()))
            triples, statistics = void.describe(store, sizes)
            save("void.ttl", lambda out: out.write(turtle(triples)))
    except BaseException:
        StagedDump(folder, staged, None, made).discard()
        raise
    return StagedDump(folder, staged, statistics, made)


def write_dump(store: ox.Store, folder: Path | str, fmt: str = "all") -> Dump:
    """Write the dump files into `folder`, each replaced only when its content changed."""
    return stage_dump(store, folder, fmt).commit()
