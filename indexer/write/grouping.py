"""Finding the copies of one story, and template families, among an index's documents at commit.

Each live document with a signature of at least `MIN_SHINGLES` shingles (`indexer.write.sigs`) is
bucketed by locality-sensitive hashing: `BANDS` bands of `ROWS` signature values each, so two
documents share a bucket in some band with probability ``1 - (1 - J**ROWS)**BANDS`` (0.9998 at a
Jaccard similarity J of 0.8, 0.87 at 0.5). In each bucket every member is compared with the first
and with the one before it, by the estimated containment of the smaller text's shingles in the
other's; pairs at `COPY_CONTAINMENT` or above are copies (a release on five portals, a story cut
short or with a trailer added). Groups are led by their earliest published member: documents are
taken in time order, and one joins an earlier copy's group only when it is a copy of that group's
lead too and came out within `COPY_DAYS` of it, so a chain of small edits (a daily column with a
new caption) never grows into one group.

Pairs that share a good part of their text without being copies (estimated Jaccard at
`TEMPLATE_JACCARD` or above) are template edges; documents joined by them into a family that spans
at least `TEMPLATE_STORIES` stories are a template family: a class-action notice sent daily with one
name changed, a column under one title. Searching keeps a family from crowding a page
(`search.news`).

The thresholds were chosen on the hand-labelled pairs of ``bench/dedup_pairs.jsonl``
(``bench/dedup.py``). The whole index is grouped afresh at each commit: a few hundred milliseconds
at 100,000 documents, and never stale after documents are added, changed or removed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from indexer.core.groups import Groups
from indexer.core.signatures import NUM_HASHES
from indexer.write.sigs import NO_TIME, SegmentSigs, Stacked, live_rows, read_sigs

#: Estimated containment from which two documents are copies of one story (pair by pair:
#: precision 0.94 and recall 0.91 on the labelled pairs; as groups, `bench/dedup.py`).
COPY_CONTAINMENT = 0.95
#: Days from its lead within which a copy came out: syndication takes days, not months, and a
#: column that repeats its text with a new caption each week is no copy of last month's.
COPY_DAYS = 7
#: Estimated Jaccard similarity from which two documents that are not copies share a template.
TEMPLATE_JACCARD = 0.3
#: Stories (groups or single documents) a template family spans at least.
TEMPLATE_STORIES = 5
#: Texts with fewer shingles (about as many words) join nothing: two one-line stubs alike are
#: too little to call one story.
MIN_SHINGLES = 8
#: Locality-sensitive hashing: bands of signature values, rows per band.
BANDS, ROWS = 32, 4
#: Bands hashed in one pass over the signatures (a number per document each).
BANDS_AT_ONCE = 4
#: Candidate pairs compared at a time (two signatures each: 2 MB).
_CHUNK = 2048

_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93], np.uint64)


def index_groups(storage: Any, segments: Sequence[Any]) -> Groups:
    """The groups of the documents of ``segments`` (in the order of the commit that lists them,
    deletions marked): a segment without a signature file has its documents join no group."""
    parts = []
    for segment in segments:
        rows = read_sigs(storage, segment)
        parts.append(rows if rows is not None else SegmentSigs.empty(segment.doc_count_all()))
    live = np.concatenate([live_rows(s) for s in segments]) if segments else np.zeros(0, bool)
    return find_groups(Stacked(parts), live)


def find_groups(rows: Stacked, live: np.ndarray) -> Groups:
    """The groups and template families of ``rows`` (document numbers in order), among those ``live``.

    Memory is a few numbers per document, the pairs of one band and the copies found: each band's
    candidate pairs are compared as they come (a pair found in several bands is compared again,
    cheaper than keeping every pair), template edges go straight into a union-find, and the
    signatures are read a chunk at a time."""
    n = len(rows)
    usable = live & (rows.shingles >= MIN_SHINGLES)
    docs = np.flatnonzero(usable)
    copies = np.zeros(0, np.int64)  # copy pairs, as first * n + second
    families = _UnionFind(n)
    for keys in band_keys(rows, usable):
        found = []
        codes = _bucket_pairs(keys[docs], docs, n)
        for start in range(0, len(codes), _CHUNK):
            chunk = codes[start : start + _CHUNK]
            first, second = chunk // n, chunk % n
            jaccard = np.count_nonzero(rows.rows(first) == rows.rows(second), axis=1) / NUM_HASHES
            copy = _containment(jaccard, rows.shingles[first], rows.shingles[second]) >= COPY_CONTAINMENT
            found.append(chunk[copy])
            edge = ~copy & (jaccard >= TEMPLATE_JACCARD)
            families.union(first[edge], second[edge])
        if found:
            copies = np.union1d(copies, np.concatenate(found))
    group, lead = _lead_groups(rows, copies // max(n, 1), copies % max(n, 1))
    size = np.bincount(group[group >= 0], minlength=len(lead)).astype(np.int32)
    family = _families(families.roots(), group)
    return Groups(group, lead, size, family, rows.times, rows.site, np.asarray(rows.sites))


def band_keys(rows: Stacked, usable: np.ndarray) -> Iterator[np.ndarray]:
    """Each band's bucket key of every document (0 for those not ``usable``), a band at a time; the
    signatures are read `BANDS_AT_ONCE` bands a pass, a chunk at a time."""
    n = len(rows)
    if usable.sum() < 2:
        return
    for first_band in range(0, BANDS, BANDS_AT_ONCE):
        bands = range(first_band, min(BANDS, first_band + BANDS_AT_ONCE))
        keys = np.zeros((len(bands), n), np.uint64)
        columns = slice(first_band * ROWS, (bands[-1] + 1) * ROWS)
        for start, chunk in rows.chunks(columns):
            values = chunk.astype(np.uint64)
            for i in range(len(bands)):
                part = values[:, i * ROWS : (i + 1) * ROWS]
                key = part[:, 0] * _MIX[0]
                for r in range(1, ROWS):
                    key ^= part[:, r] * _MIX[r]
                keys[i, start : start + len(chunk)] = key
        yield from keys


def candidate_pairs(rows: Stacked, usable: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (first < second) of ``usable`` documents sharing a bucket in some band, once
    (`bench/dedup.py` counts them; grouping compares each band's as they come)."""
    docs = np.flatnonzero(usable)
    n = len(rows)
    found = np.zeros(0, np.int64)
    for keys in band_keys(rows, usable):
        found = np.union1d(found, _bucket_pairs(keys[docs], docs, n))
    return found // max(n, 1), found % max(n, 1)


def _bucket_pairs(keys: np.ndarray, docs: np.ndarray, n: int) -> np.ndarray:
    """The pairs (as ``first * n + second``) of ``docs`` with equal ``keys``: each with its bucket's
    first member and with the member before it."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    same = np.r_[False, ordered[1:] == ordered[:-1]]
    if not same.any():
        return np.zeros(0, np.int64)
    starts = np.maximum.accumulate(np.where(same, 0, np.arange(len(order))))
    at = np.flatnonzero(same)
    members = docs[order]
    chain = at[starts[at] != at - 1]
    a = np.concatenate([members[starts[at]], members[chain - 1]])
    b = np.concatenate([members[at], members[chain]])
    low, high = np.minimum(a, b), np.maximum(a, b)
    return np.unique(low * n + high)


def _containment(jaccard: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The estimated share of the smaller text's shingles the other holds (as `Signature.containment`)."""
    a, b = a.astype(np.float64), b.astype(np.float64)
    shared = jaccard / (1 + jaccard) * (a + b)
    return np.minimum(1.0, shared / np.maximum(1.0, np.minimum(a, b)))


def _lead_groups(rows: Stacked, first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each document's group and each group's lead, from the copy pairs given: documents are taken
    earliest first, and one joins the group of an earlier copy only when it is a copy of that
    group's lead too (and came out within `COPY_DAYS` of it), so a chain of small edits never joins
    two different stories."""
    n = len(rows)
    group = np.full(n, -1, np.int32)
    if not len(first):
        return group, np.zeros(0, np.int32)
    ends = np.concatenate([first, second])
    others = np.concatenate([second, first])
    docs = np.unique(ends)
    rank = np.full(n, -1, np.int64)
    rank[docs[np.lexsort((docs, rows.times[docs]))]] = np.arange(len(docs))
    by = np.lexsort((rank[others], ends))  # each document's neighbours, earliest first
    ends, others = ends[by], others[by]
    bounds = np.searchsorted(ends, docs)
    stops = np.r_[bounds[1:], len(ends)]
    leads: list[int] = []
    order = docs[np.argsort(rank[docs])]
    where = dict(zip(docs.tolist(), range(len(docs)), strict=True))
    for doc in order.tolist():
        i = where[doc]
        mine = others[bounds[i] : stops[i]]
        for other in mine[rank[mine] < rank[doc]].tolist():  # the earlier copies, earliest first
            g = int(group[other])
            if g >= 0 and _within(rows, doc, leads[g]) and _is_copy(rows, doc, leads[g]):
                group[doc] = g
                break
        else:
            group[doc] = len(leads)
            leads.append(doc)
    single = np.bincount(group[group >= 0], minlength=len(leads)) == 1
    if single.any():  # a lead no later document joined: no group
        renumber = np.cumsum(~single) - 1
        alone = single[group[docs]]
        group[docs[alone]] = -1
        group[docs[~alone]] = renumber[group[docs[~alone]]]
        leads = [d for d, s in zip(leads, single.tolist(), strict=True) if not s]
    return group, np.asarray(leads, np.int32)


def _within(rows: Stacked, a: int, b: int) -> bool:
    """Whether ``a`` came out within `COPY_DAYS` of ``b`` (or either is undated)."""
    ta, tb = int(rows.times[a]), int(rows.times[b])
    return NO_TIME in (ta, tb) or abs(ta - tb) <= COPY_DAYS * 86400


def _is_copy(rows: Stacked, a: int, b: int) -> bool:
    pair = rows.rows(np.asarray([a, b]))
    jaccard = np.count_nonzero(pair[0] == pair[1]) / NUM_HASHES
    both = _containment(np.asarray([jaccard]), rows.shingles[a : a + 1], rows.shingles[b : b + 1])
    return bool(both[0] >= COPY_CONTAINMENT)


class _UnionFind:
    """Connected components of ``n`` nodes, edges added a batch at a time (vectorised)."""

    def __init__(self, n: int) -> None:
        self.parent = np.arange(n)

    def _find(self, nodes: np.ndarray) -> np.ndarray:
        roots = self.parent[nodes]
        while True:
            up = self.parent[roots]
            if np.array_equal(up, roots):
                return roots
            roots = up

    def union(self, a: np.ndarray, b: np.ndarray) -> None:
        """Join the components of each ``a[i]`` and ``b[i]``: the larger root hooks to the smaller,
        until every pair shares a root."""
        while len(a):
            ra, rb = self._find(a), self._find(b)
            apart = ra != rb
            if not apart.any():
                return
            low, high = np.minimum(ra[apart], rb[apart]), np.maximum(ra[apart], rb[apart])
            np.minimum.at(self.parent, high, low)
            a, b = low, high

    def roots(self) -> np.ndarray:
        """Each node's root (the smallest node of its component)."""
        roots = self.parent
        while True:
            up = roots[roots]
            if np.array_equal(up, roots):
                return roots
            roots = up


def _families(root: np.ndarray, group: np.ndarray) -> np.ndarray:
    """A family number per document joined by template edges (components ``root``) into a family of
    at least `TEMPLATE_STORIES` stories (copies count as one); -1 for the others."""
    n = len(root)
    family = np.full(n, -1, np.int32)
    joined = np.flatnonzero(np.bincount(root, minlength=n)[root] > 1)
    if not len(joined):
        return family
    story = np.where(group[joined] >= 0, group[joined].astype(np.int64), n + joined)  # a copy group counts once
    pairs = np.unique(root[joined] * np.int64(2 * n + 1) + story)
    stories = np.bincount(pairs // (2 * n + 1), minlength=n)
    members = joined[stories[root[joined]] >= TEMPLATE_STORIES]
    if len(members):
        _, numbers = np.unique(root[members], return_inverse=True)
        family[members] = numbers
    return family
