"""The Whoosh storage every dateline index is opened through.

Whoosh opens a file, writes or reads it, and closes it without ``try``/``finally`` (a TOC, a
segment's column files, a reader's postings): when the disk fills or a file is damaged, the file
stays open until garbage collection, holding the space of a deleted file and raising
``ResourceWarning``. This storage remembers what it opened, so the code that handles the failure
can close it at once.

It also reads by memory map: each file opened for reading is mapped and its descriptor closed
at once (a mapping stays valid after its descriptor is closed, and after the file is deleted),
so an open index holds no descriptors however many segments it has (issue 18.3), where a
searcher would otherwise keep some 30 files open per segment.
"""

from __future__ import annotations

import contextlib
import functools
import os
import weakref
from collections.abc import Iterator
from typing import Any

from indexer.engine.pickles import install as install_safe_unpickling


def open_storage(folder: str) -> Any:
    """A `ClosingStorage` on ``folder`` (Whoosh is imported on first use, reading pickles only
    as data: `indexer.engine.pickles`)."""
    install_safe_unpickling()
    return _closing_storage_class()(folder)


@contextlib.contextmanager
def closes_on_error(storage: Any) -> Iterator[None]:
    """Run the block; if it raises, close every file ``storage`` opened inside it first."""
    before = set(storage.open_files()) if hasattr(storage, "open_files") else None
    try:
        yield
    except BaseException:
        if before is not None:
            for f in storage.open_files():
                if f not in before:
                    close_quietly(f)
        raise


def close_quietly(f: Any) -> None:
    """Close a Whoosh ``StructFile`` and the file under it, whatever state a failed write left
    them in (a full buffer that cannot be flushed still releases its descriptor)."""
    if getattr(f, "is_closed", False):
        return
    inner = getattr(f, "file", f)
    try:
        inner.close()
    except (OSError, ValueError):
        raw = getattr(inner, "raw", None)  # a buffered file whose flush failed: close what it wraps
        if raw is not None:
            with contextlib.suppress(OSError, ValueError):
                raw.close()
    f.is_closed = True


def open_mapped(path: str, name: str | None = None, **kwargs: Any) -> Any:
    """A Whoosh ``StructFile`` reading the file at ``path`` without holding a descriptor: the
    file is mapped (`indexer.engine.mapped`) and its descriptor closed before returning; an empty
    file, which cannot be mapped, is read from an empty buffer. Where the system cannot map
    it, the open file itself is read. ``kwargs`` go to the ``StructFile`` (``onclose``)."""
    from whoosh.filedb.structfile import BufferFile, StructFile

    from indexer.engine.mapped import map_file, struct_file_class

    fileobj = open(path, "rb")  # closed below, or owned by the StructFile
    try:
        size = os.fstat(fileobj.fileno()).st_size
        mapped = map_file(fileobj.fileno(), size, path) if size else None
    except BaseException:
        fileobj.close()
        raise
    if mapped is None and size:
        return StructFile(fileobj, name=name, **kwargs)
    fileobj.close()
    if mapped is None:
        return BufferFile(b"", name=name, **kwargs)
    return struct_file_class()(mapped, name=name, **kwargs)


@functools.cache
def _closing_storage_class() -> type:
    from whoosh.filedb.filestore import FileStorage

    class ClosingStorage(FileStorage):
        """``FileStorage`` that reads files by memory map (`open_mapped`) and keeps a weak set
        of the files it opened and has not seen closed."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._files: weakref.WeakSet[Any] = weakref.WeakSet()

        def create_file(self, name: str, *args: Any, **kwargs: Any) -> Any:
            f = super().create_file(name, *args, **kwargs)
            self._files.add(f)
            return f

        def open_file(self, name: str, *args: Any, **kwargs: Any) -> Any:
            f = open_mapped(self._fpath(name), name, *args, **kwargs)
            self._files.add(f)
            return f

        def open_files(self) -> list[Any]:
            """The files opened through this storage that are still open."""
            return [f for f in list(self._files) if not getattr(f, "is_closed", False)]

        def close_files(self) -> None:
            """Close every file still open (for a storage nothing else uses any more)."""
            for f in self.open_files():
                close_quietly(f)

    return ClosingStorage
