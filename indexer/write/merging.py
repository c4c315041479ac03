"""The merge policy applied at each indexing commit: purge deletions, bound the segment count.

Whoosh keeps a replaced or removed document in its segment, marked deleted, until the segment
is rewritten, and its default policy (``MERGE_SMALL``) only ever merges small segments: an
archive whose files were all touched and re-indexed kept every old copy (twice the size of a
fresh build) and the number of segments grew with each run, each some 30 files to open and
read while searching. At each commit:

* a segment whose deleted share is above `MAX_DELETED_SHARE` (a quarter, within the 20–33%
  Lucene's ``TieredMergePolicy`` tolerates) is rewritten without its deleted documents, into
  the commit's own new segment; one with no live document left is simply dropped;
* if the commit would still leave more than `MAX_SEGMENTS` segments, the smallest old ones
  (by live documents) are merged into that new segment too, until it leaves at most that many.

Segments the run itself built are never rewritten, and a small update (a few files touched)
leaves a large segment alone: its deleted share stays low, so an incremental run costs what
it reads and not the size of the archive. Rewriting goes through the writer's own segment and
its single commit, so an interrupted run still leaves the previous index as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: A segment with a larger share of deleted documents is rewritten without them.
MAX_DELETED_SHARE = 0.25
#: Segments a commit may leave before the smallest old ones are merged.
MAX_SEGMENTS = 10


def plan(segments: Sequence[Any], new: int = 0) -> tuple[list[Any], list[Any]]:
    """Split the old ``segments`` (Whoosh `Segment`s, with this run's deletions) into those
    kept as they are and those to rewrite, given ``new`` segments the run built (kept)."""
    keep, rewrite = [], []
    for segment in segments:
        total = segment.doc_count_all()
        if total and segment.deleted_count() / total > MAX_DELETED_SHARE:
            rewrite.append(segment)
        else:
            keep.append(segment)
    keep.sort(key=lambda s: s.doc_count())

    def count() -> int:
        return len(keep) + new + (1 if rewrite else 0)

    while keep and count() > MAX_SEGMENTS:
        rewrite.append(keep.pop(0))
    return keep, rewrite


def merge(writer: Any, segments: Sequence[Any], new: int = 0) -> tuple[list[Any], list[Any]]:
    """Apply `plan` with ``writer`` (a Whoosh `SegmentWriter` about to commit): the live
    documents of each segment to rewrite are added to the writer's new segment; returns the old
    segments kept, as Whoosh's merge policies do, and those rewritten, in the order their
    documents were added."""
    from whoosh.reading import SegmentReader

    keep, rewrite = plan(segments, new)
    for segment in rewrite:
        if not segment.doc_count():  # nothing live: the segment is just left out
            continue
        reader = SegmentReader(writer.storage, writer.schema, segment)
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
    return keep, rewrite
