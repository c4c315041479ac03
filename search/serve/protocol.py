"""The socket protocol between ``dateline`` (the client, `search.cli.launch`) and ``dateline serve``
(`search.serve.server`): where the socket is, which commands are served, and how a request and a
reply are framed.

Both sides import it, and the client on every call, so it imports nothing but ``os``: even the
messages are framed by hand rather than with json, whose import cost ~2 ms of a ~35 ms call.
"""

from __future__ import annotations

import os

SOCKET_ENV = "DATELINE_SOCKET"
NO_SERVE_ENV = "DATELINE_NO_SERVE"
SERVED = ("search", "similar", "show", "stats", "timeline")
PROTOCOL = 3
MAX_REQUEST = 4 << 20  # bytes: more than any argv and environment the system passes (ARG_MAX ~2 MiB)


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
    """The request to run ``dateline ARGV`` in ``cwd`` under ``env``; ValueError when a field holds a NUL."""
    fields = [
        "1" if stdout_tty else "0",
        "1" if stderr_tty else "0",
        cwd,
        str(len(argv)),
        *argv,
        *(f"{key}={value}" for key, value in env.items()),
    ]
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
    """The reply carrying a served call's exit status and both its outputs."""
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
    return {
        "status": int(parts[1]),
        "stdout": stdout.decode(_ENCODING, _ERRORS),
        "stderr": stderr.decode(_ENCODING, _ERRORS),
    }
