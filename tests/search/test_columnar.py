"""The columnar evaluator ranks exactly as Whoosh's matchers do, and declines what it cannot do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS

from search import Index, Results

#: Query, and keyword arguments of `Index.search`: words, fields, phrases, OR, filters, dates.
QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("mali", {}),
    ("armed forces", {}),
    ("wind power", {"match": "any"}),
    ("solar storage battery", {"match": "any"}),
    ("Übernahme", {}),
    ("energie windpark", {"match": "any"}),
    ('"armed forces"', {}),
    ('"offshore wind"', {}),
    ('"wind farm"~3', {}),
    ('"general staff of the armed forces"', {}),
    ("issuer:corvane", {}),
    ("title:acquisition", {}),
    ("place:frankfurt OR place:london", {}),
    ("wire:globenewswire", {}),
    ("contract", {"lang": "en"}),
    ("aktie", {"lang": "de"}),
    ("results", {"since": "2025-05-01", "until": "2025-09-30"}),
    ("date:[2025-06-01 to 2025-06-30]", {}),
    ("bank date:[2025-01-01 to 2025-06-30]", {}),
    ("market", {"until": "2025-06-30"}),
    ("wind", {"fields": ["title"]}),
    ("mali mali mali forces", {"match": "any"}),
]
#: Queries the evaluator hands to Whoosh (they must still work, through the matchers).
DECLINED = ["wind NOT solar", "wind*", "windpark~1", "-mali forces"]


def same_ranking(fast: list[tuple[str, float]], slow: list[tuple[str, float]]) -> None:
    """Equal scores (to 1e-9) and equal ids, where documents whose scores tie may swap."""
    assert len(fast) == len(slow)
    assert [s for _, s in fast] == pytest.approx([s for _, s in slow], rel=1e-9)
    i = 0
    while i < len(fast):
        j = i + 1
        while j < len(fast) and fast[j][1] == pytest.approx(fast[i][1], rel=1e-9):
            j += 1
        assert {d for d, _ in fast[i:j]} == {d for d, _ in slow[i:j]}
        i = j


def scored(results: Results) -> list[tuple[str, float]]:
    """Each hit's id and score, best first: a search ranked by relevance scores every hit."""
    pairs = []
    for hit in results.hits:
        assert hit.score is not None, hit.id
        pairs.append((hit.id, hit.score))
    return pairs


def both_ways(ix: Index, query: str, **kwargs) -> tuple[list, list, int, int]:
    out = []
    for columnar in (True, False):
        ix.columnar = columnar
        results = ix.search(query, limit=1000, snippets=False, **kwargs)
        out.append(([(h.id, h.score) for h in results.hits], results.total))
    ix.columnar = True
    return out[0][0], out[1][0], out[0][1], out[1][1]


@pytest.mark.parametrize(("query", "kwargs"), QUERIES, ids=[q for q, _ in QUERIES])
def test_sample_corpus_ranks_the_same_both_ways(corpus_ix: Index, query: str, kwargs: dict) -> None:
    fast, slow, fast_total, slow_total = both_ways(corpus_ix, query, **kwargs)
    assert fast, f"{query!r} should find something in the sample corpus"
    assert fast_total == slow_total == len(slow)
    same_ranking(fast, slow)


@pytest.mark.parametrize("query", ["market price", "solar OR storage", "battery turbine", '"market price"', "w1 w2 w3"])
def test_random_index_ranks_the_same_both_ways(random_index: Path, query: str) -> None:
    with Index(random_index) as ix:
        fast, slow, fast_total, slow_total = both_ways(ix, query, match="any")
        assert fast_total == slow_total > 0
        same_ranking(fast, slow)
        ix.columnar = False
        slow_ranked = ix.ranked(query, limit=50)
        ix.columnar = True
        same_ranking(ix.ranked(query, limit=50), slow_ranked)


@pytest.mark.parametrize("query", DECLINED)
def test_queries_it_cannot_evaluate_go_to_whoosh(corpus_ix: Index, query: str) -> None:
    from search.columnar import Columns, Evaluator, Unsupported

    q = corpus_ix._build(query, fields=None, lang=None, match="all", syntax=True)
    with pytest.raises(Unsupported):
        Evaluator(Columns(corpus_ix._current()), corpus_ix._weighting).run(q)
    fast, slow, fast_total, slow_total = both_ways(corpus_ix, query)
    assert fast == slow and fast_total == slow_total


def test_deleted_documents_are_not_found(tmp_path: Path, corpus_copy: Path) -> None:
    """After an edit the old version stays in its segment, marked deleted: never a hit."""
    from indexer import index_paths

    index_paths([corpus_copy], tmp_path / "ix")
    target = corpus_copy / "prnewswire-fama-2025-06-06.txt"
    target.write_text(target.read_text("utf-8").replace("Mali", "Maruvia"), "utf-8")
    index_paths([corpus_copy], tmp_path / "ix")
    with Index(tmp_path / "ix") as ix:
        for query in ("bamako", "maruvia", "mali", '"armed forces"'):
            fast, slow, fast_total, slow_total = both_ways(ix, query)
            assert fast_total == slow_total
            same_ranking(fast, slow)
        ids = [h.id for h in ix.search("maruvia", limit=100).hits]
        assert ids.count("prnewswire-fama-2025-06-06.txt") == 1
        assert "prnewswire-fama-2025-06-06.txt" not in [h.id for h in ix.search('"malian armed forces"').hits]


def test_optimised_index_and_search_rank_as_plain_whoosh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's check: the fast indexer (two workers, many small segments) searched by the
    columnar evaluator ranks exactly as Whoosh's own writer searched by its matchers."""
    from conftest import plain_index

    import indexer.write.build as build
    from indexer import index_paths

    monkeypatch.setattr(build, "MIN_FILES_PER_WORKER", 1)
    plain = plain_index([CORPUS], tmp_path / "plain")
    fast = tmp_path / "fast"
    index_paths([CORPUS], fast, workers=2, pool_bytes=200_000)
    with Index(plain) as slow_ix, Index(fast) as fast_ix:
        assert len(list(fast_ix._current().reader().leaf_readers())) > 2
        slow_ix.columnar = False
        for query, kwargs in QUERIES:
            fast_hits = fast_ix.search(query, limit=1000, snippets=False, **kwargs)
            slow_hits = slow_ix.search(query, limit=1000, snippets=False, **kwargs)
            assert fast_hits.total == slow_hits.total, query
            same_ranking(scored(fast_hits), scored(slow_hits))


def test_language_masks_from_the_column_are_the_postings(tmp_path: Path, corpus_copy: Path, random_index: Path) -> None:
    """A filter on an ID field (the language) is read from its column: the same documents as
    its term's postings, deleted ones included, in every segment; absent values match none."""
    import numpy as np

    from indexer import index_paths
    from search.columnar import Columns

    index_paths([corpus_copy], tmp_path / "ix", workers=2)
    target = corpus_copy / "prnewswire-fama-2025-06-06.txt"
    target.write_text(target.read_text("utf-8").replace("Mali", "Maruvia"), "utf-8")
    index_paths([corpus_copy], tmp_path / "ix")
    for path in (tmp_path / "ix", random_index):
        with Index(path) as ix:
            columns = Columns(ix._current())
            assert any(leaf.has_deletions() for leaf, _ in columns.leaves) or path == random_index
            for value in [*columns.reader.lexicon("lang"), b"fr", b"e", b"enx", b"\xff\xfe"]:
                from_postings = np.zeros(columns.size, dtype=bool)
                from_postings[columns.postings("lang", value)[0]] = True
                from_column = columns._value_mask("lang", value)
                assert from_column is not None and (from_column == from_postings).all(), value
                assert (columns.term_mask("lang", value) == from_postings).all()
            assert columns._value_mask("title_en", b"mali") is None  # analysed text: its postings


def test_id_masks_from_any_column_are_the_postings() -> None:
    """Values of every length (a segment of equal lengths is read as rows, any other byte by
    byte), longer than 8 bytes, sharing prefixes, absent; several segments, deleted documents."""
    import numpy as np
    from whoosh.fields import ID, Schema
    from whoosh.filedb.filestore import RamStorage
    from whoosh.writing import NO_MERGE

    from search.columnar import Columns

    values = ["en", "de", "e", "enx", "", "x" * 8, "x" * 9, "äö", "en\x00", "ü"]
    ix = RamStorage().create_index(Schema(id=ID(stored=True, unique=True), tag=ID(sortable=True)))
    for segment, pick in enumerate([lambda i: values[i % len(values)], lambda i: "de", lambda i: values[(i * 7) % 4]]):
        with ix.writer() as writer:
            writer.mergetype = NO_MERGE
            for i in range(40):
                tag = pick(i)
                writer.add_document(id=f"{segment}-{i}", **({"tag": tag} if tag else {}))
    with ix.writer() as writer:
        writer.mergetype = NO_MERGE
        writer.delete_by_term("id", "0-3")
    with ix.searcher() as searcher:
        columns = Columns(searcher)
        assert len(columns.leaves) >= 3 and any(leaf.has_deletions() for leaf, _ in columns.leaves)
        for value in {*values, "xx", "d", "x" * 7}:
            tbytes = value.encode("utf-8")
            from_postings = np.zeros(columns.size, dtype=bool)
            from_postings[columns.postings("tag", tbytes)[0]] = True
            from_column = columns._value_mask("tag", tbytes)
            if not tbytes or len(tbytes) > 8:
                assert from_column is None  # read from the postings
            else:
                assert from_column is not None and (from_column == from_postings).all(), value
            assert (columns.term_mask("tag", tbytes) == from_postings).all(), value


@pytest.mark.parametrize("query", ["mali", "mal*", "mali NOT x", "*", '"armed forces"'])
def test_an_index_whose_documents_were_all_removed_finds_nothing(tmp_path: Path, query: str) -> None:
    """Whoosh reads such an index with one empty reader, which has no term files: reading
    postings from it failed (AttributeError, exit 3)."""
    import shutil

    from conftest import CORPUS

    from indexer import index_paths

    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(CORPUS / "prnewswire-fama-2025-06-06.txt", src)
    index_paths([src], tmp_path / "ix")
    (src / "prnewswire-fama-2025-06-06.txt").unlink()
    assert index_paths([src], tmp_path / "ix").removed == 1
    with Index(tmp_path / "ix") as ix:
        found = ix.search(query, facets=["wire"], filters={"language": "en"})
        assert (found.total, found.hits) == (0, [])
        assert ix.timeline(query).total == 0
