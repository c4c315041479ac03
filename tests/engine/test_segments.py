"""The fast segment writer writes what Whoosh's own writer writes, posting for posting."""

from __future__ import annotations

from pathlib import Path

from conftest import CORPUS, index_contents, plain_index

from indexer.core.records import to_fields
from indexer.core.store import create_index
from indexer.engine.segments import FastSegmentWriter
from indexer.parse.files import read_documents
from indexer.write.walk import walk


def fast_index(dest: Path, commits: int = 1, fast: bool = True) -> Path:
    """The sample corpus through `FastSegmentWriter.add_document` (or Whoosh's own writer with
    ``fast=False``), in ``commits`` commits."""
    from indexer.core.sources import document_id, file_stamp

    ix = create_index(dest)
    w = walk(CORPUS)
    files = w.files
    for n in range(commits):
        writer = FastSegmentWriter(ix) if fast else ix.writer()
        for path in files[n::commits] if commits > 1 else files:
            for doc in read_documents(path, doc_id=document_id(w.root, path)).documents:
                writer.add_document(**to_fields(doc, stamp=file_stamp(path)))
        writer.commit()
    return dest


def test_fast_writer_output_equals_whoosh_writer_output(tmp_path: Path) -> None:
    plain = index_contents(plain_index([CORPUS], tmp_path / "plain"))
    fast = index_contents(fast_index(tmp_path / "fast"))
    assert fast.keys() == plain.keys()
    for part in plain:
        assert fast[part] == plain[part], part
    assert len(plain["postings"]) > 3000  # a real index, not an empty comparison


def test_merging_old_segments_keeps_every_posting(tmp_path: Path) -> None:
    """Later commits merge small segments through the pool's ``add`` (lengths looked up)."""
    from whoosh import index

    path = fast_index(tmp_path / "fast", commits=6)
    segments = index.open_dir(str(path))._segments()
    assert len(segments) < 6  # Whoosh's merge policy merged some
    merged = index_contents(path)
    # Whoosh's own writer merges the same way (and, like it, totals re-add byte-rounded lengths)
    plain = index_contents(fast_index(tmp_path / "plain", commits=6, fast=False))
    for part in plain:
        assert merged[part] == plain[part], part
