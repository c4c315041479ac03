"""dateline's indexer: parse news documents into fields and keep a Whoosh index up to date.

>>> from indexer import parse_file, index_paths
"""

from .document import Document
from .errors import (
    DatelineError,
    DocumentError,
    IncompatibleIndexError,
    IndexBuildError,
    IndexLockedError,
    IndexNotFoundError,
    SourceNotFoundError,
)
from .indexing import IndexReport, Problem, index_paths
from .parse import ParsedFile, parse_file, read_documents
from .store import resolve_index_path

__all__ = [
    "DatelineError",
    "Document",
    "DocumentError",
    "IncompatibleIndexError",
    "IndexBuildError",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexReport",
    "ParsedFile",
    "Problem",
    "SourceNotFoundError",
    "index_paths",
    "parse_file",
    "read_documents",
    "resolve_index_path",
]
