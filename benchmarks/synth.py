"""A synthetic survey of any size, cloned from a real one, for benchmarks and scale tests.

`write_survey(folder, n_works, seed)` writes a survey that `survey-kg build --root folder` runs on:

    folder/data/works/<arXiv ID or slug>.ttl   one file per work, as in data/
    folder/data/people.ttl                     the authors of those works
    folder/data/venues.ttl, categories.ttl, dataset.ttl    the source's, as they are
    folder/survey/...                          the page tree: the source's pages with their
                                               generated sections emptied (markers kept)

The works are the source survey's (default: this repository's data/, 557 works), in an order
shuffled by `random.Random(seed)`. Work i is a copy of the source's work order[i % n], copy
number i // n: copy 0 is the real work as it is (so a survey of n works or fewer is a part of
the real one), and copy c >= 1 is the same work with a fresh identity, so that it validates
beside the others and the pages, dumps and author index grow as a real survey would:

- a fresh arXiv ID with the same YYMM and as many digits (so it fits the year), used by no
  other work; its IRI, DOI and arXiv links follow. A work without an arXiv ID gets `<slug>-<tag>`;
- a fresh title (`<Tag>-<title>`) and fresh people: every author or organization of copy c is
  `<IRI>-<tag>`, named `<name> <Tag>` (printed names too), so copies co-author as the real
  people do and the survey has as many people per work as the real one;
- its long texts (one-liner, core innovation, abstract, key points) end with ` [<Tag>]`, so no
  two works share a text (the copy-paste rules).

`<Tag>` is the copy number in syllables (1: Ka, 2: Lo, ...). Everything else (categories, venues,
dates, links to code, the page lines each fact was read from) is the real work's. The same
(n_works, seed, source) gives byte-identical files; GENERATOR_VERSION changes whenever that
output changes, and caches are keyed on it.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from survey_kg.paths import PREFIXES, Survey
from survey_kg.rdf import turtle
from survey_kg.render.pages import page_parts

REPO = Path(__file__).resolve().parent.parent
GENERATOR_VERSION = 3

SCHEMA, SKG = PREFIXES["schema"], PREFIXES["skg"]
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
WORK_TYPE = ox.NamedNode(SCHEMA + "CreativeWork")
NAME = ox.NamedNode(SCHEMA + "name")
VALUE = ox.NamedNode(SCHEMA + "value")
PRINTED_NAME = ox.NamedNode(SKG + "printedName")
NAMES = {NAME, ox.NamedNode(PREFIXES["foaf"] + "name")}
TEXTS = {ox.NamedNode(SCHEMA + "description"), ox.NamedNode(SKG + "coreInnovation"),
         ox.NamedNode(SCHEMA + "abstract"), ox.NamedNode(SKG + "text")}
AGENTS = (PREFIXES["person"], PREFIXES["org"])
ARXIV_ID = re.compile(r"^(?P<yymm>\d{4})\.(?P<number>\d{4,5})$")
SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "do", "fa", "gu", "ha", "je",
             "pi", "wo")


def tag(copy: int) -> str:
    """The copy number in syllables, bijectively (1: ka, 16: wo, 17: kaka, ...)."""
    out = []
    while copy > 0:
        copy, digit = divmod(copy - 1, len(SYLLABLES))
        out.append(SYLLABLES[digit])
    return "".join(reversed(out))


@dataclass
class SourceWork:
    iri: str
    arxiv: str | None
    triples: list[ox.Triple]


@dataclass
class Synthetic:
    """What was written: the works' IRIs in order, the source work each copies, their arXiv
    IDs, and the people's IRIs."""
    works: list[str]
    sources: list[str]
    arxiv_ids: list[str]
    people: list[str]


def read_source(source: Path) -> tuple[list[SourceWork], dict[str, list[ox.Triple]]]:
    """The source survey's works (sorted by file name) and its people and organizations."""
    works = []
    for path in sorted((source / "data" / "works").glob("*.ttl")):
        triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        iri = next(t.subject.value for t in triples
                   if t.predicate == RDF_TYPE and t.object == WORK_TYPE)
        arxiv = next((t.object.value for t in triples if t.predicate == VALUE
                      and t.subject.value == iri + "/arxiv"), None)
        works.append(SourceWork(iri, arxiv, triples))
    agents: dict[str, list[ox.Triple]] = {}
    for t in ox.parse(path=str(source / "data" / "people.ttl"), format=ox.RdfFormat.TURTLE):
        agents.setdefault(t.subject.value, []).append(t)
    return works, agents


class _Ids:
    """Fresh arXiv IDs: per YYMM, the highest numbers of its digit count that no work has."""

    def __init__(self, taken):
        self.taken = set(taken)

    def fresh(self, arxiv: str) -> str:
        m = ARXIV_ID.match(arxiv)
        if m is None:
            raise ValueError(f"cannot make a fresh arXiv ID like {arxiv!r}")
        digits = len(m["number"])
        for number in range(10 ** digits - 1, 0, -1):
            candidate = f"{m['yymm']}.{number:0{digits}d}"
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
        raise ValueError(f"no arXiv ID left for {m['yymm']}")


def _clone(work: SourceWork, copy: int, new_iri: str, new_id: str | None,
           agents: set[str]) -> list[ox.Triple]:
    """The triples of copy `copy` of `work` (see the module's docstring); the agents it names
    are added to `agents`."""
    suffix, title_tag = "-" + tag(copy), tag(copy).capitalize()

    def iri(node):
        if not isinstance(node, ox.NamedNode):
            return node
        value = node.value
        if value == work.iri or value.startswith(work.iri + "/"):
            value = new_iri + value[len(work.iri):]
        elif value.startswith(AGENTS):
            agents.add(value)
            value += suffix
        elif work.arxiv and work.arxiv in value:  # arXiv and DOI links
            value = value.replace(work.arxiv, new_id)
        return ox.NamedNode(value)

    def literal(triple):
        value = triple.object
        if not isinstance(value, ox.Literal):
            return iri(value)
        if triple.predicate == NAME and triple.subject.value == work.iri:
            return ox.Literal(f"{title_tag}-{value.value}", language=value.language)
        if triple.predicate == PRINTED_NAME:
            return ox.Literal(f"{value.value} {title_tag}", datatype=value.datatype)
        if triple.predicate in TEXTS and value.language:
            return ox.Literal(f"{value.value} [{title_tag}]", language=value.language)
        if triple.predicate == VALUE and work.arxiv and work.arxiv in value.value:
            return ox.Literal(value.value.replace(work.arxiv, new_id), datatype=value.datatype)
        return value

    return [ox.Triple(iri(t.subject), t.predicate, literal(t)) for t in work.triples]


def _agent(triples: list[ox.Triple], copy: int) -> list[ox.Triple]:
    if copy == 0:
        return triples
    suffix, name_tag = "-" + tag(copy), tag(copy).capitalize()
    return [ox.Triple(ox.NamedNode(t.subject.value + suffix), t.predicate,
                      ox.Literal(f"{t.object.value} {name_tag}", language=t.object.language,
                                 datatype=None if t.object.language else t.object.datatype)
                      if t.predicate in NAMES else t.object)
            for t in triples]


def _file_name(iri: str) -> str:
    local = iri.split("/paper/", 1)[-1] if "/paper/" in iri else iri.rsplit("/", 1)[-1]
    return f"works/{local.replace('/', '_')}.ttl"


def skeleton(text: str, file=None) -> str:
    """A page with its generated sections emptied: the hand-written text and the markers."""
    return "".join(part for part in page_parts(text, file=file) if isinstance(part, str))


def write_pages(source: Path, folder: Path) -> None:
    """The source's page tree, every page a skeleton (the build fills the sections in)."""
    pages = Survey(source).pages
    target = folder / "survey"
    for path in sorted(pages.rglob("*.md")):
        if pages == source and path.relative_to(source).parts[0] in ("data", "dist"):
            continue
        out = target / path.relative_to(pages)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(skeleton(path.read_text(encoding="utf-8"), path), encoding="utf-8")


def write_survey(folder: Path | str, n_works: int, seed: int,
                 source: Path | str = REPO) -> Synthetic:
    """Write a survey of `n_works` works cloned from `source` (a survey folder) into `folder`."""
    folder, source = Path(folder), Path(source)
    works, people = read_source(source)
    order = list(works)
    random.Random(seed).shuffle(order)
    ids = _Ids(w.arxiv for w in works if w.arxiv)
    data = folder / "data"
    (data / "works").mkdir(parents=True, exist_ok=True)
    for name in ("venues.ttl", "categories.ttl", "dataset.ttl"):
        shutil.copyfile(source / "data" / name, data / name)
    made, used = [], []  # (IRI, arXiv ID, source IRI) of each work; (agent, copy) pairs named
    taken = {w.iri for w in works}
    for index in range(n_works):
        work, copy = order[index % len(order)], index // len(order)
        if copy == 0:
            new_iri, new_id, triples = work.iri, work.arxiv, work.triples
            agents = {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)
                      and t.object.value.startswith(AGENTS)}
        else:
            new_id = ids.fresh(work.arxiv) if work.arxiv else None
            new_iri = (work.iri.replace(work.arxiv, new_id) if new_id
                       else f"{work.iri}-{tag(copy)}")
            if new_iri in taken:
                raise ValueError(f"the copy {new_iri} of {work.iri} is a work already")
            agents = set()
            triples = _clone(work, copy, new_iri, new_id, agents)
        taken.add(new_iri)
        made.append((new_iri, new_id, work.iri))
        used += [(agent, copy) for agent in sorted(agents)]
        (data / _file_name(new_iri)).write_bytes(turtle(triples, new_iri + "/"))
    agent_triples, names = [], []
    for agent, copy in sorted(set(used)):
        if agent not in people:
            raise ValueError(f"{agent} is named by a work but not in people.ttl")
        name = agent + ("-" + tag(copy) if copy else "")
        if copy and name in people:
            raise ValueError(f"the copy {name} of {agent} is another person of the survey")
        names.append(name)
        agent_triples += _agent(people[agent], copy)
    (data / "people.ttl").write_bytes(turtle(agent_triples))
    write_pages(source, folder)
    return Synthetic([m[0] for m in made], [m[2] for m in made], [m[1] for m in made if m[1]],
                     sorted(names))
