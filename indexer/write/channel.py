"""A one-way message pipe from a forked worker process to its parent that never blocks the parent.

Each worker gets a pipe of its own, whose writing end only that worker holds: when the worker
dies, however it dies, the parent reads what it wrote and then the end of the pipe, even in the
middle of a message. (With one `multiprocessing.Queue` shared by all workers, a worker killed
while sending a large result left half a message that the parent waited for the rest of for
ever, holding the index's lock.) The parent reads without blocking, as much as is there, and
cuts whole messages out of it itself, so it can watch the pipes together with the workers'
`sentinel`s in `multiprocessing.connection.wait`.
"""

from __future__ import annotations

import os
import pickle
import struct
from typing import Any

_HEADER = struct.Struct("!Q")  # the length of the pickled message that follows
_READ_BYTES = 1 << 20


def pipe() -> tuple[Receiver, int]:
    """A new pipe: the parent's `Receiver`, and the descriptor a worker sends through (the
    parent closes it once the worker is forked, so that the worker alone holds it)."""
    read_fd, write_fd = os.pipe()
    os.set_blocking(read_fd, False)
    return Receiver(read_fd), write_fd


def send(fd: int, message: Any) -> None:
    """Write ``message`` (pickled) to the pipe ``fd``, waiting while the pipe is full."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


class Receiver:
    """The parent's end of a worker's pipe: `read` returns the messages whole so far; ``closed``
    is set once the pipe has ended (the worker exited or died), ``partial`` when it ended in
    the middle of a message."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._buffer = bytearray()
        self.closed = False

    def fileno(self) -> int:
        return self._fd

    @property
    def partial(self) -> bool:
        return bool(self._buffer)

    def read(self) -> list[Any]:
        """The messages that arrived whole, in order; never waits."""
        self._fill()
        return self._messages()

    def drain(self) -> list[Any]:
        """All that is left, once the worker has ended (nobody else holds its end of the pipe,
        so this reads to the end without waiting): the messages it finished sending."""
        while self._fill():
            pass
        return self._messages()

    def _fill(self) -> bool:
        """Read what the pipe holds now (up to 1 MB); False when nothing was there, or the
        pipe ended."""
        if self.closed:
            return False
        try:
            chunk = os.read(self._fd, _READ_BYTES)
        except BlockingIOError:
            return False
        if not chunk:
            self.close()
            return False
        self._buffer += chunk
        return True

    def _messages(self) -> list[Any]:
        messages = []
        while len(self._buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(self._buffer)
            end = _HEADER.size + size
            if len(self._buffer) < end:
                break
            messages.append(pickle.loads(self._buffer[_HEADER.size : end]))
            del self._buffer[:end]
        return messages

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            os.close(self._fd)
