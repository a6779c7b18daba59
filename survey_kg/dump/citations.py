"""Citations of the surveyed works: dist/survey.bib (BibTeX) and dist/survey.csl.json (CSL-JSON).

Both come from two queries (queries/citations.rq: a row per work; citation_authors.rq: its
authors in order) and a template each (survey_kg/templates/survey.bib.j2, survey.csl.json.j2),
as the pages do: the templates decide the entry types and fields. Python adds what a template
cannot: a citation key per work, unique in the survey, and the escaping each format needs. The
templates use <% %>, << >> and <# #> as delimiters, since BibTeX and JSON are full of braces; a
term printed without one of the filters below is an error, as in the pages.

Keys are dblp-like: the first author's family name, the initials of the next three authors'
family names and the year's last two digits ("PooleJBM23"), folded to ASCII letters and digits.
Works whose keys would be equal are told apart by a letter after all but the first (by IRI:
arXiv IDs, in the order arXiv gave them), so a key stays as it was when a later work is added.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import BinaryIO

import jinja2
import pyoxigraph as ox

from ..errors import InputError
from ..paths import bundled, templates_dir
from ..queries import Row, parse_query_file, run
from ..render.markdown import Key, safe_url, term_text

TERMS = (ox.NamedNode, ox.BlankNode, ox.Literal)
TEMPLATES = {"bibtex": "survey.bib.j2", "csl": "survey.csl.json.j2"}


@dataclass
class Work:
    """One work as the templates see it: its key, its row of citations.rq and the rows of its
    authors (citation_authors.rq) in order."""
    key: str
    row: Row
    authors: list[Row] = field(default_factory=list)


def _query(store: ox.Store, name: str) -> list[Row]:
    return run(store, parse_query_file(bundled("queries") / f"{name}.rq")).rows


def works(store: ox.Store) -> list[Work]:
    """Every work with its citation key, in the query's order (by IRI); an author once per
    position (the first printed name of a position that has two)."""
    found: dict = {}
    for row in _query(store, "citations"):
        found.setdefault(row.work, Work("", row))
    last = None
    for row in _query(store, "citation_authors"):
        work = found.get(row.work)
        if work is not None and (row.work, row.position) != last:
            work.authors.append(row)
        last = (row.work, row.position)
    listed = list(found.values())
    for work, key in zip(listed, citation_keys(listed)):
        work.key = key
    return listed


def _ascii(text: str) -> str:
    """Letters and digits of `text` folded to ASCII ("Müller" -> "Muller", "Kępa" -> "Kepa")."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]", "", folded)


def split_name(name) -> tuple[str, str]:
    """(given, family) of a printed name: its last word is the family name, the words before it
    the given names (the survey gives no other division of a name)."""
    given, _, family = " ".join(term_text(name).split()).rpartition(" ")
    return given, family


def base_key(work: Work) -> str:
    """The dblp-like key of a work before it is told apart from others."""
    names = [split_name(a.get("name"))[1] if not _true(a.get("organization"))
             else term_text(a.get("name")) for a in work.authors]
    first = _ascii(names[0]) if names else ""
    first = first[:1].upper() + first[1:] if first else "Anonymous"
    initials = "".join(_ascii(name)[:1].upper() for name in names[1:4])
    year = term_text(work.row.get("year") or "")
    return first + initials + (year[2:4] if re.fullmatch(r"[0-9]{4}", year) else "")


def citation_keys(listed: list[Work]) -> list[str]:
    """A unique key for each work, in order: the base key, and for the second and later works
    (in the order given) of the same base key a letter from b on."""
    keys, taken, seen = [], set(), {}
    for work in listed:
        base = base_key(work)
        count = seen[base] = seen.get(base, 0) + 1
        key = base if count == 1 else base + _letters(count)
        while key in taken:  # a base key that ends like a lettered one ("Lee23" + "b")
            count += 1
            key = base + _letters(count)
        seen[base] = count
        taken.add(key)
        keys.append(key)
    return keys


def _letters(number: int) -> str:
    """b for 2, c for 3, ..., z for 26, ba for 27: the letters after a repeated key."""
    number, letters = number - 1, ""
    while True:
        number, digit = divmod(number, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
        if not number:
            return letters


def _true(value) -> bool:
    return value is not None and value.value in ("true", "1")


# ---------------------------------------------------------------------------------- filters

_BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&",
                   "#": r"\#", "$": r"\$", "_": r"\_", "^": r"\^{}", "~": r"\~{}"}
_BIBTEX_SPECIAL = re.compile(r"[\\{}%&#$_^~]")


def bibtex(value) -> str:
    """Text inside a braced BibTeX field: on one line, LaTeX's special characters escaped (so
    braces always balance); other characters as they are (BibTeX files are UTF-8 today)."""
    text = " ".join(term_text(value).split())
    if _BIBTEX_SPECIAL.search(text) is None:
        return text
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES[m.group()], text)


def bibtex_name(row) -> str:
    """An author in a BibTeX author list: "Family, Given" (so BibTeX need not guess the family
    name), a one-word name as it is, an organization's name braced whole ("{OpenAI Research
    Team}", not a person named Team)."""
    name = bibtex(row.name)
    given, _, family = name.rpartition(" ")
    if _true(row.organization) or " and " in f" {name} ".lower() or "," in name:
        return "{" + name + "}"
    return f"{family}, {given}" if given else family


def bibtex_names(rows) -> str:
    """The authors of a BibTeX author field, joined by " and "."""
    return " and ".join([bibtex_name(row) for row in rows])


def bibtex_url(value) -> str:
    """A URL inside a braced field or \\url{}: an http(s) URL, percent-encoded as for a link
    (no brace, backslash or space is left in it), else refused."""
    url = safe_url(term_text(value))
    if url is None:
        raise InputError(f"cannot cite the link {term_text(value)!r}: not an http(s) URL",
                         hint="links must be http(s) URLs (the shapes check them)")
    return url


MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def bibtex_month(value) -> str:
    """The month macro (jan ... dec) of a date with a month, else ""."""
    text = term_text(value) if value is not None else ""
    match = re.fullmatch(r"[0-9]{4}-([0-9]{2}).*", text)
    return MONTHS[int(match.group(1)) - 1] if match and 1 <= int(match.group(1)) <= 12 else ""


_json_string = json.encoder.encode_basestring  # as json.dumps(ensure_ascii=False) writes it


def json_text(value) -> str:
    """A JSON string of the text (or a JSON number, true, false, for Python's)."""
    if isinstance(value, TERMS):
        return _json_string(value.value)
    return json.dumps(value, ensure_ascii=False)


def date_parts(value) -> str:
    """A CSL date's "date-parts" from a year, a month or a day: [[2024]], [[2024, 1]],
    [[2024, 1, 9]]."""
    parts = [int(part) for part in re.findall(r"[0-9]+", term_text(value))[:3]]
    return json.dumps([parts])


def csl_name(row) -> str:
    """A CSL-JSON name: {"family": ..., "given": ...}, or {"literal": ...} for an organization
    and a one-word name."""
    given, family = split_name(row.name)
    if _true(row.organization) or not given:
        return '{"literal": ' + _json_string(" ".join(row.name.value.split())) + "}"
    return '{"family": ' + _json_string(family) + ', "given": ' + _json_string(given) + "}"


def csl_names(rows, indent: str = "      ") -> str:
    """The names of a CSL-JSON author array, one a line at `indent`."""
    return ",\n".join([indent + csl_name(row) for row in rows])


class _Unescaped(Exception):
    pass


def _finalize(value):
    if type(value) is str:
        return value
    if isinstance(value, (*TERMS, Key)):
        raise _Unescaped(str(value)[:60])
    return "" if value is None else value


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()), autoescape=False,
        block_start_string="<%", block_end_string="%>", variable_start_string="<<",
        variable_end_string=">>", comment_start_string="<#", comment_end_string="#>",
        undefined=jinja2.StrictUndefined, finalize=_finalize, trim_blocks=True,
        lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(bibtex=bibtex, bibtex_name=bibtex_name, bibtex_names=bibtex_names,
                       bibtex_url=bibtex_url, bibtex_month=bibtex_month, json=json_text,
                       date_parts=date_parts, csl_name=csl_name, csl_names=csl_names,
                       key=lambda value: Key(term_text(value)))
    return env


def render(listed: list[Work], fmt: str) -> str:
    """survey.bib (`fmt` "bibtex") or survey.csl.json ("csl") of the works (`works`)."""
    template = templates_dir() / TEMPLATES[fmt]
    try:
        return environment().get_template(TEMPLATES[fmt]).render(works=listed)
    except _Unescaped as exc:
        raise InputError(f"a value from the graph reaches {fmt} without an escaping filter "
                         f"({exc})", file=template,
                         hint="write it through a filter: bibtex, bibtex_url, json, ...") from None
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(f"template syntax error: {exc.message}",
                         file=exc.filename or template, line=exc.lineno) from None
    except jinja2.TemplateError as exc:
        raise InputError(f"{template.name}: {exc}", file=template) from None


def write(listed: list[Work], fmt: str, out: BinaryIO) -> None:
    out.write(render(listed, fmt).encode("utf-8"))
