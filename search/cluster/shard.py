"""One shard as a cluster searches it: a resident `Index` on a worker (a Dask actor).

Each method is one of a search's rounds (`search.cluster.sharded`): `prepare` reports the
shard's date range and its statistics for the query (cached per commit, Solr's
``LRUStatsCache`` idea: a repeated query skips the work); `top_docs` ranks with the figures
handed back; `fetch` reads the stored fields and snippets of the page's documents; `day_counts`
gives a timeline's part.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from indexer.core.document import Document
from search.index import Index
from search.marking import Marked
from search.results import Hit, TopDocs
from search.similar import Likeness
from search.statistics import CollectionStats
from search.stats import Stats
from search.timeline import DayCounts

#: Queries whose statistics a shard keeps, per commit.
STATS_CACHE = 256


@dataclass(frozen=True)
class ShardInfo:
    """What the coordinator knows of a shard: its documents and the dates they span."""

    path: str
    documents: int
    first: date | None
    last: date | None


class ShardSearcher:
    """A shard's resident searcher; Dask runs it as an actor on a worker, and the coordinator
    calls its methods (each call's arguments and answer are pickled)."""

    def __init__(self, path: str, ranking: Mapping[str, Any] | None = None) -> None:
        self.path = path
        self.index = Index(path, **(ranking or {}))
        self._stats: OrderedDict[tuple[Any, ...], CollectionStats] = OrderedDict()

    def info(self) -> ShardInfo:
        first, last = self.index.date_range()
        return ShardInfo(self.path, len(self.index), first, last)

    def prepare(
        self, query: str, options: Mapping[str, Any], with_stats: bool
    ) -> tuple[ShardInfo, CollectionStats | None]:
        """The shard's `info`, and with ``with_stats`` its figures for ``query`` (`Index.statistics`)."""
        return self.info(), self.statistics(query, options) if with_stats else None

    def statistics(self, query: str, options: Mapping[str, Any]) -> CollectionStats:
        key = (self.index.version, query, tuple(sorted(options.items())))
        found = self._stats.get(key)
        if found is None:
            found = self._stats[key] = self.index.statistics(query, **options)
            if len(self._stats) > STATS_CACHE:
                self._stats.popitem(last=False)
        else:
            self._stats.move_to_end(key)
        return found

    def top_docs(self, query: str, options: Mapping[str, Any], statistics: CollectionStats | None) -> TopDocs:
        return self.index.top_docs(query, statistics=statistics, **options)

    def fetch(
        self,
        query: str,
        docs: Sequence[tuple[int, str, float | None]],
        options: Mapping[str, Any],
        statistics: CollectionStats | None,
    ) -> list[Hit]:
        return self.index.fetch(query, docs, statistics=statistics, **options)

    def day_counts(self, query: str, options: Mapping[str, Any]) -> DayCounts:
        return self.index.day_counts(query, **options)

    def get(self, doc_id: str) -> Document | None:
        """The stored document ``doc_id``, or None when this shard does not hold it."""
        from search.errors import DocumentNotFoundError

        try:
            return self.index.get(doc_id)
        except DocumentNotFoundError:
            return None

    def marked(self, doc_id: str, query: str, options: Mapping[str, Any]) -> Marked | None:
        """`Index.marked`, or None when this shard does not hold ``doc_id``."""
        from search.errors import DocumentNotFoundError

        try:
            return self.index.marked(doc_id, query, **options)
        except DocumentNotFoundError:
            return None

    def likeness(self, doc_id: str, statistics: CollectionStats | None) -> Likeness | None:
        """`Index.likeness`, or None when this shard does not hold ``doc_id``."""
        from search.errors import DocumentNotFoundError

        try:
            return self.index.likeness(doc_id, statistics)
        except DocumentNotFoundError:
            return None

    def stats(self) -> Stats:
        """`Index.stats` with every issuer and wire listed, so that the cluster's sums are exact."""
        return self.index.stats(top=None)

    def suggest(self, query: str, options: Mapping[str, Any]) -> str | None:
        """This shard's "did you mean" for ``query`` (`Index.suggest`, on its own words and counts)."""
        return self.index.suggest(query, **options)

    def close(self) -> None:
        self.index.close()
