"""The HTML environment of the site: autoescaping, and filters for the places data lands.

Every value is HTML-escaped where it is printed (Jinja's autoescape). A literal prints as its
text; an IRI printed without a filter is an error (`Unescaped`), because it could only be meant
as a link: `| url` gives an external link (http(s) only, as `render.markdown.safe_url` decides
for the README pages, else None), `| page` the relative link to the site's page of a thing. So
hostile data cannot add markup, scripts or `javascript:` links. Introductions are CommonMark,
rendered with raw HTML off and links limited to http(s); JSON-LD goes through Jinja's `tojson`,
which escapes `<`, `>`, `&` and `'` so it cannot close its script element.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache

import jinja2
import markupsafe
import pyoxigraph as ox
from markdown_it import MarkdownIt

from ..errors import InputError
from ..paths import BASE, templates_dir
from ..render.markdown import (TERMS, Key, Labels, RowList, Unescaped, _group_by, _where, plain,
                               safe_url)
from ..render.markdown import term_text as text

TEMPLATES = "site"
XSD = "http://www.w3.org/2001/XMLSchema#"
# The things with a page, by the first segment of their IRI below BASE (the page is at the same
# path in the site: https://w3id.org/survey-kg/paper/2209.14988 -> paper/2209.14988.html).
KINDS = ("paper", "work", "person", "organization", "venue", "category")
LOCAL = re.compile(r"(?:%s)(?:/[A-Za-z0-9][A-Za-z0-9._~-]*)+" % "|".join(KINDS))


@lru_cache(maxsize=1 << 16)
def local_path(iri) -> str:
    """The page path of a thing, from its IRI: "paper/2209.14988"."""
    value = text(iri)
    local = value[len(BASE):] if value.startswith(BASE) else None
    if local is None or not LOCAL.fullmatch(local):
        raise InputError(f"no page can be made for {value!r}: a page's path is its IRI below "
                         f"{BASE}, one of {', '.join(k + '/...' for k in KINDS)}",
                         field="IRI", hint="give the thing an IRI in the survey's namespace")
    return local


@jinja2.pass_context
def _page(context, iri) -> str:
    """The relative link to the site's page of `iri`, in the page's language."""
    return context["lang_root"] + local_path(iri) + ".html"


def _url(value) -> str | None:
    """An external link target: the URL percent-encoded if it is an absolute http(s) URL with a
    host, else None (the template then shows the link as withheld)."""
    return None if value is None else safe_url(value)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = lambda url: safe_url(url) is not None  # http(s) with a host, nothing else
    return md


def _commonmark(value) -> markupsafe.Markup:
    """An introduction written in CommonMark, as HTML: raw HTML in it is shown as text, and a
    link other than http(s) stays text."""
    return markupsafe.Markup(_markdown().render(text(value)))


BIB_SPECIAL = str.maketrans({"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%",
                             "&": r"\&", "$": r"\$", "#": r"\#", "_": r"\_",
                             "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"})


def _bib_text(value) -> str:
    """Text inside a BibTeX field: its LaTeX special characters escaped (the page then escapes
    the entry for HTML)."""
    return plain(value).translate(BIB_SPECIAL)


def _bib(value) -> str:
    """A BibTeX field value in braces, its LaTeX special characters escaped."""
    return "{" + _bib_text(value) + "}"


def _bib_raw(value) -> str:
    """A BibTeX field read verbatim (url, doi, eprint) in braces: no escapes, and no brace or
    backslash (a URL, DOI or arXiv ID has none) that could end the field."""
    return "{" + re.sub(r"[{}\\]", "", plain(value)) + "}"


@jinja2.pass_context
def _date(context, value) -> str:
    """A date from the graph for reading: "2023", "Jan 2024", "9 Jan 2024" (as the labels of
    the page's language write them)."""
    t = context["t"]
    lexical = text(value)
    kind = value.datatype.value[len(XSD):] if isinstance(value, ox.Literal) else "string"
    year, month, day = lexical[:4], lexical[5:7], lexical[8:10]
    if kind == "gYearMonth" and month.isdigit():
        return t.date_month.format(year=year, month=t.months[int(month) - 1], m=int(month))
    if kind == "date" and month.isdigit() and day.isdigit():
        return t.date_day.format(year=year, month=t.months[int(month) - 1], m=int(month),
                                 day=int(day))
    return lexical


@jinja2.pass_context
def _lang_attr(context, value) -> markupsafe.Markup:
    """` lang="xx"` for a text in another language than the page's, so that it is read out in
    its own language; nothing for a text in the page's language (or without a tag)."""
    language = getattr(value, "language", None)
    if not language or language == context["lang"]:
        return markupsafe.Markup("")
    return markupsafe.Markup(' lang="%s"') % language


@jinja2.pass_context
def _only_in(context, value) -> markupsafe.Markup:
    """A note "(only in English)" after a text that exists only in another language."""
    language = getattr(value, "language", None)
    if not language or language == context["lang"]:
        return markupsafe.Markup("")
    t = context["t"]
    note = t.other_language.format(language=t.language_names.get(language, language))
    return markupsafe.Markup('<p class="note" data-pagefind-ignore>%s</p>') % note


@jinja2.pass_context
def _works_label(context, n: int) -> str:
    """"1 work", "12 works" in the page's language."""
    t = context["t"]
    return t.one_work if n == 1 else t.work_count.format(n=n)


def _int(value, default: int = 0) -> int:
    try:
        return int(text(value))
    except (TypeError, ValueError):
        return default


def _finalize(value):
    """What `{{ value }}` prints: a literal's text (escaped by autoescape); never an IRI."""
    if type(value) is str:  # most values: what a filter returned
        return value
    if isinstance(value, (str, int, float)) and not isinstance(value, Key):
        return value
    if isinstance(value, ox.Literal):
        return value.value
    if isinstance(value, (*TERMS, Key)):
        raise Unescaped(value)
    return "" if value is None else value


@lru_cache(maxsize=1)
def labels() -> dict[str, Labels]:
    """The site's words around the data, one table per language (templates/site/labels.toml)."""
    path = templates_dir() / TEMPLATES / "labels.toml"
    try:
        tables = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=path) from None
    return {lang: Labels(table) for lang, table in tables.items()}


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir() / TEMPLATES),
        autoescape=True, undefined=jinja2.StrictUndefined, finalize=_finalize, auto_reload=False,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        extensions=["jinja2.ext.do"])
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    env.filters.update(
        text=lambda value: None if value is None else text(value), plain=plain, url=_url,
        page=_page, lang_attr=_lang_attr, only_in=_only_in, commonmark=_commonmark, bib=_bib,
        bib_text=_bib_text, bib_raw=_bib_raw, date=_date, int=_int, works_label=_works_label,
        where=_where, group_by=_group_by,
        key=lambda value: Key(text(value)),
        local_name=lambda value: Key(re.sub(r"^.*[#/]", "", text(value))),
        fill=lambda template, **values: template.format(**values))
    return env


__all__ = ["RowList", "environment", "labels", "local_path"]
