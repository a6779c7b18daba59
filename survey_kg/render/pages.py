"""Generated sections of hand-written pages: markers, sections from queries and templates.

A page keeps its hand-written text; generated sections sit between markers on lines of their own:

    <!-- BEGIN survey-kg:summary -->
    ...generated markdown...
    <!-- END survey-kg:summary -->

Section NAME is the template `survey_kg/templates/NAME.md.j2`, whose header comment names the
queries (from `queries/`) whose rows it receives; a query with a `?lang` parameter gets the
page's language. Adding a section is adding a query and a template, no Python:

    {#- survey-kg section
    query rows: summary
    -#}
"""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

import jinja2
import pyoxigraph as ox

from ..errors import InputError
from ..files import Staged, commit_all, read_limited, stage_files
from ..paths import PREFIXES, Survey, templates_dir
from ..queries import find_query, run
from ..rdf import select
from .markdown import RowList, Unescaped, environment, labels, languages

TEMPLATE_SUFFIX = ".md.j2"
HEADER = re.compile(r"\A\{#-?\s*survey-kg section\b(?P<body>.*?)-?#\}", re.S)
HEADER_QUERY = re.compile(r"^\s*query\s+(?P<alias>[A-Za-z_]\w*)\s*:\s*(?P<query>[\w.-]+)\s*$")
MARKER = re.compile(r"^<!-- (?P<kind>BEGIN|END) survey-kg:(?P<name>[\w.-]+) -->$")
MARKER_LIKE = re.compile(r"^\s*<!--\s*(BEGIN|END)\b.*survey-kg", re.I)
FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})(?P<rest>.*)$")


@dataclass(frozen=True)
class Section:
    """A generated section: its template and the queries whose rows the template receives."""
    name: str
    template: Path
    queries: dict  # name the template uses -> query name in queries/


def parse_section(path: Path) -> Section:
    header = HEADER.match(path.read_text(encoding="utf-8"))
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


def _rows(store: ox.Store, survey: Survey, name: str, lang: str, cache: dict) -> RowList:
    """The rows of query `name` for a page in `lang`. Each query runs once for all the pages: one
    with a `?lang` parameter unbound, which gives the rows of every language, and each page
    takes those of its language (the queries say so in their headers)."""
    if name not in cache:
        query = find_query(name, survey)
        result = run(store, query)
        if "lang" not in query.params:
            cache[name] = RowList(result.rows)
        elif "lang" not in result.vars:
            raise InputError(f"query {name!r} has a ?lang parameter but returns no ?lang",
                             file=query.path, hint="select ?lang, so that each page takes the "
                                                   "rows of its language")
        else:
            cache[name] = by_lang = {}
            for row in result.rows:
                language = row.get("lang")
                by_lang.setdefault(language.value if language else None, RowList()).append(row)
    found = cache[name]
    return found.get(lang, RowList()) if isinstance(found, dict) else found


def section_text(store: ox.Store, survey: Survey, section: Section, lang: str,
                 rows: dict, context: dict | None = None) -> Iterator[str]:
    """One section's markdown in pieces, as the template produces them (a large survey's
    listing goes to its file without being held whole). Runs of blank lines become one; no blank
    line at either end, one newline at the end. `rows` holds the query rows of the pages."""
    data = {alias: _rows(store, survey, name, lang, rows)
            for alias, name in section.queries.items()}
    try:
        pieces = environment().get_template(section.template.name).generate(
            **data, **(context or {}), lang=lang, t=labels()[lang])
        yield from _tidy(_batches(pieces))
    except Unescaped as exc:
        raise InputError(f"section {section.name!r}: a value from the graph reaches the page "
                         f"without an escaping filter ({exc})", file=section.template,
                         hint="write it through md, html, mermaid or link") from None
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(f"template syntax error: {exc.message}",
                         file=exc.filename or section.template, line=exc.lineno) from None
    except jinja2.TemplateError as exc:
        raise InputError(f"section {section.name!r}: {exc}", file=section.template) from None


def render_section(store: ox.Store, survey: Survey, name: str, lang: str,
                   context: dict | None = None) -> str:
    """One section's markdown in the language `lang`, its template given `context`."""
    if lang not in labels():
        raise InputError(f"no README language {lang!r}", field="lang",
                         hint="languages: " + ", ".join(languages()))
    return "".join(section_text(store, survey, sections()[name], lang, {}, context))


def _batches(pieces: Iterator[str], size: int = 4096) -> Iterator[str]:
    """The template's many small pieces joined a few thousand at a time."""
    while batch := list(itertools.islice(pieces, size)):
        yield "".join(batch)


BLANK_RUN = re.compile(r"\n\n\n+")


def _tidy(chunks: Iterator[str]) -> Iterator[str]:
    """`re.sub(r"\\n{3,}", "\\n\\n", text).strip("\\n") + "\\n"` of the chunks joined, chunk by
    chunk (a run of newlines may span chunks)."""
    newlines, started = 0, False  # newlines after the last text, not written yet
    for chunk in chunks:
        text = chunk.strip("\n")
        if not text:
            newlines += len(chunk)
            continue
        if started:
            run_length = newlines + len(chunk) - len(chunk.lstrip("\n"))
            yield "\n\n" if run_length >= 3 else "\n" * run_length
        yield BLANK_RUN.sub("\n\n", text)
        newlines, started = len(chunk) - len(chunk.rstrip("\n")), True
    yield "\n"


# ------------------------------------------------------------------------------------ markers

OTHER_LINE_BREAKS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _lines(text: str) -> Iterator[tuple[int, int, int, int]]:
    """(index, start, end, next) of each line that may hold a marker or a code fence: its
    0-based index, where it starts and ends (its line break excluded) and where the next line
    starts, as str.splitlines() cuts them. A page of a large survey has hundreds of thousands
    of lines: unless it has line breaks other than "\n", only lines holding "<!--" or a fence
    are looked at."""
    if OTHER_LINE_BREAKS.search(text):
        offset = 0
        for index, line in enumerate(text.splitlines(keepends=True)):
            yield index, offset, offset + len(line.splitlines()[0]), offset + len(line)
            offset += len(line)
        return
    starts = set()
    for needle in ("<!--", "```", "~~~"):
        found = text.find(needle)
        while found != -1:
            starts.add(text.rfind("\n", 0, found) + 1)
            end = text.find("\n", found)
            found = text.find(needle, end) if end != -1 else -1
    index = counted = 0
    for start in sorted(starts):
        index += text.count("\n", counted, start)
        counted = start
        end = text.find("\n", start)
        yield (index, start, len(text), len(text)) if end == -1 else (index, start, end, end + 1)


def _sections(text: str, file=None, known=None) -> list[tuple[str, tuple, tuple]]:
    """(name, BEGIN line, END line) of each marked section, in order, each line as `_lines`
    gives it. Markers in fenced code blocks are examples, not markers. Raises InputError (with
    file and line) for a BEGIN without END, an END without BEGIN, a section marked twice, a
    nested BEGIN, a marker that is not well formed, or a name not in `known`."""
    found, seen = [], {}
    open_name, opened, fence = None, None, None
    for line in _lines(text):
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
        if "<!--" not in content:
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
    """(name, BEGIN line index, END line index) of each marked section, in order."""
    return [(name, begin[0], end[0]) for name, begin, end in _sections(text, file, known)]


def page_parts(text: str, file=None, known=None) -> list:
    """The page cut at its markers: the text outside the sections (markers included), and
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


def update_text(text: str, generated: dict[str, str], file=None) -> str:
    """`text` with each marked section replaced by its markdown in `generated`; everything
    outside the markers, the markers included, is kept byte for byte (line ends too)."""
    return "".join(_assemble(page_parts(text, file=file, known=set(generated)),
                             lambda name: ("\n" + generated[name].strip("\n") + "\n\n",)))


def _assemble(parts: list, body) -> Iterator[str]:
    """The page's text in pieces: the outside text as it is, and in each slot the pieces of
    `body(name)` with the BEGIN line's line ends."""
    for part in parts:
        if isinstance(part, str):
            yield part
            continue
        name, newline = part
        for piece in body(name):
            yield piece if newline == "\n" else piece.replace("\n", newline)


# ------------------------------------------------------------------------------------ files

def _read_exact(path: Path) -> str:
    """The page as it is on disk (no line-end or BOM changes, so outside text stays intact)."""
    try:
        return read_limited(path).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"the file is not valid UTF-8 (byte {exc.start})", file=path,
                         hint="save the file as UTF-8") from None


@dataclass(frozen=True)
class Page:
    """A page of the survey: its file and language, and what its templates receive besides the
    rows (a section page's `category`; a root page's `sections`, the way to the section pages,
    and `readme`, its own file name; the curation page's `warnings`, the validation report's).
    A page that `needs_report` is made once the graph is validated."""
    path: Path
    lang: str
    context: dict
    needs_report: bool = False


SECTION_PAGE = "<!-- BEGIN survey-kg:section -->\n<!-- END survey-kg:section -->\n"
SECTION_FOLDERS = (f"SELECT ?category ?path WHERE {{ ?category <{PREFIXES['skg']}sectionPath> "
                   "?path } ORDER BY ?path ?category")


def page_name(lang: str) -> str:
    return "README.md" if lang == "en" else f"README_{lang}.md"


def pages(store: ox.Store, survey: Survey, report=None) -> list[Page]:
    """The survey's pages: its root pages and CURATION.md (those that exist), and both
    languages' pages of each category with a section folder (made if they do not exist).
    `report`: the validation report, whose warnings the curation page lists."""
    found = [Page(survey.readme(lang), lang, {"sections": "./", "readme": page_name(lang)})
             for lang in languages() if survey.readme(lang).is_file()]
    if (survey.pages / "CURATION.md").is_file():
        warnings = [asdict(r) for r in report.warnings] if report is not None else []
        found.append(Page(survey.pages / "CURATION.md", "en", {"warnings": warnings}, True))
    root = survey.pages.resolve()
    for category, folder in select(store, SECTION_FOLDERS)[1]:
        for lang in languages():
            path = survey.pages / folder.value / page_name(lang)
            if not path.resolve().is_relative_to(root):
                raise InputError(f"the section folder {folder.value!r} of {category.value} is "
                                 "outside the survey", field="skg:sectionPath",
                                 hint="give a folder inside the survey, without '..'")
            found.append(Page(path, lang, {"category": category}))
    return found


def generate(store: ox.Store, survey: Survey, page: Page, text: str,
             rows: dict | None = None) -> Iterator[str]:
    """The page regenerated from its current `text`, in pieces (sections rendered as the pieces
    are read). Raises InputError for a bad marker before the first piece. `rows`: the query rows
    the pages share."""
    known = sections()
    parts = page_parts(text, file=page.path, known=set(known))
    rows = {} if rows is None else rows

    def body(name: str) -> Iterator[str]:
        yield "\n"
        yield from section_text(store, survey, known[name], page.lang, rows, page.context)
        yield "\n"
    return _assemble(parts, body)


def _current(page: Page) -> str:
    """The page's text, or the skeleton of a section page that does not exist yet."""
    return _read_exact(page.path) if page.path.exists() else SECTION_PAGE


def page_updates(store: ox.Store, survey: Survey, report=None) -> list[tuple[Path, str, str]]:
    """(path, current text, generated text) of each page of the survey."""
    updates, rows = [], {}
    for page in pages(store, survey, report):
        old = _current(page)
        updates.append((page.path, old if page.path.exists() else "",
                        "".join(generate(store, survey, page, old, rows))))
    return updates


def page_diffs(store: ox.Store, survey: Survey, report=None) -> list[str]:
    """A unified diff per page that is not up to date; empty when every page is."""
    diffs = []
    for path, old, new in page_updates(store, survey, report):
        if old == new:
            continue
        name = path.relative_to(survey.root).as_posix() if path.is_relative_to(survey.root) \
            else str(path)
        lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                     fromfile=f"{name} (current)", tofile=f"{name} (generated)")
        diffs.append("".join(line if line.endswith("\n") else line + "\n" for line in lines))
    return diffs


def stage_pages(store: ox.Store, survey: Survey, chosen: list[Page] | None = None,
                rows: dict | None = None) -> list[Staged]:
    """Each page (of `chosen`, default: every page) regenerated beside it (`files.stage_files`),
    not yet in place: `commit()` each or `discard()`. A page is written as it is rendered, never
    held whole. `rows`: the query rows the pages share (kept for a later call)."""
    rows = {} if rows is None else rows

    def write(page: Page):  # each page read and regenerated as it is written, one at a time
        return lambda handle: handle.writelines(piece.encode("utf-8") for piece in generate(
            store, survey, page, _current(page), rows))
    return stage_files([(page.path, write(page))
                        for page in (pages(store, survey) if chosen is None else chosen)],
                       keep_if_same=True)


def write_pages(store: ox.Store, survey: Survey, report=None) -> list[Path]:
    """Regenerate the marked sections of the survey's pages; write (atomically) only the files
    that change, and return their paths."""
    return commit_all(stage_pages(store, survey, pages(store, survey, report)))
