"""A rebuild swaps its index in while other processes open the index afresh: every open sees
the old index or the new one, whole, and never fails (issue 17, point 4).

A writer process rebuilds a small index again and again, alternating two versions of the corpus;
this process meanwhile opens the index afresh (``Index(path).search``) as fast as it can and now
and then runs the installed ``dateline search``. Any exception, non-zero exit or answer that is
neither version counts as a failure. ``DATELINE_SWAP_SECONDS`` sets how long the writer runs
(default 25 s, for each way of swapping); the counts are printed:

    DATELINE_SWAP_SECONDS=120 python -m pytest tests/write/test_swap.py -s
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import installed_dateline

pytestmark = pytest.mark.slow

# Seconds each race runs: 12 s gives dozens of swaps (the run prints how many); more with the variable.
SECONDS = float(os.environ.get("DATELINE_SWAP_SECONDS", "12"))
FILES = {"a": 12, "b": 18}  # documents in each version of the corpus: a search tells them apart

# The writer: rebuild from corpus a, then b, then a … until its time is up; print the count.
# With "renames", it swaps as it does where folders cannot be exchanged in one step.
WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from indexer import index_paths

    corpora, index, seconds = [Path(sys.argv[1]), Path(sys.argv[2])], Path(sys.argv[3]), float(sys.argv[4])
    if sys.argv[5] == "renames":
        from indexer.write import rename
        rename._renameat2 = lambda: None  # no renameat2 here, as on macOS or an old glibc
    print("ready", flush=True)
    rebuilds, until = 0, time.monotonic() + seconds
    while time.monotonic() < until:
        report = index_paths([corpora[rebuilds % 2]], index, rebuild=True, prune=True, workers=1)
        assert not report.failed, report.failed
        rebuilds += 1
    print(rebuilds, flush=True)
    """
)


def _write_corpus(root: Path, count: int) -> None:
    root.mkdir()
    for i in range(count):
        (root / f"d{i:03}.txt").write_text(
            f"date 2025-06-01 Anzeige\n01.06.2025 10:00 Uhr\nAcme AG: Story {i} of {count}\n\n"
            f"BERLIN, June 1, 2025 /PRNewswire/ -- common words for story {i}.\n",
            "utf-8",
        )


@pytest.mark.parametrize("swap", ["exchange", "renames"])
def test_fresh_opens_during_rebuild_swaps_see_a_whole_index_and_never_fail(tmp_path: Path, swap: str) -> None:
    from indexer import index_paths
    from search import Index

    corpora = [tmp_path / name for name in FILES]
    for root, count in zip(corpora, FILES.values(), strict=True):
        _write_corpus(root, count)
    index = tmp_path / "news"
    assert not index_paths([corpora[1]], index, workers=1).failed
    whole = set(FILES.values())
    env = {**os.environ, "DATELINE_INDEX": str(index), "DATELINE_NO_SERVE": "1"}

    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, *map(str, corpora), str(index), str(SECONDS), swap],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    opens, cli_runs, failures, totals = 0, 0, [], set()
    while writer.poll() is None:
        try:
            with Index(index) as ix:
                total = ix.search("common", limit=1, snippets=False).total
        except Exception as exc:
            failures.append(f"Index: {type(exc).__name__}: {exc}")
        else:
            totals.add(total)
            if total not in whole:
                failures.append(f"Index: {total} documents, a mix of two indexes")
        opens += 1
        if opens % 10 == 0:
            found = subprocess.run(
                [installed_dateline(), "search", "common", "--format", "json", "-n", "1"],
                capture_output=True,
                text=True,
                env=env,
            )
            cli_runs += 1
            if found.returncode != 0 or json.loads(found.stdout)["total"] not in whole:
                failures.append(f"dateline search: exit {found.returncode}: {found.stderr.strip()}")
    out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    rebuilds = int(out.split()[-1])
    print(
        f"\nswap test ({swap}): {rebuilds} rebuilds, {opens} fresh Index opens and {cli_runs} dateline search runs, "
        f"{len(failures)} failures{': ' if failures else ''}{'; '.join(sorted(set(failures))[:5])}"
    )
    assert totals == whole  # the opens saw both versions: they really overlapped the swaps
    assert not failures


def test_a_kept_open_index_sees_the_rebuilt_index_once_it_is_swapped_in(tmp_path: Path) -> None:
    """A rebuild's first commit has the number the old index's may have had: an `Index` kept
    open (as `dateline serve` keeps one) must notice the new folder all the same."""
    from indexer import index_paths
    from search import Index

    corpora = [tmp_path / name for name in FILES]
    for root, count in zip(corpora, FILES.values(), strict=True):
        _write_corpus(root, count)
    index = tmp_path / "news"
    assert not index_paths([corpora[0]], index, workers=1).failed
    with Index(index) as ix:
        assert ix.search("common", limit=1).total == FILES["a"]
        for version in (1, 0, 1):
            assert not index_paths([corpora[version]], index, rebuild=True, prune=True, workers=1).failed
            assert ix.search("common", limit=1).total == list(FILES.values())[version]
