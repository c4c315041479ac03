"""Compressed files (``.gz``, ``.bz2``, ``.xz``, ``.zst``): the one file inside, read by the format
its name names (``story.txt.gz`` as text, ``feed.rss.xz`` as a feed) under the compressed file's id.

Decompression is bounded: what comes out may not pass the size limit of one file (``--max-size``),
nor expand more than `MAX_RATIO` times past a megabyte (a compression bomb), so a small hostile
file never takes the memory or time of a large one.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import zlib
from collections.abc import Iterator

from indexer.parse.formats._format import Format, LineError, Member, MissingExtra, require

#: Largest expansion accepted past `RATIO_FLOOR` bytes: news text compresses 3-10 times, a
#: compression bomb a thousand times and more.
MAX_RATIO = 200
#: Output below this size is never called a bomb (a kilobyte of spaces compresses 100 times).
RATIO_FLOOR = 1024 * 1024
#: Bytes decompressed at a time.
CHUNK = 1024 * 1024

#: Each compression suffix and what it is called in messages.
SUFFIXES = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "zstd"}


class TooLarge(ValueError):
    """Decompressed data passed a size limit or expanded like a compression bomb."""


def inner_name(name: str) -> str:
    """``name`` without its compression suffix: ``a/story.txt.gz`` → ``a/story.txt``."""
    return os.path.splitext(name)[0]


def compression_of(name: str) -> str | None:
    """The compression the name's suffix says (``gzip`` …), or None."""
    return SUFFIXES.get(os.path.splitext(name)[1].lower())


def stream(data: bytes, kind: str) -> io.BufferedIOBase:
    """A reader of ``data`` decompressed as ``kind`` (``gzip``, ``bzip2``, ``xz``, ``zstd``)."""
    raw = io.BytesIO(data)
    if kind == "gzip":
        return gzip.GzipFile(fileobj=raw)
    if kind == "bzip2":
        return bz2.BZ2File(raw)
    if kind == "xz":
        return lzma.LZMAFile(raw)
    zstandard = require("zstandard", "zstd", "zstd-compressed files")
    return zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)


def expand(data: bytes, kind: str, limit: int) -> bytes:
    """``data`` decompressed, at most ``limit`` bytes; raises `ValueError` naming what is wrong:
    a truncated or corrupt stream, more than ``limit`` bytes, or a bomb's expansion ratio."""
    out, total = [], 0
    try:
        with stream(data, kind) as reader:
            while chunk := reader.read(min(CHUNK, limit + 1 - total) or 1):
                out.append(chunk)
                total += len(chunk)
                check_expansion(total, len(data), limit, kind)
    except (TooLarge, MissingExtra):
        raise
    except EOFError:
        raise ValueError(f"a truncated {kind} file (it ends before its end marker)") from None
    except (OSError, lzma.LZMAError, ValueError, zlib.error) as exc:
        raise ValueError(f"not a valid {kind} file ({_reason(exc)})") from None
    except Exception as exc:  # zstandard.ZstdError is not an OSError
        if type(exc).__name__ != "ZstdError":
            raise
        raise ValueError(f"not a valid {kind} file ({_reason(exc)})") from None
    return b"".join(out)


def check_expansion(total: int, packed: int, limit: int, kind: str) -> None:
    """Raise `TooLarge` when ``total`` bytes decompressed from ``packed`` pass ``limit`` or
    expand like a compression bomb."""
    if total > limit:
        raise TooLarge(f"expands to more than {limit:,} bytes (the size limit, --max-size)")
    if total > RATIO_FLOOR and total > MAX_RATIO * max(packed, 1):
        raise TooLarge(f"expands over {MAX_RATIO} times like a compression bomb ({packed:,} {kind} bytes)")


def _reason(exc: BaseException) -> str:
    return str(exc).strip() or type(exc).__name__


def open_compressed(data: bytes, name: str, max_bytes: int) -> Iterator[Member | LineError]:
    """The one file inside a compressed file, under the compressed file's id."""
    kind = compression_of(name)
    assert kind is not None, name
    yield Member(inner_name(name), expand(data, kind, max_bytes), own_id=False)


FORMAT = Format("compressed", tuple(SUFFIXES), open=open_compressed, empty="no text inside")
