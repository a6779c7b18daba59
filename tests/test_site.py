"""The website (`survey-kg site`, survey_kg/site/), without a browser: a page per thing in both
languages with a switch that keeps the item, JSON-LD that says what the graph says, internal
links that resolve, hostile data shown as text on every page it reaches, the same bytes for the
same data, and a site put in place whole or not at all. The browser tests are in
test_site_browser.py."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from survey_kg.cli import main
from survey_kg.errors import InputError
from survey_kg.load import load, turtle_files
from survey_kg.paths import BASE, Survey
from survey_kg.site import stage_site, write_site
from survey_kg.site.html import environment, local_path
from tests.conftest import ROOT, SMALL

SCHEMA = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LANGS = ("en", "zh")

HOSTILE_TITLE = "Evil \"title\" <script>alert('title')</script> & </h1> ' onmouseover='x"
HOSTILE_NAME = "Mallory \"><script>alert('name')</script>"
HOSTILE_CATEGORY = "Evil <b>category</b> <script>alert('cat')</script>"
HOSTILE = r'''
@prefix category: <https://w3id.org/survey-kg/category/> .
@prefix paper: <https://w3id.org/survey-kg/paper/> .
@prefix person: <https://w3id.org/survey-kg/person/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix skg: <https://w3id.org/survey-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix venue: <https://w3id.org/survey-kg/venue/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix e: <https://w3id.org/survey-kg/paper/2401.99999/> .

category:evil a skos:Concept ;
    skos:inScheme category:scheme ;
    skos:notation "99" ;
    skos:prefLabel "Evil <b>category</b> <script>alert('cat')</script>"@en , "恶 <b>类</b>"@zh ;
    skos:definition "A definition </p><script>alert('definition')</script>"@en ;
    skg:introduction """Intro <script>alert('intro')</script> <img src=x onerror=alert(1)>

[a link](javascript:alert(2)) and [data](data:text/html;base64,PHNjcmlwdD4=) and [ok](https://ok.example/)"""@en .

person:mallory a schema:Person ; schema:name "Mallory \"><script>alert('name')</script>" .

paper:2401.99999 a schema:CreativeWork , schema:ScholarlyArticle ;
    schema:name "Evil \"title\" <script>alert('title')</script> & </h1> ' onmouseover='x"@en ;
    schema:identifier e:arxiv , e:doi ;
    schema:datePublished "2024-03-05"^^xsd:date ;
    skg:venue venue:iclr ;
    schema:about category:evil , category:world-models ;
    schema:url <javascript:alert(5)> ;
    schema:sameAs <javascript:alert(10)> ;
    skg:pdf <data:text/html;base64,PHNjcmlwdD4=> ;
    skg:projectPage <https://ok.example/'onmouseover='steal(11)> ;
    skg:model "<b>model</b>" ;
    skg:affiliations "' onmouseover='alert(12)"@en ;
    schema:description "<img src=x onerror=alert(3)> \"><svg onload=alert(4)>"@en , "中文 <script>alert('zh')</script>"@zh ;
    skg:coreInnovation "</p></article><script>alert('core')</script>"@en ;
    schema:abstract "</main><iframe src=//evil.example></iframe>"@en ;
    schema:author person:mallory , person:ben-poole ;
    skg:authorship e:author-1 , e:author-2 ;
    skg:keyPoint e:key-point-en-1 ;
    skg:field e:field-1 ;
    prov:wasDerivedFrom e:source-1 ;
    skos:editorialNote "A note <script>alert('note')</script>"@en .
e:arxiv a schema:PropertyValue ; schema:propertyID "arXiv" ; schema:value "2401.99999" .
e:doi a schema:PropertyValue ; schema:propertyID "DOI" ; schema:value "10.1/</script><script>alert(13)</script>" .
e:author-1 a skg:Authorship ; skg:position 1 ; skg:author person:mallory ;
    skg:printedName "Mallory \"><script>alert('name')</script>" .
e:author-2 a skg:Authorship ; skg:position 2 ; skg:author person:ben-poole ; skg:printedName "Ben Poole" .
e:key-point-en-1 a skg:KeyPoint ; skg:position 1 ;
    skg:text "</li></ul><script>alert('point')</script>"@en .
e:field-1 a skg:Field ; skg:label "<i>label</i>" ; skg:text "<u>text</u> {braces} %percent"@en .
e:source-1 a prov:Entity ; skg:sourceFile "x/README.md\"><script>alert(14)</script>" ; skg:sourceLine 7 .
e:code a schema:SoftwareSourceCode ; schema:isBasedOn paper:2401.99999 ;
    schema:codeRepository <javascript:alert(9)> .
'''


# ------------------------------------------------------------------------------ reading pages

class Page(HTMLParser):
    """A page as a browser's parser reads it: its elements (tag, attributes), its text, the
    contents of its script elements, and its ids."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.scripts: list[tuple[dict, str]] = []
        self.ids: set[str] = set()
        self._script: dict | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "script":
            self._script = attributes
            self.scripts.append((attributes, ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            attributes, text = self.scripts[-1]
            self.scripts[-1] = (attributes, text + data)
        else:
            self.text.append(data)

    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())

    def links(self) -> list[str]:
        return [a[key] for _, a in self.elements for key in ("href", "src") if a.get(key)]

    def jsonld(self) -> list:
        return [json.loads(text) for a, text in self.scripts if a.get("type") == "application/ld+json"]


def pages_of(site: Path) -> dict[str, Path]:
    """Every HTML page of a site, by its URL path ("", "paper/2209.14988.html", "zh/...")."""
    found = {}
    for path in sorted(site.rglob("*.html")):
        local = path.relative_to(site).as_posix()
        if local.startswith(("pagefind/", "static/")):
            continue
        found[local.removesuffix("index.html") if path.name == "index.html" else local] = path
    return found


def read(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def files_of(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def rows(store: ox.Store, query: str) -> list:
    return list(store.query(query))


# ------------------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def small_store():
    return load(turtle_files([SMALL / "data"]))


@pytest.fixture(scope="module")
def small_site(tmp_path_factory, small_store) -> Path:
    """The small survey's site (built once for the tests that only read it)."""
    folder = tmp_path_factory.mktemp("site") / "site"
    write_site(small_store, Survey(SMALL), folder)
    return folder


@pytest.fixture
def hostile_survey(small_survey) -> Survey:
    (small_survey.data / "works" / "2401.99999.ttl").write_text(HOSTILE, encoding="utf-8")
    return small_survey


# ------------------------------------------------------------------------------ the pages

def test_a_page_per_thing_in_both_languages(small_site, small_store):
    """Home, each category, work (papers at paper/<arXiv ID>.html, products at
    work/<slug>.html), author (person/<slug>.html, organization/<slug>.html) and venue, the
    venue list: in English at the root and in Chinese under zh/, with the same paths."""
    found = pages_of(small_site)
    expected = {"", "venues.html"}
    for query in ("SELECT ?x WHERE { ?x a <http://www.w3.org/2004/02/skos/core#Concept> }",
                  f"SELECT ?x WHERE {{ ?x a <{SCHEMA}CreativeWork> }}",
                  f"SELECT DISTINCT ?x WHERE {{ ?w <{SCHEMA}author> ?x }}",
                  "SELECT DISTINCT ?x WHERE { ?w <https://w3id.org/survey-kg/ontology#venue> ?x }"):
        expected |= {row[0].value[len(BASE):] + ".html"
                     for row in rows(small_store, query)}
    assert {p for p in found if not p.startswith("zh/")} == expected
    assert {p[3:] for p in found if p.startswith("zh/")} == expected
    assert "paper/2303.03378.html" in expected and "work/openai-sora.html" in expected
    assert any(p.startswith("person/") for p in expected)
    assert any(p.startswith("organization/") for p in expected)


def test_every_page_has_its_language_and_a_switch_to_the_same_item(small_site):
    """<html lang>, and on every page a link to the same path in the other language (and
    <link rel=alternate hreflang> for both)."""
    for path, file in pages_of(small_site).items():
        page = read(file)
        lang = "zh" if path.startswith("zh/") else "en"
        item = path[3:] if lang == "zh" else path
        html = [a for tag, a in page.elements if tag == "html"]
        assert html[0]["lang"] == lang, path
        url = "http://site.example/" + path
        other = "en" if lang == "zh" else "zh"
        switch = [a["href"] for tag, a in page.elements
                  if tag == "a" and a.get("hreflang") == other]
        assert len(switch) == 1, path
        expected = "http://site.example/" + ("zh/" if other == "zh" else "") + item
        assert urljoin(url, switch[0]) == expected, path
        alternates = {a["hreflang"]: urljoin(url, a["href"]) for tag, a in page.elements
                      if tag == "link" and a.get("rel") == "alternate"}
        assert alternates == {"en": "http://site.example/" + item,
                              "zh": "http://site.example/zh/" + item}, path


def test_a_work_page_shows_its_entry(small_site, small_store):
    """Every field the README shows: title, authors in order (linked), arXiv ID, one-liner,
    venue and date, links by kind, core innovation, abstract, key points; and its BibTeX, the
    lines it was read from, its curation notes."""
    page = read(small_site / "paper/2303.03378.html")
    text = page.all_text()
    assert "PaLM-E: An Embodied Multimodal Language Model" in text
    authors = [a["href"] for tag, a in page.elements
               if tag == "a" and a.get("href", "").startswith("../person/")]
    assert authors[:3] == ["../person/danny-driess.html", "../person/fei-xia.html",
                           "../person/mehdi-s-m-sajjadi.html"]
    assert len(authors) == 22
    for field in ("arXiv ID 2303.03378", "DOI 10.48550/arXiv.2303.03378", "ICLR · 2024",
                  "Core innovation", "Abstract", "Key points", "BibTeX", "Read from"):
        assert field in text, field
    assert "@inproceedings{2303.03378," in text
    assert "author = {Danny Driess and Fei Xia and" in text
    assert "booktitle = {International Conference on Learning Representations}" in text
    links = {a["href"]: a for tag, a in page.elements if tag == "a"}
    assert "https://palm-e.github.io/" in links and "https://arxiv.org/pdf/2303.03378.pdf" in links
    zh = read(small_site / "zh/paper/2303.03378.html").all_text()
    assert "将真实世界传感输入嵌入 PaLM 大模型" in zh and "要点" in zh
    notes = read(small_site / "paper/2202.07925.html").all_text()
    assert "Curation notes" in notes


def test_a_product_has_a_page_with_its_typed_links(small_site):
    page = read(small_site / "work/openai-sora.html")
    text = page.all_text()
    assert "OpenAI Sora" in text and "Model or product" in text
    labels = {a["href"]: None for tag, a in page.elements if tag == "a"}
    assert "https://openai.com/sora" in labels
    assert "Model page" in text and "Technical report" in text
    assert "@misc{openai-sora," in text


def test_person_category_and_venue_pages_list_their_works_newest_first(small_site):
    person = read(small_site / "person/danny-driess.html")
    assert "../paper/2303.03378.html" in person.links()
    category = small_site / "category/world-models.html"
    works = [href for href in read(category).links() if re.match(r"\.\./(paper|work)/", href)]
    assert works, "the category lists its works"
    years = []
    for href in dict.fromkeys(works):
        ld = read((category.parent / href).resolve()).jsonld()[0]["@graph"][0]
        years.append(ld.get("datePublished", "")[:4])
    assert years == sorted(years, reverse=True)
    venue = read(small_site / "venue/iclr.html")
    assert "../paper/2303.03378.html" in venue.links()
    assert "./venue/iclr.html" in read(small_site / "venues.html").links()


def test_the_home_page(small_site, small_store):
    """The survey's introduction, its categories with counts, works per year and per category,
    and a schema:Dataset with the dataset's description."""
    page = read(small_site / "index.html")
    text = page.all_text()
    assert "What is a World Model?" in text  # the introduction, rendered from CommonMark
    assert [tag for tag, _ in page.elements].count("h3") >= 3  # its parts
    assert "Works per year" in text and "Works per category" in text
    linked = {urljoin("http://site.example/", link) for link in page.links()}
    for category in rows(small_store, "SELECT ?c WHERE { ?c a <http://www.w3.org/2004/02/skos/core#Concept> }"):
        assert "http://site.example/" + category[0].value[len(BASE):] + ".html" in linked
    dataset = [d for d in page.jsonld() if d.get("@type") == "Dataset"]
    assert len(dataset) == 1
    (title,) = rows(small_store, """SELECT ?t WHERE { ?d a <http://rdfs.org/ns/void#Dataset> ;
        <http://purl.org/dc/terms/title> ?t FILTER (LANG(?t) = "en") }""")[0]
    assert dataset[0]["name"] == title.value
    assert dataset[0]["license"] == "http://spdx.org/licenses/MIT"
    assert dataset[0]["dateModified"] == "2026-12-01"
    assert "world model" in dataset[0]["keywords"]
    zh = [d for d in read(small_site / "zh/index.html").jsonld() if d.get("@type") == "Dataset"]
    assert zh[0]["name"] == "世界模型演进综述：知识图谱" and "世界模型" in zh[0]["keywords"]


# ------------------------------------------------------------------------------ JSON-LD

def _graph_facts(store: ox.Store, work: str) -> dict:
    """What the graph says of a work, in the terms the page's JSON-LD uses, by a query of its
    own (not the site's)."""
    def one(query):
        found = rows(store, query.replace("WORK", f"<{work}>"))
        return found
    title = {r[0].language: r[0].value for r in one(f"SELECT ?t WHERE {{ WORK <{SCHEMA}name> ?t }}")}
    authors = [(r[0].value, r[1].value) for r in one(
        f"""SELECT ?a ?n WHERE {{ WORK <https://w3id.org/survey-kg/ontology#authorship> ?s .
        ?s <https://w3id.org/survey-kg/ontology#position> ?p ;
           <https://w3id.org/survey-kg/ontology#author> ?a . ?a <{SCHEMA}name> ?n }} ORDER BY ?p""")]
    date = [r[0].value for r in one(f"SELECT ?d WHERE {{ WORK <{SCHEMA}datePublished> ?d }}")]
    ids = sorted((r[0].value, r[1].value, r[2].value) for r in one(
        f"""SELECT ?i ?k ?v WHERE {{ WORK <{SCHEMA}identifier> ?i .
        ?i <{SCHEMA}propertyID> ?k ; <{SCHEMA}value> ?v }}"""))
    code = sorted((r[0].value, r[1].value) for r in one(
        f"""SELECT ?c ?r WHERE {{ ?c <{SCHEMA}isBasedOn> WORK ; a <{SCHEMA}SoftwareSourceCode> ;
        <{SCHEMA}codeRepository> ?r }}"""))
    return {"title": title, "authors": authors, "date": date[0] if date else None, "ids": ids,
            "code": code}


def test_every_work_pages_jsonld_matches_the_graph(small_site, small_store):
    """Name, authors in order, date, identifiers and code of each work page's JSON-LD are the
    graph's, in both languages."""
    checked = 0
    for path, file in pages_of(small_site).items():
        item = path[3:] if path.startswith("zh/") else path
        if not item.startswith(("paper/", "work/")):
            continue
        lang = "zh" if path.startswith("zh/") else "en"
        work = BASE + item.removesuffix(".html")
        (ld,) = read(file).jsonld()
        assert ld["@context"] == "https://schema.org"
        node, *others = ld["@graph"]
        facts = _graph_facts(small_store, work)
        assert node["@id"] == work
        assert node["@type"] == ("SoftwareApplication" if item.startswith("work/") else "ScholarlyArticle")
        assert node["name"] == facts["title"].get(lang, facts["title"].get("en"))
        assert [(a["@id"], a["name"]) for a in node["author"]] == facts["authors"]
        assert node.get("datePublished") == facts["date"]
        assert sorted((i["@id"], i["propertyID"], i["value"])
                      for i in node.get("identifier", [])) == facts["ids"]
        assert sorted((c["@id"], c["codeRepository"]) for c in others) == facts["code"]
        assert all(c["isBasedOn"] == {"@id": work} for c in others)
        checked += 1
    assert checked == 2 * 15


def test_the_jsonld_as_rdf_states_only_what_the_graph_holds(small_site, small_store):
    """Read as JSON-LD (PyLD, offline: schema.org's context as far as the pages use it, its
    @vocab and the properties it types as IRIs), every triple a work page states is in the
    graph: the same subject, property and object (a literal compared by its text: the page
    writes plain strings for the graph's language-tagged ones)."""
    pyld = pytest.importorskip("pyld")
    from pyld import jsonld

    def loader(url, options=None):
        assert url.rstrip("/") == "https://schema.org", url
        return {"contextUrl": None, "documentUrl": url,
                "document": {"@context": {"@vocab": SCHEMA, **{
                    name: {"@id": SCHEMA + name, "@type": "@id"}
                    for name in ("url", "sameAs", "codeRepository", "license", "isBasedOn")}}}}
    del pyld
    for file in (small_site / "paper/2303.03378.html",
                 small_site / "zh/paper/2011.13084.html",
                 small_site / "work/openai-sora.html"):
        (ld,) = read(file).jsonld()
        quads = jsonld.to_rdf(ld, {"format": "application/n-quads", "documentLoader": loader})
        triples = list(ox.parse(quads.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
        assert len(triples) >= 8
        for triple in triples:
            if isinstance(triple.object, ox.Literal):
                found = [q for q in small_store.quads_for_pattern(triple.subject, triple.predicate, None)
                         if isinstance(q.object, ox.Literal) and q.object.value == triple.object.value]
            else:
                found = list(small_store.quads_for_pattern(triple.subject, triple.predicate,
                                                           triple.object))
            assert found, f"{file}: {triple} is not in the graph"


# ------------------------------------------------------------------------------ links

def _internal_links_resolve(site: Path, only=None) -> int:
    """How many internal links the pages (those whose path `only(path)` accepts) have, each
    asserted to resolve."""
    pages = pages_of(site)
    parsed = {path: read(file) for path, file in pages.items() if only is None or only(path)}
    checked = 0
    for path, page in parsed.items():
        base = "http://site.example/" + path
        for link in page.links():
            target = urlsplit(urljoin(base, link))
            if target.scheme in ("data",) or target.netloc != "site.example":
                assert target.scheme in ("http", "https", "data"), (path, link)
                continue
            local = unquote(target.path[1:])
            file = site / local / "index.html" if local == "" or local.endswith("/") else site / local
            assert file.is_file(), f"{path}: {link} -> {local} does not exist"
            if target.fragment:
                ids = parsed[local].ids if local in parsed else read(pages[local]).ids
                assert target.fragment in ids, (path, link)
            checked += 1
    return checked


def test_no_broken_internal_link(small_site):
    """Every link and asset of every page (relative, as the site is served from any folder)
    resolves to a file of the site; a fragment to an id of its page."""
    assert _internal_links_resolve(small_site) > 1000


# ------------------------------------------------------------------------------ hostile data

def _assert_inert(path: str, raw: str, page: Page) -> None:
    """No markup from the data: scripts only the site's own, no event handler attributes, no
    element the templates do not write, no link but http(s), relative or the empty icon."""
    for tag, attributes in page.elements:
        assert tag not in ("img", "svg", "iframe", "b", "i", "u"), (path, tag)
        assert not any(name.startswith("on") for name in attributes), (path, tag, attributes)
        if tag == "script":
            assert attributes == {"type": "application/ld+json"} or \
                attributes.get("src", "").endswith("static/site.js"), (path, attributes)
    for link in page.links():
        scheme = urlsplit(link).scheme
        assert scheme in ("", "http", "https") or link == "data:,", (path, link)
    for attributes, text in page.scripts:
        assert "<" not in text, (path, "a script's text holds '<'")
    assert raw.count("<script") == len(page.scripts), path


def test_a_hostile_entry_renders_as_text_on_every_page_it_appears_on(hostile_survey, tmp_path):
    store = load(turtle_files([hostile_survey.data]))
    site = tmp_path / "site"
    write_site(store, hostile_survey, site)
    pages = pages_of(site)
    reached = []
    for path, file in pages.items():
        raw = file.read_text(encoding="utf-8")
        page = Page(raw)
        _assert_inert(path, raw, page)
        text = page.all_text()
        if "alert(" in text or "2401.99999" in raw:
            reached.append(path)
    for lang in ("", "zh/"):
        for where in ("paper/2401.99999.html", "person/mallory.html", "person/ben-poole.html",
                      "category/evil.html", "category/world-models.html", "venue/iclr.html", ""):
            assert lang + where in reached, lang + where
    assert _internal_links_resolve(site) > 1000
    assert "Ben Poole" in read(site / "person/ben-poole.html").all_text()  # no schema:name
    work = read(site / "paper/2401.99999.html")
    text = work.all_text()
    for shown in (HOSTILE_TITLE, HOSTILE_NAME, "<img src=x onerror=alert(3)>",
                  "</p></article><script>alert('core')</script>", "</li></ul><script>alert('point')</script>",
                  "A note <script>alert('note')</script>", "<b>model</b>", "<i>label</i>",
                  "' onmouseover='alert(12)"):
        assert " ".join(shown.split()) in text, shown
    assert "Paper (link withheld: not an http(s) URL)" in text
    assert "Code (link withheld: not an http(s) URL)" in text
    assert "https://ok.example/'onmouseover='steal%2811%29" in work.links()
    (ld,) = work.jsonld()
    node = ld["@graph"][0]
    assert node["name"] == HOSTILE_TITLE and node["author"][0]["name"] == HOSTILE_NAME
    assert "url" not in node and "sameAs" not in node and len(ld["@graph"]) == 1
    assert any(i["value"] == "10.1/</script><script>alert(13)</script>" for i in node["identifier"])
    assert "title = {{Evil \"title\" <script>alert('title')</script> \\& </h1>" in text
    intro = read(site / "category/evil.html")
    assert HOSTILE_CATEGORY in intro.all_text()
    assert "Intro <script>alert('intro')</script> <img src=x onerror=alert(1)>" in intro.all_text()
    assert "https://ok.example/" in intro.links()
    assert not any("javascript" in link or link.startswith("data:text") for link in intro.links())
    assert HOSTILE_CATEGORY in read(site / "index.html").all_text()
    description = [a["content"] for tag, a in intro.elements
                   if tag == "meta" and a.get("name") == "description"]
    assert description == ["A definition </p><script>alert('definition')</script>"]


def test_an_iri_outside_the_namespace_gets_no_page(small_store, tmp_path):
    store = ox.Store()
    store.extend(small_store)
    store.add(ox.Quad(ox.NamedNode("https://evil.example/x"), ox.NamedNode(RDF_TYPE),
                      ox.NamedNode(SCHEMA + "CreativeWork")))
    with pytest.raises(InputError, match="no page can be made for 'https://evil.example/x'"):
        write_site(store, Survey(SMALL), tmp_path / "site")
    assert not (tmp_path / "site").exists()
    assert list(tmp_path.iterdir()) == []


def test_filters_keep_data_in_its_place():
    env = environment()
    template = env.from_string('<a href="{{ u | url }}">{{ x }}</a>{{ m | commonmark }}{{ b | bib }}')
    html = template.render(u=ox.NamedNode("javascript:alert(1)"), x=ox.Literal("<b>&</b>"),
                           m=ox.Literal("<script>x</script> [a](javascript:y) [b](https://b.example/)"),
                           b=ox.Literal("{a} \\ 50% & $x$ #1 _u_ ~^"))
    assert html.startswith('<a href="">&lt;b&gt;&amp;&lt;/b&gt;</a>')
    assert "&lt;script&gt;x&lt;/script&gt;" in html and 'href="javascript' not in html
    assert '<a href="https://b.example/">b</a>' in html
    assert r"{\{a\} \textbackslash{} 50\% \&amp; \$x\$ \#1 \_u\_ \textasciitilde{}\textasciicircum{}}" in html
    with pytest.raises(Exception, match="example"):
        env.from_string("{{ i }}").render(i=ox.NamedNode("https://example.org/"))
    assert local_path(ox.NamedNode(BASE + "paper/2209.14988")) == "paper/2209.14988"
    for bad in (BASE + "paper/../../x", BASE + "ontology#x", BASE + "paper/", "https://x.example/paper/1"):
        with pytest.raises(InputError):
            local_path(ox.NamedNode(bad))


# ------------------------------------------------------------------------------ bytes, weight

def test_the_same_data_gives_the_same_bytes(small_site, small_survey, tmp_path):
    """Pages, static files and the search index: byte-identical from a second build."""
    store = load(turtle_files([small_survey.data]))
    again = tmp_path / "again"
    write_site(store, small_survey, again)
    first, second = files_of(small_site), files_of(again)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    assert any(name.startswith("pagefind/") for name in first)


def test_the_home_page_is_light(small_site):
    """The home page with its stylesheet and script under 200 KB (the search index loads only
    when a reader searches)."""
    page = read(small_site / "index.html")
    assets = [small_site / link.removeprefix("./") for link in page.links()
              if link.startswith(("static/", "./static/"))]
    assert len(assets) == 2
    total = (small_site / "index.html").stat().st_size + sum(p.stat().st_size for p in assets)
    assert total < 200_000


def test_the_search_index_covers_the_work_pages_in_both_languages(small_site):
    entry = json.loads((small_site / "pagefind" / "pagefind-entry.json").read_text())
    assert set(entry["languages"]) == {"en", "zh"}
    assert [entry["languages"][lang]["page_count"] for lang in LANGS] == [15, 15]
    assert (small_site / "pagefind" / "pagefind.js").is_file()
    assert not (small_site / "pagefind" / "pagefind-ui.js").exists()
    for file in pages_of(small_site).values():
        searchable = 'data-pagefind-body' in file.read_text(encoding="utf-8")
        assert searchable == ("/paper/" in file.as_posix() or "/work/" in file.as_posix())


# ------------------------------------------------------------------------------ in place, whole

def test_nothing_is_in_place_before_commit(small_store, tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    write_site(small_store, Survey(SMALL), folder)
    before = files_of(folder)
    staged = stage_site(small_store, Survey(SMALL), folder)
    assert files_of(folder) == before and staged.staged.parent == tmp_path
    staged.discard()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    staged = stage_site(small_store, Survey(SMALL), folder)
    site = staged.commit()
    assert files_of(folder) == before
    assert site.pages == len(pages_of(folder)) and site.files == len(before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_failed_site_leaves_the_old_one(small_store, tmp_path, monkeypatch):
    folder = tmp_path / "site"
    write_site(small_store, Survey(SMALL), folder)
    before = files_of(folder)
    from survey_kg.site import search

    monkeypatch.setattr(search, "INDEXED", "[")  # a glob Pagefind cannot read
    with pytest.raises(InputError, match="Pagefind"):
        write_site(small_store, Survey(SMALL), folder)
    assert files_of(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_folder_with_other_files_is_not_replaced(small_store, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not a site survey-kg wrote"):
        write_site(small_store, Survey(SMALL), folder)
    assert (folder / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_a_killed_writers_staged_site_is_removed(small_store, tmp_path):
    dead = tmp_path / ".site.4999999.abc.tmp"
    dead.mkdir()
    (dead / "index.html").write_text("half")
    live = tmp_path / f".site.{__import__('os').getpid()}.abc.tmp"
    live.mkdir()
    write_site(small_store, Survey(SMALL), tmp_path / "site")
    assert not dead.exists() and live.exists()


def test_a_writer_killed_between_its_renames_gets_its_old_site_back(small_store, tmp_path):
    """Killed after renaming the old site aside and before renaming the new one in: the next
    writer puts the old site back before it writes (and a site it then discards leaves it)."""
    from survey_kg.site import GENERATOR, stage_site

    aside = tmp_path / ".site.4999999.abc.old"
    aside.mkdir()
    (aside / "index.html").write_bytes(b"<html><head>" + GENERATOR + b"</head>old</html>")
    staged = stage_site(small_store, Survey(SMALL), tmp_path / "site")
    staged.discard()
    assert not aside.exists()
    assert b"old" in (tmp_path / "site" / "index.html").read_bytes()


# ------------------------------------------------------------------------------ the command

def test_the_site_command(small_survey):
    result = CliRunner().invoke(main, ["--root", str(small_survey.root), "site"])
    assert result.exit_code == 0, result.output
    site = small_survey.root / "dist" / "site"
    assert (site / "paper/2303.03378.html").is_file()
    assert "330 pages" in result.output
    out = small_survey.root / "elsewhere"
    result = CliRunner().invoke(main, ["--root", str(small_survey.root), "site", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert files_of(out) == files_of(site)


def test_the_site_command_writes_nothing_from_a_graph_with_violations(small_survey):
    path = small_survey.data / "works" / "2307.15818.ttl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("\tschema:name ")),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(small_survey.root), "site"])
    assert result.exit_code == 1
    assert "violation" in result.output and "no site was written" in result.output
    assert not (small_survey.root / "dist").exists()  # the site was staged beside, then removed


def test_a_violation_leaves_the_last_site_as_it_was(small_survey):
    """The site is rendered while the graph is checked: with a violation the staged one goes and
    the last one stays, byte for byte, with nothing beside it."""
    assert CliRunner().invoke(main, ["--root", str(small_survey.root), "site"]).exit_code == 0
    dist = small_survey.root / "dist"
    before = files_of(dist)
    path = small_survey.data / "works" / "2307.15818.ttl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("\tschema:name ")),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(small_survey.root), "site"])
    assert result.exit_code == 1, result.output
    assert files_of(dist) == before
    assert sorted(p.name for p in dist.iterdir()) == ["site"]


# ------------------------------------------------------------------------------ the real survey

@pytest.mark.slow
def test_the_whole_surveys_site(tmp_path):
    """The real survey (data/): a page per work and author in both languages, in the search
    index; the links of the home, category and venue pages (which reach every work) resolve."""
    store = load(turtle_files([ROOT / "data"]))
    site = write_site(store, Survey(ROOT), tmp_path / "site")
    works = len(rows(store, f"SELECT ?w WHERE {{ ?w a <{SCHEMA}CreativeWork> }}"))
    assert works == 557
    entry = json.loads((site.folder / "pagefind" / "pagefind-entry.json").read_text())
    assert [entry["languages"][lang]["page_count"] for lang in LANGS] == [works, works]
    people = len(rows(store, f"SELECT DISTINCT ?a WHERE {{ ?w <{SCHEMA}author> ?a }}"))
    assert people > 4000
    found = pages_of(site.folder)
    assert sum(p.startswith(("person/", "organization/")) for p in found) == people
    assert site.pages == len(found)
    lists = ("category/", "venue/", "zh/category/", "zh/venue/")
    assert _internal_links_resolve(site.folder, lambda path: path.startswith(lists) or
                                   path in ("", "zh/")) > 2 * 2 * works
