"""An open index holds no file descriptor per segment (issue 18.3): an index of many segments
is searched under ``ulimit -n 256``, alone and three at a time through ``dateline serve``."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import installed_dateline

from indexer import index_paths

#: The open-file limit of the issue: a 9-segment index failed under it (~31 files per segment).
LIMIT = 256
#: Segments of the big index: more files than LIMIT (~14 per segment of these documents).
SEGMENTS = 24


def many_segments(root: Path, count: int) -> Path:
    """A dateline index of ``count`` segments of five documents each, whatever the indexer's
    merge policy: ``count`` one-run indexes, their segment files copied into one folder under
    a TOC that lists them all (as an index written by an older version, never merged, is)."""
    from whoosh.index import TOC

    from indexer.engine.storage import open_storage

    index, segments = root / "index", []
    for run in range(count):
        source, part = root / f"run{run}.jsonl", root / f"part{run}"
        records = [
            {
                "id": f"r{run}-{i}",
                "title": f"Solar {run} {i}",
                "text": f"Wind and solar report {run} {i}",
                "issuer": f"Acme {i}",
                "wire": "reuters",
                "date": f"2025-{run % 12 + 1:02d}-0{i + 1}",
            }
            for i in range(5)
        ]
        source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        assert not index_paths([source], part).failed
        toc = TOC.read(open_storage(str(part)), "MAIN")
        if run == 0:
            shutil.copytree(part, index)
        else:
            for segment in toc.segments:
                for name in os.listdir(part):
                    if name.startswith(segment.segment_id() + "."):
                        shutil.copy2(part / name, index / name)
        segments += toc.segments
    storage = open_storage(str(index))
    first = TOC.read(storage, "MAIN")
    TOC(first.schema, segments, first.generation + 1).write(storage, "MAIN")
    assert len(TOC.read(storage, "MAIN").segments) == count
    return index


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = many_segments(tmp_path_factory.mktemp("segments-many"), SEGMENTS)
    assert len(os.listdir(index)) > LIMIT, "the index must have more files than the limit allows"
    return index


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (LIMIT, LIMIT))


# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 12 lines, not 3.
@pytest.mark.parametrize("args", [["search", "solar"], ["search", "solar", "--facet", "wire", "--facet", "year"],
                                  ["stats"], ["timeline", "solar"], ["similar", "r0-1"], ["show", "r11-4"]],
                         ids=lambda a: "-".join(a[:3:2]))  # fmt: skip
def test_a_many_segment_index_is_read_under_ulimit_256(big: Path, args: list[str]) -> None:
    proc = subprocess.run(
        [installed_dateline(), *args, "--index", str(big)],
        capture_output=True,
        text=True,
        preexec_fn=_limited,
        timeout=120,
        env={**os.environ, "DATELINE_NO_SERVE": "1"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "" or "too many" not in proc.stderr


def _descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors in /proc")
def test_descriptors_held_by_an_open_index_do_not_grow_with_its_segments(tmp_path: Path, big: Path) -> None:
    from search.index import Index

    small = many_segments(tmp_path, 3)
    held = {}
    for name, path, count in (("3 segments", small, 3), ("many segments", big, SEGMENTS)):
        before = _descriptors()
        with Index(path) as ix:
            opened = _descriptors() - before
            assert ix.search("solar").total > 0
            assert ix.stats().documents == 5 * count
            assert ix.timeline("solar", by="month").total == 5 * count
            used = _descriptors() - before
        assert _descriptors() == before
        held[name] = (opened, used)
    assert held["3 segments"] == held["many segments"], held
    assert max(max(pair) for pair in held.values()) <= 2, held


@pytest.mark.slow
def test_serve_answers_three_many_segment_indexes_in_turn_under_ulimit_256(
    tmp_path_factory: pytest.TempPathFactory, big: Path
) -> None:
    indexes = [big, *(many_segments(tmp_path_factory.mktemp(f"segments-many-{n}"), SEGMENTS) for n in (1, 2))]
    run = tmp_path_factory.mktemp("serve-fds") / "run"
    run.mkdir(mode=0o700)
    socket, log_path = run / "serve.sock", run / "serve.log"
    exe = installed_dateline()
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [exe, "serve", "--socket", str(socket)], stderr=log, stdout=subprocess.DEVNULL, preexec_fn=_limited
        )
    try:
        deadline = time.monotonic() + 30
        while "serving on" not in log_path.read_text():
            assert server.poll() is None and time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.05)
        env = {**os.environ, "DATELINE_SOCKET": str(socket)}
        env.pop("DATELINE_NO_SERVE", None)
        calls = 0
        for _ in range(2):
            for index in indexes:
                for args in (["search", "solar"], ["stats"]):
                    proc = subprocess.run(
                        [exe, *args, "--index", str(index)], capture_output=True, text=True, env=env, timeout=120
                    )
                    calls += 1
                    assert proc.returncode == 0, (index, args, proc.stderr)
        answered = [line for line in log_path.read_text().splitlines() if " → " in line]
        assert len(answered) == calls and all(line.split(" → ")[1].startswith("0 ") for line in answered), answered
        assert len(os.listdir(f"/proc/{server.pid}/fd")) < 32
    finally:
        server.terminate()
        server.wait(timeout=20)
