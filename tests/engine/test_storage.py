"""indexer/engine/storage.py: files Whoosh leaves open when a write or a read fails are closed at once."""

from __future__ import annotations

import array
import os
from pathlib import Path

import pytest
from whoosh.filedb.structfile import StructFile

from indexer.engine.storage import close_quietly, closes_on_error, open_storage


def test_a_failed_block_closes_the_files_it_opened_and_no_others(tmp_path: Path) -> None:
    storage = open_storage(str(tmp_path))
    before = storage.create_file("before")
    with pytest.raises(RuntimeError):
        with closes_on_error(storage):
            inside = storage.create_file("inside")
            inside.write(b"x")
            read = storage.open_file("before")
            raise RuntimeError("a write failed")
    assert inside.is_closed and inside.file.closed
    assert read.is_closed and read.file.closed
    assert not before.is_closed and not before.file.closed  # opened before the block: someone else's
    before.close()


def test_a_block_that_succeeds_leaves_its_files_to_their_owner(tmp_path: Path) -> None:
    storage = open_storage(str(tmp_path))
    with closes_on_error(storage):
        f = storage.create_file("kept")
    assert not f.is_closed
    assert storage.open_files() == [f]
    storage.close_files()
    assert f.is_closed and f.file.closed and storage.open_files() == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full to fail a write with ENOSPC")
def test_a_file_whose_buffer_cannot_be_flushed_is_still_closed() -> None:
    f = StructFile(open("/dev/full", "wb"), name="full")
    f.write(b"x" * 100)  # buffered: the disk-full error comes at flush
    raw = f.file.raw
    close_quietly(f)
    assert raw.closed and f.is_closed
    close_quietly(f)  # twice is harmless


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors in /proc")
def test_files_read_hold_no_descriptor_and_outlive_their_deletion(tmp_path: Path) -> None:
    """Issue 18.3: a file opened for reading is mapped and its descriptor closed at once, so a
    searcher holding every file of every segment holds no descriptors."""
    storage = open_storage(str(tmp_path))
    with storage.create_file("data") as out:
        out.write_int(7)
        out.write(b"first line\nsecond")
        out.write_array(array.array("i", [1, 2, 3]))
    storage.create_file("empty").close()
    before = len(os.listdir("/proc/self/fd"))
    data, empty = storage.open_file("data"), storage.open_file("empty")
    assert len(os.listdir("/proc/self/fd")) == before
    os.remove(tmp_path / "data")  # as a commit removes a merged segment's files
    assert data.read_int() == 7 and data.readline() == b"first line\n" and data.read(6) == b"second"
    assert list(data.read_array("i", 3)) == [1, 2, 3] and data.read() == b""
    assert data.get(4, 5) == b"first" and data.tell() == 9
    assert data.seek(-2, os.SEEK_END) == 31 and data.read(10) == b"\x00\x03"
    assert empty.read() == b""
    assert sorted(map(str, storage.open_files())) == ["data", "empty"]
    storage.close_files()
    assert data.is_closed and data.file.closed and empty.is_closed
    with pytest.raises(ValueError):
        data.read(1)
