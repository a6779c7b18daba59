"""Serialize the graph: deterministic Turtle (and, later, N-Triples, JSON-LD, VoID)."""

from __future__ import annotations

from rdflib import Graph

from .namespaces import bind_prefixes


def to_turtle(graph: Graph) -> str:
    """Pretty Turtle with the project's prefixes; rdflib orders subjects and predicates stably."""
    return bind_prefixes(graph).serialize(format="turtle")
