"""Work-arounds for bugs in whoosh-reloaded 2.7.5, kept apart so they are easy to drop."""

from __future__ import annotations

import errno
from typing import Any

from whoosh.collectors import ScoredCollector
from whoosh.matching.wrappers import RequireMatcher
from whoosh.query import CompoundQuery, Query, Require, Term
from whoosh.searching import Results, Searcher

from indexer.core.openfiles import is_too_many_open_files
from indexer.engine.storage import closes_on_error


def _compound_hash(self: CompoundQuery) -> int:
    return hash((type(self).__name__, self.boost, tuple(self.subqueries)))


def _term_hash(self: Term) -> int:
    return hash((self.fieldname, self.text, self.boost))


# Whoosh hashes a compound query as the XOR of its parts' hashes, and a term as the XOR of field,
# text and boost; so one word looked up in an even number of fields hashes the same whatever the
# word, and `normalize` (which dedupes parts through a set) becomes quadratic: a 10,000-word query
# took 150 s. Hashing tuples keeps equal queries equal-hashed and spreads the rest.
CompoundQuery.__hash__ = _compound_hash  # type: ignore[method-assign]
Term.__hash__ = _term_hash  # type: ignore[method-assign]


class _RequireMatcher(RequireMatcher):
    """`RequireMatcher` whose ``skip_to_quality`` does not re-sync an already aligned pair.

    Whoosh's own calls ``IntersectionMatcher._find_next`` unconditionally after skipping, which
    asserts the two sides are on different documents; when the skip lands both on the same
    document, every optimised search through a `Require` fails with an ``AssertionError``.
    """

    def skip_to_quality(self, minquality):  # type: ignore[no-untyped-def]
        skipped = self.a.skip_to_quality(minquality)
        if self.a.is_active() and self.b.is_active() and self.a.id() != self.b.id():
            self.child._find_next()
        return skipped


class FilteredBy(Require):
    """``FilteredBy(query, condition)``: documents matching both, scored by ``query`` alone."""

    def matcher(self, searcher, context=None):  # type: ignore[no-untyped-def]
        # Require.matcher names RequireMatcher itself instead of using `matcherclass`.
        scored = self.a.matcher(searcher, context)
        required = self.b.matcher(searcher, searcher.boolean_context())
        return _RequireMatcher(scored, required)


def search(searcher: Searcher, q: Query, **kwargs: Any) -> Results:
    """`Searcher.search` without the collector's matcher replacement, which loses hits.

    Every ten documents Whoosh's top-N collector asks the matcher tree to ``replace`` itself by
    one that only finds documents able to enter the top N; the union, intersection and
    and-maybe matchers' rewrites drop documents that belong there (whoosh issue #413: "best
    result only when limit=None"). Block-quality skipping, the larger saving, stays on. The
    running search's deadline (`search.limits`) is checked as documents are collected.
    """
    from search.limits import with_deadline

    collector = searcher.collector(**kwargs)
    inner: Any = collector
    while inner is not None:
        if isinstance(inner, ScoredCollector):
            inner.replace = 0
        inner = getattr(inner, "child", None)
    searcher.search_with_collector(q, with_deadline(collector))
    return collector.results()


#: How long opening a searcher keeps trying while commits or rebuilds replace the files under it
#: (each try that loses the race fails at once and the next, 50 ms later, sees a newer state).
OPEN_SECONDS = 2.0


def open_searcher(ix: Any, **kwargs: Any) -> Searcher:
    """A searcher on the index's latest commit that stays whole while other processes commit.

    Two whoosh-reloaded behaviours would mix commits or fail. ``Searcher.refresh`` reuses the
    old reader and *adds the old segments back* (``FileIndex._reader`` extends the new segment
    list with the reused one's), so after a commit that merged or replaced segments the old
    documents are counted again. And a segment's column files (stored fields, lengths, ids …)
    are opened on first use, by which time a commit may have deleted them: stored fields then
    fail with a ``TypeError``. So: a fresh reader, no reuse, with every column file opened at
    once (an open file outlives its deletion); a file deleted before it could be opened means
    a newer commit exists, which the next try reads.
    """
    import time

    from whoosh.index import EmptyIndexError

    from indexer.core.errors import IndexNotFoundError

    give_up = time.monotonic() + OPEN_SECONDS
    while True:
        last = time.monotonic() >= give_up
        try:
            reader = _reader(ix)
        except (OSError, EmptyIndexError) as exc:  # no TOC: a rebuild is renaming the folder
            if last or is_too_many_open_files(exc):  # no retry frees descriptors
                if isinstance(exc, EmptyIndexError):
                    raise IndexNotFoundError(f"no dateline index at {ix.storage.folder}") from None
                raise
            time.sleep(0.05)
            continue
        listed: dict[int, list[str]] = {}  # by storage: the folder is listed once, not per segment
        try:
            for leaf, _ in reader.leaf_readers():
                _open_columns(leaf, listed)
        except OSError as exc:
            reader.close()
            if last or is_too_many_open_files(exc):
                raise
            time.sleep(0.05)
            continue
        return Searcher(reader, fromindex=ix, **kwargs)


def _reader(ix: Any) -> Any:
    """``ix.reader()`` without Whoosh's own retries, which leave the files of each failed try
    open (a damaged or deleted segment file): a try that fails closes what it opened."""
    with closes_on_error(ix.storage):
        toc = ix._read_toc()
        return ix._reader(ix.storage, toc.schema, toc.segments, toc.generation)


def _open_columns(leaf: Any, listed: dict[int, list[str]]) -> None:
    """Open every column file of one segment now, and answer ``has_column`` from them;
    ``listed`` keeps each storage's file names for the next segment."""
    perdoc = getattr(leaf, "_perdoc", None)
    segment = leaf.segment() if hasattr(leaf, "segment") else None
    if perdoc is None or segment is None or not hasattr(perdoc, "_colfiles"):
        return  # an empty index
    prefix, suffix = segment.make_filename("."), ".col"
    storage = perdoc._storage  # the index folder, or a compound segment's own (already open) file
    if id(storage) not in listed:
        listed[id(storage)] = storage.list()
    files = listed[id(storage)]
    names = [n[len(prefix) : -len(suffix)] for n in files if n.startswith(prefix) and n.endswith(suffix)]
    if "_stored" not in names and segment.doc_count_all():  # every segment with documents has it
        name = segment.make_filename("._stored.col")
        raise FileNotFoundError(errno.ENOENT, "the index folder was replaced while being opened", name)
    for fieldname in names:
        if fieldname not in perdoc._colfiles:
            perdoc._colfiles[fieldname] = perdoc._get_column_file(fieldname)
    perdoc._opened_columns = frozenset(perdoc._colfiles)


def _has_column(self: Any, fieldname: str) -> bool:
    opened = getattr(self, "_opened_columns", None)
    return fieldname in opened if opened is not None else _plain_has_column(self, fieldname)


from whoosh.codec.whoosh3 import W3PerDocReader  # noqa: E402

_plain_has_column = W3PerDocReader.has_column
W3PerDocReader.has_column = _has_column  # type: ignore[method-assign]


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
    readers = [r.column_reader(fieldname, column=column, reverse=reverse, translate=translate) for r in self.readers]
    combined = MultiColumnReader(readers, list(self.doc_offsets))
    combined._doccount = self.doc_count_all()  # Whoosh leaves it 0 when offsets are given
    return combined


from whoosh.columns import MultiColumnReader  # noqa: E402
from whoosh.reading import MultiReader  # noqa: E402

_plain_multi_column_reader = MultiReader.column_reader
MultiReader.column_reader = _multi_column_reader  # type: ignore[method-assign]


def _read_offsets_and_lengths(self: Any) -> None:
    """`VarBytesColumn.Reader._read_offsets_and_lengths`, line for line, but where a column
    stores no offsets (segments of up to 32,768 documents) they are summed from the lengths by
    numpy: Whoosh's loop appended them one by one, about 1 ms per 16,000 documents each time a
    searcher first reads a segment's stored fields or a column (8 ms of a ``dateline search``
    at 100,000 documents)."""
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
        summed = np.zeros(doccount, dtype=np.int64)
        np.cumsum(np.asarray(lengths, dtype=np.int64)[:-1], out=summed[1:])
        if doccount and summed.min() < 0:  # a damaged file: Whoosh's loop fails here too
            raise OverflowError("can't convert negative value to unsigned int")
        offsets = array("L")
        offsets.frombytes(summed.astype(_OFFSET).tobytes())
    self._offsets = offsets
    self._lengths = lengths


import struct  # noqa: E402
from array import array  # noqa: E402

import numpy as np  # noqa: E402
from whoosh.columns import VarBytesColumn  # noqa: E402

_OFFSET = np.dtype(f"u{array('L').itemsize}")

VarBytesColumn.Reader._read_offsets_and_lengths = _read_offsets_and_lengths  # type: ignore[method-assign]
