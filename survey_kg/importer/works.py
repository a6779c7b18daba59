"""Entries → works: one work per arXiv ID (or, without one, per title), its fields read and its
entries merged.

An entry's fields are read here: authors (a person or an organization each, an "et al." noted),
the arXiv ID (a version suffix kept apart), `Published in` in every form the pages use (a venue,
a year, a full date or a month, a note), links (typed by their label and what their host really
is). Entries of one work (the same paper in both languages, or listed twice) are merged field by
field: each text is tagged with the language it is written in, the first value of a field and
language is kept, and a different one is reported in full, naming both places.
"""

from __future__ import annotations

import difflib
import html
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pyoxigraph as ox

from .pages import (ARXIV_NEW, ARXIV_OLD, Entry, Finding, Text, clean, fold, language_of,
                    vocabulary)

YEAR = re.compile(r"\b(1[89][0-9]{2}|20[0-9]{2})\b")
LINK = re.compile(r"\[\[?(?P<label>[^\[\]]*)\]\]?\((?P<url>[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\)")


def slug(text: str) -> str:
    """A readable IRI segment: "Jiaqi Liao" -> "jiaqi-liao", "Müller" -> "muller"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^0-9A-Za-z\u3400-\u9fff]+", "-", text.casefold()).strip("-")
    return text or "unnamed"


MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape(text: str) -> str:
    """Markdown text as a reader sees it: backslash escapes (`\\*`) and HTML character
    references (`&#39;`) replaced."""
    return clean(MD_UNESCAPE.sub(_unescaped, text))


# a backslash escape, or a character reference (CommonMark: `\&amp;` is shown as "&amp;")
MD_UNESCAPE = re.compile(MD_ESCAPE.pattern + r"|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")


def _unescaped(match: re.Match) -> str:
    return match[1] if match[1] is not None else html.unescape(match[0])


def unescape_html(text: str) -> str:
    """Text of an HTML block (a summary, an abstract, a key point; markdown is not read there)
    as a reader sees it: character references replaced."""
    return clean(html.unescape(text))


EMPHASIS = re.compile(r"(\*\*|\*|`)(?=\S)(.+?)(?<=\S)\1")
MD_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)")


def plain_text(markdown: str) -> str:
    """Markdown as plain text (for a definition): links as their text, emphasis and code marks
    dropped, escapes replaced."""
    text, before = MD_LINK.sub(r"\1", markdown), None
    while text != before:
        text, before = EMPHASIS.sub(r"\2", text), text
    return unescape(text)


HTML_FIELDS = {"title", "abstract", "key points"}  # read from HTML blocks, not markdown


HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufffd]+")
# what a mis-encoded run may stand for: Latin letters with accents, Greek, punctuation, arrows,
# superscripts and mathematical signs, never Chinese
REPAIRED = re.compile(r"^[\x20-\x7e\u00a0-\u024f\u0391-\u03c9\u2010-\u209f\u2190-\u22ff]+$")


def mojibake(text: str) -> str | None:
    """The text with its mis-encoded runs repaired, or None when it has none. A run of Chinese
    characters inside Latin text whose bytes in GBK are UTF-8 for Latin letters, Greek or
    symbols is UTF-8 that was read as GBK: "Bj枚rn" is "Björn", "PixArt-$伪$" "PixArt-$α$".
    Text written in Chinese (more than a few such characters) is left alone."""
    runs = list(HAN_RUN.finditer(text))
    if not runs or sum(len(r.group()) for r in runs) > 8:
        return None
    out, last, changed = [], 0, False
    for run in runs:
        start, end = run.span()
        if start < last:
            continue  # taken by the run before (its last byte)
        fixed = None
        for extra in (0, 1):  # a character's last byte may have fused with the next one
            try:
                fixed = (text[start:end + extra]).encode("gbk").decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if REPAIRED.match(fixed) and not HAN_RUN.search(fixed):
                end += extra
                break
            fixed = None
        if fixed is None:
            return None  # not only mis-encoded runs: leave the text to the curator
        out += [text[last:start], fixed]
        last, changed = end, True
    return "".join(out + [text[last:]]) if changed else None


# ------------------------------------------------------------------------------ field values

@dataclass(frozen=True)
class Published:
    """`Published in` read: a venue name (None for a product's release), a year, a full date
    ("2024-01-09") or a month ("2023-11"), and a note ("open release") in the page's words.
    `text` is the field as written (shown in reports; two spellings of one reading are equal)."""
    venue: str | None
    year: int | None
    date: str | None = None
    note: str | None = None
    text: str = field(default="", compare=False)


def parse_published(value: str) -> Published | None:
    """'CVPR 2024', 'arXiv 2023', 'arXiv preprint', 'arxiv (9 Jan 2024)', '2024 (open release)',
    '2023 (November)', '2023 (11 月)', '2024（开放形式）'. None when it names nothing."""
    text = unescape(value).replace("（", "(").replace("）", ")")
    note = date = None
    inner = re.search(r"\(([^()]*)\)", text)
    if inner:
        text = (text[:inner.start()] + " " + text[inner.end():]).strip()
        date = _date(inner[1].strip())
        if date is None and inner[1].strip():
            note = inner[1].strip()
    years = YEAR.findall(text)
    year = int(years[-1]) if years else int(date[:4]) if date else None
    name = clean(YEAR.sub(" ", text)).strip(" ,;")
    name = re.sub(r"\bpreprint\b", "", name, flags=re.I).strip(" ,;") or None
    if name is None and year is None and note is None:
        return None
    return Published(name, year, date, note, unescape(value))


def _date(text: str) -> str | None:
    """"9 Jan 2024" -> "2024-01-09"; "November" or "11 月" -> a month (without a year: "-11");
    "Jan 2024" -> "2024-01"."""
    words = vocabulary()["dates"]
    months = {m.casefold(): i for i, m in enumerate(words["months"], 1)}
    months.update({m.casefold(): i for i, m in enumerate(words["long_months"], 1)})
    full = re.fullmatch(r"(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})", text)
    if full and full[2].casefold() in months:
        return f"{full[3]}-{months[full[2].casefold()]:02d}-{int(full[1]):02d}"
    month_year = re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{4})", text)
    if month_year and month_year[1].casefold() in months:
        return f"{month_year[2]}-{months[month_year[1].casefold()]:02d}"
    month = months.get(text.casefold().rstrip("."))
    chinese = re.fullmatch(r"(\d{1,2})\s*月", text)
    if month or chinese:
        return f"-{month or int(chinese[1]):02d}"
    return None


def parse_authors(value: str) -> tuple[list[str], bool]:
    """The names of an author list, and whether it stops with "et al."."""
    words = vocabulary()["authors"]["truncated"]
    names, truncated = [], False
    for name in re.split(r"\s*[,，、;；]\s*|\s+and\s+", unescape(value)):
        name = name.strip(" .")
        for word in words:
            if name.casefold().endswith(word.casefold().strip(".")):
                name, truncated = name[: -len(word.strip("."))].strip(" ."), True
        if name:
            names.append(name)
    return names, truncated


def is_organization(name: str) -> bool:
    words = vocabulary()["authors"]["organization"]
    return any(re.search(rf"(^|\s){re.escape(w)}$", name, re.I) for w in words)


def parse_links(value: str) -> tuple[list[tuple[str, str]], list[str], str]:
    """([(label, url), ...], the labels whose link is empty, the text that is no link) of a
    Links field; links are separated by "|" (or commas, or nothing)."""
    links, empty = [], []
    for found in LINK.finditer(value):
        label, url = clean(found["label"]), found["url"].strip()
        (links.append((label, url)) if url else empty.append(label))
    rest = clean(" ".join(piece.strip(" |,;") for piece in LINK.split(value)[::3]))
    return links, empty, rest.strip(" |,;")


def iri_problem(url: str) -> str | None:
    """Why `url` cannot be a link of the graph (it is no absolute IRI), or None."""
    try:
        ox.NamedNode(url)
    except ValueError as exc:
        return str(exc)
    return None


def _link_key(url: str) -> str:
    """What makes two links the same: not the scheme (http, https), the host's case or a
    trailing "/"."""
    parts = urlsplit(url)
    return (parts.netloc.lower().removeprefix("www.") + parts.path.rstrip("/") +
            (f"?{parts.query}" if parts.query else ""))


def link_kind(label: str, url: str) -> str:
    """What a link is: its host decides for source repositories and datasets (a "Code" label
    on a project page is a project page), else its label."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    path = [p for p in parts.path.split("/") if p]
    hosts = vocabulary()["hosts"]
    if host in hosts["repository"] and len(path) >= 2:
        return "code"
    if any(f"{host}/{path[0] if path else ''}" == h for h in hosts["dataset"]):
        return "dataset"
    kind = vocabulary()["lookup"]["links"].get(fold(label))
    if kind == "code":  # a "Code" link that is no source repository
        return "project_page"
    return kind or "other"


# ------------------------------------------------------------------------------ works

@dataclass
class Value:
    """A field's value and where it was read."""
    value: object
    file: str
    line: int


@dataclass
class Work:
    key: str  # the arXiv ID, or for a work without one the slug of its title
    arxiv: str | None = None
    version: Value | None = None
    kind: str = "paper"  # "paper" (an arXiv ID) or "product"
    titles: dict[str, Value] = field(default_factory=dict)  # language -> title
    authors: Value | None = None  # (names, truncated)
    texts: dict[tuple[str, str], Value] = field(default_factory=dict)  # (field, lang) -> text
    key_points: dict[str, Value] = field(default_factory=dict)  # lang -> [texts]
    published: Value | None = None  # Published
    links: dict[tuple[str, str], Value] = field(default_factory=dict)  # (kind, url) -> label
    model: Value | None = None
    unknown: list[tuple[str, str, Value]] = field(default_factory=list)  # (label, lang, text)
    categories: list[str] = field(default_factory=list)
    sources: list[tuple[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)  # fields whose entries disagree
    repairs: list[str] = field(default_factory=list)  # mis-encoded texts repaired, and where
    relabelled: list[str] = field(default_factory=list)  # links whose label was not what they are
    link_keys: set = field(default_factory=set)


class Merger:
    def __init__(self):
        self.works: dict[str, Work] = {}
        self.findings: list[Finding] = []

    def report(self, level, kind, message, file=None, line=None, entry=None, field=None,
               hint=None):
        self.findings.append(Finding(level, kind, message, file, line, entry, field, hint))

    def read(self, work: Work | None, entry: Entry, field: str, text: Text) -> str:
        """A value as a reader sees it (character references replaced), a mis-encoded run
        repaired (reported, and noted on the work)."""
        value = text.value if field == "authors" else \
            (unescape_html if field in HTML_FIELDS else unescape)(text.value)  # (parse_authors did)
        fixed = mojibake(value)
        if fixed is None:
            return value
        self.report("warning", "mis-encoded", f"'{value}' was UTF-8 read as GBK: repaired to "
                    f"'{fixed}'", entry.file, text.line, entry.name, field,
                    hint="correct the page's text")
        if work is not None:
            work.repairs.append(f"{field} at {entry.file}:{text.line}")
        return fixed

    def add(self, entry: Entry) -> None:
        arxiv = version = None
        raw = entry.fields.get("arxiv")
        if raw is not None:
            found = ARXIV_NEW.match(raw.value.strip()) or ARXIV_OLD.match(raw.value.strip())
            if found:
                arxiv, version = found["id"], found["version"]
            else:
                self.report("error", "bad-arxiv-id", f"'{raw.value}' is not an arXiv ID; the "
                            "entry is kept under its title", entry.file, raw.line, entry.name,
                            "arXiv ID", hint="write it as on arxiv.org, e.g. 2401.12945")
        title = self.read(None, entry, "title", entry.title)
        key = arxiv or slug(title)
        work = self.works.get(key)
        if work is None:
            work = self.works[key] = Work(key, arxiv, kind="paper" if arxiv else "product")
            if not arxiv and raw is None:
                self.report("info", "no-arxiv-id", "no arXiv ID: kept as a work of its own kind "
                            f"under work:{key}", entry.file, entry.line, entry.name)
        elif any(f == entry.file for f, _ in work.sources):
            self.report("warning", "duplicate", f"the page lists this work again (first at "
                        f"{work.sources[0][0]}:{work.sources[0][1]}); merged", entry.file,
                        entry.line, entry.name)
        work.sources.append((entry.file, entry.line))
        if entry.category and entry.category not in work.categories:
            work.categories.append(entry.category)
        if version:
            self._one(work, "version", Value(version, entry.file, raw.line), entry)
        if title != unescape_html(entry.title.value):
            work.repairs.append(f"title at {entry.file}:{entry.title.line}")
        self._text(work, entry, "title", Text(title, entry.title.line), store=work.titles)
        self._fields(work, entry)

    def _fields(self, work: Work, entry: Entry) -> None:
        fields = entry.fields
        if "authors" in fields and not fields["authors"].value:
            self.report("warning", "empty-field", "the Authors field names no one", entry.file,
                        fields["authors"].line, entry.name, "authors",
                        hint="give the authors, separated by commas")
        elif "authors" in fields:
            names, truncated = parse_authors(fields["authors"].value)
            names = [self.read(work, entry, "authors", Text(name, fields["authors"].line))
                     for name in names]
            if truncated:
                self.report("warning", "authors-truncated", f"the author list stops with 'et "
                            f"al.' after {len(names)} author(s)", entry.file,
                            fields["authors"].line, entry.name, "authors",
                            hint="give every author, as the paper does")
            self._authors(work, entry, Value((names, truncated), entry.file,
                                             fields["authors"].line))
        else:
            self.report("warning", "missing-field", "no Authors field", entry.file, entry.line,
                        entry.name, "authors")
        for name in ("one_liner", "affiliations"):
            if name in fields:
                self._text(work, entry, name, fields[name])
        if entry.core_innovation:
            self._text(work, entry, "core_innovation", entry.core_innovation)
        if entry.abstract:
            self._text(work, entry, "abstract", entry.abstract)
        if entry.key_points:
            points = [self.read(work, entry, "key points", p) for p in entry.key_points]
            lang = language_of(" ".join(points))
            found = work.key_points.get(lang)
            if found is None:
                work.key_points[lang] = Value(points, entry.file, entry.key_points[0].line)
            elif found.value != points:
                self._conflict(work, entry, f"key points@{lang}", found,
                               Value(points, entry.file, entry.key_points[0].line))
        if "model" in fields:
            self._one(work, "model", Value(self.read(work, entry, "model", fields["model"]),
                                           entry.file, fields["model"].line), entry)
        if "venue" in fields:
            published = parse_published(fields["venue"].value)
            if published is None:
                self.report("warning", "empty-field", "Published in names no venue or year",
                            entry.file, fields["venue"].line, entry.name, "published in")
            else:
                self._one(work, "published", Value(published, entry.file, fields["venue"].line),
                          entry)
        if "links" in fields:
            self._links(work, entry, fields["links"])
        for label, text in entry.unknown:
            value = self.read(work, entry, label, text)
            work.unknown.append((label, language_of(value), Value(value, entry.file, text.line)))

    def _links(self, work: Work, entry: Entry, given: Text) -> None:
        """The links of a Links field, typed (see `link_kind`); an empty one, text that is no
        link and an address that is no absolute URL are reported, and are no link."""
        links, empty, rest = parse_links(given.value)
        where = (entry.file, given.line, entry.name, "links")
        for label in empty:
            self.report("warning", "empty-link", f"the [{label}] link is empty: no link", *where,
                        hint="give its URL, or remove it")
        if rest:
            self.report("error", "bad-link", f"cannot read the link '{rest}': not imported",
                        *where, hint="write links as [[Label]](https://...) separated by |")
        for label, url in links:
            problem = iri_problem(url)
            if problem is not None:
                self.report("error", "bad-link", f"the [{label}] link '{url}' is not an absolute "
                            f"URL ({problem}): not imported", *where,
                            hint="write the full address, e.g. https://github.com/OWNER/REPO")
                continue
            kind = link_kind(label, url)
            if kind == "other":
                self.report("warning", "unknown-link", f"unknown link label '{label}': kept "
                            "as a related link", *where,
                            hint="add the label to [links] in vocabulary.toml")
            elif fold(label) == "code" and kind != "code":
                self.report("info", "not-code", f"the Code link {url} is no source "
                            f"repository: kept as a {kind.replace('_', ' ')}", *where)
                said = f"{url} as Code (it is a {kind.replace('_', ' ')})"
                if said not in work.relabelled:
                    work.relabelled.append(said)
            same = (kind, _link_key(url))  # http/https, host case, a trailing "/"
            if same not in work.link_keys:
                work.link_keys.add(same)
                work.links[(kind, url)] = Value(label, entry.file, given.line)

    def _text(self, work: Work, entry: Entry, name: str, text, store=None) -> None:
        """A text field: tagged with the language it is written in; the first per language
        is kept."""
        value = text.value if store is work.titles else self.read(work, entry, name, text)
        if not value:
            return
        lang = language_of(value)
        store = work.texts if store is None else store
        key = lang if store is work.titles else (name, lang)
        found = store.get(key)
        new = Value(value, entry.file, text.line)
        if found is None:
            store[key] = new
        elif found.value != value:
            self._conflict(work, entry, f"{name.replace('_', ' ')}@{lang}", found, new)

    def _one(self, work: Work, name: str, value: Value, entry: Entry) -> None:
        found = getattr(work, name)
        if found is None:
            setattr(work, name, value)
        elif found.value != value.value:
            self._conflict(work, entry, name, found, value)

    def _authors(self, work: Work, entry: Entry, value: Value) -> None:
        """The authors: a complete list wins over one that stops with "et al.", the longer of
        two lists where one starts the other, else the first."""
        found = work.authors
        if found is None:
            work.authors = value
            return
        (old, old_cut), (new, new_cut) = found.value, value.value
        if old == new and old_cut == new_cut:
            return
        better = (old_cut and not new_cut and new[:len(old)] == old) or \
            (len(new) > len(old) and new[:len(old)] == old)
        kept, other = (value, found) if better else (found, value)
        if better:
            work.authors = value
        (a, _), (b, _) = kept.value, other.value
        where = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        detail = (f"author {where + 1} is '{a[where]}' there, '{b[where]}' here"
                  if where < min(len(a), len(b)) else f"{len(a)} against {len(b)} authors")
        self.report("warning", "conflict", f"the author lists differ ({detail}): kept the list at "
                    f"{kept.file}:{kept.line}, not the one at {other.file}:{other.line}: "
                    f"{', '.join(b)}", entry.file, value.line, work.key, "authors")
        work.differences.append("authors")

    def _conflict(self, work: Work, entry: Entry, name: str, kept: Value, other: Value) -> None:
        if name not in work.differences:
            work.differences.append(name)
        shown = other.value
        if isinstance(shown, list):
            shown = " | ".join(shown)
        elif isinstance(shown, Published):
            shown = _published_text(shown)
        self.report("warning", "conflict", f"kept the value at {kept.file}:{kept.line}, not the "
                    f"one at {other.file}:{other.line}: {shown}", entry.file, other.line,
                    work.key, name)


def _year_from_arxiv(work: Work, merger: Merger) -> None:
    """A paper whose venue comes without a year ('arXiv preprint') takes the year of its arXiv
    ID (the month it was announced), with a note."""
    found = work.published
    if found is None or found.value.year is not None or not work.arxiv \
            or not ARXIV_NEW.match(work.arxiv):
        return
    year = 2000 + int(work.arxiv[:2])
    work.published = Value(Published(found.value.venue, year, found.value.date,
                                     found.value.note), found.file, found.line)
    work.notes.append(f"The survey gives the venue as '{found.value.venue} preprint' with no "
                      "year; the year is taken from the arXiv ID.")
    merger.report("info", "year-from-arxiv", f"no year: took {year} from the arXiv ID",
                  found.file, found.line, work.key, "published in")


def _published_text(published: Published) -> str:
    if published.text:
        return published.text
    parts = [p for p in (published.venue, str(published.year) if published.year else None,
                         published.date, published.note) if p]
    return " ".join(parts)


def merge(entries: list[Entry]) -> tuple[list[Work], list[Finding]]:
    """The works of the entries, in the order first read, and what merging them found. A work
    read from several entries gets a note saying where, and which fields disagreed."""
    merger = Merger()
    for entry in entries:
        merger.add(entry)
    for work in merger.works.values():
        _year_from_arxiv(work, merger)
        files = {}
        for file, line in work.sources:
            files.setdefault(file, []).append(line)
        repeated = {file: lines for file, lines in files.items() if len(lines) > 1}
        if repeated:
            where = "; ".join(f"{file} lines {', '.join(map(str, lines))}"
                              for file, lines in repeated.items())
            work.notes.append(f"The survey lists this work more than once on a page ({where}); "
                              "the entries are merged into this one work.")
        if work.relabelled:
            work.notes.append("The survey labels " + "; ".join(work.relabelled) + ", not a source "
                              "repository: recorded as what it is.")
        if work.repairs:
            work.notes.append("Text that the survey gives mis-encoded (its UTF-8 bytes read as GBK, "
                              "which turns accented letters and Greek into Chinese characters) "
                              "is repaired: " + "; ".join(work.repairs) + ".")
        if work.differences:
            work.notes.append("Where the survey's entries of this work disagree ("
                              + ", ".join(work.differences) + "), the first entry's value is "
                              "kept (a complete author list over one cut short); the others "
                              "stand at the source lines.")
    return list(merger.works.values()), merger.findings


def close_match(name: str, known: list[str]) -> str | None:
    """The known name `name` is most likely a misspelling of: one with the same letters in
    another order (ICRL for ICLR), else the closest by difflib's ratio; None if none is close."""
    letters = sorted(name.casefold())
    swapped = [k for k in known if sorted(k.casefold()) == letters and k.casefold() !=
               name.casefold()]
    if swapped:
        return swapped[0]
    found = difflib.get_close_matches(name.casefold(), [k.casefold() for k in known], 1, 0.75)
    if not found:
        return None
    return next(k for k in known if k.casefold() == found[0])
