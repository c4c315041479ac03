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
`for_searcher` computes each figure once per searcher.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh.util.numeric import _length_byte_cache

#: A field length as Whoosh stores it (one byte) to the length it stands for.
BYTE_TO_LENGTH = np.asarray(_length_byte_cache, dtype=np.float64)
#: Up to this many deletions in a segment, a term's postings are skipped to each; above, read whole.
_FEW_DELETIONS = 64


class LiveStats:
    """One searcher's statistics over its live documents, each computed once."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher  # a Whoosh searcher or reader: both have the schema and the counts used
        reader = searcher.reader() if hasattr(searcher, "reader") else searcher
        self.leaves = [leaf for leaf, _ in reader.leaf_readers()]
        self._freqs: dict[tuple[str, bytes], int] = {}
        self._lengths: dict[str, float] = {}
        self._deleted: dict[int, list[int]] = {}

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
        matcher = leaf._terms.matcher(fieldname, tbytes, leaf.schema[fieldname].format)
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
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        total = float(leaf.field_length(fieldname))
        if not total or not leaf.has_deletions():
            return total
        column = leaf._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:  # no document of the segment has the field
            return total
        count = min(column._count, leaf.doc_count_all())
        raw = np.frombuffer(column._dbfile.get(column._basepos, count), dtype=np.uint8)
        dead = np.asarray(self._deleted_docs(i, leaf), dtype=np.int64)
        return max(0.0, total - float(BYTE_TO_LENGTH[raw[dead[dead < count]]].sum()))


def _deleted_postings(leaf: Any, fieldname: str, tbytes: bytes, deleted: list[int]) -> int:
    """How many of a term's postings in ``leaf`` are in ``deleted``: every block decoded at
    once with numpy (`search.columnar`'s reader), cheaper than skipping to many deletions."""
    from search.columnar import posting_blocks

    info = leaf._terms.term_info(fieldname, tbytes)
    if info.is_inlined():
        ids = np.asarray(info.inlined_postings()[0], dtype=np.int64)
    else:
        ids = np.concatenate([block[0] for block in posting_blocks(leaf._terms._postfile, info.extent()[0])])
    return int(np.isin(ids, np.asarray(deleted, dtype=np.int64), assume_unique=True).sum())


def for_searcher(searcher: Any) -> LiveStats:
    """The `LiveStats` of ``searcher``'s top-level searcher (or of a reader), made on first use
    and kept with it (either reads one generation of the index, so its figures never change)."""
    parent = searcher.get_parent() if hasattr(searcher, "get_parent") else searcher
    stats = getattr(parent, "_dateline_live_stats", None)
    if stats is None:
        stats = LiveStats(parent)
        parent._dateline_live_stats = stats
    return stats
