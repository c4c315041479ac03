"""Indexing memory does not grow with the archive: real runs on 4,000 and 16,000 files.

The walk, the comparison with the index, the list of files to read and what reading each gave
all stream (through temporary files); what stays in memory per document is one 8-byte id hash.
Before that design a run held about 600 bytes per file in one process: 7 MB more for the
12,000 files more here, which the bounds below do not allow.

Two buffers are bounded by design rather than by the archive: a segment's postings
(``pool_bytes``) and the analyzers' word caches (``WORD_CACHE_SIZE``). Both are set small so
that they fill in both runs, and what is compared is everything else. Measured two ways: the
peak of Python's own allocations (``tracemalloc``: exact, whatever the allocator does) in one
process that walks, reads and commits, and the peak RSS of the indexing process when workers
read the files. A worker's RSS creeps up by a couple of MB over the first tens of thousands of files
while the allocator's heap settles, with no Python object retained: it gets a looser bound.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

#: The peaks may grow by this much between the two archives (the id hashes, 8 bytes a document,
#: and their sort; how full the last segment's buffer was): about 200 bytes per file more. The
#: design before streaming measured 5.9 MB (Python's allocations, one process).
ALLOWED_GROWTH = 2_500_000
#: A worker's RSS (the allocator's heap settling, above): 2.2 MB measured; 7.1 MB before streaming.
ALLOWED_WORKER_GROWTH = 4_000_000

RUN = """
import json, resource, sys, tracemalloc
import indexer.engine.postings
from indexer import index_paths
indexer.engine.postings.WORD_CACHE_SIZE = 2000  # full in both runs: its bound is not what is measured
workers = int(sys.argv[3])
if workers == 1:
    tracemalloc.start()
report = index_paths([sys.argv[1]], sys.argv[2], workers=workers, pool_bytes=4 * 1024 * 1024, on_start=lambda n: None)
usage = lambda who: resource.getrusage(who).ru_maxrss * 1024
traced = tracemalloc.get_traced_memory()[1] if workers == 1 else 0
print(json.dumps({"added": report.added, "self": usage(resource.RUSAGE_SELF), "children": usage(resource.RUSAGE_CHILDREN), "traced": traced}))
"""

WORDS = (
    "wind power grid solar storage merger shares quarter results offshore turbine battery "
    "capacity acquisition dividend revenue outlook customers contract partnership"
).split()


def archive(root: Path, count: int) -> Path:
    """``count`` small releases in folders of 500, with varied words and numbers."""
    for i in range(count):
        folder = root / f"{i // 500:03d}"
        if i % 500 == 0:
            folder.mkdir(parents=True)
        words = " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(12))
        (folder / f"release-{i:06d}.txt").write_text(
            f"date 2025-01-{i % 28 + 1:02d} memory\nNordwind {i}: {words}\n\nHAMBURG, Germany /PRNewswire/ -- "
            f"Item {i} {i * 31 % 9973} {words}. {words}.\n",
            "utf-8",
        )
    return root


def peak(corpus: Path, index: Path, workers: int) -> dict[str, int]:
    out = subprocess.run(
        [sys.executable, "-c", RUN, str(corpus), str(index), str(workers)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2], ids=["one-process-traced", "workers-rss"])
def test_peak_memory_does_not_grow_with_the_archive(tmp_path: Path, workers: int) -> None:
    small = peak(archive(tmp_path / "small", 4000), tmp_path / "ix-small", workers)
    large = peak(archive(tmp_path / "large", 16000), tmp_path / "ix-large", workers)
    assert (small["added"], large["added"]) == (4000, 16000)
    which = "traced" if workers == 1 else "self"
    print(
        f"workers={workers}: peak {which} {small[which] / 1e6:.1f} -> {large[which] / 1e6:.1f} MB; "
        f"peak RSS {small['self'] / 1e6:.1f} -> {large['self'] / 1e6:.1f} MB (indexing process), "
        f"{small['children'] / 1e6:.1f} -> {large['children'] / 1e6:.1f} MB (largest worker)"
    )
    assert large[which] - small[which] < ALLOWED_GROWTH
    if workers > 1:
        assert large["children"] - small["children"] < ALLOWED_WORKER_GROWTH
