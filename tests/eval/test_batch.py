"""Batch search never fails on a query's text: the real queries of five collections, and fuzz."""

from conftest import load_testsets
from hypothesis import given, settings
from hypothesis import strategies as st

from search import Index
from search.eval.batch import run_batch
from search.eval.trec import Query


def test_every_collection_query_runs(corpus_ix: Index) -> None:
    sets = load_testsets()
    queries = [Query(f"{name}-{qid}", text) for name, read in sets.COLLECTIONS.items() for qid, text in read().queries]
    assert len(queries) == 225 + 112 + 30 + 93 + 59  # Cranfield, CISI, Medline, NPL, Reuters topics
    ranks: dict[str, list[int]] = {}
    for line in run_batch(corpus_ix, queries, limit=5):
        ranks.setdefault(line.qid, []).append(line.rank)
    assert ranks and all(r == list(range(1, len(r) + 1)) and len(r) <= 5 for r in ranks.values())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_runs(corpus_ix, text):
    lines = list(run_batch(corpus_ix, [Query("q", text)], limit=3))
    assert [line.rank for line in lines] == list(range(1, len(lines) + 1))


def test_operators_and_punctuation_are_words(corpus_ix):
    """In batch mode 'AND', 'NOT', quotes and colons are text: the words still rank."""
    plain = [hit.docid for hit in run_batch(corpus_ix, [Query("q", "armed forces mali")], limit=5)]
    noisy = [hit.docid for hit in run_batch(corpus_ix, [Query("q", 'armed: "forces (mali?')], limit=5)]
    assert plain == noisy and plain


def test_apostrophes_split_as_the_analyzers_split_them(corpus_ix):
    quoted = [hit.docid for hit in run_batch(corpus_ix, [Query("q", "Mali's armed forces")], limit=5)]
    assert quoted == [hit.docid for hit in run_batch(corpus_ix, [Query("q", "Mali s armed forces")], limit=5)] != []
