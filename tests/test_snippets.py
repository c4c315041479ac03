"""The fast highlighter marks the same fragments as Whoosh's own."""

from __future__ import annotations

import pytest

from indexer.schema import lang_field
from search import Index, snippets
from search._whoosh_fixes import search as whoosh_search


@pytest.mark.parametrize("query", ["mali", "armed forces", "wind power", "Übernahme Windpark", '"offshore wind"', "bank"])
def test_fast_highlights_equal_whoosh_highlights(corpus_ix: Index, query: str) -> None:
    q = corpus_ix._build(query, fields=None, lang=None, match="any", syntax=True)
    results = whoosh_search(corpus_ix._current(), q, limit=20, terms=True)
    snippets.configure(results)
    assert len(results) > 0
    marked = 0
    for hit in results:
        field = lang_field("body", hit.get("language"))
        ours = snippets.highlights(hit, field, hit["body"], 2)
        assert ours == hit.highlights(field, text=hit["body"], top=2)
        marked += "\ue000" in ours
    assert marked > 0
