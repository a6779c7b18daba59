"""Import survey pages (markdown, English or Chinese) into RDF.

The importer only refuses what it cannot represent: an entry it cannot delimit (unclosed
`<details>`), an entry it cannot identify (no or malformed arXiv ID), a field given twice in one
entry, a link it cannot parse or that is no absolute IRI, a file it cannot read. Everything else it
reads is kept in the graph and checked by the SHACL shapes (one place for each rule; a
`javascript:` link is kept and reported there), or listed in the report as not placed. Entries of
different pages with the same arXiv ID are one paper; where they disagree the report says so.
Every entry read is a paper written (checked before returning). See docs/decisions/0008.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, SKOS, XSD

from rdflib import Namespace

from ..errors import InputError
from ..files import read_text
from ..paths import PREFIXES

SKG, PAPER, PERSON, VENUE, CATEGORY, SCHEMA = (Namespace(PREFIXES[p]) for p in (
    "skg", "paper", "person", "venue", "category", "schema"))


def new_graph() -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def to_turtle(graph: Graph) -> str:
    """The graph as the dumps write Turtle (sorted, Oxigraph's serializer)."""
    from ..dump import _turtle
    from ..dump.ntriples import canonical

    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    out = __import__("io").BytesIO()
    _turtle(store, canonical(store), out)
    return out.getvalue().decode("utf-8")

ARXIV_ID = re.compile(r"^[0-9]{2}(0[1-9]|1[0-2])\.[0-9]{4,5}$")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# Field labels as the pages write them, in either language.
FIELD_LABELS = {
    "authors": "authors", "作者": "authors",
    "arxiv id": "arxiv", "arxiv 编号": "arxiv", "arxiv编号": "arxiv",
    "one-liner": "oneliner", "一句话概述": "oneliner", "一句话总结": "oneliner",
    "published in": "venue", "发表于": "venue", "发表": "venue",
    "links": "links", "链接": "links",
}
LINK_PROPERTIES = {
    "paper": SCHEMA.url,
    "pdf": SKG.pdf,
    "code": SCHEMA.codeRepository,
    "project page": SKG.projectPage, "project": SKG.projectPage, "homepage": SKG.projectPage,
    "website": SKG.projectPage, "项目主页": SKG.projectPage, "代码": SCHEMA.codeRepository,
    "论文": SCHEMA.url,
}
CORE_INNOVATION = {"core innovation", "核心创新"}
ABSTRACT = {"abstract", "摘要"}
KEY_POINTS = {"key points", "要点", "关键点"}
PROFILE = {"capability profile", "能力特征"}
SIGNIFICANCE = {"significance", "意义"}

# The label stops at the first colon: a lazy label followed by optional white space backtracks
# quadratically on a long line of spaces (a 10 MB line would take days).
FIELD_LINE = re.compile(r"^\*\s+\*\*(?P<label>[^*:：]+)[:：]\s*\*\*\s*(?P<value>.*)$")
PAGE_NOTE = re.compile(r"^\*\*(?P<label>[^*]+?)\*\*\s*[:：]\s*(?P<value>.*)$")
SUMMARY_TITLE = re.compile(r"^<summary>\s*<b>(?P<title>.*)</b>\s*</summary>$")
SUMMARY = re.compile(r"^<summary>(?P<label>.*)</summary>$")
# A link target may hold balanced parentheses, as markdown allows (javascript:alert(1) must be read
# and kept, so that validate reports it, not refused as unreadable).
LINK = re.compile(r"^\[\[(?P<label>[^\]]+)\]\]\((?P<url>(?:[^()\s]|\([^()\s]*\))*)\)$")
QUOTE_HEADING = re.compile(r"^>\s*\*\*(?P<label>[^*]+)\*\*\s*$")


def language_of(text: str) -> str:
    """The language a text is written in: Chinese if it has Han characters, else English."""
    return "zh" if CJK.search(text) else "en"


def clean(text: str) -> str:
    """Collapse runs of white space (markdown line breaks, indentation) into one space."""
    return " ".join(text.split())


def slug(text: str) -> str:
    """A readable IRI segment: accents folded, lowercase, runs of other characters as one '-'."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    result = re.sub(r"[^\w]+", "-", folded.lower()).strip("-_")
    if not result:
        result = "x-" + hashlib.sha1(text.encode()).hexdigest()[:10]
    return result


@dataclass
class Finding:
    """Something the import noticed: a conflict between entries, or text it could not place."""

    kind: str  # "conflict" | "not-placed" | "note"
    file: str
    line: int
    message: str
    paper: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        about = ", ".join(x for x in (f"paper {self.paper}" if self.paper else "",
                                       f"field {self.field}" if self.field else "") if x)
        return f"{where}: {self.kind}: " + (f"{about}: " if about else "") + self.message


@dataclass
class Entry:
    file: str
    line: int
    category: int | None
    title: str | None = None
    fields: dict = field(default_factory=dict)  # name -> (value, line)
    texts: dict = field(default_factory=dict)  # "coreInnovation"/"abstract" -> (text, line)
    key_points: list = field(default_factory=list)
    key_points_line: int = 0


@dataclass
class Category:
    labels: dict = field(default_factory=dict)  # lang -> text
    definitions: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)


@dataclass
class Page:
    file: str
    entries: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    findings: list = field(default_factory=list)


class _PageParser:
    """A line-oriented reader of one survey page."""

    def __init__(self, text: str, file: str):
        # Only "\n" ends a line (read_text has turned CR and CRLF into it): splitlines() would also
        # break at U+2028, form feeds and other separators inside a title, and shift line numbers.
        self.lines = text.split("\n")
        self.file = file
        self.page = Page(file)
        self.i = 0

    def error(self, line: int, message: str, *, field=None, hint=None):
        raise InputError(message, file=self.file, line=line, field=field, hint=hint)

    def not_placed(self, line: int, text: str, field=None):
        short = text if len(text) <= 80 else text[:77] + "..."
        self.page.findings.append(Finding("not-placed", self.file, line, f"not placed: {short!r}",
                                          field=field))

    def parse(self) -> Page:
        while self.i < len(self.lines):
            number, line = self.i + 1, self.lines[self.i].strip()
            self.i += 1
            if not line or line == "---":
                continue
            if line.startswith("<p") and "align" in line:
                self.skip_block(number, "</p>")
            elif line.startswith("### ") or line.startswith("## "):
                self.page.categories.append(Category())
                title = clean(line.lstrip("#"))
                self.page.categories[-1].labels[language_of(title)] = title
            elif line.startswith("#### "):
                continue  # the "Representative Works" subheading: structure, not data
            elif line == "<details>" or line.startswith("<details>"):
                self.parse_entry(number, line[len("<details>"):].strip())
            elif (m := PAGE_NOTE.match(line)) and self.page.categories:
                self.page_note(number, m["label"], clean(m["value"]))
            else:
                self.not_placed(number, line)
        return self.page

    def skip_block(self, start: int, end: str):
        while end not in self.lines[self.i - 1]:
            if self.i == len(self.lines):  # else the rest of the page would vanish unreported
                self.error(start, f"the block opened here is not closed: no {end} follows",
                           hint=f"add {end} at the end of the block")
            self.i += 1

    def page_note(self, number: int, label: str, value: str):
        key = label.strip().lower()
        category = self.page.categories[-1]
        target = (category.definitions if key in PROFILE else
                  category.notes if key in SIGNIFICANCE else None)
        if target is None:
            self.not_placed(number, f"**{label}**: {value}")
            return
        target[language_of(value)] = value

    def parse_entry(self, start: int, rest: str):
        entry = Entry(self.file, start, len(self.page.categories) - 1 if self.page.categories else None)
        pending = [rest] if rest else []
        quote_field = None
        quote_parts: list[str] = []  # joined once at the end: re-joining per line is quadratic
        while True:
            if pending:
                number, line = start, pending.pop()
            elif self.i < len(self.lines):
                number, line = self.i + 1, self.lines[self.i].strip()
                self.i += 1
            else:
                self.error(start, "entry is not closed: <details> has no matching </details>",
                           hint="add </details> after the entry's last block")
            if not line:
                quote_field = None
                continue
            if m := SUMMARY_TITLE.match(line):
                if entry.title is not None:
                    self.error(number, "a new entry starts before the previous one is closed",
                               hint=f"close the <details> opened at line {start} with </details>")
                entry.title = clean(m["title"])
            elif line == "</details>":
                break
            elif line == "<details>":
                self.parse_inner_block(entry, number)
            elif m := FIELD_LINE.match(line):
                quote_field = None
                self.entry_field(entry, number, m["label"], m["value"])
            elif m := QUOTE_HEADING.match(line):
                label = m["label"].strip().lower()
                if label in CORE_INNOVATION:
                    quote_field = "coreInnovation"
                    self.set_text(entry, "coreInnovation", number, "")
                else:
                    self.not_placed(number, line)
            elif line.startswith(">") and quote_field:
                quote_parts.append(line[1:])
            elif line == "---":
                self.error(number, "entry is not closed: a '---' separator comes before </details>",
                           hint=f"close the <details> opened at line {start} with </details>")
            else:
                self.not_placed(number, line)
        if "coreInnovation" in entry.texts:
            entry.texts["coreInnovation"] = (clean(" ".join(quote_parts)),
                                             entry.texts["coreInnovation"][1])
        if entry.title is None and not entry.fields:
            self.error(start, "a <details> block that is not a survey entry",
                       hint="an entry starts with <details> and <summary><b>Title</b></summary>")
        self.check_identity(entry)
        self.page.entries.append(entry)

    def set_text(self, entry: Entry, name: str, number: int, text: str):
        if name in entry.texts:
            self.error(number, f"{name} is given twice in one entry "
                               f"(first at line {entry.texts[name][1]})", field=name,
                       hint="keep one of them")
        entry.texts[name] = (text, number)

    def parse_inner_block(self, entry: Entry, start: int):
        label = None
        body = []
        while self.i < len(self.lines):
            number, line = self.i + 1, self.lines[self.i].strip()
            self.i += 1
            if line == "</details>":
                break
            if label is None and (m := SUMMARY.match(line)):
                label = clean(m["label"]).lower()
                continue
            if line.startswith("<details>") or SUMMARY_TITLE.match(line):
                self.error(number, f"the block opened at line {start} is not closed",
                           hint="add </details> at the end of the Abstract or Key points block")
            if line:
                body.append((number, line))
        else:
            self.error(start, "the block is not closed: <details> has no matching </details>",
                       hint="add </details> at the end of the Abstract or Key points block")
        if label in ABSTRACT:
            self.set_text(entry, "abstract", start, clean(" ".join(text for _, text in body)))
        elif label in KEY_POINTS:
            if entry.key_points:
                self.error(start, f"key points are given twice in one entry "
                                  f"(first at line {entry.key_points_line})", field="keyPoint",
                           hint="keep one list")
            entry.key_points_line = start
            points: list[list[str]] = []  # the lines of each point, joined once at the end
            for number, text in body:
                if text.startswith(("* ", "- ")):
                    points.append([text[2:]])
                elif points:
                    points[-1].append(text)
                else:
                    self.not_placed(number, text, field="keyPoint")
            entry.key_points = [clean(" ".join(lines)) for lines in points]
        else:
            for number, text in body:
                self.not_placed(number, text, field=label)

    def entry_field(self, entry: Entry, number: int, label: str, value: str):
        name = FIELD_LABELS.get(label.strip().lower())
        if name is None:
            self.not_placed(number, f"**{label}:** {value.strip()}")
            return
        if name in entry.fields:
            self.error(number, f"'{label.strip()}' is given twice in one entry "
                               f"(first at line {entry.fields[name][1]})", field=name,
                       hint="keep one of them")
        entry.fields[name] = (clean(value), number)

    def check_identity(self, entry: Entry):
        if "arxiv" not in entry.fields:
            named = f"entry {_short(entry.title)}" if entry.title else "entry"
            self.error(entry.line, f"{named} has no arXiv ID", field="arXiv ID",
                       hint="add a line '* **arXiv ID:** YYMM.NNNNN': the ID names the paper")
        value, number = entry.fields["arxiv"]
        value = re.sub(r"v[0-9]+$", "", value.removeprefix("arXiv:"))
        if not ARXIV_ID.match(value):
            self.error(number, f"arXiv ID {value!r} is not of the form YYMM.NNNNN", field="arXiv ID",
                       hint="write the ID as on arxiv.org, e.g. 2401.12945")
        entry.fields["arxiv"] = (value, number)


def parse_page(path: Path | str) -> Page:
    """Read one survey page into entries, categories and findings."""
    path = Path(path)
    return _PageParser(read_text(path), path.name).parse()


def parse_links(value: str, file: str, number: int, findings: list, paper: str):
    links = []
    for part in (p.strip() for p in value.split("|")):
        if not part:
            continue
        m = LINK.match(part)
        if not m:
            raise InputError(f"cannot read the link {part!r}", file=file, line=number, paper=paper,
                             field="Links", hint="write links as [[Label]](https://...) separated by |")
        prop = LINK_PROPERTIES.get(m["label"].strip().lower())
        if prop is None:
            findings.append(Finding("not-placed", file, number,
                                    f"link label {m['label']!r} is not a known link kind "
                                    f"({m['url']})", paper=paper, field="Links"))
            continue
        links.append((prop, _checked_iri(m["url"], file, number, paper)))
    return links


def _checked_iri(url: str, file: str, number: int, paper: str) -> str:
    """The link as an absolute IRI, checked by the parser `load` uses, so that what import writes
    load can read. A link that is no IRI (empty, relative, with a space or '<') cannot be stored;
    one with a scheme other than http(s) can, and the shapes report it."""
    try:
        ox.NamedNode(url)
    except ValueError as exc:
        raise InputError(f"the link {url!r} is not an absolute URL: {exc}", file=file, line=number,
                         paper=paper, field="Links",
                         hint="write the full address, e.g. https://github.com/OWNER/REPO") from None
    return url


def parse_venue(value: str) -> tuple[str, str | None]:
    """'CVPR 2024' -> ('CVPR', '2024'); 'arXiv preprint' -> ('arXiv', None)."""
    m = re.match(r"^(?P<name>.*?)\s*(?P<year>(19|20)[0-9]{2})?$", value)
    name = re.sub(r"\s+preprint$", "", m["name"], flags=re.IGNORECASE).strip()
    return name, m["year"]


@dataclass
class ImportResult:
    graph: Graph
    findings: list
    entries: int
    papers: int


class _Merger:
    """Merges entries into one record per arXiv ID and reports disagreements."""

    def __init__(self):
        self.papers: dict[str, dict] = {}
        self.findings: list[Finding] = []

    def conflict(self, entry: Entry, number: int, paper: str, fieldname: str, message: str):
        self.findings.append(Finding("conflict", entry.file, number, message, paper, fieldname))

    def merge_value(self, record, entry, key, value, number, label):
        """Keep the first value of `key`; report a different later one."""
        if key not in record:
            record[key] = (value, entry.file, number)
            return
        first, file, line = record[key]
        if first != value:
            self.conflict(entry, number, record["id"], label,
                          f"{_short(value)} differs from {_short(first)} at {file}:{line}; "
                          f"kept the one at {file}:{line}")

    def add(self, entry: Entry, category_iri):
        arxiv = entry.fields["arxiv"][0]
        record = self.papers.setdefault(arxiv, {"id": arxiv, "categories": [], "sources": [],
                                                "links": []})
        record["sources"].append((entry.file, entry.line))
        if category_iri is not None and category_iri not in record["categories"]:
            record["categories"].append(category_iri)
        if entry.title:
            self.merge_value(record, entry, ("title", language_of(entry.title)), entry.title,
                             entry.line, "title")
        if "authors" in entry.fields:
            value, number = entry.fields["authors"]
            self.merge_authors(record, entry, [clean(a) for a in value.split(",") if a.strip()],
                               number)
        if "oneliner" in entry.fields:
            value, number = entry.fields["oneliner"]
            if value:
                self.merge_value(record, entry, ("oneLiner", language_of(value)), value, number,
                                 "one-liner")
        for name, (text, number) in entry.texts.items():
            if text:
                self.merge_value(record, entry, (name, language_of(text)), text, number, name)
        if entry.key_points:
            lang = language_of(" ".join(entry.key_points))
            self.merge_value(record, entry, ("keyPoints", lang), tuple(entry.key_points),
                             entry.key_points_line, "key points")
        if "venue" in entry.fields:
            value, number = entry.fields["venue"]
            name, year = parse_venue(value)
            self.merge_value(record, entry, "venue", name, number, "venue")
            if year:
                self.merge_value(record, entry, "year", year, number, "year")
        if "links" in entry.fields:
            value, number = entry.fields["links"]
            self.merge_links(record, entry, parse_links(value, entry.file, number, self.findings,
                                                         arxiv), number)

    def merge_authors(self, record, entry, authors, number):
        if "authors" not in record:
            record["authors"] = (authors, entry.file, number)
            return
        first, file, line = record["authors"]
        if first == authors:
            return
        shorter, longer = sorted((first, authors), key=len)
        if longer[:len(shorter)] == shorter:
            record["authors"] = (longer, entry.file, number) if longer is authors else record["authors"]
            where = f"{entry.file}:{number}" if shorter is authors else f"{file}:{line}"
            self.conflict(entry, number, record["id"], "authors",
                          f"the author list at {where} stops after {len(shorter)} of "
                          f"{len(longer)} authors; kept the longer list")
        else:
            self.conflict(entry, number, record["id"], "authors",
                          f"author list ({len(authors)} authors) differs from the one at "
                          f"{file}:{line} ({len(first)} authors); kept the one at {file}:{line}")

    def merge_links(self, record, entry, links, number):
        known = {url: prop for prop, url in record["links"]}
        first_entry = not record.get("links_seen")
        for prop, url in links:
            if url in known:
                if known[url] != prop:
                    self.conflict(entry, number, record["id"], "links",
                                  f"{url} is labelled {_label(prop)} here but "
                                  f"{_label(known[url])} elsewhere; kept {_label(known[url])}")
                continue
            same_kind = [u for p, u in record["links"] if p == prop]
            if not first_entry and same_kind and prop in (SCHEMA.url, SKG.pdf):
                self.conflict(entry, number, record["id"], "links",
                              f"{_label(prop)} link {url} differs from {same_kind[0]}; "
                              f"kept {same_kind[0]}")
                continue
            record["links"].append((prop, url))
            known[url] = prop
        record["links_seen"] = True


def _short(value) -> str:
    text = " | ".join(value) if isinstance(value, tuple) else value
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _label(prop) -> str:
    return {SCHEMA.url: "Paper", SKG.pdf: "PDF", SCHEMA.codeRepository: "Code",
            SKG.projectPage: "Project Page"}[prop]


def _merge_categories(pages: list[Page]) -> list[tuple[URIRef, Category]]:
    """Categories of different pages are the same when they stand at the same place (the n-th
    section heading): the pages of one survey are translations of each other."""
    merged: list[Category] = []
    for page in pages:
        for index, category in enumerate(page.categories):
            if index == len(merged):
                merged.append(Category())
            for attr in ("labels", "definitions", "notes"):
                for lang, text in getattr(category, attr).items():
                    getattr(merged[index], attr).setdefault(lang, text)
    result = []
    for category in merged:
        name = category.labels.get("en") or next(iter(category.labels.values()))
        result.append((CATEGORY[slug(name)], category))
    return result


def import_pages(paths: list[Path | str]) -> ImportResult:
    """Import survey pages into one graph; see the module docstring."""
    pages = [parse_page(p) for p in paths]
    categories = _merge_categories(pages)
    merger = _Merger()
    for page in pages:
        merger.findings.extend(page.findings)
        for entry in page.entries:
            iri = categories[entry.category][0] if entry.category is not None else None
            merger.add(entry, iri)
    graph = new_graph()
    for iri, category in categories:
        _category_triples(graph, iri, category)
    for record in merger.papers.values():
        _paper_triples(graph, record, merger.findings)
    entries = [entry for page in pages for entry in page.entries]
    _check_every_entry_is_a_paper(entries, graph)
    return ImportResult(graph, merger.findings, len(entries), len(merger.papers))


def _check_every_entry_is_a_paper(entries: list[Entry], graph: Graph):
    """The count check of "nothing lost": every entry read is a paper written (entries with one
    arXiv ID are one paper). A failure here is a defect of the importer, not of the page."""
    for entry in entries:
        arxiv = entry.fields["arxiv"][0]
        if (PAPER[arxiv], SKG.arxivId, Literal(arxiv)) not in graph:
            raise RuntimeError(f"{entry.file}:{entry.line}: entry {arxiv} was read but no paper "
                               "was written for it")


def _category_triples(graph: Graph, iri: URIRef, category: Category):
    graph.add((iri, RDF.type, SKOS.Concept))
    for attr, prop in (("labels", SKOS.prefLabel), ("definitions", SKOS.definition),
                       ("notes", SKOS.scopeNote)):
        for lang, text in sorted(getattr(category, attr).items()):
            graph.add((iri, prop, Literal(text, lang=lang)))


def _paper_triples(graph: Graph, record: dict, findings: list):
    arxiv = record["id"]
    paper = PAPER[arxiv]
    add = graph.add
    add((paper, RDF.type, SCHEMA.ScholarlyArticle))
    add((paper, SKG.arxivId, Literal(arxiv)))
    add((paper, SCHEMA.sameAs, URIRef(f"https://arxiv.org/abs/{arxiv}")))
    texts = {"oneLiner": SKG.oneLiner, "coreInnovation": SKG.coreInnovation,
             "abstract": DCTERMS.abstract}
    for (name, lang), (value, *_) in [(k, v) for k, v in record.items() if isinstance(k, tuple)]:
        if name == "title":
            add((paper, DCTERMS.title, Literal(value, lang=lang)))
        elif name == "keyPoints":
            for position, text in enumerate(value, 1):
                point = PAPER[f"{arxiv}/key-point/{lang}/{position}"]
                add((paper, SKG.keyPoint, point))
                add((point, RDF.type, SKG.KeyPoint))
                add((point, SKG.position, Literal(position)))
                add((point, SKG.text, Literal(text, lang=lang)))
        else:
            add((paper, texts[name], Literal(value, lang=lang)))
    for position, name in enumerate(record.get("authors", ((),))[0], 1):
        person = PERSON[slug(name)]
        authorship = PAPER[f"{arxiv}/author/{position}"]
        add((paper, SKG.authorship, authorship))
        add((paper, DCTERMS.creator, person))
        add((authorship, RDF.type, SKG.Authorship))
        add((authorship, SKG.position, Literal(position)))
        add((authorship, SKG.author, person))
        add((person, RDF.type, FOAF.Person))
        add((person, FOAF.name, Literal(name)))
    if "venue" in record:
        name = record["venue"][0]
        venue = VENUE[slug(name)]
        add((paper, SKG.venue, venue))
        add((venue, RDF.type, SKG.Venue))
        add((venue, SKG.acronym, Literal(name)))
    year = record.get("year", (None,))[0]
    if year is None and "venue" in record:
        year = "20" + arxiv[:2]
        file, line = record["sources"][0]
        findings.append(Finding("note", file, line, f"no year given; took {year} from the arXiv ID",
                                arxiv, "year"))
    if year:
        add((paper, DCTERMS.issued, Literal(year, datatype=XSD.gYear)))
    for prop, url in record["links"]:
        add((paper, prop, URIRef(url)))
    for category in record["categories"]:
        add((paper, DCTERMS.subject, category))
    for n, (file, line) in enumerate(record["sources"], 1):
        source = PAPER[f"{arxiv}/source/{n}"]
        add((paper, PROV.wasDerivedFrom, source))
        add((source, RDF.type, PROV.Entity))
        add((source, SKG.sourceFile, Literal(file)))
        add((source, SKG.sourceLine, Literal(line)))


def split_by_owner(graph: Graph) -> dict[str, Graph]:
    """Split a survey graph into files a maintainer can review: one per paper (with its authorships,
    key points and sources), and one each for people, venues and categories."""
    parts: dict[str, Graph] = {}
    for s, p, o in graph:
        iri = str(s)
        if iri.startswith(str(PAPER)):
            name = "papers/" + quote(iri[len(str(PAPER)):].split("/")[0], safe=".-_") + ".ttl"
        elif iri.startswith(str(PERSON)):
            name = "people.ttl"
        elif iri.startswith(str(VENUE)):
            name = "venues.ttl"
        else:
            name = "categories.ttl"
        if name not in parts:
            parts[name] = new_graph()
        parts[name].add((s, p, o))
    return parts
