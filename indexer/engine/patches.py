"""Work-arounds for bugs in whoosh-reloaded 2.7.5 that replace Whoosh's own methods, applied by
`install` (where an index is opened, `indexer.core.store.open_index`) rather than by importing
a module, and kept apart so they are easy to drop (docs/upstream/ offers two of them upstream).
"""

from __future__ import annotations

import struct
import sys
from array import array
from itertools import accumulate
from typing import Any

_installed = False


def install() -> None:
    """Patch Whoosh's classes, once (later calls do nothing): query hashing, a segment's
    ``has_column``, the multi-segment column reader and the variable-length column's offsets."""
    global _installed
    if _installed:
        return
    from whoosh.codec.whoosh3 import W3PerDocReader
    from whoosh.columns import VarBytesColumn
    from whoosh.query import CompoundQuery, Term
    from whoosh.reading import MultiReader

    global _plain_compound_hash, _plain_term_hash, _plain_has_column, _plain_multi_column_reader
    _plain_compound_hash, _plain_term_hash = CompoundQuery.__hash__, Term.__hash__
    CompoundQuery.__hash__ = _compound_hash
    Term.__hash__ = _term_hash
    _plain_has_column = W3PerDocReader.has_column
    W3PerDocReader.has_column = _has_column
    _plain_multi_column_reader = MultiReader.column_reader
    MultiReader.column_reader = _multi_column_reader
    VarBytesColumn.Reader._read_offsets_and_lengths = _read_offsets_and_lengths
    _installed = True


# Whoosh hashes a compound query as the XOR of its parts' hashes, and a term as the XOR of field,
# text and boost; so one word looked up in an even number of fields hashes the same whatever the
# word, and `normalize` (which dedupes parts through a set) becomes quadratic: a 10,000-word query
# took 150 s. Hashing tuples keeps equal queries equal-hashed and spreads the rest.
def _compound_hash(self: Any) -> int:
    return hash((type(self).__name__, self.boost, tuple(self.subqueries)))


def _term_hash(self: Any) -> int:
    return hash((self.fieldname, self.text, self.boost))


#: Whoosh's own methods, as they were before `install` (tests compare against them).
_plain_compound_hash: Any = None
_plain_term_hash: Any = None
_plain_has_column: Any = None
_plain_multi_column_reader: Any = None


def _has_column(self: Any, fieldname: str) -> bool:
    """``W3PerDocReader.has_column`` answered from the column files opened with the searcher
    (`indexer.engine.searching.open_searcher`), where it opened them."""
    opened = getattr(self, "_opened_columns", None)
    return fieldname in opened if opened is not None else _plain_has_column(self, fieldname)


def _multi_column_reader(
    self: Any, fieldname: str, column: Any = None, reverse: bool = False, translate: bool = True
) -> Any:
    """`MultiReader.column_reader` with a reader for every segment, in place.

    Whoosh's own skips the segments without the field's column file (none of whose documents
    had a value, e.g. no issuer or wire) yet indexes the remaining readers by document number
    alone: with no segment left, every read fails with an ``IndexError``; otherwise documents
    of a skipped segment are read from its neighbour (wrong values, or past its end). A
    segment's own `column_reader` already answers a missing column with a default-valued
    reader of the segment's length, so every segment is kept.
    """
    from whoosh.columns import MultiColumnReader

    readers = [r.column_reader(fieldname, column=column, reverse=reverse, translate=translate) for r in self.readers]
    combined = MultiColumnReader(readers, list(self.doc_offsets))
    combined._doccount = self.doc_count_all()  # Whoosh leaves it 0 when offsets are given
    return combined


def _read_offsets_and_lengths(self: Any) -> None:
    """`VarBytesColumn.Reader._read_offsets_and_lengths`, line for line, but where a column
    stores no offsets (segments of up to 32,768 documents) they are summed in C rather than by
    Whoosh's loop, which appended them one by one, about 1 ms per 16,000 documents each time a
    searcher first reads a segment's stored fields or a column (8 ms of a ``dateline search`` at
    100,000 documents). By numpy when a search has loaded it (twice as fast), else by
    `itertools.accumulate`: the indexer reads its file stamps through here and never needs numpy
    (importing it cost a no-op ``dateline index`` 40 ms and 13 MB)."""
    dbfile, doccount = self._dbfile, self._doccount
    lastbyte = self._basepos + self._length - 1  # the lengths' type code is the last byte
    lens_code = chr(dbfile.get_byte(lastbyte))
    offsets = None
    if lens_code == "X":  # the offsets were written too: the real type codes come before it
        self.had_stored_offsets = True
        lens_code = chr(dbfile.get_byte(lastbyte - 2))
        offsets_code = chr(dbfile.get_byte(lastbyte - 1))
        offsetstart = (lastbyte - 2) - doccount * struct.calcsize(offsets_code)
        offsets = dbfile.get_array(offsetstart, offsets_code, doccount)
        lastbyte = offsetstart
    lenstart = lastbyte - struct.calcsize(lens_code) * doccount
    lengths = dbfile.get_array(lenstart, lens_code, doccount)
    if offsets is None:
        offsets = _summed(lengths, doccount)
    self._offsets = offsets
    self._lengths = lengths


def _summed(lengths: Any, doccount: int) -> array[int]:
    """The running totals of ``lengths`` before each (the first is 0), as unsigned offsets; a
    total below zero (a damaged file) raises ``OverflowError`` as Whoosh's loop does."""
    np = sys.modules.get("numpy")
    if np is None or not doccount:
        return array("L", accumulate(lengths[:-1], initial=0)) if doccount else array("L")
    summed = np.zeros(doccount, dtype=np.int64)
    np.cumsum(np.asarray(lengths, dtype=np.int64)[:-1], out=summed[1:])
    if summed.min() < 0:
        raise OverflowError("can't convert negative value to unsigned int")
    offsets = array("L")
    offsets.frombytes(summed.astype(f"u{array('L').itemsize}").tobytes())
    return offsets
