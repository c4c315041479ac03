"""The one lock every writer of an index holds, whatever the mode: ``<name>.lock`` beside it.

Whoosh's own write lock lives inside the index folder, and a rebuild replaces that folder: an
incremental run locking the old folder did not exclude a rebuild building the new one, and its
documents were lost at the swap. The file beside the index survives every swap. It is created
once and never removed (removing a lock file others may be waiting on would let two writers
in); it holds nothing, only the ``flock`` on it counts, and the kernel drops that when its
holder dies.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from indexer.core.errors import IndexLockedError, PathInTheWayError

LOCK_SUFFIX = ".lock"

#: Seconds between two tries of a busy lock.
POLL = 0.05

#: Descriptors of the locks this process holds. A forked worker closes its copies at once: an
#: ``flock`` belongs to the open file, so a worker outliving a killed writer would hold it on.
_HELD: set[int] = set()


def _close_held() -> None:
    for fd in list(_HELD):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_held)


def lock_path(index_dir: str | os.PathLike[str]) -> Path:
    """Where the writer lock of the index at ``index_dir`` lives (beside it, not inside)."""
    folder = Path(os.path.abspath(index_dir))
    return folder.with_name(folder.name + LOCK_SUFFIX)


class Patience:
    """How long a writer may still wait for locks, shared by the locks it takes in turn, and
    whether it has said so (``on_wait(timeout)`` is called once, at the first busy lock)."""

    def __init__(
        self, index_dir: str | os.PathLike[str], timeout: float, on_wait: Callable[[float], None] | None
    ) -> None:
        self.index_dir, self.timeout, self.on_wait = index_dir, timeout, on_wait
        self._until = time.monotonic() + timeout
        self._told = False

    def waiting(self) -> None:
        """A lock is busy: tell the user once (when waiting is allowed at all)."""
        if not self._told and self.timeout and self.on_wait:
            self.on_wait(self.timeout)
        self._told = True

    def left(self) -> float:
        """Seconds left to wait (0 when the time is up)."""
        return max(0.0, self._until - time.monotonic())

    def refused(self) -> IndexLockedError:
        return IndexLockedError(
            f"the index at {self.index_dir} is being written by another process (waited {self.timeout:g} s)"
        )


@contextlib.contextmanager
def writing(index_dir: str | os.PathLike[str], patience: Patience) -> Iterator[None]:
    """Hold the index's writer lock for the block, waiting for another writer as ``patience``
    allows, then raising `IndexLockedError`. Where the folder beside the index cannot be
    written (no lock file can be made there), no rebuild can run either: the block runs
    under Whoosh's lock inside the index alone."""
    import fcntl

    path = lock_path(index_dir)
    fd = _open_lock_file(path)
    if fd is None:
        yield
        return
    _HELD.add(fd)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                patience.waiting()
                if not patience.left():
                    raise patience.refused() from None
                time.sleep(min(POLL, patience.left()))
        yield
    finally:
        _HELD.discard(fd)
        os.close(fd)  # closing the only descriptor releases the lock


def _open_lock_file(path: Path) -> int | None:
    """A descriptor of the lock file (made if need be), or None where none exists and none
    can be made."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except IsADirectoryError:
        raise PathInTheWayError(
            f"{path} is a folder, where dateline keeps the index's lock file; move it away"
        ) from None
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        if not os.path.lexists(path):
            return None
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)  # another user's file: flock needs no write
