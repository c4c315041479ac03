"""The Whoosh work-arounds (indexer/engine/patches.py, queries.py and opening.py, search/collecting.py):
still needed, and correct."""

from __future__ import annotations

import sys

import pytest
from conftest import SEED_NAME
from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.query import And, Or, Require, Term
from whoosh.query.compound import DefaultOr
from whoosh.scoring import BM25F

from indexer.engine import patches
from indexer.engine.queries import FilteredBy
from search.collecting import search

patches.install()  # explicitly, as opening an index does: these tests use Whoosh's own indexes


@pytest.fixture
def searcher():
    ix = RamStorage().create_index(Schema(id=ID(stored=True), text=TEXT, lang=ID))
    with ix.writer() as w:
        for i in range(300):
            w.add_document(
                id=str(i), text="alpha " * (1 + i % 7) + ("beta" if i % 3 else "gamma"), lang="en" if i % 2 else "de"
            )
    with ix.searcher() as s:
        yield s


def test_whoosh_require_still_fails(searcher):
    """When this starts failing, whoosh fixed RequireMatcher and the work-around can go."""
    with pytest.raises(AssertionError):
        searcher.search(Require(Term("text", "alpha"), Term("lang", "en")), limit=5)


@pytest.mark.parametrize("limit", [1, 5, 40, None])
def test_filtered_by_matches_both_and_scores_by_the_first(searcher, limit):
    query = Or(
        [FilteredBy(Term("text", "alpha"), Term("lang", "en")), FilteredBy(Term("text", "beta"), Term("lang", "de"))]
    )
    results = searcher.search(query, limit=limit)
    assert {hit["id"] for hit in searcher.search(query, limit=None)} == {str(i) for i in range(300) if i % 2 or i % 3}
    # The optimised (quality-skipping) path returns the same top hits as scoring every match.
    unoptimised = searcher.search(query, limit=limit, optimize=False)
    assert [(h["id"], round(h.score, 6)) for h in results] == [(h["id"], round(h.score, 6)) for h in unoptimised]
    single = searcher.search(FilteredBy(Term("text", "alpha"), Term("lang", "en")), limit=limit)
    assert [h["id"] for h in single] == [
        h["id"]
        for h in searcher.search(FilteredBy(Term("text", "alpha"), Term("lang", "en")), limit=limit, optimize=False)
    ]


def _plain_or(words: tuple[str, ...]) -> Or:
    """Whoosh's own multi-field query: each word an Or of title (boosted) and body."""
    return DefaultOr([Or([Term("title_en", w, boost=3.0), Term("body_en", w)]) for w in words])


def test_whoosh_collector_replacement_still_loses_hits(random_index):
    """When this starts failing, Whoosh's matcher replacement keeps every top hit and
    `search` can go back to `Searcher.search`."""
    with whoosh_index.open_dir(str(random_index)).searcher(weighting=BM25F(K1=0.3)) as s:
        q = _plain_or(("w5", "solar"))
        every = sorted((round(hit.score, 9) for hit in s.search(q, limit=None)), reverse=True)
        assert [round(hit.score, 9) for hit in s.search(q, limit=1)] != every[:1]


@pytest.mark.parametrize("k1", [0.3, 1.2])
@pytest.mark.parametrize("words", [("w5", "solar"), ("w1", "w2", "w3"), ("solar", "market"), ("w1", "solar", "w2")])
def test_search_finds_the_true_top_hits(random_index, k1, words):
    with whoosh_index.open_dir(str(random_index)).searcher(weighting=BM25F(K1=k1)) as s:
        q = _plain_or(words)
        every = sorted((round(hit.score, 9) for hit in s.search(q, limit=None)), reverse=True)
        for limit in (1, 5, 20):
            assert [round(hit.score, 9) for hit in search(s, q, limit=limit)] == every[:limit]
        # With the caller's other options (sorting, matched terms) it still returns what they ask for.
        by_id = search(s, q, limit=5, sortedby="id", terms=True)
        assert [hit["id"] for hit in by_id] == sorted(hit["id"] for hit in s.search(q, limit=None))[:5]
        assert by_id.has_matched_terms()


def test_whoosh_query_hashes_still_cancel_out():
    """When this starts failing, Whoosh hashes a term as more than the XOR of its parts
    (docs/upstream/0001-query-hash-tuples.patch) and `patches._term_hash` can go."""
    plain = patches._plain_term_hash
    assert plain(Term("title_en", "w1")) ^ plain(Term("body_en", "w1")) == plain(Term("title_en", "w2")) ^ plain(
        Term("body_en", "w2")
    )


def test_patches_are_installed_explicitly_once():
    """Importing dateline patches nothing; `install` patches Whoosh's classes, and again is a no-op."""
    import subprocess
    import sys

    code = """if True:
        import search, search.index, search.columnar, search.stats, indexer.write.indexing
        from whoosh.query import Term
        from whoosh.reading import MultiReader
        plain = Term.__hash__, MultiReader.column_reader
        from indexer.engine import patches
        assert (Term.__hash__, MultiReader.column_reader) == plain, "patched on import"
        patches.install()
        patched = Term.__hash__, MultiReader.column_reader
        patches.install()
        assert (Term.__hash__, MultiReader.column_reader) == patched and patched[0] is not plain[0]
        assert (patches._plain_term_hash, patches._plain_multi_column_reader) == plain
        print("ok")
    """
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.stdout == "ok\n", proc.stderr


def test_distinct_multifield_words_hash_apart():
    """Whoosh hashed a query as the XOR of its parts, so one word in two fields hashed the same
    whatever the word, and `normalize` (a set of parts) went quadratic: a 10,000-word query took
    150 s. Equal queries must still hash equal."""
    parts = [Or([Term("title_en", f"w{i}", boost=3.0), Term("body_en", f"w{i}")]) for i in range(10_000)]
    assert len({hash(p) for p in parts}) > 9_990
    assert len({hash(Term("body_en", f"w{i}")) for i in range(1000)}) > 990
    assert hash(Or([Term("a", "x"), Term("b", "x")])) == hash(Or([Term("a", "x"), Term("b", "x")]))
    assert hash(Term("a", "x", boost=2.0)) != hash(Term("a", "x"))
    # normalize dedupes equal parts through that hash, and keeps the distinct ones.
    assert len(And(parts + parts[:10]).normalize().subqueries) == 10_000


EDITS = {
    "update": lambda c: (c / SEED_NAME).write_text((c / SEED_NAME).read_text("utf-8") + "\nOne more line.\n", "utf-8"),
    "add": lambda c: (c / "added.txt").write_text("Added\n\nA new story about armed forces.\n", "utf-8"),
    "delete": lambda c: (c / SEED_NAME).unlink(),
}


def test_whoosh_refresh_still_adds_the_old_segments_back(corpus_copy, tmp_path):
    """When this starts failing, whoosh-reloaded fixed ``Searcher.refresh`` (its reader reuse
    appends the old reader's segments to the new ones) and `open_searcher` could use it again."""
    from indexer import index_paths

    index_paths([corpus_copy], tmp_path / "ix")
    ix = whoosh_index.open_dir(str(tmp_path / "ix"))
    old = ix.searcher()
    before = old.doc_count()
    EDITS["update"](corpus_copy)
    index_paths([corpus_copy], tmp_path / "ix")
    refreshed = old.refresh()  # closes what it does not reuse
    try:
        assert refreshed.doc_count() > before
    finally:
        refreshed.close()


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_kept_open_index_sees_each_commit_whole(corpus_copy, tmp_path, edit):
    """An `Index` kept open (as `dateline serve` keeps them) across commits answers exactly as
    one opened afresh: no document twice, none from a replaced segment."""
    from indexer import index_paths
    from search import Index

    index_paths([corpus_copy], tmp_path / "ix")
    with Index(tmp_path / "ix") as kept:
        kept.search("forces")
        for round_ in range(3):
            if edit != "delete" or round_ == 0:
                EDITS[edit](corpus_copy)
            (corpus_copy / f"round-{round_}.txt").write_text(
                f"Round {round_}\n\nArmed forces, round {round_}.\n", "utf-8"
            )
            index_paths([corpus_copy], tmp_path / "ix")
            with Index(tmp_path / "ix") as fresh:
                for query in ("*", "forces", "armed forces"):
                    got, want = kept.search(query, limit=1000), fresh.search(query, limit=1000)
                    ids = [h.id for h in got.hits]
                    assert len(ids) == len(set(ids)) == got.total == want.total, query
                    assert ids == [h.id for h in want.hits]
                assert len(kept) == len(fresh)


@pytest.fixture(params=["numpy", "accumulate"])
def summing(request, monkeypatch):
    """The offsets summed by numpy (a search has loaded it) or without it (the indexer)."""
    if request.param == "accumulate":
        monkeypatch.delitem(sys.modules, "numpy")
    else:
        import numpy  # noqa: F401
    return request.param


@pytest.mark.parametrize("count", [0, 1, 7, 300, 40_000])  # above 32,768 Whoosh stores the offsets itself
@pytest.mark.parametrize("widest", [3, 300, 70_000])  # lengths as bytes, shorts, ints
def test_var_bytes_offsets_are_whooshs(count, widest, summing):
    """The offsets summed by numpy, or without it, are the ones Whoosh's own loop derives, value for value."""
    from array import array

    from whoosh.columns import VarBytesColumn

    values = [b"" if i % 5 == 0 else b"x" * (widest if i % 97 == 1 else i % 11) for i in range(count)]
    storage, column = RamStorage(), VarBytesColumn()
    out = storage.create_file("column")
    writer = column.writer(out)
    for docnum, value in enumerate(values):
        if value:
            writer.add(docnum, value)
    writer.finish(count)
    length = out.tell()
    out.close()
    reader = column.reader(storage.open_file("column"), 0, length, count)
    expected, base = array("L"), 0
    for size in reader._lengths:  # Whoosh's loop
        expected.append(base)
        base += size
    assert reader._offsets.tolist() == expected.tolist() and len(reader._lengths) == count
    assert reader.had_stored_offsets == (count > 32_768)
    assert [reader[d] for d in range(count)] == values


@pytest.mark.parametrize("code", ["b", "h", "i"])
def test_var_bytes_lengths_gone_negative_fail_as_in_whoosh(code, summing):
    """A damaged column (its last byte read as a signed type code, lengths that sum below zero)
    must fail as Whoosh's loop fails, so `dateline check` blames the damaged file; summed by
    numpy into unsigned offsets, it was read as garbage (a flaky test_check case found it)."""
    import struct
    from array import array

    from whoosh.columns import VarBytesColumn

    lengths = array(code, [3, -7, 2, 1])
    data = b"abc" + lengths.tobytes() + code.encode()
    storage = RamStorage()
    with storage.create_file("column") as out:
        out.write(data)
    with pytest.raises(OverflowError):
        VarBytesColumn().reader(storage.open_file("column"), 0, len(data), len(lengths))
    base, whoosh = 0, array("L")
    with pytest.raises(OverflowError):  # Whoosh's own loop, for comparison
        for size in lengths:
            whoosh.append(base)
            base += size
    assert struct.calcsize(code) * len(lengths) + 4 == len(data)


def _segments_with_gaps(layout: tuple[bool, ...]):
    """A RAM index with one segment per entry of ``layout``: three documents each, with an
    issuer (a column) where the entry is true, without one (no column file) where false."""
    ix = RamStorage().create_index(Schema(id=ID(stored=True), issuer=ID(sortable=True)))
    expected = []
    for number, has_issuer in enumerate(layout):
        with ix.writer() as w:
            w.merge = False  # keep each run's segment
            for i in range(3):
                issuer = f"acme{number}{i}" if has_issuer else None
                w.add_document(id=f"{number}-{i}", **({"issuer": issuer} if issuer else {}))
                expected.append(issuer or "")
    return ix, expected


def test_whoosh_multi_column_reader_still_misreads_segments_without_the_column():
    """When this starts failing, Whoosh's `MultiReader.column_reader` keeps every segment
    and `_multi_column_reader` can go."""
    ix, _ = _segments_with_gaps((False, False))
    with ix.reader() as reader:
        assert [r.has_column("issuer") for r, _ in reader.leaf_readers()] == [False, False]
        column = patches._plain_multi_column_reader(reader, "issuer")
        with pytest.raises(IndexError):
            column[0]


@pytest.mark.parametrize("layout", [(False, False), (True, False), (False, True), (False, True, False, True)])
def test_multi_segment_columns_read_each_document_from_its_own_segment(layout):
    ix, expected = _segments_with_gaps(layout)
    with ix.reader() as reader:
        assert len(list(reader.leaf_readers())) == len(layout)
        column = reader.column_reader("issuer")
        assert [column[d] for d in range(reader.doc_count_all())] == expected
        assert list(column) == expected and len(column) == len(expected)
