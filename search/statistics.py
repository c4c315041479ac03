"""The collection statistics a score reads, in one object: the seam between scoring and where the
figures come from.

BM25 and BM25F (`search.ranking`, `search.columnar`, `search.explain`) need three figures of the
collection: how many documents there are (per language: an English word's IDF counts English
documents), each field's total length (for its average), and each term's document frequency.
They read them from a `Statistics`, never from the searcher. A single index's are its own live
figures (`search.live.LiveStats`); a shard of a cluster scores with the sums of every shard's
(`Given`), as Elasticsearch's ``dfs_query_then_fetch`` does, so a document scores the same
wherever it is stored. `CollectionStats` are those figures for one query, picklable and summable:
what a shard reports and what the cluster hands back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from math import log
from typing import Any

from indexer.core.schema import LANG_FIELDS, LANG_KEYS

#: The key of one wildcard, prefix, fuzzy word or term range: (kind, field, text, edits, prefix length).
ExpansionKey = tuple[str, str, str, int, int]


def field_language(fieldname: str) -> str | None:
    """``en`` for ``body_en`` and the other language-analysed fields; None for shared ones: the
    language whose documents a field's statistics count."""
    base, _, lang = fieldname.rpartition("_")
    return lang if base in LANG_FIELDS and lang in LANG_KEYS else None


def lucene_idf(doc_freq: int, docs: int) -> float:
    """Lucene's BM25 IDF, ``ln(1 + (N - df + 0.5) / (df + 0.5))``: never negative, near zero for
    a word in every document."""
    return log(1 + (docs - doc_freq + 0.5) / (doc_freq + 0.5))


class Statistics:
    """The figures scoring reads; subclasses say where they come from (`documents`,
    `language_documents`, `doc_frequency`, `field_length`), this class derives the rest, cached."""

    def __init__(self) -> None:
        self._avg_lengths: dict[str, float] = {}

    def documents(self) -> int:
        """How many live documents the collection holds."""
        raise NotImplementedError

    def language_documents(self, lang: str) -> int:
        """How many live documents are in ``lang``."""
        raise NotImplementedError

    def doc_frequency(self, fieldname: str, text: Any) -> int:
        """How many live documents hold the term ``text`` (bytes or a value of the field) in ``fieldname``."""
        raise NotImplementedError

    def field_length(self, fieldname: str) -> float:
        """The total length of ``fieldname`` over the live documents."""
        raise NotImplementedError

    def docs(self, lang: str | None) -> int:
        """The documents in ``lang``, or in the collection for None, at least 1: the N of IDF."""
        return max(1, self.language_documents(lang) if lang else self.documents())

    def field_docs(self, fieldname: str) -> int:
        """How many documents can hold ``fieldname``: those of its language for ``body_en`` and
        the like, every document otherwise."""
        return self.docs(field_language(fieldname))

    def avg_length(self, fieldname: str) -> float:
        """The field's mean length over the documents that can hold it (1 for an empty field)."""
        if fieldname not in self._avg_lengths:
            self._avg_lengths[fieldname] = self.field_length(fieldname) / self.field_docs(fieldname) or 1.0
        return self._avg_lengths[fieldname]

    def idf(self, fieldname: str, text: Any) -> float:
        """The term's Lucene IDF within the documents that can hold its field."""
        return lucene_idf(self.doc_frequency(fieldname, text), self.field_docs(fieldname))


@dataclass(frozen=True)
class CollectionStats:
    """One collection's figures for one query, as plain data: what a shard reports and, summed
    over the shards (``+``, `total`), what each shard then scores with (`Given`).

    ``frequencies`` hold the query's terms ((field, term bytes) → live documents holding it);
    ``lengths`` every scored field's total length; ``expansions`` the index words each wildcard,
    prefix, fuzzy word or term range of the query matches (`search.expansion`), so that every
    shard expands it to the same words, those of the whole cluster.
    """

    documents: int = 0
    languages: Mapping[str, int] = field(default_factory=dict)
    lengths: Mapping[str, float] = field(default_factory=dict)
    frequencies: Mapping[tuple[str, bytes], int] = field(default_factory=dict)
    expansions: Mapping[ExpansionKey, tuple[bytes, ...]] = field(default_factory=dict)

    def __add__(self, other: CollectionStats) -> CollectionStats:
        return CollectionStats(
            documents=self.documents + other.documents,
            languages=_summed(self.languages, other.languages),
            lengths=_summed(self.lengths, other.lengths),
            frequencies=_summed(self.frequencies, other.frequencies),
            expansions={
                key: tuple(sorted(set(self.expansions.get(key, ())) | set(other.expansions.get(key, ()))))
                for key in {**self.expansions, **other.expansions}
            },
        )

    @staticmethod
    def total(parts: Iterable[CollectionStats]) -> CollectionStats:
        """The sum of ``parts`` (every shard's figures): the cluster's."""
        out = CollectionStats()
        for part in parts:
            out = out + part
        return out


def _summed(a: Mapping[Any, Any], b: Mapping[Any, Any]) -> dict[Any, Any]:
    out = dict(a)
    for key, value in b.items():
        out[key] = out.get(key, 0) + value
    return out


class Given(Statistics):
    """Statistics handed in (a cluster's sums), read instead of the index's own. A term the
    figures lack (none, for the queries `Index` plans: `search.live.collect` gathers every term they score)
    is counted in ``local``, so a score is never short of a figure."""

    def __init__(self, figures: CollectionStats, local: Statistics) -> None:
        super().__init__()
        self.figures = figures
        self.local = local

    def documents(self) -> int:
        return self.figures.documents

    def language_documents(self, lang: str) -> int:
        found = self.figures.languages.get(lang)
        return self.local.language_documents(lang) if found is None else found

    def doc_frequency(self, fieldname: str, text: Any) -> int:
        tbytes = text if isinstance(text, bytes) else None
        if tbytes is None:
            return self.local.doc_frequency(fieldname, text)
        found = self.figures.frequencies.get((fieldname, tbytes))
        return self.local.doc_frequency(fieldname, tbytes) if found is None else found

    def field_length(self, fieldname: str) -> float:
        found = self.figures.lengths.get(fieldname)
        return self.local.field_length(fieldname) if found is None else found
