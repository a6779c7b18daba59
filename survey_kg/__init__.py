"""survey-kg: a curated research survey as a validated RDF knowledge graph.

    >>> import survey_kg
    >>> store = survey_kg.load_survey()                  # the survey shipped with the package
    >>> store = survey_kg.load_survey("path/to/survey")  # a pyoxigraph.Store
    >>> graph = survey_kg.to_rdflib(store)               # for those who want an rdflib.Graph
"""

__version__ = "0.1.0"


def load_survey(root=None):
    """The survey's graph, a pyoxigraph Store: every Turtle file of its data/ folder. With no
    argument the survey shipped with survey-kg; with `root`, the survey in that folder."""
    from .load import load
    from .paths import bundled_survey, find_survey

    survey = find_survey(explicit=root) if root is not None else bundled_survey()
    return load([survey.data])


def to_rdflib(store):
    """The store's default graph as an rdflib Graph."""
    from .load import to_rdflib as convert

    return convert(store)
