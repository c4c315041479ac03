"""A `dateline index` killed with SIGKILL at any moment loses nothing (issue: reliability).

Each round changes the corpus (edits, additions, deletions), starts `dateline index` in a
subprocess, kills it after a random delay and checks that the index holds exactly the state
before the run or exactly the state after it (never a mix, never an error), that `stats`
agrees, that the roots recorded for `dateline check` belong to that commit, and that the next run needs no manual clean-up and ends with exactly the corpus.
Rounds with ``--rebuild`` kill the build-beside-and-swap path too.

``DATELINE_KILLS`` sets the number of kills (default 20) and ``DATELINE_KILL_SEED`` the seed;
both are printed, with each kill's delay, so a failure can be replayed:

    DATELINE_KILLS=200 python -m pytest tests/write/test_crash.py -s
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CORPUS, installed_dateline

pytestmark = pytest.mark.slow

KILLS = int(os.environ.get("DATELINE_KILLS", "20"))
SEED = int(os.environ.get("DATELINE_KILL_SEED", "20261125"))
FILES = 1200  # each of the 20 kills costs a whole re-run: 1200 files keep the suite under its 10 minutes
WORDS = [f"w{i}" for i in range(300)]


class Corpus:
    """Files of made-up stories whose titles say which version of the file they are."""

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root, self.rng = root, rng
        self.titles: dict[str, str] = {}
        root.mkdir()
        for i in range(FILES):
            self._write(f"d{i:05}.txt", 0)

    def _write(self, name: str, version: int) -> None:
        rng = self.rng
        title = f"Story {name} version {version} " + " ".join(rng.choices(WORDS, k=4))
        body = " ".join(rng.choices(WORDS, k=rng.randint(50, 400)))
        day = rng.randint(1, 28)
        (self.root / name).write_text(
            f"date 2025-06-{day:02} Anzeige\n{day:02}.06.2025 10:00 Uhr\nAcme AG: {title}\n\n"
            f"BERLIN, June {day}, 2025 /PRNewswire/ -- common {body}\n",
            encoding="utf-8",
        )
        self.titles[name] = f"Acme AG: {title}"

    def change(self, version: int) -> None:
        """Edit a quarter of the files, delete 2% and add as many new ones."""
        names = sorted(self.titles)
        for name in self.rng.sample(names, len(names) // 4):
            self._write(name, version)
        for name in self.rng.sample(names, len(names) // 50):
            (self.root / name).unlink()
            del self.titles[name]
        for i in range(len(names) // 50):
            self._write(f"n{version:03}-{i:03}.txt", version)


def _state(index: Path) -> dict[str, str] | None:
    """Every document's id and headline, or None where there is no index (yet)."""
    from search import Index, IndexNotFoundError

    try:
        ix = Index(index)
    except IndexNotFoundError:
        return None
    with ix:
        reader = ix._current().reader()
        return {fields["id"]: fields.get("headline", "") for fields in reader.all_stored_fields()}


def _roots(index: Path) -> list[str] | None:
    """The roots recorded for the commit searches see (`dateline check` relies on them)."""
    from whoosh.index import open_dir

    from indexer.core.store import read_roots

    return read_roots(index, open_dir(str(index)).latest_generation())


def _dateline(*args: str, index: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATELINE_INDEX": str(index), "DATELINE_NO_SERVE": "1"}
    return subprocess.run([installed_dateline(), *args], capture_output=True, text=True, env=env, timeout=300)


def test_killed_runs_leave_the_old_or_the_new_index_and_the_next_run_completes(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    corpus = Corpus(tmp_path / "corpus", rng)
    index = tmp_path / "index"
    exe = installed_dateline()
    env = {**os.environ, "DATELINE_INDEX": str(index), "DATELINE_NO_SERVE": "1"}
    print(f"\ncrash test: {KILLS} kills, seed {SEED}")

    started = time.perf_counter()
    assert _dateline("index", str(corpus.root), index=index).returncode == 0
    full = time.perf_counter() - started
    before = _state(index)
    assert before is not None and {k: v for k, v in before.items()} == {n: corpus.titles[n] for n in corpus.titles}

    outcomes = {"old": 0, "new": 0}
    # Kills land up to a little past how long a run of that kind took last (an update that makes
    # the merge policy rewrite a segment can take longer than the first build), so some land
    # after the commit.
    took = {"rebuild": full, "update": full}
    for kill in range(KILLS):
        rebuild = kill % 5 == 4
        corpus.change(kill + 1)
        after = dict(corpus.titles)
        delay = rng.uniform(0.05, took["rebuild" if rebuild else "update"] * 1.1)
        print(f"kill {kill + 1}: after {delay:.3f} s{' (--rebuild)' if rebuild else ''}")
        proc = subprocess.Popen(
            [exe, "index", str(corpus.root), *(["--rebuild"] if rebuild else [])],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        where = f"kill {kill + 1} of seed {SEED} after {delay:.3f} s"

        state = _state(index)
        assert state in (before, after), f"{where}: the index is neither the old nor the new state"
        outcomes["new" if state == after else "old"] += 1
        found = _dateline("search", "common", "--format", "json", "-n", "1", index=index)
        assert found.returncode == 0 and "Traceback" not in found.stderr, f"{where}: {found.stderr}"
        assert json.loads(found.stdout)["total"] == len(state), where
        stats = _dateline("stats", "--format", "json", index=index)
        assert stats.returncode == 0 and json.loads(stats.stdout)["documents"] == len(state), f"{where}: {stats.stderr}"
        assert _roots(index) == [str(corpus.root)], f"{where}: the commit searches see records no roots"

        started = time.perf_counter()
        finished = _dateline("index", str(corpus.root), index=index)  # no lock to remove by hand
        if state != after:
            took["update"] = time.perf_counter() - started
        assert finished.returncode == 0, f"{where}: the next run failed: {finished.stderr}"
        before = _state(index)
        assert before == after, f"{where}: the next run did not end with exactly the corpus"
        assert not list(tmp_path.glob("index.new-*")), f"{where}: a killed build's folder was left behind"
    checked = _dateline("check", index=index)
    assert checked.returncode == 0 and checked.stdout.startswith("consistent: "), checked.stdout + checked.stderr
    print(
        f"crash test: {KILLS} kills survived; the index held the old state after {outcomes['old']}, "
        f"the new one after {outcomes['new']}"
    )
    assert outcomes["old"] and outcomes["new"]  # the kills landed both before and after commits


def test_a_run_killed_between_the_two_renames_of_a_swap_is_undone(tmp_path: Path, corpus_index: Path) -> None:
    """The one moment with no index in place where folders cannot be exchanged in one step (the
    old one moved aside, the new one not yet in): the next run puts the old one back before
    anything else. Only a folder dateline moved aside is put back."""
    import shutil

    from indexer import index_paths
    from indexer.write.swap import mark, recover

    index, aside = tmp_path / "index", tmp_path / "index.old-0a1b2c3d"
    shutil.copytree(corpus_index, tmp_path / "index.old")  # a user's copy, not dateline's
    recover(index)
    assert not index.exists() and _state(tmp_path / "index.old") == _state(corpus_index)
    shutil.copytree(corpus_index, aside)
    mark(aside)  # as swap_in marks the old index before renaming it aside
    recover(index)
    assert _state(index) == _state(corpus_index) and not aside.exists()
    shutil.rmtree(index)
    shutil.copytree(corpus_index, aside)
    mark(aside)
    report = index_paths([CORPUS], index)
    assert report.added == 0 and report.unchanged == len(_state(corpus_index) or {})
    assert (tmp_path / "index.old").is_dir()


def test_only_build_folders_no_live_process_holds_are_removed(tmp_path: Path) -> None:
    from indexer.write.swap import build_lock, mark, recover

    index = tmp_path / "index"
    dead, live, users = tmp_path / "index.new-dead", tmp_path / "index.new-live", tmp_path / "index.new-drafts"
    for folder in (dead, live, users):
        folder.mkdir()
    mark(dead)
    mark(live)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from indexer.write.swap import build_lock; "
            "from pathlib import Path; lock = build_lock(Path(sys.argv[1])); lock.acquire(); print('held', flush=True); "
            "time.sleep(60)",
            str(live),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        recover(index)
        assert not dead.exists() and live.exists() and users.exists()  # no marker: not dateline's
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()
    assert build_lock(live).acquire(blocking=False)  # the holder is gone: its folder is stale now
