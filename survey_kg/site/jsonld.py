"""The schema.org descriptions the pages embed as JSON-LD, from the rows the pages have.

A work page describes its work (name, authors in order, date, one-liner, identifiers, links,
categories, source code), the home page the dataset: the facts of the dumps in the terms
schema.org consumers (search engines' structured-data extractors) read. Only http(s) links are
kept (`safe_url`); the page writes the object with Jinja's `tojson`, which escapes `<`, `>`,
`&` and `'`, so no value can end the script element.
"""

from __future__ import annotations

import jinja2

from ..render.markdown import safe_url, term_text

CONTEXT = "https://schema.org"


def _text(value) -> str | None:
    return None if value is None else term_text(value)


def _url(value) -> str | None:
    return None if value is None else safe_url(value)


@jinja2.pass_context
def work_description(context, work) -> dict:
    """The work's JSON-LD: a ScholarlyArticle (or SoftwareApplication) and the
    SoftwareSourceCode based on it, in one @graph."""
    row = context["works"].lookup("work", work)[0]
    people = context["people"]
    authors = []
    for authorship in context["authors"].lookup("work", work):
        person = people.lookup("author", authorship.author)
        kind = _text(person[0].kind) if person else "person"
        name = person[0].name if person else None  # else the name printed on the work
        authors.append({"@id": authorship.author.value,
                        "@type": "Organization" if kind == "organization" else "Person",
                        "name": term_text(authorship.name if name is None else name)})
    node = {"@id": work.value,
            "@type": "SoftwareApplication" if _text(row.kind) == "product" else "ScholarlyArticle",
            "name": _text(row.title), "author": authors}
    optional = {"datePublished": _text(row.date), "description": _text(row.oneLiner)}
    identifiers, same_as = [], []
    for found in context["identifiers"].lookup("work", work):
        if found.identifier is not None:
            identifiers.append({"@id": term_text(found.identifier), "@type": "PropertyValue",
                                "propertyID": _text(found.propertyID),
                                "value": _text(found.value)})
        elif (url := _url(found.sameAs)) is not None:
            same_as.append(url)
    papers = [url for link in context["links"].lookup("work", work)
              if _text(link.kind) == "paper" and (url := _url(link.url)) is not None]
    about = [{"@id": member.category.value}
             for member in context["memberships"].lookup("work", work)]
    optional.update(identifier=identifiers, sameAs=same_as, url=papers[0] if papers else None,
                    about=about)
    node.update((key, value) for key, value in optional.items() if value)
    graph = [node]
    for code in context["code"].lookup("work", work):
        repository = _url(code.repository)
        if repository:
            graph.append({"@id": code.code.value, "@type": "SoftwareSourceCode",
                          "codeRepository": repository, "isBasedOn": {"@id": work.value}})
    return {"@context": CONTEXT, "@graph": graph}


@jinja2.pass_context
def dataset_description(context) -> dict | None:
    """The dataset's JSON-LD (a schema:Dataset), from data/dataset.ttl's description."""
    rows = context["dataset"]
    if not rows:
        return None
    row = rows[0]
    node = {"@context": CONTEXT, "@type": "Dataset", "@id": term_text(row.get("dataset")),
            "name": _text(row.get("title")), "description": _text(row.get("description")),
            "inLanguage": list(context["languages"])}
    optional = {"license": _url(row.get("license")), "url": _url(row.get("landingPage")),
                "isBasedOn": _url(row.get("source")), "datePublished": _text(row.get("issued")),
                "dateModified": _text(row.get("modified")),
                "keywords": [term_text(k.get("keyword"))
                             for k in context["keywords"].lookup("dataset", row.get("dataset"))]}
    for role in ("creator", "publisher"):
        if row.get(role) is not None:
            optional[role] = {"@type": "Organization", "@id": term_text(row.get(role)),
                              "name": _text(row.get(role + "Name"))}
    node.update((key, value) for key, value in optional.items() if value)
    return node
