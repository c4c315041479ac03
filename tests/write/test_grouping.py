"""Copies of one story found at index time (`indexer.write.grouping`): real releases of the sample
corpus republished with another portal's header, trailer and furniture group together; other
releases of one issuer, a daily column under one title, and a template's notices do not; groups
follow documents added, changed and removed."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from conftest import CASES, CORPUS, NOTICE, republished, write

from indexer import index_paths
from indexer.core.groups import read_groups
from indexer.write.grouping import COPY_DAYS, find_groups
from indexer.write.sigs import Collector, read_sigs
from search import Index

#: Releases of the corpus, each republished by the tests; the first two share an issuer.
RELEASES = [
    "en/businesswire-corvane-phase2-results-2025-03-12.txt",
    "en/prnewswire-halvard-radar-contract-2025-06-10.txt",
    "de/eqs-nordlicht-energie-jahresergebnis-2025-03-27.txt",
    "en/globenewswire-kestrel-lithium-drilling-2025-04-08.txt",
]
SAME_ISSUER = (
    "en/businesswire-corvane-phase2-results-2025-03-12.txt",
    "en/businesswire-corvane-lindqvist-acquisition-2025-06-24.txt",
)


def copies(index: Path, doc_id: str) -> set[str]:
    with Index(index) as ix:
        return {c.id for c in ix.copies(doc_id)}


@pytest.mark.parametrize("release", RELEASES)
def test_a_release_republished_by_two_portals_is_one_story(tmp_path: Path, release: str) -> None:
    text = (CORPUS / release).read_text("utf-8")
    archive = tmp_path / "archive"
    write(archive, "wire/release.txt", text)
    write(archive, "portal-a/release.txt", republished(text, 1))
    write(archive, "portal-b/release.txt", republished(text, 2))
    for other in RELEASES:
        if other != release:
            write(archive, f"wire/{Path(other).name}", (CORPUS / other).read_text("utf-8"))
    index = tmp_path / "index"
    assert not index_paths([archive], index).failed
    assert copies(index, "wire/release.txt") == {"portal-a/release.txt", "portal-b/release.txt"}
    with Index(index) as ix:
        lead = [c for c in ix.copies("portal-a/release.txt") if c.lead]
    assert [c.id for c in lead] == ["wire/release.txt"]  # the earliest published leads
    for other in RELEASES:
        if other != release:
            assert copies(index, f"wire/{Path(other).name}") == set()


def test_releases_of_one_issuer_are_not_copies(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    for name in SAME_ISSUER:
        write(archive, Path(name).name, (CORPUS / name).read_text("utf-8"))
    index = tmp_path / "index"
    index_paths([archive], index)
    assert copies(index, Path(SAME_ISSUER[0]).name) == set()


def column(day: int, body: str) -> str:
    return f"date 2025-06-{day:02d} Kolumne\n{day:02d}.06.2025 07:00 Uhr\nMarktbericht: Der Morgen an der Börse\n\n{body}\n"


def test_a_daily_column_under_one_title_is_not_one_story(tmp_path: Path) -> None:
    bodies = [
        "\n\n".join((CORPUS / name).read_text("utf-8").split("\n\n")[1:4])
        for name in ("de/dpa-afx-aktien-frankfurt-schluss-2025-09-02.txt", *RELEASES[:3])
    ]
    archive = tmp_path / "archive"
    for day, body in enumerate(bodies, start=2):
        write(archive, f"column-{day}.txt", column(day, body))
    index = tmp_path / "index"
    index_paths([archive], index)
    for day in range(2, 2 + len(bodies)):
        assert copies(index, f"column-{day}.txt") == set()


def test_notices_of_one_template_are_a_family_not_copies(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    for day, case in enumerate(CASES, start=7):
        write(archive, f"notice-{day}.txt", NOTICE.format(day=day, **case))
    index = tmp_path / "index"
    index_paths([archive], index)
    with Index(index) as ix:
        assert all(not ix.copies(f"notice-{day}.txt") for day in range(7, 7 + len(CASES)))
        groups = ix._groups_of(ix._current())
    families = set(groups.family.tolist())
    assert len(families) == 1 and families != {-1}, groups.family


def test_groups_follow_documents_added_changed_and_removed(tmp_path: Path) -> None:
    text = (CORPUS / RELEASES[0]).read_text("utf-8")
    other = (CORPUS / RELEASES[1]).read_text("utf-8")
    archive = tmp_path / "archive"
    index = tmp_path / "index"
    write(archive, "a/release.txt", text)
    write(archive, "b/release.txt", republished(text, 1))
    write(archive, "other.txt", other)
    index_paths([archive], index)
    assert copies(index, "a/release.txt") == {"b/release.txt"}

    write(archive, "c/release.txt", republished(text, 2))  # added
    index_paths([archive], index)
    assert copies(index, "a/release.txt") == {"b/release.txt", "c/release.txt"}

    write(archive, "b/release.txt", republished(other, 1))  # changed into a copy of the other story
    os.utime(archive / "b/release.txt", (1, 1))
    index_paths([archive], index)
    assert copies(index, "a/release.txt") == {"c/release.txt"}
    assert copies(index, "other.txt") == {"b/release.txt"}

    (archive / "a/release.txt").unlink()  # the lead removed: the next earliest leads
    index_paths([archive], index)
    assert copies(index, "c/release.txt") == set()
    assert copies(index, "other.txt") == {"b/release.txt"}
    with Index(index) as ix:
        assert [c.id for c in ix.copies("b/release.txt") if c.lead] == ["other.txt"]


def test_copies_further_apart_than_a_week_are_not_grouped(tmp_path: Path) -> None:
    text = (CORPUS / RELEASES[1]).read_text("utf-8")
    archive = tmp_path / "archive"
    write(archive, "a.txt", text)
    write(archive, "b.txt", republished(text, COPY_DAYS + 2))
    index = tmp_path / "index"
    index_paths([archive], index)
    assert copies(index, "a.txt") == set()


def test_merged_segments_keep_each_documents_signature(tmp_path: Path) -> None:
    """Runs that each add a file leave many small segments, merged at the tenth: the merged segment's
    signature file must hold its live documents' rows in its own document order."""
    archive = tmp_path / "archive"
    index = tmp_path / "index"
    names = sorted(p for p in (CORPUS / "en").iterdir())[:14]
    for i, path in enumerate(names):
        write(archive, path.name, path.read_text("utf-8"))
        if i == 3:
            write(archive, "copy.txt", republished(names[0].read_text("utf-8"), 1))
        index_paths([archive], index)
    with Index(index) as ix:
        searcher = ix._current()
        reader = searcher.reader()
        assert len(reader.leaf_readers()) < len(names)  # merged
        ids = reader.column_reader("id")
        for leaf, offset in reader.leaf_readers():
            rows = read_sigs(ix._ix.storage, leaf.segment())
            assert rows is not None
            for local in range(leaf.doc_count_all()):
                if leaf.is_deleted(local):
                    continue
                doc = leaf.stored_fields(local)
                collector = Collector()
                from indexer.parse.files import read_documents

                collector.add(read_documents(archive / ids[offset + local], doc_id=ids[offset + local]).documents[0])
                assert np.array_equal(collector.take().minima[0], rows.minima[local]), doc.get("title")
        assert {c.id for c in ix.copies("copy.txt")} == {names[0].name}
        generation, count = reader.generation(), reader.doc_count_all()
    assert read_groups(index, generation, count) is not None


def test_nothing_groups_without_signatures() -> None:
    from indexer.write.sigs import SegmentSigs, Stacked

    assert len(find_groups(Stacked([]), np.zeros(0, dtype=bool))) == 0
    groups = find_groups(Stacked([SegmentSigs.empty(3)]), np.ones(3, dtype=bool))  # an index of 0.5
    assert len(groups) == 3 and len(groups.lead) == 0 and (groups.family == -1).all()
