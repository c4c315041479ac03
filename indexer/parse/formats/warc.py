"""Web archives (WARC and the older ARC, plain or gzipped record by record): each HTML page
captured (a ``response`` or ``resource`` record, status 2xx) is a document read as an HTML file
is, with the record's target URI as its url and the capture time as its publication time where
the page states none.

The n-th record of the file has the id ``<file id>#<n>``. A capture whose payload was seen
before (a ``revisit`` record, or the same payload digest again) is not indexed twice; records of
other kinds (requests, metadata, images, scripts) are passed over.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import zlib
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from indexer.core.document import Document
from indexer.core.text import decode, normalise
from indexer.parse.dates import parse_datetime
from indexer.parse.formats._format import Format, LineError
from indexer.parse.formats.bundles import MAX_EXPANDED
from indexer.parse.formats.compressed import expand
from indexer.parse.formats.html import parse_html

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([a-z0-9_.:-]+)""", re.IGNORECASE)


def read_warc(data: bytes, doc_id: str, field_map: Mapping[str, str] | None = None) -> Iterator[Document | LineError]:
    """Yield a `Document` for each HTML page captured in the archive ``data``."""
    if not _head(data).startswith((b"WARC/", b"filedesc://")):
        raise ValueError("not a readable WARC or ARC file (it does not start with a WARC or ARC record)")
    try:
        yield from _records(data, doc_id)
    except _WholeGzip:  # gzipped as one stream, not record by record: the records are read unpacked
        yield from _records(expand(data, "gzip", MAX_EXPANDED), doc_id)


class _WholeGzip(Exception):
    pass


def _records(data: bytes, doc_id: str) -> Iterator[Document | LineError]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    seen: set[str] = set()
    number = found = 0
    try:
        for record in ArchiveIterator(io.BytesIO(data), arc2warc=True):
            number += 1
            page = _page(record, seen)
            if page is None:
                continue
            try:
                yield _document(record, page, f"{doc_id}#{number}")
                found += 1
            except (ValueError, RecursionError) as exc:
                yield LineError(number, str(exc), unit="record")
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
        if "non-chunked gzip" in str(exc) and not found:
            raise _WholeGzip from None
        if number <= 1 and not found:
            raise ValueError(f"not a readable WARC or ARC file ({_first_line(exc)})") from None
        reason = f"the archive is damaged here; the rest is not read ({_first_line(exc)})"
        yield LineError(number + 1, reason, unit="record")


def _head(data: bytes) -> bytes:
    """The first bytes of the archive, unpacked when it is gzipped."""
    if data[:2] != b"\x1f\x8b":
        return data[:64].lstrip()
    try:
        return zlib.decompressobj(wbits=31).decompress(data[:65536], 64).lstrip()
    except zlib.error:
        return b""


def _page(record: Any, seen: set[str]) -> bytes | None:
    """The HTML payload of a page capture not seen before in this file, else None."""
    if record.rec_type not in ("response", "resource"):
        return None  # revisits point at a capture already read; requests, metadata, warcinfo hold no page
    headers = record.rec_headers
    content_type = record.content_type or ""
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode() or ""
        if not status.startswith("2"):
            return None
        content_type = record.http_headers.get_header("Content-Type") or ""
    if content_type.lower().split(";")[0].strip() not in _HTML_TYPES:
        return None
    payload = record.content_stream().read()
    digest = headers.get_header("WARC-Payload-Digest") or "sha1:" + hashlib.sha1(payload).hexdigest()
    if digest in seen or not payload.strip():
        return None
    seen.add(digest)
    return payload


def _document(record: Any, payload: bytes, doc_id: str) -> Document:
    declared = None
    if record.http_headers is not None:
        declared = _charset((record.http_headers.get_header("Content-Type") or "").encode("latin-1", "replace"))
    doc = parse_html(normalise(_decode(payload, declared)), Document(id=doc_id))
    doc.format = "warc"
    doc.url = doc.url or record.rec_headers.get_header("WARC-Target-URI")
    if doc.published is None and doc.date is None:
        captured = parse_datetime(record.rec_headers.get_header("WARC-Date") or "")
        if isinstance(captured, datetime):
            doc.published, doc.date = captured, captured.date()
    return doc


def _charset(text: bytes) -> str | None:
    m = re.search(rb"charset\s*=\s*[\"']?([a-z0-9_.:-]+)", text, re.IGNORECASE)
    if m is None:
        return None
    name = m[1].decode("ascii", "replace")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _decode(payload: bytes, declared: str | None) -> str:
    """The page's text in the charset its HTTP header or ``<meta>`` declares, else as any file is
    decoded (UTF-8, falling back to cp1252)."""
    charset = declared
    if charset is None and (m := _CHARSET.search(payload[:4096])):
        charset = _charset(b"charset=" + m[1])
    if charset is not None:
        try:
            return payload.decode(charset)
        except (UnicodeDecodeError, LookupError):
            pass
    return decode(payload)[0]


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


FORMAT = Format(
    "warc",
    (".warc", ".warc.gz", ".arc", ".arc.gz"),
    read_bytes=read_warc,
    many=True,
    empty="no HTML pages captured",
    decodes_entities=True,
)
