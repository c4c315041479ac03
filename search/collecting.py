"""Running a Whoosh query: `search`, Whoosh's ``Searcher.search`` without the collector's
matcher replacement and with the running search's deadline."""

from __future__ import annotations

from typing import Any

from whoosh.collectors import ScoredCollector
from whoosh.query import Query
from whoosh.searching import Results, Searcher


def search(searcher: Searcher, q: Query, **kwargs: Any) -> Results:
    """`Searcher.search` without the collector's matcher replacement, which loses hits.

    Every ten documents Whoosh's top-N collector asks the matcher tree to ``replace`` itself by
    one that only finds documents able to enter the top N; the union, intersection and
    and-maybe matchers' rewrites drop documents that belong there (whoosh issue #413: "best
    result only when limit=None"). Block-quality skipping, the larger saving, stays on. The
    running search's deadline (`search.limits`) is checked as documents are collected.
    """
    from search.limits import with_deadline

    collector = searcher.collector(**kwargs)
    inner: Any = collector
    while inner is not None:
        if isinstance(inner, ScoredCollector):
            inner.replace = 0
        inner = getattr(inner, "child", None)
    searcher.search_with_collector(q, with_deadline(collector))
    return collector.results()
