"""Time views: how many documents matching a query fall in each day, ISO week or month.

Every period between the first and the last (or the ``since`` … ``until`` asked for) is listed,
empty ones as 0, so that a chart of them is honest; documents without a date are counted
apart. Counted from the dates of all matching documents (`search.facets.FacetColumns`), as the
facets are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from indexer.core.defaults import BYS
from search.errors import QueryError

#: Day numbers count from 0001-01-01, a Monday (Whoosh's dates count microseconds from there).
_EPOCH = date(1, 1, 1)
_DAY_US = 86_400_000_000


@dataclass(frozen=True)
class PeriodCount:
    """One period (``2025-06-06``, ``2025-W23``, ``2025-06``) and its number of matching documents."""

    period: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"period": self.period, "count": self.count}


@dataclass(frozen=True)
class Timeline:
    """Matching documents per period; ``total`` counts them all, ``undated`` those without a date
    (so the periods add up to ``total - undated``)."""

    query: str
    by: str
    total: int
    undated: int
    periods: list[PeriodCount] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "by": self.by,
            "total": self.total,
            "undated": self.undated,
            "periods": [p.to_dict() for p in self.periods],
        }


@dataclass(frozen=True)
class DayCounts:
    """Matching documents per day number (``-1``: undated) and the search's own first and last
    day (``since``/``until``, None for open): a timeline before its periods, summable across shards."""

    days: dict[int, int]
    first: int | None = None
    last: int | None = None

    def __add__(self, other: DayCounts) -> DayCounts:
        days = dict(self.days)
        for day, count in other.days.items():
            days[day] = days.get(day, 0) + count
        return DayCounts(days, self.first, self.last)

    def timeline(self, query: str, by: str) -> Timeline:
        """The `Timeline` by ``by`` (`count_periods`)."""
        keys = np.fromiter(self.days, dtype=np.int64, count=len(self.days))
        counts = np.fromiter(self.days.values(), dtype=np.int64, count=len(self.days))
        return count_periods(query, by, np.repeat(keys, counts), self.first, self.last)


def check_by(by: str) -> str:
    if by not in BYS:
        raise QueryError(f"unknown period {by!r}; choose from {', '.join(BYS)}")
    return by


def bound_days(bounds: Any) -> tuple[int | None, int | None]:
    """The first and last day (numbers) of a date range query made by `search.query.date_filter`."""
    if bounds is None:
        return None, None
    start = None if bounds.start is None else int(bounds.start) // _DAY_US
    end = None if bounds.end is None else int(bounds.end) // _DAY_US
    return start, end


def _start(day: int, by: str) -> int:
    """The first day of the period holding ``day``."""
    if by == "day":
        return day
    if by == "week":
        return day - day % 7  # day 0 is a Monday, as ISO weeks start
    when = _EPOCH + timedelta(days=day)
    return (when.replace(day=1) - _EPOCH).days


def _next(day: int, by: str) -> int:
    """The first day of the period after the one starting on ``day``."""
    if by == "day":
        return day + 1
    if by == "week":
        return day + 7
    when = _EPOCH + timedelta(days=day)
    following = date(when.year + when.month // 12, when.month % 12 + 1, 1)
    return (following - _EPOCH).days


def _label(day: int, by: str) -> str:
    when = _EPOCH + timedelta(days=day)
    if by == "day":
        return when.isoformat()
    if by == "week":
        year, week, _ = when.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{when.year:04d}-{when.month:02d}"


def count_periods(query: str, by: str, days: np.ndarray, first: int | None = None, last: int | None = None) -> Timeline:
    """The `Timeline` of matching documents whose dates are ``days`` (day numbers, ``-1``: none);
    periods run from ``first`` (else the earliest date) to ``last`` (else the latest)."""
    dated = days[days >= 0]
    counts: dict[int, int] = {}
    if len(dated):
        unique, per_day = np.unique(dated, return_counts=True)
        for day, n in zip(unique.tolist(), per_day.tolist(), strict=True):
            start = _start(day, by)
            counts[start] = counts.get(start, 0) + n
        first = int(dated.min()) if first is None else min(first, int(dated.min()))
        last = int(dated.max()) if last is None else max(last, int(dated.max()))
    periods = []
    if first is not None and last is not None:
        day = _start(first, by)
        while day <= last:
            periods.append(PeriodCount(_label(day, by), counts.get(day, 0)))
            day = _next(day, by)
    return Timeline(query=query, by=by, total=len(days), undated=len(days) - len(dated), periods=periods)


def period_range(label: str, by: str) -> tuple[date, date]:
    """The first and last day of the period ``label`` (as `Timeline` names it: ``2025-06-06``,
    ``2025-W23``, ``2025-06``); `QueryError` for a label that is not one of ``by``."""
    try:
        if by == "day":
            first = date.fromisoformat(label)
            return first, first
        if by == "week":
            year, _, week = label.partition("-W")
            first = date.fromisocalendar(int(year), int(week), 1)
            return first, first + timedelta(days=6)
        year, _, month = label.partition("-")
        first = date(int(year), int(month), 1)
    except ValueError:
        raise QueryError(f"{label!r} is not a {check_by(by)} of a timeline") from None
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - timedelta(days=1)
