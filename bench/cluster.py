"""Shards on a local Dask cluster against one index (issue 22): search latency and indexing throughput.

    python bench/cluster.py [N] [--rounds R]      # N generated documents (bench/corpus.py), default 10000

Measures, on the same files and in one run:
- search latency (p50/p95 over bench/queries.py's 56 queries, each run ``rounds`` times, 10 hits with
  snippets): one `search.Index` in this process; and a `Cluster` of 2 and of 4 shards (by hash) on a
  `LocalCluster` of 2 worker processes, with global statistics (exact) and local ones (one round fewer);
- indexing throughput: the 4 shards built as Dask tasks on 1 worker, then on 2, against `dateline index`
  of the whole archive in this process (its default worker processes).
Every figure is printed with its ratio to the single index's, measured in the same run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def latencies(searcher, queries: list[str], rounds: int) -> list[float]:
    """Each query's median over ``rounds`` runs, in ms (after one warm-up run of each)."""
    for text in queries:
        searcher.search(text, limit=10)
    out = []
    for text in queries:
        runs = []
        for _ in range(rounds):
            started = time.perf_counter()
            searcher.search(text, limit=10)
            runs.append((time.perf_counter() - started) * 1000)
        out.append(statistics.median(runs))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import distributed
    from queries import QUERIES

    import corpus
    from indexer import index_paths
    from search import Index
    from search.cluster.building import index_cluster
    from search.cluster.manifest import plan, write_manifest
    from search.cluster.sharded import Cluster

    work = Path(tempfile.mkdtemp(prefix="dateline-cluster-bench-"))
    try:
        archive = work / "archive"
        corpus.build(args.n, archive)
        started = time.perf_counter()
        index_paths([archive], work / "single")
        single_build = time.perf_counter() - started
        texts = [q.dateline for q in QUERIES]
        print(f"{args.n:,} documents, {len(texts)} queries × {args.rounds} runs; 2 worker processes")
        print(f"one index, built in this process: {single_build:.1f} s ({args.n / single_build:,.0f} docs/s)")

        with (
            distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", host="127.0.0.1"
            ) as local,
            distributed.Client(local) as client,
        ):
            manifests = {}
            for shards in (2, 4):
                manifests[shards] = plan(work / f"hash{shards}", [archive], f"hash:{shards}")
                write_manifest(manifests[shards])
            for workers in (1, 2):
                for shard in manifests[4].shards:
                    shutil.rmtree(shard.path, ignore_errors=True)
                client.cluster.scale(workers)
                client.wait_for_workers(workers)
                while len(client.scheduler_info()["workers"]) != workers:
                    time.sleep(0.1)
                started = time.perf_counter()
                index_cluster(client, manifests[4])
                took = time.perf_counter() - started
                print(
                    f"4 shards on {workers} Dask worker(s): {took:.1f} s ({args.n / took:,.0f} docs/s), "
                    f"{single_build / took:.2f}× one index's speed"
                )
            index_cluster(client, manifests[2])

            with Index(work / "single") as ix:
                base = latencies(ix, texts, args.rounds)
            b50, b95 = statistics.median(base), p95(base)
            print(f"\n{'search, ms':<34}{'p50':>8}{'p95':>8}{'p50 ×':>8}")
            print(f"{'one index, in process':<34}{b50:>8.1f}{b95:>8.1f}{1:>8.2f}")
            for shards in (2, 4):
                for mode in ("global", "local"):
                    with Cluster.open(client, work / f"hash{shards}", stats=mode) as cluster:
                        found = latencies(cluster, texts, args.rounds)
                    f50, f95 = statistics.median(found), p95(found)
                    print(f"{f'{shards} shards, {mode} statistics':<34}{f50:>8.1f}{f95:>8.1f}{f50 / b50:>8.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
