"""Searching while another process indexes and commits: no errors, and every answer is one
whole committed state of the index (issue: reliability)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import installed_dateline

pytestmark = pytest.mark.slow

ROUNDS = 8

# The writer: edits a quarter of the files each round, commits, then records the committed state.
WRITER = textwrap.dedent(
    """
    import json, random, sys
    from pathlib import Path
    from indexer import index_paths

    corpus, index, states, rounds = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(7)
    names = sorted(p.name for p in corpus.iterdir())
    for version in range(1, rounds + 1):
        for name in rng.sample(names, len(names) // 4):
            text = (corpus / name).read_text("utf-8").splitlines()
            text[2] = f"Acme AG: Story {name} version {version}"
            (corpus / name).write_text("\\n".join(text) + "\\n", "utf-8")
        report = index_paths([corpus], index, workers=1)
        assert not report.failed, report.failed
        from search import Index
        with Index(index) as ix:
            state = {h.id: h.document.headline for h in ix.search("common", limit=100000, snippets=False).hits}
        (states / f"{version}.json").write_text(json.dumps(state), "utf-8")
    """
)


def _write_corpus(root: Path, count: int = 600) -> None:
    root.mkdir()
    for i in range(count):
        name = f"d{i:04}.txt"
        (root / name).write_text(
            f"date 2025-06-01 Anzeige\n01.06.2025 10:00 Uhr\nAcme AG: Story {name} version 0\n\n"
            f"BERLIN, June 1, 2025 /PRNewswire/ -- common words w{i % 50} for story {i}.\n",
            "utf-8",
        )


def test_searches_during_commits_see_whole_states_and_never_fail(tmp_path: Path) -> None:
    from indexer import index_paths
    from search import Index

    corpus, index, states = tmp_path / "corpus", tmp_path / "index", tmp_path / "states"
    _write_corpus(corpus)
    states.mkdir()
    assert not index_paths([corpus], index).failed
    with Index(index) as ix:
        initial = {h.id: h.document.headline for h in ix.search("common", limit=100000, snippets=False).hits}

    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(corpus), str(index), str(states), str(ROUNDS)],
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: list[dict[str, str | None]] = []
    cli_runs = 0
    env = {**os.environ, "DATELINE_INDEX": str(index), "DATELINE_NO_SERVE": "1"}
    with Index(index) as ix:
        while writer.poll() is None:
            results = ix.search("common", limit=100000, snippets=False)
            ids = [h.id for h in results.hits]
            assert (
                results.total == len(ids) == len(set(ids)) == len(initial)
            )  # no document twice (the writer only edits)
            seen.append({h.id: h.document.headline for h in results.hits})
            if len(seen) % 20 == 0:  # and now and then the real command, in its own process
                found = subprocess.run(
                    [installed_dateline(), "search", "common", "--format", "json", "-n", "1"],
                    capture_output=True,
                    text=True,
                    env=env,
                )
                assert found.returncode == 0 and json.loads(found.stdout)["total"] == len(initial), found.stderr
                cli_runs += 1
    _, writer_errors = writer.communicate(timeout=60)  # reads and closes its pipe
    assert writer.returncode == 0, writer_errors
    committed = [initial] + [json.loads((states / f"{v}.json").read_text("utf-8")) for v in range(1, ROUNDS + 1)]
    assert len({json.dumps(s, sort_keys=True) for s in committed}) == ROUNDS + 1  # every round changed something
    mixed = [i for i, state in enumerate(seen) if state not in committed]
    assert not mixed, f"{len(mixed)} of {len(seen)} searches saw no committed state"
    distinct = {json.dumps(s, sort_keys=True) for s in seen}
    print(
        f"\n{len(seen)} searches and {cli_runs} CLI searches during {ROUNDS} commits, 0 errors; "
        f"{len(distinct)} distinct states seen"
    )
    assert len(distinct) >= 2  # the searches really overlapped the commits


def test_a_second_writer_waits_a_bounded_time_then_fails_clearly(tmp_path: Path) -> None:
    """While another process holds the index's write lock, `dateline index` says it waits, then
    exits 2 with one line after --wait seconds, leaving the index as it was; given long enough,
    it goes on once the lock is released."""
    from indexer import index_paths
    from search import Index

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    _write_corpus(corpus, count=50)
    assert not index_paths([corpus], index).failed
    target = corpus / "d0007.txt"
    target.write_text(target.read_text("utf-8").replace("version 0", "version 1"), "utf-8")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from whoosh import index; "
            "lock = index.open_dir(sys.argv[1]).lock('WRITELOCK'); assert lock.acquire(); "
            "print('held', flush=True); sys.stdin.readline()",
            str(index),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    env = {**os.environ, "DATELINE_INDEX": str(index)}
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        refused = subprocess.run(
            [installed_dateline(), "index", str(corpus), "--wait", "0.5"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert refused.returncode == 2 and "Traceback" not in refused.stderr
        assert refused.stderr.splitlines() == [
            "dateline: another process is writing the index; waiting up to 0.5 s",
            f"dateline: the index at {index} is being written by another process (waited 0.5 s)",
        ]
        with Index(index) as ix:
            assert ix.get("d0007.txt").headline == "Acme AG: Story d0007.txt version 0"
        patient = subprocess.Popen(
            [installed_dateline(), "index", str(corpus), "--wait", "60"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(1.0)
        assert patient.poll() is None  # still waiting
    finally:
        assert holder.stdin is not None
        holder.stdin.close()  # the holder exits, and its lock goes with it
        holder.wait(timeout=30)
        assert holder.stdout is not None
        holder.stdout.close()
    out, err = patient.communicate(timeout=120)
    assert patient.returncode == 0, err
    assert "1 updated" in out
    with Index(index) as ix:
        assert ix.get("d0007.txt").headline == "Acme AG: Story d0007.txt version 1"
