"""`Index.marked`: a document's whole title and body with every match of a query located, as the
search itself matches (stems, wildcards, the document's language), for the document view."""

from __future__ import annotations

import pytest

from search.errors import DocumentNotFoundError, QueryError
from search.marking import query_terms


def _words(snippet) -> list[str]:
    return [snippet.text[a:b] for a, b in snippet.spans]


def test_every_match_in_the_body_is_marked(corpus_ix) -> None:
    hit = corpus_ix.search('"armed forces"', limit=1).hits[0]
    marked = corpus_ix.marked(hit.id, '"armed forces"')
    assert marked.body.text == hit.document.body and marked.title.text == hit.document.title
    words = _words(marked.body)
    assert {w.lower() for w in words} == {"armed", "forces"}
    body = hit.document.body.lower()
    assert len(words) == body.count("armed") + body.count("forces")  # each occurrence, not a passage
    assert {w.lower() for w in _words(marked.title)} == {"armed", "forces"}


def test_stems_and_wildcards_match_as_the_search_does(corpus_ix) -> None:
    hit = corpus_ix.search("Mali", limit=1).hits[0]
    words = {w.lower() for w in _words(corpus_ix.marked(hit.id, "Mali*").body)}
    assert "mali" in words and "malian" in words  # the wildcard, expanded against the index
    forced = {w.lower() for w in _words(corpus_ix.marked(hit.id, "force").body)}
    assert forced == {"forces"}  # stemmed as the English body is


def test_a_german_document_is_marked_by_the_german_analysis(corpus_ix) -> None:
    hit = corpus_ix.search("Unternehmen", lang="de", limit=1).hits[0]
    marked = corpus_ix.marked(hit.id, "Unternehmen")
    assert marked.document.language == "de"
    assert marked.body.spans and all(w.lower().startswith("unternehmen") for w in _words(marked.body))


def test_to_dict_and_errors(corpus_ix) -> None:
    hit = corpus_ix.search('"armed forces"', limit=1).hits[0]
    data = corpus_ix.marked(hit.id, "mali").to_dict()
    assert data["id"] == hit.id and data["query"] == "mali" and data["body_highlights"]
    with pytest.raises(DocumentNotFoundError):
        corpus_ix.marked("nope", "mali")
    with pytest.raises(QueryError):
        corpus_ix.marked(hit.id, "date:[x")


def test_query_terms_keep_every_field(corpus_ix) -> None:
    """Whoosh's ``existing_terms`` keeps only the first field's terms (its loop variable reuses the
    name of its field argument); ours keeps all of them."""
    from whoosh.query import Or, Term

    searcher = corpus_ix._current()
    q = Or([Term("title_en", "forc"), Term("body_en", "mali"), Term("body_en", "forc")])
    ours = query_terms(q, searcher.reader())
    assert ours == {"title_en": frozenset({b"forc"}), "body_en": frozenset({b"mali", b"forc"})}
    whooshs = q.existing_terms(searcher.reader(), expand=True)
    assert {field for field, _ in whooshs} == {"title_en"}  # the upstream bug this works around
