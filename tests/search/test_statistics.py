"""`search.statistics`: the one seam scores read their collection figures through. An index
searched with its own reported figures scores exactly as it does alone; with other figures, the
scores move in both scoring paths and in the explanations."""

from __future__ import annotations

import pickle

import pytest
from conftest import assert_same_ranking

from search.statistics import CollectionStats

QUERIES = ["energy", "wind turbine", '"armed forces"', "acqui*", "armd~", "title:energy", "energy OR mali"]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("columnar", [True, False])
def test_an_index_given_its_own_figures_scores_as_alone(corpus_ix, query: str, columnar: bool) -> None:
    corpus_ix.columnar = columnar
    try:
        own = corpus_ix.statistics(query)
        alone = corpus_ix.search(query, limit=100, explain=True)
        given = corpus_ix.search(query, limit=100, explain=True, statistics=own)
    finally:
        corpus_ix.columnar = True
    assert alone.hits, query
    assert_same_ranking([(h.id, h.score) for h in alone.hits], [(h.id, h.score) for h in given.hits], tol=0)
    assert [h.explanation for h in alone.hits] == [h.explanation for h in given.hits]


@pytest.mark.parametrize("columnar", [True, False])
def test_other_figures_change_the_scores_and_the_explanations(corpus_ix, columnar: bool) -> None:
    """Doubling every figure but one word's frequency makes that word rarer: its IDF, and so
    every score, rises, in whichever path scores it; the explanation says the same."""
    own = corpus_ix.statistics("energy")
    doubled = CollectionStats(
        documents=own.documents * 2,
        languages={k: v * 2 for k, v in own.languages.items()},
        lengths={k: v * 2 for k, v in own.lengths.items()},
        frequencies=dict(own.frequencies),
    )
    corpus_ix.columnar = columnar
    try:
        alone = corpus_ix.search("energy", limit=100, explain=True)
        other = corpus_ix.search("energy", limit=100, explain=True, statistics=doubled)
    finally:
        corpus_ix.columnar = True
    before, after = {h.id: h.score for h in alone.hits}, {h.id: h.score for h in other.hits}
    assert before.keys() == after.keys() and all(after[d] > before[d] for d in before)
    assert all(h.explanation.score == pytest.approx(h.score) for h in other.hits)


def test_figures_sum_and_survive_pickling(corpus_ix) -> None:
    """What a shard reports crosses process boundaries (Dask) and adds up."""
    one = corpus_ix.statistics("acqui* energy")
    assert one.expansions and any(b"acquisit" in words for words in one.expansions.values())
    assert one.frequencies[("body_en", b"energi")] > 0
    twice = CollectionStats.total([one, pickle.loads(pickle.dumps(one))])
    assert twice.documents == 2 * one.documents == 2 * len(corpus_ix)
    assert twice.frequencies == {k: 2 * v for k, v in one.frequencies.items()}
    assert twice.lengths == {k: 2 * v for k, v in one.lengths.items()}
    assert twice.expansions == one.expansions  # a union, not a sum
