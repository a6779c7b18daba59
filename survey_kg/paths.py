"""Where things are: the project's namespaces, the files shipped with survey-kg, the survey."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

BASE = "https://w3id.org/survey-kg/"
PREFIXES = {
    "skg": BASE + "ontology#",
    "paper": BASE + "paper/",
    "work": BASE + "work/",
    "org": BASE + "organization/",
    "person": BASE + "person/",
    "venue": BASE + "venue/",
    "category": BASE + "category/",
    "source": BASE + "source/",
    "dataset": BASE + "dataset/",
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
}
SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def iri(curie: str) -> str:
    """The IRI of a prefixed name of the project's prefixes ("skg:oneLiner"); other text as is."""
    prefix, sep, local = curie.partition(":")
    return PREFIXES[prefix] + local if sep and prefix in PREFIXES else curie


def curie(value: str) -> str:
    """The shortest prefixed name for an IRI, or the IRI in angle brackets."""
    best = None
    for prefix, namespace in PREFIXES.items():
        if value.startswith(namespace) and (best is None or len(namespace) > len(PREFIXES[best])):
            best = prefix
    return f"{best}:{value[len(PREFIXES[best]):]}" if best else f"<{value}>"


PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """A top-level folder shipped with survey-kg ('ontology', 'queries' or 'data'): inside an
    installed wheel, else at the top of the source checkout."""
    installed = PACKAGE / "_bundled" / name
    return installed if installed.is_dir() else PACKAGE.parent / name


def ontology_file() -> Path:
    return bundled("ontology") / "survey-kg.ttl"


def shapes_file() -> Path:
    return bundled("ontology") / "shapes.ttl"


def context_file() -> Path:
    return bundled("ontology") / "context.jsonld"


def templates_dir() -> Path:
    return PACKAGE / "templates"


@dataclass(frozen=True)
class Survey:
    """A survey laid out like this repository: data/, optional queries/, and its pages (root
    pages README.md and README_zh.md, a folder per section) in survey/, or beside data/ when
    there is no survey/ folder (a survey repository that is only the survey)."""

    root: Path

    @property
    def pages(self) -> Path:
        inside = self.root / "survey"
        return inside if inside.is_dir() else self.root

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def shipped(self) -> bool:
        """Whether this is the survey inside an installed package (never written into)."""
        return self.root.resolve() == (PACKAGE / "_bundled").resolve()

    def readme(self, lang: str) -> Path:
        return self.pages / ("README.md" if lang == "en" else f"README_{lang}.md")

    def writable(self) -> "Survey":
        """The survey, to write into; InputError for the one inside an installed package."""
        if self.shipped:
            raise InputError("this is the survey shipped inside the installed package, which "
                             "survey-kg never writes into", file=self.root,
                             hint="copy its data/ folder into a folder of your own and give "
                                  "that with --root")
        return self

    def dist(self) -> Path:
        return self.writable().root / "dist"


def is_survey_root(path: Path) -> bool:
    return (path / "data").is_dir() and any((path / "data").rglob("*.ttl"))


def survey_here(explicit: Path | str | None = None,
                start: Path | str | None = None) -> Survey | None:
    """The survey at `explicit` (or $SURVEY_KG_ROOT), else the nearest folder at or above
    `start` (default: the current directory) holding data/ with Turtle files, else None.
    Raises InputError when `explicit` is not a survey."""
    explicit = explicit or os.environ.get("SURVEY_KG_ROOT")
    if explicit:
        root = Path(explicit).resolve()
        if not is_survey_root(root):
            raise InputError("no survey here: expected a data/ folder with Turtle files", file=root,
                             hint="give the folder that holds data/, or leave --root out")
        return Survey(root)
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_survey_root(folder):
            return Survey(folder)
    return None


def bundled_survey() -> Survey:
    """The survey shipped with survey-kg: its data inside an installed wheel, or the data/ of
    the source checkout an editable install runs from. Read it; never write into it."""
    return Survey(bundled("data").parent)


def find_survey(explicit: Path | str | None = None, start: Path | str | None = None) -> Survey:
    """`survey_here(explicit, start)`, else the survey shipped with the package."""
    return survey_here(explicit, start) or bundled_survey()
