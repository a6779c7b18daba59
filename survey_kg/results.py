"""Query rows as text: an aligned table for people, the W3C SPARQL 1.1 results formats (JSON, CSV,
TSV), and JSON Lines for tools that read one record per line."""

from __future__ import annotations

import csv
import io
import json
import math
import unicodedata

import pyoxigraph as ox

from .paths import PREFIXES
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


NUMBERS = {PREFIXES["xsd"] + name: kind for kind, names in (
    (int, "integer int long short byte nonNegativeInteger positiveInteger nonPositiveInteger "
          "negativeInteger unsignedLong unsignedInt unsignedShort unsignedByte"),
    (float, "decimal double float")) for name in names.split()}


def _plain(term):
    """A term as a plain JSON value: an IRI or a text as a string, a number or a boolean as
    one, a blank node as _:label."""
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal) and not term.language:
        kind = NUMBERS.get(term.datatype.value)
        try:
            if kind is not None and math.isfinite(value := kind(term.value)):
                return value
        except ValueError:  # an ill-typed literal stays its text
            pass
        if term.datatype.value == PREFIXES["xsd"] + "boolean" and term.value in BOOLEANS:
            return BOOLEANS[term.value]
    return term.value


BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def to_jsonl(rows: Rows) -> str:
    """JSON Lines, as sqlite-utils writes rows (--nl): one object per row, the query's variables
    as keys in their order, values plain (see `_plain`; unbound: null). Language tags and
    datatypes are left out: the W3C JSON format keeps them."""
    return "".join(json.dumps({name: _plain(term) for name, term in row.items()},
                              ensure_ascii=False) + "\n" for row in rows.rows)


def _width(text: str) -> int:
    """Columns the text takes in a terminal: East Asian wide characters two, combining and
    format characters none."""
    if text.isascii():
        return len(text)
    return sum(0 if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf")
               else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str, width: int) -> str:
    """The text cut to `width` columns, ending in "…" when it was cut."""
    if _width(text) <= width:
        return text
    kept, used = [], 0
    for c in text:
        used += _width(c)
        if used > width - 1:
            break
        kept.append(c)
    return "".join(kept) + "…"


GAP = "  "
NARROWEST = 6  # a cut column keeps at least this many columns (or its name's)


def to_table(rows: Rows, width: int | None = None) -> str:
    """Aligned columns for people, fitted into `width` terminal columns: when the table is
    wider, the widest columns are narrowed in turn and their long values cut with "…".
    `width=None`: never cut."""
    def text(term) -> str:
        return "" if term is None else " ".join(term.value.split())
    table = [list(rows.vars)] + [[text(term) for term in row] for row in rows.rows]
    widths = [max(_width(r[i]) for r in table) for i in range(len(rows.vars))]
    if width is not None:
        floors = [min(w, max(NARROWEST, _width(name))) for w, name in zip(widths, rows.vars)]
        excess = sum(widths) + len(GAP) * (len(widths) - 1) - width
        while excess > 0:
            narrower = [k for k, w in enumerate(widths) if w > floors[k]]
            if not narrower:
                break
            widths[max(narrower, key=widths.__getitem__)] -= 1
            excess -= 1

    def cell(value: str, size: int) -> str:
        value = _fit(value, size)
        return value + " " * (size - _width(value))
    lines = [GAP.join(map(cell, r, widths)).rstrip() for r in table]
    lines.insert(1, GAP.join("-" * w for w in widths))
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


FORMATS = {"table": to_table, "csv": to_csv, "tsv": to_tsv, "json": to_json,
           "jsonl": to_jsonl}


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
        datatype, value = b.get("datatype"), b["value"]
        if datatype == PREFIXES["xsd"] + "boolean" and value in ("1", "0"):
            # Virtuoso writes 1/0: the canonical form, as a local run gives
            value = "true" if value == "1" else "false"
        return ox.Literal(value, datatype=ox.NamedNode(datatype) if datatype else None)
    names = list(doc["head"]["vars"])
    make = row_type(names)
    bindings = doc["results"]["bindings"]
    return Rows(names, [make(term(b[n]) if n in b else None for n in names) for b in bindings])
