"""Text analysis: how text becomes index terms. One chain serves indexing and querying.

Shaped like Whoosh's own analyzers: a tokenizer and small filters composed with ``|``.
Changing anything here changes the terms on disk: bump `schema.SCHEMA_VERSION`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import cache

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer
from whoosh.analysis.acore import Token

from indexer.core.language import LANGUAGES

_LOWER = "a-zß-öø-ÿ"
_UPPER = "A-ZÀ-ÖØ-Þ"
#: A plain word: one letter of either case, then lower-case letters (``investors``, ``Inc``).
_PLAIN = rf"[{_UPPER}{_LOWER}][{_LOWER}]++"
#: Capitalised words that end a domain name more often than they start a sentence
#: (``Truth.Fi``, ``Claims.Law``, ``Leben.Live``, ``Ippen.Media``: real names in the archives).
_DOMAIN_ENDS = "Com|Net|Org|Io|Ai|Fi|Co|De|Law|Live|Media|News|Money|App|Tv"
#: After a plain word's ``.``: a capitalised word that starts a sentence, not a domain's next part.
_SENTENCE_START = rf"(?=[{_UPPER}][{_LOWER}])(?!(?:{_DOMAIN_ENDS})\b)(?!\w+\.\w)"
#: One part of a token and the ``.`` or ``,`` that joins it to the next: after a plain word a
#: ``.`` does not join when a sentence starts right after it (scraped text glues sentences).
#: The guard and possessive quantifiers keep the common case (a word and a space) to one scan.
_JOINED_PART = rf"(?=\w++[.,]\w)(?:{_PLAIN}(?:,|\.(?!{_SENTENCE_START}))|(?!{_PLAIN}\W)\w++[.,])"
#: Words joined by ``.`` or ``,`` stay one token (``5.2``, ``1,000``, ``u.s``, ``e.g``,
#: ``prnewswire.co.uk``, ``Amazon.com``, ``www.RossoCRE.com``); hyphens and apostrophes split
#: (``covid-19`` → ``covid`` ``19``, searched as a phrase). A sentence glued to the last with
#: no space splits into its words: ``investors.Amid`` → ``investors`` ``Amid``, since a plain
#: word of two or more letters, ``.`` and a capitalised word (``[A-Z][a-z]``) is a sentence
#: boundary; all-capital or one-letter parts (``U.S``, ``z.B``), digits and lower-case or
#: CamelCase names (``inDrive.Money``) stay joined. Only non-capturing groups: the fast path
#: (`indexer.engine.postings.fast_terms`) needs a pattern without groups.
TOKEN_PATTERN = rf"(?:{_JOINED_PART})*\w+"


def _fold_table() -> dict[int, str]:
    """Latin letters with diacritics to their base letters; ligatures spelt out."""
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if base != char and base.isascii():
            table[code] = base
    special = {
        "ß": "ss",
        "ẞ": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "þ": "th",
        "Þ": "th",
        "ð": "d",
        "ı": "i",
    }
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


@cache
def stemmer(language: str):  # -> Stemmer.Stemmer
    """The Snowball stemmer (PyStemmer, in C) for ``language``, imported on first use."""
    import Stemmer

    return Stemmer.Stemmer(language)


class SnowballFilter(Filter):
    """Snowball stemming with PyStemmer's C implementation (much faster than Whoosh's own).

    Holds only the language name, so it pickles into the index schema; the stemmer is shared.
    """

    def __init__(self, language: str) -> None:
        self.language = language

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.language == self.language

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stem = stemmer(self.language).stemWord
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
