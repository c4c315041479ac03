"""dateline's indexer: parse news documents into fields and keep a Whoosh index up to date.

>>> from indexer import parse_file, index_paths

The names are imported on first use, so that light modules (`indexer.core.defaults`,
`indexer.core.errors`) load without Whoosh: the command line's start-up and shell completion need them.
"""

from __future__ import annotations

from indexer.core.lazy import lazy_exports

TYPE_CHECKING = False
if TYPE_CHECKING:
    from indexer.core.document import Document as Document
    from indexer.core.errors import (
        DatelineError as DatelineError,
    )
    from indexer.core.errors import (
        DocumentError as DocumentError,
    )
    from indexer.core.errors import (
        IncompatibleIndexError as IncompatibleIndexError,
    )
    from indexer.core.errors import (
        IndexBuildError as IndexBuildError,
    )
    from indexer.core.errors import (
        IndexLockedError as IndexLockedError,
    )
    from indexer.core.errors import (
        IndexNotFoundError as IndexNotFoundError,
    )
    from indexer.core.errors import (
        SourceNotFoundError as SourceNotFoundError,
    )
    from indexer.core.errors import (
        UnsafeIndexError as UnsafeIndexError,
    )
    from indexer.core.errors import (
        UntrustedLocationError as UntrustedLocationError,
    )
    from indexer.core.store import resolve_index_path as resolve_index_path
    from indexer.parse.files import ParsedFile as ParsedFile
    from indexer.parse.files import parse_file as parse_file
    from indexer.parse.files import read_documents as read_documents
    from indexer.write.indexing import IndexReport as IndexReport
    from indexer.write.indexing import Problem as Problem
    from indexer.write.indexing import index_paths as index_paths

_HOMES = {
    "DatelineError": "indexer.core.errors",
    "Document": "indexer.core.document",
    "DocumentError": "indexer.core.errors",
    "IncompatibleIndexError": "indexer.core.errors",
    "IndexBuildError": "indexer.core.errors",
    "IndexLockedError": "indexer.core.errors",
    "IndexNotFoundError": "indexer.core.errors",
    "IndexReport": "indexer.write.indexing",
    "ParsedFile": "indexer.parse.files",
    "Problem": "indexer.write.indexing",
    "SourceNotFoundError": "indexer.core.errors",
    "UnsafeIndexError": "indexer.core.errors",
    "UntrustedLocationError": "indexer.core.errors",
    "index_paths": "indexer.write.indexing",
    "parse_file": "indexer.parse.files",
    "read_documents": "indexer.parse.files",
    "resolve_index_path": "indexer.core.store",
}

__all__ = sorted(_HOMES)


__getattr__, __dir__ = lazy_exports("indexer", _HOMES, globals())
