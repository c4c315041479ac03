"""Text analysis: how text becomes index terms. One chain serves indexing and querying.

Shaped like Whoosh's own analyzers: a tokenizer and small filters composed with ``|``.
Changing anything here changes the terms on disk: bump `schema.SCHEMA_VERSION`.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Iterator

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer
from whoosh.analysis.acore import Token

from .language import LANGUAGES

#: Words joined by ``.`` or ``,`` stay one token (``5.2``, ``1,000``, ``u.s``, ``prnewswire.co.uk``);
#: hyphens and apostrophes split (``covid-19`` → ``covid`` ``19``, searched as a phrase).
TOKEN_PATTERN = r"\w+(?:[.,]\w+)*"



def _fold_table() -> dict[int, str]:
    """Latin letters with diacritics to their base letters; ligatures spelt out."""
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if base != char and base.isascii():
            table[code] = base
    special = {"ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
               "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "þ": "th", "Þ": "th", "ð": "d", "ı": "i"}  # fmt: skip
    table.update({ord(k): v for k, v in special.items()})
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Remove diacritics from Latin letters: ``communiqué`` → ``communique``, ``ß`` → ``ss``."""
    return text.translate(_FOLD)


class FoldFilter(Filter):
    """Accent folding as an analysis filter (after lower-casing, before stemming)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = t.text.translate(_FOLD)
            yield t


@lru_cache(maxsize=None)
def _stemmer(language: str):  # -> Stemmer.Stemmer
    import Stemmer

    return Stemmer.Stemmer(language)


class SnowballFilter(Filter):
    """Snowball stemming with PyStemmer's C implementation (much faster than Whoosh's own).

    Holds only the language name, so it pickles into the index schema; the stemmer is shared.
    """

    def __init__(self, language: str) -> None:
        self.language = language

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.language == self.language  # type: ignore[attr-defined]

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stem = _stemmer(self.language).stemWord
        for t in tokens:
            if not t.stopped:
                t.text = stem(t.text)
            yield t


def english_analyzer():  # -> whoosh.analysis.CompositeAnalyzer
    """Tokenise, lower-case, fold accents, Snowball-stem (English).

    No stop words: removing them would let ``"forces mali"`` match "Forces of Mali", and BM25's
    IDF already gives common words little weight.
    """
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | FoldFilter() | SnowballFilter("english")


def german_analyzer():  # -> whoosh.analysis.CompositeAnalyzer
    """Tokenise, lower-case, Snowball-stem (German), then fold what accents remain.

    The German stemmer reads ``ae``/``oe``/``ue`` as umlauts and folds ä/ö/ü/ß to a/o/u/ss, so
    ``Uebernahme`` finds ``Übernahme`` and ``Groesse`` finds ``Größe``; it must see the umlauts,
    hence stemming before folding.
    """
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | SnowballFilter("german") | FoldFilter()


def neutral_analyzer():  # -> whoosh.analysis.CompositeAnalyzer
    """For names, codes and text in other languages: lower-cased and folded, never stemmed."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | FoldFilter()


#: The analyzer of each language's text fields; ``xx`` is every other language.
ANALYZERS = {"en": english_analyzer, "de": german_analyzer, "xx": neutral_analyzer}


def _stop_words(lang: str) -> frozenset[str]:
    from whoosh.lang.stopwords import stoplists

    if lang not in LANGUAGES:  # unknown language: the query's may be any of ours
        return frozenset().union(*(_stop_words(known) for known in LANGUAGES))
    return frozenset(fold(w.lower()) for w in stoplists[lang])


#: Snowball's stop words per language, lower-cased and folded; for ``xx`` (any other language)
#: those of every language we know, since the query may be in any of them. They are indexed,
#: so phrases stay exact, and dropped from keyword queries as the user typed them
#: (`search.query.drop_stop_words`), so "the armed forces" means "armed forces".
STOP_WORDS: dict[str, frozenset[str]] = {lang: _stop_words(lang) for lang in ANALYZERS}
