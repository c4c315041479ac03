"""`search.cluster.merging`: the shards' answers joined as one index would list them: ties,
paging, totals, facets and day counts."""

from __future__ import annotations

from datetime import date

import pytest

from search.cluster.merging import merge_days, merge_facets, merge_top, merge_total, page_of
from search.results import FacetCount, ScoreDoc, TopDocs
from search.timeline import DayCounts


def top(*docs: tuple[float, int, int], total: int | None = None, **facets: list[tuple[str, int]]) -> TopDocs:
    """A shard's answer: (score, document number, date) each, its id made from them."""
    scored = tuple(ScoreDoc(score, doc, f"d{doc}@{score}", when) for score, doc, when in docs)
    counts = {name: [FacetCount(v, n) for v, n in pairs] for name, pairs in facets.items()}
    return TopDocs(total=len(docs) if total is None else total, docs=scored, facets=counts)


def placed(merged) -> list[tuple[int, float, int]]:
    return [(p.shard, p.doc.score, p.doc.doc) for p in merged]


def test_best_scores_first_and_ties_by_shard_then_document_number() -> None:
    a = top((3.0, 7, 0), (2.0, 1, 0), (2.0, 4, 0))
    b = top((3.0, 2, 0), (2.0, 0, 0))
    assert placed(merge_top([a, b], 10)) == [(0, 3.0, 7), (1, 3.0, 2), (0, 2.0, 1), (0, 2.0, 4), (1, 2.0, 0)]


def test_only_the_best_top_n_are_kept_and_skipped_shards_count_for_nothing() -> None:
    a = top((5.0, 0, 0), (1.0, 1, 0), total=40)
    c = top((4.0, 3, 0), total=2)
    merged = merge_top([a, None, c], 2)
    assert placed(merged) == [(0, 5.0, 0), (2, 4.0, 3)]
    assert merge_total([a, None, c]) == 42


@pytest.mark.parametrize(
    "page, expected", [(1, [(1, 9.0), (2, 8.0)]), (2, [(3, 7.0), (4, 6.0)]), (3, [(5, 5.0)]), (4, [])]
)
def test_pages_are_slices_of_the_merged_list_with_their_ranks(page: int, expected) -> None:
    a, b = top((9.0, 0, 0), (7.0, 1, 0), (5.0, 2, 0)), top((8.0, 0, 0), (6.0, 1, 0))
    merged = merge_top([a, b], page * 2)
    assert [(rank, p.doc.score) for rank, p in page_of(merged, page, 2)] == expected


def test_date_orders_are_exact_reverses_of_each_other() -> None:
    a = top((0.0, 0, 20), (0.0, 1, 10))
    b = top((0.0, 5, 10), (0.0, 2, 30))
    oldest = [(p.shard, p.doc.doc) for p in merge_top([a, b], 10, "date")]
    newest = [(p.shard, p.doc.doc) for p in merge_top([a, b], 10, "-date")]
    assert oldest == [(0, 1), (1, 5), (0, 0), (1, 2)]
    assert newest == oldest[::-1]


def test_facet_counts_add_up_then_are_cut_and_ordered_as_one_index_orders_them() -> None:
    a = top(wire=[("PR Newswire", 3), ("EQS", 1)], year=[("2024", 2)])
    b = top(wire=[("EQS", 2), ("Business Wire", 3)], year=[])
    merged = merge_facets([a, None, b], 2)
    assert merged["wire"] == [FacetCount("Business Wire", 3), FacetCount("EQS", 3)]  # ties by value
    assert merged["year"] == [FacetCount("2024", 2)]
    assert len(merge_facets([a, b], None)["wire"]) == 3


def test_day_counts_add_up_into_one_timeline() -> None:
    jan, feb = (date(2024, m, 1).toordinal() - 1 for m in (1, 2))  # day numbers count from 0001-01-01
    merged = merge_days([DayCounts({jan: 2, -1: 1}), DayCounts({feb: 1, jan: 1})])
    timeline = merged.timeline("q", "month")
    assert (timeline.total, timeline.undated) == (5, 1)
    assert [p.count for p in timeline.periods] == [3, 1]
