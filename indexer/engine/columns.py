"""A segment's columns read whole, as arrays: a field's length bytes, a variable-length bytes
column's lengths, offsets and data, a fixed-width numeric column's values. Whoosh reads a
column one document at a time through its reader's private fields, which these read at once
(`search.columnar`, `search.live`, `search.facets`)."""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh.util.numeric import _length_byte_cache

#: A field length as Whoosh stores it (one byte) to the length it stands for.
BYTE_TO_LENGTH = np.asarray(_length_byte_cache, dtype=np.float64)


def length_bytes(leaf: Any, fieldname: str) -> np.ndarray | None:
    """Each document's length byte of ``fieldname`` in the segment ``leaf`` (one per document up
    to the column's end); None where no document of the segment has the field."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

    column = leaf._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return None
    count = min(column._count, leaf.doc_count_all())
    return np.frombuffer(column._dbfile.get(column._basepos, count), dtype=np.uint8)


def var_lengths(column: Any) -> Any:
    """The value length of each document in a ``VarBytesColumn`` reader (an ``array``)."""
    return column._lengths


def var_offsets(column: Any) -> Any:
    """The start of each document's value in a ``VarBytesColumn`` reader's data (an ``array``)."""
    return column._offsets


def has_var_layout(column: Any) -> bool:
    """Whether ``column`` is laid out as Whoosh's ``VarBytesColumn`` reader: data, then lengths."""
    return hasattr(column, "_basepos") and hasattr(column, "_offsets")


def column_data(column: Any, size: int) -> bytes:
    """The first ``size`` bytes of a column reader's data (its values back to back)."""
    return column._dbfile.get(column._basepos, size)


def fixed_values(column: Any, doc_count: int) -> np.ndarray:
    """A fixed-width numeric column reader's values (up to ``doc_count``), as stored (big-endian)."""
    count = min(column._count, doc_count)
    raw = column._dbfile.get(column._basepos, count * column._fixedlen)
    return np.frombuffer(raw, dtype=np.dtype(">" + column._typecode))


def column_default(column_type: Any) -> Any:
    """The value a numeric column type stands for "none" with."""
    return column_type._default
