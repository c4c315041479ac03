"""The timeline chart: one linked bar per period (its link narrows the search to that period),
a text alternative listing them, and no inline style (the page's CSP forbids it)."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import numpy as np
import pytest

from search.errors import QueryError
from search.serve.chart import narrowed, timeline_svg
from search.serve.params import SearchParams
from search.timeline import count_periods, period_range

_EPOCH = date(1, 1, 1)


def _days(*days: str) -> np.ndarray:
    return np.array([(date.fromisoformat(d) - _EPOCH).days for d in days], dtype=np.int64)


@pytest.mark.parametrize(
    ("label", "by", "first", "last"),
    [
        ("2025-06-06", "day", "2025-06-06", "2025-06-06"),
        ("2025-W23", "week", "2025-06-02", "2025-06-08"),
        ("2024-W01", "week", "2024-01-01", "2024-01-07"),
        ("2025-02", "month", "2025-02-01", "2025-02-28"),
        ("2024-12", "month", "2024-12-01", "2024-12-31"),
    ],
)
def test_a_period_is_its_days(label: str, by: str, first: str, last: str) -> None:
    assert period_range(label, by) == (date.fromisoformat(first), date.fromisoformat(last))


@pytest.mark.parametrize("by", ["day", "week", "month"])
def test_every_day_falls_in_the_period_its_timeline_names(by: str) -> None:
    days = _days("2024-12-30", "2025-01-05", "2025-02-28", "2025-03-01")
    for day, period in zip(days, [count_periods("q", by, np.array([d])).periods[0] for d in days], strict=True):
        first, last = period_range(period.period, by)
        assert (first - _EPOCH).days <= day <= (last - _EPOCH).days


def test_a_label_of_another_kind_is_refused() -> None:
    with pytest.raises(QueryError):
        period_range("2025-06", "day")


def test_bars_link_to_their_periods() -> None:
    timeline = count_periods("mali", "month", _days("2025-04-02", "2025-06-06", "2025-06-07"))
    params = SearchParams.parse("q=mali&wire=A&page=3")
    svg = timeline_svg(timeline, params)
    bars = re.findall(r'<a href="([^"]+)" class="bar" aria-label="([^"]+)">', svg)
    assert [unescape(label) for _, label in bars] == ["2025-04: 1 hit", "2025-05: 0 hits", "2025-06: 2 hits"]
    june = SearchParams.parse(unescape(bars[2][0]).partition("?")[2])
    assert (june.since, june.until, june.by, june.page, june.filters) == (
        "2025-06-01",
        "2025-06-30",
        "day",
        1,
        params.filters,
    )
    assert narrowed(params, "2025-06", "month") == june
    assert " style=" not in svg and "<script" not in svg
    assert "<details" in svg and "2025-06</a>: 2" in svg  # the text alternative
    assert "No dated documents" in timeline_svg(count_periods("x", "month", np.array([-1])), params)
