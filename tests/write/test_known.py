"""The index's sources read as a stream in source order, across segments, merges and deletions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from indexer import index_paths
from indexer.core.store import open_index
from indexer.write.known import KnownSource, iter_known, pair_up


def streamed(index: Path) -> list[KnownSource]:
    with open_index(index).reader() as reader:
        return list(iter_known(reader))


def held(index: Path) -> list[KnownSource]:
    """The same, the simple way: every document in memory, in document order, sorted afterwards."""
    with open_index(index).reader() as reader:
        ids, sources, stamps = (reader.column_reader(name) for name in ("id", "source", "stamp"))
        by_source: dict[str, list[int]] = {}
        for docnum in reader.all_doc_ids():
            by_source.setdefault(sources[docnum], []).append(docnum)
        return [KnownSource(s, stamps[d[0]], tuple(ids[n] for n in d)) for s, d in sorted(by_source.items())]


def rewrite(path: Path, round_: int) -> None:
    path.write_text(path.read_text("utf-8") + f"\nRound {round_}.\n", "utf-8")
    os.utime(path, ns=(1_700_000_000_000_000_000 + round_, 1_700_000_000_000_000_000 + round_))


@pytest.mark.parametrize("optimize", [False, True], ids=["segments", "merged"])
def test_the_stream_equals_the_index_sorted(corpus_copy: Path, tmp_path: Path, optimize: bool) -> None:
    index = tmp_path / "ix"
    index_paths([corpus_copy], index, workers=1)
    files = sorted(p for p in corpus_copy.rglob("*") if p.is_file())
    for round_ in range(1, 4):  # each run replaces a few files from all over: one more sorted run
        for path in files[round_::7]:
            rewrite(path, round_)
        index_paths([corpus_copy], index, workers=1)
    files[5].unlink()
    index_paths([corpus_copy], index, workers=1)
    if optimize:  # one segment whose documents are several sorted runs one after another
        open_index(index).optimize()
    with open_index(index).reader() as reader:
        sources = reader.column_reader("source")
        order = [sources[d] for d in reader.all_doc_ids()]
    assert order != sorted(order)  # the index itself is not in source order
    got = streamed(index)
    assert got == held(index)
    assert [k.source for k in got] == sorted({k.source for k in got})
    assert sum(len(k.ids) for k in got) == len(order)


def test_an_empty_index_streams_nothing(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    index_paths([tmp_path / "docs"], tmp_path / "ix")
    assert streamed(tmp_path / "ix") == []


def test_a_file_of_many_documents_is_one_source(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "b.jsonl").write_text("".join(f'{{"id": "b{i}", "title": "t", "body": "x"}}\n' for i in range(3)), "utf-8")
    (docs / "a.txt").write_text("From a\n\nbody", "utf-8")
    index_paths([docs], tmp_path / "ix")
    got = streamed(tmp_path / "ix")
    assert [(Path(k.source).name, k.ids) for k in got] == [("a.txt", ("a.txt",)), ("b.jsonl", ("b0", "b1", "b2"))]


@pytest.mark.parametrize(
    ("files", "sources", "expected"),
    [
        ([], [], []),
        (["a", "c"], [], [("a", None), ("c", None)]),
        ([], ["b"], [(None, "b")]),
        (["a", "c", "e"], ["b", "c", "f"], [("a", None), (None, "b"), ("c", "c"), ("e", None), (None, "f")]),
        (["b"], ["a", "b", "c"], [(None, "a"), ("b", "b"), (None, "c")]),
    ],
)
def test_pair_up_merges_files_with_sources_in_key_order(files: list[str], sources: list[str], expected: list) -> None:
    walked = [(key, "/root", f"/root/{key}") for key in files]
    known = [KnownSource(s, "stamp", (s,)) for s in sources]
    got = [(f and f[0], k and k.source) for f, k in pair_up(walked, known)]
    assert got == expected
