"""The dataset description (dist/void.ttl) as a data catalogue reads it (DCAT-AP, VoID), checked
by SPARQL on the file: every other file of the dump a complete dcat:Distribution whose size and
SHA-256 are the file's; the dataset's curated facts; class and property partitions whose counts
equal counts made here from survey.nt; the period its works cover. On the small survey."""

import hashlib
import shutil
from collections import Counter

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph

import survey_kg
from survey_kg.cli import main
from survey_kg.dump import write_dump
from survey_kg.dump.void import DUMP_BASE, MEDIA_TYPE_BASE
from survey_kg.load import load, turtle_files
from survey_kg.paths import SPARQL_PREFIXES, iri

from .conftest import SMALL

PREFIXES = SPARQL_PREFIXES + "PREFIX spdx: <http://spdx.org/rdf/terms#>\n"
DESCRIBED = ["context.jsonld", "ontology.ttl", "shapes.ttl", "survey.bib", "survey.csl.json",
             "survey.jsonld", "survey.nt", "survey.ttl"]


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dist")
    write_dump(load(turtle_files([SMALL / "data"])), folder)
    return folder


def void_store(folder) -> ox.Store:
    store = ox.Store()
    store.load(path=str(folder / "void.ttl"), format=ox.RdfFormat.TURTLE)
    return store


@pytest.fixture(scope="module")
def void(dist) -> ox.Store:
    return void_store(dist)


def rows(store: ox.Store, query: str) -> list[dict]:
    solutions = store.query(PREFIXES + query)
    names = [v.value for v in solutions.variables]
    return [{name: (row[name].value if row[name] is not None else None) for name in names}
            for row in solutions]


def ask(store: ox.Store, query: str) -> bool:
    return bool(store.query(PREFIXES + query))


DISTRIBUTIONS = """
SELECT ?distribution ?access ?download ?media ?size ?algorithm ?value WHERE {
    ?dataset a void:Dataset , dcat:Dataset ; dcat:distribution ?distribution .
    ?distribution a dcat:Distribution .
    OPTIONAL { ?distribution dcat:accessURL ?access }
    OPTIONAL { ?distribution dcat:downloadURL ?download }
    OPTIONAL { ?distribution dcat:mediaType ?media }
    OPTIONAL { ?distribution dcat:byteSize ?size }
    OPTIONAL { ?distribution spdx:checksum ?checksum . ?checksum a spdx:Checksum ;
               spdx:algorithm ?algorithm ; spdx:checksumValue ?value
               FILTER (DATATYPE(?value) = xsd:hexBinary) }
} ORDER BY ?distribution"""


def distribution_problems(folder) -> list[str]:
    """What void.ttl gets wrong about the other files of `folder`: a file it does not describe
    (or describes twice), a distribution without one of its facts, a size or checksum that is
    not the file's."""
    problems = []
    found = rows(void_store(folder), DISTRIBUTIONS)
    files = sorted(p.name for p in folder.iterdir() if p.name != "void.ttl")
    named = Counter((row["download"] or "").removeprefix(DUMP_BASE) for row in found)
    if sorted(named) != files or set(named.values()) != {1}:
        problems.append(f"distributions of {sorted(named.elements())}, files {files}")
    for row in found:
        missing = [k for k, v in row.items() if v is None]
        if missing:
            problems.append(f"{row['distribution']} has no {', '.join(missing)}")
            continue
        name = row["download"].removeprefix(DUMP_BASE)
        data = (folder / name).read_bytes() if (folder / name).is_file() else b""
        if row["access"] != row["download"]:
            problems.append(f"{name}: accessURL {row['access']} is not its download URL")
        if not row["media"].startswith(MEDIA_TYPE_BASE):
            problems.append(f"{name}: media type {row['media']} is not an IANA IRI")
        if int(row["size"]) != len(data):
            problems.append(f"{name}: byteSize {row['size']}, the file has {len(data)} bytes")
        if row["algorithm"] != "http://spdx.org/rdf/terms#checksumAlgorithm_sha256":
            problems.append(f"{name}: checksum algorithm {row['algorithm']}")
        if row["value"].lower() != hashlib.sha256(data).hexdigest():
            problems.append(f"{name}: the checksum is not the file's SHA-256")
    return problems


# ------------------------------------------------------------------ distributions

def test_every_other_file_of_the_dump_is_a_complete_distribution(dist, void):
    assert sorted(p.name for p in dist.iterdir()) == sorted(DESCRIBED + ["void.ttl"])
    assert distribution_problems(dist) == []
    assert len(rows(void, DISTRIBUTIONS)) == len(DESCRIBED)
    # (a store reads xsd:nonNegativeInteger as xsd:integer: the datatype is checked as parsed)
    sizes = [t.object for t in ox.parse(path=str(dist / "void.ttl"), format=ox.RdfFormat.TURTLE)
             if t.predicate.value == iri("dcat:byteSize")]
    assert len(sizes) == len(DESCRIBED)
    assert {size.datatype.value for size in sizes} == {iri("xsd:nonNegativeInteger")}


def test_a_wrong_size_or_checksum_is_found(dist, tmp_path):
    """The check above fails when a file is not what void.ttl says."""
    folder = tmp_path / "dist"
    shutil.copytree(dist, folder)
    bib = folder / "survey.bib"
    bib.write_bytes(bib.read_bytes().replace(b"@misc", b"@MISC", 1))  # same size
    assert distribution_problems(folder) == ["survey.bib: the checksum is not the file's SHA-256"]
    (folder / "survey.nt").write_bytes(b"")
    assert "survey.nt: byteSize" in " ".join(distribution_problems(folder))
    (folder / "extra.txt").write_text("not described", encoding="utf-8")
    assert any("files" in problem for problem in distribution_problems(folder))


def test_media_types_and_data_dumps(void):
    media = {row["download"].removeprefix(DUMP_BASE): row["media"].removeprefix(MEDIA_TYPE_BASE)
             for row in rows(void, DISTRIBUTIONS)}
    assert media == {"survey.ttl": "text/turtle", "survey.nt": "application/n-triples",
                     "survey.jsonld": "application/ld+json",
                     "context.jsonld": "application/ld+json", "ontology.ttl": "text/turtle",
                     "shapes.ttl": "text/turtle", "survey.bib": "application/x-bibtex",
                     "survey.csl.json": "application/vnd.citationstyles.csl+json"}
    dumps = {row["dump"] for row in rows(void, "SELECT ?dump WHERE { ?d void:dataDump ?dump }")}
    assert dumps == {DUMP_BASE + name for name in ("survey.ttl", "survey.nt", "survey.jsonld")}
    titled = rows(void, """SELECT ?distribution (COUNT(DISTINCT LANG(?title)) AS ?languages)
        (SAMPLE(?license) AS ?licensed) WHERE {
        ?distribution a dcat:Distribution ; dcterms:title ?title .
        OPTIONAL { ?distribution dcterms:license ?license } } GROUP BY ?distribution""")
    assert len(titled) == len(DESCRIBED)
    assert all(row["languages"] == "2" and row["licensed"] for row in titled)


# ------------------------------------------------------------------ the dataset

def test_the_dataset_has_what_a_catalogue_needs(void):
    """DCAT-AP's mandatory and recommended facts: each a SPARQL pattern that must match."""
    facts = {
        "title in en and zh": "?d dcterms:title ?en , ?zh "
                              "FILTER (LANG(?en) = 'en' && LANG(?zh) = 'zh')",
        "description in en and zh": "?d dcterms:description ?en , ?zh "
                                    "FILTER (LANG(?en) = 'en' && LANG(?zh) = 'zh')",
        "publisher": "?d dcterms:publisher ?p . ?p schema:name ?name",
        "contact point": "?d dcat:contactPoint ?c . ?c vcard:fn ?fn ; vcard:hasURL ?url",
        "keywords": "?d dcat:keyword ?k FILTER (LANG(?k) = 'en')",
        "languages as IRIs": "?d dcterms:language <http://publications.europa.eu/resource/"
                             "authority/language/ENG> , <http://publications.europa.eu/resource/"
                             "authority/language/ZHO>",
        "landing page": "?d dcat:landingPage ?page FILTER isIRI(?page)",
        "license": "?d dcterms:license <http://spdx.org/licenses/MIT>",
        "rights statement": "?d dcterms:rights ?r . ?r a dcterms:RightsStatement ; rdfs:label ?l",
        "conforms to the shapes": "?d dcterms:conformsTo <https://w3id.org/survey-kg/shapes>",
        "source pinned to a commit": "?d dcterms:source ?s "
                                     "FILTER REGEX(STR(?s), '/tree/[0-9a-f]{40}$')",
        "curators as contributors": "?d dcterms:contributor ?c . ?c schema:name ?name",
        "issued and modified dates": "?d dcterms:issued ?i ; dcterms:modified ?m "
                                     "FILTER (DATATYPE(?i) = xsd:date && DATATYPE(?m) = xsd:date)",
        "version": f"?d dcat:version '{survey_kg.__version__}'",
        "temporal coverage": "?d dcterms:temporal ?t . ?t a dcterms:PeriodOfTime ; "
                             "dcat:startDate ?start ; dcat:endDate ?end",
    }
    missing = [name for name, pattern in facts.items()
               if not ask(void, f"ASK {{ ?d a dcat:Dataset , void:Dataset . {pattern} }}")]
    assert missing == []
    assert not ask(void, "ASK { ?d a dcat:Dataset ; dcterms:title ?t FILTER (LANG(?t) = 'fr') }")


def test_the_period_is_the_first_and_last_date_of_a_work(void, dist):
    dates = sorted(o.value for _, p, o in nt_triples(dist)
                   if p.value == iri("schema:datePublished"))
    assert len(dates) == 15
    found = rows(void, "SELECT ?start ?end WHERE { ?d dcterms:temporal ?t . "
                       "?t dcat:startDate ?start ; dcat:endDate ?end }")
    assert found == [{"start": dates[0], "end": dates[-1]}]


# ------------------------------------------------------------------ partitions

def nt_triples(dist) -> list[tuple]:
    return [(t.subject, t.predicate, t.object)
            for t in ox.parse(path=str(dist / "survey.nt"), format=ox.RdfFormat.N_TRIPLES)]


def test_class_partitions_count_every_class(void, dist):
    expected = Counter()
    seen = set()
    for s, p, o in nt_triples(dist):
        if p.value == iri("rdf:type") and (s, o) not in seen:
            seen.add((s, o))
            expected[o.value] += 1
    found = {row["class"]: int(row["entities"]) for row in rows(void, """
        SELECT ?class ?entities WHERE { ?d void:classPartition ?p .
            ?p void:class ?class ; void:entities ?entities }""")}
    assert found == dict(expected)
    wanted = {"schema:CreativeWork": 15, "schema:ScholarlyArticle": 12,
              "schema:SoftwareApplication": 3, "schema:Person": 134, "schema:Organization": 8,
              "skg:Venue": 5, "skos:Concept": 6, "skg:Authorship": 150, "skg:KeyPoint": 112,
              "prov:Entity": 32}
    assert {c: found[iri(c)] for c in wanted} == wanted
    classes = rows(void, "SELECT ?n WHERE { ?d a dcat:Dataset ; void:classes ?n }")
    assert classes == [{"n": str(len(expected))}]


def test_property_partitions_count_triples_subjects_and_objects(void, dist):
    triples, subjects, objects = Counter(), {}, {}
    for s, p, o in nt_triples(dist):
        triples[p.value] += 1
        subjects.setdefault(p.value, set()).add(s)
        objects.setdefault(p.value, set()).add(o)
    expected = {p: (n, len(subjects[p]), len(objects[p])) for p, n in triples.items()}
    found = {row["property"]: (int(row["t"]), int(row["s"]), int(row["o"]))
             for row in rows(void, """SELECT ?property ?t ?s ?o WHERE {
                 ?d void:propertyPartition ?p . ?p void:property ?property ; void:triples ?t ;
                 void:distinctSubjects ?s ; void:distinctObjects ?o }""")}
    assert found == expected
    assert len(found) > 50
    total = rows(void, "SELECT ?n ?k WHERE { ?d a dcat:Dataset ; void:triples ?n ; "
                       "void:properties ?k }")
    assert total == [{"n": str(sum(triples.values())), "k": str(len(triples))}]


# ------------------------------------------------------------------ how it is written

def test_void_reads_back_with_rdflib_and_names_its_nodes_under_the_dataset(dist, void):
    graph = Graph().parse(dist / "void.ttl", format="turtle")
    assert len(graph) == len(void)
    text = (dist / "void.ttl").read_text(encoding="utf-8")
    assert "\\/" not in text  # no escaped slashes: the minted nodes are :class-..., :period
    assert not ask(void, "ASK { ?s ?p ?o FILTER (isBlank(?s) || isBlank(?o)) }")


def test_void_dates_come_from_the_data_not_the_clock(small_survey):
    path = small_survey.data / "dataset.ttl"
    text = path.read_text(encoding="utf-8")
    assert 'dcterms:issued "2026-11-24"' in text
    path.write_text(text.replace('dcterms:issued "2026-11-24"', 'dcterms:issued "2001-02-03"'),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(small_survey.root), "export"])
    assert result.exit_code == 0, result.output
    store = void_store(small_survey.root / "dist")
    assert ask(store, "ASK { ?d a dcat:Dataset ; dcterms:issued '2001-02-03'^^xsd:date }")
