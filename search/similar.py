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
from dataclasses import dataclass
from math import log
from typing import Any

from whoosh import query as wq

from indexer.core.analysis import STOP_WORDS
from indexer.core.schema import DEFAULT_BOOSTS, lang_field, lang_key
from search.live import statistics_of
from search.ranking import FieldsTerm
from search.statistics import Statistics, lucene_idf
from search.suggest import WORD, analyser

#: How many key terms describe a document.
KEY_TERMS = 25
_FIELDS = ("title", "body")


@dataclass(frozen=True)
class Likeness:
    """What "more like this" searches for: a document's key terms (term, weight), best first, in
    its language; ``doc_id`` is the document itself, left out of the hits. Plain data, so that
    a cluster builds it from every shard's statistics and sends it to each (`query` there)."""

    doc_id: str
    lang: str
    terms: tuple[tuple[str, float], ...]

    def query(self) -> wq.Query:
        """Any of the key terms, each one `FieldsTerm` over the language's title and body weighed
        by its tf-idf relative to the best term's (every term weighs 1 without weights)."""
        top = self.terms[0][1] if self.terms else 1.0
        return wq.Or(
            [
                FieldsTerm(
                    [
                        wq.Term(lang_field(base, self.lang), term, boost=DEFAULT_BOOSTS.get(base, 1.0))
                        for base in _FIELDS
                    ],
                    boost=weight / top,
                )
                for term, weight in self.terms
            ]
        )


def term_counts(schema: Any, stored: dict[str, Any], lang: str) -> dict[str, float]:
    """Each analysed term of a document's title and body with its frequency (title words
    counting as often as the title boost says), stop words left out: the key terms' candidates."""
    counts: dict[str, float] = {}  # term → its boosted frequency
    for base in _FIELDS:
        field = lang_field(base, lang)
        analyse = analyser(schema[field])
        boost = DEFAULT_BOOSTS.get(base, 1.0)
        for term in _terms(analyse, stored.get(base) or ""):
            counts[term] = counts.get(term, 0.0) + boost
    stops = {t for w in STOP_WORDS[lang] if (t := analyser(schema[lang_field("body", lang)])(w))}
    return {term: tf for term, tf in counts.items() if term not in stops}


def key_terms(stats: Statistics, counts: dict[str, float], lang: str) -> list[tuple[str, float]]:
    """The `KEY_TERMS` of ``counts`` (`term_counts`) with the highest tf-idf by ``stats``, best
    first; terms no other document holds are left out (they find nothing)."""
    docs = stats.docs(lang)
    weights = []
    for term, tf in counts.items():
        tbytes = term.encode("utf-8")
        doc_freq = max(stats.doc_frequency(lang_field(base, lang), tbytes) for base in _FIELDS)
        if doc_freq > 1:
            weights.append((term, (1 + log(tf)) * lucene_idf(doc_freq, docs)))
    weights.sort(key=lambda tw: (-tw[1], tw[0]))
    return weights[:KEY_TERMS]


def _terms(analyse: Callable[[str], str | None], text: str) -> list[str]:
    return [t for w in WORD.findall(text) if (t := analyse(w))]


def describe(searcher: Any, schema: Any, doc_id: str) -> Likeness:
    """The `Likeness` of document ``doc_id`` by ``searcher``'s statistics (its own, or a
    cluster's); no key terms when it has none."""
    stored = searcher.document(id=doc_id)
    lang = lang_key(stored.get("language"))
    terms = key_terms(statistics_of(searcher), term_counts(schema, stored, lang), lang)
    return Likeness(doc_id, lang, tuple(terms))
