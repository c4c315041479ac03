"""Bundles, feeds and mailboxes indexed incrementally, per file as any file: a changed bundle is read
again, members or items that vanished are removed, an unchanged one is skipped after one `stat`;
the search finds members by their own words; a bad member fails alone; the CLI names a missing
extra in one line."""

from __future__ import annotations

import gzip
import os
import sys
import zipfile
from pathlib import Path

import pytest

from indexer import index_paths
from search import Index
from search.cli.commands import main as dateline


def _ids(index: Path) -> set[str]:
    with Index(index) as ix:
        return {hit.id for hit in ix.search("*", limit=1000).hits}


def _zip(path: Path, members: dict[str, str]) -> None:
    before = path.stat().st_mtime_ns if path.exists() else None
    with zipfile.ZipFile(path, "w") as bundle:
        for name, text in members.items():
            bundle.writestr(name, text)
    if before is not None:  # a rewrite within the same clock tick must still look changed
        os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


def _feed(path: Path, items: list[tuple[str, str]]) -> None:
    before = path.stat().st_mtime_ns if path.exists() else None
    body = "".join(f"<item><title>{t}</title><description>{d}</description></item>" for t, d in items)
    path.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{body}</channel></rss>', "utf-8"
    )
    if before is not None:
        os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


def test_a_changed_bundle_updates_its_members_and_removes_the_vanished(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    bundle = archive / "week.zip"
    _zip(
        bundle,
        {"a.txt": "Harbour story\n\nThe harbour reopened.", "b.txt": "Mill story\n\nThe mill closed.", "logo.png": "x"},
    )
    first = index_paths([archive], tmp_path / "ix")
    assert (first.added, first.failed) == (2, [])
    assert _ids(tmp_path / "ix") == {"week.zip/a.txt", "week.zip/b.txt"}

    again = index_paths([archive], tmp_path / "ix")
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 2)

    _zip(
        bundle,
        {
            "a.txt": "Harbour story\n\nThe harbour reopened with a lighthouse.",
            "c.txt": "Bridge story\n\nA bridge opened.",
        },
    )
    report = index_paths([archive], tmp_path / "ix")
    assert (report.added, report.updated, report.removed) == (1, 1, 1)
    assert _ids(tmp_path / "ix") == {"week.zip/a.txt", "week.zip/c.txt"}
    with Index(tmp_path / "ix") as ix:
        assert [h.id for h in ix.search("lighthouse").hits] == ["week.zip/a.txt"]
        assert ix.search("mill").total == 0

    bundle.unlink()
    gone = index_paths([archive], tmp_path / "ix")
    assert gone.removed == 2 and _ids(tmp_path / "ix") == set()


def test_items_that_leave_a_feed_leave_the_index(tmp_path: Path) -> None:
    feed = tmp_path / "wire.rss"
    _feed(
        feed,
        [
            ("Rates rise", "The central bank raised rates."),
            ("Oil falls", "Oil prices fell."),
            ("Gold flat", "Gold held."),
        ],
    )
    assert index_paths([feed], tmp_path / "ix").added == 3
    _feed(feed, [("Rates rise", "The central bank raised rates again."), ("Oil falls", "Oil prices fell.")])
    report = index_paths([feed], tmp_path / "ix")
    assert (report.added, report.updated, report.removed) == (0, 2, 1)
    assert _ids(tmp_path / "ix") == {"wire.rss#1", "wire.rss#2"}


def test_a_bad_member_fails_alone_and_is_named(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    _zip(archive / "b.zip", {"good.txt": "Good story\n\nAll is well.", "../evil.txt": "Evil\n\nEvil."})
    (archive / "story.txt.gz").write_bytes(gzip.compress(b"Packed story\n\nThe packed text.")[:-10])
    (archive / "fine.txt.gz").write_bytes(gzip.compress(b"Fine story\n\nThe fine text."))
    report = index_paths([archive], tmp_path / "ix")
    assert report.added == 2
    assert _ids(tmp_path / "ix") == {"b.zip/good.txt", "fine.txt.gz"}
    reasons = sorted((Path(p.path).name, p.reason) for p in report.failed)
    assert reasons == [
        ("b.zip", "member ../evil.txt: a path that leaves the bundle; not read"),
        ("story.txt.gz", "a truncated gzip file (it ends before its end marker)"),
    ]


def test_the_cli_names_a_missing_extra_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "release.pdf").write_bytes(b"%PDF-1.7\n%%EOF\n")
    (archive / "story.txt").write_text("Story\n\nA story beside the PDF.", "utf-8")
    monkeypatch.setitem(sys.modules, "pypdf", None)
    result = CliRunner().invoke(dateline, ["index", "--index", str(tmp_path / "ix"), "--workers", "1", str(archive)])
    assert result.exit_code == 1, result.output
    line = f"dateline: failed: {archive / 'release.pdf'}: reading PDFs needs 'pip install dateline[pdf]'"
    assert line in result.output.splitlines()
    assert "Traceback" not in result.output
    assert _ids(tmp_path / "ix") == {"story.txt"}
