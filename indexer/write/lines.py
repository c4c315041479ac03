"""Counting the short lines of the files a run reads (`indexer.parse.furniture`), before they
are indexed, in worker processes when there are many files.

The counts decide which lines are portal furniture, so they must be complete before the first
file is parsed; counting is only reading and normalising text (0.86 s of an 11 s build of 10,000 files),
and it ran alone in the parent while the workers waited. Each worker counts its share of the
files (the tasks' byte ranges, as the build splits them) and sends its counts back; they add
up to the same counts in any order. A worker that fails or dies leaves its share to be counted
here, so counting never fails a run.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from indexer.core.errors import DocumentError
from indexer.core.text import DecodeError, decode
from indexer.parse.files import MAX_FILE_BYTES, read_bytes, reader_for
from indexer.parse.furniture import LineCounts, file_lines, source_of
from indexer.write.build import MIN_FILES_PER_WORKER, Task
from indexer.write.spill import Spill


def count_file_lines(counts: LineCounts, doc_id: str, path: str, max_bytes: int = MAX_FILE_BYTES) -> None:
    """Add the short lines of the file at ``path`` (Markdown and plain text only) to ``counts``
    under its source, as a run counts them (`indexer.parse.furniture`); a file that cannot be
    read is skipped (indexing reports it)."""
    if reader_for(path) in ("markdown", "text"):
        with contextlib.suppress(DocumentError, DecodeError, OSError):
            counts.add(source_of(doc_id), file_lines(decode(read_bytes(path, max_bytes))[0]))


def count_lines(tasks: Spill, counts: LineCounts, max_bytes: int, workers: int = 1) -> None:
    """Add the lines of the files of ``tasks`` to ``counts``, by source, in up to ``workers``
    processes. The files are read as text, not parsed (parsing twice would cost about a third
    of the run), and read as the build reads them (`indexer.parse.files.read_bytes`), so a FIFO
    named like a document never blocks the run."""
    workers = max(1, min(workers, tasks.count // MIN_FILES_PER_WORKER))
    if (
        workers == 1
        or "fork" not in multiprocessing.get_all_start_methods()
        or multiprocessing.current_process().daemon  # a Dask worker's process may not start children
    ):
        _count(tasks, 0, None, max_bytes, counts)
        return
    ranges = tasks.ranges(workers)
    global _TASKS
    _TASKS = tasks  # read by the forked workers, which inherit it (and its file) from this process
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_count_range, start, end, max_bytes) for start, end in ranges]
            for (start, end), future in zip(ranges, futures, strict=True):
                try:
                    counts.update(future.result())
                except Exception:  # a worker died (BrokenProcessPool) or failed: count its share here
                    _count(tasks, start, end, max_bytes, counts)
    finally:
        _TASKS = None


_TASKS: Spill | None = None


def _count_range(start: int, end: int, max_bytes: int) -> LineCounts:
    """In a worker: the counts of the tasks in bytes ``start``–``end`` of the inherited task list."""
    counts = LineCounts()
    assert _TASKS is not None
    _count(_TASKS, start, end, max_bytes, counts)
    return counts


def _count(tasks: Spill, start: int, end: int | None, max_bytes: int, counts: LineCounts) -> None:
    for task in map(Task.from_record, tasks.read(start, end)):
        count_file_lines(counts, task.doc_id, task.path, max_bytes)
