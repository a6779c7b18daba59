"""Named SPARQL queries: find them, bind their parameters as RDF terms, run them, format rows.

A query file (`queries/NAME.rq`) starts with a comment header:

    # Papers per year: how many papers the survey lists for each publication year.
    # param: ?category iri  Only papers in this category (optional).
    # view: bar-chart

The first line says what the query answers. Each `# param:` line declares a variable the caller may
bind, its kind (iri, string, integer, year, lang) and what it means. A bound parameter becomes a
`VALUES` block at the end of the query's WHERE group, holding the value serialized as an RDF term
(never the caller's raw text), so the same text runs on rdflib and on any SPARQL 1.1 endpoint.
A parameter must be a variable of the outer WHERE group (a variable seen only inside a subquery
is not in scope there).
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import json
import multiprocessing
import multiprocessing.connection
import operator
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from .children import start_child
from .errors import InputError
from .files import read_text
from .namespaces import PREFIXES
from .resources import Survey, bundled

PARAM_KINDS = ("iri", "string", "integer", "year", "lang")
HEADER_PARAM = re.compile(r"^#\s*param:\s*\?(?P<name>\w+)\s+(?P<kind>\w+)\s*(?P<doc>.*)$")
HEADER_VIEW = re.compile(r"^#\s*view:\s*(?P<view>[\w-]+)\s*$")
IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    doc: str


@dataclass
class QueryFile:
    name: str
    path: Path
    text: str
    title: str
    params: dict[str, Param] = field(default_factory=dict)
    view: str = "table"


@dataclass
class Rows:
    """SELECT results: variable names and one dict per row (a missing key is an unbound value)."""

    vars: list[str]
    rows: list[dict]

    def __len__(self) -> int:
        return len(self.rows)


def parse_query_file(path: Path) -> QueryFile:
    text = read_text(path)
    lines = text.splitlines()
    title = lines[0].lstrip("#").strip() if lines and lines[0].startswith("#") else path.stem
    params: dict[str, Param] = {}
    view = "table"
    for number, line in enumerate(lines, 1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        if m := HEADER_PARAM.match(line):
            if m["kind"] not in PARAM_KINDS:
                raise InputError(f"parameter ?{m['name']} has unknown kind {m['kind']!r}", file=path,
                                 line=number, hint="use one of " + ", ".join(PARAM_KINDS))
            params[m["name"]] = Param(m["name"], m["kind"], m["doc"].strip())
        elif m := HEADER_VIEW.match(line):
            view = m["view"]
    return QueryFile(path.stem, path, text, title, params, view)


def query_dirs(survey: Survey | None) -> list[Path]:
    """The survey's own queries/ first (they may add or override), then the shipped defaults."""
    dirs = [survey.queries] if survey is not None and survey.queries.is_dir() else []
    default = bundled("queries")
    return dirs + ([default] if default.is_dir() and default not in dirs else [])


def list_queries(survey: Survey | None = None) -> list[QueryFile]:
    found: dict[str, Path] = {}
    for folder in query_dirs(survey):
        for path in sorted(folder.glob("*.rq")):
            found.setdefault(path.stem, path)
    return [parse_query_file(found[name]) for name in sorted(found)]


def find_query(name: str, survey: Survey | None = None) -> QueryFile:
    """A query by name (from queries/) or by path to a .rq file."""
    if name.endswith((".rq", ".sparql")) or "/" in name:
        path = Path(name)
        if not path.is_file():
            raise InputError("no such query file", file=path, hint="give a path to a .rq file")
        return parse_query_file(path)
    for folder in query_dirs(survey):
        path = folder / f"{name}.rq"
        if path.is_file():
            return parse_query_file(path)
    known = ", ".join(q.name for q in list_queries(survey)) or "none"
    raise InputError(f"unknown query {name!r}", hint=f"known queries: {known}")


def term_for(param: Param, value: str):
    """The RDF term for a parameter value given as text, checked against the parameter's kind."""
    def bad(why):
        return InputError(f"parameter ?{param.name}: {value!r} {why}", field=param.name,
                          hint=f"?{param.name} is {param.kind}: {param.doc}".rstrip(": "))
    if param.kind == "iri":
        prefix, _, local = value.partition(":")
        if prefix in PREFIXES and not local.startswith("//"):
            value = str(PREFIXES[prefix]) + local
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value) or IRI_FORBIDDEN.search(value):
            raise bad("is not an absolute IRI (or a prefixed name such as paper:2401.12945)")
        return URIRef(value)
    if param.kind == "integer":
        if not re.fullmatch(r"[+-]?[0-9]+", value):
            raise bad("is not an integer")
        return Literal(int(value))
    if param.kind == "year":
        if not re.fullmatch(r"[0-9]{4}", value):
            raise bad("is not a four-digit year")
        return Literal(value, datatype=XSD.gYear)
    if param.kind == "lang":
        if not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", value):
            raise bad("is not a language tag such as en or zh")
        return Literal(value.lower())
    return Literal(value)


def bind(query: QueryFile, params: dict[str, str] | None = None, *, check: bool = True) -> str:
    """The query text with its parameters bound as RDF terms in a VALUES block. `check` parses it
    first (with rdflib) so a syntax error names the file; `run` on an Oxigraph store skips that,
    since Oxigraph's own parser reports the error, and much faster."""
    params = params or {}
    unknown = sorted(set(params) - set(query.params))
    if unknown:
        declared = ", ".join(f"?{p}" for p in query.params) or "none"
        raise InputError(f"query {query.name!r} has no parameter ?{unknown[0]}", file=query.path,
                         field=unknown[0], hint=f"its parameters: {declared}")
    text = query.text
    if check:
        check_syntax(query, text)
    if not params:
        return text
    names = sorted(params)
    terms = " ".join(term_for(query.params[n], params[n]).n3() for n in names)
    values = "VALUES (" + " ".join(f"?{n}" for n in names) + ") { (" + terms + ") }"
    # At the end of the WHERE group: joined with the whole group, like initBindings, and after any
    # subquery (rdflib mis-evaluates a VALUES block that precedes a subquery with aggregates).
    at = _where_group_end(text)
    if at is None:
        raise InputError("cannot bind parameters: no WHERE group found", file=query.path,
                         hint="parameters work with SELECT and ASK queries")
    return text[:at] + "    " + values + "\n" + text[at:]


def check_syntax(query: QueryFile, text: str) -> None:
    from rdflib.plugins.sparql import prepareQuery  # imported when used: a tenth of a second

    try:
        prepareQuery(text)
    except Exception as exc:  # pyparsing and rdflib raise several types for syntax errors
        line = getattr(exc, "lineno", None)
        message = " ".join(str(getattr(exc, "msg", exc)).split())[:200]
        raise InputError(f"SPARQL syntax error: {message}", file=query.path, line=line,
                         hint="fix the query; it must be standard SPARQL 1.1") from None


def _where_group_end(text: str) -> int | None:
    """Index of the '}' that closes a SELECT/ASK query's WHERE group (None for other forms),
    skipping comments, strings and IRIs."""
    i, n, depth = 0, len(text), 0
    while i < n:
        c = text[i]
        if c == "#":
            i = text.find("\n", i)
            if i < 0:
                return None
        elif c in "\"'":
            i = text.find(c, i + 1)
            if i < 0:
                return None
        elif c == "<" and re.match(r"<[^\s<>\"{}|^`\\]*>", text[i:]):
            i = text.find(">", i)
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        elif depth == 0 and (text[i:i + 9].upper() == "CONSTRUCT" or text[i:i + 8].upper() == "DESCRIBE"):
            return None
        i += 1
    return None


def run(graph: Graph | ox.Store, query: QueryFile, params: dict[str, str] | None = None) -> Rows:
    """Run a SELECT query over `graph`: an rdflib Graph (rdflib evaluates it), or a pyoxigraph
    Store made with `to_store` (Oxigraph evaluates it: the same rows, much faster on large
    graphs). Either way the rows hold rdflib terms."""
    if isinstance(graph, ox.Store):
        return _run_on_store(graph, query, bind(query, params, check=False))
    text = bind(query, params)
    result = graph.query(text)
    if result.type != "SELECT":
        raise InputError(f"query {query.name!r} is a {result.type} query; only SELECT is supported "
                         "here", file=query.path)
    names = [str(v) for v in result.vars]
    rows = [{name: value for name, value in zip(names, row) if value is not None} for row in result]
    return Rows(names, rows)


def to_store(graph: Graph) -> ox.Store:
    """An in-memory Oxigraph store holding the triples of an rdflib graph, for `run`."""
    store = ox.Store()
    memo: dict = {}  # people, papers and predicates recur in many triples: convert each once

    def term(node):
        found = memo.get(node)
        if found is None:
            found = memo[node] = _ox_term(node)
        return found

    store.bulk_extend(ox.Quad(term(s), term(p), term(o)) for s, p, o in graph)
    return store


def _ox_term(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)


def _rdflib_term(node):
    if isinstance(node, ox.NamedNode):
        return URIRef(node.value)
    if isinstance(node, ox.BlankNode):
        return BNode(node.value)
    if node.language:
        return Literal(node.value, lang=node.language)
    datatype = node.datatype.value
    return Literal(node.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))


def _solutions(store: ox.Store, query: QueryFile, text: str) -> tuple[list[str], ox.QuerySolutions]:
    try:
        result = store.query(text)
    except SyntaxError as exc:
        message = " ".join(str(exc).split())  # Oxigraph's message may span lines
        raise InputError(f"SPARQL syntax error (Oxigraph): {message}", file=query.path,
                         hint="fix the query; it must be standard SPARQL 1.1") from None
    if not isinstance(result, ox.QuerySolutions):
        raise InputError(f"query {query.name!r} is not a SELECT query; only SELECT is supported "
                         "here", file=query.path)
    return [v.value for v in result.variables], result


@contextlib.contextmanager
def without_gc():
    """Pause the cyclic garbage collector: it would walk the millions of small objects built
    here again and again as they pile up (the rows of the README queries, the lines and nodes of
    the dumps: a tenth to a third of the time on a large survey); they hold no reference cycles,
    and reference counting frees them (the few cycles a template's rendering leaves are collected
    once the collector runs again)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Row(tuple):
    """One solution of a SELECT query: its `pyoxigraph` terms in the query's variable order
    (None where unbound), read by variable name as `row.title` or `Row.get(row, "title")` (a
    variable may be named `get`), and in a template also as `row["title"]`. A tuple with a
    property per name, made once per query by `row_type`: a third of a dict's size, and a
    template reads a value through the property instead of a failed attribute lookup first."""

    __slots__ = ()
    _fields: tuple = ()
    _index: dict = {}

    def get(self, key: str, default=None):
        index = self._index.get(key)
        return default if index is None else tuple.__getitem__(self, index)

    def keys(self) -> tuple:
        return self._fields

    def items(self):
        return zip(self._fields, self)

    def __repr__(self) -> str:
        return "Row(" + ", ".join(f"{k}={v!r}" for k, v in Row.items(self)) + ")"


ROW_INTERNALS = {"_fields", "_index"}


def row_type(names: list[str]) -> type[Row]:
    """The Row class of a query's variables. A variable named like the Row's own data (`_index`,
    `_fields`) or a dunder name gets no attribute: `Row.get(row, name)` and, in a template,
    `row[name]` still read it."""
    attributes = {name: property(operator.itemgetter(i)) for i, name in enumerate(names)
                  if name not in ROW_INTERNALS and not (name.startswith("__") and
                                                        name.endswith("__"))}
    return type("Row", (Row,), {"__slots__": (), "_fields": tuple(names),
                                "_index": {name: i for i, name in enumerate(names)},
                                **attributes})


def solutions(store: ox.Store, query: QueryFile, params: dict[str, str] | None = None) -> list[Row]:
    """The rows of a SELECT query on an Oxigraph store, as Rows of the terms Oxigraph gives (no
    conversion to rdflib terms, which costs more than the query on large surveys): what the
    README templates read. A term that recurs in the rows (a paper, its title, an author) is one
    object, not one per row."""
    names, result = _solutions(store, query, bind(query, params, check=False))
    make = row_type(names)
    memo: dict = {}
    share = memo.setdefault
    return [make(share(term, term) for term in solution) for solution in result]


def _run_on_store(store: ox.Store, query: QueryFile, text: str) -> Rows:
    names, result = _solutions(store, query, text)
    memo: dict = {}  # the same paper or text recurs in rows: convert it once

    def term(node):
        found = memo.get(node)
        if found is None:
            found = memo[node] = _rdflib_term(node)
        return found

    rows = [{name: term(value) for name, value in zip(names, solution) if value is not None}
            for solution in result]
    return Rows(names, rows)


# ------------------------------------------------------------------------------------ limits

def is_shipped(query: QueryFile) -> bool:
    """Whether the query is one survey-kg ships (reviewed, and timed by the benchmark), not a
    file of a user's: a path given on the command line or the survey's own queries/."""
    return query.path.resolve().parent == bundled("queries").resolve()


def run_with_timeout(graph: Graph | ox.Store, query: QueryFile,
                     params: dict[str, str] | None = None, *, timeout: float) -> Rows:
    """`run` (on Oxigraph) in a worker process, stopped after `timeout` seconds: neither Oxigraph
    nor rdflib can interrupt a query from inside, and a user's query can run for ever (a
    cartesian product of every triple with itself). The time counts from the worker's start, so
    it includes loading the graph into the worker. Raises InputError naming the query and the
    timeout. See docs/decisions/0013-query-timeout.md."""
    text = bind(query, params, check=False)  # parameter errors are reported before any worker
    store = graph if isinstance(graph, ox.Store) else to_store(graph)
    data = store.dump(format=ox.RdfFormat.N_QUADS)  # bytes: a worker may be spawned, not forked
    context = multiprocessing.get_context()
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_query_worker, args=(sender, os.getpid(), data, query, text),
                             daemon=True)
    worker.start()
    sender.close()  # the worker now holds the only writing end: when it ends, the pipe ends
    answer, timed_out = None, False
    try:
        # the sentinel too: a worker that dies without answering (out of memory) is reported
        # at once, not when the time is up
        if multiprocessing.connection.wait([receiver, worker.sentinel], timeout):
            if receiver.poll():
                answer = receiver.recv()
        else:
            timed_out = True
    except EOFError:
        pass  # the pipe ended without an answer
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()
        receiver.close()
    if timed_out:
        raise InputError(f"query {query.name!r} did not finish within {timeout:g} s and was "
                         "stopped", file=query.path,
                         hint="simplify it, or allow more time with --timeout SECONDS")
    if answer is None:
        raise InputError(f"query {query.name!r} stopped without an answer (its worker process "
                         f"ended with code {worker.exitcode})", file=query.path,
                         hint="it may have run out of memory; simplify it")
    kind, value = answer
    if kind == "error":
        raise value
    return value


def _query_worker(connection, parent: int, data: bytes, query: QueryFile, text: str) -> None:
    """In the worker: load the graph, run the query, send ("rows", Rows) or ("error", exc)."""
    start_child(parent)
    try:
        store = ox.Store()
        store.load(data, format=ox.RdfFormat.N_QUADS)
        connection.send(("rows", _run_on_store(store, query, text)))
    except InputError as exc:
        connection.send(("error", exc))
    except Exception as exc:  # a defect: the caller reports it as one line
        message = " ".join(f"{type(exc).__name__}: {exc}".split())
        connection.send(("error", InputError(f"query {query.name!r} failed: {message}",
                                             file=query.path)))
    finally:
        connection.close()


# ------------------------------------------------------------------------------------ formats

def _json_term(term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def to_json(rows: Rows) -> str:
    """W3C SPARQL 1.1 Query Results JSON."""
    doc = {"head": {"vars": rows.vars},
           "results": {"bindings": [{k: _json_term(v) for k, v in row.items()} for row in rows.rows]}}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def to_csv(rows: Rows) -> str:
    """W3C SPARQL 1.1 Query Results CSV: plain values, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(rows.vars)
    for row in rows.rows:
        writer.writerow([str(row[v]) if v in row else "" for v in rows.vars])
    return out.getvalue()


def to_tsv(rows: Rows) -> str:
    """W3C SPARQL 1.1 Query Results TSV: RDF terms in Turtle syntax."""
    lines = ["\t".join(f"?{v}" for v in rows.vars)]
    for row in rows.rows:
        lines.append("\t".join(row[v].n3() if v in row else "" for v in rows.vars))
    return "\n".join(lines) + "\n"


def to_table(rows: Rows, width: int = 60) -> str:
    """Aligned columns for people; long values are cut."""
    def cell(value) -> str:
        text = "" if value is None else " ".join(str(value).split())
        return text if len(text) <= width else text[: width - 1] + "…"
    table = [rows.vars] + [[cell(row.get(v)) for v in rows.vars] for row in rows.rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(rows.vars))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


FORMATS = {"table": to_table, "csv": to_csv, "tsv": to_tsv, "json": to_json}


def rows_from_json(doc: dict) -> Rows:
    """Rows from W3C SPARQL results JSON (what a remote endpoint answers)."""
    def term(b: dict):
        kind = b.get("type")
        if kind == "uri":
            return URIRef(b["value"])
        if kind == "bnode":
            return BNode(b["value"])
        if "xml:lang" in b:
            return Literal(b["value"], lang=b["xml:lang"])
        datatype = b.get("datatype")
        return Literal(b["value"], datatype=URIRef(datatype) if datatype and datatype != str(XSD.string) else None)
    names = list(doc["head"]["vars"])
    rows = [{k: term(v) for k, v in binding.items()} for binding in doc["results"]["bindings"]]
    return Rows(names, rows)
