"""The Whoosh work-around in search/_whoosh_fixes.py: still needed, and correct."""

from __future__ import annotations

import pytest
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.query import Or, Require, Term

from search._whoosh_fixes import FilteredBy


@pytest.fixture
def searcher():
    ix = RamStorage().create_index(Schema(id=ID(stored=True), text=TEXT, lang=ID))
    with ix.writer() as w:
        for i in range(300):
            w.add_document(id=str(i), text="alpha " * (1 + i % 7) + ("beta" if i % 3 else "gamma"),
                           lang="en" if i % 2 else "de")  # fmt: skip
    with ix.searcher() as s:
        yield s


def test_whoosh_require_still_fails(searcher):
    """When this starts failing, whoosh fixed RequireMatcher and the work-around can go."""
    with pytest.raises(AssertionError):
        searcher.search(Require(Term("text", "alpha"), Term("lang", "en")), limit=5)


@pytest.mark.parametrize("limit", [1, 5, 40, None])
def test_filtered_by_matches_both_and_scores_by_the_first(searcher, limit):
    query = Or([FilteredBy(Term("text", "alpha"), Term("lang", "en")), FilteredBy(Term("text", "beta"), Term("lang", "de"))])
    results = searcher.search(query, limit=limit)
    assert {hit["id"] for hit in searcher.search(query, limit=None)} == {str(i) for i in range(300) if i % 2 or i % 3}
    # The optimised (quality-skipping) path returns the same top hits as scoring every match.
    unoptimised = searcher.search(query, limit=limit, optimize=False)
    assert [(h["id"], round(h.score, 6)) for h in results] == [(h["id"], round(h.score, 6)) for h in unoptimised]
    single = searcher.search(FilteredBy(Term("text", "alpha"), Term("lang", "en")), limit=limit)
    assert [h["id"] for h in single] == [h["id"] for h in searcher.search(FilteredBy(Term("text", "alpha"), Term("lang", "en")), limit=limit, optimize=False)]
