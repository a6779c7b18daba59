"""The canonical form of the graph every dump starts from: sorted N-Triples lines.

The lines are as Oxigraph writes them, blank nodes labelled by RDFC-1.0 (`_:c14n0`, ...), sorted
as bytes: the same triples give the same lines whatever their order or blank node labels.
"""

from __future__ import annotations

import itertools
from typing import BinaryIO, Iterator, NamedTuple

import pyoxigraph as ox

Groups = dict  # one subject's {predicate token: [object token, ...]}, in canonical order


class Canonical(NamedTuple):
    lines: list[bytes]
    blank: bool  # the graph has blank nodes
    dotted: bool  # an IRI ends with "." (Turtle must escape it in a prefixed name)


def canonical(store: ox.Store) -> Canonical:
    """The store's default graph as sorted N-Triples lines, without their newline, and what
    the writers must know of it. Only "\\n" ends a line: Oxigraph escapes it (and "\\r") in
    literals."""
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    maybe_blank = b"_:" in data  # a blank node, or "_:" in a literal or IRI
    dotted = b".> " in data
    lines = data.split(b"\n")
    lines.pop()  # after the last newline
    del data
    blank = False
    if maybe_blank:
        lines, blank = _relabel_blank_nodes(lines)
    lines.sort()
    return Canonical(lines, blank, dotted)


def has_blank_object(line: bytes) -> bool:
    last = line[:-2].rsplit(b" ", 1)[1]  # the object, when it holds no space
    # a literal's last word ends with its closing quote; a blank node label has no quote
    return last.startswith(b"_:") and b'"' not in last


def _relabel_blank_nodes(lines: list[bytes]) -> tuple[list[bytes], bool]:
    """The lines with blank nodes given canonical labels. Only triples that touch a blank node
    take part in RDFC-1.0, so canonicalizing them alone labels the whole graph."""
    blank, kept = [], []
    for line in lines:
        (blank if line.startswith(b"_:") or has_blank_object(line) else kept).append(line)
    if not blank:
        return lines, False
    dataset = ox.Dataset(ox.parse(b"\n".join(blank) + b"\n", format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    relabelled = ox.serialize(dataset, format=ox.RdfFormat.N_QUADS).split(b"\n")
    relabelled.pop()
    return kept + relabelled, True


def write(lines: list[bytes], out: BinaryIO) -> None:
    for start in range(0, len(lines), 65536):  # in slices: no copy of the whole dump at once
        out.write(b"\n".join(lines[start:start + 65536]) + b"\n")


def subjects(lines: list[bytes], start: int = 0, stop: int | None = None
             ) -> Iterator[tuple[bytes, Groups]]:
    """Each subject of the sorted lines (from `start` to `stop`) with its {predicate: [object,
    ...]}, all as N-Triples tokens: a subject's lines are adjacent, and so are a predicate's."""
    predicates: dict[bytes, bytes] = {}  # a few predicates recur on every subject: one copy each
    subject = predicate = values = groups = None
    for line in itertools.islice(lines, start, stop):
        s, p, rest = line.split(b" ", 2)
        if s != subject:
            if groups is not None:
                yield subject, groups
            subject, predicate, groups = s, None, {}
        if p != predicate:
            predicate, values = p, []
            groups[predicates.setdefault(p, p)] = values
        values.append(rest[:-2])
    if groups is not None:
        yield subject, groups
