"""Pseudo-relevance feedback (RM3): add to a query the words that dominate its best first hits.

A query for "crystalline lens in vertebrates" finds a few abstracts about it; the words those
share ("cataract", "ocular", "protein") are probably what the other relevant ones say too. The
best ``docs`` hits are read again, each word weighed by its share of a document times that
document's weight (``exp(score - best score)``, so the top hits lead), and the ``terms`` heaviest
words are added to the query with ``weight`` of the total; the original words keep the rest.
Added words only re-rank documents the query matches, so filters and required words still hold.

Off by default: it costs a second search, and an interactive user expects the hits to contain
what they typed, ranked for that. ``bench/quality.py`` measures it (the "dateline rm3" rows).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import exp
from typing import Any

from whoosh import query as wq

from indexer.core.analysis import STOP_WORDS, fold
from indexer.core.schema import DEFAULT_BOOSTS, LANG_FIELDS, lang_field
from indexer.engine.queries import FilteredBy
from search.collecting import search as whoosh_search
from search.ranking import FieldsTerm


@dataclass(frozen=True)
class Feedback:
    """RM3's three parameters; the defaults are Anserini's, but for 20 words instead of 10."""

    docs: int = 10
    terms: int = 20
    weight: float = 0.5

    def __post_init__(self) -> None:
        if self.docs < 1 or self.terms < 1 or not 0 < self.weight < 1:
            raise ValueError(f"feedback needs docs >= 1, terms >= 1 and 0 < weight < 1 (got {self})")


def _query_weight(q: wq.Query) -> float:
    """The total weight of the query's words (their boosts, repeats included), against which
    the expansion is measured. Language and date filters carry none, and each language's part
    of the query holds the same words, so the parts count once."""
    if isinstance(q, FieldsTerm):
        return q.boost
    if isinstance(q, wq.Require):
        return _query_weight(q.a)
    if q.is_leaf():
        return 0.0 if q.field() in ("lang", "date") else q.boost
    weights = [_query_weight(child) for child in q.children()]
    if isinstance(q, wq.Or) and all(isinstance(child, FilteredBy) for child in q.children()):
        return max(weights, default=0.0)
    return sum(weights)


def _words(searcher: Any, docnum: int, lang: str, text_fields: Sequence[str]) -> Counter[str]:
    """The indexed terms of a document's language-analysed text fields, stop words left out."""
    stored = searcher.stored_fields(docnum)
    analyzer = searcher.schema[lang_field("body", lang)].analyzer
    stops = STOP_WORDS[lang]
    counts: Counter[str] = Counter()
    for name in text_fields:
        text = stored.get(name) or ""
        for token in analyzer(text, chars=True, mode="index"):
            if (
                len(token.text) > 1
                and not token.text.isdigit()
                and fold(text[token.startchar : token.endchar].lower()) not in stops
            ):
                counts[token.text] += 1
    return counts


def expand(
    searcher: Any,
    q: wq.Query,
    feedback: Feedback,
    fields: Sequence[str],
    boosts: Mapping[str, float],
) -> wq.Query:
    """``q`` with RM3 expansion terms from its best ``feedback.docs`` hits in ``searcher``."""
    top = whoosh_search(searcher, q, limit=feedback.docs).top_n
    if not top:
        return q
    text_fields = [f for f in fields if f in LANG_FIELDS]
    if not text_fields:
        return q
    best = max(score for score, _ in top)
    langs = searcher.reader().column_reader("lang")
    by_lang: dict[str, dict[str, float]] = defaultdict(dict)  # language → word → weight
    for score, docnum in top:
        words = _words(searcher, docnum, langs[docnum], text_fields)
        length = sum(words.values()) or 1
        weights = by_lang[langs[docnum]]
        for word, count in words.items():
            weights[word] = weights.get(word, 0.0) + exp(score - best) * count / length
    boosts = {**DEFAULT_BOOSTS, **boosts}
    scale = feedback.weight / (1 - feedback.weight) * _query_weight(q)
    expansions = []
    for lang, weights in by_lang.items():
        # Counter.most_common's order: heaviest first, ties in the order the words came.
        chosen = sorted(weights.items(), key=lambda item: item[1], reverse=True)[: feedback.terms]
        total = sum(w for _, w in chosen) or 1.0
        terms = [
            FieldsTerm(
                [wq.Term(lang_field(f, lang), word, boost=boosts.get(f, 1.0)) for f in text_fields],
                boost=scale * w / total,
            )
            for word, w in chosen
        ]
        expansions.append(FilteredBy(wq.Or(terms), wq.Term("lang", lang)))
    return wq.AndMaybe(q, expansions[0] if len(expansions) == 1 else wq.Or(expansions))
