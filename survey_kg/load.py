"""Load Turtle files into one graph, with errors that name the file and line."""

from __future__ import annotations

import queue
import re
import threading
from pathlib import Path

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
    store = ox.Store()
    for path, data, base in _read_ahead(turtle_files(paths)):
        _parse_into(store, path, data, base)
    return store


def _read_ahead(files: list[Path], batch: int = 128):
    """(path, bytes, base IRI) of each file, in order, read by a thread ahead of the loading:
    Oxigraph releases the GIL while it loads a file, and the next files are read meanwhile (10k
    files: 0.3 s of reading off the load's path), a batch at a time (a thread handing over one
    file at a time waits for the GIL as long as it saves). An error reading a file is raised in
    its place, after the files before it were loaded, as reading them one by one would. The
    thread has ended when this does (the build forks next)."""
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
            for path, data, base in batches.get():
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
