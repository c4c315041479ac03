"""More like this: the documents most like one document, by its key terms.

A document's key terms are the words of its title and body that weigh most by tf-idf in its
own language's fields (title words count as often as the title boost says); they are searched
as one query of any of them, each weighed by its tf-idf and scored by BM25F like a search, so
a rewrite of the same story by another wire, sharing its names, figures and rare words, comes
first. Whoosh's ``Searcher.more_like`` searches one field only, weighs terms by Bo1 and knows
nothing of the per-language fields, hence this module.
"""

from __future__ import annotations

from collections.abc import Callable
from math import log
from typing import Any

from whoosh import query as wq

from indexer.core.analysis import STOP_WORDS
from indexer.core.schema import DEFAULT_BOOSTS, lang_field, lang_key
from search.ranking import FieldsTerm, language_docs, lucene_idf
from search.suggest import WORD, analyser

#: How many key terms describe a document.
KEY_TERMS = 25
_FIELDS = ("title", "body")


def key_terms(reader: Any, schema: Any, stored: dict[str, Any], lang: str) -> list[tuple[str, float]]:
    """The `KEY_TERMS` terms of a document's title and body with the highest tf-idf, best
    first; stop words and terms no other document holds are left out (they find nothing)."""
    counts: dict[str, float] = {}  # term → its boosted frequency
    for base in _FIELDS:
        field = lang_field(base, lang)
        analyse = analyser(schema[field])
        boost = DEFAULT_BOOSTS.get(base, 1.0)
        for term in _terms(analyse, stored.get(base) or ""):
            counts[term] = counts.get(term, 0.0) + boost
    stops = {t for w in STOP_WORDS[lang] if (t := analyser(schema[lang_field("body", lang)])(w))}
    docs = language_docs(reader, lang)
    weights = []
    for term, tf in counts.items():
        if term in stops:
            continue
        doc_freq = max(reader.doc_frequency(lang_field(base, lang), term) for base in _FIELDS)
        if doc_freq > 1:
            weights.append((term, (1 + log(tf)) * lucene_idf(doc_freq, docs)))
    weights.sort(key=lambda tw: (-tw[1], tw[0]))
    return weights[:KEY_TERMS]


def _terms(analyse: Callable[[str], str | None], text: str) -> list[str]:
    return [t for w in WORD.findall(text) if (t := analyse(w))]


def more_like(searcher: Any, schema: Any, docnum: int) -> wq.Query | None:
    """The query for the documents like document ``docnum``: any of its key terms, each one
    `FieldsTerm` over its language's title and body weighed by its tf-idf relative to the best
    term's; None when it has no key term. `Index.similar` runs it as it runs a search."""
    stored = searcher.stored_fields(docnum)
    lang = lang_key(stored.get("language"))
    terms = key_terms(searcher.reader(), schema, stored, lang)
    if not terms:
        return None
    top = terms[0][1]
    return wq.Or(
        [
            FieldsTerm(
                [wq.Term(lang_field(base, lang), term, boost=DEFAULT_BOOSTS.get(base, 1.0)) for base in _FIELDS],
                boost=weight / top,
            )
            for term, weight in terms
        ]
    )
