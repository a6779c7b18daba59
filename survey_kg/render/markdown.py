"""Templates for markdown pages: escaping filters, one per place text lands, and the environment.

Rows reach a template as `queries.Row`s of Oxigraph terms (None where unbound); a literal's
`.language` is its language tag. A template writes terms out only through the escaping filters
below (markdown inline text and table cells, HTML blocks, Mermaid labels, links) and reads them
with `| key`, `| local_name` and `| int`: a term printed without a filter is an error, not a page.
Words around the data come from `templates/labels.toml`, one table per README language.
"""

from __future__ import annotations

import html
import re
import tomllib
import unicodedata
from functools import lru_cache
from urllib.parse import quote, urlsplit

import jinja2
import pyoxigraph as ox

from ..errors import InputError
from ..paths import templates_dir
from ..queries import Row

TERMS = (ox.NamedNode, ox.BlankNode, ox.Literal)
MD_SPECIAL = re.compile(r"[\\`*_\[\]<>&|~#$@]")
MD_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_[]<>&|~#$@"})
MD_LINE_START = re.compile(r"^(?:[-+=]|(\d{1,9})([.)])(?=\s|$))")
URL_UNSAFE = re.compile(r"[\x00-\x20\x7f]")  # a space or control character: never in a URL


def term_text(value) -> str:
    """The text of a term (an IRI, a literal's lexical form, a blank node's label) or value."""
    return value.value if isinstance(value, TERMS) else str(value)


def plain(value) -> str:
    """Text on one line: runs of white space (newlines included) become one space."""
    return " ".join(term_text(value).split())


def md(value) -> str:
    """Text for markdown inline context (paragraphs, list items, headings, table cells, link
    text): every character that could open markdown or HTML is backslash-escaped, the text stays
    on one line, and a leading list/heading/quote marker is escaped, so it is shown as written."""
    text = plain(value)
    if MD_SPECIAL.search(text):
        text = text.translate(MD_ESCAPES)
    m = MD_LINE_START.match(text)
    if m and m.group(1):
        return m.group(1) + "\\" + text[len(m.group(1)):]
    return "\\" + text if m else text


def html_text(value) -> str:
    """Text inside an HTML block (<details>, <summary>, <li>), where markdown is not parsed:
    only `<`, `>` and `&` matter, and the text must not hold a blank line (it ends the block)."""
    return html.escape(plain(value), quote=False)


def attribute(value) -> str:
    """Text inside a double-quoted HTML attribute (a page's own relative links)."""
    return html.escape(plain(value), quote=True)


def mermaid(value) -> str:
    """A label inside a double-quoted Mermaid string: no quotes, no angle brackets, one line."""
    return plain(value).translate(str.maketrans({'"': "'", "`": "'", "<": "‹", ">": "›"}))


@lru_cache(maxsize=1 << 16)
def safe_url(value) -> str | None:
    """The URL percent-encoded for a markdown link destination, or None unless it is an absolute
    http(s) URL with a host. Characters that could end the destination are percent-encoded."""
    text = term_text(value).strip()
    if not text or URL_UNSAFE.search(text):
        return None
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return quote(text, safe="/:?#[]@!$&'*+,;=%~-._")


class Labels(dict):
    """A language's table of labels, read as `t.name` (an attribute, found without a failed
    lookup first) and as `t["name"]`."""

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
    return {lang: Labels(table) for lang, table in tables.items()}


def languages() -> list[str]:
    """The README languages, in the order labels.toml lists them (English first)."""
    return list(labels())


class Key(str):
    """A term's text for lookups and comparisons in templates; it cannot be printed unescaped."""


class Unescaped(Exception):
    def __init__(self, value):
        super().__init__(str(value)[:60])


def _finalize(value):
    if type(value) is str:  # most values: what a filter returned
        return value
    if isinstance(value, (*TERMS, Key)):
        raise Unescaped(value)
    return "" if value is None else value


def _get(row, key):
    """A row's value for `key`: a query's Row (whose variable may be named `get`) or a mapping."""
    return Row.get(row, key) if isinstance(row, Row) else row.get(key)


class RowList(list):
    """A query's rows with an index per key, so that `where` (called once per paper) is a lookup."""

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


def _where(rows, key, value) -> list:
    """The rows whose `key` is `value`, in query order."""
    if isinstance(rows, RowList):
        return rows.lookup(key, value)
    return [row for row in rows if _get(row, key) == value]


def _group_by(rows, key) -> list:
    """(value, rows) pairs in order of first appearance; rows keep their query order."""
    groups: dict = {}
    for row in rows:
        groups.setdefault(_get(row, key), []).append(row)
    return list(groups.items())


@jinja2.pass_context
def _link(context, url, label) -> str:
    """A markdown link to an http(s) URL; any other URL is withheld with a visible note. A label
    from the graph is escaped; a label written in a template is used as it is."""
    target = safe_url(url) if url is not None else None
    if target is None:
        return "*" + md(context["t"]["link_withheld"].format(label=plain(label))) + "*"
    return f"[{md(label) if isinstance(label, TERMS) else str(label)}]({target})"


XSD = "http://www.w3.org/2001/XMLSchema#"


@jinja2.pass_context
def _published(context, row) -> str:
    """A work's `Published in` as the survey writes it: "CVPR 2024", "arXiv (9 Jan 2024)",
    "arXiv (Jan 2024)", "2024 (open release)", "2023 (November)" (what the importer reads)."""
    t = context["t"]
    venue, date, note = _get(row, "venue"), _get(row, "date"), _get(row, "releaseNote")
    text = date.value if date is not None else ""
    kind = date.datatype.value[len(XSD):] if date is not None else None
    year, month, day = text[:4], text[5:7], text[8:10]
    if venue is not None:
        if kind == "date":
            return f"{md(venue)} ({int(day)} {t['months'][int(month) - 1]} {year})"
        if kind == "gYearMonth":
            return f"{md(venue)} ({t['months'][int(month) - 1]} {year})"
        return f"{md(venue)} {md(year)}" if year else md(venue)
    if kind == "gYearMonth":
        return f"{year} ({t['long_months'][int(month) - 1]})"
    if note is not None:
        return f"{md(year)} ({md(note)})" if year else md(note)
    return md(year) if year else t["none"]


def _anchor(text) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation and symbols dropped, spaces as
    hyphens ("🔬 Independent Exploration: Specialized Models" -> "-independent-exploration-
    specialized-models")."""
    words = "".join(c for c in term_text(text).lower()
                    if c.isalnum() or c in "-_ " or unicodedata.category(c).startswith("M"))
    return words.replace(" ", "-")


def _commonmark(value) -> str:
    """An introduction written in CommonMark, as it is: the shapes allow it no raw HTML and
    only http(s) links (skg:IntroductionMarkupShape), and the build writes no page from a graph
    that breaks them."""
    return term_text(value).strip()


def _join_md(items, separator: str = "", attribute: str | None = None) -> str:
    """Jinja's `join` with each item (or each item's `attribute`) escaped by `md`."""
    if attribute is not None:
        items = [_get(item, attribute) for item in items]
    return separator.join([md(item) for item in items])


def _local_name(value) -> Key:
    return Key(re.sub(r"^.*[#/]", "", term_text(value)))


def _int(value, default: int = 0) -> int:
    """A number from the graph (an xsd:integer literal), or `default` when it is not one."""
    try:
        return int(term_text(value))
    except ValueError:
        return default


class _Environment(jinja2.Environment):
    def getitem(self, obj, argument):
        """`row["name"]` and `map(attribute="name")` read a Row's value directly."""
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
        undefined=jinja2.StrictUndefined, finalize=_finalize, trim_blocks=True,
        lstrip_blocks=True, keep_trailing_newline=True, extensions=["jinja2.ext.do"])
    env.filters.update(
        md=md, html=html_text, attr=attribute, mermaid=mermaid, link=_link, where=_where,
        group_by=_group_by, join_md=_join_md, local_name=_local_name,
        key=lambda value: Key(term_text(value)), fill=lambda template, **v: template.format(**v),
        int=_int, published=_published, anchor=_anchor, commonmark=_commonmark)
    return env
