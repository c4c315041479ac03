"""More like this: the documents most like one document, by its key terms.

A document's key terms are the words of its title and body that weigh most by tf-idf in its
own language's fields (title words count as often as the title boost says); they are searched
as one query of any of them, each weighed by its tf-idf and scored by BM25F like a search, so
a rewrite of the same story by another wire, sharing its names, figures and rare words, comes
first. Whoosh's ``Searcher.more_like`` searches one field only, weighs terms by Bo1 and knows
nothing of the per-language fields, hence this module.
"""

from __future__ import annotations

import time
from collections import Counter
from math import log
from typing import TYPE_CHECKING

from indexer.core.analysis import STOP_WORDS
from indexer.core.records import from_stored
from indexer.core.schema import DEFAULT_BOOSTS, lang_field, lang_key
from search import snippets as snippet_maker
from search.ranking import _docs, lucene_idf
from search.results import Hit, Results
from search.suggest import _analysis

if TYPE_CHECKING:
    from search.index import Index

#: How many key terms describe a document.
KEY_TERMS = 25
_FIELDS = ("title", "body")


def key_terms(reader, schema, stored: dict, lang: str) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]
    """The `KEY_TERMS` terms of a document's title and body with the highest tf-idf, best
    first; stop words and terms no other document holds are left out (they find nothing)."""
    counts: Counter[str] = Counter()
    for base in _FIELDS:
        field = lang_field(base, lang)
        analyse = _analysis(schema[field])
        boost = DEFAULT_BOOSTS.get(base, 1.0)
        for term in _terms(analyse, stored.get(base) or ""):
            counts[term] += boost
    stops = {t for w in STOP_WORDS[lang] if (t := _analysis(schema[lang_field("body", lang)])(w))}
    docs = _docs(reader, lang)
    weights = []
    for term, tf in counts.items():
        if term in stops:
            continue
        doc_freq = max(reader.doc_frequency(lang_field(base, lang), term) for base in _FIELDS)
        if doc_freq > 1:
            weights.append((term, (1 + log(tf)) * lucene_idf(doc_freq, docs)))
    weights.sort(key=lambda tw: (-tw[1], tw[0]))
    return weights[:KEY_TERMS]


def _terms(analyse, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    from search.suggest import _WORD

    return [t for w in _WORD.findall(text) if (t := analyse(w))]


def similar(ix: Index, doc_id: str, limit: int = 10) -> Results:
    """The documents most like ``doc_id`` (`Index.similar`)."""
    from whoosh import query as wq
    from whoosh.searching import Results as WhooshResults

    from search.collecting import search as whoosh_search
    from search.errors import QueryError
    from search.ranking import FieldsTerm

    if limit < 1:
        raise QueryError("limit must be 1 or more")
    started = time.perf_counter()
    with ix._lock:
        searcher = ix._current()
        doc_id = ix.known_id(doc_id)  # an id, or the path of an indexed file
        docnum = searcher.document_number(id=doc_id)
        stored = searcher.stored_fields(docnum)
        lang = lang_key(stored.get("language"))
        terms = key_terms(searcher.reader(), ix._ix.schema, stored, lang)
        if not terms:
            return Results(query=doc_id, total=0, page=1, limit=limit, elapsed_ms=0.0)
        top = terms[0][1]
        q = wq.Or([
            FieldsTerm([wq.Term(lang_field(base, lang), term, boost=DEFAULT_BOOSTS.get(base, 1.0)) for base in _FIELDS],
                       boost=weight / top)
            for term, weight in terms
        ])  # fmt: skip
        fast = ix._fast(searcher, q, limit + 1)
        if fast is not None:
            results, total = WhooshResults(searcher, q, fast[0]), fast[1]
        else:
            results = whoosh_search(searcher, q, limit=limit + 1, terms=True)
            total = len(results)
        snippet_maker.configure(results)
        others = [hit for hit in results[: limit + 1] if hit.docnum != docnum][:limit]
        hits = [
            Hit(
                rank=i + 1,
                id=hit["id"],
                score=float(hit.score),
                document=from_stored(hit.fields()),
                snippet=snippet_maker.snippet_for(hit),
            )  # fmt: skip
            for i, hit in enumerate(others)
        ]
    elapsed = (time.perf_counter() - started) * 1000
    return Results(query=doc_id, total=total - 1, page=1, limit=limit, elapsed_ms=elapsed, hits=hits)
