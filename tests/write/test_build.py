"""Indexing in worker processes: the same index as one process, duplicates refused, failures clean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPUS, index_contents

import indexer.write.build as build
from indexer import IndexBuildError, index_paths
from search import Index


@pytest.fixture
def small_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the 46 sample files be split between workers (normally 200 files per worker at least)."""
    monkeypatch.setattr(build, "MIN_FILES_PER_WORKER", 1)


def segment_count(path: Path) -> int:
    from whoosh import index

    return len(index.open_dir(str(path))._segments())


@pytest.mark.parametrize(("workers", "pool_bytes"), [(2, build.POOL_BYTES), (2, 100_000), (3, 300_000)])
def test_workers_build_the_same_index_as_one_process(
    tmp_path: Path, small_runs: None, workers: int, pool_bytes: int
) -> None:
    one = index_paths([CORPUS], tmp_path / "one", workers=1)
    many = index_paths([CORPUS], tmp_path / "many", workers=workers, pool_bytes=pool_bytes)
    assert (many.added, many.failed) == (one.added, one.failed) == (50, [])
    assert segment_count(tmp_path / "one") == 1
    assert segment_count(tmp_path / "many") >= workers
    assert index_contents(tmp_path / "many") == index_contents(tmp_path / "one")


@pytest.mark.parametrize("shared_last", [False, True], ids=["shared-first", "shared-last"])
@pytest.mark.parametrize("pool_bytes", [build.POOL_BYTES, 1], ids=["one-segment", "segment-per-file"])
def test_a_duplicate_id_in_another_workers_run_is_refused(
    tmp_path: Path, small_runs: None, shared_last: bool, pool_bytes: int
) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for name in ("a.jsonl", "m.jsonl", "z.jsonl"):  # sorted: a goes to the first worker, z to the second
        records = [
            {"id": f"shared-{name < 'z'}", "title": f"from {name}", "body": "wind power"},
            {"id": f"own-{name}", "title": f"solar {name}", "body": "storage"},
        ]
        if shared_last:
            records.reverse()
        (source / name).write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    report = index_paths([source], tmp_path / "ix", workers=2, pool_bytes=pool_bytes)
    assert report.added == 5
    assert [(Path(p.path).name, p.reason) for p in report.failed] == [
        ("m.jsonl", f"document id 'shared-True' is already used by {source / 'a.jsonl'}")
    ]
    with Index(tmp_path / "ix") as ix:
        assert len(ix) == 5
        assert sorted((h.document.title for h in ix.search("wind").hits), key=str) == ["from a.jsonl", "from z.jsonl"]
        assert len(ix.search("solar").hits) == 3


def test_a_failing_worker_commits_nothing(
    tmp_path: Path, corpus_copy: Path, small_runs: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_paths([corpus_copy], tmp_path / "ix", workers=2)
    before = index_contents(tmp_path / "ix")
    changed = sorted(corpus_copy.rglob("*.txt"))
    for path in changed:
        path.write_text(path.read_text("utf-8") + "\nchanged\n", "utf-8")
    real = build.read_documents

    def failing(path, **kwargs):
        if Path(path).name.startswith("ots-"):
            raise MemoryError
        return real(path, **kwargs)

    monkeypatch.setattr(build, "read_documents", failing)  # inherited by the forked workers
    with pytest.raises(IndexBuildError, match="failed: MemoryError"):
        index_paths([corpus_copy], tmp_path / "ix", workers=2)
    assert index_contents(tmp_path / "ix") == before
    monkeypatch.setattr(build, "read_documents", real)
    report = index_paths([corpus_copy], tmp_path / "ix", workers=2)
    assert report.updated == len(changed) == 40 and not report.failed
    with Index(tmp_path / "ix") as ix:
        assert len(ix) == 50
    leftovers = {p.name.split(".")[0] for p in (tmp_path / "ix").glob("MAIN_*") if p.name != "MAIN_WRITELOCK"}
    assert len(leftovers) == segment_count(tmp_path / "ix")  # files of the failed run were removed


def _index_in_a_daemon(out: str, answers) -> None:
    build.MIN_FILES_PER_WORKER = 1  # a forked child: the parent's value is not changed
    try:
        report = index_paths([CORPUS], out, workers=2)
        answers.put(("ok", report.added, [str(p) for p in report.failed]))
    except BaseException as exc:  # the answer is the test's to judge
        answers.put(("error", f"{type(exc).__name__}: {exc}", []))


def test_a_daemonic_process_builds_in_itself(tmp_path: Path) -> None:
    """A Dask worker is a daemonic process, which may not start children: asked for 2 workers,
    the build runs in the process itself instead of failing ("daemonic processes are not allowed
    to have children", or "can only join a started process")."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    answers = context.Queue()
    child = context.Process(target=_index_in_a_daemon, args=(str(tmp_path / "ix"), answers), daemon=True)
    child.start()
    try:
        answer = answers.get(timeout=60)
    finally:
        child.join(timeout=10)
    assert answer == ("ok", 50, []), answer
    assert segment_count(tmp_path / "ix") == 1
