"""A tiny hierarchy of errors. Each carries a place (file, line, paper, field) and a hint.

The library raises these; the CLI turns them into one-line messages and exit codes.
"""

from __future__ import annotations


class SurveyKGError(Exception):
    """Base class. `exit_code` is what the CLI exits with."""

    exit_code = 2

    def __init__(self, message: str, *, file=None, line=None, paper=None, field=None, hint=None):
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.paper = paper
        self.field = field
        self.hint = hint

    def __str__(self) -> str:
        place = ""
        if self.file:
            place = self.file + (f":{self.line}" if self.line else "")
        elif self.line:
            place = f"line {self.line}"
        parts = [p for p in (place, f"paper {self.paper}" if self.paper else "",
                             f"field {self.field}" if self.field else "") if p]
        text = (": ".join([", ".join(parts), self.message]) if parts else self.message)
        if self.hint:
            text += f" ({self.hint})"
        return text


class InputError(SurveyKGError):
    """Unusable input or usage: unreadable files, bad syntax, unknown names. Exit 2."""

    exit_code = 2


class ValidationFailed(SurveyKGError):
    """The graph violates the shapes, or a generated file is stale. Exit 1."""

    exit_code = 1


class EndpointError(SurveyKGError):
    """A remote SPARQL endpoint failed: refused, timed out, HTTP error, bad body. Exit 3."""

    exit_code = 3
