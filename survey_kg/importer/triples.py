"""Works and categories → triples, in the survey's vocabulary (ontology/survey-kg.ttl).

A work is described the way schema.org consumers read it (name, ordered authors, date,
identifiers, links, what it is about) with the survey's own fields beside (one-liner, core
innovation, key points). Every triple of a work and of the nodes named under its IRI
(`<work>/author-1`, `/key-point-en-1`, `/arxiv`, `/doi`, `/code-1`, `/source-1`) belongs to the
work's file; people, venues and categories to their own files (`split`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..paths import PREFIXES
from ..rdf import RDF_TYPE, named, select
from .pages import Finding, language_of
from .works import Published, Work, close_match, is_organization, slug

XSD = PREFIXES["xsd"]
LINK_PROPERTIES = {"paper": "schema:url", "pdf": "skg:pdf", "project_page": "skg:projectPage",
                   "model_page": "skg:modelPage", "technical_report": "skg:technicalReport",
                   "product_page": "skg:productPage", "blog": "skg:blogPost",
                   "dataset": "skg:dataset", "demo": "skg:demo", "other": "rdfs:seeAlso"}
TEXTS = {"one_liner": "schema:description", "core_innovation": "skg:coreInnovation",
         "abstract": "schema:abstract", "affiliations": "skg:affiliations"}


def iri(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES[prefix] + local)


def text(value: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(value, language=lang or language_of(value))


def integer(number: int) -> ox.Literal:
    return ox.Literal(str(number), datatype=ox.NamedNode(XSD + "integer"))


def work_iri(work: Work) -> ox.NamedNode:
    return iri("paper", work.arxiv) if work.arxiv else iri("work", work.key)


@dataclass
class Venues:
    """The venues a survey knows (data/venues.ttl), found by acronym, name or alias."""
    by_alias: dict[str, ox.NamedNode] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)

    QUERY = f"""PREFIX skg: <{PREFIXES['skg']}> PREFIX schema: <{PREFIXES['schema']}>
    SELECT ?venue ?name WHERE {{ ?venue a skg:Venue .
        {{ ?venue skg:acronym ?name }} UNION {{ ?venue skg:alias ?name }}
        UNION {{ ?venue schema:name ?name }} }}"""

    @classmethod
    def of(cls, store: ox.Store | None) -> "Venues":
        venues = cls()
        for venue, name in select(store, cls.QUERY)[1] if store is not None else ():
            venues.by_alias.setdefault(_fold(name.value), venue)
            venues.names.append(name.value)
        return venues

    def find(self, name: str) -> ox.NamedNode | None:
        return self.by_alias.get(_fold(name))


def _fold(name: str) -> str:
    return "".join(c for c in name.casefold() if c.isalnum())


@dataclass
class Triples:
    """The triples of an import, and the people and new venues it found."""
    triples: list[ox.Triple] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    people: dict[str, tuple[ox.NamedNode, Counter, bool]] = field(default_factory=dict)
    venues: dict[str, ox.NamedNode] = field(default_factory=dict)  # new venues, by name

    def add(self, s, p: str, o) -> None:
        self.triples.append(ox.Triple(s, named(p), o))


WORK_TYPE = named("schema:CreativeWork")


def _owner(subject: str, works: set[str]) -> str | None:
    """The work `subject` is, or is named under (`<work>/author-1`): the longest such IRI."""
    candidate = subject
    while candidate not in works:
        cut = candidate.rfind("/")
        if cut <= 0:
            return None
        candidate = candidate[:cut]
    return candidate


def split(triples) -> dict[str, list[ox.Triple]]:
    """The triples by the file of data/ they belong in: a work and every node named under its
    IRI in works/<ID>.ttl, people and organizations in people.ttl, venues in venues.ttl,
    categories in categories.ttl, the rest in dataset.ttl."""
    triples = list(triples)
    works = {t.subject.value for t in triples if t.predicate == RDF_TYPE
             and t.object == WORK_TYPE}
    files: dict[str, list[ox.Triple]] = {}
    for triple in triples:
        subject = triple.subject.value
        owner = _owner(subject, works)
        if owner is not None:
            local = owner.split("/paper/", 1)[-1] if "/paper/" in owner else \
                owner.rsplit("/", 1)[-1]
            name = f"works/{local.replace('/', '_')}.ttl"
        elif subject.startswith((PREFIXES["person"], PREFIXES["org"])):
            name = "people.ttl"
        elif subject.startswith(PREFIXES["venue"]):
            name = "venues.ttl"
        elif subject.startswith(PREFIXES["category"]):
            name = "categories.ttl"
        else:
            name = "dataset.ttl"
        files.setdefault(name, []).append(triple)
    return files


def work_triples(out: Triples, work: Work, known: Venues, category_iris: dict[str, ox.NamedNode]):
    """Every triple of one work; its people and new venues are collected."""
    me = work_iri(work)
    add = out.add

    add(me, "rdf:type", named("schema:CreativeWork"))
    add(me, "rdf:type", named("schema:ScholarlyArticle" if work.kind == "paper"
                              else "schema:SoftwareApplication"))
    for lang, title in sorted(work.titles.items()):
        add(me, "schema:name", text(title.value, lang))
    for (field_name, lang), value in sorted(work.texts.items()):
        add(me, TEXTS[field_name], text(value.value, lang))
    if work.arxiv:
        for kind, label, value in (("arxiv", "arXiv", work.arxiv),
                                   ("doi", "DOI", f"10.48550/arXiv.{work.arxiv}")):
            node = ox.NamedNode(f"{me.value}/{kind}")
            add(me, "schema:identifier", node)
            add(node, "rdf:type", named("schema:PropertyValue"))
            add(node, "schema:propertyID", ox.Literal(label))
            add(node, "schema:value", ox.Literal(value))
        add(me, "schema:sameAs", ox.NamedNode(f"https://arxiv.org/abs/{work.arxiv}"))
        add(me, "schema:sameAs", ox.NamedNode(f"https://doi.org/10.48550/arXiv.{work.arxiv}"))
    if work.version:
        add(me, "schema:version", ox.Literal(work.version.value))
    if work.model:
        add(me, "skg:model", ox.Literal(work.model.value))
    if work.authors:
        names, truncated = work.authors.value
        for position, printed in enumerate(names, 1):
            person = _person(out, printed)
            node = ox.NamedNode(f"{me.value}/author-{position}")
            add(me, "schema:author", person)
            add(me, "skg:authorship", node)
            add(node, "rdf:type", named("skg:Authorship"))
            add(node, "skg:position", integer(position))
            add(node, "skg:author", person)
            add(node, "skg:printedName", ox.Literal(printed))
        if truncated:
            work.notes.append(f"The survey's author list stops with 'et al.' after {len(names)} "
                              "author(s).")
    if work.published:
        _published(out, add, me, work, known)
    for category in work.categories:
        add(me, "schema:about", category_iris[category])
    for lang, points in sorted(work.key_points.items()):
        for position, point in enumerate(points.value, 1):
            node = ox.NamedNode(f"{me.value}/key-point-{lang}-{position}")
            add(me, "skg:keyPoint", node)
            add(node, "rdf:type", named("skg:KeyPoint"))
            add(node, "skg:position", integer(position))
            add(node, "skg:text", text(point, lang))
    codes = 0
    for (kind, url), label in work.links.items():
        target = ox.NamedNode(url)
        if kind == "code":
            codes += 1
            code = ox.NamedNode(f"{me.value}/code-{codes}")
            add(code, "rdf:type", named("schema:SoftwareSourceCode"))
            add(code, "schema:codeRepository", target)
            add(code, "schema:isBasedOn", me)
        else:
            add(me, LINK_PROPERTIES[kind], target)
    for position, (label, lang, value) in enumerate(work.unknown, 1):
        node = ox.NamedNode(f"{me.value}/field-{position}")
        add(me, "skg:field", node)
        add(node, "rdf:type", named("skg:Field"))
        add(node, "skg:label", ox.Literal(label))
        add(node, "skg:text", text(value.value, lang))
    for position, (file, line) in enumerate(work.sources, 1):
        node = ox.NamedNode(f"{me.value}/source-{position}")
        add(me, "prov:wasDerivedFrom", node)
        add(node, "rdf:type", named("prov:Entity"))
        add(node, "skg:sourceFile", ox.Literal(file))
        add(node, "skg:sourceLine", integer(line))
    for note in work.notes:
        add(me, "skos:editorialNote", text(note, "en"))


def _person(out: Triples, printed: str) -> ox.NamedNode:
    key = slug(printed)
    found = out.people.get(key)
    if found is None:
        organization = is_organization(printed)
        node = iri("org" if organization else "person", key)
        out.people[key] = found = (node, Counter(), organization)
    found[1][printed] += 1
    return found[0]


def _published(out: Triples, add, me, work: Work, known: Venues) -> None:
    published: Published = work.published.value
    date = published.date
    if date and date.startswith("-") and published.year:  # a month without its year
        date = f"{published.year}{date}"
    if date and len(date) == 10:
        add(me, "schema:datePublished", ox.Literal(date, datatype=ox.NamedNode(XSD + "date")))
    elif date and len(date) == 7:
        add(me, "schema:datePublished", ox.Literal(date,
                                                   datatype=ox.NamedNode(XSD + "gYearMonth")))
    elif published.year:
        add(me, "schema:datePublished", ox.Literal(str(published.year),
                                                   datatype=ox.NamedNode(XSD + "gYear")))
    if published.note:
        add(me, "skg:releaseNote", text(published.note))
    if published.venue is None:
        return
    venue = known.find(published.venue) or out.venues.get(published.venue)
    if venue is None:
        venue = out.venues[published.venue] = iri("venue", slug(published.venue))
        guess = close_match(published.venue, known.names)
        out.findings.append(Finding(
            "warning", "unknown-venue", f"unknown venue '{published.venue}': added as "
            f"venue:{slug(published.venue)}", work.published.file, work.published.line,
            work.key, "published in",
            hint=f"did you mean {guess}? If so, correct the page" if guess else
            "describe it in data/venues.ttl (acronym, full name, kind), or add the spelling as "
            "an skg:alias of the venue it is"))
    add(me, "skg:venue", venue)


def people_triples(out: Triples) -> None:
    """A person's or organization's name is the spelling the pages print most often; of
    equally frequent ones, the one with the most capitals, then the first in code point
    order (so the choice never depends on the order of the pages)."""
    for node, printed, organization in sorted(out.people.values(), key=lambda p: p[0].value):
        out.add(node, "rdf:type",
                named("schema:Organization" if organization else "schema:Person"))
        name = min(printed, key=lambda n: (-printed[n], -sum(c.isupper() for c in n), n))
        out.add(node, "schema:name", ox.Literal(name))


def venue_triples(out: Triples) -> None:
    for name, node in sorted(out.venues.items()):
        out.add(node, "rdf:type", named("skg:Venue"))
        out.add(node, "skg:acronym", ox.Literal(name))
