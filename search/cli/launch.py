"""The ``dateline`` command's entry point: hands ``search``, ``similar``, ``show``, ``stats`` and ``timeline`` to a running
``dateline serve`` when there is one, else runs the command here.

Starting Python, Click, Whoosh and numpy and opening an index costs about a quarter of a second
on every call; a served call costs the start of a bare Python and one round trip. So this
module imports nothing but the standard library's C socket module, and only when a server's
socket exists; even the messages are framed by hand rather than with json (`encode_request`),
whose import cost ~2 ms of a ~35 ms call. Anything that goes wrong talking to the server (none
running, a stale socket, a server that dies mid-reply) falls back to running the command in
this process: the served commands only read, so running one twice is harmless.
"""

from __future__ import annotations

import os
import sys

SOCKET_ENV = "DATELINE_SOCKET"
NO_SERVE_ENV = "DATELINE_NO_SERVE"
SERVED = ("search", "similar", "show", "stats", "timeline")
PROTOCOL = 3
MAX_REQUEST = 4 << 20  # bytes: more than any argv and environment the system passes (ARG_MAX ~2 MiB)
CONNECT_TIMEOUT = 1.0  # seconds
REPLY_TIMEOUT = 30.0  # then run it here: the server is stuck, or busy with someone's slow query


def socket_path() -> str:
    """``$DATELINE_SOCKET``, else ``dateline-UID/serve.sock`` in ``$XDG_RUNTIME_DIR`` or ``/tmp``."""
    explicit = os.environ.get(SOCKET_ENV)
    if explicit:
        return explicit
    base = os.environ.get("XDG_RUNTIME_DIR") or os.environ.get("TMPDIR") or "/tmp"
    return os.path.join(base, f"dateline-{os.getuid()}", "serve.sock")


def private(directory: str) -> bool:
    """Whether only this user can create or replace entries in ``directory``: a socket found
    anywhere else could belong to someone who wants to read the environment we send."""
    try:
        st = os.lstat(directory)
    except OSError:
        return False
    return (
        os.path.isdir(directory)
        and not os.path.islink(directory)
        and st.st_uid == os.getuid()
        and not st.st_mode & 0o022
    )


def ask(argv: list[str]) -> dict | None:
    """The server's reply to running ``dateline ARGV`` (``status``, ``stdout``, ``stderr``), or
    None where no server answers or it declines the command."""
    path = socket_path()
    if not hasattr(os, "getuid") or not os.path.exists(path) or not private(os.path.dirname(path) or "."):
        return None
    try:  # the C module: `socket` would import enum and selectors, 5 ms of a 30 ms call
        import _socket as socket
    except ImportError:  # pragma: no cover - other Pythons
        import socket  # type: ignore[no-redef]

    env = dict(os.environ)
    try:
        if sys.stdout.isatty() and "COLUMNS" not in env:
            env["COLUMNS"] = str(os.get_terminal_size(sys.stdout.fileno()).columns)
        request = encode_request(argv, os.getcwd(), env, sys.stdout.isatty(), sys.stderr.isatty())
        if len(request) > MAX_REQUEST:
            return None  # the server would decline it unread
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.settimeout(CONNECT_TIMEOUT)
            conn.connect(path)
            conn.settimeout(REPLY_TIMEOUT)
            conn.sendall(request)
            conn.shutdown(socket.SHUT_WR)
            chunks = []
            while chunk := conn.recv(1 << 16):
                chunks.append(chunk)
        finally:
            conn.close()
    except (OSError, ValueError):
        return None
    return decode_reply(b"".join(chunks))


# -- the messages -----------------------------------------------------------------------------
#
# A request is a head, then a body of its fields joined by NUL bytes. The head is the header,
# the protocol and the body's length in bytes (each followed by a NUL), so a server can decline
# another protocol or an oversized request from its first few bytes, without reading the rest.
# The body's fields are whether stdout and stderr are terminals, the working directory, the
# number of arguments, the arguments, then the environment's KEY=VALUE entries. None of these
# can hold a NUL (the system passes them as C strings), and each is UTF-8 with the bytes that
# are not (undecodable names and arguments) carried through as surrogate escapes, as Python
# read them. A reply is a header, the exit status and the lengths of stdout and stderr, then
# both, back to back.

_ENCODING, _ERRORS = "utf-8", "surrogateescape"
_REQUEST = b"dateline-request"
_REPLY = b"dateline-reply"
#: The longest head `request_head` needs to see: header, protocol and a length of MAX_REQUEST.
HEAD_MAX = len(_REQUEST) + 16
#: The server's answer to a call it will not run (another protocol, a writing command): the
#: caller runs it itself.
DECLINED = b"dateline-declined"


def encode_request(argv: list[str], cwd: str, env: dict[str, str], stdout_tty: bool, stderr_tty: bool) -> bytes:
    fields = ["1" if stdout_tty else "0", "1" if stderr_tty else "0", cwd, str(len(argv)), *argv,
              *(f"{key}={value}" for key, value in env.items())]  # fmt: skip
    if any("\0" in field for field in fields):
        raise ValueError("a NUL character in an argument, the directory or the environment")
    body = "\0".join(fields).encode(_ENCODING, _ERRORS)
    return b"%s\0%d\0%d\0%s" % (_REQUEST, PROTOCOL, len(body), body)


def _count(text: str | bytes, most: int, what: str) -> int:
    """``text`` as a count of at most ``most``; ValueError for anything else (``²``, 5,000 digits)."""
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(most))) or int(text) > most:
        raise ValueError(f"{what} {text[:20]!r} is not a count up to {most}")
    return int(text)


def request_head(data: bytes) -> tuple[int, int] | None:
    """(the head's size, the body's size) once ``data`` starts with a whole request head, None
    while it may still become one; ValueError when it cannot (another protocol, not a request,
    a body over `MAX_REQUEST`)."""
    parts = data.split(b"\0", 3)
    if len(parts) < 4:
        if len(data) >= HEAD_MAX or not (_REQUEST.startswith(parts[0]) if len(parts) == 1 else parts[0] == _REQUEST):
            raise ValueError("not a dateline request")
        return None
    header, protocol, length, _ = parts
    if header != _REQUEST:
        raise ValueError("not a dateline request")
    if protocol != str(PROTOCOL).encode():
        raise ValueError(f"protocol {protocol[:20]!r}, not {PROTOCOL}")
    if length.isascii() and length.isdigit() and MAX_REQUEST < int(length[:12]):
        raise ValueError(f"a request of {int(length[:12])}{'…' if len(length) > 12 else ''} bytes, over {MAX_REQUEST}")
    size = _count(length, MAX_REQUEST, "length")
    return len(header) + len(protocol) + len(length) + 3, size


def parse_request(data: bytes) -> tuple[list[str], str, dict[str, str], bool, bool]:
    """(argv, cwd, env, stdout_tty, stderr_tty) of an `encode_request` message; ValueError,
    saying why, when ``data`` is not one of this protocol."""
    head = request_head(data[:HEAD_MAX])
    if head is None:
        raise ValueError("a request cut short in its head")
    start, size = head
    if len(data) - start != size:
        raise ValueError(f"a body of {len(data) - start} bytes where the head says {size}")
    fields = data[start:].decode(_ENCODING, _ERRORS).split("\0")
    if len(fields) < 4 or fields[0] not in ("0", "1") or fields[1] not in ("0", "1"):
        raise ValueError("malformed terminal flags")
    end = 4 + _count(fields[3], len(fields) - 4, "argument count")
    env = {}
    for entry in fields[end:]:
        key, sep, value = entry.partition("=")
        if not key or not sep:
            raise ValueError("an environment entry without a name or '='")
        env[key] = value
    return fields[4:end], fields[2], env, fields[0] == "1", fields[1] == "1"


def decode_request(data: bytes) -> tuple[list[str], str, dict[str, str], bool, bool] | None:
    """`parse_request`, or None when ``data`` is not a request of this protocol."""
    try:
        return parse_request(data)
    except ValueError:
        return None


def encode_reply(status: int, stdout: str, stderr: str) -> bytes:
    out, err = stdout.encode(_ENCODING, _ERRORS), stderr.encode(_ENCODING, _ERRORS)
    return b"%s\0%d\0%d\0%d\0%s%s" % (_REPLY, status, len(out), len(err), out, err)


def decode_reply(data: bytes) -> dict | None:
    """``{"status", "stdout", "stderr"}`` of an `encode_reply` message; None for `DECLINED`,
    a reply cut short or anything else."""
    parts = data.split(b"\0", 4)
    if len(parts) != 5 or parts[0] != _REPLY or not (parts[1].isdigit() and parts[2].isdigit() and parts[3].isdigit()):
        return None
    size = int(parts[2])
    if size + int(parts[3]) != len(parts[4]):
        return None
    stdout, stderr = parts[4][:size], parts[4][size:]
    return {"status": int(parts[1]), "stdout": stdout.decode(_ENCODING, _ERRORS),
            "stderr": stderr.decode(_ENCODING, _ERRORS)}  # fmt: skip


def main() -> None:
    """Run ``dateline`` with ``sys.argv``: served where possible, else by `search.cli.commands`."""
    argv = sys.argv[1:]
    # Shell completion (_DATELINE_COMPLETE) runs here: it opens no index, so a server saves nothing.
    if argv and argv[0] in SERVED and not os.environ.get(NO_SERVE_ENV) and not os.environ.get("_DATELINE_COMPLETE"):
        reply = ask(argv)
        if reply is not None:
            try:
                sys.stdout.write(reply.get("stdout", ""))
                sys.stdout.flush()
            except BrokenPipeError:  # piped into `head`: not an error, as in the CLI
                os._exit(0)
            sys.stderr.write(reply.get("stderr", ""))
            sys.stderr.flush()
            os._exit(reply["status"])  # both flushed; skipping the interpreter's teardown saves ~1 ms
    from indexer.engine.standins import install as install_standins

    install_standins()  # before anything imports Whoosh: the command's start-up skips what it never uses
    from search.cli.commands import main as cli

    try:
        cli(prog_name="dateline")
    except SystemExit as exc:
        if argv and argv[0] in SERVED and (exc.code is None or isinstance(exc.code, int)):
            _exit(exc.code or 0)
        raise


def _exit(status: int) -> None:
    """Exit with ``status`` now, skipping the interpreter's teardown: after a search, freeing
    Whoosh's, numpy's and the index's objects one by one took ~35 ms (a tenth of the call).
    Only for the read-only commands, which leave nothing to clean up (no worker processes, no
    atexit handlers). Returns where the output cannot be flushed (a reader that went away):
    the interpreter's own exit then reports it as it always did."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(status)
