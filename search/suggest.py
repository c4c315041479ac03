"""Did you mean: a corrected query from the index's own vocabulary.

Each word of the query that the index does not know (or knows from far fewer documents than a
word one edit away) is replaced by the closest word the searched fields hold, and everything
else the user typed stays as typed: quotes, ``field:`` prefixes, operators, brackets, case.

The language-analysed fields hold stems (``forc`` for "forces"), which are no words to offer a
user. So candidates are the words the segments were indexed from (`indexer.write.vocab`, written with
each segment) within the allowed edits of the typed word and sharing its first letter, as
Lucene's spell checker does by default, found with RapidFuzz; a word whose stem no live document
holds any more (its documents were deleted) is never offered. For a segment without such a file
(an index written before them) candidates are found among the stems (Whoosh's Levenshtein
automaton over the term list) and each is mapped back to its words by reading a few of the
documents that hold it: the same answers, 10-100 times slower. Candidates are ranked by the
Damerau-Levenshtein distance of the word to the typed word, then by the number of documents
holding its term, then by how often the word occurs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein
from whoosh.reading import TermNotFound
from whoosh.support.levenshtein import damerau_levenshtein

from indexer.core.analysis import STOP_WORDS, TOKEN_PATTERN, fold
from indexer.core.schema import LANG_FIELDS, lang_field
from indexer.engine.postings import FastTerms, fast_terms
from indexer.write.vocab import SegmentVocab, bucket, read_vocab
from search.query import TEXT_FIELDS

#: A word the index knows is still replaced when a word one edit away is in this many times as
#: many documents (a typo that made it into one release must not hide the right spelling).
RARE_RATIO = 10
#: When the query as typed finds documents, a word the index knows is kept unless a word one edit
#: away is in this many times as many documents, and the corrected query finds `MORE_HITS` times
#: as many; a word typed with a capital (a name: ``Sahel``, ``ACME``) is then never replaced.
FAR_MORE = 100
MORE_HITS = 10
#: How many documents holding a candidate stem are read to find the words it stems from.
SAMPLE_DOCS = 5
#: How many candidate terms per field are mapped back to words (each costs a few stored reads).
MAX_CANDIDATES = 12
#: Words up to this long are corrected by one edit at most, longer ones by two.
SHORT_WORD = 4
#: Segment vocabularies kept in memory (by index folder and segment id; segments never change).
VOCAB_CACHE = 32
_vocabs: dict[tuple[str, str], SegmentVocab | None] = {}

_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})
_ALL_STOPS = frozenset().union(*STOP_WORDS.values())
# One query token: an optional field prefix, then a phrase, a range, or a run of other text.
_TOKEN = re.compile(
    r'(?P<field>[A-Za-z_]\w*:)?(?:(?P<phrase>"[^"]*"?(?:~\d+)?)|(?P<range>[\[{][^\]}]*[\]}]?)|(?P<word>[^\s()"]+))'
)
#: A word as the analyzers split text (`indexer.core.analysis.TOKEN_PATTERN`).
WORD = re.compile(TOKEN_PATTERN)


@dataclass(frozen=True)
class QueryWord:
    """A word of the query that may be corrected: where it is, and which fields it searches."""

    start: int
    end: int
    text: str
    fields: tuple[str, ...]


def query_words(text: str, fields: Sequence[str]) -> list[QueryWord]:
    """The words of ``text`` a correction may replace, in order.

    Left alone: operators, words after ``NOT`` or ``-`` (excluding a misspelt word excludes
    nothing, and correcting it would change what is excluded), wildcards, fuzzy and boosted
    terms (``acqui*``, ``armd~``, ``wind^2``), a field name with nothing after it (``title:``),
    ranges, numbers, stop words, words of one or two letters, and words in fields that are not
    text (``date:``, ``url:``, ``id:``).
    """
    found: list[QueryWord] = []
    negate = False
    for m in _TOKEN.finditer(text):
        token = m["phrase"] or m["range"] or m["word"]
        if m["word"] in _OPERATORS:
            negate = m["word"] in ("NOT", "ANDNOT")
            continue
        negated, negate = negate, False
        if (
            m["range"]
            or negated
            or (m["word"] and (m["word"].startswith("-") or m["word"].endswith(":") or re.search(r"[*?~^]", m["word"])))
        ):
            continue
        field = m["field"][:-1] if m["field"] else None
        if field is not None and field not in TEXT_FIELDS:
            continue
        searched = (field,) if field else tuple(fields)
        offset = m.start("phrase") if m["phrase"] else m.start("word")
        for w in WORD.finditer(token):
            word = w[0]
            if len(word) < 3 or any(c.isdigit() for c in word) or "." in word or "," in word:
                continue
            if fold(word.lower()) in _ALL_STOPS:
                continue
            found.append(QueryWord(offset + w.start(), offset + w.end(), word, searched))
    return found


def analyser(field: object) -> Callable[[str], str | None]:
    """word → the term ``field`` indexes it as (None where it is no single term)."""
    fast = fast_terms(field)
    if isinstance(fast, FastTerms):
        cache = fast.cache

        def term(word: str) -> str | None:
            found = cache.get(word)
            if found is None:
                found = cache[word] = fast.term(word)
            return found.decode("utf-8")

        return term

    def slow(word: str) -> str | None:  # pragma: no cover - dateline's text fields all have a fast path
        terms = [t.text for t in field.analyzer(word)]  # type: ignore[attr-defined]
        return terms[0] if len(terms) == 1 else None

    return slow


def _distance(a: str, b: str, limit: int) -> int:
    return damerau_levenshtein(fold(a.lower()), fold(b.lower()), limit)


class Speller:
    """Corrects the words of queries against one reader's vocabulary."""

    def __init__(self, reader: Any, schema: Any, langs: Sequence[str]) -> None:
        self.reader = reader
        self.schema = schema
        self.langs = tuple(langs)
        self._surfaces: dict[tuple[int, str], dict[str, Counter[str]]] = {}  # (docnum, field) → term → words
        #: Whether a word the index holds was replaced in a query that finds documents: the
        #: correction must then find `MORE_HITS` times as many.
        self.replaced_known = False

    def indexed(self, field: str) -> list[str]:
        """The indexed fields behind a query field, those that hold any term."""
        names = [lang_field(field, lang) for lang in self.langs] if field in LANG_FIELDS else [field]
        return [n for n in names if n in self.schema and self.reader.field_length(n)]

    def correct(self, word: QueryWord, found: bool = False) -> str | None:
        """The best replacement for ``word``, or None to keep it. ``found``: the query as typed
        finds documents, so a word the index holds is far more likely meant (`FAR_MORE`)."""
        limit = 1 if len(word.text) <= SHORT_WORD else 2
        typed_terms: dict[str, tuple[Callable[[str], str | None], str]] = {}
        for field in {f for base in word.fields for f in self.indexed(base)}:
            analyse = analyser(self.schema[field])
            typed = analyse(word.text)
            if typed:
                typed_terms[field] = (analyse, typed)
        known = max((self.reader.doc_frequency(f, t) for f, (_, t) in typed_terms.items()), default=0)
        if known and found and word.text[:1].isupper():
            return None  # a name the index holds, in a query that finds it: meant as typed
        candidates: dict[str, tuple[int, int]] = {}  # word (lower case) → (documents with its term, uses)
        unchecked: dict[str, list[tuple[str, str]]] = {}  # word → (field, term): live documents unknown
        for field, (analyse, typed) in typed_terms.items():
            with_vocab, without = self._split_leaves(field)
            for surface, uses in self._vocab_near(with_vocab, field, word.text, limit).items():
                stem = analyse(surface)
                doc_freq = self.reader.doc_frequency(field, stem) if stem and stem != typed else 0
                if stem and doc_freq:
                    candidates[surface] = max(candidates.get(surface, (0, 0)), (doc_freq, uses))
                    unchecked.setdefault(surface, []).append((field, stem))
            for stem in self._near(without, field, typed, limit) if without else ():
                doc_freq = self.reader.doc_frequency(field, stem)
                for surface, uses in self._surface_forms(field, stem, analyse).items():
                    candidates[surface] = max(candidates.get(surface, (0, 0)), (doc_freq, uses))
                    unchecked.pop(surface, None)  # read from a live document
        ranked = sorted(
            (d, -n, -uses, s)
            for s, (n, uses) in candidates.items()
            if 0 < (d := _distance(s, word.text, limit)) <= limit
        )
        top = next(
            (r for r in ranked if r[3] not in unchecked or any(self._live(f, t) for f, t in unchecked[r[3]])), None
        )
        if top is None:
            return None
        distance, doc_freq, best = top[0], -top[1], top[3]
        if known and not (distance == 1 and doc_freq >= (FAR_MORE if found else RARE_RATIO) * known):
            return None
        self.replaced_known = self.replaced_known or bool(known and found)
        return _like(best, word.text)

    def _split_leaves(self, field: str) -> tuple[list[SegmentVocab], list[object]]:
        """The vocabularies of the segments that hold ``field`` and have one, and the segment
        readers of those that hold it and have none."""
        with_vocab, without = [], []
        for leaf, _ in self.reader.leaf_readers():
            if not leaf.field_length(field):
                continue
            vocab = _segment_vocab(leaf)
            if vocab is not None and vocab.has(field):
                with_vocab.append(vocab)
            else:
                without.append(leaf)
        return with_vocab, without

    def _vocab_near(self, vocabs: Sequence[SegmentVocab], field: str, text: str, limit: int) -> Counter[str]:
        """The words of ``vocabs`` (``field``'s group) within ``limit`` edits of ``text`` and
        sharing its first letter, with how often they occur."""
        typed = text.lower()
        found: Counter[str] = Counter()
        for vocab in vocabs:
            words, counts = vocab.words(field, bucket(typed))
            if not words:
                continue
            for near, _, i in process.extract(
                typed, words, scorer=DamerauLevenshtein.distance, score_cutoff=limit, limit=None
            ):
                found[near] += counts[i]
        found.pop(typed, None)
        return found

    def _live(self, field: str, term: str) -> bool:
        """Whether a document not deleted holds ``term`` (a segment keeps deleted documents'
        terms, and their words in its vocabulary, until it is merged)."""
        try:
            return bool(self.reader.postings(field, term).is_active())
        except TermNotFound:
            return False

    def _near(self, leaves: Sequence[Any], field: str, term: str, limit: int) -> Iterable[str]:
        """Candidate terms of ``field`` for the typed ``term``: those within ``limit`` edits
        sharing its first letter, and the stems of words within ``limit`` edits whose stem the
        typo hid (``acquisitoin`` is no stem, ``acquisit`` three edits away): terms sharing its
        first half that are within ``limit`` edits of its opening. The best `MAX_CANDIDATES`."""
        found: dict[str, int] = {}
        opening = term[: max(3, len(term) // 2)]
        for leaf in leaves:
            for near in leaf.terms_within(field, term, limit, prefix=1):
                found[near] = min(found.get(near, limit), damerau_levenshtein(near, term, limit))
            for btext in leaf.expand_prefix(field, opening):
                near = btext.decode("utf-8")
                d = damerau_levenshtein(near, term[: len(near)], limit)
                if d <= limit and len(near) < len(term):
                    found[near] = min(found.get(near, limit), d)
        found.pop(term, None)
        best = sorted(found, key=lambda t: (found[t], -self.reader.doc_frequency(field, t)))
        return best[:MAX_CANDIDATES]

    def _surface_forms(self, field: str, term: str, analyse: Callable[[str], str | None]) -> Counter[str]:
        """The words (lower case, accents kept) that ``field`` indexed as ``term``, with how
        often they occur, read from the stored text of a few documents holding it."""
        stored = field.rpartition("_")[0] if field.rpartition("_")[0] in LANG_FIELDS else field
        words: Counter[str] = Counter()
        postings = self.reader.postings(field, term)
        for docnum in list(postings.all_ids())[:SAMPLE_DOCS]:
            key = (docnum, field)
            terms = self._surfaces.get(key)
            if terms is None:
                terms = {}
                text = self.reader.stored_fields(docnum).get(stored) or ""
                for w in WORD.findall(text if isinstance(text, str) else " ".join(text)):
                    t = analyse(w)
                    if t is not None:
                        terms.setdefault(t, Counter())[w.lower()] += 1
                self._surfaces[key] = terms
            words.update(terms.get(term, Counter()))
        return words


def _segment_vocab(leaf: Any) -> SegmentVocab | None:
    """The vocabulary of a segment reader's segment, read once and cached (None: it has none)."""
    segment, storage = leaf.segment(), leaf.storage()
    if segment is None or storage is None:
        return None
    key = (str(getattr(storage, "folder", id(storage))), segment.segment_id())
    if key not in _vocabs:
        if len(_vocabs) >= VOCAB_CACHE:
            _vocabs.clear()
        _vocabs[key] = read_vocab(storage, segment)
    return _vocabs[key]


def _like(word: str, model: str) -> str:
    """``word`` in the case pattern of ``model``: ``ARMED``, ``Armed`` or ``armed``."""
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def corrected(text: str, speller: Speller, fields: Sequence[str], found: bool = False) -> str | None:
    """``text`` with its misspelt words replaced, or None when no word changed; ``found``: the
    query as typed finds documents (`Speller.correct`)."""
    out, last, changed = [], 0, False
    for word in query_words(text, fields):
        better = speller.correct(word, found)
        if better is None or better == word.text:
            continue
        out += [text[last : word.start], better]
        last, changed = word.end, True
    if not changed:
        return None
    # One line however the query was typed (a pasted query may end in a newline): the
    # suggestion is shown as "Did you mean: …" and is the same query with whitespace collapsed.
    suggestion = " ".join(("".join(out) + text[last:]).split())
    return None if suggestion.lower() == text.lower() else suggestion
