"""Every constraint of ontology/shapes.ttl: a fixture that breaks it, and the result it reports.

A case changes the small survey (tests/fixtures/small/data, valid: no violation) in one way,
by a SPARQL Update or by a work file of tests/fixtures/rules/ that replaces the work's file
(where the change is to the work as a whole, such as its class or its arXiv ID),
and names the result that must follow: rule, constraint component, severity, focus node,
path, value and message. `test_every_constraint_has_a_case` keeps the table equal to the
shapes: a new shape or constraint without a case fails. The cases, a few at a time on one
store, are validated by pyshacl too (tests/shacl_reference.py), which must report exactly
what survey-kg reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
import pytest
from rdflib import Graph

from survey_kg.load import load
from survey_kg.paths import PREFIXES
from survey_kg.rdf import RDF_TYPE, named
from survey_kg.rules import _rule_name, ontology, shapes, validate
from survey_kg.rules.shacl import VALUE_PARAMETERS, sh

from .conftest import FIXTURES, SMALL
from .shacl_reference import compare, faster_rdflib_queries, shapes_graph, small_graph  # noqa: F401

RULES = FIXTURES / "rules"
WORKS = sorted(path.stem for path in (SMALL / "data" / "works").glob("*.ttl"))


def _namespace(stem: str) -> str:
    """Where a work's own nodes are named: paper:2011.13084/author-1, work:openai-sora/..."""
    return PREFIXES["paper" if stem[0].isdigit() else "work"] + stem + "/"


# w2011.13084:author-1 is <https://w3id.org/survey-kg/paper/2011.13084/author-1>
NAMESPACES = {**PREFIXES, **{"w" + stem: _namespace(stem) for stem in WORKS},
              "graph": "https://w3id.org/survey-kg/"}  # the graph-wide rules' sh:targetNode
UPDATE_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in NAMESPACES.items())


def expand(name: str | None) -> str | None:
    """The IRI of a prefixed name of NAMESPACES (None stays None)."""
    if name is None:
        return None
    prefix, _, local = name.partition(":")
    return NAMESPACES[prefix] + local


@dataclass(frozen=True)
class Case:
    rule: str             # the shape, as reports name it (skg:WorkShape's inline shapes: parent/path)
    component: str        # MinCount, Datatype, ... or SPARQL
    change: str           # a SPARQL Update, or a file of tests/fixtures/rules/ replacing `replaces`
    focus: str            # prefixed names (NAMESPACES)
    path: str | None
    value: str | None     # the sh:value's lexical form or IRI (prefixed); "_:" any blank node
    message: str | None = None  # SPARQL constraints: the message; others: the shape's sh:message
    severity: str = "violation"
    replaces: str | None = None  # the work (file stem) a fixture file replaces


def I(name: str) -> str:  # noqa: E743 (an IRI value, written as a prefixed name)
    return "<" + expand(name) + ">"


C = Case
P = "https://w3id.org/survey-kg/paper/"
CAT = "https://w3id.org/survey-kg/category/"
ZWSP = "\u200b"
RLO = "\u202e"
LONG_POINT = ("Represents dynamic scenes by a continuous 5D/6D function (space + time + view) "
              "capturing geometry, appearance & scene-flow.")
NSFF_ONE_LINER = ("A continuous time-varying function representation capturing appearance, "
                  "geometry and motion (scene flow) to perform novel view & time synthesis from "
                  "monocular video")
DATASET = "dataset:awesome-world-model-evolution"
LINK_FIX = "links must be http(s) URLs"


def _field(work: str, parts: str) -> str:
    return (f"INSERT DATA {{ paper:{work} skg:field w{work}:field-1 . "
            f"w{work}:field-1 a skg:Field ; {parts} }}")


CASES = [
    # ---------------------------------------------------------------- works: fields
    C("skg:WorkNameShape", "MinCount", "DELETE WHERE { paper:2011.13084 schema:name ?n }",
      "paper:2011.13084", "schema:name", None),
    C("skg:WorkNameShape", "UniqueLang",
      'INSERT DATA { paper:2202.07925 schema:name "ActionFormer, again"@en }',
      "paper:2202.07925", "schema:name", None),
    C("skg:WorkNameShape", "Datatype",
      'INSERT DATA { paper:2211.13221 schema:name "Latent Video Diffusion Models" }',
      "paper:2211.13221", "schema:name", "Latent Video Diffusion Models"),
    C("skg:WorkNameShape", "Pattern",
      "DELETE WHERE { paper:2303.03378 schema:name ?n } ;"
      f' INSERT DATA {{ paper:2303.03378 schema:name "PaLM-E:{ZWSP} An Embodied Model"@en }}',
      "paper:2303.03378", "schema:name", f"PaLM-E:{ZWSP} An Embodied Model"),
    C("skg:WorkDescriptionShape", "MinCount",
      "DELETE WHERE { paper:2307.07635 schema:description ?d }",
      "paper:2307.07635", "schema:description", None),
    C("skg:WorkDescriptionShape", "UniqueLang",
      'INSERT DATA { paper:2307.15818 schema:description "另一个一句话概述。"@zh }',
      "paper:2307.15818", "schema:description", None),
    C("skg:WorkDescriptionShape", "Datatype",
      'INSERT DATA { paper:2309.17080 schema:description "A plain one-liner" }',
      "paper:2309.17080", "schema:description", "A plain one-liner"),
    C("skg:WorkAbstractShape", "MinCount", "DELETE WHERE { paper:2310.08528 schema:abstract ?a }",
      "paper:2310.08528", "schema:abstract", None),
    C("skg:WorkAbstractShape", "UniqueLang",
      'INSERT DATA { paper:2312.14132 schema:abstract "A second English abstract."@en }',
      "paper:2312.14132", "schema:abstract", None),
    C("skg:WorkAbstractShape", "Datatype",
      'INSERT DATA { paper:2503.07265 schema:abstract "A plain abstract" }',
      "paper:2503.07265", "schema:abstract", "A plain abstract"),
    C("skg:WorkCoreInnovationShape", "UniqueLang",
      'INSERT DATA { paper:2510.26802 skg:coreInnovation "A second English text."@en }',
      "paper:2510.26802", "skg:coreInnovation", None),
    C("skg:WorkCoreInnovationShape", "Datatype",
      'INSERT DATA { paper:2011.13084 skg:coreInnovation "A plain text" }',
      "paper:2011.13084", "skg:coreInnovation", "A plain text"),
    C("skg:WorkDateShape", "MinCount", "DELETE WHERE { paper:2202.07925 schema:datePublished ?d }",
      "paper:2202.07925", "schema:datePublished", None),
    C("skg:WorkDateShape", "MaxCount",
      'INSERT DATA { paper:2211.13221 schema:datePublished "2023"^^xsd:gYear }',
      "paper:2211.13221", "schema:datePublished", None),
    C("skg:WorkCategoryShape", "MinCount", "DELETE WHERE { paper:2303.03378 schema:about ?c }",
      "paper:2303.03378", "schema:about", None),
    C("skg:WorkCategoryShape", "Class", "INSERT DATA { paper:2307.07635 schema:about category:nowhere }",
      "paper:2307.07635", "schema:about", expand("category:nowhere")),
    C("skg:WorkAuthorshipShape", "MinCount", "DELETE WHERE { paper:2307.15818 skg:authorship ?a }",
      "paper:2307.15818", "skg:authorship", None),
    C("skg:WorkAuthorshipShape", "Class",
      "INSERT DATA { paper:2309.17080 skg:authorship w2309.17080:source-1 }",
      "paper:2309.17080", "skg:authorship", expand("w2309.17080:source-1")),
    C("skg:WorkAuthorShape", "MinCount", "DELETE WHERE { paper:2310.08528 schema:author ?a }",
      "paper:2310.08528", "schema:author", None),
    C("skg:WorkAuthorShape", "NodeKind", 'INSERT DATA { paper:2312.14132 schema:author "Somebody" }',
      "paper:2312.14132", "schema:author", "Somebody"),
    C("skg:WorkKeyPointShape", "Class",
      "INSERT DATA { paper:2503.07265 skg:keyPoint w2503.07265:source-1 }",
      "paper:2503.07265", "skg:keyPoint", expand("w2503.07265:source-1")),
    C("skg:WorkSourceShape", "Class",
      "INSERT DATA { paper:2510.26802 prov:wasDerivedFrom w2510.26802:author-1 }",
      "paper:2510.26802", "prov:wasDerivedFrom", expand("w2510.26802:author-1")),
    C("skg:WorkVenueShape", "MaxCount", "INSERT DATA { paper:2011.13084 skg:venue venue:iclr }",
      "paper:2011.13084", "skg:venue", None),
    C("skg:WorkVenueShape", "Class",
      "DELETE WHERE { paper:2202.07925 skg:venue ?v } ;"
      " INSERT DATA { paper:2202.07925 skg:venue venue:nowhere }",
      "paper:2202.07925", "skg:venue", expand("venue:nowhere")),
    C("skg:WorkReleaseNoteShape", "UniqueLang",
      'INSERT DATA { work:openai-sora skg:releaseNote "closed release"@en }',
      "work:openai-sora", "skg:releaseNote", None),
    C("skg:WorkReleaseNoteShape", "Datatype",
      'INSERT DATA { work:runway-gen-3-alpha skg:releaseNote "plain note" }',
      "work:runway-gen-3-alpha", "skg:releaseNote", "plain note"),
    C("skg:WorkAffiliationsShape", "UniqueLang",
      'INSERT DATA { work:pika-1-0 skg:affiliations "Pika Labs"@en , "Pika"@en }',
      "work:pika-1-0", "skg:affiliations", None),
    C("skg:WorkAffiliationsShape", "Datatype",
      'INSERT DATA { work:openai-sora skg:affiliations "OpenAI" }',
      "work:openai-sora", "skg:affiliations", "OpenAI"),
    C("skg:WorkModelShape", "MaxCount", 'INSERT DATA { work:openai-sora skg:model "Sora 2" }',
      "work:openai-sora", "skg:model", None),
    C("skg:WorkModelShape", "Datatype",
      'DELETE WHERE { work:pika-1-0 skg:model ?m } ; INSERT DATA { work:pika-1-0 skg:model "Pika 1.0"@en }',
      "work:pika-1-0", "skg:model", "Pika 1.0"),
    C("skg:WorkVersionShape", "MaxCount", 'INSERT DATA { paper:2211.13221 schema:version "v1" , "v2" }',
      "paper:2211.13221", "schema:version", None),
    C("skg:WorkVersionShape", "Datatype", 'INSERT DATA { paper:2303.03378 schema:version "v1"@en }',
      "paper:2303.03378", "schema:version", "v1"),
    C("skg:WorkVersionShape", "Pattern", 'INSERT DATA { paper:2307.07635 schema:version "1.0" }',
      "paper:2307.07635", "schema:version", "1.0"),
    C("skg:WorkIdentifierShape", "Class",
      "INSERT DATA { paper:2307.15818 schema:identifier w2307.15818:source-1 }",
      "paper:2307.15818", "schema:identifier", expand("w2307.15818:source-1")),
    C("skg:WorkFieldShape", "MaxCount", _field("2309.17080", 'skg:label "Remark" ; skg:text "A remark."@en'),
      "paper:2309.17080", "skg:field", None, severity="warning"),
    C("skg:WorkNoteShape", "Datatype", 'INSERT DATA { paper:2310.08528 skos:editorialNote "a plain note" }',
      "paper:2310.08528", "skos:editorialNote", "a plain note"),
    # ---------------------------------------------------------------- works: links
    C("skg:SameAsLinkShape", "NodeKind",
      'INSERT DATA { paper:2312.14132 schema:sameAs "https://arxiv.org/abs/2312.14132" }',
      "paper:2312.14132", "schema:sameAs", "https://arxiv.org/abs/2312.14132"),
    C("skg:SameAsLinkShape", "Pattern",
      "INSERT DATA { paper:2503.03751 schema:sameAs <ftp://arxiv.org/abs/2503.03751> }",
      "paper:2503.03751", "schema:sameAs", "ftp://arxiv.org/abs/2503.03751"),
    C("skg:UrlLinkShape", "NodeKind", 'INSERT DATA { paper:2503.07265 schema:url "https://example.org/" }',
      "paper:2503.07265", "schema:url", "https://example.org/"),
    C("skg:UrlLinkShape", "Pattern", "INSERT DATA { paper:2510.26802 schema:url <javascript:alert(1)> }",
      "paper:2510.26802", "schema:url", "javascript:alert(1)"),
    C("skg:PdfLinkShape", "NodeKind", 'INSERT DATA { paper:2011.13084 skg:pdf "https://example.org/a.pdf" }',
      "paper:2011.13084", "skg:pdf", "https://example.org/a.pdf"),
    C("skg:PdfLinkShape", "Pattern",
      "INSERT DATA { paper:2202.07925 skg:pdf <data:application/pdf;base64,AAAA> }",
      "paper:2202.07925", "skg:pdf", "data:application/pdf;base64,AAAA"),
    C("skg:ProjectPageLinkShape", "NodeKind",
      'INSERT DATA { paper:2303.03378 skg:projectPage "https://example.org/" }',
      "paper:2303.03378", "skg:projectPage", "https://example.org/"),
    C("skg:ProjectPageLinkShape", "Pattern",
      "INSERT DATA { paper:2307.15818 skg:projectPage <file:///etc/passwd> }",
      "paper:2307.15818", "skg:projectPage", "file:///etc/passwd"),
    C("skg:ModelPageLinkShape", "NodeKind",
      'INSERT DATA { work:openai-sora skg:modelPage "https://openai.com/sora" }',
      "work:openai-sora", "skg:modelPage", "https://openai.com/sora"),
    C("skg:ModelPageLinkShape", "Pattern",
      "INSERT DATA { work:runway-gen-3-alpha skg:modelPage <ftp://runwayml.com/gen-3> }",
      "work:runway-gen-3-alpha", "skg:modelPage", "ftp://runwayml.com/gen-3"),
    C("skg:ProductPageLinkShape", "NodeKind",
      'INSERT DATA { work:pika-1-0 skg:productPage "https://pika.art/" }',
      "work:pika-1-0", "skg:productPage", "https://pika.art/"),
    C("skg:ProductPageLinkShape", "Pattern",
      "INSERT DATA { work:openai-sora skg:productPage <mailto:team@example.org> }",
      "work:openai-sora", "skg:productPage", "mailto:team@example.org"),
    C("skg:TechnicalReportLinkShape", "NodeKind",
      'INSERT DATA { work:runway-gen-3-alpha skg:technicalReport "https://example.org/report" }',
      "work:runway-gen-3-alpha", "skg:technicalReport", "https://example.org/report"),
    C("skg:TechnicalReportLinkShape", "Pattern",
      "INSERT DATA { work:pika-1-0 skg:technicalReport <file:///tmp/report.pdf> }",
      "work:pika-1-0", "skg:technicalReport", "file:///tmp/report.pdf"),
    C("skg:BlogPostLinkShape", "NodeKind",
      'INSERT DATA { work:openai-sora skg:blogPost "https://openai.com/blog" }',
      "work:openai-sora", "skg:blogPost", "https://openai.com/blog"),
    C("skg:BlogPostLinkShape", "Pattern",
      "INSERT DATA { work:runway-gen-3-alpha skg:blogPost <javascript:void(0)> }",
      "work:runway-gen-3-alpha", "skg:blogPost", "javascript:void(0)"),
    C("skg:DatasetLinkShape", "NodeKind",
      'INSERT DATA { paper:2211.13221 skg:dataset "https://example.org/data" }',
      "paper:2211.13221", "skg:dataset", "https://example.org/data"),
    C("skg:DatasetLinkShape", "Pattern",
      "INSERT DATA { paper:2303.03378 skg:dataset <ftp://data.example.org/x> }",
      "paper:2303.03378", "skg:dataset", "ftp://data.example.org/x"),
    C("skg:DemoLinkShape", "NodeKind", 'INSERT DATA { paper:2307.07635 skg:demo "https://example.org/demo" }',
      "paper:2307.07635", "skg:demo", "https://example.org/demo"),
    C("skg:DemoLinkShape", "Pattern", "INSERT DATA { paper:2309.17080 skg:demo <data:text/html,hi> }",
      "paper:2309.17080", "skg:demo", "data:text/html,hi"),
    C("skg:SeeAlsoLinkShape", "NodeKind", 'INSERT DATA { paper:2310.08528 rdfs:seeAlso "https://example.org/" }',
      "paper:2310.08528", "rdfs:seeAlso", "https://example.org/"),
    C("skg:SeeAlsoLinkShape", "Pattern", "INSERT DATA { paper:2312.14132 rdfs:seeAlso <urn:isbn:0451450523> }",
      "paper:2312.14132", "rdfs:seeAlso", "urn:isbn:0451450523"),
    # ---------------------------------------------------------------- works: SPARQL rules
    C("skg:WorkKindShape", "SPARQL", "DELETE DATA { work:pika-1-0 a schema:SoftwareApplication }",
      "work:pika-1-0", None, expand("work:pika-1-0"),
      "is a schema:CreativeWork of no kind: type it schema:ScholarlyArticle or "
      "schema:SoftwareApplication"),
    C("skg:ArticleShape", "SPARQL", "paper-not-a-creative-work.ttl",
      "paper:2307.15818", None, expand("paper:2307.15818"),
      "a paper is also a schema:CreativeWork (the class the rules and queries of works read)",
      replaces="2307.15818"),
    C("skg:ArticleShape/skg:venue", "MinCount", "DELETE WHERE { paper:2310.08528 skg:venue ?v }",
      "paper:2310.08528", "skg:venue", None),
    C("skg:ArxivIdentifierShape", "SPARQL",
      "DELETE DATA { paper:2312.14132 schema:identifier w2312.14132:arxiv }",
      "paper:2312.14132", None, expand("paper:2312.14132"),
      'needs exactly one arXiv ID (a schema:identifier with schema:propertyID "arXiv"); it has 0'),
    C("skg:ArxivIdentifierShape", "SPARQL",
      "DELETE WHERE { w2503.03751:arxiv schema:value ?v } ;"
      ' INSERT DATA { w2503.03751:arxiv schema:value "2503.03751v2" }',
      "paper:2503.03751", None, "2503.03751v2",
      "arXiv ID 2503.03751v2 is not of the form YYMM.NNNNN (or archive/YYMMNNN)"),
    # issue 24: an ID, its IRI and links all with four digits after the dot in 2023
    C("skg:ArxivIdentifierShape", "SPARQL", "arxiv-id-four-digits.ttl",
      "paper:2309.1708", None, "2309.1708",
      "arXiv ID 2309.1708 has 4 digits after the dot; IDs from 2309 on have 5",
      replaces="2309.17080"),
    C("skg:ArxivIdentifierShape", "SPARQL",
      "DELETE WHERE { w2011.13084:arxiv schema:value ?v } ;"
      ' INSERT DATA { w2011.13084:arxiv schema:value "1412.69801" }',
      "paper:2011.13084", None, "1412.69801",
      "arXiv ID 1412.69801 has 5 digits after the dot; IDs from 1412 on have 4"),
    # issue 24: the ID literal says 2303.03387 while the IRI and links say 2303.03378
    C("skg:ArxivIdentifierShape", "SPARQL", "arxiv-id-literal-typo.ttl",
      "paper:2303.03378", None, "2303.03387",
      f"arXiv ID 2303.03387 does not match the paper's IRI {P}2303.03378",
      replaces="2303.03378"),
    C("skg:ArxivIdentifierShape", "SPARQL", "arxiv-id-literal-typo.ttl",
      "paper:2303.03378", "schema:url", "https://arxiv.org/abs/2303.03378",
      "the arXiv link https://arxiv.org/abs/2303.03378 is not to arXiv ID 2303.03387",
      replaces="2303.03378"),
    C("skg:ArxivIdentifierShape", "SPARQL", "arxiv-id-literal-typo.ttl",
      "paper:2303.03378", "skg:pdf", "https://arxiv.org/pdf/2303.03378.pdf",
      "the arXiv link https://arxiv.org/pdf/2303.03378.pdf is not to arXiv ID 2303.03387",
      replaces="2303.03378"),
    C("skg:ArxivIdentifierShape", "SPARQL", "arxiv-id-literal-typo.ttl",
      "paper:2303.03378", None, expand("paper:2303.03378"),
      "the DOI of arXiv ID 2303.03387 is 10.48550/arXiv.2303.03387, and its IRI "
      "https://doi.org/10.48550/arXiv.2303.03387", replaces="2303.03378"),
    # issue 24: the ID and IRI agree, one link does not (a versioned link to the right ID is fine)
    C("skg:ArxivIdentifierShape", "SPARQL", "arxiv-link-typo.ttl",
      "paper:2312.14132", "schema:sameAs", "https://arxiv.org/abs/2312.14123v2",
      "the arXiv link https://arxiv.org/abs/2312.14123v2 is not to arXiv ID 2312.14132",
      replaces="2312.14132"),
    C("skg:ArxivIdentifierShape", "SPARQL",
      "DELETE WHERE { w2307.07635:doi schema:value ?v } ;"
      ' INSERT DATA { w2307.07635:doi schema:value "10.48550/arXiv.2307.07653" }',
      "paper:2307.07635", None, expand("paper:2307.07635"),
      "the DOI of arXiv ID 2307.07635 is 10.48550/arXiv.2307.07635, and its IRI "
      "https://doi.org/10.48550/arXiv.2307.07635"),
    C("skg:UniqueArxivIdShape", "SPARQL",
      "DELETE WHERE { w2309.17080:arxiv schema:value ?v } ;"
      ' INSERT DATA { w2309.17080:arxiv schema:value "2310.08528" }',
      "paper:2310.08528", None, "2310.08528",
      f"arXiv ID 2310.08528 is also the ID of {P}2309.17080: one paper per arXiv ID"),
    C("skg:YearAfterArxivShape", "SPARQL",
      "DELETE WHERE { paper:2510.26802 schema:datePublished ?d } ;"
      ' INSERT DATA { paper:2510.26802 schema:datePublished "2024"^^xsd:gYear }',
      "paper:2510.26802", "schema:datePublished", "2024",
      "published 2024, earlier than its arXiv ID 2510.26802 (2025)"),
    C("skg:DateFormShape", "SPARQL",
      "DELETE WHERE { paper:2312.14132 schema:datePublished ?d } ;"
      ' INSERT DATA { paper:2312.14132 schema:datePublished "2024" }',
      "paper:2312.14132", "schema:datePublished", "2024",
      "the publication date 2024 is not an xsd:gYear (2024), xsd:gYearMonth (2024-01) or "
      "xsd:date (2024-01-09)"),
    C("skg:AuthorsAgreeShape", "SPARQL", "DELETE DATA { paper:2211.13221 schema:author person:qifeng-chen }",
      "paper:2211.13221", None, expand("person:qifeng-chen"),
      f"{expand('person:qifeng-chen')} is an author in the ordered list but not a schema:author"),
    C("skg:AuthorsAgreeShape", "SPARQL", "INSERT DATA { paper:2303.03378 schema:author person:zhengqi-li }",
      "paper:2303.03378", None, expand("person:zhengqi-li"),
      f"{expand('person:zhengqi-li')} is a schema:author but has no place in the ordered list "
      "(skg:authorship)"),
    C("skg:AuthorsAgreeShape", "SPARQL",
      "DELETE WHERE { w2503.03751:author-2 skg:author ?a } ;"
      " INSERT DATA { w2503.03751:author-2 skg:author venue:corl }",
      "paper:2503.03751", None, expand("venue:corl"),
      f"author {expand('venue:corl')} is neither a schema:Person nor a schema:Organization"),
    C("skg:AuthorPositionRepeatShape", "SPARQL",
      "DELETE WHERE { w2309.17080:author-2 skg:position ?p } ;"
      " INSERT DATA { w2309.17080:author-2 skg:position 1 }",
      "paper:2309.17080", "skg:authorship", expand("w2309.17080:author-2"),
      "author position 1 is given to more than one author"),
    C("skg:AuthorPositionGapShape", "SPARQL",
      "DELETE WHERE { w2310.08528:author-9 skg:position ?p } ;"
      " INSERT DATA { w2310.08528:author-9 skg:position 10 }",
      "paper:2310.08528", "skg:authorship", expand("w2310.08528:author-9"),
      "author position 10 has no author before it: positions must run 1..n with no gap"),
    C("skg:KeyPointOrderShape", "SPARQL",
      "DELETE WHERE { w2312.14132:key-point-en-2 skg:position ?p } ;"
      " INSERT DATA { w2312.14132:key-point-en-2 skg:position 1 }",
      "paper:2312.14132", "skg:keyPoint", expand("w2312.14132:key-point-en-2"),
      "@en key point position 1 is given to more than one key point"),
    C("skg:KeyPointOrderShape", "SPARQL",
      "DELETE WHERE { w2510.26802:key-point-zh-4 skg:position ?p } ;"
      " INSERT DATA { w2510.26802:key-point-zh-4 skg:position 5 }",
      "paper:2510.26802", "skg:keyPoint", expand("w2510.26802:key-point-zh-4"),
      "@zh key point position 5 has no key point before it: positions must run 1..n"),
    C("skg:CopiedTextShape", "SPARQL",
      'DELETE { paper:2303.03378 schema:description ?d } WHERE { paper:2303.03378 schema:description ?d'
      ' FILTER (LANG(?d) = "en") } ;'
      f' INSERT DATA {{ paper:2303.03378 schema:description "{NSFF_ONE_LINER}"@en }}',
      "paper:2303.03378", "schema:description", NSFF_ONE_LINER,
      f"the same @en text is also on {P}2011.13084: copy-pasted from another entry?"),
    C("skg:CopiedKeyPointShape", "SPARQL",
      "INSERT DATA { paper:2307.07635 skg:keyPoint w2307.07635:key-point-en-5 ."
      f' w2307.07635:key-point-en-5 a skg:KeyPoint ; skg:position 5 ; skg:text "{LONG_POINT}"@en }}',
      "paper:2307.07635", "skg:keyPoint", expand("w2307.07635:key-point-en-5"),
      f"key point 5 (@en) is also a key point of {P}2011.13084, which shares 1 long key point(s) "
      "with it: copy-pasted from another entry?"),
    C("skg:EnglishTitleShape", "SPARQL",
      "DELETE WHERE { paper:2503.03751 schema:name ?n } ;"
      ' INSERT DATA { paper:2503.03751 schema:name "GEN3C：三维信息引导的视频生成"@zh }',
      "paper:2503.03751", None, expand("paper:2503.03751"),
      "has no title in English (its titles: GEN3C：三维信息引导的视频生成)"),
    C("skg:LanguageScriptShape", "SPARQL",
      'DELETE { paper:2503.07265 schema:description ?d } WHERE { paper:2503.07265 schema:description ?d'
      ' FILTER (LANG(?d) = "zh") } ;'
      ' INSERT DATA { paper:2503.07265 schema:description "An English sentence tagged as Chinese."@zh }',
      "paper:2503.07265", "schema:description", "An English sentence tagged as Chinese.",
      "text tagged @zh is not written in that language (Chinese characters: false)"),
    C("skg:LanguageScriptShape", "SPARQL",
      'DELETE WHERE { w2011.13084:key-point-en-2 skg:text ?t } ;'
      ' INSERT DATA { w2011.13084:key-point-en-2 skg:text "用中文写的要点"@en }',
      "w2011.13084:key-point-en-2", "skg:text", "用中文写的要点",
      "text tagged @en is not written in that language (Chinese characters: true)"),
    C("skg:TranslationShape", "SPARQL",
      'DELETE { paper:2510.26802 skg:coreInnovation ?t } WHERE { paper:2510.26802 skg:coreInnovation ?t'
      ' FILTER (LANG(?t) = "zh") }',
      "paper:2510.26802", "skg:coreInnovation", expand("paper:2510.26802"),
      "has a coreInnovation in @en but not in @zh: translation missing", severity="warning"),
    C("skg:TranslationShape", "SPARQL",
      'DELETE { category:modality-consistency skos:scopeNote ?t } WHERE {'
      ' category:modality-consistency skos:scopeNote ?t FILTER (LANG(?t) = "en") }',
      "category:modality-consistency", "skos:scopeNote", expand("category:modality-consistency"),
      "has a scopeNote in @zh but not in @en: translation missing", severity="warning"),
    C("skg:KeyPointTranslationShape", "SPARQL",
      "DELETE { work:openai-sora skg:keyPoint ?k } WHERE { work:openai-sora skg:keyPoint ?k ."
      ' ?k skg:text ?t FILTER (LANG(?t) = "zh") }',
      "work:openai-sora", "skg:keyPoint", expand("work:openai-sora"),
      "has key points in @en but none in @zh: translation missing", severity="warning"),
    C("skg:OnTopicShape", "SPARQL",
      "DELETE WHERE { work:runway-gen-3-alpha schema:name ?n } ;"
      " DELETE WHERE { work:runway-gen-3-alpha schema:description ?d } ;"
      ' INSERT DATA { work:runway-gen-3-alpha schema:name "Detecting Objects in Photographs"@en ;'
      ' schema:description "Finds objects in photographs."@en , "在照片中寻找物体。"@zh }',
      "work:runway-gen-3-alpha", "schema:about", expand("category:world-models"),
      f"title and one-liner share no keyword with category {CAT}world-models: the work may be "
      "off-topic", severity="warning"),
    # ---------------------------------------------------------------- authorships, people, key points
    C("skg:AuthorshipShape/skg:author", "MinCount", "DELETE WHERE { w2011.13084:author-1 skg:author ?a }",
      "w2011.13084:author-1", "skg:author", None),
    C("skg:AuthorshipShape/skg:author", "MaxCount",
      "INSERT DATA { w2202.07925:author-1 skg:author person:yin-li }",
      "w2202.07925:author-1", "skg:author", None),
    C("skg:AuthorshipShape/skg:author", "NodeKind",
      "DELETE WHERE { w2211.13221:author-2 skg:author ?a } ;"
      ' INSERT DATA { w2211.13221:author-2 skg:author "Tianyu Yang" }',
      "w2211.13221:author-2", "skg:author", "Tianyu Yang"),
    C("skg:AuthorshipShape/skg:position", "MinCount",
      "DELETE WHERE { w2303.03378:author-2 skg:position ?p }",
      "w2303.03378:author-2", "skg:position", None),
    C("skg:AuthorshipShape/skg:position", "MaxCount",
      "INSERT DATA { w2307.07635:author-3 skg:position 99 }",
      "w2307.07635:author-3", "skg:position", None),
    C("skg:AuthorshipShape/skg:position", "Datatype",
      "DELETE WHERE { w2307.15818:author-1 skg:position ?p } ;"
      ' INSERT DATA { w2307.15818:author-1 skg:position "1" }',
      "w2307.15818:author-1", "skg:position", "1"),
    C("skg:AuthorshipShape/skg:position", "MinInclusive",
      "DELETE WHERE { w2309.17080:author-1 skg:position ?p } ;"
      " INSERT DATA { w2309.17080:author-1 skg:position 0 }",
      "w2309.17080:author-1", "skg:position", "0"),
    C("skg:AuthorshipShape/skg:printedName", "MinCount",
      "DELETE WHERE { w2310.08528:author-1 skg:printedName ?n }",
      "w2310.08528:author-1", "skg:printedName", None),
    C("skg:AuthorshipShape/skg:printedName", "MaxCount",
      'INSERT DATA { w2312.14132:author-1 skg:printedName "S. Wang" }',
      "w2312.14132:author-1", "skg:printedName", None),
    C("skg:AuthorshipShape/skg:printedName", "Datatype",
      "DELETE WHERE { w2503.03751:author-1 skg:printedName ?n } ;"
      ' INSERT DATA { w2503.03751:author-1 skg:printedName "Xuanchi Ren"@en }',
      "w2503.03751:author-1", "skg:printedName", "Xuanchi Ren"),
    C("skg:AuthorshipShape/skg:printedName", "Pattern",
      "DELETE WHERE { w2503.07265:author-1 skg:printedName ?n } ;"
      f' INSERT DATA {{ w2503.07265:author-1 skg:printedName "Yuwei{ZWSP}Niu" }}',
      "w2503.07265:author-1", "skg:printedName", f"Yuwei{ZWSP}Niu"),
    C("skg:PersonShape/schema:name", "MinCount", "DELETE WHERE { person:ziyu-guo schema:name ?n }",
      "person:ziyu-guo", "schema:name", None),
    C("skg:PersonShape/schema:name", "MaxCount", 'INSERT DATA { person:zhengqi-li schema:name "Z. Li" }',
      "person:zhengqi-li", "schema:name", None),
    C("skg:PersonShape/schema:name", "Datatype",
      "DELETE WHERE { person:simon-niklaus schema:name ?n } ;"
      ' INSERT DATA { person:simon-niklaus schema:name "Simon Niklaus"@en }',
      "person:simon-niklaus", "schema:name", "Simon Niklaus"),
    C("skg:PersonShape/schema:name", "Pattern",
      "DELETE WHERE { person:noah-snavely schema:name ?n } ;"
      f' INSERT DATA {{ person:noah-snavely schema:name "Noah {RLO}Snavely" }}',
      "person:noah-snavely", "schema:name", f"Noah {RLO}Snavely"),
    C("skg:KeyPointShape/skg:position", "MinCount",
      "DELETE WHERE { w2011.13084:key-point-zh-1 skg:position ?p }",
      "w2011.13084:key-point-zh-1", "skg:position", None),
    C("skg:KeyPointShape/skg:position", "MaxCount",
      "INSERT DATA { w2211.13221:key-point-zh-1 skg:position 9 }",
      "w2211.13221:key-point-zh-1", "skg:position", None),
    C("skg:KeyPointShape/skg:position", "Datatype",
      "DELETE WHERE { w2307.07635:key-point-en-1 skg:position ?p } ;"
      ' INSERT DATA { w2307.07635:key-point-en-1 skg:position "1" }',
      "w2307.07635:key-point-en-1", "skg:position", "1"),
    C("skg:KeyPointShape/skg:position", "MinInclusive",
      "DELETE WHERE { w2309.17080:key-point-zh-1 skg:position ?p } ;"
      " INSERT DATA { w2309.17080:key-point-zh-1 skg:position 0 }",
      "w2309.17080:key-point-zh-1", "skg:position", "0"),
    C("skg:KeyPointShape/skg:text", "MinCount",
      "DELETE WHERE { w2310.08528:key-point-en-4 skg:text ?t }",
      "w2310.08528:key-point-en-4", "skg:text", None),
    C("skg:KeyPointShape/skg:text", "MaxCount",
      'INSERT DATA { w2312.14132:key-point-en-4 skg:text "Another text."@en }',
      "w2312.14132:key-point-en-4", "skg:text", None),
    C("skg:KeyPointShape/skg:text", "Datatype",
      "DELETE WHERE { w2503.07265:key-point-en-1 skg:text ?t } ;"
      ' INSERT DATA { w2503.07265:key-point-en-1 skg:text "A plain key point" }',
      "w2503.07265:key-point-en-1", "skg:text", "A plain key point"),
    C("skg:FieldShape/skg:label", "MinCount", _field("2510.26802", 'skg:text "A remark."@en'),
      "w2510.26802:field-1", "skg:label", None),
    C("skg:FieldShape/skg:label", "MaxCount",
      _field("2011.13084", 'skg:label "Remark" , "Note" ; skg:text "A remark."@en'),
      "w2011.13084:field-1", "skg:label", None),
    C("skg:FieldShape/skg:label", "Datatype",
      _field("2202.07925", 'skg:label "Remark"@en ; skg:text "A remark."@en'),
      "w2202.07925:field-1", "skg:label", "Remark"),
    C("skg:FieldShape/skg:text", "MinCount", _field("2211.13221", 'skg:label "Remark"'),
      "w2211.13221:field-1", "skg:text", None),
    C("skg:FieldShape/skg:text", "MaxCount",
      _field("2303.03378", 'skg:label "Remark" ; skg:text "A remark."@en , "一条备注。"@zh'),
      "w2303.03378:field-1", "skg:text", None),
    C("skg:FieldShape/skg:text", "Datatype", _field("2307.07635", 'skg:label "Remark" ; skg:text "A remark."'),
      "w2307.07635:field-1", "skg:text", "A remark."),
    # ---------------------------------------------------------------- identifiers, code, sources
    C("skg:IdentifierShape/schema:propertyID", "MinCount",
      "DELETE WHERE { w2011.13084:doi schema:propertyID ?p }",
      "w2011.13084:doi", "schema:propertyID", None),
    C("skg:IdentifierShape/schema:propertyID", "MaxCount",
      'INSERT DATA { w2202.07925:doi schema:propertyID "arXiv" }',
      "w2202.07925:doi", "schema:propertyID", None),
    C("skg:IdentifierShape/schema:propertyID", "In",
      'DELETE WHERE { w2211.13221:doi schema:propertyID ?p } ;'
      ' INSERT DATA { w2211.13221:doi schema:propertyID "doi" }',
      "w2211.13221:doi", "schema:propertyID", "doi"),
    C("skg:IdentifierShape/schema:value", "MinCount", "DELETE WHERE { w2303.03378:doi schema:value ?v }",
      "w2303.03378:doi", "schema:value", None),
    C("skg:IdentifierShape/schema:value", "MaxCount",
      'INSERT DATA { w2307.07635:doi schema:value "10.1000/182" }',
      "w2307.07635:doi", "schema:value", None),
    C("skg:IdentifierShape/schema:value", "Datatype",
      "DELETE WHERE { w2307.15818:doi schema:value ?v } ;"
      ' INSERT DATA { w2307.15818:doi schema:value "10.48550/arXiv.2307.15818"@en }',
      "w2307.15818:doi", "schema:value", "10.48550/arXiv.2307.15818"),
    C("skg:DoiFormShape", "SPARQL",
      "DELETE WHERE { w2309.17080:doi schema:value ?v } ;"
      ' INSERT DATA { w2309.17080:doi schema:value "https://doi.org/10.48550/arXiv.2309.17080" }',
      "w2309.17080:doi", None, "https://doi.org/10.48550/arXiv.2309.17080",
      "the DOI https://doi.org/10.48550/arXiv.2309.17080 is not of the form 10.NNNN/suffix"),
    C("skg:CodeShape/schema:codeRepository", "MinCount",
      "DELETE WHERE { w2011.13084:code-1 schema:codeRepository ?r }",
      "w2011.13084:code-1", "schema:codeRepository", None),
    C("skg:CodeShape/schema:codeRepository", "MaxCount",
      "INSERT DATA { w2202.07925:code-1 schema:codeRepository <https://github.com/example/other> }",
      "w2202.07925:code-1", "schema:codeRepository", None),
    C("skg:CodeShape/schema:codeRepository", "NodeKind",
      "DELETE WHERE { w2211.13221:code-1 schema:codeRepository ?r } ;"
      ' INSERT DATA { w2211.13221:code-1 schema:codeRepository "https://github.com/example/lvdm" }',
      "w2211.13221:code-1", "schema:codeRepository", "https://github.com/example/lvdm"),
    C("skg:CodeShape/schema:codeRepository", "Pattern",
      "DELETE WHERE { w2307.07635:code-1 schema:codeRepository ?r } ;"
      " INSERT DATA { w2307.07635:code-1 schema:codeRepository <https://co-tracker.github.io/> }",
      "w2307.07635:code-1", "schema:codeRepository", "https://co-tracker.github.io/"),
    C("skg:CodeShape/schema:isBasedOn", "MinCount",
      "DELETE WHERE { w2310.08528:code-1 schema:isBasedOn ?w }",
      "w2310.08528:code-1", "schema:isBasedOn", None),
    C("skg:CodeShape/schema:isBasedOn", "Class",
      "DELETE WHERE { w2503.03751:code-1 schema:isBasedOn ?w } ;"
      " INSERT DATA { w2503.03751:code-1 schema:isBasedOn category:world-models }",
      "w2503.03751:code-1", "schema:isBasedOn", expand("category:world-models")),
    C("skg:SourceShape/skg:sourceFile", "MinCount",
      "DELETE WHERE { w2011.13084:source-1 skg:sourceFile ?f }",
      "w2011.13084:source-1", "skg:sourceFile", None),
    C("skg:SourceShape/skg:sourceFile", "MaxCount",
      'INSERT DATA { w2202.07925:source-1 skg:sourceFile "README.md" }',
      "w2202.07925:source-1", "skg:sourceFile", None),
    C("skg:SourceShape/skg:sourceFile", "Datatype",
      "DELETE WHERE { w2211.13221:source-1 skg:sourceFile ?f } ;"
      ' INSERT DATA { w2211.13221:source-1 skg:sourceFile "README.md"@en }',
      "w2211.13221:source-1", "skg:sourceFile", "README.md"),
    C("skg:SourceShape/skg:sourceLine", "MinCount",
      "DELETE WHERE { w2303.03378:source-1 skg:sourceLine ?l }",
      "w2303.03378:source-1", "skg:sourceLine", None),
    C("skg:SourceShape/skg:sourceLine", "MaxCount",
      "INSERT DATA { w2307.07635:source-1 skg:sourceLine 999 }",
      "w2307.07635:source-1", "skg:sourceLine", None),
    C("skg:SourceShape/skg:sourceLine", "Datatype",
      "DELETE WHERE { w2307.15818:source-1 skg:sourceLine ?l } ;"
      ' INSERT DATA { w2307.15818:source-1 skg:sourceLine "12" }',
      "w2307.15818:source-1", "skg:sourceLine", "12"),
    C("skg:SourceShape/skg:sourceLine", "MinInclusive",
      "DELETE WHERE { w2309.17080:source-1 skg:sourceLine ?l } ;"
      " INSERT DATA { w2309.17080:source-1 skg:sourceLine 0 }",
      "w2309.17080:source-1", "skg:sourceLine", "0"),
    # ---------------------------------------------------------------- venues
    C("skg:VenueShape/skg:acronym", "MinCount", "DELETE WHERE { venue:corl skg:acronym ?a }",
      "venue:corl", "skg:acronym", None),
    C("skg:VenueShape/skg:acronym", "MaxCount", "INSERT DATA { venue:eccv skg:acronym \"ECCV'24\" }",
      "venue:eccv", "skg:acronym", None),
    C("skg:VenueShape/skg:acronym", "Datatype",
      'DELETE WHERE { venue:iclr skg:acronym ?a } ; INSERT DATA { venue:iclr skg:acronym "ICLR"@en }',
      "venue:iclr", "skg:acronym", "ICLR"),
    C("skg:VenueShape/schema:name", "MinCount", "DELETE WHERE { venue:cvpr schema:name ?n }",
      "venue:cvpr", "schema:name", None),
    C("skg:VenueShape/schema:name", "UniqueLang",
      'INSERT DATA { venue:eccv schema:name "European Conf. on Computer Vision"@en }',
      "venue:eccv", "schema:name", None),
    C("skg:VenueShape/schema:name", "Datatype",
      'INSERT DATA { venue:iclr schema:name "ICLR conference" }',
      "venue:iclr", "schema:name", "ICLR conference"),
    C("skg:VenueShape/skg:venueKind", "MinCount", "DELETE WHERE { venue:arxiv skg:venueKind ?k }",
      "venue:arxiv", "skg:venueKind", None),
    C("skg:VenueShape/skg:venueKind", "MaxCount", "INSERT DATA { venue:cvpr skg:venueKind skg:Journal }",
      "venue:cvpr", "skg:venueKind", None),
    C("skg:VenueShape/skg:venueKind", "In",
      "DELETE WHERE { venue:corl skg:venueKind ?k } ; INSERT DATA { venue:corl skg:venueKind skg:Workshop }",
      "venue:corl", "skg:venueKind", expand("skg:Workshop")),
    C("skg:VenueShape/skg:alias", "Datatype", 'INSERT DATA { venue:arxiv skg:alias "arXiv.org"@en }',
      "venue:arxiv", "skg:alias", "arXiv.org"),
    # ---------------------------------------------------------------- categories, parts, scheme
    C("skg:CategoryShape/skos:prefLabel", "MinCount",
      "DELETE WHERE { category:world-models skos:prefLabel ?l }",
      "category:world-models", "skos:prefLabel", None),
    C("skg:CategoryShape/skos:prefLabel", "UniqueLang",
      'INSERT DATA { category:benchmarks-evaluation skos:prefLabel "Benchmarks"@en }',
      "category:benchmarks-evaluation", "skos:prefLabel", None),
    C("skg:CategoryShape/skos:prefLabel", "Datatype",
      'INSERT DATA { category:embodied-intelligence-systems skos:prefLabel "Embodied" }',
      "category:embodied-intelligence-systems", "skos:prefLabel", "Embodied"),
    C("skg:CategoryShape/skos:definition", "MinCount",
      "DELETE WHERE { category:modality-consistency skos:definition ?d }",
      "category:modality-consistency", "skos:definition", None),
    C("skg:CategoryShape/skos:definition", "UniqueLang",
      'INSERT DATA { category:modality-temporal-consistency skos:definition "另一个定义。"@zh }',
      "category:modality-temporal-consistency", "skos:definition", None),
    C("skg:CategoryShape/skos:definition", "Datatype",
      'INSERT DATA { category:spatial-temporal-consistency skos:definition "A plain definition" }',
      "category:spatial-temporal-consistency", "skos:definition", "A plain definition"),
    C("skg:CategoryShape/skos:scopeNote", "UniqueLang",
      'INSERT DATA { category:modality-consistency skos:scopeNote "A second note."@en }',
      "category:modality-consistency", "skos:scopeNote", None),
    C("skg:CategoryShape/skos:scopeNote", "Datatype",
      'INSERT DATA { category:world-models skos:scopeNote "A plain note" }',
      "category:world-models", "skos:scopeNote", "A plain note"),
    C("skg:CategoryShape/skg:introduction", "UniqueLang",
      'INSERT DATA { category:benchmarks-evaluation skg:introduction "A second introduction."@en }',
      "category:benchmarks-evaluation", "skg:introduction", None),
    C("skg:CategoryShape/skg:introduction", "Datatype",
      'INSERT DATA { category:embodied-intelligence-systems skg:introduction "A plain introduction" }',
      "category:embodied-intelligence-systems", "skg:introduction", "A plain introduction"),
    C("skg:CategoryShape/skg:keyword", "MinCount",
      "DELETE WHERE { category:modality-temporal-consistency skg:keyword ?k }",
      "category:modality-temporal-consistency", "skg:keyword", None),
    C("skg:CategoryShape/skg:keyword", "Datatype",
      'INSERT DATA { category:spatial-temporal-consistency skg:keyword "plain keyword" }',
      "category:spatial-temporal-consistency", "skg:keyword", "plain keyword"),
    C("skg:CategoryShape/skos:inScheme", "MinCount",
      "DELETE WHERE { category:world-models skos:inScheme ?s }",
      "category:world-models", "skos:inScheme", None),
    C("skg:CategoryShape/skos:inScheme", "Class",
      "DELETE WHERE { category:modality-consistency skos:inScheme ?s } ;"
      " INSERT DATA { category:modality-consistency skos:inScheme category:no-scheme }",
      "category:modality-consistency", "skos:inScheme", expand("category:no-scheme")),
    C("skg:CategoryShape/skos:broader", "Class",
      "INSERT DATA { category:benchmarks-evaluation skos:broader category:not-a-category }",
      "category:benchmarks-evaluation", "skos:broader", expand("category:not-a-category")),
    C("skg:CategoryShape/skos:notation", "MinCount",
      "DELETE WHERE { category:embodied-intelligence-systems skos:notation ?n }",
      "category:embodied-intelligence-systems", "skos:notation", None),
    C("skg:CategoryShape/skos:notation", "MaxCount",
      'INSERT DATA { category:modality-consistency skos:notation "10" }',
      "category:modality-consistency", "skos:notation", None),
    C("skg:CategoryShape/skos:notation", "Pattern",
      "DELETE WHERE { category:modality-temporal-consistency skos:notation ?n } ;"
      ' INSERT DATA { category:modality-temporal-consistency skos:notation "3a" }',
      "category:modality-temporal-consistency", "skos:notation", "3a"),
    C("skg:CategoryShape/skg:sectionPath", "MaxCount",
      'INSERT DATA { category:spatial-temporal-consistency skg:sectionPath "consisency-paper/other" }',
      "category:spatial-temporal-consistency", "skg:sectionPath", None),
    C("skg:CategoryShape/skg:sectionPath", "Datatype",
      "DELETE WHERE { category:world-models skg:sectionPath ?p } ;"
      ' INSERT DATA { category:world-models skg:sectionPath "consisency-paper/world-models"@en }',
      "category:world-models", "skg:sectionPath", "consisency-paper/world-models"),
    C("skg:CategoryShape/skg:sectionPath", "Pattern",
      "DELETE WHERE { category:benchmarks-evaluation skg:sectionPath ?p } ;"
      ' INSERT DATA { category:benchmarks-evaluation skg:sectionPath "/etc" }',
      "category:benchmarks-evaluation", "skg:sectionPath", "/etc"),
    C("skg:SectionPathShape", "SPARQL",
      "DELETE WHERE { category:embodied-intelligence-systems skg:sectionPath ?p } ;"
      ' INSERT DATA { category:embodied-intelligence-systems skg:sectionPath "consisency-paper/../../etc" }',
      "category:embodied-intelligence-systems", None, "consisency-paper/../../etc",
      "the section folder consisency-paper/../../etc leads out of the survey (a '.' or '..' "
      "segment)"),
    C("skg:SectionPathShape", "SPARQL",
      "DELETE WHERE { category:modality-consistency skg:sectionPath ?p } ;"
      ' INSERT DATA { category:modality-consistency skg:sectionPath'
      ' "consisency-paper/spatial-temporal-consistency" }',
      "category:modality-consistency", None, "consisency-paper/spatial-temporal-consistency",
      "the section folder consisency-paper/spatial-temporal-consistency is also "
      f"{CAT}spatial-temporal-consistency's"),
    C("skg:IntroductionMarkupShape", "SPARQL",
      'DELETE { category:world-models skg:introduction ?i } WHERE { category:world-models'
      ' skg:introduction ?i FILTER (LANG(?i) = "en") } ;'
      ' INSERT DATA { category:world-models skg:introduction "See <script>alert(1)</script>."@en }',
      "category:world-models", "skg:introduction", "See <script>alert(1)</script>.",
      "the introduction holds raw HTML or a link that is not http(s): See <script>alert(1)</script>."),
    C("skg:IntroductionMarkupShape", "SPARQL",
      'DELETE { category:scheme skg:introduction ?i } WHERE { category:scheme'
      ' skg:introduction ?i FILTER (LANG(?i) = "en") } ;'
      ' INSERT DATA { category:scheme skg:introduction "A [link](javascript:alert(1))."@en }',
      "category:scheme", "skg:introduction", "A [link](javascript:alert(1)).",
      "the introduction holds raw HTML or a link that is not http(s): A [link](javascript:alert(1))."),
    C("skg:CollectionShape/skos:prefLabel", "MinCount",
      "DELETE WHERE { category:independent-exploration-specialized-models skos:prefLabel ?l }",
      "category:independent-exploration-specialized-models", "skos:prefLabel", None),
    C("skg:CollectionShape/skos:prefLabel", "UniqueLang",
      'INSERT DATA { category:preliminary-integration-unified-multimodal-models skos:prefLabel'
      ' "Preliminary Integration"@en }',
      "category:preliminary-integration-unified-multimodal-models", "skos:prefLabel", None),
    C("skg:CollectionShape/skos:prefLabel", "Datatype",
      'INSERT DATA { category:the-trinity-prototype-emerging-world-models skos:prefLabel "Trinity" }',
      "category:the-trinity-prototype-emerging-world-models", "skos:prefLabel", "Trinity"),
    C("skg:CollectionShape/skos:member", "MinCount",
      "DELETE WHERE { category:preliminary-integration-unified-multimodal-models skos:member ?m }",
      "category:preliminary-integration-unified-multimodal-models", "skos:member", None),
    C("skg:CollectionShape/skos:member", "Class",
      "INSERT DATA { category:the-trinity-prototype-emerging-world-models skos:member"
      " category:independent-exploration-specialized-models }",
      "category:the-trinity-prototype-emerging-world-models", "skos:member",
      expand("category:independent-exploration-specialized-models")),
    C("skg:CollectionShape/skos:notation", "MinCount",
      "DELETE WHERE { category:the-trinity-prototype-emerging-world-models skos:notation ?n }",
      "category:the-trinity-prototype-emerging-world-models", "skos:notation", None),
    C("skg:CollectionShape/skos:notation", "MaxCount",
      'INSERT DATA { category:independent-exploration-specialized-models skos:notation "7" }',
      "category:independent-exploration-specialized-models", "skos:notation", None),
    C("skg:CollectionShape/skos:notation", "Pattern",
      "DELETE WHERE { category:preliminary-integration-unified-multimodal-models skos:notation ?n } ;"
      ' INSERT DATA { category:preliminary-integration-unified-multimodal-models skos:notation "2.1" }',
      "category:preliminary-integration-unified-multimodal-models", "skos:notation", "2.1"),
    C("skg:SchemeShape/skos:prefLabel", "MinCount", "DELETE WHERE { category:scheme skos:prefLabel ?l }",
      "category:scheme", "skos:prefLabel", None),
    C("skg:SchemeShape/skos:prefLabel", "UniqueLang",
      'INSERT DATA { category:scheme skos:prefLabel "Awesome World Model Evolution"@en }',
      "category:scheme", "skos:prefLabel", None),
    C("skg:SchemeShape/skos:prefLabel", "Datatype",
      'INSERT DATA { category:scheme skos:prefLabel "A plain title" }',
      "category:scheme", "skos:prefLabel", "A plain title"),
    # ---------------------------------------------------------------- the dataset
    C("skg:DatasetShape/dcterms:title", "MinCount", f"DELETE WHERE {{ {DATASET} dcterms:title ?t }}",
      DATASET, "dcterms:title", None),
    C("skg:DatasetShape/dcterms:title", "UniqueLang",
      f'INSERT DATA {{ {DATASET} dcterms:title "Another title"@en }}', DATASET, "dcterms:title", None),
    C("skg:DatasetShape/dcterms:title", "Datatype",
      f'INSERT DATA {{ {DATASET} dcterms:title "A plain title" }}', DATASET, "dcterms:title",
      "A plain title"),
    C("skg:DatasetShape/dcterms:description", "MinCount",
      f"DELETE WHERE {{ {DATASET} dcterms:description ?d }}", DATASET, "dcterms:description", None),
    C("skg:DatasetShape/dcterms:description", "UniqueLang",
      f'INSERT DATA {{ {DATASET} dcterms:description "另一个描述。"@zh }}', DATASET,
      "dcterms:description", None),
    C("skg:DatasetShape/dcterms:description", "Datatype",
      f'INSERT DATA {{ {DATASET} dcterms:description "A plain description" }}', DATASET,
      "dcterms:description", "A plain description"),
    C("skg:DatasetShape/dcterms:license", "MinCount", f"DELETE WHERE {{ {DATASET} dcterms:license ?l }}",
      DATASET, "dcterms:license", None),
    C("skg:DatasetShape/dcterms:license", "MaxCount",
      f"INSERT DATA {{ {DATASET} dcterms:license <http://spdx.org/licenses/CC-BY-4.0> }}", DATASET,
      "dcterms:license", None),
    C("skg:DatasetShape/dcterms:license", "NodeKind",
      f'DELETE WHERE {{ {DATASET} dcterms:license ?l }} ; INSERT DATA {{ {DATASET} dcterms:license "MIT" }}',
      DATASET, "dcterms:license", "MIT"),
    C("skg:DatasetShape/dcterms:rights", "MinCount", f"DELETE WHERE {{ {DATASET} dcterms:rights ?r }}",
      DATASET, "dcterms:rights", None),
    C("skg:DatasetShape/dcterms:rights", "NodeKind",
      f'INSERT DATA {{ {DATASET} dcterms:rights "All rights reserved" }}', DATASET, "dcterms:rights",
      "All rights reserved"),
    C("skg:DatasetShape/dcterms:publisher", "MinCount",
      f"DELETE WHERE {{ {DATASET} dcterms:publisher ?p }}", DATASET, "dcterms:publisher", None),
    C("skg:DatasetShape/dcterms:publisher", "MaxCount",
      f"INSERT DATA {{ {DATASET} dcterms:publisher <https://w3id.org/survey-kg/curators> }}", DATASET,
      "dcterms:publisher", None),
    C("skg:DatasetShape/dcterms:publisher", "NodeKind",
      f'DELETE WHERE {{ {DATASET} dcterms:publisher ?p }} ;'
      f' INSERT DATA {{ {DATASET} dcterms:publisher "opendatalab" }}',
      DATASET, "dcterms:publisher", "opendatalab"),
    C("skg:DatasetShape/dcat:contactPoint", "MinCount",
      f"DELETE WHERE {{ {DATASET} dcat:contactPoint ?c }}", DATASET, "dcat:contactPoint", None),
    C("skg:DatasetShape/dcat:contactPoint", "NodeKind",
      f'INSERT DATA {{ {DATASET} dcat:contactPoint "mail us" }}', DATASET, "dcat:contactPoint",
      "mail us"),
    C("skg:DatasetShape/dcat:keyword", "MinCount", f"DELETE WHERE {{ {DATASET} dcat:keyword ?k }}",
      DATASET, "dcat:keyword", None),
    C("skg:DatasetShape/dcat:keyword", "Datatype",
      f'INSERT DATA {{ {DATASET} dcat:keyword "plain keyword" }}', DATASET, "dcat:keyword",
      "plain keyword"),
    C("skg:DatasetShape/dcterms:language", "MinCount",
      f"DELETE WHERE {{ {DATASET} dcterms:language ?l }}", DATASET, "dcterms:language", None),
    C("skg:DatasetShape/dcterms:language", "NodeKind",
      f'INSERT DATA {{ {DATASET} dcterms:language "ENG" }}', DATASET, "dcterms:language", "ENG"),
    C("skg:DatasetShape/dcterms:language", "Pattern",
      f"INSERT DATA {{ {DATASET} dcterms:language <http://id.loc.gov/vocabulary/iso639-1/en> }}",
      DATASET, "dcterms:language", "http://id.loc.gov/vocabulary/iso639-1/en"),
    C("skg:DatasetShape/dcat:landingPage", "MinCount",
      f"DELETE WHERE {{ {DATASET} dcat:landingPage ?p }}", DATASET, "dcat:landingPage", None),
    C("skg:DatasetShape/dcat:landingPage", "NodeKind",
      f'INSERT DATA {{ {DATASET} dcat:landingPage "the repository" }}', DATASET, "dcat:landingPage",
      "the repository"),
    C("skg:DatasetShape/dcterms:conformsTo", "MinCount",
      f"DELETE WHERE {{ {DATASET} dcterms:conformsTo ?s }}", DATASET, "dcterms:conformsTo", None),
    C("skg:DatasetShape/dcterms:conformsTo", "NodeKind",
      f'INSERT DATA {{ {DATASET} dcterms:conformsTo "SHACL" }}', DATASET, "dcterms:conformsTo", "SHACL"),
    C("skg:DatasetShape/dcterms:source", "MinCount", f"DELETE WHERE {{ {DATASET} dcterms:source ?s }}",
      DATASET, "dcterms:source", None),
    C("skg:DatasetShape/dcterms:source", "NodeKind",
      f'INSERT DATA {{ {DATASET} dcterms:source "GitHub" }}', DATASET, "dcterms:source", "GitHub"),
    C("skg:DatasetShape/dcterms:source", "Pattern",
      f"INSERT DATA {{ {DATASET} dcterms:source <https://github.com/opendatalab-raiser/awesome-world-model-evolution> }}",
      DATASET, "dcterms:source", "https://github.com/opendatalab-raiser/awesome-world-model-evolution"),
    C("skg:DatasetShape/dcterms:issued", "MinCount", f"DELETE WHERE {{ {DATASET} dcterms:issued ?d }}",
      DATASET, "dcterms:issued", None),
    C("skg:DatasetShape/dcterms:issued", "MaxCount",
      f'INSERT DATA {{ {DATASET} dcterms:issued "2026-11-25"^^xsd:date }}', DATASET, "dcterms:issued",
      None),
    C("skg:DatasetShape/dcterms:issued", "Datatype",
      f'DELETE WHERE {{ {DATASET} dcterms:issued ?d }} ;'
      f' INSERT DATA {{ {DATASET} dcterms:issued "2026-11-24" }}',
      DATASET, "dcterms:issued", "2026-11-24"),
    C("skg:DatasetShape/dcterms:modified", "MinCount",
      f"DELETE WHERE {{ {DATASET} dcterms:modified ?d }}", DATASET, "dcterms:modified", None),
    C("skg:DatasetShape/dcterms:modified", "MaxCount",
      f'INSERT DATA {{ {DATASET} dcterms:modified "2026-12-02"^^xsd:date }}', DATASET,
      "dcterms:modified", None),
    C("skg:DatasetShape/dcterms:modified", "Datatype",
      f'DELETE WHERE {{ {DATASET} dcterms:modified ?d }} ;'
      f' INSERT DATA {{ {DATASET} dcterms:modified "2026"^^xsd:gYear }}',
      DATASET, "dcterms:modified", "2026"),
    # ---------------------------------------------------------------- vocabulary and the graph
    C("skg:KnownTermsShape", "Closed", 'INSERT DATA { paper:2011.13084 schema:descripton "A typo."@en }',
      "paper:2011.13084", "schema:descripton", "A typo."),
    C("skg:KnownClassShape", "In", "INSERT DATA { paper:2202.07925 a schema:ScholarlyArtcle }",
      "paper:2202.07925", "rdf:type", expand("schema:ScholarlyArtcle")),
    # graph-wide rules: the focus is the graph's node (sh:targetNode), the value what is wrong
    C("skg:TypedSubjectShape", "SPARQL", 'INSERT DATA { paper:2303.0337 schema:name "A misspelt IRI"@en }',
      "graph:", None, expand("paper:2303.0337"),
      "is described but has no type: no rule checks it and no query finds it"),
    C("skg:NoBlankNodeShape", "SPARQL",
      'INSERT DATA { paper:2307.15818 prov:wasDerivedFrom [ a prov:Entity ; skg:sourceFile "README.md" ;'
      " skg:sourceLine 3 ] }",
      "graph:", None, "_:",
      f"a blank node is described ({PREFIXES['rdf']}type): give it an IRI"),
]

COMPONENTS = {"minCount": "MinCount", "maxCount": "MaxCount", "uniqueLang": "UniqueLang",
              "datatype": "Datatype", "class": "Class", "nodeKind": "NodeKind",
              "pattern": "Pattern", "in": "In", "minInclusive": "MinInclusive",
              "maxInclusive": "MaxInclusive", "minExclusive": "MinExclusive",
              "maxExclusive": "MaxExclusive"}
assert set(COMPONENTS) == {"minCount", "maxCount", "uniqueLang", *VALUE_PARAMETERS}


def _templates(rules, rule: str) -> list[str]:
    """The messages of the SPARQL constraints of the shape named `rule`."""
    return [rules.value(c, sh("message")).value
            for c in rules.objects(named(rule), sh("sparql"))]


def _template_of(rules, case: Case) -> str | None:
    """The SPARQL constraint of the case's shape whose message template the case's message fits."""
    if case.component != "SPARQL":
        return None
    fits = [t for t in _templates(rules, case.rule)
            if re.fullmatch(re.sub(r"\\\{\\\?\w+\\\}", ".*", re.escape(t)), case.message, re.S)]
    assert len(fits) == 1, (case.rule, case.message, fits)
    return fits[0]


def constraint_keys(rules) -> set[tuple]:
    """(rule, component, SPARQL message template) of every constraint of the shapes."""
    keys = set()
    for shape in rules.subjects(RDF_TYPE, sh("NodeShape")):
        rule = _rule_name(rules, shape)
        if rules.value(shape, sh("closed")) is not None:
            keys.add((rule, "Closed", None))
        for constraint in rules.objects(shape, sh("sparql")):
            keys.add((rule, "SPARQL", rules.value(constraint, sh("message")).value))
        for prop in rules.objects(shape, sh("property")):
            for parameter, component in COMPONENTS.items():
                if rules.value(prop, sh(parameter)) is not None:
                    keys.add((_rule_name(rules, prop), component, None))
    return keys


def case_key(rules, case: Case) -> tuple:
    return case.rule, case.component, _template_of(rules, case)


def _expected_message(rules, case: Case) -> str:
    if case.message is not None:
        return case.message
    named_so = [s for s in (*rules.subjects(sh("path")), *rules.subjects(sh("closed")))
                if _rule_name(rules, s) == case.rule]
    assert len(named_so) == 1, case.rule
    return rules.value(named_so[0], sh("message")).value


def hits(report, rules, case: Case) -> list:
    """The report's findings that are the case's result."""
    message = _expected_message(rules, case)
    template = _template_of(rules, case)
    found = []
    for f in report.findings:
        value = f.value.value if f.value is not None else None
        if isinstance(f.value, ox.BlankNode) and case.value == "_:":
            value = "_:"
        if (_rule_name(rules, f.shape) == case.rule
                and f.component == sh(case.component + "ConstraintComponent")
                and f.severity == sh(case.severity.capitalize())
                and f.focus.value == expand(case.focus)
                and (f.path.value if f.path is not None else None) == expand(case.path)
                and value == case.value and f.message == message
                and (template is None or rules.value(f.constraint, sh("message")).value == template)):
            found.append(f)
    return found


def store_for(cases, small_files) -> ox.Store:
    """The small survey with the cases' changes: fixture files replace the work files they
    name, then the updates run in order."""
    replaced = {case.replaces: case.change for case in cases if case.replaces}
    assert len(replaced) == len({(c.replaces, c.change) for c in cases if c.replaces}), \
        "two fixture files replace one work"
    files = [f for f in small_files if not (f.parent.name == "works" and f.stem in replaced)]
    store = load(files + [RULES / name for name in replaced.values()])
    for case in cases:
        if not case.replaces:
            store.update(UPDATE_PREFIXES + case.change)
    return store


def _id(case: Case) -> str:
    return f"{case.rule}-{case.component}-{CASES.index(case)}"


def test_the_small_survey_has_no_violation(valid_store):
    report = validate(valid_store)
    assert report.conforms and report.violations == []
    assert sorted((r.rule, r.focus.rsplit("/", 1)[-1], r.path.rsplit("/", 1)[-1])
                  for r in report.warnings) == [
        ("skg:OnTopicShape", "2202.07925", "about"),
        ("skg:TranslationShape", "2202.07925", "abstract"),
        ("skg:TranslationShape", "2202.07925", "description"),
        ("skg:TranslationShape", "2211.13221", "description"),
        ("skg:TranslationShape", "2503.03751", "description"),
    ]


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_the_case_breaks_its_rule(case, small_files):
    report = validate(store_for([case], small_files))
    rules = shapes()
    found = hits(report, rules, case)
    assert len(found) == 1, (case, sorted(
        (f.message, f.focus.value, str(f.path), str(f.value)) for f in report.findings
        if _rule_name(rules, f.shape) == case.rule))
    result = [r for r in report.results if r.rule == case.rule and r.message == found[0].message]
    assert result and all(r.fix for r in result), "every result says how to fix it"
    assert report.conforms == (case.severity != "violation")


def test_every_constraint_has_a_case():
    rules = shapes()
    assert len(constraint_keys(rules)) > 200
    assert {case_key(rules, case) for case in CASES} == constraint_keys(rules)
    node_shapes = {_rule_name(rules, s) for s in rules.subjects(RDF_TYPE, sh("NodeShape"))}
    assert len(node_shapes) >= 36
    assert node_shapes <= {case.rule.split("/")[0] for case in CASES} | {"skg:WorkShape"}


UPDATES = [case for case in CASES if not case.replaces]
GROUPS = [UPDATES[0::3], UPDATES[1::3], UPDATES[2::3], [case for case in CASES if case.replaces]]


@pytest.mark.usefixtures("faster_rdflib_queries")
@pytest.mark.parametrize("group", range(len(GROUPS)))
def test_the_engine_agrees_with_pyshacl_on_the_cases(group, small_files):
    """pyshacl on the small survey with a group of cases applied (a third of the updates, or
    the fixture files) reports exactly what survey-kg reports (severity, focus, path, value,
    message, shape, component, constraint), and each of those cases' results is among them."""
    cases = GROUPS[group]
    store = store_for(cases, small_files)
    report, found, reference = compare(store)
    assert found == reference
    rules = small_graph(shapes_graph())
    assert [case for case in cases if not hits(report, rules, case)] == []


def test_shapes_pass_shacl_for_shacl():
    import pyshacl

    # meta_shacl validates the shapes graph against the SHACL-for-SHACL shapes first and raises
    # if it is not a valid shapes graph.
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=shapes_graph(), meta_shacl=True,
                                         advanced=True)
    assert conforms, text


def test_the_vocabulary_rules_allow_exactly_the_terms_the_ontology_declares():
    onto, graph = ontology(), shapes()
    properties = {term for kind in ("owl:ObjectProperty", "owl:DatatypeProperty",
                                    "owl:AnnotationProperty")
                  for term in onto.subjects(RDF_TYPE, named(kind))}
    classes = set(onto.subjects(RDF_TYPE, named("owl:Class")))
    allowed_properties = set(graph.members(graph.value(named("skg:KnownTermsShape"),
                                                       sh("ignoredProperties"))))
    allowed_classes = set(graph.members(graph.value(named("skg:KnownClassShape"), sh("in"))))
    assert len(properties) > 40 and len(classes) > 15
    assert allowed_properties - {RDF_TYPE} == properties, (
        f"declare in the ontology: {allowed_properties - {RDF_TYPE} - properties}; "
        f"add to skg:KnownTermsShape: {properties - allowed_properties}")
    assert allowed_classes == classes, (
        f"declare in the ontology: {allowed_classes - classes}; "
        f"add to skg:KnownClassShape: {classes - allowed_classes}")


# ---------------------------------------------------------------- edges of single rules

def _validate_with(small_files, update: str):
    store = load(small_files)
    store.update(UPDATE_PREFIXES + update)
    return validate(store)


@pytest.mark.parametrize("date,reported", [
    ('"2022"^^xsd:gYear', False),          # the year of the ID
    ('"2021-12"^^xsd:gYearMonth', False),  # an ID of January: submitted in December before
    ('"2021-11-30"^^xsd:date', True),
    ('"2021"^^xsd:gYear', True),
])
def test_a_paper_is_not_published_before_its_arxiv_id(small_files, date, reported):
    """A January ID (2201.*) may be of a paper submitted, and published, in December."""
    report = _validate_with(
        small_files,
        "DELETE WHERE { w2202.07925:arxiv schema:value ?v } ;"
        ' INSERT DATA { w2202.07925:arxiv schema:value "2201.07925" } ;'
        "DELETE WHERE { paper:2202.07925 schema:datePublished ?d } ;"
        f" INSERT DATA {{ paper:2202.07925 schema:datePublished {date} }}")
    years = [r for r in report.violations if r.rule == "skg:YearAfterArxivShape"]
    assert bool(years) == reported


@pytest.mark.parametrize("link", [
    "https://arxiv.org/abs/2011.13084v3", "http://export.arxiv.org/abs/2011.13084",
    "https://arxiv.org/pdf/2011.13084v1.pdf", "https://www.arxiv.org/html/2011.13084v2/",
    "https://arxiv.org/abs/2011.13084?context=cs", "https://github.com/zhengqili/x/2011.13085"])
def test_a_link_to_the_ids_page_in_any_form_agrees(small_files, link):
    """Versions, the PDF, the HTML page and query strings are the same ID; a link to another
    host is no arXiv link."""
    report = _validate_with(small_files, f"INSERT DATA {{ paper:2011.13084 rdfs:seeAlso <{link}> ;"
                                         f" schema:sameAs <{link}> }}")
    assert [r.message for r in report.violations] == []


def test_each_author_position_gap_and_repeat_is_reported(small_files):
    report = _validate_with(
        small_files,
        "DELETE WHERE { w2202.07925:author-1 skg:position ?p } ;"
        " DELETE WHERE { w2202.07925:author-2 skg:position ?q } ;"
        " INSERT DATA { w2202.07925:author-1 skg:position 2 . w2202.07925:author-2 skg:position 2 }")
    assert sorted((r.rule, r.value.rsplit("/", 1)[-1], r.message.split()[2])
                  for r in report.violations) == [
        ("skg:AuthorPositionGapShape", "author-1", "2"),
        ("skg:AuthorPositionGapShape", "author-2", "2"),
        ("skg:AuthorPositionRepeatShape", "author-1", "2"),
        ("skg:AuthorPositionRepeatShape", "author-2", "2"),
    ]
