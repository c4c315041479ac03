"""dateline's search API.

>>> from search import Index
>>> with Index(".dateline") as ix:
...     for hit in ix.search('"armed forces"').hits:
...         print(hit.rank, hit.id, hit.document.title)

The names are imported on first use, so that ``dateline search`` talking to a running
``dateline serve`` (`search.launch`) starts without loading Whoosh; even the helper that
imports them (`indexer._lazy`) is imported then, the served command's start-up importing
nothing of dateline's but this package and `search.launch`.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not `typing`'s: importing typing costs the served command's start
if TYPE_CHECKING:
    from indexer.document import Document
    from indexer.errors import (
        DatelineError,
        IncompatibleIndexError,
        IndexNotFoundError,
        UnsafeIndexError,
        UntrustedLocationError,
    )

    from .errors import ConfigError, DocumentNotFoundError, QueryError, QueryTooLargeError, SearchTimeoutError
    from .explain import Explanation, FieldScore, TermScore
    from .feedback import Feedback
    from .index import Index
    from .results import FacetCount, Hit, Results, Snippet
    from .stats import Stats
    from .timeline import PeriodCount, Timeline

_HOMES = {
    "ConfigError": "search.errors",
    "DatelineError": "indexer.errors",
    "Document": "indexer.document",
    "DocumentNotFoundError": "search.errors",
    "Explanation": "search.explain",
    "FacetCount": "search.results",
    "Feedback": "search.feedback",
    "FieldScore": "search.explain",
    "Hit": "search.results",
    "IncompatibleIndexError": "indexer.errors",
    "Index": "search.index",
    "IndexNotFoundError": "indexer.errors",
    "PeriodCount": "search.timeline",
    "QueryError": "search.errors",
    "QueryTooLargeError": "search.errors",
    "Results": "search.results",
    "SearchTimeoutError": "search.errors",
    "Snippet": "search.results",
    "Stats": "search.stats",
    "TermScore": "search.explain",
    "Timeline": "search.timeline",
    "UnsafeIndexError": "indexer.errors",
    "UntrustedLocationError": "indexer.errors",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> object:
    from indexer._lazy import lazy_exports

    return lazy_exports("search", _HOMES, globals())[0](name)


def __dir__() -> list[str]:
    from indexer._lazy import lazy_exports

    return lazy_exports("search", _HOMES, globals())[1]()  # type: ignore[no-any-return]
