"""Citations of the surveyed works: dist/survey.bib read by pybtex and dist/survey.csl.json
rendered by citeproc-py, one entry per work, written by `export --format bibtex|csl` and by
`build`; their citation keys; escaping of odd text; CITATION.cff for the dataset itself."""

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pyoxigraph as ox
import pytest
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter
from citeproc.source.json import CiteProcJSON
from click.testing import CliRunner
from pybtex.database import parse_string

import survey_kg
from survey_kg.cli import main
from survey_kg.dump import citations, write_dump
from survey_kg.errors import InputError
from survey_kg.load import load, turtle_files
from survey_kg.paths import PREFIXES

from .conftest import ROOT, SMALL

PAPER, WORK = PREFIXES["paper"], PREFIXES["work"]


@pytest.fixture(scope="module")
def small_store() -> ox.Store:
    return load(turtle_files([SMALL / "data"]))


@pytest.fixture(scope="module")
def dist(tmp_path_factory, small_store) -> Path:
    folder = tmp_path_factory.mktemp("dist")
    write_dump(small_store, folder)
    return folder


@pytest.fixture(scope="module")
def bib(dist):
    return parse_string((dist / "survey.bib").read_text(encoding="utf-8"), "bibtex")


@pytest.fixture(scope="module")
def csl(dist) -> list[dict]:
    return json.loads((dist / "survey.csl.json").read_text(encoding="utf-8"))


def works_in(store: ox.Store) -> dict[str, dict]:
    """Each work of the store: its kind, arXiv ID and printed author names in order (read here
    with a query of the test's own, not the one the citations come from)."""
    found: dict[str, dict] = {}
    for row in store.query("""
        PREFIX schema: <https://schema.org/> PREFIX skg: <https://w3id.org/survey-kg/ontology#>
        SELECT ?work ?product ?arxiv ?position ?name WHERE {
            ?work a schema:CreativeWork .
            OPTIONAL { ?work a schema:SoftwareApplication BIND (true AS ?product) }
            OPTIONAL { ?work schema:identifier [ schema:propertyID "arXiv" ; schema:value ?arxiv ] }
            ?work skg:authorship [ skg:position ?position ; skg:printedName ?name ] }
        ORDER BY ?work ?position"""):
        work = found.setdefault(row["work"].value, {
            "product": row["product"] is not None,
            "arxiv": row["arxiv"].value if row["arxiv"] else None, "authors": []})
        work["authors"].append(row["name"].value)
    return found


# ------------------------------------------------------------------ BibTeX

def test_survey_bib_has_one_entry_per_work_with_title_authors_and_year(bib, small_store):
    works = works_in(small_store)
    assert len(works) == 15
    assert len(bib.entries) == len(works)
    for key, entry in bib.entries.items():
        assert entry.fields["title"], key
        assert entry.persons["author"], key
        assert len(entry.fields["year"]) == 4 and entry.fields["year"].isdigit(), key


def test_bibtex_entries_say_where_a_work_is_found(bib, small_store):
    """Papers on arXiv have eprint, archivePrefix and the arXiv DOI; products a @misc with
    howpublished and url; a conference paper is @inproceedings with its booktitle."""
    works = works_in(small_store)
    by_eprint = {e.fields.get("eprint"): e for e in bib.entries.values()}
    products = [e for e in bib.entries.values() if "eprint" not in e.fields]
    assert len(products) == sum(w["product"] for w in works.values()) == 3
    for work in works.values():
        if work["arxiv"]:
            entry = by_eprint[work["arxiv"]]
            assert entry.fields["archivePrefix"] == "arXiv"
            assert entry.fields["doi"] == f"10.48550/arXiv.{work['arxiv']}"
            assert entry.fields["url"] == f"https://arxiv.org/abs/{work['arxiv']}"
    for entry in products:
        assert entry.type == "misc"
        assert entry.fields["howpublished"] == "\\url{" + entry.fields["url"] + "}"
        assert entry.fields["url"].startswith("https://")
    actionformer = by_eprint["2202.07925"]
    assert actionformer.type == "inproceedings"
    assert actionformer.fields["booktitle"] == "European Conference on Computer Vision"


def test_bibtex_authors_are_the_printed_names_in_order(bib, small_store):
    """Entries come in the order of the works' IRIs, as the test's query lists them."""
    works = works_in(small_store)
    for (key, entry), work in zip(bib.entries.items(), works.values(), strict=True):
        assert entry.fields.get("eprint") == work["arxiv"], key
        names = [" ".join(person.first_names + person.middle_names + person.prelast_names +
                          person.last_names) for person in entry.persons["author"]]
        assert [n.strip("{}") for n in names] == work["authors"], key


def test_citation_keys_are_dblp_like_and_unique(bib):
    keys = list(bib.entries)
    assert len(set(keys)) == len(keys)
    assert "ZhangWL22" in keys  # ActionFormer: Zhang, Wu, Li, 2022
    assert "OpenAIResearchTeam24" in keys  # an organization: its whole name
    assert all(key.isascii() and key.isalnum() for key in keys)


def key_work(number: int, names: list[str], year: str = "2023") -> citations.Work:
    """A work as `citation_keys` reads it: authors' printed names and a year."""
    row = {"year": ox.Literal(year), "work": ox.NamedNode(f"{PAPER}2401.{number:05d}")}
    authors = [{"name": ox.Literal(name), "organization": None} for name in names]
    return citations.Work("", row, authors)


def test_citation_keys_tell_works_apart_and_stay_when_a_work_is_added():
    poole = key_work(1, ["Ben Poole", "Ajay Jain", "Jonathan T. Barron", "Ben Mildenhall", "X Y"])
    other = key_work(2, ["Bo Poole", "Ann Jones", "J. Brown", "M. Miller"])
    muller = key_work(3, ["Jonas Müller", "Tomasz Kępa"], "2024")
    assert citations.citation_keys([poole, other, muller]) == ["PooleJBM23", "PooleJBM23b",
                                                                "MullerK24"]
    later = key_work(4, ["Bill Poole", "A. Jo", "B. Bo", "C. Mo"])
    assert citations.citation_keys([poole, other, muller, later]) == [
        "PooleJBM23", "PooleJBM23b", "MullerK24", "PooleJBM23c"]
    # a base key that is another's lettered key (a name with digits and no year) is lettered on
    assert citations.citation_keys([key_work(5, ["Al Lee"]), key_work(6, ["Bo Lee"]),
                                    key_work(7, ["Lee23b"], "")]) == ["Lee23", "Lee23b",
                                                                       "Lee23bb"]
    assert citations.base_key(key_work(8, [], "")) == "Anonymous"


# ------------------------------------------------------------------ CSL-JSON

def test_survey_csl_json_renders_one_entry_per_work(csl, bib):
    assert len(csl) == 15
    assert [item["id"] for item in csl] == list(bib.entries)  # the same keys, the same order
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(csl), formatter.plain)
    for item in csl:
        bibliography.register(Citation([CitationItem(item["id"])]))
    entries = [str(entry) for entry in bibliography.bibliography()]
    assert len(entries) == len(csl)
    for item in csl:
        assert any(item["title"] in entry for entry in entries), item["id"]
    assert any(entry.startswith("OpenAI Research Team (2024)") for entry in entries)


def test_csl_items_have_type_names_and_dates(csl, bib):
    types = {item["id"]: item["type"] for item in csl}
    assert types["ZhangWL22"] == "paper-conference"
    assert types["OpenAIResearchTeam24"] == "software"
    assert set(types.values()) <= {"paper-conference", "article-journal", "article", "software"}
    for item in csl:
        entry = bib.entries[item["id"]]
        assert item["issued"]["date-parts"][0][0] == int(entry.fields["year"])
        assert len(item["author"]) == len(entry.persons["author"])
        for name in item["author"]:
            assert set(name) in ({"family", "given"}, {"literal"}), name
        if "eprint" in entry.fields:
            assert item["DOI"] == entry.fields["doi"]
            assert item["archive_location"] == entry.fields["eprint"]
    zhang = next(item for item in csl if item["id"] == "ZhangWL22")
    assert zhang["author"][0] == {"family": "Zhang", "given": "Chenlin"}
    assert zhang["container-title"] == "European Conference on Computer Vision"


# ------------------------------------------------------------------ odd text

ODD = """
@prefix schema: <https://schema.org/> . @prefix skg: <https://w3id.org/survey-kg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/survey-kg/work/odd> a schema:CreativeWork , schema:SoftwareApplication ;
    schema:name "Braces {x} 100% & #1 $5 a_b ~ ^ back\\\\slash \\"quoted\\" 中文"@en ;
    schema:datePublished "2024-03-09"^^xsd:date ;
    skg:productPage <https://example.org/a%20b?c=1#frag> ;
    skg:authorship <odd/author-1> , <odd/author-2> , <odd/author-3> , <odd/author-4> .
<odd/author-1> skg:position 1 ; skg:printedName "Çağlar Ünlü" .
<odd/author-2> skg:position 2 ; skg:printedName "Ben and Jerry Smith" .
<odd/author-3> skg:position 3 ; skg:printedName "Linus" .
<odd/author-4> skg:position 4 ; skg:printedName "Q Team / Group" ;
    skg:author <https://w3id.org/survey-kg/organization/q> .
<https://w3id.org/survey-kg/organization/q> a schema:Organization .
"""


def odd_store(text: str = ODD) -> ox.Store:
    store = ox.Store()
    store.load(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=WORK)
    return store


def test_odd_text_is_escaped_for_bibtex_and_json():
    listed = citations.works(odd_store())
    bib = parse_string(citations.render(listed, "bibtex"), "bibtex")
    (key, entry), = bib.entries.items()
    assert key == "UnluSLQ24"
    title = entry.fields["title"]
    assert title.count("{") - title.count("\\{") == title.count("}") - title.count("\\}")
    for special in ("\\{x\\}", "100\\%", "\\&", "\\#1", "\\$5", "a\\_b", "\\~{}", "\\^{}",
                    "back\\textbackslash{}slash", '"quoted"', "中文"):
        assert special in title, special
    assert entry.fields["month"] == "March"  # the macro mar, as pybtex expands it
    people = entry.persons["author"]
    assert [str(p) for p in people] == ["Ünlü, Çağlar", "{Ben and Jerry Smith}", "Linus",
                                        "{Q Team / Group}"]
    assert entry.fields["url"] == "https://example.org/a%20b?c=1#frag"
    item, = json.loads(citations.render(listed, "csl"))
    assert item["title"] == 'Braces {x} 100% & #1 $5 a_b ~ ^ back\\slash "quoted" 中文'
    assert item["author"] == [{"family": "Ünlü", "given": "Çağlar"},
                              {"family": "Smith", "given": "Ben and Jerry"},
                              {"literal": "Linus"}, {"literal": "Q Team / Group"}]
    assert item["issued"] == {"date-parts": [[2024, 3, 9]]}


def test_a_link_that_is_not_http_is_refused():
    store = odd_store(ODD.replace("<https://example.org/a%20b?c=1#frag>", "<ftp://example.org/x>"))
    with pytest.raises(InputError, match="not an http"):
        citations.render(citations.works(store), "bibtex")


def test_a_graph_without_works_gives_empty_citations():
    store = odd_store("<https://example.org/x> <https://example.org/p> 1 .")
    listed = citations.works(store)
    assert listed == []
    assert parse_string(citations.render(listed, "bibtex"), "bibtex").entries == {}
    assert json.loads(citations.render(listed, "csl")) == []


def test_a_value_printed_without_a_filter_is_an_error(tmp_path, monkeypatch):
    folder = tmp_path / "templates"
    shutil.copytree(Path(citations.__file__).parent.parent / "templates", folder)
    (folder / "survey.bib.j2").write_text("<% for work in works %><< work.row.title >><% endfor %>",
                                          encoding="utf-8")
    monkeypatch.setattr(citations, "templates_dir", lambda: folder)
    citations.environment.cache_clear()
    try:
        with pytest.raises(InputError, match="without an escaping filter"):
            citations.render(citations.works(odd_store()), "bibtex")
    finally:
        citations.environment.cache_clear()


# ------------------------------------------------------------------ the commands

def test_export_and_build_write_the_same_citations(small_survey, tmp_path):
    root = str(small_survey.root)
    for fmt, name in (("bibtex", "survey.bib"), ("csl", "survey.csl.json")):
        result = CliRunner().invoke(main, ["--root", root, "export", "--format", fmt,
                                           "--out", str(tmp_path / fmt)])
        assert result.exit_code == 0, result.output
        assert [p.name for p in (tmp_path / fmt).iterdir()] == [name]
    built = CliRunner().invoke(main, ["--root", root, "build"])
    assert built.exit_code == 0, built.output
    for fmt, name in (("bibtex", "survey.bib"), ("csl", "survey.csl.json")):
        assert (small_survey.root / "dist" / name).read_bytes() == \
            (tmp_path / fmt / name).read_bytes(), name


def test_citations_are_deterministic(small_store):
    first = [citations.render(citations.works(small_store), fmt) for fmt in ("bibtex", "csl")]
    again = load(list(reversed(turtle_files([SMALL / "data"]))))
    assert [citations.render(citations.works(again), fmt) for fmt in ("bibtex", "csl")] == first


# ------------------------------------------------------------------ CITATION.cff

CFF = ROOT / "CITATION.cff"


def test_citation_cff_is_valid():
    cffconvert = Path(sys.executable).parent / "cffconvert"
    result = subprocess.run([str(cffconvert), "--validate", "-i", str(CFF)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in (result.stdout + result.stderr).lower()


def test_citation_cff_says_what_the_dataset_description_says():
    import yaml

    cff = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    dataset = load([ROOT / "data" / "dataset.ttl"])
    (title, issued, license_), = [tuple(term.value for term in row) for row in dataset.query("""
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?title ?issued ?license WHERE { ?d dcterms:title ?title ; dcterms:issued ?issued ;
            dcterms:license ?license FILTER (LANG(?title) = "en") }""")]
    assert cff["title"] == title
    assert str(cff["date-released"]) == issued
    assert license_ == "http://spdx.org/licenses/" + cff["license"]
    assert cff["type"] == "dataset"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert cff["version"] == project["project"]["version"] == survey_kg.__version__


def test_cffconvert_refuses_an_invalid_citation_file(tmp_path):
    """The validation above can fail: a file of an unknown type is refused."""
    bad = tmp_path / "CITATION.cff"
    text = CFF.read_text(encoding="utf-8").replace("type: dataset", "type: database")
    bad.write_text(text, encoding="utf-8")
    cffconvert = Path(sys.executable).parent / "cffconvert"
    result = subprocess.run([str(cffconvert), "--validate", "-i", str(bad)],
                            capture_output=True, text=True)
    assert result.returncode != 0
