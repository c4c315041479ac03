"""`dateline serve` answers search, show and stats exactly as a local call would, and losing
it (killed, stale, busy, upgraded) never loses a call."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from conftest import CORPUS, SEED_NAME, installed_dateline, on_terminal

from search import launch
from search.serve import Reply, Request, ServeError, Server

pytestmark = pytest.mark.slow


class Served:
    """A real `dateline serve` process on a socket in a private temporary directory."""

    def __init__(self, directory: Path, *extra: str) -> None:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.socket = directory / "serve.sock"
        self.log = directory / "serve.log"
        self.exe = installed_dateline()
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen([self.exe, "serve", "--socket", str(self.socket), *extra], stderr=log,
                                         stdout=subprocess.DEVNULL)  # fmt: skip
        deadline = time.monotonic() + 30
        while "serving on" not in self.log.read_text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"dateline serve did not start: {self.log.read_text()}")
            time.sleep(0.05)

    def call(self, *args: str, index: Path | None = None, served: bool = True, **env: str) -> subprocess.CompletedProcess[str]:  # fmt: skip
        environ = {**os.environ, "DATELINE_SOCKET": str(self.socket), **env}
        if index is not None:
            environ["DATELINE_INDEX"] = str(index)
        if not served:
            environ["DATELINE_NO_SERVE"] = "1"
        return subprocess.run([self.exe, *args], capture_output=True, text=True, env=environ)

    def answered(self) -> int:
        """How many calls the server has answered (one log line each)."""
        return self.log.read_text().count(" → ")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    served = Served(tmp_path_factory.mktemp("serve") / "run")
    yield served
    served.stop()


def _same(text: str) -> str:
    """The output with the time taken (text and JSON), which is all that may differ."""
    return re.sub(r'in \d+ ms|"elapsed_ms": [\d.]+', "TIME", text)


@pytest.mark.parametrize(
    "args",
    [
        ("search", '"armed forces"'),
        ("search", "solar OR wind", "--format", "json", "-n", "5"),
        ("search", "mali", "--format", "paths", "--sort", "-date"),
        ("search", "Unternehmen", "--lang", "de", "--color", "always"),
        ("search", "armed forces", "--explain", "--format", "json"),
        ("search", "storage", "--format", "csv"),
        ("search", "xylophone"),  # no hits: exit 1
        ("search", "date:[2025-99-01 TO 2025-06-30]"),  # bad query: exit 2
        ("search", "mali", "--limit", "0"),  # usage error from Click: exit 2
        ("show", SEED_NAME, "--format", "json"),
        ("show", "no-such-document.txt"),
        ("stats", "--format", "json"),
        ("search", "wind OR solar", "--facet", "wire", "--filter", "language=en"),
        ("timeline", "energy", "--by", "week", "--format", "json"),
        ("search", "--help"),
        ("search", "armd forcse"),  # a suggestion on stderr: exit 1
        ("similar", SEED_NAME, "-n", "3", "--format", "json"),
        ("similar", "no-such-document.txt"),
    ],
)  # fmt: skip
def test_a_served_call_prints_what_a_local_call_prints(server: Served, corpus_index: Path, args: tuple[str, ...]) -> None:
    before = server.answered()
    served = server.call(*args, index=corpus_index)
    local = server.call(*args, index=corpus_index, served=False)
    assert server.answered() == before + 1  # it really was the server that answered
    assert (served.returncode, _same(served.stdout), served.stderr) == (local.returncode, _same(local.stdout), local.stderr)
    assert "Traceback" not in served.stderr


def test_a_served_call_imports_almost_nothing(server: Served, corpus_index: Path) -> None:
    """The caller's start-up is most of a served call: of dateline it imports the `search`
    package and `search.launch`, and neither json nor Click, Whoosh or numpy."""
    import sys

    before = server.answered()
    environ = {**os.environ, "DATELINE_SOCKET": str(server.socket), "DATELINE_INDEX": str(corpus_index)}
    proc = subprocess.run([sys.executable, "-X", "importtime", server.exe, "search", "mali", "--format", "paths"],
                          capture_output=True, text=True, env=environ)  # fmt: skip
    assert proc.returncode == 0 and proc.stdout and server.answered() == before + 1
    imported = {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert {name for name in imported if name.split(".")[0] in ("search", "indexer")} == {"search", "search.launch"}
    assert not {name for name in imported if name.split(".")[0] in ("json", "click", "whoosh", "numpy")}


@pytest.mark.parametrize("args", [("search", "mali", "--format", "paths"), ("stats",), ("show", "nothing.txt")])
def test_relative_index_paths_are_the_callers(server: Served, corpus_index: Path, args: tuple[str, ...]) -> None:
    """The server runs each call in the caller's directory with the caller's environment, and
    names the index as the caller did (`stats` and error messages print its path)."""
    environ = {**os.environ, "DATELINE_SOCKET": str(server.socket)}
    environ.pop("DATELINE_INDEX")

    def both(*argv: str) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
        run = [server.exe, *argv]
        kwargs = {"capture_output": True, "text": True, "cwd": corpus_index.parent}
        return (subprocess.run(run, env=environ, **kwargs),  # type: ignore[call-overload]
                subprocess.run(run, env={**environ, "DATELINE_NO_SERVE": "1"}, **kwargs))  # fmt: skip

    before = server.answered()
    served, local = both(*args, "--index", corpus_index.name)
    assert (served.returncode, _same(served.stdout), served.stderr) == (local.returncode, _same(local.stdout), local.stderr)
    shown = served.stdout + served.stderr
    assert str(corpus_index) not in shown and (args[0] == "search" or f" {corpus_index.name}" in shown)
    missing, missing_local = both("stats")  # the default .dateline, relative to the caller
    assert missing.returncode == 2 and (missing.stdout, missing.stderr) == (missing_local.stdout, missing_local.stderr)
    assert ".dateline" in missing.stderr
    assert server.answered() == before + 2


def test_batch_runs_are_not_served(server: Served, corpus_index: Path, tmp_path: Path) -> None:
    queries = tmp_path / "q.tsv"
    queries.write_text("1\tarmed forces mali\n")
    before = server.answered()
    run = server.call("search", "--batch", str(queries), index=corpus_index)
    assert run.returncode == 0 and run.stdout.startswith("1 Q0 ") and server.answered() == before


def test_colour_follows_the_callers_terminal(server: Served, corpus_index: Path) -> None:
    """isatty and NO_COLOR are the caller's: colour on its pseudo-terminal; under NO_COLOR no
    colour, matches bold and underlined instead."""
    def shown(**env: str) -> bytes:
        environ = {**os.environ, "DATELINE_SOCKET": str(server.socket), "DATELINE_INDEX": str(corpus_index), **env}
        proc, out = on_terminal([server.exe, "search", "mali"], "stdout", env=environ)
        assert proc.returncode == 0, proc.stderr
        return out

    before = server.answered()
    assert b"\x1b[1;33m" in shown()
    plain = shown(NO_COLOR="1")
    assert b"\x1b[1;33m" not in plain and b"\x1b[1;4m" in plain
    assert server.answered() == before + 2


def test_new_commits_are_seen(tmp_path: Path) -> None:
    served = Served(tmp_path / "run")
    try:
        corpus, index = tmp_path / "corpus", tmp_path / "ix"
        corpus.mkdir()
        (corpus / SEED_NAME).write_bytes((CORPUS / SEED_NAME).read_bytes())
        assert served.call("index", str(corpus), index=index).returncode == 0
        assert served.call("search", "quokka", index=index).returncode == 1
        text = (CORPUS / SEED_NAME).read_text(encoding="utf-8").replace("Mali", "Mali quokka", 1)
        (corpus / "quokka.txt").write_text(text, encoding="utf-8")
        assert served.call("index", str(corpus), index=index).returncode == 0
        found = served.call("search", "quokka", "--format", "paths", index=index)
        assert found.returncode == 0 and found.stdout.split() == ["quokka.txt"]
        assert served.answered() == 2
    finally:
        served.stop()


def test_a_killed_server_leaves_calls_working_and_can_be_replaced(tmp_path: Path, corpus_index: Path) -> None:
    first = Served(tmp_path / "run")
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait()
    assert first.socket.exists()  # stale: nobody listens
    local = first.call("search", '"armed forces"', "--format", "paths", index=corpus_index)
    assert local.returncode == 0 and local.stdout.split()[0] == SEED_NAME
    second = Served(tmp_path / "run")  # removes the stale socket
    try:
        again = second.call("search", '"armed forces"', "--format", "paths", index=corpus_index)
        assert again.stdout == local.stdout and second.answered() == 1
    finally:
        second.stop()
    assert not second.socket.exists()  # a clean stop removes it


def test_a_second_server_on_the_same_socket_fails_clearly(server: Served) -> None:
    other = subprocess.run([server.exe, "serve", "--socket", str(server.socket)], capture_output=True, text=True,
                           timeout=30)  # fmt: skip
    assert other.returncode == 2
    assert other.stderr.strip().endswith("another dateline serve is already answering there")
    assert server.proc.poll() is None and server.call("stats").returncode in (0, 2)


def test_idle_server_stops_by_itself(tmp_path: Path) -> None:
    served = Served(tmp_path / "run", "--idle", "1")
    assert served.proc.wait(timeout=30) == 0
    assert not served.socket.exists() and "no request for 1 s" in served.log.read_text()


def test_a_directory_others_can_write_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    refused = subprocess.run([installed_dateline(), "serve", "--socket", str(shared / "s.sock")], capture_output=True,
                             text=True, timeout=30)  # fmt: skip
    assert refused.returncode == 2 and "not private to this user" in refused.stderr
    # nor does a caller send its environment to a socket there
    monkeypatch.setenv("DATELINE_SOCKET", str(shared / "s.sock"))
    (shared / "s.sock").write_text("")
    assert not launch.private(str(shared)) and launch.ask(["stats"]) is None


def _server_thread(path: Path, watch: list[Path]) -> tuple[Server, threading.Thread]:
    server = Server(str(path), lambda request: Reply(0, f"ran {request.argv}\n"), watch=watch)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return server, thread


def test_a_server_whose_code_changed_declines_and_stops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "module.py"
    source.write_text("x = 1\n")
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    monkeypatch.setenv("DATELINE_SOCKET", str(run / "s.sock"))
    _, thread = _server_thread(run / "s.sock", [source])
    assert launch.ask(["stats"]) == {"status": 0, "stdout": "ran ['stats']\n", "stderr": ""}
    assert launch.ask(["index", "x"]) is None  # writing commands are never served
    os.utime(source, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert launch.ask(["stats"]) is None  # the caller runs it itself
    thread.join(timeout=10)
    assert not thread.is_alive() and not (run / "s.sock").exists()


@pytest.mark.parametrize(
    "payload",
    [b"", b"not json", b"[]", b'{"protocol": 99, "argv": ["stats"], "cwd": "/", "env": {}}',
     b'{"protocol": 1, "argv": "stats", "cwd": "/", "env": {}}', b'{"protocol": 1, "argv": ["stats"], "cwd": 3, "env": {}}',
     b'{"protocol": 1, "argv": ["stats"], "cwd": "/", "env": {"A": 1}}',
     b"dateline-request", b"dateline-request\0", b"dateline-request\x002\x000\x000\x00/", b"dateline-request\x001\x000\x000\x00/\x000",
     b"dateline-request\x002\x00yes\x000\x00/\x000", b"dateline-request\x002\x000\x00\x00/\x000",
     b"dateline-request\x002\x000\x000\x00/\x00two\x00stats", b"dateline-request\x002\x000\x000\x00/\x003\x00stats",
     b"dateline-request\x002\x000\x000\x00/\x001\x00stats\x00NOEQUALS", b"dateline-request\x002\x000\x000\x00/\x001\x00stats\x00=x",
     b"dateline-reply\x000\x000\x00", b"dateline-declined"],
)  # fmt: skip
def test_malformed_requests_are_declined(payload: bytes) -> None:
    assert Request.decode(payload) is None


def test_requests_and_replies_carry_any_text_exactly() -> None:
    """Arguments, directories and environments as the system gives them: empty, with ``=``,
    newlines, tabs, quotes, non-ASCII, and bytes that are not UTF-8 (surrogate escapes)."""
    argv = ["search", "", "a=b", "line\nbreak\ttab", '"quoted" \\ back', "Übernahme 東京", "caf\udce9.txt"]
    env = {"A": "", "B": "x=y=z", "C": "multi\nline", "D_\udcff": "\udcfe", "LANG": "de_DE.UTF-8"}
    request = Request(argv, "/tmp/caf\udce9", env, True, False)
    assert Request.decode(request.encode()) == request
    assert Request.decode(Request([], "/", {}).encode()) == Request([], "/", {})
    for stdout, stderr in [("", ""), ("hits\n\0NUL\n", "dateline: x\n"), ("東京 \udce9\n", "\0")]:
        assert launch.decode_reply(Reply(1, stdout, stderr).encode()) == {"status": 1, "stdout": stdout, "stderr": stderr}
    for whole in (Reply(0, "abc", "").encode(), Reply(2, "", "dateline: bad\n").encode()):
        assert launch.decode_reply(whole[:-1]) is None and launch.decode_reply(whole + b"x") is None  # cut short, or not ours
    assert launch.decode_reply(launch.DECLINED) is None


def test_serve_errors_are_dateline_errors() -> None:
    from search import DatelineError

    assert issubclass(ServeError, DatelineError)


def test_a_served_call_whose_reader_went_away_exits_quietly(server: Served, corpus_index: Path) -> None:
    """Output piped into a reader that has gone (``| head`` done) is no error, as in a local call."""
    environ = {**os.environ, "DATELINE_SOCKET": str(server.socket), "DATELINE_INDEX": str(corpus_index)}
    before = server.answered()
    proc = subprocess.Popen([server.exe, "search", "mali"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environ)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # long before the reply arrives
    assert proc.wait(timeout=30) == 0 and proc.stderr.read() == b""
    proc.stderr.close()
    assert server.answered() == before + 1
