"""`dateline serve` answers search, show and stats exactly as a local call would, and losing
it (killed, stale, busy, upgraded) never loses a call."""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest
from conftest import CORPUS, SEED_NAME, Served, installed_dateline, on_terminal, plant_code

from search.cli import launch
from search.serve import protocol
from search.serve.server import Reply, Request, ServeError, Server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
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
)
def test_a_served_call_prints_what_a_local_call_prints(
    server: Served, corpus_index: Path, args: tuple[str, ...]
) -> None:
    before = server.answered()
    served = server.call(*args, index=corpus_index)
    local = server.call(*args, index=corpus_index, served=False)
    assert server.answered() == before + 1  # it really was the server that answered
    assert (served.returncode, _same(served.stdout), served.stderr) == (
        local.returncode,
        _same(local.stdout),
        local.stderr,
    )
    assert "Traceback" not in served.stderr


def test_a_served_call_imports_almost_nothing(server: Served, corpus_index: Path) -> None:
    """The caller's start-up is most of a served call: of dateline it imports the `search`
    package, `search.cli.launch` and the socket protocol, and neither json nor Click, Whoosh or numpy."""
    import sys

    before = server.answered()
    environ = {**os.environ, "DATELINE_SOCKET": str(server.socket), "DATELINE_INDEX": str(corpus_index)}
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", server.exe, "search", "mali", "--format", "paths"],
        capture_output=True,
        text=True,
        env=environ,
    )
    assert proc.returncode == 0 and proc.stdout and server.answered() == before + 1
    imported = {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    ours = {name for name in imported if name.split(".")[0] in ("search", "indexer")}
    assert ours == {"search", "search.cli", "search.cli.launch", "search.serve", "search.serve.protocol"}
    assert not {name for name in imported if name.split(".")[0] in ("json", "click", "whoosh", "numpy")}


@pytest.mark.parametrize("args", [("search", "mali", "--format", "paths"), ("stats",), ("show", "nothing.txt")])
def test_relative_index_paths_are_the_callers(server: Served, corpus_index: Path, args: tuple[str, ...]) -> None:
    """The server runs each call in the caller's directory with the caller's environment, and
    names the index as the caller did (`stats` and error messages print its path)."""
    environ = {**os.environ, "DATELINE_SOCKET": str(server.socket)}
    environ.pop("DATELINE_INDEX")

    def both(*argv: str) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
        run = [server.exe, *argv]
        cwd = corpus_index.parent
        return (
            subprocess.run(run, env=environ, capture_output=True, text=True, cwd=cwd),
            subprocess.run(run, env={**environ, "DATELINE_NO_SERVE": "1"}, capture_output=True, text=True, cwd=cwd),
        )

    before = server.answered()
    served, local = both(*args, "--index", corpus_index.name)
    assert (served.returncode, _same(served.stdout), served.stderr) == (
        local.returncode,
        _same(local.stdout),
        local.stderr,
    )
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
    other = subprocess.run(
        [server.exe, "serve", "--socket", str(server.socket)], capture_output=True, text=True, timeout=30
    )
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
    refused = subprocess.run(
        [installed_dateline(), "serve", "--socket", str(shared / "s.sock")], capture_output=True, text=True, timeout=30
    )
    assert refused.returncode == 2 and "not private to this user" in refused.stderr
    # nor does a caller send its environment to a socket there
    monkeypatch.setenv("DATELINE_SOCKET", str(shared / "s.sock"))
    (shared / "s.sock").write_text("")
    assert not protocol.private(str(shared)) and launch.ask(["stats"]) is None


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


# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 24 lines, not 11.
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
        assert protocol.decode_reply(Reply(1, stdout, stderr).encode()) == {
            "status": 1,
            "stdout": stdout,
            "stderr": stderr,
        }
    for whole in (Reply(0, "abc", "").encode(), Reply(2, "", "dateline: bad\n").encode()):
        assert (
            protocol.decode_reply(whole[:-1]) is None and protocol.decode_reply(whole + b"x") is None
        )  # cut short, or not ours
    assert protocol.decode_reply(protocol.DECLINED) is None


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


# -- hardening (issue 17): nothing a caller sends or does stops or stalls the server ------------


def _frame(body: bytes, protocol: bytes = b"3", length: bytes | None = None) -> bytes:
    """A request frame as a client would send it, with any protocol, length and body."""
    return b"dateline-request\0%s\0%s\0%s" % (protocol, str(len(body)).encode() if length is None else length, body)


def _v2(fields: list[str]) -> bytes:
    """A request of protocol 2 (no length in its head), as clients before protocol 3 sent it."""
    return b"dateline-request\0" + "\0".join(["2", "0", "0", *fields]).encode()


def _raw(path: Path, data: bytes, timeout: float = 10) -> bytes:
    """Send ``data`` on a fresh connection, then read whatever the server answers until it closes."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)
        conn.connect(str(path))
        try:
            conn.sendall(data)
            conn.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server declined before reading it all
        chunks = []
        try:
            while chunk := conn.recv(1 << 16):
                chunks.append(chunk)
        except OSError:
            pass
        return b"".join(chunks)


def _status(pid: int, key: str) -> int:
    """A ``/proc/PID/status`` figure in kB (VmRSS, VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {key} for {pid}")


def _log_lines(served: Served, text: str) -> list[str]:
    return [line for line in served.log.read_text().splitlines() if text in line]


_STATS = ["stats", "--format", "json"]
_HOSTILE = [
    _v2(["/", "²", "stats"]),  # '²'.isdigit() is True, int('²') is not
    _v2(["/", "9" * 5000, "stats"]),  # more digits than int() converts
    _frame("\0".join(["0", "0", "/", "²", "stats"]).encode()),
    _frame("\0".join(["0", "0", "/", "9" * 5000, "stats"]).encode()),
    _frame("\0".join(["0", "0", "/", "5", "stats"]).encode()),  # more arguments than fields
    _frame(b"0\x000\x00/\x001\x00stats", length=b"\xc2\xb2"),  # the length '²'
    _frame(b"0\x000\x00/\x001\x00stats", length=b"9" * 5000),
    _frame(b"0\x000\x00/\x001\x00stats", length=b"40"),  # a body shorter than announced
    _frame(b"0\x000\x00/\x001\x00stats", length=b"3"),  # longer
    _frame(b"0\x000\x00/\x001\x00stats\x00NOEQUALS"),
    _frame(b"yes\x000\x00/\x001\x00stats"),
    b"dateline-request\0" + b"x" * 100,  # a head that never ends
    b"GET / HTTP/1.0\r\n\r\n",
    b"\xff" * 64,
    b"",
]


def test_malformed_frames_are_declined_in_one_log_line_and_never_fatal(tmp_path: Path, corpus_index: Path) -> None:
    """Each hostile frame gets `DECLINED` (its caller would run the command itself) and one
    line in the server's log; the server keeps answering."""
    served = Served(tmp_path / "run")
    try:
        for frame in _HOSTILE:
            assert _raw(served.socket, frame) == protocol.DECLINED, frame[:60]
            assert served.proc.poll() is None, (frame[:60], served.log.read_text()[-500:])
        assert len(_log_lines(served, "declined a malformed request")) == len(_HOSTILE)
        assert all(line.startswith("dateline serve: ") for line in served.log.read_text().splitlines())
        assert "Traceback" not in served.log.read_text()
        assert served.call(*_STATS, index=corpus_index).returncode == 0 and served.answered() == 1
    finally:
        served.stop()


def test_a_protocol_2_client_is_declined_cleanly(tmp_path: Path, corpus_index: Path) -> None:
    """A whole, well-formed request of the previous protocol: declined (the old client runs the
    command itself), one log line, and the server goes on."""
    served = Served(tmp_path / "run")
    try:
        assert (
            _raw(served.socket, _v2([str(tmp_path), "1", "stats", f"DATELINE_INDEX={corpus_index}"]))
            == protocol.DECLINED
        )
        assert _log_lines(served, "declined a malformed request: protocol b'2', not 3")
        assert served.proc.poll() is None and served.answered() == 0
        assert served.call(*_STATS, index=corpus_index).returncode == 0 and served.answered() == 1
    finally:
        served.stop()


def test_an_exception_answering_a_call_is_logged_and_not_fatal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever ``run`` raises, the server logs one line, its caller runs the command itself,
    and the next call is answered."""
    run_dir = tmp_path / "run"
    run_dir.mkdir(mode=0o700)
    path = run_dir / "s.sock"
    lines: list[str] = []
    calls: list[list[str]] = []

    def run(request: Request) -> Reply:
        calls.append(request.argv)
        if len(calls) == 1:
            raise RuntimeError("boom\nsecond line")
        return Reply(0, "ok\n")

    server = Server(str(path), run, log=lines.append)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    monkeypatch.setenv("DATELINE_SOCKET", str(path))
    assert launch.ask(["stats"]) is None  # the caller runs it itself
    assert thread.is_alive() and path.exists()
    assert launch.ask(["stats"]) == {"status": 0, "stdout": "ok\n", "stderr": ""}
    assert [line for line in lines if "internal error" in line] == [
        "internal error answering a call: RuntimeError: boom second line"
    ]
    path.unlink()  # and a server whose socket is gone stops
    thread.join(timeout=10)
    assert not thread.is_alive()


def _feed(fifo: Path, text: bytes, until: subprocess.Popen[str], seconds: float = 30) -> None:
    """Give ``text`` to each reader that opens ``fifo`` until ``until`` ends."""
    deadline = time.monotonic() + seconds
    while until.poll() is None and time.monotonic() < deadline:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # no reader yet
            time.sleep(0.02)
            continue
        try:
            os.write(fd, text)
        finally:
            os.close(fd)
        time.sleep(0.05)


def test_sigterm_stops_the_server_during_a_call_and_its_caller_runs_it(tmp_path: Path, corpus_index: Path) -> None:
    """A call stuck in the server (reading a FIFO ``dateline.toml`` in the caller's folder) does
    not keep SIGTERM from stopping it within a second; the socket goes and the cut-off caller
    runs the call itself."""
    served = Served(tmp_path / "run")
    folder = tmp_path / "caller"
    folder.mkdir()
    fifo = folder / "dateline.toml"
    os.mkfifo(fifo)
    environ = {**os.environ, "DATELINE_SOCKET": str(served.socket), "DATELINE_INDEX": str(corpus_index)}
    environ.pop("DATELINE_CONFIG")
    client = subprocess.Popen(
        [served.exe, "search", "mali", "--format", "paths"],
        cwd=folder,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    writer = None
    try:
        deadline = time.monotonic() + 20
        while writer is None:  # the server opens the FIFO: it is in the call (and stays, reading)
            assert time.monotonic() < deadline and client.poll() is None, "the server never read dateline.toml"
            try:
                writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                time.sleep(0.02)
        time.sleep(0.2)
        sent = time.monotonic()
        served.proc.send_signal(signal.SIGTERM)
        try:
            served.proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            raise AssertionError("dateline serve still runs 3 s after SIGTERM") from None
        stopped = time.monotonic() - sent
        print(f"SIGTERM to exit during a call: {stopped * 1000:.0f} ms")
        assert stopped < 1.5 and not served.socket.exists()
        os.close(writer)
        writer = None
        _feed(fifo, b"[search]\nlimit = 1\n", client)
        out, err = client.communicate(timeout=30)
        assert (client.returncode, err, len(out.split())) == (0, "", 1)  # the caller's own run, its config read
        assert served.answered() == 0 and _log_lines(served, "stopped during a call")
    finally:
        if writer is not None:
            os.close(writer)
        if client.poll() is None:
            client.kill()
        client.communicate()
        served.stop()


def test_the_servers_stdin_is_dev_null_and_a_call_naming_stdin_is_the_callers(
    tmp_path: Path, corpus_index: Path
) -> None:
    """Started as ``sleep 200 | dateline serve &``, the server reads no pipe: its stdin is
    /dev/null, and a call whose config is ``/dev/stdin`` (or ``/dev/fd/0``, ``/proc/self/fd/0``)
    is declined, so its caller reads its own stdin, at once."""
    read, write = os.pipe()
    try:
        served = Served(tmp_path / "run", stdin=read)
    finally:
        os.close(read)
    try:
        assert os.readlink(f"/proc/{served.proc.pid}/fd/0") == "/dev/null"
        for name in ("/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"):
            started = time.monotonic()
            proc = subprocess.run(
                [served.exe, "search", "mali", "--format", "paths"],
                input="[search]\nlimit = 1\n",
                capture_output=True,
                text=True,
                timeout=15,
                env={
                    **os.environ,
                    "DATELINE_SOCKET": str(served.socket),
                    "DATELINE_INDEX": str(corpus_index),
                    "DATELINE_CONFIG": name,
                },
            )
            assert (proc.returncode, proc.stderr, len(proc.stdout.split())) == (0, "", 1), name
            assert time.monotonic() - started < 5 and served.answered() == 0
        assert len(_log_lines(served, "which the caller must read itself")) == 3
        assert served.call(*_STATS, index=corpus_index).returncode == 0 and served.answered() == 1
    finally:
        os.close(write)
        served.stop()


def test_arguments_naming_a_stream(tmp_path: Path) -> None:
    from search.serve.server import names_a_stream

    fifo, link, plain = tmp_path / "fifo", tmp_path / "link", tmp_path / "plain.toml"
    os.mkfifo(fifo)
    link.symlink_to("/dev/stdin")
    plain.write_text("")
    for value in (
        "-",
        "/dev/stdin",
        "/dev/fd/0",
        "/dev/fd/5",
        "/proc/self/fd/0",
        "/proc/1234/fd/0",
        "/dev/tty",
        "fifo",
        str(fifo),
        "link",
        "/dev/zero",
    ):
        assert names_a_stream(value, str(tmp_path)), value
    for value in ("plain.toml", str(plain), ".", "/", "/dev/null", "mali", "armed forces", "no/such/file", ""):
        assert not names_a_stream(value, str(tmp_path)), value
    request = Request(["search", "x", "--index=/dev/fd/0"], str(tmp_path), {"DATELINE_CONFIG": "/dev/null"})
    assert request.streams() == ["/dev/fd/0"]
    assert Request(["show", "-"], "/", {}).streams() == ["-"]


def test_a_slow_or_silent_client_delays_no_other(tmp_path: Path, corpus_index: Path) -> None:
    """A caller that connects and sends nothing, and one that sends a byte at a time, are cut
    off after 5 s; meanwhile a call is answered as fast as ever."""
    served = Served(tmp_path / "run")
    try:
        assert served.call(*_STATS, index=corpus_index).returncode == 0  # the index is open
        silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        trickle = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        with silent, trickle:
            opened = time.monotonic()
            silent.connect(str(served.socket))
            trickle.connect(str(served.socket))
            trickle.sendall(b"dateline-request\x003\x00100\x00")
            time.sleep(0.3)
            started = time.monotonic()
            fast = served.call(*_STATS, index=corpus_index)
            took = time.monotonic() - started
            print(f"a call while a client holds its connection silently: {took * 1000:.0f} ms")
            assert fast.returncode == 0 and served.answered() == 2 and took < 3
            silent.settimeout(15)
            trickle.settimeout(1)
            for _ in range(20):  # a byte a while: still cut off at the deadline
                try:
                    trickle.send(b"x")
                except OSError:
                    break
                time.sleep(0.25)
            assert silent.recv(100) == protocol.DECLINED and silent.recv(100) == b""
            cut = time.monotonic() - opened
            print(f"a silent client cut off after {cut:.2f} s")
            assert 4.5 < cut < 7
            trickle.settimeout(5)
            assert trickle.recv(100) == protocol.DECLINED
        assert len(_log_lines(served, "not received whole within 5 s")) == 2
    finally:
        served.stop()


def test_connections_beyond_16_are_closed_at_once(tmp_path: Path, corpus_index: Path) -> None:
    served = Served(tmp_path / "run")
    held = [socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) for _ in range(16)]
    try:
        for conn in held:
            conn.connect(str(served.socket))
        time.sleep(0.5)
        started = time.monotonic()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as extra:
            extra.settimeout(3)
            extra.connect(str(served.socket))
            assert extra.recv(100) == protocol.DECLINED
        assert time.monotonic() - started < 1
        assert _log_lines(served, "declined a connection: 16 already open")
        refused = served.call(*_STATS, index=corpus_index)  # its caller runs it itself
        assert refused.returncode == 0 and served.answered() == 0
    finally:
        for conn in held:
            conn.close()
    try:
        deadline = time.monotonic() + 10
        while served.answered() == 0 and time.monotonic() < deadline:  # their threads end at once
            assert served.call(*_STATS, index=corpus_index).returncode == 0
        assert served.answered() == 1
    finally:
        served.stop()


def test_a_request_over_max_request_is_declined_unread(tmp_path: Path, corpus_index: Path) -> None:
    """A head announcing 400 MB is declined after its first bytes: the server's memory stays
    flat while the client is still sending. A request of exactly MAX_REQUEST is answered."""
    served = Served(tmp_path / "run")
    try:
        assert served.call(*_STATS, index=corpus_index).returncode == 0
        before = _status(served.proc.pid, "VmHWM")
        head = b"dateline-request\x003\x00419430400\x00"
        started = time.monotonic()
        assert _raw(served.socket, head + b"\0" * (64 << 20)) == protocol.DECLINED
        took = time.monotonic() - started
        grown = _status(served.proc.pid, "VmHWM") - before
        print(f"400 MB-declared frame: declined in {took * 1000:.0f} ms, peak RSS +{grown} kB")
        assert grown < 8 << 10 and served.proc.poll() is None
        assert _log_lines(served, "declined a malformed request: a request of 419430400 bytes, over 4194304")

        def exactly(size: int) -> bytes:
            body = "\0".join(["0", "0", str(tmp_path), "2", "stats", f"--index={corpus_index}", "PAD="]).encode()
            return _frame(body + b"x" * (size - len(body)))

        assert len(exactly(protocol.MAX_REQUEST)) - len(exactly(protocol.MAX_REQUEST + 1)) == -1
        assert _raw(served.socket, exactly(protocol.MAX_REQUEST + 1)) == protocol.DECLINED
        assert protocol.decode_reply(_raw(served.socket, exactly(protocol.MAX_REQUEST)))["status"] == 0  # type: ignore[index]
        assert served.answered() == 2
    finally:
        served.stop()


def test_the_client_does_not_send_a_request_over_max_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir(mode=0o700)
    ran: list[list[str]] = []
    server, thread = _server_thread(run_dir / "s.sock", [])

    def answer(request: Request) -> Reply:
        ran.append(request.argv)
        return Reply(0)

    server.run = answer
    monkeypatch.setenv("DATELINE_SOCKET", str(run_dir / "s.sock"))
    assert launch.ask(["stats"]) == {"status": 0, "stdout": "", "stderr": ""}
    monkeypatch.setenv("PAD", "x" * protocol.MAX_REQUEST)
    assert launch.ask(["stats"]) is None and ran == [["stats"]]
    (run_dir / "s.sock").unlink()
    thread.join(timeout=10)


@pytest.mark.parametrize("kind", ["file", "link", "fifo"])
def test_something_else_at_the_socket_path_is_refused_untouched(tmp_path: Path, kind: str) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir(mode=0o700)
    path, target = run_dir / "serve.sock", run_dir / "precious.txt"
    target.write_text("precious\n")
    if kind == "file":
        path.write_text("precious\n")
    elif kind == "link":
        path.symlink_to(target)
    else:
        os.mkfifo(path)
    proc = subprocess.Popen(
        [installed_dateline(), "serve", "--socket", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError("dateline serve replaced the file and served") from None
    assert proc.returncode == 2 and out == ""
    assert err == f"dateline: {path}: exists and is not a socket; refusing to replace it\n"
    assert os.path.lexists(path) and target.read_text() == "precious\n"
    if kind == "file":
        assert path.read_text() == "precious\n"
    else:
        assert path.is_symlink() if kind == "link" else stat.S_ISFIFO(path.lstat().st_mode)


def test_a_server_whose_starting_folder_is_deleted_goes_on_serving(tmp_path: Path, corpus_index: Path) -> None:
    """The server works in /, so the folder it was started from (with a relative --socket)
    can go; each call still runs in its caller's folder."""
    start = tmp_path / "start"
    start.mkdir()
    served = Served(tmp_path / "run", cwd=start, listen="../run/serve.sock")
    try:
        assert os.readlink(f"/proc/{served.proc.pid}/cwd") == "/"
        start.rmdir()
        environ = {**os.environ, "DATELINE_SOCKET": str(served.socket)}
        environ.pop("DATELINE_INDEX")
        proc = subprocess.run(
            [served.exe, "stats", "--index", corpus_index.name],
            capture_output=True,
            text=True,
            cwd=corpus_index.parent,
            env=environ,
        )
        assert proc.returncode == 0 and served.answered() == 1
    finally:
        served.stop()


@pytest.mark.parametrize("how", ["removed", "replaced"])
def test_a_server_whose_socket_goes_stops(tmp_path: Path, how: str) -> None:
    """Without its socket no call can reach the server: it stops (one log line), and leaves
    alone whatever now stands at the path."""
    served = Served(tmp_path / "run")
    try:
        if how == "removed":
            served.socket.unlink()
        else:
            other = served.socket.with_name("other")
            other.write_text("someone else's\n")
            other.replace(served.socket)
        started = time.monotonic()
        try:
            assert served.proc.wait(timeout=5) == 0
        except subprocess.TimeoutExpired:
            raise AssertionError(f"dateline serve still runs with its socket {how}") from None
        assert time.monotonic() - started < 2.5
        assert _log_lines(served, "socket removed or replaced; stopping")
        assert (served.socket.read_text() == "someone else's\n") if how == "replaced" else not served.socket.exists()
    finally:
        served.stop()


def test_the_server_applies_the_same_trust_rules_to_every_call(server, corpus_index: Path, tmp_path: Path) -> None:
    """A planted index runs nothing in the long-running server either (before, one such call
    hooked it for every later caller), and a planted ./.dateline is refused in the caller's folder."""
    import shutil

    planted, marker = tmp_path / "planted", tmp_path / "ran"
    shutil.copytree(corpus_index, planted)
    plant_code(planted, marker, "segments")
    before = server.answered()
    refused = server.call("search", "mali", "--index", str(planted))
    assert refused.returncode == 2 and "names posix.system, which is code" in refused.stderr
    assert not marker.exists() and server.answered() == before + 1 and server.proc.poll() is None

    shared = tmp_path / "shared"
    shutil.copytree(corpus_index, shared / ".dateline")
    for p in [shared, *shared.rglob("*")]:
        p.chmod(0o777 if p.is_dir() else 0o666)
    environ = {k: v for k, v in os.environ.items() if k not in ("DATELINE_INDEX", "DATELINE_CONFIG")}
    environ["DATELINE_SOCKET"] = str(server.socket)
    found = subprocess.run([server.exe, "search", "mali"], capture_output=True, text=True, env=environ, cwd=shared)
    assert found.returncode == 2 and found.stdout == ""
    assert found.stderr.startswith(
        "dateline: not using the index .dateline found in the current folder: it is writable"
    )
    assert server.answered() == before + 2

    ok = server.call("search", "mali", index=corpus_index)  # and the server goes on as before
    assert ok.returncode == 0 and ok.stdout.startswith("1. ") and server.answered() == before + 3


def test_a_server_watches_the_sources_of_every_stage_folder() -> None:
    """A change to any module of `search` or `indexer`, in whichever stage folder, stops the
    server (`sources`), so an upgraded dateline never answers with its old code."""
    from search.serve.server import sources

    root = Path(__file__).resolve().parents[2]
    watched = {path.relative_to(root).as_posix() for path in sources()}
    assert {"search/index.py", "search/cli/commands.py", "search/serve/server.py", "search/serve/replay.py",
            "indexer/core/schema.py", "indexer/parse/files.py", "indexer/write/indexing.py"} <= watched  # fmt: skip
    assert all(name.endswith(".py") and name.split("/")[0] in ("search", "indexer") for name in watched)


def test_a_replayed_call_runs_as_its_caller_and_leaves_the_process_as_it_was(tmp_path: Path) -> None:
    """`replay` runs a call in the caller's folder, environment and terminals, captures both
    outputs, and puts the server's own back, also when the call raises; a caller whose folder
    is gone runs the call itself (None)."""
    import sys

    from search.serve.replay import replay

    def state() -> tuple[object, ...]:
        return os.getcwd(), dict(os.environ), sys.stdin, sys.stdout, sys.stderr

    before = state()
    seen = []

    def run(argv: list[str]) -> int:
        seen.append((os.getcwd(), dict(os.environ), sys.stdout.isatty(), sys.stderr.isatty(), sys.stdin.read()))
        print("out", *argv)
        print("err é", file=sys.stderr)
        if argv == ["raise"]:
            raise RuntimeError("a bug")
        return 4

    caller = Request(["stats", "x"], str(tmp_path), {"ONLY": "this"}, stdout_tty=True, stderr_tty=False)
    assert replay(caller, run) == Reply(4, "out stats x\n", "err é\n")
    assert seen == [(str(tmp_path), {"ONLY": "this"}, True, False, "")] and state() == before
    with pytest.raises(RuntimeError, match="a bug"):
        replay(Request(["raise"], str(tmp_path), {}), run)
    assert state() == before
    assert replay(Request(["stats"], str(tmp_path / "gone"), {}), run) is None and len(seen) == 2
    assert state() == before
