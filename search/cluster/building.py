"""Indexing a cluster's shards on Dask: one task per shard, each an ordinary incremental run.

Each shard is indexed by `indexer.index_paths` on a worker, over the archive's folders but only
its own files (``only=``), so its documents have the ids one index of the archive would give
them, with the archive's line counts (``line_counts=``), so they lose the same furniture. A
shard commits atomically on its own: a worker killed mid-build leaves that shard at its previous
commit, and the next run brings it up to date. There is no commit across shards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from indexer.parse.furniture import LineCounts
from search.cluster.manifest import Manifest, Shard
from search.errors import ClusterError


@dataclass(frozen=True)
class ShardReport:
    """What indexing one shard did (`indexer.IndexReport`'s figures), or why it failed."""

    name: str
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None


def build_shard(shard: Shard, sources: tuple[str, ...], counts: LineCounts, workers: int, rebuild: bool) -> ShardReport:
    """Index one shard (run on a worker): its files under the archive's folders, into its folder."""
    from indexer import index_paths

    report = index_paths(
        sources,
        shard.path,
        only=shard.files,
        line_counts=counts,
        workers=workers,
        rebuild=rebuild,
        prune=True,  # a shard holds its files only
    )
    return ShardReport(
        shard.name,
        report.added,
        report.updated,
        report.removed,
        report.unchanged,
        [(p.path, p.reason) for p in report.failed],
        report.seconds,
    )


def index_cluster(
    client: Any,
    manifest: Manifest,
    *,
    workers: int = 1,
    rebuild: bool = False,
    on_shard: Callable[[ShardReport], None] | None = None,
) -> list[ShardReport]:
    """Index every shard of ``manifest`` as a task on ``client``'s workers (``workers`` processes
    each, where the worker may start them). Every shard is tried; ``on_shard`` gets each report
    as it ends. Raises `ClusterError` naming the shards that failed, after the others finished."""
    dist = _distributed()
    counts = manifest.line_counts()
    futures = {
        client.submit(
            build_shard, shard, manifest.sources, counts, workers, rebuild, pure=False, key=_key(shard)
        ): shard
        for shard in manifest.shards
    }
    reports: list[ShardReport] = []
    for future in dist.as_completed(futures):
        shard = futures[future]
        try:
            report = future.result()
        except Exception as exc:
            report = ShardReport(shard.name, error=f"{type(exc).__name__}: {exc}")
        reports.append(report)
        if on_shard is not None:
            on_shard(report)
    failed = [r for r in reports if r.error]
    if failed:
        raise ClusterError(
            "; ".join(f"shard {r.name} ({manifest.root / 'shards' / r.name}): {r.error}" for r in failed)
            + f" ({len(reports) - len(failed)} of {len(reports)} shards indexed; run again to retry)"
        )
    return sorted(reports, key=lambda r: r.name)


def _key(shard: Shard) -> str:
    import uuid

    return f"dateline-shard-{shard.name}-{uuid.uuid4().hex[:8]}"


def _distributed() -> Any:
    from search.cluster.engine import distributed

    return distributed()
