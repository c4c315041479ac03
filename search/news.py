"""News ranking on request: copies collapsed, templates and sources kept from crowding a page, recency.

A search's matches, scored (or in date order), are arranged here before a page is cut:

* ``recent``: each score is multiplied by ``0.5 ** (age / half_life)``, the age measured from the
  newest document of the index (or ``now``) back to the document's date, as Elasticsearch's
  ``function_score`` exponential decay does; an undated document counts as old as the oldest.
* ``collapse``: the copies of one story (`indexer.write.grouping`) are shown once, at their
  best-ranked member, with the others listed as its copies; and a template family (a notice sent
  daily with one name changed) shows one member per page, the others moved to later pages.
* ``per_source``: at most that many hits of one site (a URL's host, else the document's folder)
  on a page, the others moved to later pages, as Google's host crowding does.

Moved hits are never dropped: a page that runs out of other hits takes them back in rank order.
"""

from __future__ import annotations

import math
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import numpy as np

from indexer.core.groups import Groups
from search.errors import QueryError

#: Hits of one template family on a page when collapsing.
TEMPLATES_PER_PAGE = 1
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([hdwmy])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"h": 3600, "d": 86400, "w": 7 * 86400, "m": 30 * 86400, "y": 365 * 86400}


def half_life_seconds(value: str | float | int) -> float:
    """A half-life as seconds: a number of days, or ``12h``, ``30d``, ``2w``, ``6m``, ``1y``;
    `QueryError` otherwise."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value) * 86400
    else:
        m = _DURATION.match(str(value))
        if not m:
            raise QueryError(f"recent: {value!r} is not a half-life (use a number and h, d, w, m or y: 30d)")
        seconds = float(m[1]) * _UNIT_SECONDS[m[2].lower()]
    if not seconds > 0 or not math.isfinite(seconds):
        raise QueryError(f"recent: the half-life must be above 0 (got {value!r})")
    return seconds


def as_time(value: str | date | datetime | None) -> float | None:
    """``now`` as seconds (a naive time read as UTC, as the index stores dates); `QueryError`
    for a string that is no ISO date or time."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise QueryError(f"now: {value!r} is not a date (use YYYY-MM-DD or an ISO time)") from None
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


@dataclass(frozen=True)
class NewsOptions:
    """How a search's hits are arranged (all off by default)."""

    collapse: bool = False
    half_life: float | None = None
    now: float | None = None
    per_source: int | None = None

    def __post_init__(self) -> None:
        if self.per_source is not None and self.per_source < 1:
            raise QueryError(f"per_source must be 1 or more (got {self.per_source})")

    @property
    def active(self) -> bool:
        return self.collapse or self.half_life is not None or self.per_source is not None


@dataclass(frozen=True)
class Adjustment:
    """What news ranking did to one hit, for ``--explain``: its recency ``decay`` (1.0: none) at
    ``age_days``, and ``moved_from``, its rank before a cap moved it down, with the ``reason``."""

    decay: float = 1.0
    age_days: float | None = None
    half_life_days: float | None = None
    moved_from: int | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {}
        if self.half_life_days is not None:
            out.update(decay=self.decay, age_days=self.age_days, half_life_days=self.half_life_days)
        if self.moved_from is not None:
            out.update(moved_from=self.moved_from, reason=self.reason)
        return out


@dataclass
class Arranged:
    """The hits in their final order ((score, document number) pairs, up to the number asked for),
    the copies of each (document numbers, lead first), each one's `Adjustment`, and how many
    stories matched (documents, copies counted once) when collapsing."""

    top: list[tuple[float, int]]
    copies: dict[int, list[int]] = field(default_factory=dict)
    adjustments: dict[int, Adjustment] = field(default_factory=dict)
    stories: int | None = None


def arrange(
    docs: np.ndarray,
    scores: np.ndarray | None,
    groups: Groups,
    options: NewsOptions,
    *,
    wanted: int,
    page_size: int,
    order: str = "relevance",
    dates: np.ndarray | None = None,
    times: np.ndarray | None = None,
) -> Arranged:
    """Arrange the matching ``docs`` (in document order; their ``scores``, None when ``order`` is by
    date, then in ``dates``, the index's date column) and keep the first ``wanted``, pages of
    ``page_size``. ``times`` are every document's date in seconds (`NO_TIME` undated), for ``recent``
    (default: the groups' own)."""
    docs = np.asarray(docs, dtype=np.int64)
    decay = None
    if options.half_life is not None and scores is not None:
        decay, ages = _decay(groups.time if times is None else times, docs, options)
        scores = scores * decay
    ranked = _ranked(docs, scores, order, dates)
    stories = None
    if options.collapse:
        stories = int(len(np.unique(groups.keys(docs)))) if len(docs) else 0
    wanted = max(wanted, 1)
    shown, copies, moved = _fill(ranked, groups, options, wanted, max(page_size, 1))
    at = np.searchsorted(docs, shown)  # the matches come in document order
    final = scores[at] if scores is not None else np.zeros(len(shown))
    adjustments: dict[int, Adjustment] = {}
    if decay is not None or moved:
        for doc, i in zip(shown, at.tolist(), strict=True):
            adjustments[doc] = Adjustment(
                decay=float(decay[i]) if decay is not None else 1.0,
                age_days=round(float(ages[i]) / 86400, 3) if decay is not None else None,
                half_life_days=options.half_life / 86400 if options.half_life is not None else None,
                moved_from=moved.get(doc, (None, None))[0],
                reason=moved.get(doc, (None, None))[1],
            )
    return Arranged(list(zip(final.tolist(), shown, strict=True)), copies, adjustments, stories)


def _decay(times: np.ndarray, docs: np.ndarray, options: NewsOptions) -> tuple[np.ndarray, np.ndarray]:
    """Each document's recency factor and age in seconds (`NewsOptions.half_life`), from ``times``."""
    from indexer.write.sigs import NO_TIME

    dated = times[times != NO_TIME]
    if not len(dated):
        return np.ones(len(docs)), np.zeros(len(docs))
    reference = options.now if options.now is not None else float(dated.max())
    mine = times[docs].astype(np.float64)
    mine[times[docs] == NO_TIME] = float(dated.min())
    ages = np.maximum(0.0, reference - mine)
    assert options.half_life is not None
    return np.power(0.5, ages / options.half_life), ages


def _ranked(docs: np.ndarray, scores: np.ndarray | None, order: str, dates: np.ndarray | None) -> Iterator[int]:
    """``docs`` best first (ties by number), or by date: sorted a slice at a time, so a page near
    the top costs a partition, not a sort of every match."""
    if scores is None:
        values = dates[docs] if dates is not None else np.zeros(len(docs))
        at = np.lexsort((docs, values))
        if order == "-date":
            at = at[::-1]
        yield from docs[at].tolist()
        return
    key = -scores
    remaining = np.arange(len(docs))
    size = 64
    while len(remaining):
        if len(remaining) > size:
            part = np.argpartition(key[remaining], size - 1)[:size]
            within = key[remaining] <= key[remaining[part]].max()  # every document tied at the cut
            take, remaining = remaining[within], remaining[~within]
        else:
            take, remaining = remaining, remaining[:0]
        yield from docs[take[np.lexsort((docs[take], key[take]))]].tolist()
        size *= 4


def _fill(
    ranked: Iterator[int], groups: Groups, options: NewsOptions, wanted: int, page_size: int
) -> tuple[list[int], dict[int, list[int]], dict[int, tuple[int, str]]]:
    """The first ``wanted`` hits, page by page: copies of a shown story skipped (and listed under
    it), a page's hits of one source or template family capped, the excess moved to the next pages."""
    shown: list[int] = []
    copies: dict[int, list[int]] = {}
    moved: dict[int, tuple[int, str]] = {}
    seen: set[int] = set()
    waiting: deque[tuple[int, int]] = deque()  # (rank it had, document) moved past a full page
    rank = 0
    stream = iter(ranked)
    exhausted = False
    while len(shown) < wanted:
        counts: dict[tuple[str, int], int] = {}
        page: list[tuple[int, int]] = []
        still: deque[tuple[int, int]] = deque()
        while waiting and len(page) < page_size:
            item = waiting.popleft()
            if _fits(item[1], counts, groups, options):
                page.append(item)
            else:
                still.append(item)
        while len(page) < page_size and not exhausted:
            doc = next(stream, None)
            if doc is None:
                exhausted = True
                break
            if options.collapse and groups.group[doc] >= 0:
                g = int(groups.group[doc])
                if g in seen:
                    continue
                seen.add(g)
            rank += 1
            if _fits(doc, counts, groups, options):
                page.append((rank, doc))
            else:
                still.append((rank, doc))
        rest = sorted([*still, *waiting])
        if exhausted and len(page) < page_size:  # nothing else left: the moved ones come back in rank order
            room = page_size - len(page)
            page += rest[:room]
            rest = rest[room:]
        waiting = deque(rest)
        if not page:
            break
        page.sort()
        for original, doc in page:
            position = len(shown) + 1
            if original < position:
                moved[doc] = (original, _reason(doc, groups, options))
            shown.append(doc)
            if len(shown) >= wanted:
                break
    if options.collapse:  # the copies of the stories shown (only theirs: each is a scan of the groups)
        for doc in shown:
            if groups.group[doc] >= 0:
                copies[doc] = [int(d) for d in groups.members(int(groups.group[doc])) if d != doc]
    return shown, copies, moved


def _keys(doc: int, groups: Groups, options: NewsOptions) -> list[tuple[tuple[str, int], int]]:
    """The caps ``doc`` counts against: its site's and its template family's, with their limits."""
    keys = []
    if options.per_source is not None:
        keys.append((("site", int(groups.site[doc])), options.per_source))
    if options.collapse and groups.family[doc] >= 0:
        keys.append((("family", int(groups.family[doc])), TEMPLATES_PER_PAGE))
    return keys


def _fits(doc: int, counts: dict[tuple[str, int], int], groups: Groups, options: NewsOptions) -> bool:
    """Whether ``doc`` fits on the page ``counts`` describe; counted in when it does."""
    keys = _keys(doc, groups, options)
    if any(counts.get(key, 0) >= limit for key, limit in keys):
        return False
    for key, _ in keys:
        counts[key] = counts.get(key, 0) + 1
    return True


def _reason(doc: int, groups: Groups, options: NewsOptions) -> str:
    if options.per_source is not None and options.collapse and groups.family[doc] >= 0:
        return f"a page shows {options.per_source} of one source and {TEMPLATES_PER_PAGE} of one template"
    if options.collapse and groups.family[doc] >= 0:
        return f"a page shows {TEMPLATES_PER_PAGE} of one template family"
    return f"a page shows {options.per_source} of one source ({groups.site_name(doc) or 'no site'})"
