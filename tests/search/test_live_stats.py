"""Scores count live documents only (issue 18.2): an index whose files were touched and
re-indexed in place scores like a fresh build of the same files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer import index_paths
from search import Index

TOUCHED = ["globenewswire", "corvane", "norvale"]  # wire, issuer and phrase queries below see them
QUERIES = ["wire:globenewswire", "issuer:corvane", '"battery recycling"', "battery"]


def _touch_some(folder: Path) -> list[Path]:
    """Touch (new mtime, same text) the English files named by `TOUCHED`: few of the archive's."""
    touched = [p for p in sorted((folder / "en").iterdir()) if any(word in p.name for word in TOUCHED)]
    for path in touched:
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    return touched


def _explained(cli, index: Path, query: str) -> dict[str, tuple[float, list[float | None]]]:
    result = cli("search", query, "--explain", "--format", "json", "-n", "1000", index=index)
    assert result.exit_code == 0, result.output
    out = {}
    for hit in json.loads(result.output)["hits"]:
        terms = hit["explanation"]["terms"]
        idfs = [t.get("idf") for t in terms] + [f.get("idf") for t in terms for f in t.get("fields", [])]
        out[hit["id"]] = (hit["score"], [idf for idf in idfs if idf is not None])
    return out


@pytest.fixture(params=["skipped", "read-whole"])
def updated_and_fresh(request, corpus_copy: Path, tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    """A touched-and-updated index and a fresh build of the same files; ``read-whole`` makes
    `search.live` count deleted postings by reading whole posting lists, as it does for
    segments with many deletions, instead of skipping to each deletion."""
    if request.param == "read-whole":
        from search import live

        monkeypatch.setattr(live, "_FEW_DELETIONS", 0)
    updated, fresh = tmp_path / "updated", tmp_path / "fresh"
    index_paths([corpus_copy], updated)
    touched = _touch_some(corpus_copy)
    assert len(touched) >= 3
    report = index_paths([corpus_copy], updated)
    assert report.updated == len(touched)
    with whoosh_index.open_dir(str(updated)).reader() as reader:
        assert reader.has_deletions(), "the update left no deleted documents: the test would check nothing"
    index_paths([corpus_copy], fresh)
    return updated, fresh


@pytest.mark.parametrize("query", QUERIES)
def test_idf_after_an_update_equals_a_fresh_build(cli, updated_and_fresh, query):
    """Deleted copies of the touched files are not counted: every IDF --explain shows (name
    fields, phrase words, bare words) is the fresh build's."""
    updated, fresh = updated_and_fresh
    got, want = _explained(cli, updated, query), _explained(cli, fresh, query)
    assert got and set(got) == set(want)
    for doc_id, (_, idfs) in want.items():
        assert got[doc_id][1] == pytest.approx(idfs, rel=1e-12), doc_id


@pytest.mark.parametrize("query", ["wire:globenewswire", "issuer:corvane"])
def test_name_field_scores_after_an_update_equal_a_fresh_build(cli, updated_and_fresh, query):
    """Name fields are short (their lengths exact in Whoosh's length bytes): scores, in both
    scoring paths (numpy and Whoosh's matchers behind --explain), equal the fresh build's."""
    updated, fresh = updated_and_fresh
    with Index(updated) as ix:
        got = dict(ix.ranked(query, syntax=True))
    with Index(fresh) as ix:
        want = dict(ix.ranked(query, syntax=True))
    assert got and set(got) == set(want)
    for doc_id, score in want.items():
        assert got[doc_id] == pytest.approx(score, rel=1e-12), doc_id
    explained = _explained(cli, updated, query)
    for doc_id, score in want.items():
        assert explained[doc_id][0] == pytest.approx(score, rel=1e-12), doc_id
