"""`indexer.write.lines`: the short lines of a run's files are counted in worker processes, and
the counts are those of one process counting them all, even when a worker dies."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from conftest import shared_path

import indexer.write.lines as lines
from indexer.core.sources import document_id
from indexer.parse.furniture import LineCounts
from indexer.write.build import Task
from indexer.write.lines import count_lines
from indexer.write.spill import Spill
from indexer.write.walk import walk


@pytest.fixture(scope="module")
def archive_tasks():
    """The tasks of a real scraped archive (Hugo Markdown, with portal furniture), as a run spills them."""
    root = shared_path("data", "archives", "newsworthy-citybiz")
    w = walk(root)
    spill = Spill()
    for path in w.files:
        spill.write(Task(path, document_id(w.root, path), "0").record())
    assert spill.count > 2 * lines.MIN_FILES_PER_WORKER  # enough for two workers
    yield spill
    spill.close()


def counted(tasks: Spill, workers: int) -> LineCounts:
    counts = LineCounts()
    count_lines(tasks, counts, 1 << 20, workers)
    return counts


def test_workers_count_what_one_process_counts(archive_tasks: Spill) -> None:
    alone, shared = counted(archive_tasks, 1), counted(archive_tasks, 2)
    assert shared.docs == alone.docs and shared.lines == alone.lines
    assert sum(alone.docs.values()) == archive_tasks.count
    assert alone.furniture()  # the archive has furniture: the counts are not trivially empty


def test_a_worker_that_dies_leaves_its_share_to_the_parent(archive_tasks: Spill, monkeypatch) -> None:
    parent = os.getpid()
    counting = lines._count_range

    def dies_in_the_first_range(start: int, end: int, max_bytes: int) -> LineCounts:
        if os.getpid() != parent and start == 0:
            os.kill(os.getpid(), signal.SIGKILL)
        return counting(start, end, max_bytes)

    monkeypatch.setattr(lines, "_count_range", dies_in_the_first_range)
    alone, shared = counted(archive_tasks, 1), counted(archive_tasks, 2)
    assert shared.docs == alone.docs and shared.lines == alone.lines


def test_few_files_are_counted_here(tmp_path: Path, monkeypatch) -> None:
    """Below two workers' worth of files no process is started."""
    monkeypatch.setattr(lines, "ProcessPoolExecutor", None)  # starting one would fail
    (tmp_path / "a.md").write_text("Story.\n\nRead more\n", "utf-8")
    with Spill() as spill:
        spill.write(Task(str(tmp_path / "a.md"), "site/a.md", "0").record())
        counts = counted(spill, 4)
    assert counts.docs == {"site": 1} and counts.lines["site"]["read more"] == 1
