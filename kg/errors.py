"""The exceptions kg raises. Only the CLI turns them into messages and exit codes."""
from __future__ import annotations


class KGError(Exception):
    """Base class of every error kg raises on purpose."""


class ArticleError(KGError):
    """An article that cannot be read: the path and the reason are kept apart."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class DataFileError(KGError):
    """A bad ontology, lexicon or configuration file, with the line where known."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


class OntologyError(DataFileError):
    """The ontology (Turtle) does not parse or is inconsistent."""


class LexiconError(DataFileError):
    """A lexicon file does not parse or names something unknown."""


class ExportError(KGError):
    """An export could not be written; the previous export is left in place."""


class BuildLockedError(KGError):
    """Another build holds the lock on the output directory."""


class QueryError(KGError):
    """A SPARQL query is malformed or not allowed."""
