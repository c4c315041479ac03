"""Wildcards, prefixes, fuzzy words and term ranges, expanded once against the whole index.

Whoosh expands a `MultiTerm` per segment and scores it by how many words it found there: a
word with one expansion in a segment by BM25, one with several at a constant score. So the same
documents built as one segment or as two scored differently (``acqui*`` by up to 12, ``coffe~``
by up to 35) and ranked differently. Here each is replaced, before the search, by the words it
matches in the whole index (or, in a cluster, in every shard: ``given``), as an `Or` of `Term` queries
scored by BM25 each, like any word (Lucene's scoring rewrite); a term range (``issuer:[a TO c]``)
too. `search.columnar` then scores them as well.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from whoosh import query as wq

from indexer.engine.queries import expansions
from search.statistics import ExpansionKey


def expansion_key(q: wq.MultiTerm) -> ExpansionKey:
    """What names a wildcard, prefix, fuzzy word or range across shards: the same in every
    shard, which plans the same query."""
    text = q.text if hasattr(q, "text") else f"{q.start}…{q.end}"
    return (type(q).__name__, q.fieldname, str(text), getattr(q, "maxdist", 0), getattr(q, "prefixlength", 0))


def expand_words(
    q: wq.Query,
    reader: Any,
    given: Mapping[ExpansionKey, tuple[bytes, ...]] | None = None,
    found: dict[ExpansionKey, tuple[bytes, ...]] | None = None,
) -> wq.Query:
    """``q`` with every `MultiTerm` replaced by the words it matches: those ``given`` for it (a
    cluster's), else the words of ``reader`` (the whole index). Each expansion is recorded in
    ``found`` if given. Over `search.limits.MAX_EXPANSIONS` words raises `QueryTooLargeError`."""
    if isinstance(q, wq.MultiTerm):
        key = expansion_key(q)
        words = given.get(key) if given is not None else None
        if words is None:
            words = tuple(expansions(q, reader)) if q.fieldname in reader.schema else ()
        if found is not None:
            found[key] = words
        return _words_query(q, words, reader.schema)
    if q.is_leaf():
        return q
    return q.apply(lambda child: expand_words(child, reader, given, found))


def _words_query(q: wq.MultiTerm, words: tuple[bytes, ...], schema: Any) -> wq.Query:
    if not words:
        return wq.Or([], boost=q.boost)  # matches nothing, in both scoring paths
    field = schema[q.fieldname]
    terms = [wq.Term(q.fieldname, field.from_bytes(word)) for word in words]
    if len(terms) == 1:  # Whoosh's matcher of a one-part `Or` drops the `Or`'s boost
        return wq.Term(q.fieldname, terms[0].text, boost=q.boost)
    return wq.Or(terms, boost=q.boost)
