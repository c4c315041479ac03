"""A segment's term index and posting lists read directly: the raw postings of a term
(deleted documents included, which Whoosh's public ``postings`` filters out) and a Whoosh 3
posting list decoded block by block into arrays (`search.columnar`, `search.live`)."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from typing import Any

import numpy as np

from indexer.engine import pickles

_INT_STRUCT = struct.Struct("!i")

Block = tuple[np.ndarray, np.ndarray, Any]


def segment_terms(leaf: Any) -> Any:
    """The term reader of the segment ``leaf`` (``term_info``, ``matcher`` on raw postings)."""
    return leaf._terms


def raw_matcher(leaf: Any, fieldname: str, tbytes: bytes) -> Any:
    """A matcher on a term's postings in ``leaf``, deleted documents included."""
    return leaf._terms.matcher(fieldname, tbytes, leaf.schema[fieldname].format)


def posting_blocks(terms: Any, info: Any) -> Iterator[Block] | None:
    """(document numbers, weights, values) of each block of the out-of-line posting list that
    ``info`` (a term info of ``terms``, a `segment_terms`) points to; None where the list is not
    in the Whoosh 3 format."""
    from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC

    postfile, position = terms._postfile, info.extent()[0]
    if postfile.get(position, 4) != WHOOSH3_HEADER_MAGIC:
        return None
    return _blocks(postfile, position + 4)


def _blocks(postfile: Any, position: int) -> Iterator[Block]:
    """The blocks from ``position``, just past the header. The term info's recorded length is
    unusable (Whoosh stores it as a tuple), so blocks are read until the last one, whose size is
    stored negated."""
    get = postfile.get
    while True:
        size = _INT_STRUCT.unpack(get(position, 4))[0]
        stream = pickles.Bytes(get(position + 4, abs(size)))
        position += 4 + abs(size)
        count, _maxid, _maxweight, compression, _minlen, _maxlen = pickles.load(stream)
        data = stream.read()
        if compression:
            data = zlib.decompress(data)
        deltas, weights, values = pickles.loads(data)
        ids = np.cumsum(np.asarray(deltas, dtype=np.int64))
        if weights is None:
            block_weights = np.ones(count, dtype=np.float32)
        elif isinstance(weights, float):
            block_weights = np.full(count, weights, dtype=np.float32)
        else:
            block_weights = np.asarray(weights, dtype=np.float32)
        yield ids, block_weights, values or ()
        if size < 0:
            return
