"""Turning a document's fields into postings, the costly half of indexing, done fast.

Whoosh analyses text through a chain of generators that pass one mutable `Token` along; for
dateline's analyzers (a regex tokenizer and filters that each map one word to one word) the
same terms come from one ``findall`` and a per-word cache of the filter chain. Any other
analyzer takes Whoosh's own path. ``tests/engine/test_postings.py`` checks every posting against
Whoosh's own `Field.index`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from pickle import dumps
from typing import Any

from whoosh.analysis import CompositeAnalyzer, IDTokenizer, LowercaseFilter, RegexTokenizer
from whoosh.fields import FieldType
from whoosh.formats import Existence, Positions
from whoosh.system import pack_uint

from indexer.core.analysis import FoldFilter, SnowballFilter, fold, stemmer
from indexer.engine import pickles

#: A posting of one field of one document: term bytes, frequency, weight, encoded value.
Posting = tuple[bytes, int, float, bytes]


@dataclass
class AnalyzedDoc:
    """One document ready for a segment: postings and length per indexed field, stored and
    column values per field; what `segments.FastSegmentWriter.add_analyzed` writes."""

    #: (field name, postings, length) for each indexed field, in field-name order.
    postings: list[tuple[str, list[Posting], int]]
    #: (field name, stored value or None, column value or None, length) for every field given.
    values: list[tuple[str, Any, Any, int]]


def _word_filter(f: object) -> Callable[[str], str] | None:
    """The one-word function a token filter applies, for the filters known to map 1:1."""
    if type(f) is LowercaseFilter:
        return str.lower
    if type(f) is FoldFilter:
        return fold
    if type(f) is SnowballFilter:
        return stemmer(f.language).stemWord
    return None


#: Words one `FastTerms` cache holds before it starts afresh: a bound on its memory (about
#: 150 bytes a word) for vocabularies that never stop growing (numbers, codes, names).
WORD_CACHE_SIZE = 200_000


class FastTerms:
    """An analyzer's terms from ``findall`` and a cache of word → term (as UTF-8 bytes)."""

    def __init__(self, analyzer: CompositeAnalyzer) -> None:
        self.analyzer = analyzer
        self.findall = analyzer.items[0].expression.findall
        self.finditer = analyzer.items[0].expression.finditer
        expression = analyzer.items[0].expression
        #: ``text`` cut at its words: gap, word, gap, … word, gap (`re.split` with the token
        #: pattern as its one group), so the words and their offsets come from C calls only.
        self.split: Callable[[str], list[str]] = _wrapped(expression).split
        self._words_of: dict[bytes, set[str]] = {}  # term → the words `matching` has seen give it
        self._seen: set[str] = set()
        self.steps = [_word_filter(f) for f in analyzer.items[1:]]
        self.cache: dict[str, bytes] = {}
        #: How often each word was seen, when the caller counts them (`Analyzer` with
        #: ``count_words``, for the segment's vocabulary, `indexer.write.vocab`); None: not counted.
        self.counts: Counter[str] | None = None

    def matching(self, words: list[str], terms: frozenset[bytes]) -> set[str]:
        """Those of ``words`` whose term is in ``terms``. Once each word's term is known the
        answer is set operations in C, not a lookup per word of every hit."""
        unique = set(words)
        words_of, seen = self._words_of, self._seen
        new = unique.difference(seen)
        if new:
            if len(seen) > WORD_CACHE_SIZE:
                words_of.clear()
                seen.clear()
                new = unique
            cache = self.cache
            for word in new:
                term = cache.get(word)
                if term is None:
                    term = cache[word] = self.term(word)
                found = words_of.get(term)
                if found is None:
                    words_of[term] = {word}
                else:
                    found.add(word)
            seen.update(new)
        return unique.intersection(set().union(*[words_of[t] for t in terms if t in words_of]))

    def term(self, word: str) -> bytes:
        for step in self.steps:
            word = step(word)  # type: ignore[misc]  # `fast_terms` admits no filter without a step
        return word.encode("utf-8")

    def postings(self, text: str) -> list[Posting]:
        cache = self.cache
        if len(cache) > WORD_CACHE_SIZE:
            cache.clear()
        poses: dict[bytes, list[int]] = {}
        words = self.findall(text)
        if self.counts is not None:
            self.counts.update(words)  # counted in C: about 1% of indexing time
        for pos, word in enumerate(words):
            term = cache.get(word)
            if term is None:
                term = cache[word] = self.term(word)
            found = poses.get(term)
            if found is None:
                poses[term] = [pos]
            else:
                found.append(pos)
        single = _SINGLE or _singles()
        return [
            (term, 1, 1.0, single[ps[0]] if len(ps) == 1 and ps[0] < _SINGLES else _encode_positions(ps))
            if len(ps) == 1
            else (term, len(ps), _WEIGHTS[len(ps)] if len(ps) < 256 else float(len(ps)), _encode_positions(ps))
            for term, ps in poses.items()
        ]


#: The fast path of a field indexed as one term, its whole value (`whoosh.fields.ID`).
_WHOLE_VALUE: Any = object()


def fast_terms(field: Any) -> Any:
    """A fast path for ``field``, or None where Whoosh's own analysis must run."""
    if type(field).index is not FieldType.index:  # numbers and dates encode their own terms
        return None
    analyzer = getattr(field, "analyzer", None)
    if type(field.format) is Existence and type(analyzer) is IDTokenizer and field.format.field_boost == 1.0:
        return _WHOLE_VALUE
    if type(field.format) is not Positions or field.format.field_boost != 1.0:
        return None
    if not isinstance(analyzer, CompositeAnalyzer) or type(analyzer.items[0]) is not RegexTokenizer:
        return None
    if analyzer.items[0].gaps or analyzer.items[0].expression.groups:
        return None
    if any(_word_filter(f) is None for f in analyzer.items[1:]):
        return None
    try:
        _wrapped(analyzer.items[0].expression)
    except re.error:  # global flags inside the pattern: it cannot be one group (`FastTerms.split`)
        return None
    return FastTerms(analyzer)


def _wrapped(expression: re.Pattern[str]) -> re.Pattern[str]:
    """The token pattern as one capturing group, for `re.split`."""
    return re.compile(f"({expression.pattern})", expression.flags)


def positions_decoder(field: Any) -> Callable[[bytes], list[int]]:
    """How to read a posting's positions in ``field``: for Whoosh's `Positions` format, its
    ``decode_positions`` with the running sum taken in C (Whoosh adds the deltas up in a
    Python loop); any other format's own."""
    if type(field.format) is Positions:
        return _decode_positions
    return field.format.decode_positions


def _decode_positions(value: bytes) -> list[int]:
    """`whoosh.formats.Positions.decode_positions`: the count, then the pickled deltas."""
    if not value.endswith(b"."):
        value += b"."
    return list(accumulate(pickles.loads(value[4:])))


def _encode_positions(poslist: list[int]) -> bytes:
    """`whoosh.formats.Positions.encode`, inlined: the count, then the pickled deltas."""
    deltas, base = [], 0
    for pos in poslist:
        deltas.append(pos - base)
        base = pos
    return pack_uint(len(deltas)) + dumps(deltas, 2)


#: Weights (a term's frequency as a float) shared, not one float object per posting.
_WEIGHTS = tuple(float(n) for n in range(256))
#: Encoded values of a word seen once at position p < _SINGLES, made once and shared: on the
#: first document indexed (`_singles`), not on import, which searching pays for too (~8 ms of a
#: ``dateline search``, whose snippets use `FastTerms`).
_SINGLES = 4096
_SINGLE: list[bytes] | None = None


def _singles() -> list[bytes]:
    global _SINGLE
    if _SINGLE is None:
        _SINGLE = [_encode_positions([p]) for p in range(_SINGLES)]
    return _SINGLE


class Analyzer:
    """Analyses documents for one schema; keeps per-field fast paths and their word caches."""

    def __init__(self, schema: Any, count_words: bool = False) -> None:
        self.schema = schema
        self._fast: dict[str, Any] = {}
        self._shared: list[FastTerms] = []
        #: Count the words of text fields, for `take_words`.
        self.count_words = count_words

    def _fast_path(self, field: Any) -> Any:
        """The field's fast path; fields with equal analyzers share one (and its word cache)."""
        fast = fast_terms(field)
        if isinstance(fast, FastTerms):
            for other in self._shared:
                if other.analyzer == fast.analyzer:
                    return other
            if self.count_words:
                fast.counts = Counter()
            self._shared.append(fast)
        return fast

    def take_words(self) -> list[tuple[list[str], Counter[str]]]:
        """The words counted since the last call (``count_words``), per group of fields sharing
        an analyzer: (field names, word → occurrences); the counts start afresh."""
        groups = []
        for fast in self._shared:
            if fast.counts is not None:
                fields = sorted(name for name, f in self._fast.items() if f is fast)
                groups.append((fields, fast.counts))
                fast.counts = Counter()
        return groups

    def _field_postings(self, name: str, field: Any, value: Any) -> list[Posting]:
        if name not in self._fast:
            self._fast[name] = self._fast_path(field)
        fast = self._fast[name]
        if not isinstance(value, str) or fast is None:
            return list(field.index(value))
        if fast is _WHOLE_VALUE:
            return [(value.encode("utf-8"), 1, 1.0, b"")]
        return fast.postings(value)

    def analyze(self, fields: dict[str, Any]) -> AnalyzedDoc:
        """The postings and per-document values Whoosh's ``add_document(**fields)`` would write.

        Boosts (``_boost``, ``_field_boost``) and spelling fields are not supported: the
        dateline schema uses neither.
        """
        schema = self.schema
        postings, values = [], []
        for name in sorted(n for n in fields if not n.startswith("_")):
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                items = self._field_postings(name, field, value)
                if field.scorable:
                    length = sum(item[1] for item in items)
                postings.append((name, items, length))
            stored = value if field.stored else None
            column = field.to_column_value(value) if field.column_type else None
            values.append((name, stored, column, length))
        return AnalyzedDoc(postings, values)
