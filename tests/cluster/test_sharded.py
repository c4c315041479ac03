"""`search.cluster.sharded`: shards searched on Dask rank exactly as one index of the same
documents: the same hits, order (up to tied scores) and scores to 1e-9, totals, facets and
timelines, for every kind of query, on 3 shards by hash and 6 by year (issue 22)."""

from __future__ import annotations

import pytest
from conftest import assert_same_ranking

from search import Index
from search.cluster.sharded import Cluster
from search.request import SearchRequest

# Laid out by hand (fmt: skip): one kind of query a line.
QUERIES = [
    "oil prices", "market", "Unternehmen", "Prozent Euro",      # keywords, English and German
    '"stock exchange"', '"oil prices"',                           # phrases
    "oil NOT gas", "bank OR aktie", "(oil OR gas) AND prices",    # boolean
    "title:bank", "issuer:lighthouse energy",                     # fields
    "date:2023 market", "date:[2021-03-01 TO 2021-09-30] oil",    # dates
    "acqui*", "bank*", "aktie~", "markt~1",                       # prefix and fuzzy
]  # fmt: skip
FACETS = ("wire", "year", "language")
KINDS = ["hash3", "year"]


@pytest.fixture(scope="module")
def single(sharded):
    with Index(sharded.single) as ix:
        yield ix


@pytest.fixture(scope="module", params=KINDS)
def cluster(request, sharded, cluster_client):
    with Cluster.open(cluster_client, sharded.roots[request.param]) as opened:
        yield opened


def pairs(results) -> list[tuple[str, float]]:
    return [(hit.id, hit.score) for hit in results.hits]


@pytest.mark.parametrize("query", QUERIES)
def test_every_kind_of_query_ranks_as_one_index(single, cluster, query: str) -> None:
    one = single.search(query, limit=2000, facets=FACETS, snippets=False)
    many = cluster.search(query, limit=2000, facets=FACETS, snippets=False)
    assert one.total > 0, f"{query!r} should match some generated documents"
    assert (many.total, many.facets) == (one.total, one.facets)
    assert_same_ranking(pairs(one), pairs(many))


@pytest.mark.parametrize(
    "options",
    [
        {"since": "2022", "until": "2023-06"},
        {"lang": "de"},
        {"filters": {"wire": ["EQS"]}},
        {"fields": ["title", "issuer"]},  # a list, as the command line gives it
        {"match": "any"},
    ],
)
def test_dates_languages_and_filters_rank_as_one_index(single, cluster, options) -> None:
    for query in ("market", "acqui*", "bank OR aktie"):
        one = single.search(query, limit=2000, facets=FACETS, snippets=False, **options)
        many = cluster.search(query, limit=2000, facets=FACETS, snippets=False, **options)
        assert (many.total, many.facets) == (one.total, one.facets), (query, options)
        assert_same_ranking(pairs(one), pairs(many))


@pytest.mark.parametrize("sort", ["date", "-date"])
def test_date_orders_list_the_same_documents_by_the_same_dates(single, cluster, sort: str) -> None:
    one = single.search("market", limit=2000, sort=sort, snippets=False)
    many = cluster.search("market", limit=2000, sort=sort, snippets=False)
    assert [h.document.date for h in many.hits] == [h.document.date for h in one.hits]
    assert sorted(h.id for h in many.hits) == sorted(h.id for h in one.hits)


def test_pages_are_the_full_ranking_cut_and_match_one_index_page_by_page(single, cluster) -> None:
    full = cluster.search("oil OR market", limit=60, snippets=False)
    pages = [cluster.search("oil OR market", limit=7, page=p, snippets=False) for p in range(1, 10)]
    assert [h.rank for page in pages for h in page.hits] == list(range(1, 61)) + [61, 62, 63]
    assert pairs(full) == [pair for page in pages for pair in pairs(page)][:60]
    for number, page in enumerate(pages, 1):
        expected = single.search("oil OR market", limit=7, page=number, snippets=False)
        assert [h.score for h in page.hits] == pytest.approx([h.score for h in expected.hits], abs=1e-9)
        assert page.total == expected.total


def test_a_page_shows_stored_fields_snippets_and_explanations_as_one_index(single, cluster) -> None:
    one = {h.id: h for h in single.search("oil prices", limit=10, explain=True).hits}
    many = cluster.search("oil prices", limit=10, explain=True).hits
    assert many
    for hit in many:
        twin = one[hit.id]
        assert (hit.document, hit.snippet) == (twin.document, twin.snippet)
        assert hit.explanation.score == pytest.approx(twin.explanation.score, abs=1e-9)
        assert [t.text for t in hit.explanation.terms] == [t.text for t in twin.explanation.terms]


@pytest.mark.parametrize("by", ["month", "week"])
def test_timelines_add_up_to_one_index(single, cluster, by: str) -> None:
    for query in ("market", "*"):
        assert cluster.timeline(query, by=by) == single.timeline(query, by=by)
    assert cluster.timeline("oil", since="2021-02", until="2021-05") == single.timeline(
        "oil", since="2021-02", until="2021-05"
    )


def test_similar_uses_the_cluster_s_statistics(single, cluster) -> None:
    for doc in (single.search("oil prices", limit=1).hits[0].id, single.search("Unternehmen", limit=1).hits[0].id):
        one, many = single.similar(doc, limit=50), cluster.similar(doc, limit=50)
        assert many.total == one.total > 0
        assert_same_ranking(pairs(one), pairs(many))


def test_did_you_mean_keeps_the_proposal_finding_most_across_the_shards(cluster) -> None:
    """Each shard proposes from its own words; the cluster counts them all and keeps the best."""
    typed = cluster.search("markte prics", suggest=True)
    assert typed.suggestion is not None
    assert cluster.search(typed.suggestion, limit=0).total > typed.total


def test_documents_are_found_in_whichever_shard_holds_them(single, cluster) -> None:
    for hit in single.search("market", limit=5).hits:
        assert cluster.get(hit.id) == single.get(hit.id)
    assert len(cluster) == len(single)
    assert cluster.stats().documents == single.stats().documents


def test_local_statistics_rank_differently(single, sharded, cluster_client) -> None:
    """Each shard scoring on its own figures is faster but not exact: the equality above is
    not vacuous."""
    with Cluster.open(cluster_client, sharded.roots["year"], stats="local") as local:
        differs = 0
        for query in QUERIES:
            one = {h.id: h.score for h in single.search(query, limit=2000, snippets=False).hits}
            many = local.search(query, limit=2000, snippets=False)
            assert many.total == len(one)  # the same documents match: only their scores move
            differs += any(abs(h.score - one[h.id]) > 1e-6 for h in many.hits)
        assert differs >= len(QUERIES) // 2


def test_shards_outside_the_dates_are_not_asked(sharded, cluster_client) -> None:
    with Cluster.open(cluster_client, sharded.roots["year"]) as years:
        names = [info.path.rsplit("/", 1)[1] for info in years.infos]
        asked = years.shards_for(since="2022-03", until="2023-02")
        assert sorted(names[i] for i in asked) == ["2022", "2023"]
        assert [names[i] for i in years.shards_for(since="2025-12-01", until=None)] == ["2025"]
        assert years.shards_for(since="2031", until=None) == []
        assert len(years.shards_for(None, None)) == len(names) == 6

        def planned(query: str, **options) -> list[str]:
            return sorted(names[i] for i in years.shards_for(request=SearchRequest(query, **options)))

        assert planned("date:2023 market") == ["2023"]  # a date: range in the query skips shards too
        assert planned("date:2021 OR date:2023") == ["2021", "2022", "2023"]  # an OR spans its parts
        assert planned("date:2023 market", match="any") == names  # any word may match: every shard
        assert planned("(date:2023 OR market) oil") == names
        assert planned("date:2023 date:2021") == []  # no date is in both


def test_a_cluster_keeps_its_own_client_when_the_process_has_others(single, sharded, cluster_client) -> None:
    """A `local:N` call, a server or a test may make Dask clients beside the session's: the
    shards' searchers must answer through the cluster's own client (before, an actor's handle
    bound to another client asked that client's workers, which do not hold it, and every call
    waited forever)."""
    from search.cluster.engine import connect

    assert cluster_client.status == "running"
    with connect("local:1") as other, Cluster.open(other, sharded.roots["hash3"], wait=20) as mine:
        assert mine.search("market", limit=0).total == single.search("market", limit=0).total
