"""The merge policy (issue 18.2): deleted documents are purged once a segment holds many of
them, and a small update leaves the large segment alone."""

from __future__ import annotations

import os
from pathlib import Path

from whoosh import index as whoosh_index

from indexer import index_paths
from indexer.write.merging import MAX_DELETED_SHARE


def _touch(paths: list[Path], seconds: int) -> None:
    for path in paths:
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 10**9))


def _segments(index: Path) -> list[tuple[str, int, int]]:
    """(segment id, documents, deleted) of each segment of the index's latest commit."""
    ix = whoosh_index.open_dir(str(index))
    try:
        return [(s.segid, s.doc_count_all(), s.deleted_count()) for s in ix._segments()]
    finally:
        ix.close()


def _size(index: Path) -> int:
    return sum(p.stat().st_size for p in index.rglob("*") if p.is_file())


def test_small_updates_keep_the_big_segment_and_a_full_touch_purges_deletions(corpus_copy, tmp_path):
    files = sorted(p for p in corpus_copy.rglob("*") if p.is_file())
    updated, fresh = tmp_path / "updated", tmp_path / "fresh"
    index_paths([corpus_copy], updated, workers=1)
    ((big, docs, _),) = _segments(updated)

    # One file touched: the big segment stays as it is, its one old document marked deleted.
    _touch(files[:1], 1)
    assert index_paths([corpus_copy], updated, workers=1).updated >= 1
    after = {segid: (count, deleted) for segid, count, deleted in _segments(updated)}
    assert big in after and after[big][0] == docs and 0 < after[big][1] <= docs * MAX_DELETED_SHARE

    # Every file touched: the old copies are purged, not kept beside the new ones.
    _touch(files, 2)
    index_paths([corpus_copy], updated, workers=1)
    index_paths([corpus_copy], fresh, workers=1)
    segments = _segments(updated)
    assert all(deleted <= count * MAX_DELETED_SHARE for _, count, deleted in segments), segments
    assert sum(count - deleted for _, count, deleted in segments) == sum(count for _, count, _ in _segments(fresh))
    assert _size(updated) < 1.3 * _size(fresh), (_size(updated), _size(fresh))


def test_a_segment_over_the_deleted_share_is_rewritten_with_its_live_documents(corpus_copy, tmp_path, cli):
    """Half the files touched: the big segment, half deleted, is rewritten without its deleted
    documents; every document is still found, as in a fresh build."""
    files = sorted(p for p in corpus_copy.rglob("*") if p.is_file())
    updated, fresh = tmp_path / "updated", tmp_path / "fresh"
    index_paths([corpus_copy], updated, workers=1)
    ((big, _, _),) = _segments(updated)
    _touch(files[::2], 1)
    index_paths([corpus_copy], updated, workers=1)
    index_paths([corpus_copy], fresh, workers=1)
    segments = _segments(updated)
    assert big not in {segid for segid, _, _ in segments}
    assert all(deleted <= count * MAX_DELETED_SHARE for _, count, deleted in segments), segments
    found = {}
    for index in (updated, fresh):
        result = cli("search", "*", "--format", "paths", "-n", "1000", index=index)
        assert result.exit_code == 0, result.output
        found[index] = sorted(result.output.split())
    assert found[updated] == found[fresh] and len(found[fresh]) >= len(files)
