"""Indexing until the disk is full (issue: reliability): a clear error, the last commit intact.

The index lives on a real, small tmpfs mounted for each test (root only; skipped elsewhere); the
corpus stays on the normal disk. A first run commits the sample corpus, then thousands of made-up
documents are added so that the next run hits ENOSPC, in one process and in workers, incremental
and with ``--rebuild``, through `index_paths`, the CLI and the installed script; or the disk is
filled up in the middle of the commit itself. After each
failure the index must hold exactly its last commit, the folder must hold exactly the files it
held before (no uncommitted segments, no build folder), and once there is room again (the tmpfs
remounted bigger) the same run must succeed.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import index_contents, installed_dateline, random_records

import indexer.write.build as build
import indexer.write.indexing as indexing
from indexer import DatelineError, IndexBuildError, index_paths
from indexer.engine.segments import FastSegmentWriter
from search import Index

#: The tmpfs: the sample corpus's index (1.2 MB) fits, with the extra documents' (2.3 MB) it does not.
SMALL, ROOMY = "3m", "64m"
EXTRA = 2000
QUERY = '"armed forces"'
DISK_FULL = "failed: the disk is full (No space left on device); nothing was committed"


def _mount_tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin:/usr/bin:/bin")
    if not found:
        pytest.skip(f"no `{name}` command: cannot mount a small tmpfs to fill")
    return found


@pytest.fixture
def small_disk(tmp_path: Path):
    """A `SMALL` tmpfs mounted at ``tmp_path/disk``, unmounted afterwards whatever happens;
    ``resize(disk, size)`` remounts it with another size, keeping its files."""
    if not sys.platform.startswith("linux"):
        pytest.skip("mounting a tmpfs to fill needs Linux")
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs to fill needs root (this test runs as an unprivileged user)")
    mount, umount = _mount_tool("mount"), _mount_tool("umount")
    disk = tmp_path / "disk"
    disk.mkdir()
    done = subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={SMALL},mode=0755", "tmpfs", str(disk)], capture_output=True, text=True
    )
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or [f"mount exited {done.returncode}"])[0]
        pytest.skip(f"mounting a tmpfs is not permitted here: {why}")
    try:
        yield disk
    finally:
        busy = subprocess.run([umount, str(disk)], capture_output=True).returncode != 0
        if busy:
            subprocess.run([umount, "-l", str(disk)], check=True)  # detach it anyway
    assert not busy, "the small disk was busy: a file on it was left open (its space is never freed)"


def resize(disk: Path, size: str) -> None:
    subprocess.run([_mount_tool("mount"), "-o", f"remount,size={size}", str(disk)], check=True, capture_output=True)


@pytest.fixture
def small_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the sample corpus be split between workers (normally 200 files per worker at least)."""
    monkeypatch.setattr(build, "MIN_FILES_PER_WORKER", 1)


class Committed:
    """The index on the small disk after a first run that fits: its contents, the files of its
    folder and of the disk, and the hits of `QUERY`, to compare with after a failed run."""

    def __init__(self, corpus: Path, index: Path, workers: int) -> None:
        self.corpus, self.index, self.workers = corpus, index, workers
        report = index_paths([corpus], index, workers=workers)
        assert report.added == 50 and not report.failed
        self.contents = index_contents(index)
        self.files = listing(index)
        self.disk = listing(index.parent)
        self.hits = hits(index)
        assert self.hits

    def add_extra(self) -> int:
        return add_extra(self.corpus)

    def assert_intact(self) -> None:
        """Exactly the last commit, searchable, and no file more or less than it had."""
        assert listing(self.index.parent) == self.disk  # no <name>.new-* build folder, no .old
        assert listing(self.index) == self.files  # no uncommitted segment, temporary TOC or folder
        assert index_contents(self.index) == self.contents
        assert hits(self.index) == self.hits

    def assert_room_again(self, added: int, rebuild: bool = False) -> None:
        """With room on the disk again, the same run succeeds and commits everything."""
        resize(self.index.parent, ROOMY)
        report = index_paths([self.corpus], self.index, workers=self.workers, rebuild=rebuild)
        assert (report.added, report.failed) == (added + (50 if rebuild else 0), [])
        with Index(self.index) as ix:
            assert len(ix) == 50 + added
        assert set(hits(self.index)) == set(self.hits)
        assert listing(self.index.parent) == self.disk
        assert strays(self.index) == []


def add_extra(corpus: Path) -> int:
    """Add `EXTRA` documents (in three files) to the corpus, more than the disk holds."""
    extra = corpus / "extra"
    extra.mkdir()
    records = random_records(EXTRA)
    for k in range(3):
        part = records[k::3]
        (extra / f"random-{k}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in part), "utf-8")
    return EXTRA


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def strays(index: Path) -> list[str]:
    """Files in the index folder that its last commit does not use."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(index))
    segments = {s.segment_id() for s in ix._segments()}
    generation = ix.latest_generation()
    used = {
        f"_MAIN_{generation}.toc",
        f"groups_{generation}.npz",
        "dateline.json",
        "furniture.json",
        "BUILDING",
        "MAIN_WRITELOCK",
    }
    return [name for name in listing(index) if name not in used and name.split(".")[0] not in segments]


def fill(path: Path) -> None:
    """Write zeros to ``path`` until the disk is full, to the last byte."""
    with open(path, "wb", buffering=0) as f:
        for size in (65536, 4096, 1):
            while True:
                try:
                    f.write(b"\0" * size)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
                    break


def hits(index: Path) -> list[str]:
    with Index(index) as ix:
        return [h.id for h in ix.search(QUERY, limit=100).hits]


@pytest.fixture(params=[1, 2], ids=["one-process", "two-workers"])
def committed(request: pytest.FixtureRequest, small_disk: Path, corpus_copy: Path, small_runs: None) -> Committed:
    return Committed(corpus_copy, small_disk / "ix", request.param)


@pytest.mark.parametrize("rebuild", [False, True], ids=["incremental", "rebuild"])
def test_index_paths_raises_a_clear_error_and_keeps_the_last_commit(committed: Committed, rebuild: bool) -> None:
    added = committed.add_extra()
    with pytest.raises(IndexBuildError) as failed:
        index_paths([committed.corpus], committed.index, workers=committed.workers, rebuild=rebuild)
    assert isinstance(failed.value, DatelineError)
    assert str(failed.value) == f"writing the index at {committed.index} {DISK_FULL}"
    committed.assert_intact()
    committed.assert_room_again(added, rebuild)


@pytest.mark.parametrize("moment", ["own-segment", "toc"])
def test_a_commit_that_fills_the_disk_keeps_the_last_commit(
    committed: Committed, monkeypatch: pytest.MonkeyPatch, moment: str
) -> None:
    """The new segments fit, but the disk fills up while committing: while the run's writer
    finishes its own segment (Whoosh writes its column files even when it holds no document),
    or while the TOC is written (to a temporary file, then renamed). Whoosh's commit raises
    a bare OSError, and its cancel would try to write those column files again."""
    (committed.corpus / "more.txt").write_text("More\n\nThe armed forces of a small island.\n", "utf-8")
    filler = committed.index.parent / "filler"
    target, name = (indexing, "_commit") if moment == "own-segment" else (FastSegmentWriter, "_commit_toc")
    real = getattr(target, name)

    def fill_then(*args):
        fill(filler)
        return real(*args)

    monkeypatch.setattr(target, name, fill_then)
    with pytest.raises(IndexBuildError) as failed:
        index_paths([committed.corpus], committed.index, workers=committed.workers)
    assert str(failed.value) == f"writing the index at {committed.index} {DISK_FULL}"
    filler.unlink()
    committed.assert_intact()
    monkeypatch.setattr(target, name, real)
    report = index_paths([committed.corpus], committed.index, workers=committed.workers)
    assert (report.added, report.failed) == (1, [])
    assert listing(committed.index.parent) == committed.disk
    assert strays(committed.index) == []


@pytest.mark.parametrize("rebuild", [False, True], ids=["incremental", "rebuild"])
def test_cli_index_says_the_disk_is_full_in_one_line(committed: Committed, cli, rebuild: bool) -> None:
    added = committed.add_extra()
    args = ["index", str(committed.corpus), "--workers", str(committed.workers)] + (["--rebuild"] if rebuild else [])
    result = cli(*args, index=committed.index)
    assert result.exit_code == 2  # README: writing the index failed (nothing committed)
    assert result.stderr == f"dateline: writing the index at {committed.index} {DISK_FULL}\n"
    assert result.stdout == ""
    committed.assert_intact()
    resize(committed.index.parent, ROOMY)
    again = cli(*args, index=committed.index)
    assert again.exit_code == 0, again.stderr
    assert again.stdout.startswith(f"{added + (50 if rebuild else 0)} added, 0 updated, 0 removed, ")
    assert listing(committed.index.parent) == committed.disk and strays(committed.index) == []


def test_installed_dateline_says_the_disk_is_full_in_one_line(small_disk: Path, corpus_copy: Path) -> None:
    exe = installed_dateline()
    committed = Committed(corpus_copy, small_disk / "ix", 1)
    committed.add_extra()
    command = [exe, "index", str(corpus_copy), "--index", str(committed.index)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=corpus_copy.parent)
    assert done.returncode == 2
    assert done.stderr == f"dateline: writing the index at {committed.index} {DISK_FULL}\n"
    assert "Traceback" not in done.stderr and done.stdout == ""
    committed.assert_intact()
    resize(small_disk, ROOMY)
    again = subprocess.run(command, capture_output=True, text=True, cwd=corpus_copy.parent)
    assert again.returncode == 0 and again.stderr == "", again.stderr
    assert again.stdout.startswith(f"{EXTRA} added, 0 updated, 0 removed, 50 unchanged, 0 failed")
    assert listing(small_disk) == committed.disk and strays(committed.index) == []


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_full_temporary_folder_is_named_in_one_line(
    small_disk: Path,
    corpus_copy: Path,
    tmp_path: Path,
    workers: str,
    cli,
    small_runs: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The list of files to read, and what reading each gave, go to the temporary folder (not
    memory): when that disk is full the run says so, naming it, and the index (elsewhere) is
    untouched. (Python's own pick of ``$TMPDIR`` passes a full disk over, so the folder is set
    once chosen, as ``tempfile.tempdir``.)"""
    import tempfile

    index = tmp_path / "ix"
    assert index_paths([corpus_copy], index).added == 50
    before = index_contents(index)
    add_extra(corpus_copy)
    monkeypatch.setattr(tempfile, "tempdir", str(small_disk))
    fill(small_disk / "filler")
    done = cli("index", str(corpus_copy), "--workers", workers, index=index)
    assert (done.exit_code, done.stdout) == (2, "")
    assert done.stderr == f"dateline: writing temporary files in {small_disk} {DISK_FULL}\n"
    assert index_contents(index) == before and strays(index) == []
    (small_disk / "filler").unlink()
    again = cli("index", str(corpus_copy), "--workers", workers, index=index)
    assert again.exit_code == 0 and again.stdout.startswith(f"{EXTRA} added, 0 updated, 0 removed, 50 unchanged")
    assert listing(small_disk) == []  # nothing left behind
