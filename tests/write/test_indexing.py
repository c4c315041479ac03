"""Incremental indexing on real files in tmp_path: add, skip, update, remove, fail, prune, rebuild."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from indexer import (
    IncompatibleIndexError,
    IndexLockedError,
    IndexNotFoundError,
    SourceNotFoundError,
    index_paths,
)
from indexer.core.store import META_FILE, open_index
from search import Index


def ids_in(index: Path) -> set[str]:
    ix = open_index(index)
    with ix.searcher() as s:
        return {fields["id"] for fields in s.all_stored_fields()}


def corpus_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in {".txt", ".md", ".html", ".jsonl"})


def test_first_run_adds_every_document(corpus_copy, tmp_path):
    report = index_paths([corpus_copy], tmp_path / "ix")
    jsonl_docs = sum(len(p.read_text("utf-8").splitlines()) for p in corpus_copy.rglob("*.jsonl"))
    other_files = [p for p in corpus_files(corpus_copy) if p.suffix != ".jsonl"]
    assert report.added == len(other_files) + jsonl_docs
    assert (report.updated, report.removed, report.unchanged, report.failed) == (0, 0, 0, [])
    assert len(ids_in(tmp_path / "ix")) == report.added


def test_second_run_changes_nothing(corpus_copy, tmp_path):
    first = index_paths([corpus_copy], tmp_path / "ix")
    files_before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "ix").iterdir()}
    second = index_paths([corpus_copy], tmp_path / "ix")
    assert (second.added, second.updated, second.removed, second.failed) == (0, 0, 0, [])
    assert second.unchanged == first.added
    # A no-op run commits nothing: the index files are untouched.
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "ix").iterdir()} == files_before


def test_editing_one_file_updates_one_document(corpus_copy, tmp_path, seed_file):
    index_paths([corpus_copy], tmp_path / "ix")
    seed = corpus_copy / seed_file.name
    seed.write_text(seed.read_text("utf-8").replace("vigorous", "relentless"), "utf-8")
    report = index_paths([corpus_copy], tmp_path / "ix")
    assert (report.added, report.updated, report.removed) == (0, 1, 0)
    with Index(tmp_path / "ix") as ix:
        assert [h.id for h in ix.search("relentless").hits] == [seed.name]
        assert ix.search("vigorous").total == 0


def test_deleting_one_file_removes_its_document(corpus_copy, tmp_path, seed_file):
    index_paths([corpus_copy], tmp_path / "ix")
    (corpus_copy / seed_file.name).unlink()
    report = index_paths([corpus_copy], tmp_path / "ix")
    assert (report.added, report.updated, report.removed) == (0, 0, 1)
    assert seed_file.name not in ids_in(tmp_path / "ix")


def test_ids_are_paths_relative_to_the_root(corpus_copy, tmp_path):
    index_paths([corpus_copy], tmp_path / "ix")
    ids = ids_in(tmp_path / "ix")
    expected = {p.relative_to(corpus_copy).as_posix() for p in corpus_files(corpus_copy) if p.suffix != ".jsonl"}
    assert expected <= ids
    assert not any(i.startswith("/") for i in ids)


def test_bad_files_are_listed_and_the_rest_committed(corpus_copy, tmp_path):
    (corpus_copy / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (corpus_copy / "empty.txt").write_bytes(b"")
    (corpus_copy / "bad.jsonl").write_text(
        '{"id": "ok-1", "title": "Fine", "body": "good line"}\n{not json\n[1, 2]\n'
        '{"id": "t", "title": {"nested": 1}}\n',
        "utf-8",
    )
    report = index_paths([corpus_copy], tmp_path / "ix")
    reasons = {(Path(p.path.split(":")[0]).name, p.reason.split(" ")[0]) for p in report.failed}
    assert ("binary.txt", "binary") in reasons
    assert ("empty.txt", "empty") in reasons
    bad = sorted(p.reason for p in report.failed if "bad.jsonl" in p.path)
    assert [r.split(":")[0] for r in bad] == ["line 2", "line 3", "line 4"]
    assert "ok-1" in ids_in(tmp_path / "ix")
    assert report.added == len(ids_in(tmp_path / "ix"))


def test_cp1252_file_is_indexed_with_a_warning(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "legacy.txt").write_bytes("Übernahme abgeschlossen\n\nDie Größe des Geschäfts: 5 Mio €.".encode("cp1252"))
    report = index_paths([docs], tmp_path / "ix")
    assert report.added == 1 and not report.failed
    assert [w.reason for w in report.warnings] == ["not valid UTF-8 (byte 0); read as cp1252"]
    with Index(tmp_path / "ix") as ix:
        assert ix.get("legacy.txt").title == "Übernahme abgeschlossen"


def test_hidden_entries_and_symlink_loops_are_skipped(tmp_path):
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "sub" / "a.txt").write_text("Alpha\n\nfirst story", "utf-8")
    (docs / ".hidden").mkdir()
    (docs / ".hidden" / "b.txt").write_text("Beta\n\nhidden story", "utf-8")
    (docs / ".secret.txt").write_text("Gamma\n\nhidden file", "utf-8")
    (docs / "sub" / "loop").symlink_to(docs, target_is_directory=True)
    report = index_paths([docs], tmp_path / "ix")
    assert ids_in(tmp_path / "ix") == {"sub/a.txt"}
    assert report.added == 1 and not report.failed


def test_index_inside_the_indexed_folder_is_not_indexed(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Alpha\n\nstory", "utf-8")
    index_paths([docs], docs / "idx")
    report = index_paths([docs], docs / "idx")
    assert (report.added, report.unchanged, report.failed) == (0, 1, [])


def test_jsonl_lines_change_and_disappear(tmp_path):
    feed = tmp_path / "feed.jsonl"
    rows = [{"id": f"n{i}", "title": f"Story {i}", "body": f"text number {i}"} for i in range(3)]
    feed.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    assert index_paths([feed], tmp_path / "ix").added == 3
    rows[1]["body"] = "rewritten text"
    feed.write_text("\n".join(json.dumps(r) for r in rows[:2]), "utf-8")
    report = index_paths([feed], tmp_path / "ix")
    assert (report.added, report.updated, report.removed) == (0, 2, 1)
    assert ids_in(tmp_path / "ix") == {"n0", "n1"}


def test_duplicate_ids_across_roots_fail_the_second(tmp_path):
    for root in ("a", "b"):
        (tmp_path / root).mkdir()
        (tmp_path / root / "same.txt").write_text(f"From {root}\n\nbody", "utf-8")
    report = index_paths([tmp_path / "a", tmp_path / "b"], tmp_path / "ix")
    assert report.added == 1
    assert [p.reason for p in report.failed] == [
        f"document id 'same.txt' is already used by {tmp_path / 'a' / 'same.txt'}"
    ]


def jsonl(path: Path, *ids: str) -> None:
    """Write a JSONL file of documents ``ids``; a rewrite gets a later time (one the same size,
    written within the same clock tick, would otherwise look unchanged)."""
    before = path.stat().st_mtime_ns if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "".join(json.dumps({"id": i, "title": f"{i} in {path.name}", "body": "text"}) + "\n" for i in ids), "utf-8"
    )
    if before is not None:
        os.utime(path, ns=(before + 10**9, before + 10**9))


def sources_in(index: Path) -> dict[str, str]:
    ix = open_index(index)
    with ix.searcher() as s:
        return {fields["id"]: Path(fields["source"]).name for fields in s.all_stored_fields()}


@pytest.mark.parametrize("workers", [1, 2])
def test_an_id_kept_by_an_unchanged_file_is_refused_to_a_new_one(tmp_path, workers, monkeypatch):
    monkeypatch.setattr("indexer.write.build.MIN_FILES_PER_WORKER", 1)
    jsonl(tmp_path / "docs" / "m.jsonl", "x", "y")
    index_paths([tmp_path / "docs"], tmp_path / "ix")
    jsonl(tmp_path / "docs" / "a.jsonl", "x", "a")  # before m.jsonl in the walk, and new
    jsonl(tmp_path / "docs" / "z.jsonl", "y", "z")  # after it
    report = index_paths([tmp_path / "docs"], tmp_path / "ix", workers=workers)
    assert (report.added, report.updated, report.removed, report.unchanged) == (2, 0, 0, 2)
    assert sorted((Path(p.path).name, p.reason) for p in report.failed) == [
        ("a.jsonl", f"document id 'x' is already used by {tmp_path / 'docs' / 'm.jsonl'}"),
        ("z.jsonl", f"document id 'y' is already used by {tmp_path / 'docs' / 'm.jsonl'}"),
    ]
    assert sources_in(tmp_path / "ix") == {"x": "m.jsonl", "y": "m.jsonl", "a": "a.jsonl", "z": "z.jsonl"}


def test_an_id_of_a_document_outside_the_roots_is_taken_over(tmp_path):
    """A folder moved elsewhere and indexed from there: its documents replace their old selves."""
    jsonl(tmp_path / "old" / "a.jsonl", "x", "y")
    index_paths([tmp_path / "old"], tmp_path / "ix")
    jsonl(tmp_path / "new" / "b.jsonl", "x", "n")
    report = index_paths([tmp_path / "new"], tmp_path / "ix")
    assert (report.added, report.updated, report.removed, report.failed) == (1, 1, 0, [])
    assert sources_in(tmp_path / "ix") == {"x": "b.jsonl", "y": "a.jsonl", "n": "b.jsonl"}


def test_an_id_moving_between_changed_files_is_an_update(tmp_path):
    docs = tmp_path / "docs"
    jsonl(docs / "a.jsonl", "x", "y")
    index_paths([docs], tmp_path / "ix")
    jsonl(docs / "a.jsonl", "y")
    jsonl(docs / "b.jsonl", "x")
    report = index_paths([docs], tmp_path / "ix")
    assert (report.added, report.updated, report.removed, report.failed) == (0, 2, 0, [])
    assert sources_in(tmp_path / "ix") == {"x": "b.jsonl", "y": "a.jsonl"}
    jsonl(docs / "a.jsonl", "x")  # now both claim x, and b.jsonl, unchanged, keeps it
    report = index_paths([docs], tmp_path / "ix")
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 1, 1)
    assert [(Path(p.path).name, p.reason) for p in report.failed] == [
        ("a.jsonl", f"document id 'x' is already used by {docs / 'b.jsonl'}")
    ]
    assert sources_in(tmp_path / "ix") == {"x": "b.jsonl"}
    jsonl(docs / "b.jsonl", "x", "z")  # both changed: the first in the walk gets it
    report = index_paths([docs], tmp_path / "ix")
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 0, 0)
    assert [(Path(p.path).name, p.reason) for p in report.failed] == [
        ("b.jsonl", f"document id 'x' is already used by {docs / 'a.jsonl'}")
    ]
    assert sources_in(tmp_path / "ix") == {"x": "a.jsonl", "z": "b.jsonl"}


def test_files_outside_the_roots_stay_unless_pruned(tmp_path):
    for root in ("a", "b"):
        (tmp_path / root).mkdir()
        (tmp_path / root / f"{root}.txt").write_text(f"From {root}\n\nbody", "utf-8")
    index_paths([tmp_path / "a", tmp_path / "b"], tmp_path / "ix")
    kept = index_paths([tmp_path / "a"], tmp_path / "ix")
    assert kept.removed == 0 and ids_in(tmp_path / "ix") == {"a.txt", "b.txt"}
    pruned = index_paths([tmp_path / "a"], tmp_path / "ix", prune=True)
    assert pruned.removed == 1 and ids_in(tmp_path / "ix") == {"a.txt"}


def test_rebuild_starts_afresh_and_swaps_in(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Alpha\n\nstory", "utf-8")
    index_paths([docs], tmp_path / "ix")
    report = index_paths([docs], tmp_path / "ix", rebuild=True)
    assert (report.added, report.unchanged) == (1, 0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "ix", "ix.lock"]  # no temporary folders left


def test_failed_rebuild_keeps_the_previous_index(tmp_path, monkeypatch):
    import indexer.write.indexing as indexing

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Alpha\n\nstory", "utf-8")
    index_paths([docs], tmp_path / "ix")
    (docs / "b.txt").write_text("Beta\n\nstory", "utf-8")

    def explode(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(indexing, "swap_in", explode)
    with pytest.raises(OSError):
        index_paths([docs], tmp_path / "ix", rebuild=True)
    assert ids_in(tmp_path / "ix") == {"a.txt"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "ix", "ix.lock"]


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(SourceNotFoundError, match="no-such-folder"):
        index_paths([tmp_path / "no-such-folder"], tmp_path / "ix")


def test_incompatible_schema_version_asks_for_rebuild(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Alpha\n\nstory", "utf-8")
    index_paths([docs], tmp_path / "ix")
    (tmp_path / "ix" / META_FILE).write_text('{"schema_version": 0}', "utf-8")
    with pytest.raises(IncompatibleIndexError, match="--rebuild"):
        index_paths([docs], tmp_path / "ix")
    with pytest.raises(IncompatibleIndexError):
        Index(tmp_path / "ix")
    assert index_paths([docs], tmp_path / "ix", rebuild=True).added == 1


def test_missing_index(tmp_path):
    with pytest.raises(IndexNotFoundError, match="no dateline index"):
        Index(tmp_path / "nowhere")


def test_second_writer_gets_a_clear_error(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Alpha\n\nstory", "utf-8")
    index_paths([docs], tmp_path / "ix")
    (docs / "b.txt").write_text("Beta\n\nstory", "utf-8")
    holder = open_index(tmp_path / "ix").writer()
    try:
        with pytest.raises(IndexLockedError, match="another process"):
            index_paths([docs], tmp_path / "ix", lock_timeout=0.2)
    finally:
        holder.cancel()
    assert index_paths([docs], tmp_path / "ix").added == 1


def test_broken_symlink_is_reported_not_fatal(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Alpha\n\nstory", "utf-8")
    (docs / "gone.txt").symlink_to(docs / "deleted-target.txt")
    (docs / "out.txt").symlink_to(tmp_path / "deleted-target.txt")  # out of the folder: not followed at all
    report = index_paths([docs], tmp_path / "ix")
    assert report.added == 1
    target = docs / "deleted-target.txt"
    assert [(Path(p.path).name, p.reason) for p in report.failed] == [
        ("gone.txt", f"a broken symbolic link to {target} (No such file or directory)")
    ]
    assert [Path(p.path).name for p in report.skipped] == ["out.txt"]


def test_never_writes_over_a_folder_that_is_not_an_index(corpus_copy, tmp_path):
    before = sorted(p.relative_to(corpus_copy) for p in corpus_copy.rglob("*"))
    with pytest.raises(IndexNotFoundError, match="is not a dateline index; refusing"):
        index_paths([corpus_copy], corpus_copy / "en")
    assert sorted(p.relative_to(corpus_copy) for p in corpus_copy.rglob("*")) == before
