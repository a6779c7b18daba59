"""survey-kg: a curated research survey as a validated RDF knowledge graph."""

__version__ = "0.1.0"
