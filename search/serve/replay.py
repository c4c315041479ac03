"""A served call, run in the server's own process as its caller would have run it: in the caller's
working directory, under its environment, with no standard input and with its outputs captured,
answering ``isatty`` as the caller's would.

All of these are the process's, not a thread's, so `search.serve.server.Server` runs one call at a
time, and `as_caller` puts each back however the call ends.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable, Iterator

from search.serve.server import Reply, Request

__all__ = ["Output", "as_caller", "replay"]


class Output(io.TextIOWrapper):
    """Captures a served call's output, answering ``isatty`` as the caller's stream would."""

    def __init__(self, tty: bool) -> None:
        written = io.BytesIO()
        super().__init__(written, encoding="utf-8", errors="surrogateescape", write_through=True)
        self._written = written
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty

    def text(self) -> str:
        """Everything written so far."""
        self.flush()
        return self._written.getvalue().decode("utf-8", "surrogateescape")


@contextlib.contextmanager
def as_caller(request: Request) -> Iterator[tuple[Output, Output]]:
    """Inside, this process has ``request``'s working directory and environment, an empty
    standard input, and standard outputs that capture what is written (yielded, stdout first);
    all are put back on leaving. OSError, with nothing swapped, when the directory is gone."""
    out, err = Output(request.stdout_tty), Output(request.stderr_tty)
    saved_env, saved_cwd, saved_stdin = dict(os.environ), os.getcwd(), sys.stdin
    os.chdir(request.cwd)
    try:
        os.environ.clear()
        os.environ.update(request.env)
        sys.stdin = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            yield out, err
    finally:
        sys.stdin = saved_stdin
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)


def replay(request: Request, run: Callable[[list[str]], int]) -> Reply | None:
    """What ``run(request.argv)`` (which returns an exit status) printed and returned, run
    `as_caller`; None, for the caller to run it itself, where its working directory is gone."""
    with contextlib.ExitStack() as stack:
        try:
            out, err = stack.enter_context(as_caller(request))
        except OSError:
            return None
        status = run(request.argv)
    return Reply(status, out.text(), err.text())
