"""dateline's search API.

>>> from search import Index
>>> with Index(".dateline") as ix:
...     for hit in ix.search('"armed forces"').hits:
...         print(hit.rank, hit.id, hit.document.title)

The names are imported on first use, so that ``dateline search`` talking to a running
``dateline serve`` (`search.cli.launch`) starts without loading Whoosh; even the helper that
imports them (`indexer.core.lazy`) is imported then, the served command's start-up importing
nothing of dateline's but this package and `search.cli.launch`.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not `typing`'s: importing typing costs the served command's start
if TYPE_CHECKING:
    from indexer.core.document import Document as Document
    from indexer.core.errors import (
        DatelineError as DatelineError,
    )
    from indexer.core.errors import (
        IncompatibleIndexError as IncompatibleIndexError,
    )
    from indexer.core.errors import (
        IndexNotFoundError as IndexNotFoundError,
    )
    from indexer.core.errors import (
        UnsafeIndexError as UnsafeIndexError,
    )
    from indexer.core.errors import (
        UntrustedLocationError as UntrustedLocationError,
    )
    from search.cluster.sharded import Cluster as Cluster
    from search.errors import (
        ClusterError as ClusterError,
    )
    from search.errors import (
        ConfigError as ConfigError,
    )
    from search.errors import (
        DocumentNotFoundError as DocumentNotFoundError,
    )
    from search.errors import (
        QueryError as QueryError,
    )
    from search.errors import (
        QueryTooLargeError as QueryTooLargeError,
    )
    from search.errors import (
        SearchTimeoutError as SearchTimeoutError,
    )
    from search.explain import Explanation as Explanation
    from search.explain import FieldScore as FieldScore
    from search.explain import TermScore as TermScore
    from search.feedback import Feedback as Feedback
    from search.index import Index as Index
    from search.marking import Marked as Marked
    from search.results import FacetCount as FacetCount
    from search.results import Hit as Hit
    from search.results import Results as Results
    from search.results import Snippet as Snippet
    from search.statistics import CollectionStats as CollectionStats
    from search.stats import Stats as Stats
    from search.timeline import PeriodCount as PeriodCount
    from search.timeline import Timeline as Timeline

_HOMES = {
    "Cluster": "search.cluster.sharded",
    "ClusterError": "search.errors",
    "CollectionStats": "search.statistics",
    "ConfigError": "search.errors",
    "DatelineError": "indexer.core.errors",
    "Document": "indexer.core.document",
    "DocumentNotFoundError": "search.errors",
    "Explanation": "search.explain",
    "FacetCount": "search.results",
    "Feedback": "search.feedback",
    "FieldScore": "search.explain",
    "Hit": "search.results",
    "IncompatibleIndexError": "indexer.core.errors",
    "Index": "search.index",
    "Marked": "search.marking",
    "IndexNotFoundError": "indexer.core.errors",
    "PeriodCount": "search.timeline",
    "QueryError": "search.errors",
    "QueryTooLargeError": "search.errors",
    "Results": "search.results",
    "SearchTimeoutError": "search.errors",
    "Snippet": "search.results",
    "Stats": "search.stats",
    "TermScore": "search.explain",
    "Timeline": "search.timeline",
    "UnsafeIndexError": "indexer.core.errors",
    "UntrustedLocationError": "indexer.core.errors",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> object:
    from indexer.core.lazy import lazy_exports

    return lazy_exports("search", _HOMES, globals())[0](name)


def __dir__() -> list[str]:
    from indexer.core.lazy import lazy_exports

    return lazy_exports("search", _HOMES, globals())[1]()
