"""Whoosh query types of dateline's own that need Whoosh's matcher internals."""

from __future__ import annotations

from typing import Any

from whoosh.matching.wrappers import RequireMatcher
from whoosh.query import Require


class _RequireMatcher(RequireMatcher):
    """`RequireMatcher` whose ``skip_to_quality`` does not re-sync an already aligned pair.

    Whoosh's own calls ``IntersectionMatcher._find_next`` unconditionally after skipping, which
    asserts the two sides are on different documents; when the skip lands both on the same
    document, every optimised search through a `Require` fails with an ``AssertionError``.
    """

    def skip_to_quality(self, minquality: float) -> int:
        skipped = self.a.skip_to_quality(minquality)
        if self.a.is_active() and self.b.is_active() and self.a.id() != self.b.id():
            self.child._find_next()
        return skipped


class FilteredBy(Require):
    """``FilteredBy(query, condition)``: documents matching both, scored by ``query`` alone."""

    def matcher(self, searcher: Any, context: Any = None) -> _RequireMatcher:
        # Require.matcher names RequireMatcher itself instead of using `matcherclass`.
        scored = self.a.matcher(searcher, context)
        required = self.b.matcher(searcher, searcher.boolean_context())
        return _RequireMatcher(scored, required)


def expansions(q: Any, reader: Any) -> list[bytes]:
    """The index words (term bytes) a wildcard, prefix, fuzzy word or term range ``q`` matches in
    ``reader``, in order; whole-index when ``reader`` is the top-level one (a searcher asks each
    segment, so one segment's words would be scored differently from another's)."""
    field = reader.schema[q.fieldname]
    # A fuzzy term's words come as text (`terms_within`), the others' as bytes.
    return [word if isinstance(word, bytes) else field.to_bytes(word) for word in q._btexts(reader)]
