"""The dumps for linked-data users: Turtle, N-Triples and JSON-LD of the graph, citations of its
works (BibTeX, CSL-JSON), the ontology, shapes and JSON-LD context, and the VoID/DCAT description
of them all, written into one folder (dist/).

The graph's files start from the same canonical lines (dump.ntriples), so the same triples give
the same bytes. Files are staged beside their place and put in place together (`StagedDump`):
an interrupted run leaves complete files, old or new, never half of one. Each file's SHA-256 is
taken as it is written, for the description (void.ttl, written last).
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from ..files import Staged, commit_all, stage_write
from ..paths import PREFIXES, context_file, ontology_file, shapes_file
from ..rdf import turtle
from . import citations, jsonld, ntriples, void

SURVEY_FILES = {"ttl": "survey.ttl", "nt": "survey.nt", "jsonld": "survey.jsonld"}
CITATION_FILES = {"bibtex": "survey.bib", "csl": "survey.csl.json"}
FORMATS = ("ttl", "nt", "jsonld", "bibtex", "csl", "all")


@dataclass
class Dump:
    """What was written: every file of the dump, the ones whose content changed, their sizes
    in bytes, the statistics of the VoID description (None unless it was written), and each
    file's SHA-256 (hex)."""
    folder: Path
    files: list[Path]
    changed: list[Path]
    sizes: dict[str, int]
    statistics: void.Statistics | None = None
    checksums: dict[str, str] = field(default_factory=dict)


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
    checksums: dict[str, str] = field(default_factory=dict)

    def commit(self) -> Dump:
        """Put each changed file in place, in the order written (VoID, which points at the
        others, last)."""
        changed = commit_all(self.staged)
        return Dump(self.folder, [s.path for s in self.staged], changed,
                    {s.path.name: s.size for s in self.staged}, self.statistics,
                    dict(self.checksums))

    def discard(self) -> None:
        """Remove the staged files (and a folder made for them, if empty)."""
        for staged in self.staged:
            staged.discard()
        if self.made:
            with contextlib.suppress(OSError):
                self.folder.rmdir()


class _Hashing:
    """A file being written that takes the SHA-256 of what goes through it."""

    def __init__(self, out):
        self.out, self.sha256 = out, hashlib.sha256()

    def write(self, data) -> int:
        self.sha256.update(data)
        return self.out.write(data)

    def flush(self) -> None:
        self.out.flush()


def stage_dump(store: ox.Store, folder: Path | str, fmt: str = "all") -> StagedDump:
    """Write each file of the dump beside its place in `folder` and replace nothing yet: one
    format ("ttl", "nt", "jsonld" with its context, "bibtex", "csl"), or "all" of them with
    the ontology, the shapes and the description of the others (void.ttl)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    folder = Path(folder)
    made = not folder.exists()
    staged: list[Staged] = []
    facts: dict[str, void.FileFacts] = {}

    def save(name: str, write: Callable) -> None:
        hashing = None

        def through(out) -> None:
            nonlocal hashing
            hashing = _Hashing(out)
            write(hashing)
        staged.append(stage_write(folder / name, through, keep_if_same=True))
        facts[name] = void.FileFacts(staged[-1].size, hashing.sha256.hexdigest())

    def copy(path: Path) -> Callable:
        return lambda out: out.write(path.read_bytes())

    every = fmt == "all"
    try:
        if every:
            void.dataset_node(store)  # refused before anything is written
        wanted = SURVEY_FILES if every else {k: v for k, v in SURVEY_FILES.items() if k == fmt}
        if wanted:
            found = ntriples.canonical(store)
            lines = found.lines
            writers = {"ttl": lambda out: _turtle(store, found, out),
                       "nt": lambda out: ntriples.write(lines, out),
                       "jsonld": lambda out: jsonld.write(lines, out)}
            for key, name in wanted.items():
                save(name, writers[key])
            del lines, writers, found
        if "jsonld" in wanted:  # the context survey.jsonld is compacted with, beside it
            save("context.jsonld", copy(context_file()))
        if every:
            save("ontology.ttl", copy(ontology_file()))
            save("shapes.ttl", copy(shapes_file()))
        cited = CITATION_FILES if every else {k: v for k, v in CITATION_FILES.items() if k == fmt}
        if cited:
            works = citations.works(store)
            for key, name in cited.items():
                save(name, lambda out, key=key: citations.write(works, key, out))
        statistics = None
        if every:  # the nodes it mints are named under the dataset: Turtle's base
            triples, statistics = void.describe(store, facts)
            base = void.dataset_node(store).value + "/"
            save("void.ttl", lambda out: out.write(turtle(triples, base=base)))
    except BaseException:
        StagedDump(folder, staged, None, made).discard()
        raise
    return StagedDump(folder, staged, statistics, made,
                      {name: fact.sha256 for name, fact in facts.items()})


def write_dump(store: ox.Store, folder: Path | str, fmt: str = "all") -> Dump:
    """Write the dump files into `folder`, each replaced only when its content changed."""
    return stage_dump(store, folder, fmt).commit()
