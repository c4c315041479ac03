"""An indexing worker that dies, however it dies, ends the run at once (issue 17, point 7).

The run stops with exit status 2 and one line naming the index, commits nothing and releases the
lock, so the next run succeeds. The workers are real processes, found as the children of a real
`dateline index` (``/proc/PID/task/*/children``) and killed with SIGKILL: one mid-run, one while
it is blocked sending a result larger than a pipe holds (the run used to wait for the rest of
that message for ever, holding the lock).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import index_contents, installed_dateline

import indexer.write.build as build
from indexer import IndexBuildError, index_paths

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds the workers through /proc")

#: Longest a run may take to stop once a worker is dead (it used to be for ever).
STOP_SECONDS = 20


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _workers(proc: subprocess.Popen, count: int, index: Path) -> list[int]:
    """The pids of the run's ``count`` building workers, as soon as they are all there: once the
    run has recorded its files' line counts (counted by workers of their own, which have exited
    by then, `indexer.write.lines`) for the commit it is building."""
    deadline = time.monotonic() + 60
    counts = index / "furniture.json"
    generations = len(json.loads(counts.read_text("utf-8"))) if counts.exists() else 0
    while time.monotonic() < deadline:
        try:
            counted = len(json.loads(counts.read_text("utf-8"))) > generations
        except (OSError, ValueError):
            counted = False
        children = _children(proc.pid) if counted else []
        if len(children) >= count:
            return children
        if proc.poll() is not None:
            break
        time.sleep(0.005)
    pytest.fail(f"the run (exit {proc.poll()}) never had {count} workers")


def _blocked_writing_to_a_pipe(pid: int) -> bool:
    """Whether a thread of ``pid`` waits in the kernel for room in a full pipe."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            if "pipe_write" in (task / "wchan").read_text():
                return True
        except OSError:
            pass
    return False


def _start(command: list[str], index: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "DATELINE_INDEX": str(index), "DATELINE_NO_SERVE": "1"}
    return subprocess.Popen(
        [*command, "index", "--workers", "2", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _stopped(proc: subprocess.Popen) -> tuple[str, str, float]:
    """The run's output and how long it took to end from now; fails if it does not."""
    started = time.monotonic()
    try:
        out, err = proc.communicate(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        for pid in [proc.pid, *_children(proc.pid)]:
            os.kill(pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"the run was still waiting {STOP_SECONDS} s after its worker died")
    return out, err, time.monotonic() - started


def _stories(folder: Path, count: int, prefix: str = "s") -> Path:
    folder.mkdir(exist_ok=True)
    for i in range(count):
        (folder / f"{prefix}{i:05}.txt").write_text(
            f"Story {i}\n\nA story about wind number {i} and more words.\n", "utf-8"
        )
    return folder


def _check_nothing_committed_and_the_next_run_works(
    index: Path, before: object, source: Path, err: str, returncode: int, files: int, how: str
) -> None:
    assert returncode == 2, err
    assert err.count("\n") == 1 and err.startswith("dateline: an indexing worker died (it ") and how in err, err
    assert err.endswith(f") while writing the index at {index}; nothing was committed\n"), err
    assert "Traceback" not in err
    assert index_contents(index) == before
    again = subprocess.run(
        [installed_dateline(), "index", "--wait", "0", str(source), "--index", str(index)],
        capture_output=True,
        text=True,
        env={**os.environ, "DATELINE_NO_SERVE": "1"},
        timeout=300,
    )
    assert again.returncode in (0, 1), again.stderr  # 1: the bad lines of test 2's files
    assert again.stdout.startswith(f"{files} added, 0 updated, 0 removed, 1 unchanged, "), again.stdout


def test_a_worker_killed_mid_run_stops_the_run_at_once(tmp_path: Path) -> None:
    source = _stories(tmp_path / "src", 1)
    index = tmp_path / "ix"
    assert index_paths([source], index).added == 1
    before = index_contents(index)
    _stories(source, 3000, prefix="new")
    proc = _start([installed_dateline()], index, str(source))
    first, second = _workers(proc, 2, index)
    for pid in (first, second):  # hold both mid-run, then kill one
        os.kill(pid, signal.SIGSTOP)
    os.kill(first, signal.SIGKILL)
    os.kill(second, signal.SIGCONT)
    out, err, seconds = _stopped(proc)
    print(f"the run ended {seconds:.2f} s after its worker was killed")
    _check_nothing_committed_and_the_next_run_works(
        index, before, source, err, proc.returncode, 3000, "was killed by SIGKILL"
    )


def test_a_worker_killed_while_sending_a_large_result_stops_the_run(tmp_path: Path) -> None:
    source = _stories(tmp_path / "src", 1)
    index = tmp_path / "ix"
    assert index_paths([source], index).added == 1
    before = index_contents(index)
    bad = "".join(f"not json {i}\n" for i in range(4000))  # each file's result: 4,000 errors, about 200 KB
    for i in range(40):
        (source / f"feed{i:02}.jsonl").write_text(
            f'{{"id": "feed{i}", "title": "Feed {i}", "body": "wind"}}\n' + bad, "utf-8"
        )
    # the real CLI, with workers allowed for 40 files (normally 200 files per worker at least)
    command = [
        sys.executable,
        "-c",
        "import indexer.write.build as b; b.MIN_FILES_PER_WORKER = 1; "
        "from search.cli.commands import main; main(prog_name='dateline')",
    ]
    proc = _start(command, index, str(source))
    workers = _workers(proc, 2, index)
    os.kill(proc.pid, signal.SIGSTOP)  # the run reads nothing: the workers fill their pipes
    try:
        deadline = time.monotonic() + 60
        while not (blocked := [w for w in workers if _blocked_writing_to_a_pipe(w)]):
            if time.monotonic() > deadline:
                pytest.skip("no worker was seen blocked on a full pipe (/proc/PID/wchan hidden?)")
            time.sleep(0.01)
        os.kill(blocked[0], signal.SIGKILL)  # half of a 200 KB message is in the pipe
    finally:
        os.kill(proc.pid, signal.SIGCONT)
    out, err, seconds = _stopped(proc)
    print(f"the run ended {seconds:.2f} s after its worker was killed mid-message")
    _check_nothing_committed_and_the_next_run_works(
        index, before, source, err, proc.returncode, 40, "was killed by SIGKILL in the middle of sending a result"
    )


@contextlib.contextmanager
def _fails_after(seconds: int) -> Iterator[None]:
    """Turn a run that would wait for ever into a failure (SIGALRM interrupts its wait)."""

    def timeout(signum: int, frame: object) -> None:
        pytest.fail(f"the run was still waiting {seconds} s after its worker exited")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_worker_that_exits_without_finishing_stops_the_run(
    tmp_path: Path, corpus_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build, "MIN_FILES_PER_WORKER", 1)
    real = build.read_documents

    def leaving(path, **kwargs):
        if Path(path).name.startswith("ots-"):
            os._exit(0)  # as if some library called exit(): status 0, and no segments sent
        return real(path, **kwargs)

    monkeypatch.setattr(build, "read_documents", leaving)  # inherited by the forked workers
    with (
        _fails_after(STOP_SECONDS),
        pytest.raises(
            IndexBuildError,
            match=r"an indexing worker died \(it exited with status 0 before finishing\) "
            rf"while writing the index at {tmp_path / 'ix'}; nothing was committed",
        ),
    ):
        index_paths([corpus_copy], tmp_path / "ix", workers=2)
    monkeypatch.setattr(build, "read_documents", real)
    assert index_paths([corpus_copy], tmp_path / "ix", workers=2).added == 50
