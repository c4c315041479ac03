"""How hits are scored: BM25 with Lucene's IDF, and BM25F for a word searched in several fields.

Whoosh's own ``BM25F`` scores each field separately and adds the scores up, so a word found in
the title and the body counts twice, each field saturating on its own, and its IDF of
``log(N / (df + 1)) + 1`` still gives a word found in every document a weight of 1 (Lucene's
gives it almost 0), so the common words of a long question add up. Here a bare
word searched in several fields is one `FieldsTerm`: its frequencies in each field are
length-normalised, weighted by the field's boost, added up, and saturated once (BM25F as in
Robertson & Zaragoza, and Lucene's ``CombinedFieldQuery``). Words the query repeats weigh more
(`weigh_repeats`), as they do in Lucene, but by ``1 + ln(count)`` rather than ``count``, so a
long question that repeats a word does not drown its other words.

Statistics are read from `search.statistics` (a cluster's shards share them) and are per
language: an English word's IDF and an English field's average length count English documents
only, so German documents in the same index do not dilute them. They count live documents only
(`search.live`): deleted ones, kept by Whoosh until their segment is merged, do not change a score.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from math import log
from typing import Any, TypeVar

import numpy as np
from whoosh import query as wq
from whoosh.matching import NullMatcher, UnionMatcher, WrappingMatcher
from whoosh.scoring import WeightingModel, WeightLengthScorer, WeightScorer
from whoosh.util import make_binary_tree

from indexer.core.defaults import K1, B
from search.live import statistics_of
from search.statistics import field_language, lucene_idf

#: A number, or a numpy array of them: the scoring functions serve both paths.
Num = TypeVar("Num", float, np.ndarray)


def bm25(idf: float, tf: Num, length: Num, avg_length: float, k1: float, b: float) -> Num:
    """BM25 of one term in one field: its frequency saturated against the field's length. ``tf``
    and ``length`` may be numpy arrays (`search.columnar` scores a posting list at once)."""
    norm = k1 * (1 - b + b * length / avg_length)
    return idf * tf * (k1 + 1) / (tf + norm)


def field_share(tf: Num, length: Num, avg_length: float, weight: float, b: float) -> Num:
    """One field's part of a `FieldsTerm` before saturation: the length-normalised frequency
    times the field's weight (boost); numbers or numpy arrays."""
    return weight * tf / (1 - b + b * length / avg_length)


def saturate(share: Num, idf: float, k1: float, boost: float = 1.0) -> Num:
    """A `FieldsTerm`'s BM25F score from its summed field shares: ``boost × idf × s (k1 + 1) / (s + k1)``,
    0 for no share; ``share`` may be a numpy array."""
    if isinstance(share, np.ndarray):
        return np.where(share > 0, boost * idf * share * (k1 + 1) / (share + k1), 0.0)
    if share <= 0:
        return 0.0
    return boost * idf * share * (k1 + 1) / (share + k1)


def tree_sum(parts: Sequence[Num]) -> Num:
    """Sum in the order of Whoosh's binary matcher trees (``make_binary_tree``), as a phrase's
    word scores are added: numbers, or numpy arrays element by element, so both paths round alike."""
    if len(parts) == 1:
        return parts[0]
    half = len(parts) // 2
    return tree_sum(parts[:half]) + tree_sum(parts[half:])


class Bm25(WeightingModel):
    """BM25 with Lucene's IDF and per-language statistics; the searcher's weighting model.

    Scores single-field terms (``title:solar``, phrases) itself, and holds the ``k1``/``b``
    that `FieldsTerm` uses for words searched in several fields.
    """

    def __init__(self, k1: float = K1, b: float = B) -> None:
        if k1 < 0 or not 0 <= b <= 1:
            raise ValueError(f"BM25 needs k1 >= 0 and 0 <= b <= 1 (got k1={k1}, b={b})")
        self.k1 = k1
        self.b = b

    def supports_block_quality(self) -> bool:
        return True

    def idf(self, searcher: Any, fieldname: str, text: bytes) -> float:
        return statistics_of(searcher).idf(fieldname, text)

    def avg_length(self, searcher: Any, fieldname: str) -> float:
        return statistics_of(searcher).avg_length(fieldname)

    def scorer(self, searcher: Any, fieldname: str, text: bytes, qf: float = 1) -> Any:
        if not searcher.schema[fieldname].scorable:
            return WeightScorer.for_(searcher, fieldname, text)
        return _Bm25Scorer(self, searcher, fieldname, text)


class _Bm25Scorer(WeightLengthScorer):
    def __init__(self, model: Bm25, searcher: Any, fieldname: str, text: bytes) -> None:
        self.idf = searcher.idf(fieldname, text)
        self.avgfl = model.avg_length(searcher, fieldname)
        self.k1, self.b = model.k1, model.b
        self.setup(searcher, fieldname, text)

    def _score(self, weight: float, length: float) -> float:
        return bm25(self.idf, weight, length, self.avgfl, self.k1, self.b)


class _FieldShare(WeightingModel):
    """Scores one field's part of a `FieldsTerm`: the length-normalised frequency times the
    field's weight, not yet saturated."""

    def __init__(self, model: Bm25, weight: float) -> None:
        self.model = model
        self.weight = weight

    def supports_block_quality(self) -> bool:
        return True

    def scorer(self, searcher: Any, fieldname: str, text: bytes, qf: float = 1) -> _ShareScorer:
        return _ShareScorer(self, searcher, fieldname, text)


class _ShareScorer(WeightLengthScorer):
    def __init__(self, share: _FieldShare, searcher: Any, fieldname: str, text: bytes) -> None:
        self.weight, self.b = share.weight, share.model.b
        self.avgfl = share.model.avg_length(searcher, fieldname)
        self.setup(searcher, fieldname, text)

    def _score(self, weight: float, length: float) -> float:
        return field_share(weight, length, self.avgfl, self.weight, self.b)


class _Saturated(WrappingMatcher):
    """Turns the summed field shares of a `FieldsTerm` into its BM25F score:
    ``boost × idf × s (k1 + 1) / (s + k1)``. The function rises with ``s``, so upper bounds on
    ``s`` give upper bounds on the score, and Whoosh may still skip blocks that cannot reach
    the top hits."""

    def __init__(self, child: Any, idf: float, k1: float, boost: float = 1.0) -> None:
        super().__init__(child, boost)
        self.idf, self.k1 = idf, k1

    def _saturate(self, share: float) -> float:
        return saturate(share, self.idf, self.k1, self.boost)

    def _share_for(self, minquality: float) -> float:
        """The least share that scores ``minquality``: the inverse of `_saturate`, so that the
        child may skip and prune in its own units."""
        if minquality <= 0:
            return 0.0
        ceiling = self.boost * self.idf * (self.k1 + 1)  # what an infinite share would score
        if minquality >= ceiling:
            return float("inf")
        return self.k1 * minquality / (ceiling - minquality)

    def _replacement(self, newchild: Any) -> _Saturated:
        return _Saturated(newchild, self.idf, self.k1, self.boost)

    def copy(self) -> _Saturated:
        return _Saturated(self.child.copy(), self.idf, self.k1, self.boost)

    def replace(self, minquality: float = 0) -> Any:
        replaced = self.child.replace(self._share_for(minquality))
        if not replaced.is_active():
            return NullMatcher()
        return self if replaced is self.child else self._replacement(replaced)

    def score(self) -> float:
        return self._saturate(self.child.score())

    def max_quality(self) -> float:
        return self._saturate(self.child.max_quality())

    def block_quality(self) -> float:
        return self._saturate(self.child.block_quality())

    def skip_to_quality(self, minquality: float) -> int:
        return self.child.skip_to_quality(self._share_for(minquality))


class FieldsTerm(wq.CompoundQuery):
    """One word searched in several fields, scored once by BM25F (see the module docstring).

    Its subqueries are `Term`s, one per field, each boosted by the field's weight. It matches
    what their `Or` matches; with a weighting other than `Bm25` it scores like that `Or`.
    """

    JOINT = " | "
    boost: float  # set by Whoosh's CompoundQuery

    def statistics(self, searcher: Any) -> tuple[float, list[tuple[str, bytes, float]]]:
        """The word's IDF, and the (field, term bytes, field weight) of each field it can be
        looked up in: shared by the matcher and by `search.explain`."""
        stats = statistics_of(searcher)
        # The word's documents are those of its language when it is searched in a language's
        # fields (the caller filters by language); shared fields (issuer, place) then count
        # only within them.
        langs = [lang for t in self.subqueries if (lang := field_language(t.fieldname))]
        docs = stats.docs(langs[0] if langs else None)
        fields, doc_freq = [], 0
        for term in self.subqueries:
            try:
                text = searcher.schema[term.fieldname].to_bytes(term.text)
            except ValueError:
                continue
            doc_freq = min(docs, max(doc_freq, stats.doc_frequency(term.fieldname, text)))
            fields.append((term.fieldname, text, term.boost))
        # Lucene's CombinedFieldQuery also takes the largest field frequency for the word's.
        return lucene_idf(doc_freq, docs), fields

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        model = context.weighting if context is not None else searcher.weighting
        if not isinstance(model, Bm25):  # boolean context, or another weighting model
            return wq.Or(self.subqueries, boost=self.boost).matcher(searcher, context)
        reader = searcher.reader()
        idf, fields = self.statistics(searcher)
        parts = [
            searcher.postings(name, text, weighting=_FieldShare(model, weight))
            for name, text, weight in fields
            if (name, text) in reader
        ]
        if not parts:
            return NullMatcher()
        return _Saturated(make_binary_tree(UnionMatcher, parts), idf, model.k1, self.boost)


def _is_fields_term(q: wq.Query) -> bool:
    """Is ``q`` the parser's expansion of one word over several fields: an `Or` of `Term`s,
    one per field?"""
    if type(q) is not wq.Or or not q.subqueries or not all(type(t) is wq.Term for t in q.subqueries):
        return False
    return len({t.fieldname for t in q.subqueries}) == len(q.subqueries)


def combine_fields(q: wq.Query) -> wq.Query:
    """Every word searched in several fields becomes one `FieldsTerm`."""
    if _is_fields_term(q):
        return FieldsTerm(list(q.subqueries), boost=q.boost)
    return q if q.is_leaf() else q.apply(combine_fields)


def weigh_repeats(q: wq.Query) -> wq.Query:
    """A word (or phrase) a group holds ``n`` times is kept once, boosted by ``1 + ln(n)``.

    Whoosh's normalisation would keep it once with no boost; Lucene would add it ``n`` times.
    The log keeps the signal ("retrieval … retrieving … retrieve" is about retrieval) without
    letting one word outweigh the rest of a long question.
    """
    if not isinstance(q, (wq.And, wq.Or)):
        return q
    kids = [weigh_repeats(c) for c in q.subqueries]
    counts = Counter(kids)
    weighed = []
    for kid, count in counts.items():
        if count > 1:
            kid = copy.copy(kid)
            kid.boost = kid.boost * (1 + log(count))
        weighed.append(kid)
    out = copy.copy(q)
    out.subqueries = weighed
    return out
