"""Work-arounds for bugs in whoosh-reloaded 2.7.5, kept apart so they are easy to drop."""

from __future__ import annotations

from typing import Any

from whoosh.collectors import ScoredCollector
from whoosh.matching.wrappers import RequireMatcher
from whoosh.query import CompoundQuery, Query, Require, Term
from whoosh.searching import Results, Searcher


def _compound_hash(self: CompoundQuery) -> int:
    return hash((type(self).__name__, self.boost, tuple(self.subqueries)))


def _term_hash(self: Term) -> int:
    return hash((self.fieldname, self.text, self.boost))


# Whoosh hashes a compound query as the XOR of its parts' hashes, and a term as the XOR of field,
# text and boost; so one word looked up in an even number of fields hashes the same whatever the
# word, and `normalize` (which dedupes parts through a set) becomes quadratic: a 10,000-word query
# took 150 s. Hashing tuples keeps equal queries equal-hashed and spreads the rest.
CompoundQuery.__hash__ = _compound_hash  # type: ignore[method-assign]
Term.__hash__ = _term_hash  # type: ignore[method-assign]


class _RequireMatcher(RequireMatcher):
    """`RequireMatcher` whose ``skip_to_quality`` does not re-sync an already aligned pair.

    Whoosh's own calls ``IntersectionMatcher._find_next`` unconditionally after skipping, which
    asserts the two sides are on different documents; when the skip lands both on the same
    document, every optimised search through a `Require` fails with an ``AssertionError``.
    """

    def skip_to_quality(self, minquality):  # type: ignore[no-untyped-def]
        skipped = self.a.skip_to_quality(minquality)
        if self.a.is_active() and self.b.is_active() and self.a.id() != self.b.id():
            self.child._find_next()
        return skipped


class FilteredBy(Require):
    """``FilteredBy(query, condition)``: documents matching both, scored by ``query`` alone."""

    def matcher(self, searcher, context=None):  # type: ignore[no-untyped-def]
        # Require.matcher names RequireMatcher itself instead of using `matcherclass`.
        scored = self.a.matcher(searcher, context)
        required = self.b.matcher(searcher, searcher.boolean_context())
        return _RequireMatcher(scored, required)


def search(searcher: Searcher, q: Query, **kwargs: Any) -> Results:
    """`Searcher.search` without the collector's matcher replacement, which loses hits.

    Every ten documents Whoosh's top-N collector asks the matcher tree to ``replace`` itself by
    one that only finds documents able to enter the top N; the union, intersection and
    and-maybe matchers' rewrites drop documents that belong there (whoosh issue #413: "best
    result only when limit=None"). Block-quality skipping, the larger saving, stays on. The
    running search's deadline (`search.limits`) is checked as documents are collected.
    """
    from .limits import with_deadline

    collector = searcher.collector(**kwargs)
    inner: Any = collector
    while inner is not None:
        if isinstance(inner, ScoredCollector):
            inner.replace = 0
        inner = getattr(inner, "child", None)
    searcher.search_with_collector(q, with_deadline(collector))
    return collector.results()
