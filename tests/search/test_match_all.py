"""``*`` matches every live document, with one score, answered from columns (issue 18.4); filters,
facets, date sorting and timelines over it equal what the documents themselves say; the
timeline honours ``--timeout`` as search does."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from search import Index, QueryError
from search.errors import SearchTimeoutError
from search.request import Sort


def documents_of(root: Path) -> dict[str, object]:
    """Every document under ``root`` by id, parsed from the files as the indexer reads them."""
    from indexer.core.sources import document_id
    from indexer.parse.files import read_documents
    from indexer.write.walk import walk

    w = walk(root)
    return {doc.id: doc for path in w.files for doc in read_documents(path, doc_id=document_id(w.root, path)).documents}


@pytest.fixture
def edited_index(tmp_path: Path, corpus_copy: Path) -> tuple[Path, dict[str, object], str]:
    """The sample corpus indexed, then one file changed, one removed and a document without
    any word (only punctuation) added, and indexed again: old versions stay in their segments,
    marked deleted. Returns the index, the documents now in the files, the removed id."""
    from indexer import index_paths

    index_paths([corpus_copy], tmp_path / "ix")
    changed = corpus_copy / "prnewswire-fama-2025-06-06.txt"
    changed.write_text(changed.read_text("utf-8").replace("Mali", "Maruvia"), "utf-8")
    gone = next(p for p in sorted((corpus_copy / "en").rglob("*.txt")))
    before = documents_of(corpus_copy)
    gone.unlink()
    removed = next(i for i in before if i not in documents_of(corpus_copy))
    (corpus_copy / "plain" / "wordless.txt").write_text("--- * ---\n\n... !!! ...\n", "utf-8")
    report = index_paths([corpus_copy], tmp_path / "ix")
    assert report.removed == 1 and report.updated == 1 and report.added == 1 and not report.failed
    return tmp_path / "ix", documents_of(corpus_copy), removed


def test_star_with_filters_and_facets_is_every_live_document(edited_index) -> None:
    path, docs, removed = edited_index
    with Index(path) as ix:
        assert any(leaf.has_deletions() for leaf, _ in ix._current().reader().leaf_readers())
        everything = ix.search("*", limit=1000, snippets=False, facets=["wire", "language"])
        assert everything.total == len(docs) == len(ix)
        assert {h.id for h in everything.hits} == set(docs) and removed not in docs
        assert len({h.score for h in everything.hits}) == 1  # one score: no document ranks above another
        numbers = [ix._current().document_number(id=h.id) for h in everything.hits]
        assert numbers == sorted(numbers)  # equal scores: in the index's order, as Whoosh breaks ties
        wires = Counter(d.wire for d in docs.values() if d.wire)
        assert {f.value: f.count for f in everything.facets["wire"]} == dict(wires)
        assert {f.value: f.count for f in everything.facets["language"]} == dict(
            Counter(d.language for d in docs.values() if d.language)
        )
        for wire in wires:
            results = ix.search("*", limit=1000, snippets=False, filters={"wire": wire}, facets=["wire", "year"])
            want = {i for i, d in docs.items() if d.wire == wire}
            assert results.total == len(want) and {h.id for h in results.hits} == want
            assert [(f.value, f.count) for f in results.facets["wire"]] == [(wire, len(want))]
            years = Counter(str(d.date.year) for i, d in docs.items() if i in want and d.date)
            assert {f.value: f.count for f in results.facets["year"]} == dict(years)
        assert ix.timeline("*").total == len(docs)
        assert "plain/wordless.txt" in {h.id for h in everything.hits}  # a document without words is a document
        # Pages follow the index's order, nothing lost or repeated; -n 0 still counts them all.
        pages = [h.id for page in (1, 2, 3, 4, 5, 6) for h in ix.search("*", limit=11, page=page, snippets=False).hits]
        assert pages == [h.id for h in everything.hits]
        assert ix.search("*", limit=0).total == len(docs)


@pytest.mark.parametrize(
    "query",
    ["*", "*:*", "title:*", "issuer:*", "place:*", "body:*", "id:*", "language:*", "url:*", "* mali", "title:* wind"],
)
def test_match_all_queries_are_answered_from_columns(edited_index, query: str) -> None:
    """``*`` and ``field:*`` go through the columnar evaluator (no word's postings read), and
    ``field:*`` finds what Whoosh's matchers find: the documents with a word in the field."""
    from search.columnar import Columns, Evaluator

    path, _, _ = edited_index
    with Index(path) as ix:
        q = ix._build(query, fields=None, lang=None, match="all", syntax=True)
        Evaluator(Columns(ix._current()), ix._weighting).run(q)  # raised Unsupported before
        fast = ix.search(query, limit=1000, snippets=False)
        ix.columnar = False
        slow = ix.search(query, limit=1000, snippets=False)
        assert fast.total == slow.total
        fast_scores, slow_scores = ({h.id: h.score for h in r.hits} for r in (fast, slow))
        assert fast_scores == pytest.approx(slow_scores, rel=1e-9)


@pytest.mark.parametrize("sort", ["date", "-date"])
# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 11 lines, not 4.
@pytest.mark.parametrize(("query", "kwargs"), [
    ("*", {}), ("*", {"filters": {"language": "de"}}), ("energy", {}), ("wind OR solar", {}),
    ("*", {"since": "2025-06-01", "until": "2025-09-30"}), ("title:*", {"lang": "en"}),
])  # fmt: skip
def test_sorted_by_date_from_columns_as_whoosh_sorts(edited_index, query: str, kwargs: dict, sort: Sort) -> None:
    """Sorted by date, the columnar path orders hits as Whoosh's sorting collector does:
    by date, ties and undated documents by document number, reversed for ``-date``."""
    path, docs, _ = edited_index
    with Index(path) as ix:
        q = ix._build(
            query,
            fields=None,
            lang=None,
            match="all",
            syntax=True,
            since=kwargs.get("since"),
            until=kwargs.get("until"),
        )
        assert ix._fast_by_date(ix._current(), q, 1000) is not None
        fast = ix.search(query, limit=1000, snippets=False, sort=sort, facets=["wire"], **kwargs)
        ix.columnar = False
        slow = ix.search(query, limit=1000, snippets=False, sort=sort, facets=["wire"], **kwargs)
        assert fast.total == slow.total > 0
        assert [h.id for h in fast.hits] == [h.id for h in slow.hits]
        assert fast.facets == slow.facets
        page = ix.search(query, limit=3, page=2, snippets=False, sort=sort, **kwargs)
        ix.columnar = True
        assert [h.id for h in ix.search(query, limit=3, page=2, snippets=False, sort=sort, **kwargs).hits] == [
            h.id for h in page.hits
        ]


def test_timeline_honours_its_timeout(corpus_ix) -> None:
    assert corpus_ix.timeline("*", timeout=0).total == corpus_ix.timeline("*", timeout=None).total > 0
    with pytest.raises(SearchTimeoutError, match="took longer than"):
        corpus_ix.timeline("*", timeout=1e-9)
    with pytest.raises(QueryError, match="timeout"):
        corpus_ix.timeline("*", timeout=-1)


def test_timeline_timeout_option(cli, corpus_index) -> None:
    """``dateline timeline --timeout`` as ``search --timeout``: 0 is no limit; past it, one line and exit 2."""
    ok = cli("timeline", "*", "--timeout", "0", "--format", "json", index=corpus_index)
    assert ok.exit_code == 0, ok.output
    late = cli("timeline", "*", "--timeout", "1e-9", index=corpus_index)
    assert late.exit_code == 2
    assert late.output == "dateline: query '*': took longer than 1e-09 s (--timeout)\n"
    bad = cli("timeline", "*", "--timeout", "-1", index=corpus_index)
    assert bad.exit_code == 2 and "-1" in bad.output


def test_installed_timeline_past_its_timeout(corpus_index) -> None:
    """The installed command, in its own process: exit 2 and the one-line message, no traceback."""
    import subprocess

    from conftest import installed_dateline

    proc = subprocess.run(
        [installed_dateline(), "timeline", "*", "--timeout", "1e-9", "--index", str(corpus_index)],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DATELINE_NO_SERVE": "1"},
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == "dateline: query '*': took longer than 1e-09 s (--timeout)\n"
