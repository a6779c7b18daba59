"""Import: survey pages (markdown, English and Chinese) → the survey's graph, as Turtle files.

    pages (pages.py) → entries, introductions, catalogs, each with file and line
    works (works.py) → one work per arXiv ID or title, entries merged, conflicts reported
    triples (triples.py) → works, people, venues; categories and the scheme (here)

`import_tree(DIR)` reads a whole survey: the root pages (README.md, README_zh.md: introduction,
parts, catalogs) and every section folder's pages. One bad entry never stops the rest: every
problem is a Finding (file, line, entry, field, message, hint) and everything readable is
imported. See docs/decisions/0023-importing-the-whole-survey.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..files import commit_all, stage_files
from ..rdf import turtle
from .pages import Category, Finding, Page, clean, fold, language_of, read_pages
from ..rdf import RDF_TYPE
from .triples import (WORK_TYPE, Triples, Venues, iri, people_triples, split, text,
                      venue_triples, work_iri, work_triples)
from .works import Published, Work, merge, mojibake, parse_published, plain_text, slug, unescape

__all__ = ["ImportResult", "Finding", "import_tree", "import_pages", "page_files"]


@dataclass
class ImportResult:
    pages: list[Page]
    works: list[Work]
    findings: list[Finding]
    triples: Triples
    entries: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    def store(self) -> ox.Store:
        store = ox.Store()
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in self.triples.triples)
        return store

    def write(self, folder: Path) -> list[Path]:
        """Each file of data/ the import makes (works/<id>.ttl, people.ttl, venues.ttl,
        categories.ttl), each written beside its place in `folder`, then all renamed into it."""
        files = [(folder / name, lambda handle, text=text: handle.write(text))
                 for name, text in self.files()]
        commit_all(stage_files(files))
        return [path for path, _ in files]

    def files(self) -> list[tuple[str, bytes]]:
        """(file name, Turtle) of each file of data/ the import makes, in order."""
        return files_of(self.triples.triples)

    def turtle(self) -> bytes:
        """One Turtle document: the files one after the other, each after a comment naming it
        (Turtle lets a document declare its prefixes again)."""
        return b"\n".join(f"# {name}\n".encode("utf-8") + text for name, text in self.files())


def files_of(triples) -> list[tuple[str, bytes]]:
    """(file name, Turtle) of each file of data/ the triples belong in (see triples.split); a
    work's file names its nodes with the empty prefix (`:author-1`)."""
    found = []
    for name, group in sorted(split(triples).items()):
        work = next((t.subject.value for t in group if t.predicate == RDF_TYPE
                     and t.object == WORK_TYPE), None) if name.startswith("works/") else None
        found.append((name, turtle(group, work + "/" if work else None)))
    return found


def page_files(root: Path) -> list[Path]:
    """The pages of a survey tree: its root pages, then each section folder's, English first."""
    def pages_in(folder: Path) -> list[Path]:
        found = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".md"
                 and p.stem.lower().startswith("readme")]
        return sorted(found, key=lambda p: (p.stem.lower() != "readme", p.name.lower()))
    sections = sorted({p.parent for p in root.rglob("*") if p.is_file()
                       and p.name.lower().startswith("readme") and p.suffix.lower() == ".md"
                       and p.parent != root}, key=lambda p: p.as_posix())
    return pages_in(root) + [page for folder in sections for page in pages_in(folder)]


def import_tree(root: Path | str, venues: ox.Store | None = None) -> ImportResult:
    """Import a whole survey tree (see `page_files`). `venues`: a store with the survey's known
    venues (data/venues.ttl), which names on the pages are matched against."""
    root = Path(root)
    if not root.is_dir():
        raise InputError("no such folder", file=root, hint="give the survey's folder")
    files = page_files(root)
    if not files:
        raise InputError("no survey pages (README.md, README_zh.md) in the folder", file=root)
    return import_pages(files, root, venues)


def import_pages(paths, root: Path | None = None, venues: ox.Store | None = None
                 ) -> ImportResult:
    """Import survey pages: section pages (their entries) and root pages (parts, catalogs)."""
    paths = [Path(p) for p in paths]
    pages = read_pages(paths, root)
    findings = [f for page in pages for f in page.findings]
    sections = [p for p in pages if p.kind == "section"]
    roots = [p for p in pages if p.kind == "root"]
    categories = _categories(sections, roots, findings, root)
    for page in sections:
        for entry in page.entries:
            entry.category = categories.slug_of(page)
    entries = [entry for page in sections for entry in page.entries]
    works, merged = merge(entries)
    findings += merged
    out = Triples()
    known = Venues.of(venues)
    for work in works:
        work_triples(out, work, known, categories.iris)
    people_triples(out)
    venue_triples(out)
    categories.triples(out)
    findings += out.findings
    findings += _check_catalogs(roots, sections, categories, known)
    _check_written(works, out.triples)
    order = {page.name: number for number, page in enumerate(pages)}
    findings.sort(key=lambda f: (order.get(f.file, -1), f.line or 0))  # by page, then line
    return ImportResult(pages, works, findings, out, len(entries))


def _check_written(works: list[Work], triples: list[ox.Triple]) -> None:
    """Every work read is in the triples: a work lost on the way is a defect, never silent."""
    written = {t.subject for t in triples if t.predicate == RDF_TYPE and t.object == WORK_TYPE}
    for work in works:
        if work_iri(work) not in written:
            file, line = work.sources[0]
            raise RuntimeError(f"{file}:{line}: entry {work.key} was read but no work was "
                               "written for it")


# ------------------------------------------------------------------------------ categories

@dataclass
class _Categories:
    """The categories of the pages: a section page's heading and introduction, and what the
    root pages say (parts, order, symbols)."""
    by_path: dict[str, dict] = field(default_factory=dict)  # section path -> what is known
    parts: list[dict] = field(default_factory=list)
    scheme: dict = field(default_factory=dict)
    iris: dict[str, ox.NamedNode] = field(default_factory=dict)  # slug -> IRI
    page_path: dict[str, str] = field(default_factory=dict)  # page name -> section path

    def slug_of(self, page: Page) -> str:
        return self.by_path[self.page_path[page.name]]["slug"]

    def triples(self, out: Triples) -> None:
        scheme = iri("category", "scheme")
        add = out.add
        add(scheme, "rdf:type", ox.NamedNode("http://www.w3.org/2004/02/skos/core#ConceptScheme"))
        for lang, value in sorted(self.scheme.get("title", {}).items()):
            add(scheme, "skos:prefLabel", text(value, lang))
        for lang, value in sorted(self.scheme.get("tagline", {}).items()):
            add(scheme, "skos:definition", text(value, lang))
        for lang, value in sorted(self.scheme.get("introduction", {}).items()):
            add(scheme, "skg:introduction", text(value, lang))
        labels = {info["labels"].get("en", ""): info for info in self.by_path.values()}
        for info in self.by_path.values():
            me = self.iris[info["slug"]]
            add(me, "rdf:type", ox.NamedNode("http://www.w3.org/2004/02/skos/core#Concept"))
            add(me, "skos:inScheme", scheme)
            add(me, "skos:notation", ox.Literal(str(info["notation"])))
            add(me, "skg:sectionPath", ox.Literal(info["path"]))
            if info.get("symbol"):
                add(me, "skg:symbol", ox.Literal(info["symbol"]))
            for lang, value in sorted(info["labels"].items()):
                add(me, "skos:prefLabel", text(value, lang))
            for lang, intro in sorted(info["intro"].items()):
                if intro.markdown:
                    add(me, "skg:introduction", text(intro.markdown, lang))
                if intro.definition:
                    add(me, "skos:definition", text(plain_text(intro.definition.value), lang))
                if intro.scope_note:
                    add(me, "skos:scopeNote", text(plain_text(intro.scope_note.value), lang))
            broader = [labels[part] for part in _parts(info["labels"].get("en", ""))
                       if part in labels]
            for other in broader:
                add(me, "skos:broader", self.iris[other["slug"]])
            if not broader:
                add(me, "skos:topConceptOf", scheme)
                add(scheme, "skos:hasTopConcept", me)
        for number, part in enumerate(self.parts, 1):
            if part["own"]:
                continue  # a part that is one category (Benchmarks): no collection around it
            me = iri("category", slug(part["labels"].get("en") or next(iter(part["labels"].values()))))
            add(me, "rdf:type", ox.NamedNode("http://www.w3.org/2004/02/skos/core#Collection"))
            add(me, "skos:notation", ox.Literal(str(number)))
            if part.get("symbol"):
                add(me, "skg:symbol", ox.Literal(part["symbol"]))
            for lang, value in sorted(part["labels"].items()):
                add(me, "skos:prefLabel", text(value, lang))
            for lang, value in sorted(part["definition"].items()):
                if value:
                    add(me, "skg:introduction", text(value, lang))
                    add(me, "skos:definition", text(plain_text(value), lang))
            for path in part["paths"]:
                add(me, "skos:member", self.iris[self.by_path[path]["slug"]])


def _parts(label: str) -> list[str]:
    """The capabilities an integration joins: "Modality + Spatial Consistency" -> ["Modality
    Consistency", "Spatial Consistency"]; [] for a label without "+"."""
    pieces = [clean(p) for p in label.split("+")]
    if len(pieces) < 2 or not all(pieces):
        return []
    suffix = pieces[-1].split()[-1]
    return [p if p.split()[-1] == suffix else f"{p} {suffix}" for p in pieces]


def _categories(sections: list[Page], roots: list[Page], findings: list[Finding],
                root: Path | None) -> _Categories:
    found = _Categories()
    order: list[str] = []
    for page in sorted(roots, key=lambda p: p.lang != "en"):
        for key in ("title", "tagline", "introduction"):
            value = getattr(page, key)
            if value:
                found.scheme.setdefault(key, {})[language_of(value) if key != "introduction"
                                                 else page.lang] = unescape(value) \
                    if key != "introduction" else value
        for index, part in enumerate(page.parts):
            if index >= len(found.parts):
                found.parts.append({"labels": {}, "definition": {}, "paths": [],
                                    "symbol": part.symbol, "own": part.category_itself})
            record = found.parts[index]
            record["labels"].setdefault(page.lang, unescape(part.label.value))
            record["definition"].setdefault(page.lang, part.definition)
            for category in part.categories:
                if category.path not in record["paths"]:
                    record["paths"].append(category.path)
                if category.path not in order:
                    order.append(category.path)
                info = found.by_path.setdefault(category.path, _info(category.path))
                info["symbol"] = info.get("symbol") or category.symbol
                info["root_labels"][page.lang] = unescape(category.label.value)
    for page in sections:
        path = _folder(page, root)
        found.page_path[page.name] = path
        if page.category is None:
            continue  # unreadable (reported): it names no category
        if path not in order:
            order.append(path)
        info = found.by_path.setdefault(path, _info(path))
        label = unescape(page.category.label.value)
        info["labels"].setdefault(page.lang, label)
        info["intro"].setdefault(page.lang, page.category.intro)
        info["symbol"] = info.get("symbol") or page.category.symbol
        said = info["root_labels"].get(page.lang)
        if said is not None and fold(said) != fold(label):
            findings.append(Finding("warning", "label-differs", f"the root page calls this "
                                    f"category '{said}', its page '{label}'", page.name,
                                    page.category.label.line, hint="use one name for it"))
    for number, path in enumerate(order, 1):
        info = found.by_path[path]
        info["notation"] = number
        for lang, label in info["root_labels"].items():
            info["labels"].setdefault(lang, label)
        found.iris[info["slug"]] = iri("category", info["slug"])
    return found


def _info(path: str) -> dict:
    return {"path": path, "slug": slug(path.rsplit("/", 1)[-1]), "labels": {}, "intro": {},
            "root_labels": {}}


def _folder(page: Page, root: Path | None) -> str:
    if root is not None and page.path.parent.is_relative_to(root):
        return page.path.parent.relative_to(root).as_posix() or "."
    return page.path.parent.name


# ------------------------------------------------------------------------------ catalogs

def _check_catalogs(roots: list[Page], sections: list[Page], categories: _Categories,
                    known: Venues) -> list[Finding]:
    """Each catalog line of a root page names an entry of its section page (same language),
    with the same venue (or another name of it: `known`), and the same year and date where both
    give one. A section that lists the paper twice agrees when one of its entries does."""
    findings = []
    by_path: dict[tuple[str, str], dict[str, list]] = {}
    for page in sections:
        titles = by_path.setdefault((categories.page_path[page.name], page.lang), {})
        for entry in page.entries:
            titles.setdefault(_title_key(entry.title.value), []).append(entry)
    for page in roots:
        for part in page.parts:
            for category in part.categories:
                entries = by_path.get((category.path, page.lang))
                if entries is None:
                    continue
                for line in category.catalog:
                    listed = entries.get(_title_key(line.title))
                    if listed is None:
                        findings.append(Finding(
                            "warning", "catalog-missing", f"the catalog lists '{line.title}', "
                            f"which its section ({category.path}) does not", page.name,
                            line.line, hint="add the entry to the section, or remove the line"))
                        continue
                    said = parse_published(line.venue)
                    given = [(e, e.fields["venue"]) for e in listed if "venue" in e.fields]
                    if said is None or not given or any(
                            _agree(said, parse_published(v.value), known) for _, v in given):
                        continue
                    entry, given = given[0]
                    findings.append(Finding(
                        "warning", "catalog-differs", f"the catalog says '{line.venue}' for "
                        f"'{line.title}', its entry ({entry.file}:{given.line}) says "
                        f"'{given.value}'", page.name, line.line, entry.name, "published in",
                        hint="make them agree"))
    return findings


def _agree(said: Published, given: Published | None, known: Venues) -> bool:
    """Whether a catalog's venue and year (`said`) agree with an entry's."""
    if given is None:
        return True
    same_venue = fold(said.venue or "") == fold(given.venue or "") or (
        said.venue and given.venue and known.find(said.venue) is not None
        and known.find(said.venue) == known.find(given.venue))
    return bool(same_venue) and all(
        a is None or b is None or a == b for a, b in ((said.year, given.year),
                                                      (said.date, given.date)))


def _title_key(title: str) -> str:
    """A title as catalogs and sections are matched: mis-encoded runs repaired, escapes
    replaced, only letters and digits, case ignored."""
    title = unescape(title)
    title = mojibake(title) or title
    return "".join(c for c in title.casefold() if c.isalnum())
