"""`SearchParams`: a search's URL read once and written back in one canonical order, so that a
link (a facet toggled, a page, a period) is the search itself."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.errors import QueryError
from search.serve.params import MAX_FIELDS, SearchParams


def test_defaults_and_values() -> None:
    empty = SearchParams.parse("")
    assert (empty.q, empty.page, empty.order, empty.limit, empty.by, empty.text) == ("", 1, "-date", 10, "month", "*")
    p = SearchParams.parse(
        "q=%22armed+forces%22&page=3&wire=A&wire=B&wire=A&year=2025&lang=de&since=2025-01-01&by=week"
    )
    assert p.q == '"armed forces"' and p.page == 3 and p.order == "relevance" and p.lang == "de"
    assert p.filters == (("wire", ("A", "B")), ("year", ("2025",))) and p.by == "week"
    assert p.selected("wire") == ("A", "B") and p.selected("language") == ("de",)


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=1001",
        "page=two",
        "limit=0",
        "limit=101",
        "sort=best",
        "lang=fr",
        "by=year",
        "q=a&" + "x=1&" * MAX_FIELDS,
    ],
)
def test_bad_values_are_query_errors(query: str) -> None:
    with pytest.raises(QueryError):
        SearchParams.parse(query)


def test_href_is_canonical_and_leaves_defaults_out() -> None:
    p = SearchParams.parse("page=2&q=mali&wire=B&token=x&unknown=1&limit=10")
    assert p.href() == "/search?q=mali&wire=B&page=2"
    assert SearchParams.parse("q=mali&sort=-date").href() == "/search?q=mali&sort=-date"
    assert p.href("/api/search", page=1) == "/api/search?q=mali&wire=B"
    assert SearchParams().href() == "/search"


def test_toggling_adds_then_removes_and_restarts_at_page_1() -> None:
    p = SearchParams.parse("q=mali&page=4")
    on = p.toggled("wire", "PR Newswire")
    assert on.selected("wire") == ("PR Newswire",) and on.page == 1
    assert on.toggled("wire", "PR Newswire") == SearchParams.parse("q=mali")
    assert (
        p.toggled("language", "de").lang == "de" and p.toggled("language", "de").toggled("language", "de").lang is None
    )


names = st.sampled_from(
    ["q", "page", "sort", "since", "until", "lang", "wire", "year", "issuer", "place", "by", "limit"]
)
values = st.text(min_size=0, max_size=12)


@given(st.lists(st.tuples(names, values), max_size=12))
def test_a_links_search_is_the_search(pairs: list[tuple[str, str]]) -> None:
    """Whatever a URL says, if it is read at all, its canonical href reads back the same search."""
    from urllib.parse import urlencode

    try:
        p = SearchParams.parse(urlencode(pairs))
    except QueryError:
        return
    assert SearchParams.parse(p.href().partition("?")[2]) == p
