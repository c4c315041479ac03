"""A whole text with a query's matches marked: the document view shows the body itself, every
match located, where a hit shows only the best snippets (`search.snippets`).

The matches are the query's terms in the field the text is indexed as (``body_de`` for a German
body), wildcards and ranges expanded against the index, each word of the text analysed as the
indexer analysed it; so a stemmed form matches (``forces`` marks ``force``) exactly when the
search would have found it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from indexer.core.document import Document
from indexer.core.schema import lang_field
from indexer.engine.postings import FastTerms
from search.results import Snippet
from search.snippets import fast_for

__all__ = ["Marked", "mark", "query_terms"]


@dataclass(frozen=True)
class Marked:
    """A document with the matches of ``query`` located in its whole ``title`` and ``body``
    (`Snippet` spans over the full text, not a passage)."""

    query: str
    document: Document
    title: Snippet
    body: Snippet

    def to_dict(self) -> dict[str, Any]:
        """The document's fields, then the query and each text's match offsets."""
        return {
            **self.document.to_dict(),
            "query": self.query,
            "title_highlights": [list(span) for span in self.title.spans],
            "body_highlights": [list(span) for span in self.body.spans],
        }


def query_terms(q: Any, reader: Any) -> dict[str, frozenset[bytes]]:
    """The terms of Whoosh query ``q`` that occur in ``reader``'s index, by field (phrases'
    words included, wildcards and ranges expanded). Whoosh's own ``Query.existing_terms`` loses
    every field but the first one's: its loop variable reuses the name of its field argument."""
    schema = reader.schema
    found: dict[str, set[bytes]] = {}
    for leaf in q.leaves():
        for fieldname, text in leaf.expanded_terms(reader, phrases=True):
            if fieldname not in schema:
                continue
            try:
                term = schema[fieldname].to_bytes(text)
            except ValueError:
                continue
            if (fieldname, term) in reader:
                found.setdefault(fieldname, set()).add(term)
    return {name: frozenset(terms) for name, terms in found.items()}


def mark(text: str, fieldname: str, field: Any, terms: Iterable[bytes]) -> Snippet:
    """``text`` whole, its words whose term (as ``field`` analyses them) is in ``terms`` marked."""
    wanted = frozenset(terms)
    if not text or not wanted:
        return Snippet(text)
    fast = fast_for(fieldname, field)
    spans: list[tuple[int, int]] = []
    if isinstance(fast, FastTerms):
        cache, term = fast.cache, fast.term
        for match in fast.finditer(text):
            word = match.group()
            t = cache.get(word)
            if t is None:
                t = cache[word] = term(word)
            if t in wanted:
                spans.append(match.span())
    else:  # pragma: no cover - dateline's text fields all have a fast path
        for token in field.analyzer(text, chars=True, mode="index"):
            if token.text.encode("utf-8") in wanted:
                spans.append((token.startchar, token.endchar))
    return Snippet(text, tuple(spans))


def mark_document(query: str, document: Document, q: Any, searcher: Any) -> Marked:
    """``document`` with the matches of ``q`` (the Whoosh query built from ``query``) marked in
    its title and body, each analysed as its language's indexed field."""
    terms = query_terms(q, searcher.reader())
    schema = searcher.schema
    marked = {}
    for name, text in (("title", document.title or ""), ("body", document.body or "")):
        fieldname = lang_field(name, document.language)
        field = schema[fieldname] if fieldname in schema else None
        marked[name] = mark(text, fieldname, field, terms.get(fieldname, ())) if field is not None else Snippet(text)
    return Marked(query, document, marked["title"], marked["body"])
