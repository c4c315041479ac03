"""Why a hit scores what it does: its score broken down by query term and field.

`explain` walks the query a hit was ranked by and, for that one document, recomputes each
scoring part with `search.ranking`'s own functions (`bm25`, `field_share`, `saturate`), so
the parts add up to the hit's score: a bare word is one BM25F term (each field's
length-normalised frequency times its boost, summed, then saturated once), a phrase or a
``field:word`` term is plain BM25 in its field. Parts it cannot break down (wildcards, fuzzy
terms, NOT, date ranges) are scored by Whoosh's matcher for that part alone and carry a note.
It costs a few posting lookups per term, so it is meant for the page of hits shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from whoosh import query as wq

from indexer.core.schema import LANG_FIELDS, LANG_KEYS
from indexer.engine.queries import FilteredBy

if TYPE_CHECKING:
    from search.news import Adjustment
from search.ranking import Bm25, FieldsTerm, bm25, field_language, field_share, saturate, tree_sum


def _field_name(fieldname: str) -> str:
    """``title`` for ``title_en``: the field as the user names it."""
    return fieldname.rpartition("_")[0] if field_language(fieldname) else fieldname


@dataclass(frozen=True)
class FieldScore:
    """One field's part of a term: the term's frequency in the field (``tf``), the field's
    length in this document and on average, the field's ``boost``, and ``value``: for a bare
    word its share before saturation, for a ``field:word`` or phrase word its BM25 score.
    ``term`` is the indexed (stemmed) word; ``idf`` is set where each word has its own (phrases)."""

    field: str
    term: str
    tf: float
    length: float
    avg_length: float
    boost: float
    value: float
    idf: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "field": self.field,
            "term": self.term,
            "tf": self.tf,
            "length": self.length,
            "avg_length": round(self.avg_length, 6),
            "boost": self.boost,
            "value": self.value,
        }
        if self.idf is not None:
            out["idf"] = self.idf
        return out


@dataclass(frozen=True)
class TermScore:
    """One scoring part of the query and what it adds to the hit's score.

    ``kind`` is ``word`` (a bare word over several fields, BM25F), ``term`` (``field:word``),
    ``phrase``, or ``other`` (a part scored by Whoosh as a whole: wildcard, fuzzy, NOT, date
    range; ``note`` says which). ``boost`` is the query's weight on the part (a repeated word
    weighs ``1 + ln(n)``, feedback words their share); ``idf`` is the word's (None for phrases,
    whose words each have one in ``fields``).
    """

    kind: str
    text: str
    score: float
    boost: float = 1.0
    idf: float | None = None
    fields: tuple[FieldScore, ...] = ()
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "text": self.text, "score": self.score, "boost": self.boost}
        if self.idf is not None:
            out["idf"] = self.idf
        if self.fields:
            out["fields"] = [f.to_dict() for f in self.fields]
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Explanation:
    """A hit's score as the sum of its ``terms``' scores (``score``), with BM25's ``k1`` and ``b``."""

    score: float
    k1: float
    b: float
    terms: tuple[TermScore, ...] = field(default_factory=tuple)
    #: What news ranking did to the hit after scoring (recency decay, a move down; `search.news`).
    adjustment: Adjustment | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"score": self.score, "k1": self.k1, "b": self.b, "terms": [t.to_dict() for t in self.terms]}
        if self.adjustment is not None:
            out["news"] = self.adjustment.to_dict()
        return out


def explain(searcher: Any, q: wq.Query, docnum: int, model: Bm25) -> Explanation:
    """The breakdown of document ``docnum``'s score for query ``q`` in ``searcher``."""
    for leaf, offset in searcher.leaf_searchers():
        if offset <= docnum < offset + leaf.doc_count_all():
            walker = _Walker(leaf, docnum - offset, model)
            break
    else:
        raise ValueError(f"document number {docnum} is not in the index")
    terms = walker.walk(q, 1.0)
    return Explanation(score=sum(t.score for t in terms), k1=model.k1, b=model.b, terms=tuple(terms))


_WHOLE = "scored as a whole, not broken down"
_NOTES = {
    "Not": "NOT: Whoosh adds this constant to every document the NOT lets through",
    "NumericRange": "date range: a constant added to every document in the range",
    "DateRange": "date range: a constant added to every document in the range",
}


_LANG_SUFFIX = re.compile(rf"\b({'|'.join(LANG_FIELDS)})_(?:{'|'.join(LANG_KEYS)}):")


class _Walker:
    """Explains one document (``local``, its number in ``leaf``) against a query tree."""

    def __init__(self, leaf: Any, local: int, model: Bm25) -> None:
        self.leaf, self.local, self.model = leaf, local, model

    def walk(self, q: wq.Query, boost: float) -> list[TermScore]:
        """The scoring parts of ``q`` for this document, each scaled by the boosts above it;
        empty when ``q`` does not match it."""
        if isinstance(q, FieldsTerm):
            return self._word(q, boost)
        if type(q) is wq.Term:
            return self._term(q, boost)
        if type(q) is wq.Phrase:
            return self._phrase(q, boost)
        # Whoosh's matchers for these binary queries ignore the query's own boost.
        if type(q) is FilteredBy:
            return self.walk(q.a, boost) if self._matches(q.b) else []
        if type(q) is wq.AndNot:
            return self.walk(q.a, boost)
        if type(q) is wq.AndMaybe:
            return self.walk(q.a, boost) + self.walk(q.b, boost)
        if type(q) in (wq.And, wq.Or):
            if type(q) is wq.And and not self._matches(q):
                return []
            # Whoosh applies a compound's boost only when it has several parts.
            scale = boost * q.boost if len(q.subqueries) > 1 else boost
            return [part for sub in q.subqueries for part in self.walk(sub, scale)]
        return self._whole(q, boost)

    # -- membership and postings -----------------------------------------------------------------
    def _at(self, matcher: Any) -> bool:
        if matcher.is_active() and matcher.id() < self.local:
            matcher.skip_to(self.local)
        return bool(matcher.is_active() and matcher.id() == self.local)

    def _matches(self, q: wq.Query) -> bool:
        return self._at(q.matcher(self.leaf, self.leaf.boolean_context()))

    def _tf(self, fieldname: str, tbytes: bytes) -> float | None:
        """The term's weight (frequency) in this document, or None where it does not occur."""
        if (fieldname, tbytes) not in self.leaf.reader():
            return None
        matcher = self.leaf.postings(fieldname, tbytes)
        return float(matcher.weight()) if self._at(matcher) else None

    def _length(self, fieldname: str) -> float:
        """The field's length as the scorers see it (Whoosh stores it rounded to a byte)."""
        return float(self.leaf.doc_field_length(self.local, fieldname, 1))

    def _bytes(self, fieldname: str, text: Any) -> bytes | None:
        try:
            tbytes: bytes = self.leaf.schema[fieldname].to_bytes(text)
        except ValueError:
            return None
        return tbytes

    # -- scoring parts ---------------------------------------------------------------------------
    def _word(self, q: FieldsTerm, boost: float) -> list[TermScore]:
        model = self.model
        idf, lookups = q.statistics(self.leaf)
        parts = []
        for fieldname, tbytes, weight in lookups:
            tf = self._tf(fieldname, tbytes)
            if tf is None:
                continue
            length, avg = self._length(fieldname), model.avg_length(self.leaf, fieldname)
            share = field_share(tf, length, avg, weight, model.b)
            parts.append(FieldScore(_field_name(fieldname), _text(tbytes), tf, length, avg, weight, share))
        if not parts:
            return []
        total = 0.0
        for part in parts:  # in the matcher's order of additions
            total += part.value
        score = boost * saturate(total, idf, model.k1, q.boost)
        return [TermScore("word", _word_text(q), score, boost=boost * q.boost, idf=idf, fields=tuple(parts))]

    def _term(self, q: wq.Term, boost: float) -> list[TermScore]:
        tbytes = self._bytes(q.fieldname, q.text)
        tf = None if tbytes is None else self._tf(q.fieldname, tbytes)
        if tbytes is None or tf is None:
            return []
        name, text = _field_name(q.fieldname), _text(tbytes)
        if not self.leaf.schema[q.fieldname].scorable:  # Whoosh scores such a term by its weight
            part = FieldScore(name, text, tf, 0.0, 0.0, 1.0, tf)
            return [
                TermScore(
                    "term",
                    f"{name}:{text}",
                    boost * q.boost * tf,
                    boost=boost * q.boost,
                    fields=(part,),
                    note="unscored field: its weight",
                )
            ]
        idf = self.model.idf(self.leaf, q.fieldname, tbytes)
        length, avg = self._length(q.fieldname), self.model.avg_length(self.leaf, q.fieldname)
        value = bm25(idf, tf, length, avg, self.model.k1, self.model.b)
        part = FieldScore(name, text, tf, length, avg, 1.0, value)
        return [
            TermScore("term", f"{name}:{text}", boost * q.boost * value, boost=boost * q.boost, idf=idf, fields=(part,))
        ]

    def _phrase(self, q: wq.Phrase, boost: float) -> list[TermScore]:
        if not self._matches(q):
            return []
        model, name = self.model, _field_name(q.fieldname)
        length, avg = self._length(q.fieldname), model.avg_length(self.leaf, q.fieldname)
        parts = []
        for word in q.words:
            tbytes = self._bytes(q.fieldname, word)
            tf = None if tbytes is None else self._tf(q.fieldname, tbytes)
            if tbytes is None or tf is None:  # cannot happen for a matching phrase
                return self._whole(q, boost)
            idf = model.idf(self.leaf, q.fieldname, tbytes)
            value = bm25(idf, tf, length, avg, model.k1, model.b)
            parts.append(FieldScore(name, _text(tbytes), tf, length, avg, 1.0, value, idf=idf))
        value = tree_sum([p.value for p in parts])
        text = f'{name}:"{" ".join(p.term for p in parts)}"' + (f"~{q.slop}" if q.slop > 1 else "")
        return [TermScore("phrase", text, boost * q.boost * value, boost=boost * q.boost, fields=tuple(parts))]

    def _whole(self, q: wq.Query, boost: float) -> list[TermScore]:
        """A part scored as a whole by Whoosh's matcher for it: the total, and a note."""
        matcher = q.matcher(self.leaf, self.leaf.context(weighting=self.model))
        if not self._at(matcher):
            return []
        note = _NOTES.get(type(q).__name__, f"{type(q).__name__}: {_WHOLE}")
        text = _LANG_SUFFIX.sub(r"\1:", str(q))
        return [TermScore("other", text, boost * matcher.score(), boost=boost, note=note)]


def _word_text(q: FieldsTerm) -> str:
    """The word as the query gave it, as far as the index kept it: its form in a shared,
    unstemmed field (issuer, place) where it is searched in one, else its stem."""
    plain = [t.text for t in q.subqueries if not field_language(t.fieldname)]
    return str(plain[0] if plain else q.subqueries[0].text)


def _text(tbytes: bytes) -> str:
    return tbytes.decode("utf-8", "replace")
