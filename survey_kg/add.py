"""`survey-kg add`: the entries of a page into data/, validated before anything is written."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .files import commit_all, stage_files
from .importer import files_of
from .importer.pages import FIELD_NAMES, Entry, Finding, clean, read_page
from .importer.triples import (LINK_PROPERTIES, WORK_TYPE, Triples, Venues, people_triples,
                               split, venue_triples, work_iri, work_triples)
from .importer.works import Work, merge, unescape
from .load import load
from .paths import PREFIXES, Survey, curie
from .rdf import RDF_TYPE, named, select
from .rules import Report, about, validate

SHORT = 60  # characters of a value that a change shows


@dataclass
class Change:
    field: str
    old: str
    new: str

    def __str__(self) -> str:
        """`field: old → new`, each cut short; texts that start alike are shown from a word
        before where they differ."""
        old, new = self.old, self.new
        same = len(os.path.commonprefix([old, new]))
        if same > SHORT // 2:
            cut = old.rfind(" ", 0, same - 10) + 1
            old, new = "…" + old[cut:], "…" + new[cut:]
        return f"{self.field}: {_short(old)} → {_short(new)}"


@dataclass
class Outcome:
    """What `add` found and did. An error-level finding (on the page, or a work the survey has
    without --update) stops it before validation (`report` is None), a violation after it:
    then nothing is written."""
    findings: list[Finding]
    report: Report | None = None  # the whole survey with the additions
    added: list[str] = field(default_factory=list)  # works, by arXiv ID or slug
    updated: dict[str, list[Change]] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    nodes: set[str] = field(default_factory=set)  # what the additions describe

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    def about_additions(self) -> Report:
        """The validation results about the works and people added or changed."""
        return about(self.report, self.nodes)


@dataclass(frozen=True)
class Category:
    slug: str
    iri: ox.NamedNode
    labels: tuple[str, ...]
    path: str | None


def add(survey: Survey, page: Path, category: str | None = None, update: bool = False
        ) -> Outcome:
    """Read the entries of `page` (the survey's entry format, either language) as the importer
    does, and add each work to `survey`'s data/: works/<ID>.ttl, its new people in people.ttl.
    The category is `category` (a slug, label or section folder) or the page's ### heading. A
    work the survey holds already is refused, or with `update` its fields are replaced by the
    page's (other fields kept, categories joined). The survey with the additions is validated:
    the files are written, all or none, only when nothing stops it."""
    survey = survey.writable()
    store = load([survey.data])
    name = _name(page, survey)
    read = read_page(page, name, kind="section")
    findings = [f for f in read.findings if not (category and f.kind == "no-heading")]
    if any(f.kind == "no-heading" for f in findings):
        raise InputError("the page has no ### heading naming its category", file=name,
                         field="category", hint="start it with '### Category name', or give "
                         "--category; known categories: " + _known(categories(store)))
    concept = find_category(store, category or read.category.label.value, name,
                            None if category else read.category.label.line)
    if not read.entries and not any(f.level == "error" for f in findings):
        raise InputError("the page holds no entry", file=name,
                         hint="an entry is a <details> block whose summary is the title in bold: "
                              "survey-kg add --template prints one to fill in")
    for entry in read.entries:
        entry.category = concept.slug
    findings += placeholders(read.entries)
    works, merged = merge(read.entries)
    findings += merged
    out, venues = Triples(), Venues.of(store)
    for work in works:
        work_triples(out, work, venues, {concept.slug: concept.iri})
    people_triples(out)
    venue_triples(out)
    findings += out.findings
    outcome = Outcome(sorted(findings, key=lambda f: f.line or 0))
    if outcome.errors:
        return outcome

    groups = split(out.triples)
    people = [t for t in groups.pop("people.ttl", []) if not _described(store, t.subject)]
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in groups.pop("venues.ttl", []))
    files: dict[Path, list[ox.Triple]] = {}
    gone: set[ox.NamedNode] = set()  # authors the updated works no longer name
    for work in works:
        me = work_iri(work)
        mine = groups[_file_name(me)]
        held = _held(store, me, work.arxiv)
        path = survey.data / _file_name(me)
        if held is None:
            store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in mine)
            files[path] = mine
            outcome.added.append(work.key)
        else:
            holder = file_of(survey, held)
            listed = sorted(curie(o.value) for o in _objects(store, held, "schema:about"))
            said = f"the work is in the survey already, in {_shown(holder, survey)} " \
                f"({', '.join(listed)})"
            if held != me or holder != path:
                outcome.findings.append(_refusal(work, said + ", under another name: edit "
                                                 "that file"))
                continue
            if not update:
                other = curie(concept.iri.value) not in listed
                outcome.findings.append(_refusal(
                    work, said, f"to list it under {curie(concept.iri.value)} too, and replace "
                    "its description by this entry's, give --update" if other else
                    "give --update to replace its description by this entry's"))
                continue
            old = _triples_of(store, me)
            new = merge_work(old, mine, me)
            outcome.updated[work.key] = changes(old, new, me)
            if not outcome.updated[work.key]:
                continue  # the survey has it so: no source record for what the page did not give
            gone |= _authors(old) - _authors(new)
            for t in old:
                store.remove(ox.Quad(t.subject, t.predicate, t.object))
            store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in new)
            files[path] = new
        outcome.nodes |= {t.subject.value for t in files[path]}
    if outcome.errors:
        return outcome
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in people)
    orphans = {p for p in gone if not any(store.quads_for_pattern(None, named("schema:author"),
                                                                     p, ox.DefaultGraph()))}
    for person in orphans:
        for quad in list(store.quads_for_pattern(person, None, None, ox.DefaultGraph())):
            store.remove(quad)
    outcome.nodes |= {t.subject.value for t in people}
    outcome.report = validate(store)
    if not outcome.report.conforms:
        return outcome
    if people or orphans:
        listed = survey.data / "people.ttl"
        known = list(ox.parse(path=str(listed), format=ox.RdfFormat.TURTLE)) \
            if listed.is_file() else []
        files[listed] = [t for t in known if t.subject not in orphans] + people
    outcome.written = _write(files)
    return outcome


# ------------------------------------------------------------------------------ the page

def _name(page: Path, survey: Survey) -> str:
    """How the page is named in reports and source records: as the survey's source records name
    its pages (relative to its pages' folder) when it is one of them, relative to the survey's
    folder when it is inside it (no machine's path in the data), else as given."""
    resolved = page.resolve()
    for folder in (survey.pages, survey.root):
        if resolved.is_relative_to(folder.resolve()):
            return resolved.relative_to(folder.resolve()).as_posix()
    return str(page)


CATEGORIES = f"""PREFIX skos: <{PREFIXES['skos']}> PREFIX skg: <{PREFIXES['skg']}>
SELECT ?category ?label ?path WHERE {{ ?category a skos:Concept .
    OPTIONAL {{ ?category skos:prefLabel ?label }} OPTIONAL {{ ?category skg:sectionPath ?path }} }}
ORDER BY ?category ?label"""


def categories(store: ox.Store) -> list[Category]:
    """The survey's categories (skos:Concept), in IRI order."""
    found: dict[str, dict] = {}
    for concept, label, path in select(store, CATEGORIES)[1]:
        info = found.setdefault(concept.value, {"labels": [], "path": path and path.value})
        if label is not None:
            info["labels"].append(label)
    return [Category(iri.rsplit("/", 1)[-1], ox.NamedNode(iri),
                     tuple(dict.fromkeys(label.value for label in sorted(
                         info["labels"], key=lambda label: label.language != "en"))),
                     info["path"]) for iri, info in found.items()]


def _key(text: str) -> str:
    return "".join(c for c in unescape(text).casefold() if c.isalnum())


def find_category(store: ox.Store, given: str, file: str, line: int | None) -> Category:
    """The category named `given`: its slug (category:world-models or world-models), a label
    in any language, or its section folder; case, spaces and punctuation ignored."""
    known = categories(store)
    wanted = _key(given.removeprefix("category:"))
    for concept in known:
        names = [concept.slug, *concept.labels] + \
            ([concept.path, concept.path.rsplit("/", 1)[-1]] if concept.path else [])
        if wanted and wanted in {_key(n) for n in names}:
            return concept
    raise InputError(f"unknown category '{given}'", file=file, line=line, field="category",
                     hint="name one of the survey's categories in the page's ### heading or with "
                          "--category: " + _known(known))


def _known(known: list[Category]) -> str:
    return ", ".join(f"{c.slug} ({c.labels[0]})" if c.labels else c.slug for c in known)


# ------------------------------------------------------------------------------ the template

PLACEHOLDERS = {
    "en": {"heading": "Category name", "title": "Title of the work",
           "authors": "First Author, Second Author", "arxiv": "YYMM.NNNNN",
           "one_liner": "What the work does, in one sentence.", "venue": "VENUE YEAR",
           "core_innovation": "What is new in it, in two or three sentences.",
           "abstract": "The paper's abstract.",
           "key_points": ["A key point.", "Another key point."],
           "intro": "Fill in each field; remove the lines a work does not have (a model without "
                    "a paper: no arXiv ID, and `* **Model:** Name (year)` instead). Name a "
                    "category of the survey in the heading above (or give --category), then run "
                    "`survey-kg add THIS-FILE.md`."},
    "zh": {"heading": "类别名称", "title": "Title of the work",
           "authors": "First Author, Second Author", "arxiv": "YYMM.NNNNN",
           "one_liner": "一句话说明这项工作做了什么。", "venue": "VENUE YEAR",
           "core_innovation": "用两三句话说明它的新意。", "abstract": "论文摘要。",
           "key_points": ["一个要点。", "另一个要点。"],
           "intro": "填写每个字段，删去不适用的行（没有论文的模型：删去 arXiv 编号，改写 "
                    "`* **模型：** 名称 (年份)`）。在上面的标题中写出综述的一个类别（或使用 "
                    "--category），然后运行 `survey-kg add 此文件.md`。"},
}
PLACEHOLDER_URLS = ("https://arxiv.org/abs/YYMM.NNNNN", "https://github.com/OWNER/REPO",
                    "https://PROJECT.github.io/")


def template(lang: str = "en") -> str:
    """A blank entry in the survey's format (the labels the pages use, templates/labels.toml),
    under a heading naming its category: what `add` reads."""
    from .render.markdown import labels

    t, say = labels()[lang], PLACEHOLDERS[lang]
    link = t.link_labels
    links = " | ".join(f"[[{label}]]({url})" for label, url in zip(
        (link["paper"], link["code"], link["projectPage"]), PLACEHOLDER_URLS))
    points = "\n".join(f"<li>{point}</li>" for point in say["key_points"])
    return f"""### {say['heading']}

{say['intro']}

<details>
<summary><b>{say['title']}</b></summary>

* **{t.authors}** {say['authors']}
* **{t.arxiv_id}** {say['arxiv']}
* **{t.one_liner}** {say['one_liner']}
* **{t.published_in}** {say['venue']}
* **{t.links}** {links}

> **{t.core_innovation}**  
> {say['core_innovation']}

<details>
<summary>{t.abstract}</summary>
{say['abstract']}
</details>

<details>
<summary>{t.key_points}</summary>
<ul>
{points}
</ul>
</details>

</details>
"""


def placeholders(entries: list[Entry]) -> list[Finding]:
    """An error for each field of an entry that still holds the template's text (the arXiv ID
    placeholder is no arXiv ID: the importer reports it)."""
    said = {key: {clean(words[key]) for words in PLACEHOLDERS.values()}
            for key in ("title", "authors", "one_liner", "venue", "core_innovation", "abstract")}
    points = {clean(p) for words in PLACEHOLDERS.values() for p in words["key_points"]}
    found = []
    for entry in entries:
        values = [("title", entry.title), ("core_innovation", entry.core_innovation),
                  ("abstract", entry.abstract)]
        values += list(entry.fields.items())
        for key, value in values:
            if value is None:
                continue
            text = clean(value.value)
            if text in said.get(key, ()) or (key == "links" and any(
                    url in text for url in PLACEHOLDER_URLS)):
                found.append(_placeholder(entry, value.line, FIELD_NAMES.get(
                    key, key.replace("_", " "))))
        for point in entry.key_points:
            if clean(point.value) in points:
                found.append(_placeholder(entry, point.line, "key points"))
    return found


def _placeholder(entry: Entry, line: int, label: str) -> Finding:
    return Finding("error", "placeholder", "still holds the template's text", entry.file, line,
                   entry.name, label, hint="write the work's own, or remove the line")


# ------------------------------------------------------------------------------ the survey

def _file_name(work: ox.NamedNode) -> str:
    """The file of data/ a work belongs in (works/<ID>.ttl), as the importer names it."""
    return next(iter(split([ox.Triple(work, RDF_TYPE, WORK_TYPE)])))


def _described(store: ox.Store, node) -> bool:
    return any(store.quads_for_pattern(node, RDF_TYPE, None, ox.DefaultGraph()))


def _objects(store: ox.Store, subject, predicate: str) -> list:
    return [q.object for q in store.quads_for_pattern(subject, named(predicate), None,
                                                      ox.DefaultGraph())]


def _held(store: ox.Store, me: ox.NamedNode, arxiv: str | None) -> ox.NamedNode | None:
    """The survey's work that is this one: the same IRI, or one with its arXiv ID."""
    if any(store.quads_for_pattern(me, RDF_TYPE, WORK_TYPE, ox.DefaultGraph())):
        return me
    if arxiv is None:
        return None
    for quad in store.quads_for_pattern(None, named("schema:value"), ox.Literal(arxiv),
                                        ox.DefaultGraph()):
        if ox.Literal("arXiv") in _objects(store, quad.subject, "schema:propertyID"):
            for holder in store.quads_for_pattern(None, named("schema:identifier"),
                                                  quad.subject, ox.DefaultGraph()):
                return holder.subject
    return None


def file_of(survey: Survey, work: ox.NamedNode) -> Path:
    """The file of data/ that describes `work`: works/<ID>.ttl, or the one that types it."""
    expected = survey.data / _file_name(work)
    candidates = [expected] + sorted(p for p in survey.data.rglob("*.ttl") if p != expected)
    for path in candidates:
        if path.is_file() and ox.Triple(work, RDF_TYPE, WORK_TYPE) in set(
                ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)):
            return path
    return expected


def _shown(path: Path, survey: Survey) -> str:
    return path.relative_to(survey.root).as_posix() if path.is_relative_to(survey.root) \
        else str(path)


def _refusal(work: Work, message: str, hint: str | None = None) -> Finding:
    """An error at the work's (first) entry: it is in the survey already."""
    file, line = work.sources[0]
    return Finding("error", "in-survey", message, file, line, work.key, hint=hint)


def _authors(triples: list[ox.Triple]) -> set:
    return {t.object for t in triples if t.predicate == named("schema:author")}


def _triples_of(store: ox.Store, me: ox.NamedNode) -> list[ox.Triple]:
    """The triples of a work's file: the work and the nodes named under its IRI."""
    return [ox.Triple(q.subject, q.predicate, q.object) for q in store
            if q.subject == me or (isinstance(q.subject, ox.NamedNode)
                                   and q.subject.value.startswith(me.value + "/"))]


# ------------------------------------------------------------------------------ --update

LINKS = {named(p) for p in LINK_PROPERTIES.values()}
GROUPS = {"schema:author": "authors", "skg:authorship": "authors", "skg:field": "other fields",
          "prov:wasDerivedFrom": "sources", "schema:identifier": "identifiers",
          "schema:sameAs": "identifiers", "schema:about": "categories",
          "skos:editorialNote": "notes", "rdf:type": "kind"}
NODES = {"author": "authors", "code": "links", "source": "sources", "field": "other fields",
         "arxiv": "identifiers", "doi": "identifiers"}
LABELS = {"schema:name": "title", "schema:description": "one-liner",
          "skg:coreInnovation": "core innovation", "schema:abstract": "abstract",
          "skg:affiliations": "affiliations", "skg:releaseNote": "release note",
          "schema:datePublished": "date", "skg:venue": "venue", "schema:version": "version",
          "skg:model": "model"}
KEPT = ("kind", "identifiers")  # the same for the same arXiv ID or slug: the survey's stay
JOINED = ("categories", "notes")


def field_of(triple: ox.Triple, me: ox.NamedNode) -> str:
    """The field of a work a triple of its file belongs to, as --update replaces and reports
    them: "title@en", "authors" (with the authorship nodes), "key points@zh", "links" (with
    the code nodes)..."""
    if triple.subject != me:
        local = triple.subject.value[len(me.value) + 1:]
        if local.startswith("key-point-"):
            return "key points@" + local.split("-")[2]
        return NODES.get(local.rsplit("-", 1)[0] if local[-1:].isdigit() else local, local)
    predicate = curie(triple.predicate.value)
    if predicate == "skg:keyPoint":
        return "key points@" + triple.object.value[len(me.value) + 1:].split("-")[2]
    if triple.predicate in LINKS:
        return "links"
    if predicate in GROUPS:
        return GROUPS[predicate]
    label = LABELS.get(predicate, predicate)
    language = triple.object.language if isinstance(triple.object, ox.Literal) else None
    return f"{label}@{language}" if language else label


def _by_field(triples, me) -> dict[str, list[ox.Triple]]:
    found: dict[str, list[ox.Triple]] = {}
    for triple in triples:
        found.setdefault(field_of(triple, me), []).append(triple)
    return found


def merge_work(old: list[ox.Triple], new: list[ox.Triple], me: ox.NamedNode) -> list[ox.Triple]:
    """The work's triples after --update: each field the page gives replaces the survey's
    (a field is one language's text, or the authors, the links, one language's key points);
    the rest stay. Categories and notes are joined; the page's source records follow the
    survey's."""
    before, page = _by_field(old, me), _by_field(new, me)
    result = [t for key, group in before.items() if key not in page or key in KEPT + JOINED
              for t in group]
    for key, group in page.items():
        if key in KEPT and key in before:
            continue
        if key in JOINED:
            result += [t for t in group if t not in before.get(key, ())]
        elif key == "sources":
            result += _sources(before.get(key, []), group, me)
        else:
            result += group
    return result


def _sources(old: list[ox.Triple], new: list[ox.Triple], me: ox.NamedNode) -> list[ox.Triple]:
    """The survey's source records, then the page's not among them, numbered after them."""
    def records(triples):
        nodes: dict = {}
        for t in triples:
            if t.subject != me:
                nodes.setdefault(t.subject, {})[t.predicate.value] = t.object
        return nodes
    kept = records(old)
    seen = {tuple(sorted((k, v.value) for k, v in r.items())) for r in kept.values()}
    result, number = list(old), len(kept)
    for node, record in records(new).items():
        if tuple(sorted((k, v.value) for k, v in record.items())) in seen:
            continue
        number += 1
        renamed = ox.NamedNode(f"{me.value}/source-{number}")
        result.append(ox.Triple(me, named("prov:wasDerivedFrom"), renamed))
        result += [ox.Triple(renamed, t.predicate, t.object) for t in new if t.subject == node]
    return result


def changes(old: list[ox.Triple], new: list[ox.Triple], me: ox.NamedNode) -> list[Change]:
    """Each field whose value --update changes, old and new as a person reads them; of a list
    (authors, key points, links, categories), the items taken away and those added."""
    before, after = _by_field(old, me), _by_field(new, me)
    found = []
    for key in sorted(set(before) | set(after)):
        if key in ("sources", "notes", "kind", "identifiers"):
            continue
        was, now = _value(before.get(key, []), me), _value(after.get(key, []), me)
        if was == now:
            continue
        if isinstance(was, list) or isinstance(now, list):
            was, now = was or [], now or []
            gone, new_items = [x for x in was if x not in now], [x for x in now if x not in was]
            if gone or new_items:  # else only the order changed: both lists in full
                was, now = gone, new_items
            joint = " | " if key.startswith("key points") else ", "
            was, now = joint.join(was) or "—", joint.join(now) or "—"
        found.append(Change(key, was or "—", now or "—"))
    return found


def _value(triples: list[ox.Triple], me: ox.NamedNode) -> str | list[str]:
    """A field's value as text, or a list's items: authors by position, key points in order,
    links and categories sorted; "" for none."""
    def by_position(text_predicate: str) -> list[str]:
        nodes: dict = {}
        for t in triples:
            if t.subject != me:
                nodes.setdefault(t.subject, {})[curie(t.predicate.value)] = t.object.value
        return [n.get(text_predicate, "") for n in sorted(
            nodes.values(), key=lambda n: int(n.get("skg:position", 0)))]
    if not triples:
        return ""
    field_name = field_of(triples[0], me)
    if field_name == "authors":
        return by_position("skg:printedName")
    if field_name.startswith("key points@"):
        return by_position("skg:text")
    if field_name == "other fields":
        return " | ".join(by_position("skg:text"))
    if field_name == "links":
        return sorted(t.object.value for t in triples if t.predicate in LINKS or
                      t.predicate == named("schema:codeRepository"))
    values = sorted(curie(t.object.value) if isinstance(t.object, ox.NamedNode)
                    else t.object.value for t in triples if t.subject == me)
    return values if field_name == "categories" else ", ".join(values)


def _short(text: str) -> str:
    return text if len(text) <= SHORT else text[:SHORT - 1] + "…"


# ------------------------------------------------------------------------------ writing

def _write(files: dict[Path, list[ox.Triple]]) -> list[Path]:
    """Each file as the importer writes it (importer.files_of), staged, then all put in place:
    a failure leaves every file as it was."""
    texts = [(path, files_of(triples)[0][1])  # one file each: a work's, or people.ttl
             for path, triples in sorted(files.items())]
    return commit_all(stage_files([(path, lambda handle, text=text: handle.write(text))
                                   for path, text in texts], keep_if_same=True))
