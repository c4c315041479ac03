"""``dateline serve``: one resident process that answers ``dateline search``, ``show`` and
``stats`` for any number of indexes, keeping each open between calls.

The client side is `search.cli.launch`, the messages `search.serve.protocol`, and the running
of a call in this process `search.serve.replay`. A request carries the caller's arguments, working
directory, environment and whether its outputs are terminals; the server runs the same Click
command under those, one request at a time, and returns the exit status and both outputs, so
a served call prints exactly what a local one would. Only read-only commands are served.

The socket lives in a directory only its user can write (checked by both sides) and, on
Linux, the server also checks each caller's user id. Even so, nothing a caller sends can stop
or stall it: requests are read by a thread per connection with a deadline and a size limit,
and whatever it declines or fails at, the caller runs the command itself.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import struct
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.core.defaults import INDEX_ENV
from indexer.core.errors import DatelineError
from search.cli.config import CONFIG_ENV
from search.serve.protocol import (
    DECLINED,
    HEAD_MAX,
    SERVED,
    decode_request,
    encode_reply,
    encode_request,
    parse_request,
    private,
    request_head,
)

__all__ = ["IndexPool", "Reply", "Request", "ServeError", "Server", "sources"]

READ_DEADLINE = 5.0  # seconds a caller has to send its whole request
REPLY_DEADLINE = 10.0  # seconds a caller has to take its whole reply
BUSY_WAIT = 10.0  # seconds a request waits for the call before it; then its caller runs it itself
MAX_CONNECTIONS = 16  # open at once; more are closed at once (their callers run the command themselves)
CHECK_EVERY = 1.0  # seconds between checks that the socket is still the server's


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
    def decode(cls, data: bytes) -> Request | None:
        """The request in ``data`` (`search.serve.protocol.encode_request`), or None when it is
        malformed or of another protocol."""
        fields = decode_request(data)
        return None if fields is None else cls(*fields)

    def encode(self) -> bytes:
        """This request as the client sends it."""
        return encode_request(self.argv, self.cwd, self.env, self.stdout_tty, self.stderr_tty)

    @property
    def served(self) -> bool:
        """Whether this is a read-only command the server runs (not ``search --batch``, which
        writes a run file and can take minutes)."""
        return bool(self.argv) and self.argv[0] in SERVED and not any(a.startswith("--batch") for a in self.argv)

    def streams(self) -> list[str]:
        """The arguments (or ``$DATELINE_CONFIG``, ``$DATELINE_INDEX``) that name a stream rather
        than a file (`names_a_stream`): a server would read its own, not the caller's."""
        values = [
            *self.argv[1:],
            *(a.partition("=")[2] for a in self.argv[1:] if a.startswith("--") and "=" in a),
            *(self.env[name] for name in (CONFIG_ENV, INDEX_ENV) if self.env.get(name)),
        ]
        return [value for value in values if names_a_stream(value, self.cwd)]


#: Names of a process's own descriptors: standard input and the others, a terminal.
_STREAM_NAMES = re.compile(r"/dev/(std(in|out|err)|fd|tty)(/|$)|/proc/[^/]+/(task/[^/]+/)?fd(/|$)")


def names_a_stream(value: str, cwd: str) -> bool:
    """Whether opening ``value`` (relative to ``cwd``) may read a stream of the process that
    opens it rather than a file: ``-``, a name of standard input or another descriptor
    (``/dev/stdin``, ``/dev/fd/0``, ``/proc/self/fd/0``, or a link to one), or anything but a
    regular file, a directory or ``/dev/null`` (a pipe, a terminal, a socket)."""
    if value == "-":
        return True
    path = os.path.normpath(os.path.join(cwd, value))
    for _ in range(8):  # the links to links
        if _STREAM_NAMES.match(path):
            return True
        try:
            real = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
            if _STREAM_NAMES.match(real):
                return True
            path = os.path.normpath(os.path.join(os.path.dirname(real), os.readlink(real)))
        except (OSError, ValueError):
            break
    try:
        st = os.stat(os.path.join(cwd, value))
    except (OSError, ValueError):
        return False
    if stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode):
        return False
    try:
        return not (stat.S_ISCHR(st.st_mode) and st.st_rdev == os.stat(os.devnull).st_rdev)
    except OSError:
        return True


@dataclass
class Reply:
    """What a served call printed and its exit status."""

    status: int
    stdout: str = ""
    stderr: str = ""

    def encode(self) -> bytes:
        """This reply as the server sends it."""
        return encode_reply(self.status, self.stdout, self.stderr)


class IndexPool:
    """Open `Index` objects by directory and options, reused across requests.

    An index stays open (its searcher, parsed queries and column arrays with it) until its
    directory is replaced or removed, or it is the least recently used of more than ``size``.
    """

    def __init__(self, size: int = 8, client: Any = None) -> None:
        self.size = size
        #: A Dask client (``dateline serve --cluster``): cluster roots are then searched on it.
        self.client = client
        self._open: dict[tuple[Any, ...], tuple[tuple[int, int], Any]] = {}

    def get(
        self, path: str | os.PathLike[str] | None, *, cluster: str | None = None, stats: str = "global", **options: Any
    ) -> Any:
        """The open `Index` at ``path`` for ``options``; or, at a cluster's root (its manifest
        there, or ``cluster`` asked for), its `Cluster` on this server's Dask client."""
        from indexer.core.store import resolve_index_path
        from search.index import Index

        given = resolve_index_path(path)  # as the caller named it: messages and `stats` show it so
        if cluster or (self.client is not None and (given / "cluster.json").exists()):
            return self._cluster(given, stats, options)
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

    def _cluster(self, root: Any, stats: str, options: dict[str, Any]) -> Any:
        from search.cluster.sharded import Cluster
        from search.errors import ClusterError

        if self.client is None:
            raise ClusterError("this server has no cluster: start it with dateline serve --cluster SCHEDULER|local:N")
        key = ("cluster", str(root.resolve()), stats, *sorted((k, repr(v)) for k, v in options.items()))
        found = self._open.pop(key, None)
        if found is None:
            found = ((-1, -1), Cluster.open(self.client, root, stats=stats, **options))
        self._open[key] = found
        while len(self._open) > self.size:
            self._open.pop(next(iter(self._open)))[1].close()
        return found[1]

    def close(self) -> None:
        for _, ix in self._open.values():
            ix.close()
        self._open.clear()


@dataclass
class Server:
    """Listens on ``path`` and answers each request with ``run(request) -> Reply``.

    Each connection has its own thread, at most `MAX_CONNECTIONS` at once, and `READ_DEADLINE`
    seconds to send its whole request, so a slow or silent caller delays no other. ``run`` is
    called one request at a time (a served call swaps the process's working directory,
    environment and standard streams). Nothing a caller sends stops the server: a malformed
    request is declined and logged in one line.

    ``idle`` seconds without a request end `serve` (0: never). When a file in ``watch`` (the
    package's own sources) changes, the server declines and stops, so an upgraded dateline
    never answers with the old code; it also stops when its socket is removed or replaced.
    ``pool`` holds the indexes its calls keep open; `close` closes them.
    """

    path: str
    run: Callable[[Request], Reply | None]  # None: decline, the caller runs it itself
    idle: float = 0
    watch: Iterable[Path] = ()
    log: Callable[[str], None] = lambda line: None
    pool: IndexPool = field(default_factory=IndexPool)
    _sources: Mapping[Path, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _running: threading.Lock = field(default_factory=threading.Lock)  # held while ``run`` runs
    _slots: threading.BoundedSemaphore = field(default_factory=lambda: threading.BoundedSemaphore(MAX_CONNECTIONS))
    _log_lock: threading.Lock = field(default_factory=threading.Lock)
    _active: int = 0  # connections being answered

    def serve(self) -> None:
        """Bind, then answer requests until interrupted (SIGINT, or SIGTERM in the main thread),
        idle, out of date or without its socket; raises `ServeError` when another server holds
        the socket, something else is at its path or its directory is not private."""
        self._sources = _mtimes(self.watch)
        listener = self._bind()
        ours = _identity(self.path)
        self._say(f"serving on {self.path} (Ctrl-C to stop)")
        main_thread = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, _interrupt) if main_thread else None
        try:
            listener.settimeout(CHECK_EVERY)
            last = checked = time.monotonic()
            while not self._stop.is_set():
                try:
                    conn, _ = listener.accept()
                except TimeoutError:
                    conn = None
                except OSError as exc:  # out of file descriptors, say: wait, never fail
                    self._say(f"cannot accept a connection: {exc}")
                    time.sleep(0.1)
                    conn = None
                now = time.monotonic()
                if conn is not None:
                    last = now
                    self._start(conn)
                elif self.idle and now - last >= self.idle and not self._active:
                    self._say(f"no request for {self.idle:g} s; stopping")
                    return
                if now - checked >= CHECK_EVERY:
                    checked = now
                    if _identity(self.path) != ours:
                        self._say(f"{self.path}: socket removed or replaced; stopping")
                        return
        except KeyboardInterrupt:
            return
        finally:
            self._stop.set()
            if main_thread:
                signal.signal(signal.SIGTERM, previous)
            listener.close()
            if _identity(self.path) == ours:  # never remove what another put there
                try:
                    os.unlink(self.path)
                except OSError:
                    pass

    def finish(self, timeout: float) -> bool:
        """After `serve`: wait up to ``timeout`` seconds for the call in progress; False when
        one still runs (its caller, cut off, runs it itself), True when none runs or will."""
        self._stop.set()
        return self._running.acquire(timeout=timeout)

    def close(self) -> None:
        """Close the indexes in `pool`: after `finish`, or when `serve` failed to start."""
        self.pool.close()

    def _bind(self) -> socket.socket:
        directory = os.path.dirname(os.path.abspath(self.path))
        if not os.path.exists(directory):
            os.makedirs(directory, mode=0o700, exist_ok=True)
        if not private(directory):
            raise ServeError(
                f"{directory}: not private to this user (owned by another or writable by others); refusing to serve"
            )
        try:
            found = os.lstat(self.path)
        except OSError:
            found = None
        if found is not None:
            if not stat.S_ISSOCK(found.st_mode):
                raise ServeError(f"{self.path}: exists and is not a socket; refusing to replace it")
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
        listener.listen(MAX_CONNECTIONS)
        return listener

    def _say(self, line: str) -> None:
        """Log ``line`` as one line, whichever thread says it."""
        with self._log_lock:
            self.log(" ".join(line.split("\n")))

    def _start(self, conn: socket.socket) -> None:
        """Answer ``conn`` in a thread of its own, or close it at once when all are taken."""
        if self._slots.acquire(blocking=False):
            self._count(+1)
            try:
                threading.Thread(target=self._connection, args=(conn,), daemon=True).start()
                return
            except RuntimeError as exc:  # no thread to be had
                self._count(-1)
                self._slots.release()
                self._say(f"declined a connection: {exc}")
        else:
            self._say(f"declined a connection: {MAX_CONNECTIONS} already open")
        conn.setblocking(False)
        try:
            conn.send(DECLINED)
        except OSError:
            pass
        conn.close()

    def _connection(self, conn: socket.socket) -> None:
        """One connection's thread: no exception escapes it, whatever the caller sent."""
        try:
            with conn:
                self._answer(conn)
        except Exception as exc:  # a bug: the caller runs the command itself; the server goes on
            self._say(f"internal error answering a call: {type(exc).__name__}: {exc}")
        finally:
            self._count(-1)
            self._slots.release()

    def _count(self, change: int) -> None:
        with self._log_lock:
            self._active += change

    def _answer(self, conn: socket.socket) -> None:
        if not _same_user(conn):
            return
        try:
            request = Request(*parse_request(_receive(conn, time.monotonic() + READ_DEADLINE)))
        except ValueError as exc:
            self._say(f"declined a malformed request: {exc}")
            return _decline(conn)
        except TimeoutError:
            self._say(f"declined a request not received whole within {READ_DEADLINE:g} s")
            return _decline(conn)
        except OSError:
            return  # the caller went away; it runs the command itself
        if _mtimes(self.watch) != self._sources:
            _decline(conn)
            self._say("dateline's code changed; stopping (start it again to serve the new version)")
            self._stop.set()
            return
        if not request.served:
            return _decline(conn)
        streams = request.streams()
        if streams:
            self._say(f"declined {request.argv[0]!r}: it names {streams[0]!r}, which the caller must read itself")
            return _decline(conn)
        if not self._running.acquire(timeout=BUSY_WAIT):
            self._say(f"declined {request.argv[0]!r}: another call has run for over {BUSY_WAIT:g} s")
            return _decline(conn)
        try:
            if self._stop.is_set():
                return  # stopping: the caller runs it itself
            started = time.perf_counter()
            reply = self.run(request)
        finally:
            self._running.release()
        if reply is None:
            return _decline(conn)
        try:
            conn.settimeout(REPLY_DEADLINE)
            conn.sendall(reply.encode())
        except OSError:
            return  # the caller went away or stopped reading; it runs the command itself
        self._say(f"{' '.join(request.argv)!r} → {reply.status} in {(time.perf_counter() - started) * 1000:.0f} ms")


def _receive(conn: socket.socket, deadline: float) -> bytes:
    """One whole request from ``conn`` by ``deadline``: its head first, so that another
    protocol or a request over `MAX_REQUEST` is refused (ValueError) before its body is read;
    TimeoutError past the deadline."""
    head = bytearray()
    found = None
    while found is None:
        chunk = _recv(conn, HEAD_MAX - len(head), deadline)
        if not chunk:
            raise ValueError(f"a request cut short after {len(head)} bytes")
        head += chunk
        found = request_head(bytes(head))
    start, size = found
    if len(head) > start + size:
        raise ValueError(f"more than the {size} bytes its head announces")
    data = bytearray(start + size)
    data[: len(head)] = head
    view, done = memoryview(data), len(head)
    while done < len(data):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        conn.settimeout(remaining)
        got = conn.recv_into(view[done:])
        if not got:
            raise ValueError(f"a request cut short after {done} of {len(data)} bytes")
        done += got
    return bytes(data)


def _recv(conn: socket.socket, size: int, deadline: float) -> bytes:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    conn.settimeout(remaining)
    return conn.recv(size)


def _decline(conn: socket.socket) -> None:
    """Tell the caller to run the command itself (it does so too if this fails)."""
    try:
        conn.settimeout(1)
        conn.sendall(DECLINED)
    except OSError:
        pass


def _identity(path: str) -> tuple[int, int] | None:
    """The device and inode at ``path`` (not following a link), None when there is nothing."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


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
    search = Path(__file__).resolve().parents[1]
    return sorted([*search.rglob("*.py"), *search.parent.joinpath("indexer").rglob("*.py")])
