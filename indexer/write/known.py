"""The index's documents by source file, read as a stream in source order.

An incremental run compares the files it walks with what the index holds. Both come in source
order, so the comparison is a merge that holds one file at a time, however large the archive.
The index is not sorted as a whole, but it is made of sorted runs: each run of the indexer
writes its files in source order, and merging segments only puts such runs one after another.
`iter_known` finds the runs in one pass over the ``source`` column and merges them in a
second; what it holds is one entry per run, not per document.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class KnownSource:
    """One source file's live documents in the index: their ids, and the file's stamp."""

    source: str
    stamp: str
    ids: tuple[str, ...]


def iter_known(reader: Any) -> Iterator[KnownSource]:
    """Yield each source file of the index open in ``reader``, in source order."""
    if reader.doc_count() == 0:
        return
    sources = reader.column_reader("source")
    runs: list[tuple[int, int]] = []
    start = last = -1  # -1: no run begun yet
    previous = ""
    for docnum in reader.all_doc_ids():
        source = sources[docnum]
        if start < 0 or source < previous:
            if start >= 0:
                runs.append((start, last + 1))
            start = docnum
        previous, last = source, docnum
    runs.append((start, last + 1))
    ids = reader.column_reader("id")
    stamps = reader.column_reader("stamp")
    group: list[int] = []
    current = ""  # no source is empty: the first one starts a group
    for source, docnum in heapq.merge(*(_run(reader, sources, lo, hi) for lo, hi in runs)):
        if source != current:
            if group:
                yield KnownSource(current, stamps[group[0]], tuple(ids[d] for d in group))
            current, group = source, []
        group.append(docnum)
    if group:
        yield KnownSource(current, stamps[group[0]], tuple(ids[d] for d in group))


def _run(reader: Any, sources: Any, lo: int, hi: int) -> Iterator[tuple[str, int]]:
    is_deleted = reader.is_deleted
    for docnum in range(lo, hi):
        if not is_deleted(docnum):
            yield sources[docnum], docnum


def pair_up(
    files: Iterable[tuple[str, str, str]], known: Iterable[KnownSource]
) -> Iterator[tuple[tuple[str, str, str], KnownSource | None] | tuple[None, KnownSource]]:
    """Merge the walk's ``(key, root, path)`` files with the index's sources, both in key order:
    yield ``(file, source)`` for a file the index holds, ``(file, None)`` for one it does not,
    ``(None, source)`` for a source no file was found for. Holds one of each at a time."""
    known = iter(known)
    old = next(known, None)
    for file in files:
        while old is not None and old.source < file[0]:
            yield None, old
            old = next(known, None)
        if old is not None and old.source == file[0]:
            yield file, old
            old = next(known, None)
        else:
            yield file, None
    while old is not None:
        yield None, old
        old = next(known, None)
