"""Query rows as text: an aligned table for people, and the W3C SPARQL 1.1 results formats."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox

from .queries import Rows, row_type
from .rdf import XSD_STRING


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def to_json(rows: Rows) -> str:
    """W3C SPARQL 1.1 Query Results JSON."""
    bindings = [{name: _json_term(term) for name, term in row.items() if term is not None}
                for row in rows.rows]
    return json.dumps({"head": {"vars": rows.vars}, "results": {"bindings": bindings}},
                      ensure_ascii=False, indent=2) + "\n"


def to_csv(rows: Rows) -> str:
    """W3C SPARQL 1.1 Query Results CSV: plain values, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(rows.vars)
    for row in rows.rows:
        writer.writerow(["" if term is None else term.value for term in row])
    return out.getvalue()


def to_tsv(rows: Rows) -> str:
    """W3C SPARQL 1.1 Query Results TSV: RDF terms in Turtle (N-Triples) syntax."""
    lines = ["\t".join(f"?{v}" for v in rows.vars)]
    lines += ["\t".join("" if term is None else str(term) for term in row) for row in rows.rows]
    return "\n".join(lines) + "\n"


def to_table(rows: Rows, width: int = 60) -> str:
    """Aligned columns for people; long values are cut."""
    def cell(term) -> str:
        text = "" if term is None else " ".join(term.value.split())
        return text if len(text) <= width else text[: width - 1] + "…"
    table = [rows.vars] + [[cell(term) for term in row] for row in rows.rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(rows.vars))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


FORMATS = {"table": to_table, "csv": to_csv, "tsv": to_tsv, "json": to_json}


def rows_from_json(doc: dict) -> Rows:
    """Rows from W3C SPARQL results JSON (what a remote endpoint answers)."""
    def term(b: dict):
        kind = b.get("type")
        if kind == "uri":
            return ox.NamedNode(b["value"])
        if kind == "bnode":
            return ox.BlankNode(b["value"])
        if "xml:lang" in b:
            return ox.Literal(b["value"], language=b["xml:lang"])
        datatype = b.get("datatype")
        return ox.Literal(b["value"], datatype=ox.NamedNode(datatype) if datatype else None)
    names = list(doc["head"]["vars"])
    make = row_type(names)
    bindings = doc["results"]["bindings"]
    return Rows(names, [make(term(b[n]) if n in b else None for n in names) for b in bindings])
