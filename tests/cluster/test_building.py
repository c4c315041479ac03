"""`search.cluster.building`: shards indexed on Dask hold exactly their files, as one index
would have them; runs are incremental; a worker killed mid-build leaves its shard at its last
commit, and the next run converges."""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest

from search import Index
from search.cluster.building import ShardReport, index_cluster
from search.cluster.manifest import plan, read_manifest, write_manifest
from search.errors import ClusterError


def _ids(path: Path) -> set[str]:
    with Index(path) as ix:
        return {fields["id"] for fields in ix._current().all_stored_fields()}


@pytest.fixture
def two_wires(archive, tmp_path) -> Path:
    """Two wires' files of the generated archive (about 400), copied: tests change them."""
    src = tmp_path / "src"
    for wire in ("eqs", "businesswire"):
        shutil.copytree(archive / wire, src / wire)
    return src


def test_each_shard_holds_its_files_with_the_ids_one_index_gives(cluster_client, two_wires, tmp_path) -> None:
    manifest = plan(tmp_path / "c", [two_wires], "hash:2")
    write_manifest(manifest)
    reports = index_cluster(cluster_client, manifest)
    assert [r.name for r in reports] == ["h0", "h1"] and not any(r.failed or r.error for r in reports)
    for shard in manifest.shards:
        assert _ids(shard.path) == {str(Path(f).relative_to(two_wires)) for f in shard.files}
    again = index_cluster(cluster_client, manifest)
    assert [r.added + r.updated + r.removed for r in again] == [0, 0]  # incremental: nothing to do
    gone = Path(manifest.shards[0].files[0])
    gone.unlink()
    replanned = plan(tmp_path / "c", [two_wires], "hash:2")
    write_manifest(replanned)
    after = index_cluster(cluster_client, read_manifest(tmp_path / "c"))
    assert (after[0].removed, after[1].removed) == (1, 0)
    assert str(gone.relative_to(two_wires)) not in _ids(manifest.shards[0].path)


def test_a_failing_shard_is_named_after_the_others_finish(cluster_client, two_wires, tmp_path) -> None:
    manifest = plan(tmp_path / "c", [two_wires], "hash:2")
    (tmp_path / "c" / "shards").mkdir(parents=True)
    (tmp_path / "c" / "shards" / "h1").write_text("in the way", encoding="utf-8")  # a file where the index goes
    done: list[ShardReport] = []
    with pytest.raises(ClusterError, match=r"shard h1 .*1 of 2 shards indexed"):
        index_cluster(cluster_client, manifest, on_shard=done.append)
    assert sorted(r.name for r in done) == ["h0", "h1"]
    assert _ids(manifest.shards[0].path)  # the good shard was indexed


@pytest.mark.slow
def test_a_worker_killed_mid_build_leaves_its_shard_at_its_last_commit(two_wires, tmp_path) -> None:
    """On a cluster of its own that retries nothing, so the killed build is not redone at once."""
    import dask
    import distributed

    manifest = plan(tmp_path / "c", [two_wires], "hash:2")
    write_manifest(manifest)
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", host="127.0.0.1"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        index_cluster(client, manifest)
        for shard in manifest.shards:  # every headline gains a word: every shard re-indexes all
            for file in shard.files:
                lines = Path(file).read_text("utf-8").split("\n")
                lines[2] += " zqxmarker"
                Path(file).write_text("\n".join(lines), encoding="utf-8")
        pids = client.run(os.getpid)
        outcome: list[object] = []

        def build() -> None:
            try:
                outcome.append(index_cluster(client, manifest))
            except ClusterError as exc:
                outcome.append(exc)

        runner = threading.Thread(target=build)
        runner.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(client.processing().values()):
            time.sleep(0.01)
        time.sleep(0.3)  # well into a build of ~200 files, before its commit
        victim = next(worker for worker, keys in client.processing().items() if keys)
        os.kill(pids[victim], signal.SIGKILL)
        runner.join(timeout=60)
        assert isinstance(outcome[0], ClusterError), outcome  # the killed shard is named, the other finished
        client.wait_for_workers(2, timeout=30)
        marked = []
        for shard in manifest.shards:
            with Index(shard.path) as ix:  # every shard opens and answers
                found = ix.search("zqxmarker", limit=0).total
            assert found in (0, len(shard.files)), (shard.name, found)  # the old commit or the new, never half
            marked.append(found)
        assert 0 in marked  # the killed shard kept its last commit
        index_cluster(client, manifest)  # the next run converges
        for shard in manifest.shards:
            with Index(shard.path) as ix:
                assert ix.search("zqxmarker", limit=0).total == len(shard.files) == len(ix)
