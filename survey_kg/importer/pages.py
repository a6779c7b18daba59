"""Survey pages → entries, introductions and catalogs, each with the file and line it came from.

The parser is forgiving: it reads a page as a sequence of lines in which `<details>` and
`<summary>` tags may stand anywhere (on a line of their own, indented or not, several on one
line, after text), and everything else as markdown lines (headings, bullets, `**Label:**`
fields, quotes, paragraphs). A `<details>` block whose summary is bold is an entry; blocks nested
in it are its Abstract and Key points. A problem is a Finding with a place; the parser never
stops at one: an unclosed block ends where the next entry begins, an unknown label is kept and
reported, a line it cannot place is reported in full.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import InputError
from ..files import max_input_bytes, read_text

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# The patterns run on every line of pages that anyone may edit: none may backtrack more than
# linearly on a long line (no two adjacent parts that can match the same characters, such as
# `(.*?)\s*$`); what they leave around a match (white space, a colon) is trimmed in code.
TAG = re.compile(r"(<\s*(?:/\s*)?(?:details|summary)\b[^<>]*>)", re.I)
TAG_NAME = re.compile(r"<\s*(?:(/)\s*)?(details|summary)", re.I)
HEADING_START = re.compile(r"^\s{0,3}(#{1,6})\s+")
RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
FIELD_START = re.compile(r"^\s*[*+-]\s+\*\*([^*]+)\*\*")
BULLET = re.compile(r"^\s*[*+-]\s+(?P<text>.*)$")
QUOTE = re.compile(r"^\s*>\s?(?P<text>.*)$")
BOLD = re.compile(r"^\s*(?:\*\*|<b>|<strong>)(?P<text>.*?)(?:\*\*|</b>|</strong>)\s*$", re.I)
LABELLED_START = re.compile(r"^\*\*([^*]+)\*\*")
PLAIN_LABELLED = re.compile(r"^(?P<label>[^:：*]{2,40}?)\s*[:：]\s*(?P<text>.+)$")
LINK_IN_HEADING = re.compile(r"<a\s+href=\"(?P<href>[^\"]+)\"\s*>(?P<label>.*?)</a>", re.I)
HTML_TAG = re.compile(r"<[^<>]+>")
ARXIV_NEW = re.compile(r"^(?P<id>[0-9]{4}\.[0-9]{4,5})(?P<version>v[0-9]+)?$")
ARXIV_OLD = re.compile(r"^(?P<id>[a-z][a-z-]*(?:\.[A-Z]{2})?/[0-9]{7})(?P<version>v[0-9]+)?$")


def heading(line: str) -> tuple[int, str] | None:
    """(level, text) of a `### Heading` line (a closing run of #s dropped), else None."""
    found = HEADING_START.match(line)
    if found is None:
        return None
    text = line[found.end():].strip()
    closed = text.rstrip("#")
    if closed != text and (not closed or closed[-1].isspace()):
        text = closed.rstrip()
    return len(found[1]), text


def _label_and_value(found: re.Match | None, line: str) -> tuple[str, str] | None:
    """(label, value) of `**Label:** value` matched by `found`: the colon may stand inside or
    after the bold label."""
    if found is None:
        return None
    label = found[1].strip()
    value = line[found.end():].strip()
    if label.endswith((":", "：")):
        label = label[:-1].strip()
    elif value[:1] in (":", "："):
        value = value[1:].strip()
    return (label, value) if label else None


def field_line(line: str) -> tuple[str, str] | None:
    """(label, value) of an entry's `* **Label:** value` bullet, else None."""
    return _label_and_value(FIELD_START.match(line), line)


def labelled(line: str) -> tuple[str, str] | None:
    """(label, text) of a `**Label**: text` paragraph (the colon inside or after the bold)."""
    return _label_and_value(LABELLED_START.match(line), line)


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    """survey_kg/importer/vocabulary.toml, with each list also as a lookup by its folded form."""
    raw = tomllib.loads((Path(__file__).parent / "vocabulary.toml").read_text(encoding="utf-8"))
    raw["lookup"] = {table: {fold(label): key for key, labels in raw[table].items()
                             for label in labels}
                     for table in ("fields", "blocks", "links", "intro")}
    return raw


def fold(label: str) -> str:
    """A label as it is looked up: case, spaces, hyphens and a trailing colon ignored."""
    return re.sub(r"[\s\-_:：]+", "", label).casefold()


def language_of(text: str) -> str:
    """The language a text is written in: zh if it holds Chinese characters, else en."""
    return "zh" if HAN.search(text) else "en"


# how reports name a field whose key (vocabulary.toml [fields]) is not its name
FIELD_NAMES = {"venue": "published in", "arxiv": "arXiv ID", "one_liner": "one-liner"}
SHOWN = 200  # characters of a skipped line that a report shows


def shown(line: str) -> str:
    """A line as a report shows it: whole, or its first SHOWN characters and how many more the
    page has there (a report names the file and line)."""
    if len(line) <= SHOWN:
        return line
    return f"{line[:SHOWN]}... ({len(line) - SHOWN} more characters)"


def clean(text: str) -> str:
    """Text on one line: runs of white space become one space."""
    return " ".join(text.split())


@dataclass
class Finding:
    """Something the import noticed: an error (what it could not read), a warning (what the
    curator should look at), or information (what it decided). `kind` names the case."""
    level: str
    kind: str
    message: str
    file: str | None = None
    line: int | None = None
    entry: str | None = None
    field: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}: " if self.file and self.line else \
            f"{self.file}: " if self.file else ""
        about = ", ".join(p for p in (f"entry {self.entry}" if self.entry else "",
                                      f"field {self.field}" if self.field else "") if p)
        text = f"{place}{self.level}: {about + ': ' if about else ''}{self.message}"
        return text + (f" ({self.hint})" if self.hint else "")


@dataclass
class Text:
    value: str
    line: int


@dataclass
class Entry:
    """One `<details>` entry of a section page, as written."""
    file: str
    line: int
    page_lang: str
    category: str | None
    title: Text
    fields: dict[str, Text] = field(default_factory=dict)  # known field -> value
    unknown: list[tuple[str, Text]] = field(default_factory=list)  # (label, value)
    core_innovation: Text | None = None
    abstract: Text | None = None
    key_points: list[Text] = field(default_factory=list)

    @property
    def name(self) -> str:
        """How reports name the entry: its arXiv ID, or (without a valid one) its title."""
        arxiv = self.fields.get("arxiv")
        if arxiv and (ARXIV_NEW.match(arxiv.value) or ARXIV_OLD.match(arxiv.value)):
            return arxiv.value
        return self.title.value or (arxiv.value if arxiv else "")


@dataclass
class Intro:
    """A section's introduction: its markdown as written, and the parts that say what the
    category is."""
    markdown: str = ""
    definition: Text | None = None
    scope_note: Text | None = None


@dataclass
class CatalogLine:
    title: str
    venue: str
    line: int


@dataclass
class Category:
    """A category as a page shows it: its heading, introduction, and (on a root page) its
    section's path and catalog."""
    label: Text
    symbol: str
    intro: Intro
    path: str | None = None
    catalog: list[CatalogLine] = field(default_factory=list)


@dataclass
class Part:
    """A root page's `##` part grouping categories (e.g. Independent Exploration)."""
    label: Text
    symbol: str
    definition: str
    categories: list[Category] = field(default_factory=list)
    category_itself: bool = False  # its heading links to a section: it is one category


@dataclass
class Page:
    path: Path
    name: str
    lang: str
    kind: str  # "section" or "root"
    category: Category | None = None
    entries: list[Entry] = field(default_factory=list)
    title: str = ""
    tagline: str = ""
    introduction: str = ""
    parts: list[Part] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


# ------------------------------------------------------------------------------ lines and blocks

@dataclass
class Details:
    """A <details> block: its summary (text, whether bold) and what it holds, in order: (line,
    text) pairs and nested Details."""
    line: int
    summary: str = ""
    bold: bool = False
    body: list = field(default_factory=list)
    end: int | None = None


def _events(lines: list[str]):
    """(line number, kind, text) for each tag and each run of text between tags; a blank line
    is one text event with empty text."""
    for number, line in enumerate(lines, 1):
        pieces = TAG.split(line)
        if len(pieces) == 1:
            yield number, "text", line
            continue
        for piece in pieces:
            tag = TAG_NAME.match(piece)
            if tag:
                yield number, ("close-" if tag[1] else "open-") + tag[2].lower(), piece
            elif piece.strip():
                yield number, "text", piece


class _Reader:
    def __init__(self, page: Page, lines: list[str]):
        self.page, self.lines = page, lines

    def report(self, level, kind, message, line=None, entry=None, field=None, hint=None):
        self.page.findings.append(Finding(level, kind, message, self.page.name, line, entry,
                                          field, hint))

    def blocks(self) -> list:
        """The page as (line, text) pairs and Details trees. A <details> whose summary is bold
        starts an entry: blocks still open before it were not closed, and end there."""
        top: list = []
        stack: list[Details] = []
        summary: Details | None = None
        for number, kind, text in _events(self.lines):
            if summary is not None and kind != "close-summary":
                if kind == "text":
                    summary.summary += (" " if summary.summary else "") + text.strip()
                    continue
                summary = None  # a tag before </summary>: the summary ends here
            if kind == "open-details":
                stack.append(Details(number))
            elif kind == "open-summary":
                if not stack or stack[-1].summary or stack[-1].body:
                    self.report("warning", "stray-summary", "a <summary> outside the start of a "
                                "<details> block", number, hint="put <summary> right after "
                                                              "<details>")
                    stack.append(Details(number))
                summary = stack[-1]
            elif kind == "close-summary":
                if summary is not None:
                    bold = BOLD.match(summary.summary)
                    summary.bold = bool(bold)
                    summary.summary = clean(HTML_TAG.sub("", bold["text"] if bold
                                                         else summary.summary))
                    if summary.bold and len(stack) > 1:
                        self._close_before_entry(stack, top, number)
                summary = None
            elif kind == "close-details":
                if not stack:
                    self.report("warning", "stray-details", "a </details> that closes nothing",
                                number, hint="remove it, or add the <details> it closes")
                    continue
                block = stack.pop()
                block.end = number
                (stack[-1].body if stack else top).append(block)
            else:
                (stack[-1].body if stack else top).append((number, text))
        while stack:
            block = stack.pop()
            self.report("error", "unclosed", f"the <details> block opened here ('{block.summary}')"
                        " is never closed", block.line, hint="add </details> where it ends")
            (stack[-1].body if stack else top).append(block)
        return top

    def _close_before_entry(self, stack: list[Details], top: list, number: int) -> None:
        """An entry (bold summary) opened inside a block: the blocks around it were not closed."""
        entry = stack.pop()
        while stack:
            block = stack.pop()
            self.report("error", "unclosed", f"the <details> block opened here ('{block.summary}')"
                        f" is not closed before the entry at line {number}", block.line,
                        hint="add </details> where it ends")
            (stack[-1].body if stack else top).append(block)
        stack.append(entry)


def read_page(path: Path, name: str | None = None, kind: str | None = None) -> Page:
    """The page at `path`, shown in findings as `name` (default: the path). `kind` is "root" or
    "section"; by default a page whose headings link to section pages is a root page."""
    text = read_text(path)
    lines = text.split("\n")
    name = name or str(path)
    lang = "zh" if re.search(r"_zh\b", path.stem, re.I) else "en" if path.stem.lower() == \
        "readme" else language_of(text)
    is_root = any(line.lstrip().startswith("#") and heading(line) and
                  LINK_IN_HEADING.search(line) for line in lines)
    page = Page(path, name, lang, kind or ("root" if is_root else "section"))
    reader = _Reader(page, lines)
    blocks = reader.blocks()
    if page.kind == "root":
        _root(reader, blocks)
    else:
        _section(reader, blocks)
    return page


# ------------------------------------------------------------------------------ section pages

def _split_symbol(label: str) -> tuple[str, str]:
    """("📊", "Benchmarks and Evaluation") from "📊 Benchmarks and Evaluation"."""
    label = clean(HTML_TAG.sub("", label))
    match = re.match(r"^([^\w\s(\[\"'“]+)\s*(.*)$", label)
    return (match[1], match[2]) if match and match[2] else ("", label)


def _is(label: str, table: str) -> bool:
    """Whether a heading or summary says one of the words of vocabulary [headings] `table`."""
    return fold(_split_symbol(label)[1]) in {fold(x) for x in vocabulary()["headings"][table]}


def _section(reader: _Reader, blocks: list) -> None:
    page = reader.page
    intro: list[tuple[int, str]] = []
    title = None  # (line, text) of the heading naming the category
    for block in blocks:
        if isinstance(block, Details):
            if block.bold or _holds_fields(block):
                entry = _entry(reader, block)
                if entry is not None:
                    page.entries.append(entry)
            else:
                reader.report("warning", "not-placed", f"a <details> block that is no entry "
                              f"('{block.summary}') was skipped", block.line,
                              hint="an entry's summary is its title in bold: <b>Title</b>")
            continue
        number, text = block
        found = heading(text)
        if found and title is None:
            title = (number, found[1])
            continue
        if found and _is(found[1], "representative_works"):
            continue
        if title is not None and not page.entries:
            intro.append((number, text))
    if title is None:
        reader.report("error", "no-heading", "the page has no heading naming its category",
                      hint="start the section with '### Category name'")
        title = (1, page.path.parent.name)
    symbol, label = _split_symbol(title[1])
    page.category = Category(Text(label, title[0]), symbol, _intro(intro))


def _holds_fields(block: Details) -> bool:
    """Whether a block holds an entry's fields (`* **arXiv ID:** ...`): an entry whose summary
    is not a bold title."""
    lookup = vocabulary()["lookup"]["fields"]
    for item in block.body:
        if not isinstance(item, Details):
            found = field_line(item[1])
            if found and fold(found[0]) in lookup:
                return True
    return False


def _intro(lines: list[tuple[int, str]]) -> Intro:
    """The introduction's markdown (blank lines at either end dropped, inner ones kept), its
    definition (a paragraph labelled Capability Profile, Objective...; else the first plain
    paragraph) and its scope note (Significance...)."""
    kept = [(number, text.rstrip()) for number, text in lines
            if not text.strip().startswith("![") and not RULE.match(text)]
    while kept and not kept[0][1].strip():
        kept.pop(0)
    while kept and not kept[-1][1].strip():
        kept.pop()
    intro = Intro("\n".join(text for _, text in kept))
    lookup = vocabulary()["lookup"]["intro"]
    first_plain = None
    for number, text in kept:
        line = text.strip()
        plain = PLAIN_LABELLED.match(line)
        said = labelled(line) or (plain and (plain["label"], plain["text"]))
        if said and said[1].strip():
            role = lookup.get(fold(said[0]))
            value = Text(clean(said[1]), number)
            if role == "definition" and intro.definition is None:
                intro.definition = value
            elif role == "scope_note" and intro.scope_note is None:
                intro.scope_note = value
            continue
        if line and first_plain is None and not BULLET.match(line) and not labelled(line) \
                and not line.endswith((":", "：")) and not heading(line):
            first_plain = Text(clean(line), number)
    if intro.definition is None:
        intro.definition = first_plain
    return intro


# ------------------------------------------------------------------------------ entries

def _entry(reader: _Reader, block: Details) -> Entry | None:
    """The entry a block holds. One without a title is kept under its arXiv ID (an error: the
    work has no name), and skipped when it has no arXiv ID either. A field's value may go on
    over the lines after its bullet, a quote over its lines: each is joined once, at the end,
    and what is reported about it (a field given twice) is reported then, in full."""
    page = reader.page
    entry = Entry(page.name, block.line, page.lang,
                  page.category.label.value if page.category else None,
                  Text(block.summary, block.line))
    lookup = vocabulary()["lookup"]
    last: list[str] | None = None  # the lines of the field that a line without a bullet continues
    quote: list[str] | None = None  # the lines of the Core Innovation quote being read
    values: list[tuple[Text, list[str]]] = []  # each value read and its lines, joined at the end
    repeats: list[tuple[str, Text, Text]] = []  # (field, the value kept, the value given again)
    replaced: Text | None = None  # a Core Innovation bullet that a quote replaces
    for item in block.body:
        if isinstance(item, Details):
            _block(reader, entry, item)
            last = None
            continue
        number, text = item
        line = text.strip()
        if not line:
            last = None
            continue
        quoted = QUOTE.match(line)
        if quoted:
            said = quoted["text"].strip()
            bold = BOLD.match(said) if said else None
            if bold and lookup["blocks"].get(fold(bold["text"])) == "core_innovation":
                if entry.core_innovation is not None and entry.fields.get("core_innovation"):
                    # a `* **Core Innovation:**` bullet came first: the quote is the section's
                    replaced = entry.fields.pop("core_innovation")
                    entry.core_innovation = None
                if entry.core_innovation is not None:
                    reader.report("warning", "repeated-field", "Core Innovation is given twice; "
                                  f"kept the one at line {entry.core_innovation.line}", number,
                                  entry.name, "core innovation")
                    quote = None
                else:
                    quote = []
                    entry.core_innovation = Text("", number)
                    values.append((entry.core_innovation, quote))
            elif quote is not None and said:
                quote.append(said)
            elif said:
                reader.report("warning", "not-placed", f"a quote that is not under a Core "
                              f"Innovation heading was skipped: {shown(line)}", number,
                              entry.name)
            last = None
            continue
        quote = None
        if RULE.match(line):
            continue
        found = field_line(line)
        if found:
            label, value, last = clean(found[0]), Text(clean(found[1]), number), [found[1]]
            values.append((value, last))
            name = lookup["fields"].get(fold(label))
            if name is None:
                entry.unknown.append((label, value))
                reader.report("warning", "unknown-field", f"unknown label '{label}': kept as an "
                              "unknown field", number, entry.name, label,
                              hint="add the label to survey_kg/importer/vocabulary.toml if it "
                                   "names a known field")
            else:
                kept = _set(entry, name, value)
                if kept is not None:
                    repeats.append((name, kept, value))
            continue
        if last is not None and not BULLET.match(line):  # a field's value goes on
            last.append(line)
            continue
        reader.report("warning", "not-placed", f"a line that belongs to no field was skipped: "
                      f"{shown(line)}", number, entry.name,
                      hint="write it as '* **Label:** value', or remove it")
    for value, lines in values:
        if len(lines) > 1 or not value.value:
            value.value = clean(" ".join(lines))
    if replaced is not None:
        reader.report("warning", "repeated-field", f"Core Innovation is given as a bullet (line "
                      f"{replaced.line}) and as a quote; kept the quote, not: {replaced.value}",
                      replaced.line, entry.name, "core innovation")
    for name, kept, value in repeats:
        if name == "core_innovation":
            message = f"Core Innovation is given twice in the entry; kept the one at line " \
                      f"{kept.line}" + (f", not: {value.value}" if value.value else "")
        else:
            message = f"the field is given twice in the entry; kept the one at line " \
                      f"{kept.line}, not: {value.value}"
        reader.report("warning", "repeated-field", message, value.line, entry.name,
                      FIELD_NAMES.get(name, name.replace("_", " ")))
    entry.fields.pop("core_innovation", None)
    hint = "write the title in its summary: <summary><b>Title</b></summary>"
    if not block.summary:
        if "arxiv" not in entry.fields:
            reader.report("error", "no-title", "an entry with neither a title nor an arXiv ID "
                          "was skipped", block.line, hint=hint)
            return None
        reader.report("error", "no-title", "the entry has no title: imported without one",
                      block.line, entry.name, "title", hint=hint)
    elif not block.bold:
        reader.report("warning", "title-not-bold", "the entry's summary is not in bold: read as "
                      "its title", block.line, entry.name, "title", hint=hint)
    if entry.core_innovation is not None and not entry.core_innovation.value:
        reader.report("warning", "empty-field", "the Core Innovation heading has no text",
                      entry.core_innovation.line, entry.name, "core innovation")
        entry.core_innovation = None
    return entry


def _set(entry: Entry, name: str, value: Text) -> Text | None:
    """Set a field of the entry. A field given twice keeps its first value: then nothing is
    set, and the value kept is returned."""
    if name == "core_innovation":
        if entry.core_innovation is not None:
            return entry.core_innovation
        entry.core_innovation = entry.fields["core_innovation"] = value  # (a quote replaces it)
        return None
    if name in entry.fields:
        return entry.fields[name]
    entry.fields[name] = value
    return None


def _block(reader: _Reader, entry: Entry, block: Details) -> None:
    """A nested block of an entry: its Abstract or its Key points."""
    kind = vocabulary()["lookup"]["blocks"].get(fold(block.summary))
    texts = [(item[0], item[1].strip()) for item in block.body
             if not isinstance(item, Details) and item[1].strip()]
    nested = [item for item in block.body if isinstance(item, Details)]
    for inner in nested:
        reader.report("warning", "not-placed", f"a <details> block inside '{block.summary}' was "
                      f"skipped ('{inner.summary}')", inner.line, entry.name)
    if kind == "abstract":
        if entry.abstract is not None:
            reader.report("warning", "repeated-field", f"the abstract is given twice; kept the "
                          f"one at line {entry.abstract.line}", block.line, entry.name, "abstract")
        elif texts:
            entry.abstract = Text(clean(" ".join(text for _, text in texts)), texts[0][0])
        else:
            reader.report("warning", "empty-field", "the Abstract block is empty", block.line,
                          entry.name, "abstract")
        return
    if kind == "key_points":
        if entry.key_points:
            reader.report("warning", "repeated-field", "the key points are given twice; kept the "
                          f"ones at line {entry.key_points[0].line}", block.line, entry.name,
                          "key points")
            return
        if any(LIST_ITEM.search(text) for _, text in texts):
            texts = _list_items(texts)
        points: list[tuple[int, list[str]]] = []  # (line, its text and the lines continuing it)
        for number, text in texts:
            bullet = BULLET.match(text)
            if bullet or not points:
                point = bullet["text"] if bullet else text
                if point.strip():
                    points.append((number, [point]))
            else:
                points[-1][1].append(text)
        entry.key_points = [Text(clean(" ".join(words)), number) for number, words in points]
        return
    value = Text(clean(" ".join(text for _, text in texts)), block.line)
    entry.unknown.append((block.summary, value))
    reader.report("warning", "unknown-field", f"unknown block '{block.summary}': kept as an "
                  "unknown field", block.line, entry.name, block.summary,
                  hint="add its summary to [blocks] in survey_kg/importer/vocabulary.toml")


LIST_ITEM = re.compile(r"<li\b[^<>]*>", re.I)
LIST_TAGS = re.compile(r"</?(?:ul|ol|li)\b[^<>]*>", re.I)


def _list_items(texts: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """An HTML list's items as bullets ("* text"), each at the line it starts on; text outside
    an item's tag continues the item before it."""
    items: list[tuple[int, list[str]]] = []
    for number, text in texts:
        before, *pieces = LIST_ITEM.split(text)
        before = LIST_TAGS.sub("", before).strip()
        if before and items:
            items[-1][1].append(before)
        elif before:
            items.append((number, [before]))
        items += [(number, [LIST_TAGS.sub("", piece).strip()]) for piece in pieces]
    return [(number, "* " + " ".join(words)) for number, words in items]


# ------------------------------------------------------------------------------ root pages

CATALOG_LINE = re.compile(r"^\s*[*+-]\s+(?P<title>.+),(?P<venue>[^,]+)$")


def _root(reader: _Reader, blocks: list) -> None:
    """A root page: its title and tagline, its introduction (what comes before the first part,
    without the table of contents), and its parts, each with its categories, their
    introductions and catalogs."""
    page = reader.page
    intro: list[str] = []
    part: Part | None = None
    category: Category | None = None
    category_intro: list[tuple[int, str]] = []
    skipping = False  # inside the table of contents, or in the page's tail

    def finish_category():
        nonlocal category, category_intro
        if category is not None:
            category.intro = _intro(category_intro)
        category, category_intro = None, []

    for block in blocks:
        if isinstance(block, Details):
            if category is not None and _is(block.summary, "catalog"):
                _catalog(reader, category, block)
            elif part is None and category is None:
                continue
            else:
                reader.report("warning", "not-placed", f"a <details> block that is no catalog "
                              f"('{block.summary}') was skipped", block.line)
            continue
        number, text = block
        stripped = text.strip()
        if stripped.startswith("<") and not heading(text):
            tagline = clean(HTML_TAG.sub("", stripped))
            if not page.tagline and re.search(r"<strong>", stripped, re.I) and tagline:
                page.tagline = tagline
            continue
        found = heading(text)
        if found:
            level, title = found
            link = LINK_IN_HEADING.search(title)
            if level == 1 and not page.title:
                page.title = clean(re.sub(r"\[!\[.*?\]\(.*?\)\]\(.*?\)", "", title))
                continue
            if link:
                finish_category()
                symbol, label = _split_symbol(title)
                path = _section_path(link["href"])
                category = Category(Text(label, number), symbol, Intro(), path)
                if level <= 2 or part is None:  # a part of its own (Benchmarks)
                    part = Part(Text(label, number), symbol, "", category_itself=True)
                    page.parts.append(part)
                    part.categories.append(category)
                else:
                    part.categories.append(category)
                skipping = False
                continue
            if level == 2:
                finish_category()
                if _is(title, "contents"):
                    skipping = True
                    continue
                if page.parts or _has_category_below(blocks, block):
                    if not _has_category_below(blocks, block):
                        skipping = True  # the page's tail (Contributing, License...)
                        part = None
                        continue
                    symbol, label = _split_symbol(title)
                    part = Part(Text(label, number), symbol, "")
                    page.parts.append(part)
                    skipping = False
                    continue
                skipping = False
            if category is not None and _is(title, "representative_works"):
                continue
        if skipping:
            continue
        if category is not None:
            category_intro.append((number, text))
        elif part is not None:
            if stripped and not found and not RULE.match(stripped):
                part.definition = clean(part.definition + " " + stripped)
        elif not page.parts:
            intro.append(text.rstrip())
    finish_category()
    while intro and (not intro[0].strip() or RULE.match(intro[0])):
        intro.pop(0)
    while intro and (not intro[-1].strip() or RULE.match(intro[-1])):
        intro.pop()
    page.introduction = "\n".join(intro)


def _has_category_below(blocks: list, after) -> bool:
    """Whether a category heading follows the heading `after` before the next `##` heading."""
    start = blocks.index(after) + 1
    for block in blocks[start:]:
        if isinstance(block, Details):
            continue
        found = heading(block[1])
        if found and found[0] <= 2:
            return False
        if found and LINK_IN_HEADING.search(found[1]):
            return True
    return False


def _section_path(href: str) -> str:
    """The section's folder, relative to the root: "./consisency-paper/x/README.md" -> the
    folder "consisency-paper/x"."""
    path = href.split("#")[0].removeprefix("./")
    return path.rsplit("/", 1)[0] if path.lower().endswith(".md") else path.rstrip("/")


def _catalog(reader: _Reader, category: Category, block: Details) -> None:
    """A catalog's lines: `* Title, Venue Year.` (the last comma ends the title)."""
    for item in block.body:
        if isinstance(item, Details):
            reader.report("warning", "not-placed", f"a <details> block inside a catalog was "
                          f"skipped ('{item.summary}')", item.line)
            continue
        number, text = item
        if not text.strip():
            continue
        line = CATALOG_LINE.match(text)
        venue = clean(line["venue"]).removesuffix(".").strip() if line else ""
        if not venue:
            reader.report("warning", "not-placed", f"a catalog line that is not "
                          f"'* Title, Venue Year.' was skipped: {shown(text.strip())}", number)
            continue
        category.catalog.append(CatalogLine(clean(line["title"]), venue, number))


def read_pages(paths: list[Path], root: Path | None = None) -> list[Page]:
    """The pages, named relative to `root` when they are under it. A page that cannot be read
    is a page with one error; a bad SURVEY_KG_MAX_INPUT_BYTES is an InputError for all."""
    max_input_bytes()
    pages = []
    for path in paths:
        name = path.relative_to(root).as_posix() if root and path.is_relative_to(root) else \
            str(path)
        try:
            pages.append(read_page(path, name))
        except InputError as exc:
            page = Page(path, name, "en", "section")
            page.findings.append(Finding("error", "unreadable", exc.message, name, exc.line,
                                         hint=exc.hint))
            pages.append(page)
    return pages
