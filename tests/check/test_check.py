"""`dateline check [--repair]` on real indexes of a copy of the sample corpus: each kind of drift
and of damage is found, `--repair` fixes it, and the repaired index searches like a fresh one."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import index_contents, installed_dateline

from indexer import index_paths
from indexer.check.integrity import check_index, repair_index
from indexer.core.errors import RootsUnknownError
from indexer.core.store import META_FILE, read_roots
from search import Index

NEW_STORY = "Harbour Authority Opens Deep-Water Berth\n\nThe new berth takes vessels of 18 metres draught.\n"
EDITED = "en/accesswire-redmark-geothermal-well-2025-01-14.txt"
DELETED = "plain/kampala-coffee-cooperative-exports.txt"


def _add(corpus: Path) -> str:
    (corpus / "plain" / "harbour-berth.txt").write_text(NEW_STORY, "utf-8")
    return "missing: " + str(corpus / "plain" / "harbour-berth.txt")


def _edit(corpus: Path) -> str:
    with open(corpus / EDITED, "a", encoding="utf-8") as out:
        out.write("\nA correction was added to this release.\n")
    return f"stale: {EDITED} ({corpus / EDITED})"


def _delete(corpus: Path) -> str:
    (corpus / DELETED).unlink()
    return f"orphaned: {DELETED}"


DRIFT: dict[str, Callable[[Path], str]] = {"added": _add, "edited": _edit, "deleted": _delete}


def _segment_file(index: Path, suffix: str) -> Path:
    """The file ending in ``suffix`` of the (only) segment the index's TOC lists."""
    from whoosh.index import open_dir

    ix = open_dir(str(index))
    segments = ix._segments()
    assert len(segments) == 1
    return index / segments[0].make_filename(suffix)


def _overwrite_middle(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as out:
        out.seek(size // 3)
        out.write(bytes(range(256)) * max(1, size // 3 // 256))


def _truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


DAMAGE = {
    "postings overwritten": (".pst", _overwrite_middle),
    "terms overwritten": (".trm", _overwrite_middle),
    "postings deleted": (".pst", Path.unlink),
    "stored fields cut short": ("._stored.col", _truncate),
    "lengths overwritten": ("._body_en_len.col", _overwrite_middle),
    "id column deleted": (".id.col", Path.unlink),
    "date column cut short": (".date.col", _truncate),
}


@pytest.fixture
def indexed(corpus_copy: Path, tmp_path: Path) -> Path:
    index = tmp_path / "ix"
    report = index_paths([corpus_copy], index)
    assert not report.failed
    return index


def _results(index: Path) -> list[list[str]]:
    with Index(index) as ix:
        return [
            [h.id for h in ix.search(q, limit=50).hits] for q in ("mali", '"armed forces"', "solar OR wind", "berth")
        ]


def _fresh(corpus: Path, tmp_path: Path) -> Path:
    fresh = tmp_path / "fresh"
    index_paths([corpus], fresh)
    return fresh


def test_a_fresh_index_is_consistent(indexed, corpus_copy, cli):
    report = check_index(indexed)
    assert report.ok and report.compared
    assert report.roots == [str(corpus_copy)]
    assert report.documents == 50 and report.files == 46
    result = cli("check", index=indexed)
    assert result.exit_code == 0
    assert result.stdout.startswith("consistent: 50 documents, 46 files under 1 root, 0 failed, in ")


@pytest.mark.parametrize("drift", list(DRIFT))
def test_drift_is_reported_and_repaired(drift, indexed, corpus_copy, tmp_path, cli):
    expected = DRIFT[drift](corpus_copy)
    result = cli("check", index=indexed)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[:-1] == [expected]
    assert lines[-1].startswith("1 problems: ")

    repaired = cli("check", "--repair", index=indexed)
    assert repaired.exit_code == 0, repaired.output
    assert repaired.stdout.splitlines()[0] == expected
    assert repaired.stdout.splitlines()[1].startswith("repaired: reindexed: ")
    assert check_index(indexed).ok
    assert _results(indexed) == _results(_fresh(corpus_copy, tmp_path))


def test_all_drift_at_once_in_json(indexed, corpus_copy, cli):
    for change in DRIFT.values():
        change(corpus_copy)
    data = json.loads(cli("check", "--format", "json", index=indexed).stdout)
    assert data["consistent"] is False and data["compared"] is True
    assert data["missing"] == [str(corpus_copy / "plain" / "harbour-berth.txt")]
    assert data["stale"] == [{"id": EDITED, "source": str(corpus_copy / EDITED)}]
    assert data["orphaned"] == [DELETED]
    assert data["unreadable"] == [] and data["failed"] == []
    fixed = repair_index(indexed)
    assert fixed.indexed is not None and not fixed.rebuilt
    assert (fixed.indexed.added, fixed.indexed.updated, fixed.indexed.removed) == (1, 1, 1)
    assert fixed.after.ok


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_segment_files_are_unreadable_and_rebuilt(damage, indexed, corpus_copy, tmp_path, cli):
    suffix, harm = DAMAGE[damage]
    target = _segment_file(indexed, suffix)
    harm(target)
    report = check_index(indexed)
    assert [d.file for d in report.unreadable] == [target.name], report.unreadable
    assert not report.compared and not report.ok
    result = cli("check", index=indexed)
    assert result.exit_code == 1
    assert result.stdout.startswith(f"unreadable: {target.name}: ")

    searched = cli("search", "mali", index=indexed)  # may fail, but cleanly
    assert searched.exit_code in (0, 1, 2, 3) and "Traceback" not in searched.output

    repaired = cli("check", "--repair", index=indexed)
    assert repaired.exit_code == 0, repaired.output
    assert "repaired: rebuilt the index: 50 added" in repaired.stdout
    assert cli("check", index=indexed).exit_code == 0
    assert index_contents(indexed) == index_contents(_fresh(corpus_copy, tmp_path))


@pytest.mark.parametrize("harm", [_overwrite_middle, Path.unlink], ids=["overwritten", "deleted"])
def test_a_damaged_toc_is_unreadable_and_rebuilt(harm, indexed, corpus_copy, tmp_path):
    toc = next(indexed.glob("_MAIN_*.toc"))
    harm(toc)
    report = check_index(indexed)
    assert [d.file for d in report.unreadable] == [toc.name if harm is _overwrite_middle else "_MAIN_*.toc"]
    assert report.roots == [str(corpus_copy)]  # without a TOC to name its commit, the newest record
    fixed = repair_index(indexed)
    assert fixed.rebuilt and fixed.after.ok


def test_files_that_fail_to_parse_are_failed_not_missing(indexed, corpus_copy, cli):
    bad = corpus_copy / "plain" / "broken.txt"
    bad.write_bytes(b"\x00\x01binary")
    report = check_index(indexed)
    assert report.ok and not report.missing
    assert [(p.path, p.reason) for p in report.failed] == [(str(bad), "binary file (NUL bytes)")]
    result = cli("check", index=indexed)
    assert result.exit_code == 0
    assert f"dateline: failed: {bad}: binary file (NUL bytes)" in result.stderr


def test_roots_follow_incremental_prune_and_rebuild_runs(tmp_path, corpus_copy):
    index = tmp_path / "ix"
    en, de = corpus_copy / "en", corpus_copy / "de"

    def roots() -> list[str] | None:
        from whoosh.index import open_dir

        return read_roots(index, open_dir(str(index)).latest_generation())

    empty = tmp_path / "empty"
    empty.mkdir()
    index_paths([empty], index)  # an empty index records its roots too, and adds to them
    assert roots() == [str(empty)]
    index_paths([en], index)
    assert roots() == [str(empty), str(en)]
    index_paths([en], index, prune=True)
    assert roots() == [str(en)]
    index_paths([de], index)  # incremental: adds
    assert roots() == [str(en), str(de)]
    index_paths([en / "..", en], index)  # a root inside another is dropped
    assert roots() == [str(corpus_copy)]
    index_paths([de], index, prune=True)  # replaces
    assert roots() == [str(de)]
    assert check_index(index).ok
    index_paths([en], index, rebuild=True)
    assert roots() == [str(en)]
    assert check_index(index).ok
    assert check_index(index, [corpus_copy]).missing  # roots given replace the record


def test_explicit_roots_make_documents_elsewhere_orphaned(indexed, corpus_copy):
    report = check_index(indexed, [corpus_copy / "en"])
    english = len(list((corpus_copy / "en").iterdir()))
    assert report.files == english and report.documents - len(report.orphaned) == english
    assert report.orphaned and not any(i.startswith("en/") for i in report.orphaned)


def test_an_index_without_recorded_roots_needs_paths(indexed, corpus_copy, cli):
    meta = json.loads((indexed / META_FILE).read_text("utf-8"))
    del meta["roots"]
    (indexed / META_FILE).write_text(json.dumps(meta), "utf-8")
    with pytest.raises(RootsUnknownError):
        check_index(indexed)
    result = cli("check", index=indexed)
    assert result.exit_code == 2
    assert "does not record the folders it was built from" in result.stderr
    index_paths([corpus_copy / "en"], indexed)  # an incremental run does not start a partial record
    with pytest.raises(RootsUnknownError):
        check_index(indexed)
    assert cli("check", str(corpus_copy), index=indexed).exit_code == 0


def test_a_gone_root_orphans_its_documents_and_repair_refuses_to_empty_the_index(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(NEW_STORY, "utf-8")
    index = tmp_path / "ix"
    index_paths([docs], index)
    (docs / "a.txt").unlink()
    docs.rmdir()
    assert check_index(index).orphaned == ["a.txt"]
    from indexer.core.errors import SourceNotFoundError

    with pytest.raises(SourceNotFoundError):
        repair_index(index)


def test_check_on_a_missing_index_is_one_line_exit_2(tmp_path, cli):
    result = cli("check", index=tmp_path / "nothing")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"dateline: no dateline index at {tmp_path / 'nothing'} (create it with: dateline index PATH)"
    ]


def test_the_installed_command(indexed, corpus_copy):
    _edit(corpus_copy)
    env = {**os.environ, "DATELINE_NO_SERVE": "1"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [installed_dateline(), "check", "--index", str(indexed), *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)

    found = run()
    assert found.returncode == 1 and found.stdout.startswith(f"stale: {EDITED} ")
    assert run("--repair").returncode == 0
    again = run()
    assert again.returncode == 0 and again.stdout.startswith("consistent: ") and again.stderr == ""
