"""Records written to an unnamed temporary file and read back in order, so that a run's list of
files to read (and what reading each gave) costs disk, not memory, however large the archive.

The file is unlinked from the start: nothing is left behind, even by a killed run. Forked
worker processes read their part of it through the descriptor they inherit (``os.pread``, so
no two processes share a file position).
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import json
import os
import tempfile
from collections.abc import Iterator
from typing import Any

from indexer.core.errors import IndexBuildError

_CHUNK = 1 << 20


class Spill:
    """An append-only sequence of JSON records, one per line (``None`` is an empty line), in
    the temporary folder (``$TMPDIR``). Failing to write there raises `IndexBuildError`."""

    def __init__(self) -> None:
        try:
            self._file = tempfile.TemporaryFile()
        except OSError as exc:
            raise _failed(exc) from None
        self.count = 0

    def write(self, record: Any) -> None:
        try:
            self._file.write(b"\n" if record is None else json.dumps(record).encode("ascii") + b"\n")
        except OSError as exc:
            raise _failed(exc) from None
        self.count += 1

    def flush(self) -> None:
        try:
            self._file.flush()
        except OSError as exc:
            raise _failed(exc) from None

    def ranges(self, parts: int) -> list[tuple[int, int]]:
        """Byte ranges that split the records into ``parts`` runs of about equal size, in order."""
        self.flush()
        size = self._file.tell()
        bounds = [0]
        for i in range(1, parts):
            at = max(bounds[-1], size * i // parts)
            bounds.append(self._line_start(at, size))
        bounds.append(size)
        return list(itertools.pairwise(bounds))

    def _line_start(self, at: int, size: int) -> int:
        """The first record boundary at or after byte ``at``."""
        if at == 0:
            return 0
        fd = self._file.fileno()
        while at < size:
            chunk = os.pread(fd, 4096, at - 1)
            newline = chunk.find(b"\n")
            if newline >= 0:
                return at + newline
            at += len(chunk)
        return size

    def read(self, start: int = 0, end: int | None = None) -> Iterator[Any]:
        """The records in bytes ``start`` to ``end`` (a range from `ranges`; default: all)."""
        self.flush()
        fd = self._file.fileno()
        if end is None:
            end = os.fstat(fd).st_size
        rest = b""
        while start < end:
            chunk = os.pread(fd, min(_CHUNK, end - start), start)
            if not chunk:
                break
            start += len(chunk)
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            for line in lines:
                yield json.loads(line) if line else None

    def __iter__(self) -> Iterator[Any]:
        return self.read()

    def close(self) -> None:
        with contextlib.suppress(OSError):  # unwritten records of a failed run: nothing to keep
            self._file.close()

    def __enter__(self) -> Spill:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _failed(exc: OSError) -> IndexBuildError:
    reason = f"the disk is full ({exc.strerror})" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
    return IndexBuildError(
        f"writing temporary files in {tempfile.gettempdir()} failed: {reason}; nothing was committed"
    )
