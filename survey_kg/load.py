"""Load Turtle files into one graph, with errors that name the file and line."""

from __future__ import annotations

import queue
import re
import tempfile
import threading
from pathlib import Path
from typing import BinaryIO, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from .errors import InputError
from .files import read_utf8_bytes, utf8_error
from .namespaces import bind_prefixes, new_graph
from .resources import find_survey, ontology_path, shapes_path


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def turtle_files(paths) -> list[Path]:
    """The Turtle files named, folders searched recursively, in a stable order."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(path.rglob("*.ttl")))
        elif path.exists():
            files.append(path)
        else:
            raise InputError("no such file or folder", file=path,
                             hint="give Turtle files or folders that hold them")
    if not files:
        raise InputError("no Turtle (.ttl) files found in " + ", ".join(map(str, paths)),
                         hint="give Turtle files or folders that hold them")
    return sorted(set(files), key=lambda p: str(p))


def parse_turtle(graph: Graph, path: Path) -> None:
    """Parse one Turtle file into an rdflib `graph` (used for the small ontology and shapes)."""
    store = ox.Store()
    load_into(store, path)
    add_triples(graph, ((q.subject, q.predicate, q.object) for q in store))


def load_into(store: ox.Store, path: Path) -> None:
    """Load one Turtle file into `store`; a syntax error becomes an InputError naming file and line.

    Oxigraph's parser does the reading: it is strict (it rejects invalid IRIs that rdflib lets
    through), it says where an error is (line and column), and it is several times faster. Each
    file's blank nodes are its own (Oxigraph gives them fresh labels per load). It gets the
    file's bytes and decodes them itself; a file that is not UTF-8 gets read_text's error."""
    _parse_into(store, path, read_utf8_bytes(path), _file_uri(path, {}))


def _parse_into(store: ox.Store, path: Path, data: bytes, base: str) -> None:
    try:
        store.load(data, format=ox.RdfFormat.TURTLE, base_iri=base)
    except SyntaxError as exc:
        if error := utf8_error(path):
            raise error from None
        message = re.sub(r"^Parser error (at line \d+ )?", "", str(exc))
        message = re.sub(r" \(line \d+\)$", "", message)
        raise InputError(f"not valid Turtle: {message}", file=path, line=exc.lineno,
                         hint="fix the Turtle at that line") from None


def _file_uri(path: Path, folders: dict) -> str:
    """`path.resolve().as_uri()`, each folder resolved once (a resolve reads every folder on the
    way: at 10,000 files 0.3 s, against 0.1 s)."""
    if path.is_symlink():
        return path.resolve().as_uri()
    folder = folders.get(path.parent)
    if folder is None:
        folder = folders[path.parent] = path.parent.resolve()
    return (folder / path.name).as_uri()


def add_triples(graph: Graph, triples) -> None:
    """Add Oxigraph triples to an rdflib graph (blank nodes are scoped to this call)."""
    blanks: dict[str, BNode] = {}

    def term(node):
        if isinstance(node, ox.NamedNode):
            return URIRef(node.value)
        if isinstance(node, ox.BlankNode):
            return blanks.setdefault(node.value, BNode())
        if node.language:
            return Literal(node.value, lang=node.language)
        datatype = node.datatype.value
        return Literal(node.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))

    graph.addN((term(s), term(p), term(o), graph) for s, p, o in triples)


def load_store(paths) -> ox.Store:
    """Every Turtle file named (folders searched), in one in-memory Oxigraph store: what the build
    validates, queries and serializes (see docs/decisions/0012-fast-validation.md)."""
    return _load(turtle_files(paths), None)


NTRIPLES_BESIDE_LIMIT = 256 << 20  # bytes of Turtle: beyond, the N-Triples go to a file (spool)


def load_store_and_ntriples(paths, spool: Path | None = None
                            ) -> tuple[ox.Store, list[bytes | BinaryIO] | None]:
    """The store `load_store` loads, and its triples as N-Triples, written by a second thread
    while the first loads the store (Oxigraph releases the GIL as it loads a file): what the dump
    sorts (`export.canonical`), without reading the store back (docs/decisions/0020-dump-lines-
    beside-the-load.md). Each file is loaded into a store of its own and dumped from it, so its
    literals are written as the survey's store holds them (Oxigraph stores "01"^^xsd:integer as
    "1"); a triple in two files is in two blobs. The N-Triples come in blobs of whole lines, one
    per batch of files. When the files hold more than NTRIPLES_BESIDE_LIMIT bytes, the blobs
    (twice the Turtle's size) would be held in memory beside the store: they are written one
    after the other to a nameless temporary file in the folder `spool` instead, and the list
    holds that file, open (read it from its start; closing it removes it). None instead of them
    when there is no `spool` then, or the thread could not write them all (the dump then reads
    the store). `release_ntriples` lets them go."""
    blobs: list = []
    return _load(turtle_files(paths), blobs, spool), blobs or None


def read_ntriples(ntriples: list) -> Iterator[bytes]:
    """The N-Triples of `load_store_and_ntriples` in pieces (a line may span two), each blob let
    go once read and a file closed (and so removed) once read: the list is emptied."""
    while ntriples:
        blob = ntriples.pop()
        if isinstance(blob, bytes):
            yield blob
            continue
        with blob:
            blob.seek(0)
            while chunk := blob.read(64 << 20):
                yield chunk


def release_ntriples(ntriples: list | None) -> None:
    """Let the N-Triples of `load_store_and_ntriples` go unread: a file is closed (and so
    removed)."""
    while ntriples:
        blob = ntriples.pop()
        if not isinstance(blob, bytes):
            blob.close()


def _load(files: list[Path], blobs: list | None, spool: Path | None = None) -> ox.Store:
    """The files in one store; with `blobs`, their N-Triples appended to it by a second thread
    (emptied if that thread does not write them all)."""
    store = ox.Store()
    todo: queue.Queue = queue.Queue()
    stop = threading.Event()
    writer = None
    if blobs is not None:
        writer = threading.Thread(target=_write_ntriples, args=(files, todo, blobs, stop, spool),
                                  name="survey-kg n-triples", daemon=True)
        writer.start()

    def hand_over(items: list) -> None:
        if not stop.is_set():  # (a thread that gave up takes no more files)
            todo.put(items)

    try:
        for path, data, base in _read_ahead(files, hand_over=hand_over if writer else None):
            _parse_into(store, path, data, base)
    except BaseException:
        stop.set()
        raise
    finally:
        if writer is not None:
            todo.put(None)
            writer.join()
    return store


def _write_ntriples(files: list[Path], todo: queue.Queue, blobs: list,
                    stop: threading.Event, spool: Path | None = None) -> None:
    """In the second thread: the N-Triples of each batch of files handed over (`_read_ahead`'s
    batches), one blob per batch, until None, or all of them in one file in `spool` beyond
    NTRIPLES_BESIDE_LIMIT; `blobs` is emptied if they are not all written."""
    spill = None
    try:
        if sum(path.stat().st_size for path in files) > NTRIPLES_BESIDE_LIMIT:
            if spool is None:
                return stop.set()
            # nameless, beside the survey: not in /tmp, which may be memory
            spill = tempfile.TemporaryFile(dir=spool)
        while (items := todo.get()) is not None:
            dumps = []
            for path, data, base in items:
                if base is None or stop.is_set():  # a file not read, or a load that failed
                    return stop.set()
                own = ox.Store()
                own.load(data, format=ox.RdfFormat.TURTLE, base_iri=base)
                dumps.append(own.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()))
            (blobs.append if spill is None else spill.write)(b"".join(dumps))
        if spill is not None:
            spill.flush()
            blobs.append(spill)
    except BaseException:  # a file Oxigraph refuses (the loading names it), no memory or disk
        stop.set()
    finally:
        if stop.is_set():
            blobs.clear()
            if spill is not None:
                spill.close()


def _read_ahead(files: list[Path], batch: int = 128, hand_over=None):
    """(path, bytes, base IRI) of each file, in order, read by a thread ahead of the loading:
    Oxigraph releases the GIL while it loads a file, and the next files are read meanwhile (10k
    files: 0.3 s of reading off the load's path), a batch at a time (a thread handing over one
    file at a time waits for the GIL as long as it saves). An error reading a file is raised in
    its place, after the files before it were loaded, as reading them one by one would. The
    thread has ended when this does (the build forks next). `hand_over(batch)` is called with
    each batch (a list of those (path, bytes, base IRI) items; a file that could not be read has
    None as its base IRI and the error in place of its bytes, and is the batch's last) before
    its files are given."""
    batches: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()

    def read() -> None:
        folders: dict = {}
        for start in range(0, len(files), batch):
            items = []
            for path in files[start:start + batch]:
                try:
                    items.append((path, read_utf8_bytes(path), _file_uri(path, folders)))
                except Exception as exc:  # an InputError, or anything else: raised in its place
                    items.append((path, exc, None))
                    break
            while not stop.is_set():  # (a timeout: a load that failed takes no more files)
                try:
                    batches.put(items, timeout=0.05)
                    break
                except queue.Full:
                    pass
            if items[-1][2] is None:
                return

    reader = threading.Thread(target=read, name="survey-kg read-ahead", daemon=True)
    reader.start()
    try:
        for _ in range(0, len(files), batch):
            items = batches.get()
            if hand_over is not None:
                hand_over(items)
            for path, data, base in items:
                if base is None:
                    raise data
                yield path, data, base
    finally:
        stop.set()
        reader.join()


def to_graph(store: ox.Store) -> Graph:
    """The store's default graph as an rdflib graph, with the project's prefixes."""
    graph = new_graph()
    add_triples(graph, ((q.subject, q.predicate, q.object)
                        for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())))
    return graph


def load_files(paths) -> Graph:
    """Every Turtle file named (folders searched), in one rdflib graph."""
    return to_graph(load_store(paths))


def load(root: Path | str | None = None) -> Graph:
    """The survey's graph: every Turtle file under its data/ folder.

    With no argument, the survey found from the current directory, or the one shipped with the
    package when there is none."""
    survey = find_survey(explicit=root) if root else find_survey()
    return load_files([survey.data])


def ontology() -> Graph:
    graph = new_graph()
    parse_turtle(graph, ontology_path())
    return graph


def shapes() -> Graph:
    graph = new_graph()
    parse_turtle(graph, shapes_path())
    return graph
