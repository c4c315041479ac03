"""``dateline serve``: one resident process that answers ``dateline search``, ``show`` and
``stats`` for any number of indexes, keeping each open between calls.

The client side is `search.launch`. A request carries the caller's arguments, working
directory, environment and whether its outputs are terminals; the server runs the same Click
command under those, one request at a time, and returns the exit status and both outputs, so
a served call prints exactly what a local one would. Only read-only commands are served.

The socket lives in a directory only its user can write (checked by both sides) and, on
Linux, the server also checks each caller's user id.
"""

from __future__ import annotations

import os
import signal
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from indexer.errors import DatelineError

from .launch import DECLINED, SERVED, decode_request, encode_reply, encode_request, private

__all__ = ["IndexPool", "Reply", "Request", "ServeError", "Server", "sources"]


class ServeError(DatelineError):
    """The server cannot start: the socket is in use or its directory is not private."""


@dataclass(frozen=True)
class Request:
    """One ``dateline`` call, as the caller made it."""

    argv: list[str]
    cwd: str
    env: dict[str, str]
    stdout_tty: bool = False
    stderr_tty: bool = False

    @classmethod
    def decode(cls, data: bytes) -> "Request | None":
        """The request in ``data`` (`search.launch.encode_request`), or None when it is
        malformed or of another protocol."""
        fields = decode_request(data)
        return None if fields is None else cls(*fields)

    def encode(self) -> bytes:
        return encode_request(self.argv, self.cwd, self.env, self.stdout_tty, self.stderr_tty)

    @property
    def served(self) -> bool:
        """Whether this is a read-only command the server runs (not ``search --batch``, which
        writes a run file and can take minutes)."""
        return bool(self.argv) and self.argv[0] in SERVED and not any(a.startswith("--batch") for a in self.argv)


@dataclass
class Reply:
    """What a served call printed and its exit status."""

    status: int
    stdout: str = ""
    stderr: str = ""

    def encode(self) -> bytes:
        return encode_reply(self.status, self.stdout, self.stderr)


class IndexPool:
    """Open `Index` objects by directory and options, reused across requests.

    An index stays open (its searcher, parsed queries and column arrays with it) until its
    directory is replaced or removed, or it is the least recently used of more than ``size``.
    """

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._open: dict[tuple[Any, ...], tuple[tuple[int, int], Any]] = {}

    def get(self, path: str | os.PathLike[str] | None, **options: Any) -> Any:
        from indexer.store import resolve_index_path

        from .index import Index

        given = resolve_index_path(path)  # as the caller named it: messages and `stats` show it so
        resolved = given.resolve()
        key = (str(resolved), str(given), *sorted((k, repr(v)) for k, v in options.items()))
        try:
            st = os.stat(resolved)
            identity = (st.st_dev, st.st_ino)
        except OSError:
            identity = (-1, -1)
        found = self._open.pop(key, None)
        if found is not None and found[0] != identity:
            found[1].close()
            found = None
        if found is None:
            found = (identity, Index(given, **options))
        self._open[key] = found  # most recently used last
        while len(self._open) > self.size:
            oldest = next(iter(self._open))
            self._open.pop(oldest)[1].close()
        return found[1]

    def close(self) -> None:
        for _, ix in self._open.values():
            ix.close()
        self._open.clear()


@dataclass
class Server:
    """Listens on ``path`` and answers each request with ``run(request) -> Reply``, one at a time.

    ``idle`` seconds without a request end `serve` (0: never). When a file in ``watch`` (the
    package's own sources) changes, the server declines and stops, so an upgraded dateline
    never answers with the old code.
    """

    path: str
    run: Callable[[Request], "Reply | None"]  # None: decline, the caller runs it itself
    idle: float = 0
    watch: Iterable[Path] = ()
    log: Callable[[str], None] = lambda line: None
    _sources: Mapping[Path, int] = field(default_factory=dict)

    def serve(self) -> None:
        """Bind, then answer requests until interrupted, idle or out of date; raises
        `ServeError` when another server holds the socket or its directory is not private."""
        self._sources = _mtimes(self.watch)
        listener = self._bind()
        self.log(f"serving on {self.path} (Ctrl-C to stop)")
        main_thread = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, _interrupt) if main_thread else None
        try:
            listener.settimeout(self.idle or None)
            while True:
                try:
                    conn, _ = listener.accept()
                except socket.timeout:
                    self.log(f"no request for {self.idle:g} s; stopping")
                    return
                with conn:
                    if not self._handle(conn):
                        return
        except KeyboardInterrupt:
            return
        finally:
            if main_thread:
                signal.signal(signal.SIGTERM, previous)
            listener.close()
            try:
                os.unlink(self.path)
            except OSError:
                pass

    def _bind(self) -> socket.socket:
        directory = os.path.dirname(os.path.abspath(self.path))
        if not os.path.exists(directory):
            os.makedirs(directory, mode=0o700, exist_ok=True)
        if not private(directory):
            raise ServeError(f"{directory}: not private to this user (owned by another or writable by others); refusing to serve")
        if os.path.exists(self.path):
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                probe.connect(self.path)
            except OSError:
                os.unlink(self.path)  # left by a server that was killed
            else:
                raise ServeError(f"{self.path}: another dateline serve is already answering there")
            finally:
                probe.close()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            listener.bind(self.path)
        except OSError as exc:
            listener.close()
            raise ServeError(f"{self.path}: cannot listen: {exc.strerror or exc}") from None
        finally:
            os.umask(old)
        listener.listen(16)
        return listener

    def _handle(self, conn: socket.socket) -> bool:
        """Answer one connection; False when the server must stop (its code changed)."""
        conn.settimeout(10)
        try:
            if not _same_user(conn):
                return True
            chunks = []
            while chunk := conn.recv(1 << 16):
                chunks.append(chunk)
            request = Request.decode(b"".join(chunks))
            if _mtimes(self.watch) != self._sources:
                conn.sendall(DECLINED)
                self.log("dateline's code changed; stopping (start it again to serve the new version)")
                return False
            if request is None or not request.served:
                conn.sendall(DECLINED)
                return True
            started = time.perf_counter()
            reply = self.run(request)
            if reply is None:
                conn.sendall(DECLINED)
                return True
            conn.sendall(reply.encode())
            self.log(f"{' '.join(request.argv)!r} → {reply.status} in {(time.perf_counter() - started) * 1000:.0f} ms")
        except OSError:
            pass  # the caller went away; it runs the command itself
        return True


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _same_user(conn: socket.socket) -> bool:
    """The caller's user id is ours (Linux's SO_PEERCRED; elsewhere the directory check stands)."""
    if not hasattr(socket, "SO_PEERCRED"):
        return True
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid == os.getuid()


def _mtimes(paths: Iterable[Path]) -> dict[Path, int]:
    out = {}
    for path in paths:
        try:
            out[path] = path.stat().st_mtime_ns
        except OSError:
            out[path] = -1
    return out


def sources() -> list[Path]:
    """The Python files of the `search` and `indexer` packages, which a server watches."""
    here = Path(__file__).resolve().parent
    return sorted([*here.glob("*.py"), *here.parent.joinpath("indexer").rglob("*.py")])
