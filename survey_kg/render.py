"""README sections from SPARQL queries and templates.

A README keeps its hand-written text; generated sections sit between markers on lines of their own:

    <!-- BEGIN survey-kg:summary -->
    ...generated markdown...
    <!-- END survey-kg:summary -->

A section NAME is the template `survey_kg/templates/NAME.md.j2`. The template's header comment
names the queries (from `queries/`) whose rows it receives, so adding a section is adding a query
and a template, no Python:

    {#- survey-kg section
    query rows: summary
    -#}

A query that declares a `?lang` parameter gets the README's language. Rows reach the template as
`query.Row`s (read `row.name`) of RDF terms as Oxigraph returns them (`pyoxigraph.NamedNode`,
`Literal`, `BlankNode`; None where unbound): converting hundreds of thousands of them to rdflib
terms cost more than the queries. A literal's `.language` is its language tag. The template
writes terms out only through the escaping filters below, each made for where the text lands
(markdown inline text and table cells, HTML blocks, Mermaid labels, links), and reads them with
`| key`, `| local_name` and `| int`. A term printed without a filter is an error, not a page.
Words around the data (labels, sentences) come from `templates/labels.toml`, one table per
README language.
"""

from __future__ import annotations

import difflib
import html
import itertools
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator
from urllib.parse import quote, urlsplit

import jinja2
import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from .errors import InputError
from .files import Staged, commit_all, read_limited, stage_write
from .query import Row, find_query, is_shipped, solutions, to_store, without_gc
from .resources import Survey, templates_dir

TEMPLATE_SUFFIX = ".md.j2"
HEADER = re.compile(r"\A\{#-?\s*survey-kg section\b(?P<body>.*?)-?#\}", re.S)
HEADER_QUERY = re.compile(r"^\s*query\s+(?P<alias>[A-Za-z_]\w*)\s*:\s*(?P<query>[\w.-]+)\s*$")
MARKER = re.compile(r"^<!-- (?P<kind>BEGIN|END) survey-kg:(?P<name>[\w.-]+) -->$")
MARKER_LIKE = re.compile(r"^\s*<!--\s*(BEGIN|END)\b.*survey-kg", re.I)
FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})(?P<rest>.*)$")


# ------------------------------------------------------------------------------------ escaping

MD_SPECIAL = re.compile(r"[\\`*_\[\]<>&|~#$@]")
MD_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_[]<>&|~#$@"})
MD_LINE_START = re.compile(r"^(?:[-+=]|(\d{1,9})([.)])(?=\s|$))")


OX_TERMS = (ox.NamedNode, ox.BlankNode, ox.Literal)
TERMS = (*OX_TERMS, Node)


def term_text(value) -> str:
    """The text of a term (an IRI, a literal's lexical form, a blank node's label) or value."""
    return value.value if isinstance(value, OX_TERMS) else str(value)


def plain(value) -> str:
    """Text on one line: runs of white space (newlines included) become one space."""
    return " ".join(term_text(value).split())


def md(value) -> str:
    """Text for markdown inline context: paragraphs, list items, headings, table cells, link text.

    Backslash-escapes every character that could open markdown or HTML (emphasis, code spans,
    links, autolinks, raw HTML, entities, table pipes, strikethrough, math, headings), keeps the
    text on one line, and escapes a leading list/heading/quote marker, so the text is shown as
    written and cannot start a structure of its own."""
    text = plain(value)
    if MD_SPECIAL.search(text):
        text = text.translate(MD_ESCAPES)
    m = MD_LINE_START.match(text)
    if m and m.group(1):
        return m.group(1) + "\\" + text[len(m.group(1)):]
    return "\\" + text if m else text


def html_text(value) -> str:
    """Text inside an HTML block (<details>, <summary>, <li>): markdown is not parsed there, so
    only `<`, `>` and `&` matter (data never lands in an attribute), and the text must not contain
    a blank line (which would end the block)."""
    return html.escape(plain(value), quote=False)


def mermaid(value) -> str:
    """A label inside a double-quoted Mermaid string: no quotes, no angle brackets, one line."""
    table = str.maketrans({'"': "'", "`": "'", "<": "‹", ">": "›"})
    return plain(value).translate(table)


def safe_url(value) -> str | None:
    """The URL percent-encoded for a markdown link destination, or None unless it is an absolute
    http(s) URL with a host. Characters that could end the destination (parentheses, angle
    brackets, spaces, backslashes, quotes) are percent-encoded."""
    return _safe_url(term_text(value))


URL_UNSAFE = re.compile(r"[\x00-\x20\x7f]")  # a space or control character: never in a URL


@lru_cache(maxsize=1 << 19)
def _safe_url(value: str) -> str | None:
    # a link appears in both READMEs and in several sections: check and encode it once. The
    # cache holds every link of a 100,000-paper survey (310,000; ~80 MB): with room for a fifth
    # of them, each was encoded about four times (10k with a cache a fifth the size: +0.5 s)
    text = value.strip()
    if not text or URL_UNSAFE.search(text):
        return None
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return quote(text, safe="/:?#[]@!$&'*+,;=%~-._")


# ------------------------------------------------------------------------------------ templates

@dataclass(frozen=True)
class Section:
    """A README section: its template and the queries whose rows the template receives."""

    name: str
    template: Path
    queries: dict  # name the template uses -> query name in queries/


def parse_section(path: Path) -> Section:
    text = path.read_text(encoding="utf-8")
    header = HEADER.match(text)
    if header is None:
        raise InputError("a section template must start with a '{#- survey-kg section ... -#}' "
                         "header", file=path, line=1,
                         hint="name its queries there, one 'query NAME: QUERY' line each")
    queries = {}
    for number, line in enumerate(header["body"].splitlines(), 1):
        if m := HEADER_QUERY.match(line):
            queries[m["alias"]] = m["query"]
        elif line.strip():
            raise InputError(f"cannot read the header line {line.strip()!r}", file=path,
                             line=number, hint="write 'query NAME: QUERY'")
    return Section(path.name[: -len(TEMPLATE_SUFFIX)], path, queries)


def sections() -> dict[str, Section]:
    """Every section, by name: the templates in templates/ (files starting with '_' are helpers)."""
    found = sorted(p for p in templates_dir().glob("*" + TEMPLATE_SUFFIX)
                   if not p.name.startswith("_"))
    return {s.name: s for s in map(parse_section, found)}


class Labels(dict):
    """A README language's table of labels, read as `t.name` in a template and as `t["name"]`.
    Each label is an attribute too: Jinja reads `t.name` as an attribute first, and on a plain
    dict that lookup fails (an exception) before the item is read, hundreds of thousands of
    times in a large survey's listing."""

    def __init__(self, table: dict):
        super().__init__(table)
        self.__dict__.update(table)


@lru_cache(maxsize=1)
def labels() -> dict[str, Labels]:
    """The words around the data, one table per README language (templates/labels.toml)."""
    path = templates_dir() / "labels.toml"
    try:
        tables = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=path) from None
    return {lang: Labels(table) if isinstance(table, dict) else table
            for lang, table in tables.items()}


def languages() -> list[str]:
    """The README languages, in the order labels.toml lists them (English first)."""
    return list(labels())


class Key(str):
    """A term's text for lookups and comparisons in templates (`| key`, `| local_name`); like
    the terms, it cannot be printed unescaped."""


def _key(value) -> Key:
    return Key(term_text(value))


def _int(value, default: int = 0) -> int:
    """A number from the graph (an xsd:integer literal), or `default` when it is not one."""
    try:
        return int(term_text(value))
    except ValueError:
        return default


def _finalize(value):
    if type(value) is str:  # most values: what a filter returned
        return value
    if isinstance(value, (*TERMS, Key)):
        raise _Unescaped(value)
    return "" if value is None else value


class _Unescaped(Exception):
    def __init__(self, value):
        super().__init__(str(value)[:60])


@jinja2.pass_context
def _link(context, url, label) -> str:
    """A markdown link to an http(s) URL; any other URL is withheld with a visible note. A label
    from the graph is escaped; a label written in a template is used as it is."""
    target = safe_url(url) if url is not None else None
    if target is None:
        return "*" + md(context["t"]["link_withheld"].format(label=plain(label))) + "*"
    words = md(label) if isinstance(label, TERMS) else str(label)
    return f"[{words}]({target})"


def _other_language(context, text) -> str | None:
    """The label of a text's language when it is not the README's (the text exists only in that
    language), else None."""
    language = getattr(text, "language", None)
    if not language or language == context["lang"]:
        return None
    return context["t"]["only_in"].get(language, f"({language})")


@jinja2.pass_context
def _only_in(context, text) -> str:
    """The marker before a text that exists only in another language than the README's:
    "*(English only)* ", or "". A filter, not a macro: it is called for most texts (a macro
    call costs a frame and a buffer)."""
    label = _other_language(context, text)
    return "" if label is None else "*" + md(label) + "* "


@jinja2.pass_context
def _only_in_html(context, text) -> str:
    """The same marker inside an HTML block, where markdown is not read."""
    label = _other_language(context, text)
    return "" if label is None else " <em>" + html_text(label) + "</em>"


class RowList(list):
    """A query's rows as a template sees them, with an index per key so that `where` (called once
    per paper) is a lookup, not a scan of every row."""

    def __init__(self, rows=()):
        super().__init__(rows)
        self._indexes: dict = {}

    def lookup(self, key, value) -> list:
        if key not in self._indexes:
            index: dict = {}
            for row in self:
                index.setdefault(_get(row, key), []).append(row)
            self._indexes[key] = index
        return self._indexes[key].get(value, [])


def _get(row, key):
    """A row's value for `key`: a query's Row (whose variable may be named `get`) or a mapping."""
    return Row.get(row, key) if isinstance(row, Row) else row.get(key)


def _where(rows, key, value) -> list:
    """The rows whose `key` is `value`, in query order."""
    if isinstance(rows, RowList):
        return rows.lookup(key, value)
    return [row for row in rows if _get(row, key) == value]


def _count_distinct(rows, key) -> int:
    """How many different values of `key` the rows have (unbound counts as one value): what
    `rows | map(attribute=key) | unique | list | length` counts, without a filter call a row."""
    return len({_get(row, key) for row in rows})


def _group_by(rows, key) -> list:
    """(value, rows) pairs in order of first appearance; rows keep their query order."""
    groups: dict = {}
    for row in rows:
        groups.setdefault(_get(row, key), []).append(row)
    return list(groups.items())


@jinja2.pass_context
def _venue_year(context, row) -> str:
    """A row's ?venue and ?year as the listing shows them: "CVPR 2024"; a venue whose ?venueKind
    is a preprint server reads "arXiv preprint (2023)"; without ?year, "CVPR" and "arXiv
    preprint"; without ?venue, the label for nothing. A filter, not a macro: it is called for
    every paper (a macro call costs a frame and a buffer)."""
    return _venue(context["t"], row, _get(row, "year"))


@jinja2.pass_context
def _venue_name(context, row) -> str:
    """A row's ?venue without a year: "CVPR", or "arXiv preprint" for a preprint server."""
    return _venue(context["t"], row, None)


def _venue(t: dict, row, year) -> str:
    venue = _get(row, "venue")
    if venue is None:
        return t["none"]
    kind = _get(row, "venueKind")
    preprint = kind is not None and _local_name(kind) == "PreprintServer"
    if year is None:
        return t["preprint"].format(venue=md(venue)) if preprint else md(venue)
    return t["preprint_year" if preprint else "venue_year"].format(venue=md(venue), year=md(year))


def _join_md(items, separator: str = "", attribute: str | None = None) -> str:
    """Jinja's `join` with each item (or each item's `attribute`) escaped by `md`: a paper's
    authors, `authors | join_md(", ", attribute="name")`, without a filter call per name."""
    if attribute is not None:
        items = [_get(item, attribute) for item in items]
    return separator.join([md(item) for item in items])


def _local_name(value) -> Key:
    return Key(re.sub(r"^.*[#/]", "", term_text(value)))


def _fill(template: str, **values) -> str:
    return template.format(**values)


class _Environment(jinja2.Environment):
    def getitem(self, obj, argument):
        """`row["name"]` and `map(attribute="name")` read a Row's value directly (Jinja would
        first try the tuple's index and fail)."""
        if isinstance(obj, Row) and isinstance(argument, str):
            index = obj._index.get(argument)
            if index is not None:
                return obj[index]
        return super().getitem(obj, argument)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = _Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=False,  # markdown, not HTML: each value is escaped for its place by a filter
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.do"],
    )
    env.filters.update(md=md, html=html_text, mermaid=mermaid, link=_link, where=_where,
                       group_by=_group_by, count_distinct=_count_distinct, join_md=_join_md,
                       local_name=_local_name, key=_key, fill=_fill, int=_int, only_in=_only_in,
                       only_in_html=_only_in_html, venue_year=_venue_year, venue_name=_venue_name)
    return env


# ------------------------------------------------------------------------------------ rendering

def _rows(store: ox.Store, survey: Survey, name: str, lang: str, cache: dict) -> RowList:
    """The rows of query `name` for the README language `lang`; each query runs once per build.

    A shipped query with a `?lang` parameter runs once, unbound, and its rows are split by the
    `?lang` they return: unbound, these queries give the rows of every language, one language
    after the other (tests/test_queries.py checks they equal the bound runs), so both READMEs cost
    one evaluation. A survey's own query is run bound, once per language."""
    query = find_query(name, survey)
    key = (name, lang if "lang" in query.params else None)
    if key in cache:
        return cache[key]
    if key[1] is None or not is_shipped(query):
        cache[key] = RowList(solutions(store, query, {"lang": lang} if key[1] else {}))
        return cache[key]
    by_lang: dict[str, RowList] = {language: RowList() for language in languages()}
    for row in solutions(store, query, {}):
        language = _get(row, "lang")
        by_lang.setdefault(term_text(language) if language is not None else "None",
                           RowList()).append(row)
    for language, rows in by_lang.items():
        cache[(name, language)] = rows
    return cache.setdefault(key, RowList())


def render_section(store: ox.Store, survey: Survey, section: Section, lang: str,
                   cache: dict | None = None) -> str:
    """One section's markdown. The queries run on an Oxigraph store (see `query.to_store`): the
    same rows as rdflib, in a fraction of the time on large surveys."""
    return "".join(section_text(store, survey, section, lang, {} if cache is None else cache))


def section_text(store: ox.Store, survey: Survey, section: Section, lang: str,
                 cache: dict) -> Iterator[str]:
    """One section's markdown in pieces, as the template produces it (a large survey's listing
    is hundreds of megabytes: it goes to the file without being held whole). Runs of blank
    lines the template leaves around optional parts become one; no blank line at either end,
    one newline at the end. Errors are raised as the pieces are read."""
    data = {alias: _rows(store, survey, name, lang, cache)
            for alias, name in section.queries.items()}
    try:
        pieces = environment().get_template(section.template.name).generate(
            **data, lang=lang, t=labels()[lang])
        yield from _tidy(_batches(pieces))
    except _Unescaped as exc:
        raise InputError(f"section {section.name!r}: a value from the graph reaches the page "
                         f"without an escaping filter ({exc})", file=section.template,
                         hint="write it through md, html, mermaid or link") from None
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(f"template syntax error: {exc.message}", file=exc.filename or
                         section.template, line=exc.lineno) from None
    except jinja2.TemplateError as exc:
        raise InputError(f"section {section.name!r}: {exc}", file=section.template) from None


def _batches(pieces: Iterator[str], size: int = 4096) -> Iterator[str]:
    """The template's many small pieces joined a few thousand at a time."""
    while batch := list(itertools.islice(pieces, size)):
        yield "".join(batch)


BLANK_RUN = re.compile(r"\n\n\n+")  # not \n{3,}: a literal start is searched for, 20x faster


def _tidy(chunks: Iterator[str]) -> Iterator[str]:
    """`re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"` of the chunks joined, chunk by chunk
    (a run of newlines may span chunks)."""
    newlines, started = 0, False  # newlines after the last text, not written yet
    for chunk in chunks:
        text = chunk.strip("\n")
        if not text:
            newlines += len(chunk)
            continue
        if started:
            run = newlines + len(chunk) - len(chunk.lstrip("\n"))
            yield "\n\n" if run >= 3 else "\n" * run
        yield BLANK_RUN.sub("\n\n", text)
        newlines, started = len(chunk) - len(chunk.rstrip("\n")), True
    yield "\n"


def render_sections(graph: Graph | ox.Store, survey: Survey, lang: str, *, names=None,
                    cache: dict | None = None) -> dict[str, str]:
    """Markdown of each section (or of the named ones) in the language `lang`. `graph` is the
    survey's rdflib graph, or an Oxigraph store made from it once (`query.to_store`) when
    rendering several languages."""
    if lang not in labels():
        raise InputError(f"no README language {lang!r}", field="lang",
                         hint="languages: " + ", ".join(languages()))
    known = sections()
    cache = {} if cache is None else cache
    wanted = sorted(known) if names is None else sorted(set(names) & set(known))
    store = graph if isinstance(graph, ox.Store) else to_store(graph)
    return {name: render_section(store, survey, known[name], lang, cache) for name in wanted}


# ------------------------------------------------------------------------------------ markers

# The line breaks str.splitlines() knows besides "\n" (lines are numbered as it cuts them).
OTHER_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _lines_that_matter(text: str, every: bool = False) -> Iterator[tuple[int, int, int, int]]:
    """(index, start, end, next) of each line that may hold a marker or a code fence: its
    0-based index, where it starts and ends (its line break excluded) and where the next line
    starts. Every line when the text has line breaks other than "\n" (or `every`); otherwise
    only the lines holding "<!--", "```" or "~~~", found by searching the text (a README of
    100,000 papers is hundreds of megabytes: it is not cut into lines)."""
    if every or any(character in text for character in OTHER_LINE_BREAKS):
        offset = 0
        for index, line in enumerate(text.splitlines(keepends=True)):
            yield index, offset, offset + len(line.splitlines()[0]), offset + len(line)
            offset += len(line)
        return
    starts = set()
    for needle in ("<!--", "```", "~~~"):
        found = text.find(needle)
        while found != -1:
            line_start = text.rfind("\n", 0, found) + 1
            starts.add(line_start)
            line_end = text.find("\n", found)
            found = text.find(needle, line_end) if line_end != -1 else -1
    index, counted = 0, 0
    for line_start in sorted(starts):
        index += text.count("\n", counted, line_start)
        counted = line_start
        line_end = text.find("\n", line_start)
        if line_end == -1:
            yield index, line_start, len(text), len(text)
        else:
            yield index, line_start, line_end, line_end + 1


def _sections(text: str, file=None, known=None, every=False) -> list[tuple[str, tuple, tuple]]:
    """(name, BEGIN line, END line) of each marked section, in order, each line as
    `_lines_that_matter` gives it. Raises InputError as `find_sections` says."""
    found, seen = [], {}
    open_name, opened, fence = None, None, None
    for line in _lines_that_matter(text, every):
        index, start, end, _ = line
        number, content = index + 1, text[start:end]
        if open_name is None:
            if fence:
                m = FENCE.match(content)
                if m and m["fence"][0] == fence[0] and len(m["fence"]) >= len(fence) \
                        and not m["rest"].strip():
                    fence = None
                continue
            if m := FENCE.match(content):
                fence = m["fence"]
                continue
        if "<!--" not in content:  # neither a marker nor a malformed one
            continue
        marker = MARKER.match(content.strip())
        if marker is None:
            if MARKER_LIKE.search(content):
                raise InputError("this survey-kg marker is not well formed", file=file,
                                 line=number, hint="write '<!-- BEGIN survey-kg:NAME -->' or '<!-- "
                                                   "END survey-kg:NAME -->' on a line of its own")
            continue
        kind, name = marker["kind"], marker["name"]
        if known is not None and name not in known:
            raise InputError(f"unknown section {name!r}", file=file, line=number, field=name,
                             hint="known sections: " + ", ".join(sorted(known)))
        if kind == "BEGIN":
            if open_name is not None:
                raise InputError(f"section {name!r} begins inside section {open_name!r} "
                                 f"(opened at line {opened[0] + 1}, not closed)", file=file,
                                 line=number, hint=f"add <!-- END survey-kg:{open_name} --> first")
            if name in seen:
                raise InputError(f"section {name!r} is marked twice (first at line {seen[name]})",
                                 file=file, line=number, hint="keep one of them")
            open_name, opened = name, line
        elif open_name is None:
            raise InputError(f"END of section {name!r} without its BEGIN", file=file, line=number,
                             hint=f"add <!-- BEGIN survey-kg:{name} --> before it, or remove it")
        elif name != open_name:
            raise InputError(f"END of section {name!r} inside section {open_name!r} (opened at "
                             f"line {opened[0] + 1})", file=file, line=number,
                             hint=f"close it with <!-- END survey-kg:{open_name} -->")
        else:
            seen[name] = opened[0] + 1
            found.append((name, opened, line))
            open_name = None
    if open_name is not None:
        raise InputError(f"section {open_name!r} has no END marker", file=file,
                         line=opened[0] + 1,
                         hint=f"add <!-- END survey-kg:{open_name} --> where the section ends")
    return found


def find_sections(text: str, file=None, known=None) -> list[tuple[str, int, int]]:
    """(name, BEGIN line index, END line index) of each marked section, in order. Markers in
    fenced code blocks are examples, not markers. Raises InputError (with file and line) for a
    BEGIN without END, an END without BEGIN, a section marked twice, a nested BEGIN, a marker
    that is not well formed, or a name not in `known`."""
    return [(name, begin[0], end[0]) for name, begin, end in _sections(text, file, known)]


def update_readme_text(text: str, sections: dict[str, str], file=None) -> str:
    """`text` with what is between each pair of markers replaced by that section's markdown.
    Everything outside the markers, the markers included, is kept byte for byte (line ends too)."""
    parts = readme_parts(text, file=file, known=set(sections))
    return "".join(assemble(parts, lambda name: ("\n" + sections[name].strip("\n") + "\n\n",)))


def readme_parts(text: str, file=None, known=None) -> list:
    """The README cut at its markers: the text outside the sections (markers included), and
    between two such strings a (section name, line end of its BEGIN line) slot."""
    parts: list = []
    start = 0
    for name, (_, _, begin_end, after_begin), (_, end_start, _, _) in \
            _sections(text, file=file, known=known):
        parts.append(text[start:after_begin])
        parts.append((name, "\r\n" if text[begin_end:after_begin] == "\r\n" else "\n"))
        start = end_start
    parts.append(text[start:])
    return parts


def assemble(parts: list, body: Callable[[str], Iterable[str]]) -> Iterator[str]:
    """The README's text in pieces: the outside text as it is, and in each slot the pieces of
    `body(name)` (a blank line, the section, a blank line) with the BEGIN line's line ends."""
    for part in parts:
        if isinstance(part, str):
            yield part
            continue
        name, newline = part
        for piece in body(name):
            yield piece if newline == "\n" else piece.replace("\n", newline)


# ------------------------------------------------------------------------------------ files

def _read_exact(path: Path) -> str:
    """The README as it is on disk (no line-end or BOM changes, so outside text stays intact)."""
    try:
        return read_limited(path).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"the file is not valid UTF-8 (byte {exc.start})", file=path,
                         hint="save the file as UTF-8") from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=path) from None


def _readmes(graph: Graph | ox.Store, survey: Survey,
             cache: dict | None = None) -> Iterator[tuple[Path, Callable]]:
    """(path, generate) for each README of the survey that exists, from the survey's rdflib graph
    or Oxigraph store: `generate(text)` cuts the README's current text at its markers (raising
    for a bad marker) and returns the regenerated README in pieces, each section rendered as
    the pieces are read. A language's rows of a query are let go once the README's last section
    that reads them is written, and all its rows when the next README is asked for (a large
    survey's rows take gigabytes). `cache` holds the rows, by (query, language)."""
    cache = {} if cache is None else cache
    known = sections()
    store = graph if isinstance(graph, ox.Store) else to_store(graph)
    for lang in languages():
        path = survey.readme(lang)
        if not path.is_file():
            continue
        readers: Counter = Counter()  # query -> sections of this README still to read its rows

        def body(name: str, lang=lang, readers=readers) -> Iterator[str]:
            yield "\n"
            yield from section_text(store, survey, known[name], lang, cache)
            yield "\n"
            for query in known[name].queries.values():
                readers[query] -= 1
                if readers[query] == 0:
                    cache.pop((query, lang), None)

        def generate(text: str, path=path, body=body, readers=readers) -> Iterator[str]:
            parts = readme_parts(text, file=path, known=set(known))
            readers.update(query for part in parts if not isinstance(part, str)
                           for query in known[part[0]].queries.values())
            return assemble(parts, body)
        yield path, generate
        for key in [key for key in cache if key[1] == lang]:
            del cache[key]


@without_gc()
def readme_updates(graph: Graph | ox.Store, survey: Survey) -> list[tuple[Path, str, str]]:
    """(path, current text, generated text) of each README of the survey that exists, from the
    survey's rdflib graph or Oxigraph store."""
    updates = []
    for path, generate in _readmes(graph, survey):
        old = _read_exact(path)
        updates.append((path, old, "".join(generate(old))))
    return updates


def readme_diffs(graph: Graph | ox.Store, survey: Survey) -> list[str]:
    """A unified diff per README that is not up to date; empty when every README is."""
    diffs = []
    for path, old, new in readme_updates(graph, survey):
        if old == new:
            continue
        name = path.relative_to(survey.root).as_posix() if path.is_relative_to(survey.root) \
            else str(path)
        lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                     fromfile=f"{name} (current)", tofile=f"{name} (generated)")
        diffs.append("".join(line if line.endswith("\n") else line + "\n" for line in lines))
    return diffs


@without_gc()
def stage_readmes(graph: Graph | ox.Store, survey: Survey,
                  check: Callable[[], None] | None = None) -> list[Staged]:
    """Each README of the survey that exists, regenerated beside it (`files.stage_write`, not yet
    in place: `commit()` each, or `discard()`). A README is written as it is rendered, never
    held whole (at 100,000 papers each is hundreds of megabytes), and its current text is not
    kept once cut at its markers. `changed` says whether a README differs from what is on disk.
    `check()` is called between pieces (the build's: has validation found a violation?); what it
    raises stops the rendering, and what was staged is removed."""
    staged: list[Staged] = []
    check = check or (lambda: None)
    try:
        for path, generate in _readmes(graph, survey):
            pieces = generate(_read_exact(path))

            def write(handle, pieces=pieces) -> None:
                for piece in pieces:
                    check()
                    handle.write(piece.encode("utf-8"))
            staged.append(stage_write(path, write, keep_if_same=True))
    except BaseException:
        for done in staged:
            done.discard()
        raise
    return staged


def write_readmes(graph: Graph | ox.Store, survey: Survey) -> list[Path]:
    """Regenerate the marked sections of the survey's READMEs; write (atomically) only the files
    that change, and return their paths."""
    return commit_all(stage_readmes(graph, survey))
