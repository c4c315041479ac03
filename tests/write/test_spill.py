"""Records spilled to an unnamed temporary file: read back whole, or in line-aligned parts."""

from __future__ import annotations

import itertools
import os

import pytest

from indexer.write.spill import Spill

RECORDS: list[object] = [
    ["/a/caf\udce9.txt", "caf\\xe9.txt", "1:2", False],
    None,
    ["x\ny", "tab\tid", "", True],
    [[], None, [], []],
]


def test_records_come_back_as_written() -> None:
    with Spill() as spill:
        for record in RECORDS * 3:
            spill.write(record)
        assert spill.count == 12
        assert list(spill) == RECORDS * 3
        assert list(spill) == RECORDS * 3  # and again


@pytest.mark.parametrize("count", [0, 1, 2, 7, 1000])
@pytest.mark.parametrize("parts", [1, 2, 3, 8])
def test_parts_cover_every_record_once_in_order(count: int, parts: int) -> None:
    with Spill() as spill:
        records = [[f"/docs/{i:05d}.txt" + "x" * (i % 13), str(i), "s", i % 2 == 0] for i in range(count)]
        for record in records:
            spill.write(record)
        ranges = spill.ranges(parts)
        assert len(ranges) == parts and ranges[0][0] == 0
        assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))  # contiguous
        assert [r for start, end in ranges for r in spill.read(start, end)] == records
        if count >= 100 * parts:  # about equal shares
            sizes = [len(list(spill.read(start, end))) for start, end in ranges]
            assert max(sizes) - min(sizes) <= count // parts // 5


def test_nothing_is_left_on_disk() -> None:
    spill = Spill()
    spill.write(["x"])
    fd = spill._file.fileno()
    assert os.readlink(f"/proc/self/fd/{fd}").endswith("(deleted)")  # unlinked from the start
    spill.close()


def test_forked_readers_share_no_position() -> None:
    with Spill() as spill:
        for i in range(5000):
            spill.write([i])
        (a0, a1), (b0, b1) = spill.ranges(2)
        pid = os.fork()
        if pid == 0:  # the child reads its half while the parent reads the other
            os._exit(0 if [r[0] for r in spill.read(b0, b1)] == list(range(len(list(spill.read(0, a1))), 5000)) else 1)
        mine = [r[0] for r in spill.read(a0, a1)]
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert mine == list(range(len(mine)))
