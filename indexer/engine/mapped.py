"""Read-only files mapped into memory without keeping a file descriptor.

A searcher keeps every file of every segment open, some 30 per segment, so an index of many
segments exceeded a low ``ulimit -n`` (issue 18.3). A mapping stays valid after the descriptor
it was made from is closed, and after the file is deleted (as an open file does), so a mapped
file costs no descriptor. Python's ``mmap`` keeps a duplicate descriptor until Python 3.13
(``trackfd``), so the mapping is made with the C library's ``mmap`` through ``ctypes``; where
that is not available (not POSIX), `map_file` returns None and the caller opens the file.
"""

from __future__ import annotations

import functools
import os
import weakref
from typing import Any


class MappedFile:
    """A read-only, seekable file over a mapping of ``size`` bytes: ``read``, ``readline``,
    ``seek``, ``tell``, ``get`` (bytes at a position) and ``close`` (which unmaps it; so does
    garbage collection)."""

    def __init__(self, addr: int, size: int, name: str = "") -> None:
        import ctypes

        self.name = name
        self._size = size
        self._pos = 0
        view = memoryview((ctypes.c_ubyte * size).from_address(addr)).cast("B")
        self._view: memoryview | None = view
        self._unmap = weakref.finalize(self, _unmap, view, addr, size)

    @property
    def closed(self) -> bool:
        return self._view is None

    def _open_view(self) -> memoryview:
        if self._view is None:
            raise ValueError(f"read of closed file {self.name}")
        return self._view

    def get(self, position: int, length: int) -> bytes:
        """The ``length`` bytes at ``position`` (fewer at the end), leaving the position after them."""
        data = self._open_view()[position : position + length].tobytes()
        self._pos = position + len(data)
        return data

    def read(self, n: int | None = -1) -> bytes:
        start = self._pos
        return self.get(start, self._size - start if n is None or n < 0 else n)

    def readline(self, limit: int | None = -1) -> bytes:
        view, start = self._open_view(), self._pos
        end = self._size if limit is None or limit < 0 else min(self._size, start + limit)
        pos = start
        while pos < end:
            newline = view[pos : min(end, pos + 4096)].tobytes().find(b"\n")
            if newline >= 0:
                end = pos + newline + 1
                break
            pos += 4096
        return self.get(start, end - start)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        self._open_view()
        if whence == os.SEEK_CUR:
            offset += self._pos
        elif whence == os.SEEK_END:
            offset += self._size
        elif whence != os.SEEK_SET:
            raise ValueError(f"invalid whence ({whence})")
        if offset < 0:
            raise ValueError(f"negative seek position in {self.name}")
        self._pos = offset
        return offset

    def tell(self) -> int:
        self._open_view()
        return self._pos

    def close(self) -> None:
        self._view = None
        self._unmap()

    def __enter__(self) -> MappedFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _unmap(view: memoryview, addr: int, size: int) -> None:
    """Release the view, then the mapping under it (no bytes object refers to it: reads copy)."""
    view.release()
    _libc().munmap(addr, size)


def map_file(fd: int, size: int, name: str = "") -> MappedFile | None:
    """A `MappedFile` of the first ``size`` (> 0) bytes of the open file ``fd``, which the
    caller may close at once; None where the system cannot map it (the caller reads the file)."""
    import ctypes
    import mmap

    libc = _libc()
    if libc is None:
        return None
    addr = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
    if addr is None or addr == ctypes.c_void_p(-1).value:  # MAP_FAILED: out of address space, …
        return None
    return MappedFile(addr, size, name)


@functools.cache
def _libc() -> Any:
    """The C library's ``mmap`` and ``munmap`` with their signatures, or None."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        mmap_, munmap = libc.mmap, libc.munmap
    except (OSError, AttributeError):
        return None
    if ctypes.sizeof(ctypes.c_void_p) != ctypes.sizeof(ctypes.c_long):  # off_t below is a long
        return None
    mmap_.restype, munmap.restype = ctypes.c_void_p, ctypes.c_int
    mmap_.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
    munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    return libc


@functools.cache
def struct_file_class() -> type:
    """Whoosh's ``StructFile`` for a `MappedFile`: ``get`` (how column values are read, one
    per document) slices the mapping at once instead of seeking, then reading."""
    from whoosh.filedb.structfile import StructFile

    class MappedStructFile(StructFile):
        def get(self, position: int, length: int) -> bytes:
            return self.file.get(position, length)

    return MappedStructFile
