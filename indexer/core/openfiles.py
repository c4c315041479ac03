"""Turning "too many open files" while opening an index into a typed, one-line error.

An open index holds no descriptor per segment (its files are memory-mapped: `indexer.engine.mapped`),
but opening one still opens its files one at a time, so a process at its ``ulimit -n`` fails
there; the raw ``OSError`` (errno 24) would otherwise end as an internal error.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator

from indexer.core.errors import TooManyOpenFilesError

#: The errnos of a process (EMFILE) or system (ENFILE) out of file descriptors.
TOO_MANY = frozenset({errno.EMFILE, errno.ENFILE})


def is_too_many_open_files(exc: BaseException) -> bool:
    """Whether ``exc`` is an ``OSError`` saying no more files can be opened."""
    return isinstance(exc, OSError) and exc.errno in TOO_MANY


def too_many_open_files_message(index_dir: str | os.PathLike[str], action: str = "open") -> str:
    """One line naming the index and the open-file limit, and how to raise it."""
    from indexer.core.text import printable_path

    limit = ""
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        if soft != resource.RLIM_INFINITY:
            limit = f" (limit {soft})"
    except (ImportError, OSError, ValueError):  # not Unix
        pass
    return (
        f"cannot {action} the index at {printable_path(os.fspath(index_dir))}: too many files are open{limit}; "
        "raise the limit (ulimit -n) and try again"
    )


@contextlib.contextmanager
def reports_too_many_open_files(index_dir: str | os.PathLike[str], action: str = "open") -> Iterator[None]:
    """Run the block; an ``OSError`` for too many open files becomes `TooManyOpenFilesError`
    (``action``, e.g. "update", is what the message says could not be done)."""
    try:
        yield
    except OSError as exc:
        if is_too_many_open_files(exc):
            raise TooManyOpenFilesError(too_many_open_files_message(index_dir, action)) from None
        raise
