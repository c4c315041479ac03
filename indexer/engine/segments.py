"""A Whoosh segment writer that keeps postings in memory and writes each term's list at once.

Whoosh's `SegmentWriter` sends every posting through a pool that pickles sorted runs to disk,
merges them back, and looks each document's field length up again from disk while writing; on
a 10,000-document build that was over half the writing time. `FastSegmentWriter` holds the
postings of one segment in memory (the caller bounds a segment by `pool_bytes`), sorts the
terms once, and writes each term's blocks directly. The files are Whoosh's own format: any
Whoosh reader opens them, and ``tests/engine/test_segments.py`` compares every posting and stored
value with what Whoosh's writer produces.
"""

from __future__ import annotations

import contextlib
import re
import struct
import zlib
from array import array
from collections import defaultdict
from itertools import pairwise
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.system import pack_int, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from indexer.engine.postings import AnalyzedDoc, Analyzer, Posting

#: Rough bytes of memory per buffered posting and per distinct term, for `pool_bytes`.
POSTING_BYTES = 56
TERM_BYTES = 160


class _MemoryPool:
    """One segment's postings by field and term: a flat list ``[doc, weight, value, length, …]``.

    Also takes Whoosh's ``add(item)`` (used when merging old segments in), whose postings carry
    no field length; those are looked up when the segment is written.
    """

    def __init__(self) -> None:
        self.fields: dict[str, dict[bytes, list[Any]]] = defaultdict(dict)
        self.bytes = 0
        self.unsized = False

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """Whoosh's pool interface, used when merging old segments in: one posting, its field
        length looked up when the segment is written."""
        fieldname, tbytes, docnum, weight, vbytes = item
        self.unsized = True
        self.add_postings(fieldname, [(tbytes, 1, weight, vbytes or b"")], docnum, 0)

    def add_postings(self, fieldname: str, items: list[Posting], docnum: int, length: int) -> None:
        """One document's postings of one field."""
        terms = self.fields[fieldname]
        new_terms = 0
        for tbytes, _freq, weight, vbytes in items:
            entry = terms.get(tbytes)
            if entry is None:
                terms[tbytes] = [docnum, weight, vbytes, length]
                new_terms += len(tbytes) + TERM_BYTES
            else:
                entry += (docnum, weight, vbytes, length)
        self.bytes += len(items) * POSTING_BYTES + new_terms

    def cleanup(self) -> None:
        self.fields.clear()
        self.bytes = 0


class FastSegmentWriter(SegmentWriter):
    """`SegmentWriter` with an in-memory pool; takes documents already analysed (`add_analyzed`).

    ``add_document(**fields)`` still works (it analyses in-process). Deletions, merging of
    old segments and commit are Whoosh's own.
    """

    # Attributes set by Whoosh's ``SegmentWriter`` (untyped), as this class uses them.
    pool: _MemoryPool
    is_closed: bool
    _searcher: Any

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        # Separate files, not one compound file: a reader opening a compound segment copies
        # each part it reads into memory (0.3 s per search at 100,000 documents).
        kwargs.setdefault("compound", False)
        super().__init__(ix, **kwargs)
        self.pool.cleanup()
        self.pool = _MemoryPool()
        self._analyzer: Analyzer | None = None

    @property
    def pool_bytes(self) -> int:
        """Estimated memory held by buffered postings."""
        return self.pool.bytes

    def add_document(self, **fields: Any) -> None:
        if self._analyzer is None:
            self._analyzer = Analyzer(self.schema)
        self.add_analyzed(self._analyzer.analyze(fields))

    def add_analyzed(self, doc: AnalyzedDoc) -> None:
        """Add a document analysed by `postings.Analyzer` (in this process or a worker)."""
        self._check_state()
        schema = self.schema
        docnum = self.docnum
        pool = self.pool
        for fieldname, items, length in doc.postings:
            pool.add_postings(fieldname, items, docnum, length)
        perdoc = self.perdocwriter
        perdoc.start_doc(docnum)
        for fieldname, stored, column, length in doc.values:
            field = schema[fieldname]
            perdoc.add_field(fieldname, field, stored, length)
            if column is not None:
                perdoc.add_column_value(fieldname, field.column_type, column)
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def abandon(self) -> None:
        """Give the new segment up without writing anything more, where Whoosh's ``cancel``
        would write its column files (and fail again on a full disk): close the files, ignoring
        errors. A writer holding the index's lock then removes what no commit refers to (this
        segment's files, other writers' uncommitted segments, its temporary folder) and
        releases the lock, so a failed run leaves the folder as its last commit did."""
        if self.is_closed:
            return
        perdoc, fields = self.perdocwriter, self.fieldwriter
        cols = getattr(perdoc, "_cols", None)
        for f in (
            getattr(cols, "_temp", None),
            getattr(perdoc, "_vpostfile", None),
            getattr(getattr(fields, "_tindex", None), "dbfile", None),
            getattr(fields, "_postfile", None),
        ):
            if f is not None and not getattr(f, "is_closed", False):
                with contextlib.suppress(OSError, ValueError):
                    f.close()
        self.pool.cleanup()
        self.is_closed = True
        if self.writelock:
            try:
                if self._searcher is not None:
                    self._searcher._orig_close()
                    self._searcher = None
                with contextlib.suppress(OSError):
                    self._tempstorage.destroy()
                remove_uncommitted(self.storage, self.indexname)
            finally:
                self.writelock.release()

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pool = self.pool
        lengths = self.per_document_reader() if pool.unsized and self.codec.length_stats else None
        fw = self.fieldwriter
        postfile = fw._postfile
        for fieldname in sorted(pool.fields):
            terms = pool.fields[fieldname]
            fw.start_field(fieldname, self.schema[fieldname])
            blocklimit = fw._postwriter._blocklimit
            fixedsize = fw._format.fixed_value_size()
            fieldid = pack_ushort(fw._fieldid)
            keys, infos = [], []
            for tbytes in sorted(terms):
                flat = terms[tbytes]
                if lengths is not None:
                    for i in range(3, len(flat), 4):
                        if not flat[i]:
                            flat[i] = lengths.doc_field_length(flat[i - 3], fieldname) or 0
                keys.append(fieldid + tbytes)
                if len(flat) == 4:
                    infos.append(_single_info(*flat))
                else:
                    infos.append(_write_postings(postfile, flat, blocklimit, fixedsize).to_bytes())
                if len(keys) == TERMS_PER_WRITE:
                    _add_terms(fw._tindex, keys, infos)
                    keys, infos = [], []
            _add_terms(fw._tindex, keys, infos)
            fw.finish_field()
        fw.close()
        if lengths is not None:
            lengths.close()


def remove_uncommitted(storage: Any, indexname: str) -> None:
    """Remove the files of segments the index's last commit does not list, and unfinished TOC
    files: what a failed (or killed) run wrote. Only the holder of the write lock may call it,
    since another writer's new segments are uncommitted too."""
    from whoosh.index import TOC, clean_files

    toc = TOC.read(storage, indexname)
    clean_files(storage, indexname, toc.generation, toc.segments)
    unfinished = re.compile(rf"_{re.escape(indexname)}_[0-9]+\.toc\..")  # TOC.write's temporary name
    for name in storage.list():
        if unfinished.match(name):
            with contextlib.suppress(OSError):
                storage.delete_file(name)


#: Blocks whose pickled data is shorter than this are written uncompressed: zlib would only
#: make them longer (most terms have one posting).
COMPRESS_FROM = 128
#: Pickle protocol of a block's data. Whoosh writes protocol 2, where each posting's encoded
#: positions (bytes) are rebuilt by a call (``_codecs.encode``) that the allow-list unpickler
#: must look up: most of reading a posting list. Protocol 3 stores bytes as bytes; Whoosh reads
#: it all the same (``pickle.loads`` reads any protocol).
BLOCK_PROTOCOL = 3
#: zlib's level for the rest: the fastest. Level 6 (zlib's default) left the index 0.8% smaller
#: at 10,000 documents and cost each worker ~0.25 s of its ~9 s; reading is as fast at any level.
COMPRESSION = 1


#: Term index entries written at once (`_add_terms`): a whole field's at once (hundreds of
#: thousands of terms in a large segment) held them all twice over while the segment was written.
TERMS_PER_WRITE = 4096
_F32 = struct.Struct("f")
_LENGTHS = struct.Struct("!II")  # a term index entry's key and value lengths (`HashWriter.add`)


def _single_info(docnum: int, weight: float, value: bytes | None, length: int) -> bytes:
    """The term info of a term with one posting, the posting inlined in it (``W3TermInfo.to_bytes``
    of what `_write_postings` would count, without the block): most terms have one posting
    (a name, a number, a typo), and a block of its own carries a header and a pickle of its own. The
    posting is pickled with `BLOCK_PROTOCOL`, its value b"" for a field without values (Whoosh's
    merge re-adds each posting's value as bytes)."""
    stored = _F32.unpack(_F32.pack(weight))[0]  # the block's weights are 32-bit floats
    lengthbyte = length_to_byte(length) if length else 0
    head = W3TermInfo._struct.pack(True, stored, 1, lengthbyte, lengthbyte, max(0, weight), docnum, docnum)
    return head + dumps(((docnum,), (stored,), (value or b"",)), BLOCK_PROTOCOL)


def _add_terms(tindex: Any, keys: list[bytes], infos: list[bytes]) -> None:
    """``tindex.add(key, info)`` for each term of a field, in order (Whoosh's
    `OrderedHashWriter`), in one write instead of three writes and two ``tell``s per term."""
    if not keys:
        return
    if keys[0] <= tindex.lastkey:
        raise ValueError(f"Keys must increase: {tindex.lastkey!r}..{keys[0]!r}")
    dbfile = tindex.dbfile
    position = dbfile.tell()
    chunks: list[bytes] = []
    hashfn, buckets, index = tindex.hashfn, tindex.buckets, tindex.index
    for key, info in zip(keys, infos, strict=True):
        index.append(position)
        h = hashfn(key)
        buckets[h & 255].append((h, position))
        chunks += (_LENGTHS.pack(len(key), len(info)), key, info)
        position += 8 + len(key) + len(info)
    dbfile.write(b"".join(chunks))
    tindex.lastkey = keys[-1]


def _write_postings(postfile: Any, flat: list[Any], blocklimit: int, fixedsize: int | None) -> W3TermInfo:
    """Write one term's postings in Whoosh 3 blocks, as `W3PostingsWriter` does, in bulk."""
    info = W3TermInfo()
    start = postfile.tell()
    out = [WHOOSH3_HEADER_MAGIC]
    step = 4 * blocklimit
    total = len(flat)
    for begin in range(0, total, step):
        block = flat[begin : begin + step] if total > step else flat
        ids = block[0::4]
        raw_weights = block[1::4]
        weights = array("f", raw_weights).tolist()
        sized = [n for n in block[3::4] if n]
        minlength = min(sized) if sized else None
        maxlength = max(sized) if sized else 0
        maxweight = max(0, max(raw_weights))
        # W3TermInfo.add_block
        info._weight += sum(weights)
        info._df += len(ids)
        if info._minlength is None:
            info._minlength = minlength
        elif minlength is not None:
            info._minlength = min(info._minlength, minlength)
        info._maxlength = max(info._maxlength, maxlength)
        info._maxweight = max(info._maxweight, maxweight)
        if info._minid is None:
            info._minid = ids[0]
        info._maxid = ids[-1]
        # W3PostingsWriter._write_block: (delta ids, weights, values) pickled, maybe compressed
        deltas = tuple(b - a for a, b in pairwise([0, *ids]))
        first = weights[0]
        if first == 1.0 and all(w == 1.0 for w in weights):
            mini_weights: Any = None
        elif all(w == first for w in weights):
            mini_weights = first
        else:
            mini_weights = tuple(weights)
        if fixedsize is None or fixedsize < 0:
            mini_values: Any = tuple(v for v in block[2::4] if v)
        elif fixedsize == 0:
            mini_values = None
        else:
            mini_values = b"".join(block[2::4])
        data = dumps((deltas, mini_weights, mini_values), BLOCK_PROTOCOL)
        comp = 0
        if len(data) >= COMPRESS_FROM:
            comp = COMPRESSION
            data = zlib.compress(data, comp)
        infobytes = dumps((len(ids), ids[-1], maxweight, comp, length_to_byte(minlength), length_to_byte(maxlength)), 2)
        size = len(infobytes) + len(data)
        out += (pack_int(-size if begin + step >= total else size), infobytes, data)
    postfile.write(b"".join(out))
    info.set_extent(start, postfile.tell() - start)
    return info
