"""Scoring statistics over live documents only, so an index updated in place scores like a
fresh build of the same files.

Whoosh keeps a deleted document in its segment until the segment is merged away, and its
term infos (document frequencies) and field totals still count it, while
``Searcher.doc_count()`` does not: after every file of an archive was re-indexed, a word's
frequency could exceed the document total, and its IDF turned negative (issue 18.2). Here a
term's frequency is its segment frequencies less its postings in deleted documents (looked up
only in segments with deletions), a language's document total is ``lang``'s live frequency,
and a field's total length is the segments' stored totals less the lengths of their deleted
documents. Whoosh keeps each document's length in one byte, exact up to 12 and within about
3% above, so that last figure is as exact as those bytes; the merge policy
(`indexer.write.merging`) rewrites segments with many deletions, after which it is exact again.

Each figure is computed once per searcher (`statistics_of` keeps one
`LiveStats` with it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from indexer.core.schema import LANG_KEYS
from indexer.engine.columns import BYTE_TO_LENGTH, length_bytes
from indexer.engine.terms import posting_blocks, raw_matcher, segment_terms
from search.statistics import CollectionStats, ExpansionKey, Given, Statistics

#: Up to this many deletions in a segment, a term's postings are skipped to each; above, read whole.
_FEW_DELETIONS = 64


class LiveStats(Statistics):
    """One searcher's statistics over its live documents, each computed once."""

    def __init__(self, searcher: Any) -> None:
        super().__init__()
        self.searcher = searcher  # a Whoosh searcher or reader: both have the schema and the counts used
        reader = searcher.reader() if hasattr(searcher, "reader") else searcher
        self.leaves = [leaf for leaf, _ in reader.leaf_readers()]
        self._freqs: dict[tuple[str, bytes], int] = {}
        self._lengths: dict[str, float] = {}
        self._deleted: dict[int, list[int]] = {}

    def documents(self) -> int:
        count: int = self.searcher.doc_count()
        return count

    def language_documents(self, lang: str) -> int:
        return self.doc_frequency("lang", lang)

    def doc_frequency(self, fieldname: str, text: Any) -> int:
        """How many live documents hold the term ``text`` (bytes or a value of the field) in
        ``fieldname``."""
        if fieldname not in self.searcher.schema:
            return 0
        tbytes = text if isinstance(text, bytes) else self.searcher.schema[fieldname].to_bytes(text)
        key = (fieldname, tbytes)
        if key not in self._freqs:
            self._freqs[key] = sum(
                self._leaf_frequency(i, leaf, fieldname, tbytes) for i, leaf in enumerate(self.leaves)
            )
        return self._freqs[key]

    def _leaf_frequency(self, i: int, leaf: Any, fieldname: str, tbytes: bytes) -> int:
        found = leaf.doc_frequency(fieldname, tbytes)
        if not found or not leaf.has_deletions():
            return int(found)
        if not leaf.doc_count():  # every document of the segment deleted
            return 0
        deleted = self._deleted_docs(i, leaf)
        if len(deleted) > _FEW_DELETIONS:
            return int(found) - _deleted_postings(leaf, fieldname, tbytes, deleted)
        # The raw postings (Whoosh's `postings` filters deleted documents out), skipped to each
        # deleted document in turn: costs in proportion to the deletions, not the postings.
        matcher = raw_matcher(leaf, fieldname, tbytes)
        dead = 0
        for docnum in deleted:
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                dead += 1
        return int(found) - dead

    def _deleted_docs(self, i: int, leaf: Any) -> list[int]:
        if i not in self._deleted:
            self._deleted[i] = sorted(leaf.deleted_docs_set)
        return self._deleted[i]

    def field_length(self, fieldname: str) -> float:
        """The total length of ``fieldname`` in the live documents: each segment's stored
        total, less its deleted documents' lengths (as Whoosh's length bytes give them)."""
        if fieldname not in self._lengths:
            self._lengths[fieldname] = float(
                sum(self._leaf_length(i, leaf, fieldname) for i, leaf in enumerate(self.leaves))
            )
        return self._lengths[fieldname]

    def _leaf_length(self, i: int, leaf: Any, fieldname: str) -> float:
        total = float(leaf.field_length(fieldname))
        if not total or not leaf.has_deletions():
            return total
        raw = length_bytes(leaf, fieldname)
        if raw is None:  # no document of the segment has the field
            return total
        count = len(raw)
        dead = np.asarray(self._deleted_docs(i, leaf), dtype=np.int64)
        return max(0.0, total - float(BYTE_TO_LENGTH[raw[dead[dead < count]]].sum()))


def _deleted_postings(leaf: Any, fieldname: str, tbytes: bytes, deleted: list[int]) -> int:
    """How many of a term's postings in ``leaf`` are in ``deleted``: every block decoded at
    once with numpy (`search.columnar`'s reader), cheaper than skipping to many deletions."""
    terms = segment_terms(leaf)
    info = terms.term_info(fieldname, tbytes)
    if info.is_inlined():
        ids = np.asarray(info.inlined_postings()[0], dtype=np.int64)
    else:
        blocks = posting_blocks(terms, info)
        if blocks is None:
            raise ValueError(f"{fieldname}:{tbytes!r}: not a Whoosh 3 posting list")
        ids = np.concatenate([block[0] for block in blocks])
    return int(np.isin(ids, np.asarray(deleted, dtype=np.int64), assume_unique=True).sum())


def statistics_of(searcher: Any) -> Statistics:
    """The `Statistics` that ``searcher`` (or a reader, or one of their leaves) scores with: those
    handed to it (`scoring_with`), else its own live figures (`search.live.LiveStats`), made on
    first use and kept with it (a searcher reads one generation, so they never change)."""
    parent = searcher.get_parent() if hasattr(searcher, "get_parent") else searcher
    stats = getattr(parent, "_dateline_statistics", None)
    if stats is None:
        stats = LiveStats(parent)
        parent._dateline_statistics = stats
    return stats


def scoring_with(searcher: Any, figures: CollectionStats) -> Any:
    """A searcher over ``searcher``'s reader that scores with ``figures`` (`Given`), for one search;
    ``searcher`` keeps its own statistics. `Index` keeps its columnar arrays by the original."""
    from indexer.engine.opening import view_searcher

    view = view_searcher(searcher)
    view._dateline_statistics = Given(figures, statistics_of(searcher))
    view._dateline_base = searcher
    return view


def collect(searcher: Any, q: Any, expansions: Mapping[ExpansionKey, tuple[bytes, ...]]) -> CollectionStats:
    """The live figures of ``searcher``'s index that scoring ``q`` (its wildcards already
    expanded into ``expansions``) reads: every language's documents, every scored field's
    length, and the document frequency of each of ``q``'s terms, phrase words included."""
    stats = statistics_of(searcher)
    schema = searcher.schema
    frequencies: dict[tuple[str, bytes], int] = {}
    for fieldname, text in q.iter_all_terms(phrases=True):
        if fieldname not in schema:
            continue
        try:
            tbytes = text if isinstance(text, bytes) else schema[fieldname].to_bytes(text)
        except ValueError:
            continue
        frequencies[(fieldname, tbytes)] = stats.doc_frequency(fieldname, tbytes)
    return CollectionStats(
        documents=stats.documents(),
        languages={lang: stats.language_documents(lang) for lang in LANG_KEYS},
        lengths={name: stats.field_length(name) for name in schema.scorable_names()},
        frequencies=frequencies,
        expansions=dict(expansions),
    )
