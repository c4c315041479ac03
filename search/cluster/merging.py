"""Joining the shards' answers into one: the best matches across shards, and summed counts.

Pure functions over what the shards send (`search.results.TopDocs`, `search.timeline.DayCounts`),
so that ties, paging and totals are tested without a cluster. Ties are broken as a single index
breaks them within itself, then by shard: by score (or date), then shard, then document number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from search.results import FacetCount, ScoreDoc, TopDocs
from search.timeline import DayCounts


@dataclass(frozen=True)
class Placed:
    """One merged match: the shard it is in (its place in the cluster's list) and the match."""

    shard: int
    doc: ScoreDoc


def merge_top(parts: Sequence[TopDocs | None], top_n: int, sort: str = "relevance") -> list[Placed]:
    """The best ``top_n`` of every shard's best (None: a shard skipped), in ``sort`` order:
    ``relevance`` (score down), ``date`` (oldest first) or ``-date`` (newest first, the exact
    reverse of ``date`` as one index sorts). Each shard's list must hold its best ``top_n``."""
    placed = [Placed(shard, doc) for shard, part in enumerate(parts) if part is not None for doc in part.docs]
    if sort == "relevance":
        placed.sort(key=lambda p: (-p.doc.score, p.shard, p.doc.doc))
    else:
        placed.sort(key=lambda p: (p.doc.date, p.shard, p.doc.doc), reverse=sort == "-date")
    return placed[:top_n]


def page_of(merged: Sequence[Placed], page: int, limit: int) -> list[tuple[int, Placed]]:
    """The matches of page ``page`` (from 1) of ``limit`` each, with their ranks (from 1)."""
    first = (page - 1) * limit
    return [(first + i + 1, placed) for i, placed in enumerate(merged[first : first + limit])]


def merge_total(parts: Sequence[TopDocs | None]) -> int:
    """How many documents matched in all: the shards' totals added (each document is in one shard)."""
    return sum(part.total for part in parts if part is not None)


def merge_facets(parts: Sequence[TopDocs | None], limit: int | None) -> dict[str, list[FacetCount]]:
    """Each facet's counts added up across shards (every shard sends every value), then its
    ``limit`` most frequent values (None: all), ties by value, as one index orders them."""
    sums: dict[str, dict[str, int]] = {}
    for part in parts:
        if part is None:
            continue
        for name, counts in part.facets.items():
            found = sums.setdefault(name, {})
            for count in counts:
                found[count.value] = found.get(count.value, 0) + count.count
    out: dict[str, list[FacetCount]] = {}
    for name, found in sums.items():
        pairs = sorted(found.items(), key=lambda vn: (-vn[1], vn[0]))
        out[name] = [FacetCount(v, n) for v, n in (pairs if limit is None else pairs[:limit])]
    return out


def merge_days(parts: Sequence[DayCounts]) -> DayCounts:
    """The shards' counts per day added up (their first and last days are the search's, the same)."""
    if not parts:
        return DayCounts({})
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total
