"""Named SPARQL queries: find them, bind their parameters as RDF terms, run them on the store.

A query file (`queries/NAME.rq`) starts with a comment header:

    # Papers per year: how many papers the survey lists for each publication year.
    # param: ?category iri  Only papers in this category (optional).
    # view: bar-chart

The first line says what the query answers. Each `# param:` line declares a variable the caller
may bind, its kind (iri, string, integer, year, lang) and what it means. A bound parameter becomes
a `VALUES` block at the end of the query's WHERE group holding the value as an RDF term (never
the caller's raw text), so the same text runs on Oxigraph and on any SPARQL 1.1 endpoint.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .files import read_text
from .paths import PREFIXES, Survey, bundled
from .rdf import select

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


class Row(tuple):
    """One solution of a SELECT query: its terms in the query's variable order (None where
    unbound), read as `row.title`, `Row.get(row, "title")` or, in a template, `row["title"]`.
    `row_type` makes a subclass per query with a property per variable."""

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


def row_type(names: list[str]) -> type[Row]:
    """The Row class of a query's variables (a variable named like Row's own data, or a dunder
    name, is read with Row.get only)."""
    attributes = {name: property(operator.itemgetter(i)) for i, name in enumerate(names)
                  if name not in ("_fields", "_index") and not name.startswith("__")}
    return type("Row", (Row,), {"__slots__": (), "_fields": tuple(names),
                                "_index": {name: i for i, name in enumerate(names)},
                                **attributes})


@dataclass
class Rows:
    """SELECT results: the variable names and the rows."""
    vars: list[str]
    rows: list[Row]

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
                raise InputError(f"parameter ?{m['name']} has unknown kind {m['kind']!r}",
                                 file=path, line=number, hint="use one of " + ", ".join(PARAM_KINDS))
            params[m["name"]] = Param(m["name"], m["kind"], m["doc"].strip())
        elif m := HEADER_VIEW.match(line):
            view = m["view"]
    return QueryFile(path.stem, path, text, title, params, view)


def query_dirs(survey: Survey | None) -> list[Path]:
    """The survey's own queries/ first (they may add or override), then the shipped ones."""
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
            value = PREFIXES[prefix] + local
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value) or IRI_FORBIDDEN.search(value):
            raise bad("is not an absolute IRI (or a prefixed name such as paper:2401.12945)")
        return ox.NamedNode(value)
    if param.kind == "integer":
        if not re.fullmatch(r"[+-]?[0-9]+", value):
            raise bad("is not an integer")
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(PREFIXES["xsd"] + "integer"))
    if param.kind == "year":
        if not re.fullmatch(r"[0-9]{4}", value):
            raise bad("is not a four-digit year")
        return ox.Literal(value, datatype=ox.NamedNode(PREFIXES["xsd"] + "gYear"))
    if param.kind == "lang":
        if not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", value):
            raise bad("is not a language tag such as en or zh")
        return ox.Literal(value.lower())
    return ox.Literal(value)


def bind(query: QueryFile, params: dict[str, str] | None = None) -> str:
    """The query text with its parameters bound as RDF terms in a VALUES block at the end of the
    WHERE group (joined with the whole group, and after any subquery)."""
    params = params or {}
    unknown = sorted(set(params) - set(query.params))
    if unknown:
        declared = ", ".join(f"?{p}" for p in query.params) or "none"
        raise InputError(f"query {query.name!r} has no parameter ?{unknown[0]}", file=query.path,
                         field=unknown[0], hint=f"its parameters: {declared}")
    if not params:
        return query.text
    names = sorted(params)
    terms = " ".join(str(term_for(query.params[n], params[n])) for n in names)
    values = "VALUES (" + " ".join(f"?{n}" for n in names) + ") { (" + terms + ") }"
    at = _where_group_end(query.text)
    if at is None:
        raise InputError("cannot bind parameters: no WHERE group found", file=query.path,
                         hint="parameters work with SELECT and ASK queries")
    return query.text[:at] + "    " + values + "\n" + query.text[at:]


def _where_group_end(text: str) -> int | None:
    """Index of the '}' closing a SELECT/ASK query's WHERE group (None for other forms),
    skipping comments, strings and IRIs."""
    i, depth = 0, 0
    while i < len(text):
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
        elif depth == 0 and (text[i:i + 9].upper() == "CONSTRUCT"
                             or text[i:i + 8].upper() == "DESCRIBE"):
            return None
        i += 1
    return None


def prepare(query: QueryFile, params: dict[str, str] | None = None) -> str:
    """The text to run: `bind(query, params)` after declarations of the project's prefixes
    (paths.PREFIXES) that the query uses without declaring them (its own declarations win).
    They go on its first line, before its own text, so that the query's lines keep their
    numbers in the messages of any SPARQL engine."""
    return _prologue(query.text) + bind(query, params)


def _prologue(text: str) -> str:
    declared, used = _prefixes(text)
    return "".join(f"PREFIX {p}: <{ns}> " for p, ns in PREFIXES.items()
                   if p in used and p not in declared)


# Enough of SPARQL's tokens to tell prefixed names (and PREFIX declarations) from the same
# characters in comments, strings and IRIs.
TOKENS = re.compile("|".join([
    r"(?P<comment>#[^\n]*)",
    r'(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*')",
    r'(?P<iri><[^\s<>"{}|^`\\]*>)',
    r"(?P<var>[?$]\w+)",
    r"(?P<pname>(?<![\w.:-])(?P<prefix>[^\W\d_](?:[\w.-]*[\w-])?)?:)",
    r"(?P<word>[A-Za-z]+)",
]), re.S)
SYNTAX_AT = re.compile(r"error at (\d+):(\d+): ")


def _prefixes(text: str) -> tuple[set[str], dict[str, int]]:
    """The prefixes a query text declares (PREFIX p: <...>), and those its prefixed names use,
    each with the line of its first use."""
    declared: set[str] = set()
    used: dict[str, int] = {}
    after_prefix = False
    for m in TOKENS.finditer(text):
        kind = "pname" if m["pname"] is not None else m.lastgroup
        if kind == "comment":
            continue
        if kind == "pname":
            name = m["prefix"] or ""
            if after_prefix:
                declared.add(name)
            else:
                used.setdefault(name, text.count("\n", 0, m.start()) + 1)
        after_prefix = kind == "word" and m[0].upper() == "PREFIX"
    return declared, used


def checked(query: QueryFile, params: dict[str, str] | None = None) -> str:
    """`prepare(query, params)`, parsed by Oxigraph first (on an empty store), so that a query
    sent to a remote endpoint fails with the same message as a local run."""
    text = prepare(query, params)
    try:
        ox.Store().query(text)
    except SyntaxError as exc:
        raise syntax_error(query, exc, params) from None
    return text


def syntax_error(query: QueryFile, exc: SyntaxError, params=None) -> InputError:
    """The error for Oxigraph's syntax error in the prepared text of `query`: a prefix the
    query uses without declaring it, named with the line of its first use; else Oxigraph's
    message at the line and column of the query's own text, without its lists of Unicode
    ranges."""
    declared, used = _prefixes(query.text)
    unknown = sorted((line, name) for name, line in used.items()
                     if name not in declared and name not in PREFIXES)
    if unknown:
        line, name = unknown[0]
        return InputError(f"the prefix {name}: is not declared; declare it with "
                          f"PREFIX {name}: <...>", file=query.path, line=line,
                          hint="the project's prefixes need no declaration: "
                               + " ".join(f"{p}:" for p in PREFIXES))
    parsed = prepare(query, params)
    if params:  # the bound values are terms: the mistake is in the query's own text
        try:
            ox.Store().query(prepare(query))
        except SyntaxError as unbound:
            exc, parsed = unbound, prepare(query)
    message, line = str(exc), None
    if m := SYNTAX_AT.match(message):
        line, column = int(m[1]), int(m[2])
        lines = parsed.split("\n")
        at = sum(len(text) + 1 for text in lines[:line - 1]) + column - 1
        if not parsed[at:].strip():  # Oxigraph points past the last line
            line = query.text.rstrip().count("\n") + 1
            message = "the end of the query: " + message[m.end():]
        else:
            if line == 1:
                column = max(1, column - len(_prologue(query.text)))
            message = f"column {column}: " + message[m.end():]
    message = " ".join(_expected(message).split())
    return InputError(f"SPARQL syntax error at {message}" if line else
                      f"SPARQL syntax error: {message}", file=query.path, line=line,
                      hint="fix the query; it must be standard SPARQL 1.1")


def _expected(message: str) -> str:
    """Oxigraph's "expected one of ..." list with its character ranges (['A' ..= 'Z' | ...],
    lines of them) said as "a name", and its "any character" ([_]) left out."""
    head, sep, items = message.partition("expected one of ")
    if not sep:
        return message
    said: list[str] = []
    for item in items.split(", "):
        if item.startswith("[") and "..=" in item:
            item = "a digit" if item == "['0'..='9']" else "a name"
        if item != "[_]" and item not in said:
            said.append(item)
    return head + sep + ", ".join(said)


def run(store: ox.Store, query: QueryFile, params: dict[str, str] | None = None) -> Rows:
    """The rows of a SELECT query (its text as `prepare` makes it) on the store."""
    try:
        names, rows = select(store, prepare(query, params), row=row_type)
    except SyntaxError as exc:
        raise syntax_error(query, exc, params) from None
    except TypeError:
        raise InputError(f"query {query.name!r} is not a SELECT query; only SELECT is supported "
                         "here", file=query.path) from None
    except OSError as exc:  # Oxigraph's evaluation errors (a SERVICE that fails, ...)
        raise InputError(f"query {query.name!r} failed: {' '.join(str(exc).split())}",
                         file=query.path) from None
    return Rows(names, rows)
