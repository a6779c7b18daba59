"""survey-kg: a curated research survey as a validated RDF knowledge graph.

    >>> import survey_kg
    >>> graph = survey_kg.load()      # the survey shipped with the package, as an rdflib.Graph
    >>> graph = survey_kg.load("path/to/survey")
"""

__version__ = "0.1.0"

# The submodule survey_kg.load is imported before the function of the same name is defined: the
# import system sets the package attribute only when a submodule is first loaded, so later imports
# of survey_kg.load (the module) leave survey_kg.load (the function below) in place.
from . import load as _load_module  # noqa: E402,F401


def load(root=None):
    """The survey's graph (an rdflib.Graph): every Turtle file of its data/ folder.

    With no argument, the survey that ships with survey-kg (in an installed wheel it is packaged
    with the ontology and queries), whatever the current directory; with `root`, the survey in that
    folder (the folder holding data/)."""
    from .resources import Survey, bundled, find_survey

    survey = find_survey(explicit=root) if root is not None else Survey(bundled("data").parent)
    return _load_module.load_files([survey.data])
