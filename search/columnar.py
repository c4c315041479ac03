"""Keyword queries scored a whole posting list at a time, with numpy, instead of one
document at a time through Whoosh's matcher tree.

Whoosh's matchers cost a few microseconds of Python per posting and per tree node; a
two-word query over four fields and three languages on 100,000 documents took 100–200 ms,
and counting its hits as much again. Here each term's postings are read block by block
straight from the segment files into arrays, and the same BM25/BM25F arithmetic as
`search.ranking` runs on the matching documents' arrays: an AND is an intersection, an OR
a union, each adding its parts' scores in the matchers' order. Hit counts come free.

Only the shapes keyword search produces are handled: words (`FieldsTerm`, `Term`), `And`,
`Or`, the language filter, date ranges, phrases and match-all (``*``, ``field:*``: `Every`);
wildcards and fuzzy words arrive spelled out as words (`search.expansion`). Anything else (NOT)
raises `Unsupported` and the caller uses Whoosh's matchers. Scores equal the matchers'
(``tests/search/test_columnar.py`` compares both paths); `by_date` orders matches as Whoosh's
sorting collector does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.analysis import IDTokenizer
from whoosh.columns import VarBytesColumn
from whoosh.fields import ID
from whoosh.reading import TermNotFound

from indexer.engine.columns import column_data, column_default, fixed_values, length_bytes, var_lengths, var_offsets
from indexer.engine.postings import positions_decoder
from indexer.engine.queries import FilteredBy
from indexer.engine.terms import posting_blocks, segment_terms
from search.limits import check as check_deadline
from search.live import BYTE_TO_LENGTH, statistics_of
from search.ranking import Bm25, FieldsTerm, bm25, field_share, saturate, tree_sum
from search.statistics import Statistics, field_language, lucene_idf


class Unsupported(Exception):
    """The query has a part this evaluator does not handle; use Whoosh's matchers."""


@dataclass
class Scored:
    """The matching documents (sorted document numbers) and their scores, aligned."""

    ids: np.ndarray
    scores: np.ndarray


_NO_IDS = np.empty(0, dtype=np.int64)
_NO_SCORES = np.empty(0, dtype=np.float64)


class Columns:
    """Arrays read from one searcher's segments, cached: postings, field lengths, columns."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        # An index whose documents were all removed has one empty reader, with no term files.
        self.leaves = [(leaf, offset) for leaf, offset in self.reader.leaf_readers() if leaf.doc_count_all()]
        self.size = self.reader.doc_count_all()
        self.live = np.ones(self.size, dtype=bool)
        for leaf, offset in self.leaves:
            if leaf.has_deletions():
                self.live[[offset + d for d in leaf.deleted_docs_set]] = False
        self._lengths: dict[str, np.ndarray] = {}
        self._masks: dict[tuple[str, bytes], np.ndarray] = {}
        self._keys: dict[str, tuple[np.ndarray, np.ndarray] | None] = {}
        self._numbers: dict[str, tuple[np.ndarray, int]] = {}

    def postings(
        self, fieldname: str, tbytes: bytes, values: list[bytes] | None = None
    ) -> tuple[np.ndarray, np.ndarray, int]:
        """Document numbers and weights of a term's postings in every segment (deleted
        included), and its live document frequency (deleted documents left out, as
        `search.live` counts it); the encoded values (positions) are appended to ``values``
        if given."""
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for leaf, offset in self.leaves:
            terms = segment_terms(leaf)
            try:
                info = terms.term_info(fieldname, tbytes)
            except TermNotFound:
                continue
            if info.is_inlined():
                block_ids, block_weights, block_values = info.inlined_postings()
                blocks: Iterable[tuple[np.ndarray, np.ndarray, Any]] = [
                    (np.asarray(block_ids, dtype=np.int64), np.asarray(block_weights, dtype=np.float32), block_values)
                ]
            else:
                blocks = _blocks(terms, info)
            for block_ids, block_weights, block_values in blocks:
                if not len(ids) & 63:
                    check_deadline()
                ids.append(block_ids + offset)
                weights.append(block_weights)
                if values is not None:
                    values.extend(block_values)
        if not ids:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64), 0
        all_ids = np.concatenate(ids)
        return all_ids, np.concatenate(weights).astype(np.float64), int(np.count_nonzero(self.live[all_ids]))

    def term_mask(self, fieldname: str, tbytes: bytes) -> np.ndarray:
        """Which documents hold a term (a filter such as ``lang:en``), cached."""
        key = (fieldname, tbytes)
        if key not in self._masks:
            mask = self._value_mask(fieldname, tbytes)
            if mask is None:
                mask = np.zeros(self.size, dtype=bool)
                mask[self.postings(fieldname, tbytes)[0]] = True
            self._masks[key] = mask
        return self._masks[key]

    def _value_mask(self, fieldname: str, tbytes: bytes) -> np.ndarray | None:
        """`term_mask` of a sortable ``ID`` field, from its column; None where it cannot be.

        An ID field's one term per document is its whole value, which its column holds too: a
        segment's column is read as one array, where the term's postings (a language's: nearly
        every document) are decoded block by block. The language filters of every search took
        18 ms at 100,000 documents, once per searcher: on every ``dateline search`` not handed
        to a server. Deleted documents are included, as in the postings."""
        if len(tbytes) > 8 or not tbytes:
            return None
        found = self._value_keys(fieldname)
        if found is None:
            return None
        lengths, keys = found
        return (lengths == len(tbytes)) & (keys == _key(tbytes))

    def _value_keys(self, fieldname: str) -> tuple[np.ndarray, np.ndarray] | None:
        """Each document's value length and its first 8 bytes as one integer (`_key`) in a
        sortable ``ID`` field's column, cached; None for other fields or column types."""
        if fieldname not in self._keys:
            self._keys[fieldname] = self._read_value_keys(fieldname)
        return self._keys[fieldname]

    def _read_value_keys(self, fieldname: str) -> tuple[np.ndarray, np.ndarray] | None:
        field = self.searcher.schema[fieldname]
        if type(field) is not ID or type(field.analyzer) is not IDTokenizer:
            return None  # its terms are not its whole values as written
        if type(field.column_type) is not VarBytesColumn:
            return None
        lengths = np.zeros(self.size, dtype=np.uint8)  # 9 stands for longer; past a column's end: no value
        keys = np.zeros(self.size, dtype=np.uint64)
        for leaf, offset in self.leaves:
            if not leaf.has_column(fieldname):
                return None
            column = leaf.column_reader(fieldname, translate=False)
            if type(column) is not VarBytesColumn.Reader:
                return None
            count = min(len(var_lengths(column)), leaf.doc_count_all())
            if not count:
                continue
            sizes = np.asarray(var_lengths(column))[:count].astype(np.int64)
            starts = np.asarray(var_offsets(column))[:count].astype(np.int64)
            data = np.frombuffer(column_data(column, int(starts[-1] + sizes[-1])), dtype=np.uint8)
            part = np.zeros(count, dtype=np.uint64)
            width = int(sizes[0])
            if (sizes == width).all():  # values all as long (languages: two letters), back to back
                rows = data[: count * width].reshape(count, width)
                for byte in range(min(width, 8)):
                    part |= rows[:, byte].astype(np.uint64) << np.uint64(8 * byte)
            else:
                for byte in range(8):
                    has = np.flatnonzero(sizes > byte)
                    if not len(has):
                        break
                    part[has] |= data[starts[has] + byte].astype(np.uint64) << np.uint64(8 * byte)
            lengths[offset : offset + count] = np.minimum(sizes, 9)
            keys[offset : offset + count] = part
        return lengths, keys

    def lengths(self, fieldname: str, ids: np.ndarray) -> np.ndarray:
        """The length of ``fieldname`` in each document of ``ids`` as Whoosh's scorers see it
        (byte-quantised)."""
        return BYTE_TO_LENGTH[self._length_bytes(fieldname)[ids]]

    def _length_bytes(self, fieldname: str) -> np.ndarray:
        """Each document's length byte of ``fieldname``, read once: kept as bytes rather than
        as lengths, whose 8-byte floats for every document (allocated and filled once per
        field and searcher) cost ~4 ms of every ``dateline search`` not handed to a server."""
        if fieldname not in self._lengths:
            out = np.ones(self.size, dtype=np.uint8)  # the byte of length 1, Whoosh's default where a segment has none
            for leaf, offset in self.leaves:
                raw = length_bytes(leaf, fieldname)
                if raw is None:
                    continue
                part = np.zeros(leaf.doc_count_all(), dtype=np.uint8)
                part[: len(raw)] = raw
                out[offset : offset + leaf.doc_count_all()] = part
            self._lengths[fieldname] = out
        return self._lengths[fieldname]

    def present(self, fieldname: str) -> np.ndarray | None:
        """Which documents have at least one word in ``fieldname``: a length above 0 in its
        lengths column (Whoosh writes one only for a field with words), read as one block per
        segment instead of every word's postings; None for a field without lengths."""
        if not self.searcher.schema[fieldname].scorable:
            return None
        out = np.zeros(self.size, dtype=bool)
        for leaf, offset in self.leaves:
            raw = length_bytes(leaf, fieldname)
            if raw is None:  # no document of the segment has the field
                continue
            out[offset : offset + len(raw)] = raw > 0
        return out

    def numbers(self, fieldname: str) -> tuple[np.ndarray, int]:
        """A sortable numeric field's column, and the value that stands for "none"."""
        if fieldname not in self._numbers:
            column_type = self.searcher.schema[fieldname].column_type
            default = column_default(column_type)
            out = np.full(self.size, default, dtype=np.uint64)
            for leaf, offset in self.leaves:
                if not leaf.has_column(fieldname):
                    continue
                column = leaf.column_reader(fieldname, translate=False)
                values = fixed_values(column, leaf.doc_count_all())
                out[offset : offset + len(values)] = values
            self._numbers[fieldname] = (out, default)
        return self._numbers[fieldname]


def _key(value: bytes) -> np.uint64:
    """The first 8 bytes of ``value`` as one integer, its first byte lowest (`Columns._value_keys`)."""
    return np.uint64(int.from_bytes(value[:8], "little"))


def _blocks(terms: Any, info: Any) -> Iterator[tuple[np.ndarray, np.ndarray, Any]]:
    """(document numbers, weights, values) of each block of a term's posting list (`indexer.engine.terms`)."""
    blocks = posting_blocks(terms, info)
    if blocks is None:
        raise Unsupported("not a Whoosh 3 posting list")
    return blocks


class Evaluator:
    """Scores queries over one searcher's `Columns` with a `Bm25` model and ``statistics`` (the
    searcher's own unless given: a cluster's, `search.statistics`).

    Results are sparse (only matching documents), so a query costs in proportion to its
    postings, not to the size of the index.
    """

    def __init__(self, columns: Columns, model: Bm25, statistics: Statistics | None = None) -> None:
        self.columns = columns
        self.model = model
        self.searcher = columns.searcher
        #: Handed-in figures replace the live document frequencies the postings give.
        self.given = statistics
        self.stats = statistics if statistics is not None else statistics_of(columns.searcher)
        self._done: dict[wq.Query, Scored] = {}
        self._postings: dict[tuple[str, bytes], tuple[np.ndarray, np.ndarray, int]] = {}
        self._positions: dict[bytes, list[int]] = {}
        self._nothing = Scored(_NO_IDS, _NO_SCORES)

    def run(self, q: wq.Query) -> Scored:
        """Evaluate ``q``; a part repeated in the tree (a phrase on a shared field appears in
        every language's branch) is evaluated once. Results must not be modified."""
        if q not in self._done:
            check_deadline()
            self._done[q] = self._run(q)
        return self._done[q]

    def _run(self, q: wq.Query) -> Scored:
        if isinstance(q, FieldsTerm):
            return self._fields_term(q)
        if type(q) is wq.Term:
            return self._term(q)
        if type(q) in (wq.And, wq.Or):
            return self._compound(q)
        if type(q) is FilteredBy:
            return self._filtered(q)
        if type(q) is wq.NumericRange:
            return self._range(q)
        if type(q) is wq.Phrase:
            return self._phrase(q)
        if isinstance(q, wq.Every):  # also `search.limits.bound`'s subclass of it
            return self._every(q)
        raise Unsupported(type(q).__name__)

    def _tbytes(self, fieldname: str, text: Any) -> bytes | None:
        field = self.searcher.schema[fieldname]
        try:
            return field.to_bytes(text)
        except ValueError:
            return None

    def _read(self, fieldname: str, tbytes: bytes) -> tuple[np.ndarray, np.ndarray, int]:
        """`Columns.postings`, once per query: shared fields recur in every language's branch."""
        key = (fieldname, tbytes)
        if key not in self._postings:
            self._postings[key] = self._frequency(fieldname, tbytes, self.columns.postings(fieldname, tbytes))
        return self._postings[key]

    def _frequency(
        self, fieldname: str, tbytes: bytes, read: tuple[np.ndarray, np.ndarray, int]
    ) -> tuple[np.ndarray, np.ndarray, int]:
        """``read`` (`Columns.postings`) with the given statistics' document frequency, if any."""
        if self.given is None:
            return read
        return read[0], read[1], self.given.doc_frequency(fieldname, tbytes)

    def _union(self, parts: list[np.ndarray]) -> np.ndarray:
        """The sorted document numbers in any of ``parts``: a pass over a boolean array of
        the index's size is several times cheaper than sorting the joined parts."""
        seen = np.zeros(self.columns.size, dtype=bool)
        for ids in parts:
            seen[ids] = True
        return np.flatnonzero(seen)

    def _bm25(self, fieldname: str, doc_freq: int, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """`ranking._Bm25Scorer`'s score of each posting (the weight alone in unscored fields)."""
        model, stats = self.model, self.stats
        if not self.searcher.schema[fieldname].scorable:
            return weights
        idf = lucene_idf(doc_freq, stats.field_docs(fieldname))
        length = self.columns.lengths(fieldname, ids)
        return bm25(idf, weights, length, stats.avg_length(fieldname), model.k1, model.b)

    def _term(self, q: wq.Term) -> Scored:
        tbytes = self._tbytes(q.fieldname, q.text)
        if tbytes is None:
            return self._nothing
        ids, weights, doc_freq = self._read(q.fieldname, tbytes)
        if not len(ids):
            return self._nothing
        scores = self._bm25(q.fieldname, doc_freq, ids, weights)
        if q.boost != 1.0:
            scores = scores * q.boost
        return Scored(ids, scores)

    def _fields_term(self, q: FieldsTerm) -> Scored:
        """`ranking.FieldsTerm.matcher`'s arithmetic: field shares summed, then saturated once."""
        model, columns, stats = self.model, self.columns, self.stats
        langs = [lang for t in q.subqueries if (lang := field_language(t.fieldname))]
        docs = stats.docs(langs[0] if langs else None)
        doc_freq = 0
        found = []
        for term in q.subqueries:
            tbytes = self._tbytes(term.fieldname, term.text)
            if tbytes is None:
                continue
            ids, weights, term_freq = self._read(term.fieldname, tbytes)
            doc_freq = min(docs, max(doc_freq, term_freq))
            if not len(ids):
                continue
            length = columns.lengths(term.fieldname, ids)
            found.append((ids, field_share(weights, length, stats.avg_length(term.fieldname), term.boost, model.b)))
        if not found:
            return self._nothing
        ids = found[0][0] if len(found) == 1 else self._union([f[0] for f in found])
        share = np.zeros(len(ids), dtype=np.float64)
        for field_ids, part in found:  # field by field, the matcher's order of additions
            share[np.searchsorted(ids, field_ids)] += part
        return Scored(ids, saturate(share, lucene_idf(doc_freq, docs), model.k1, q.boost))

    def _phrase(self, q: wq.Phrase) -> Scored:
        """Whoosh's `Phrase`: each word within ``slop`` positions after the previous one, in
        order; scored as the sum of its words' BM25 scores in the field."""
        out = self._nothing
        field = self.searcher.schema[q.fieldname]
        if not q.words or not field.format or not field.format.supports("positions"):
            raise Unsupported("phrase on a field without positions")
        words = []
        for word in q.words:
            tbytes = self._tbytes(q.fieldname, word)
            if tbytes is None:
                return out
            values: list[bytes] = []
            ids, weights, doc_freq = self._frequency(
                q.fieldname, tbytes, self.columns.postings(q.fieldname, tbytes, values)
            )
            if not len(ids):
                return out
            words.append((doc_freq, ids, weights, values))
        candidates = words[0][1]
        for _, ids, _, _ in words[1:]:
            candidates = np.intersect1d(candidates, ids, assume_unique=True)
        if not len(candidates):
            return out
        where = [np.searchsorted(ids, candidates) for _, ids, _, _ in words]
        cache, decode_value = self._positions, positions_decoder(field)

        def decode(value: bytes) -> list[int]:
            found = cache.get(value)
            if found is None:
                found = cache[value] = decode_value(value)
            return found

        slop = q.slop
        matched = []
        for i, doc in enumerate(candidates.tolist()):
            if not i & 255:
                check_deadline()
            # Whether a phrase is there depends only on where its spans so far end.
            ends = set(decode(words[0][3][where[0][i]]))
            for w in range(1, len(words)):
                following = decode(words[w][3][where[w][i]])
                if slop == 1:
                    ends = {end + 1 for end in ends}.intersection(following)
                else:
                    ends = {p for p in following if any(end < p <= end + slop for end in ends)}
                if not ends:
                    break
            if ends:
                matched.append(doc)
        if not matched:
            return out
        docs = np.asarray(matched, dtype=np.int64)
        parts = []
        for (doc_freq, _ids, weights, _), at in zip(words, where, strict=True):
            rows = at[np.searchsorted(candidates, docs)]
            parts.append(self._bm25(q.fieldname, doc_freq, docs, weights[rows]))
        scores = tree_sum(parts)
        if q.boost != 1.0:
            scores = scores * q.boost
        return Scored(docs, scores)

    def _compound(self, q: wq.CompoundQuery) -> Scored:
        parts = []
        for sub in q.subqueries:
            part = self.run(sub)
            if not len(part.ids):
                if type(q) is wq.And:
                    return self._nothing  # an AND with a part matching nothing matches nothing
                continue
            parts.append(part)
        if not parts:
            return self._nothing
        check_deadline()
        if type(q) is wq.And:
            ids = parts[0].ids
            for part in parts[1:]:
                ids = np.intersect1d(ids, part.ids, assume_unique=True)
            scores = np.zeros(len(ids), dtype=np.float64)
            for part in parts:  # in the matchers' order of additions
                scores += part.scores[np.searchsorted(part.ids, ids)]
        else:
            ids = parts[0].ids if len(parts) == 1 else self._union([p.ids for p in parts])
            scores = np.zeros(len(ids), dtype=np.float64)
            for part in parts:
                scores[np.searchsorted(ids, part.ids)] += part.scores
        if q.boost != 1.0:
            scores = scores * q.boost
        return Scored(ids, scores)

    def _filtered(self, q: FilteredBy) -> Scored:
        condition = q.b
        if type(condition) is not wq.Term:
            raise Unsupported("filter other than a term")
        scored = self.run(q.a)
        tbytes = self._tbytes(condition.fieldname, condition.text)
        if tbytes is None or not len(scored.ids):
            return self._nothing
        keep = self.columns.term_mask(condition.fieldname, tbytes)[scored.ids]
        return Scored(scored.ids[keep], scored.scores[keep])

    def _every(self, q: wq.Every) -> Scored:
        """``*`` (every document) or ``field:*`` (documents with a word in the field), each scored
        its boost as Whoosh's `Every` matcher does; from the lengths or value columns, never the
        postings of every word."""
        columns, fieldname = self.columns, q.fieldname
        if fieldname in (None, "", "*"):
            ids = np.arange(columns.size, dtype=np.int64)
        elif fieldname not in self.searcher.schema:
            return self._nothing
        else:
            mask = columns.present(fieldname)
            if mask is None:
                mask = self._has_value(fieldname)
            ids = np.flatnonzero(mask)
        return Scored(ids, np.full(len(ids), float(q.boost)))

    def _has_value(self, fieldname: str) -> np.ndarray:
        """Documents with a term in an unscored field (an ID, a date): from its column when it
        has one, else the union of its words' postings."""
        columns = self.columns
        column = self.searcher.schema[fieldname].column_type
        if getattr(column, "_typecode", None) == "Q":
            values, missing = columns.numbers(fieldname)
            return values != missing
        keys = columns._value_keys(fieldname)
        if keys is not None:
            return keys[0] > 0
        mask = np.zeros(columns.size, dtype=bool)
        for count, tbytes in enumerate(columns.reader.lexicon(fieldname)):
            if not count & 63:
                check_deadline()
            mask[columns.postings(fieldname, tbytes)[0]] = True
        return mask

    def _range(self, q: wq.NumericRange) -> Scored:
        """A range on a 64-bit numeric column (dates): bounds inclusive, as the parser makes them."""
        column = self.searcher.schema[q.fieldname].column_type
        if getattr(column, "_typecode", None) != "Q" or q.startexcl or q.endexcl:
            raise Unsupported("range other than an inclusive one on a date column")
        values, missing = self.columns.numbers(q.fieldname)
        mask = values != missing
        if q.start is not None:
            mask &= values >= np.uint64(q.start)
        if q.end is not None:
            mask &= values <= np.uint64(q.end)
        ids = np.flatnonzero(mask)
        return Scored(ids, np.full(len(ids), float(q.boost)))


def by_date(columns: Columns, docs: np.ndarray, limit: int, reverse: bool = False) -> list[tuple[float, int]]:
    """The first ``limit`` of ``docs`` (sorted document numbers) by their ``date`` column value,
    ties by document number, all reversed with ``reverse``: Whoosh's sorting collector's order
    (it sorts (value, number) pairs; a document without a date has the column's default)."""
    values = columns.numbers("date")[0][docs]
    order = np.lexsort((docs, values))
    if reverse:
        order = order[::-1]
    return [(0.0, int(d)) for d in docs[order[:limit]]]


def top(scored: Scored, live: np.ndarray, limit: int) -> tuple[list[tuple[float, int]], int]:
    """The best ``limit`` (score, document number) pairs, best first and ties by document
    number, as Whoosh orders them; and how many live documents matched."""
    keep = live[scored.ids]
    docs, scores = scored.ids[keep], scored.scores[keep]
    total = len(docs)
    if not total:
        return [], 0
    if total > limit:
        keep = np.argpartition(-scores, limit - 1)[:limit]
        cutoff = scores[keep].min()
        keep = np.flatnonzero(scores >= cutoff)  # every document tied at the cut-off
        docs, scores = docs[keep], scores[keep]
    order = np.lexsort((docs, -scores))[:limit]
    return [(float(scores[i]), int(docs[i])) for i in order], total
