"""The ``dateline`` command's entry point: hands ``search``, ``similar``, ``show``, ``stats`` and
``timeline`` to a running ``dateline serve`` when there is one, else runs the command here.

Starting Python, Click, Whoosh and numpy and opening an index costs about a quarter of a second
on every call; a served call costs the start of a bare Python and one round trip. So this
module imports nothing of dateline but the socket protocol (`search.serve.protocol`, itself
only ``os``), and of the standard library only its C socket module, when a server's socket
exists. Anything that goes wrong talking to the server (none
running, a stale socket, a server that dies mid-reply) falls back to running the command in
this process: the served commands only read, so running one twice is harmless.
"""

from __future__ import annotations

import os
import sys

from search.serve.protocol import MAX_REQUEST, NO_SERVE_ENV, SERVED, decode_reply, encode_request, private, socket_path

CONNECT_TIMEOUT = 1.0  # seconds
REPLY_TIMEOUT = 30.0  # then run it here: the server is stuck, or busy with someone's slow query


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
