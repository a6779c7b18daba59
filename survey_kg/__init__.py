"""survey-kg: a curated research survey as a validated RDF knowledge graph.

    >>> import survey_kg
    >>> graph = survey_kg.load()      # the survey shipped with the package, as an rdflib.Graph
    >>> graph = survey_kg.load("path/to/survey")
"""

import sys
import types

__version__ = "0.1.0"


def load(root=None):
    """The survey's graph (an rdflib.Graph): every Turtle file of its data/ folder.

    With no argument, the survey that ships with survey-kg (in an installed wheel it is packaged
    with the ontology and queries), whatever the current directory; with `root`, the survey in that
    folder (the folder holding data/)."""
    from .load import load_files
    from .resources import Survey, bundled, find_survey

    survey = find_survey(explicit=root) if root is not None else Survey(bundled("data").parent)
    return load_files([survey.data])


class _Package(types.ModuleType):
    """`survey_kg.load` is the function above and the name of a submodule (survey_kg/load.py).
    The import system sets a package's attribute to each submodule it loads, which would put the
    module in the function's place: the package refuses that one assignment (the module is in
    sys.modules, where `from survey_kg.load import ...` finds it). So `import survey_kg` need not
    load the submodule (rdflib, pyoxigraph) first: the command starts quickly, and starts again
    quickly under mimalloc (survey_kg/allocator.py)."""

    def __setattr__(self, name, value):
        if name == "load" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
