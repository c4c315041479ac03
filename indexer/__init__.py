"""dateline's indexer: parse news documents into fields and keep a Whoosh index up to date.

>>> from indexer import parse_file, index_paths

The names are imported on first use, so that light modules (`indexer.defaults`,
`indexer.errors`) load without Whoosh: the command line's start-up and shell completion need them.
"""

from __future__ import annotations

from indexer._lazy import lazy_exports

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .document import Document
    from .errors import (
        DatelineError,
        DocumentError,
        IncompatibleIndexError,
        IndexBuildError,
        IndexLockedError,
        IndexNotFoundError,
        SourceNotFoundError,
        UnsafeIndexError,
        UntrustedLocationError,
    )
    from .indexing import IndexReport, Problem, index_paths
    from .parse import ParsedFile, parse_file, read_documents
    from .store import resolve_index_path

_HOMES = {
    "DatelineError": "indexer.errors",
    "Document": "indexer.document",
    "DocumentError": "indexer.errors",
    "IncompatibleIndexError": "indexer.errors",
    "IndexBuildError": "indexer.errors",
    "IndexLockedError": "indexer.errors",
    "IndexNotFoundError": "indexer.errors",
    "IndexReport": "indexer.indexing",
    "ParsedFile": "indexer.parse",
    "Problem": "indexer.indexing",
    "SourceNotFoundError": "indexer.errors",
    "UnsafeIndexError": "indexer.errors",
    "UntrustedLocationError": "indexer.errors",
    "index_paths": "indexer.indexing",
    "parse_file": "indexer.parse",
    "read_documents": "indexer.parse",
    "resolve_index_path": "indexer.store",
}

__all__ = sorted(_HOMES)


__getattr__, __dir__ = lazy_exports("indexer", _HOMES, globals())
