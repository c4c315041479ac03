"""Committing a Whoosh writer by parts: dateline builds segments beside the writer
(`indexer.write.build`) and merges by its own policy (`indexer.write.merging`), so it calls the
steps of ``SegmentWriter.commit`` (private in whoosh-reloaded 2.7) itself, through these."""

from __future__ import annotations

from typing import Any


def finalize_segment(writer: Any) -> Any:
    """Write out the segment of the documents added through ``writer``; the segment."""
    return writer._finalize_segment()


def take_added_segment(writer: Any) -> Any | None:
    """The segment of the documents added through ``writer`` itself, written out; None, its
    empty segment closed, where none was added."""
    if writer._added:
        return writer._finalize_segment()
    writer._close_segment()
    return None


def commit_toc(writer: Any, segments: list[Any]) -> None:
    """Make ``segments`` the index's new generation (a new TOC file) and release the writer."""
    writer._commit_toc(segments)
    writer._finish()
