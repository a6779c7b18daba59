"""Turtle files into one Oxigraph store, with errors that name the file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .files import read_utf8_bytes, utf8_error


def turtle_files(paths) -> list[Path]:
    """The Turtle files named, folders searched recursively, in a stable order."""
    files: set[Path] = set()
    for path in map(Path, paths):
        if path.is_dir():
            files.update(path.rglob("*.ttl"))
        elif path.exists():
            files.add(path)
        else:
            raise InputError("no such file or folder", file=path,
                             hint="give Turtle files or folders that hold them")
    if not files:
        raise InputError("no Turtle (.ttl) files found in " + ", ".join(map(str, paths)),
                         hint="give Turtle files or folders that hold them")
    return sorted(files, key=str)


def load(paths) -> ox.Store:
    """Every Turtle file named (folders searched) in one in-memory store."""
    store = ox.Store()
    for path in turtle_files(paths):
        load_into(store, path)
    return store


def load_into(store: ox.Store, path: Path) -> None:
    """Parse one Turtle file into `store`'s default graph. Oxigraph's parser is strict (it
    rejects invalid IRIs) and says where an error is; relative IRIs resolve against the file."""
    data = read_utf8_bytes(path)
    try:
        store.load(data, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
    except SyntaxError as exc:
        if error := utf8_error(path):
            raise error from None
        message = re.sub(r"^Parser error (at line \d+ )?", "", str(exc))
        message = re.sub(r" \(line \d+\)$", "", message)
        raise InputError(f"not valid Turtle: {message}", file=path, line=exc.lineno,
                         hint="fix the Turtle at that line") from None


def to_rdflib(store: ox.Store):
    """The store's default graph as an rdflib Graph, for users who want one (and pyshacl)."""
    from rdflib import Graph

    graph = Graph()
    graph.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()),
                format="nt")
    return graph
