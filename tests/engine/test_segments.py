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


def test_fast_writer_postings_are_smaller_and_read_without_a_lookup(tmp_path: Path, monkeypatch) -> None:
    """One-posting terms are inlined in their term info and blocks pickle positions as bytes
    (protocol 3): the index is smaller and reading every posting list looks up no class (Whoosh's
    protocol 2 rebuilt each posting's positions by a call to ``_codecs.encode``). The contents
    stay equal to Whoosh's writer's (the test above)."""
    from whoosh import index

    from indexer.engine.pickles import IndexUnpickler

    def size(path: Path) -> int:
        return sum(p.stat().st_size for p in path.iterdir() if p.is_file())

    plain = plain_index([CORPUS], tmp_path / "plain")
    fast = fast_index(tmp_path / "fast")
    assert size(fast) < 0.9 * size(plain)
    lookups = []
    real = IndexUnpickler.find_class

    def counted(self: IndexUnpickler, module: str, name: str) -> object:
        lookups.append((module, name))
        return real(self, module, name)

    monkeypatch.setattr(IndexUnpickler, "find_class", counted)
    with index.open_dir(str(fast)).reader() as reader:
        infos = [reader.term_info(f, t) for f, t in reader.all_terms()]
        assert sum(i.is_inlined() for i in infos) > len(infos) / 2
        assert all(i.is_inlined() == (i.doc_frequency() == 1) for i in infos)
        lookups.clear()  # opening the index reads its schema, which names classes
        for fieldname, tbytes in reader.all_terms():
            if reader.schema[fieldname].format.supports("positions"):
                reader.postings(fieldname, tbytes).all_items()
                list(reader.postings(fieldname, tbytes).items_as("positions"))
    assert lookups == []


def test_term_index_written_in_small_batches_is_the_same(tmp_path: Path, monkeypatch) -> None:
    """The term index is written `TERMS_PER_WRITE` entries at a time; many small batches give
    the index one batch per field gives."""
    import indexer.engine.segments as segments

    whole = index_contents(fast_index(tmp_path / "whole"))
    monkeypatch.setattr(segments, "TERMS_PER_WRITE", 7)
    assert index_contents(fast_index(tmp_path / "batched")) == whole
