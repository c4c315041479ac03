"""Reading a file into documents: choose the format by extension (`indexer.parse.formats`), decode,
normalise, parse."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field

from indexer.core.document import DOCUMENT_FIELDS, Document
from indexer.core.errors import DocumentError
from indexer.core.language import detect_language, file_language
from indexer.core.text import DecodeError, decode, decode_entities, normalise, printable_path, strip_controls
from indexer.parse.dates import date_in_path
from indexer.parse.formats import LineError, format_for

#: Files larger than this are skipped with a message (a wire story is a few kilobytes); the
#: limit bounds the memory one file can take (`dateline index --max-size`).
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Largest ``--max-size`` accepted: a file is held whole in memory while it is parsed, so a
#: limit beyond this bounds nothing (split such a feed); a larger value is refused, not clamped.
MAX_SIZE_LIMIT = 4 * 1024**3
#: Bytes read from a file at a time: the limit is never allocated up front.
READ_CHUNK = 1024 * 1024

_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}


def parse_size(text: str) -> int:
    """Bytes in a size such as ``20MB``, ``512KB``, ``1.5M`` or ``1048576`` (units of 1024).

    Raises `ValueError` for anything else, a size below one byte, or one above `MAX_SIZE_LIMIT`
    (computed exactly: a float would turn 400 digits into infinity).
    """
    import re
    from fractions import Fraction

    m = re.fullmatch(r"\s*(\d+)(\.\d+)?\s*([a-z]*)\s*", text.lower())
    if not m or m[3] not in _UNITS:
        raise ValueError(f"{text!r} is not a size: use bytes or a number with KB, MB or GB, e.g. 20MB")
    too_large = f"{text!r}: the size must be at most {format_size(MAX_SIZE_LIMIT)}"
    if len(m[1].lstrip("0")) > 20:  # far above the limit; and too long for exact arithmetic to be cheap
        raise ValueError(too_large)
    size = int(Fraction(m[1] + (m[2] or "")[:21]) * _UNITS[m[3]])
    if size < 1:
        raise ValueError(f"{text!r}: the size must be at least one byte")
    if size > MAX_SIZE_LIMIT:
        raise ValueError(too_large)
    return size


def format_size(size: int) -> str:
    """``size`` bytes as the shortest exact ``20 MB``, ``512 KB`` or ``1000 bytes``."""
    for unit, name in ((1024**3, "GB"), (1024**2, "MB"), (1024, "KB")):
        if size % unit == 0:
            return f"{size // unit} {name}"
    return f"{size} bytes"


def read_bytes(name: str, max_bytes: int) -> bytes:
    """The bytes of the regular file ``name``, never more than ``max_bytes``.

    Opened without blocking and checked on the open file, so a FIFO or device named like a
    document does not hang the run, and a file that grows after the walk is still bounded.
    Read in chunks: memory follows the file's size, not the limit (``--max-size 4GB``).
    """
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise DocumentError(name, os_reason(name, exc)) from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise DocumentError(name, "not a regular file (a FIFO, socket or device); skipped")
        limit = f"larger than the {format_size(max_bytes)} limit (--max-size); skipped"
        if st.st_size > max_bytes:
            raise DocumentError(name, f"{limit}: {st.st_size} bytes")
        chunks, total = [], 0
        try:
            while total <= max_bytes:
                chunk = fh.read(min(READ_CHUNK, max_bytes + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
        except OSError as exc:
            raise DocumentError(name, os_reason(name, exc)) from None
        if total > max_bytes:
            raise DocumentError(name, f"{limit}: it grew while being read")
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def os_reason(name: str, exc: OSError) -> str:
    """Why ``name`` could not be opened or looked at, saying so when it is a broken or looping
    symbolic link (a bare "No such file or directory" for a link that is there misleads)."""
    reason = exc.strerror or str(exc)
    if os.path.islink(name):
        try:
            target = os.readlink(name)
        except OSError:
            target = "?"
        kind = "a symbolic link loop" if exc.errno == errno.ELOOP else "a broken symbolic link"
        return f"{kind} to {printable_path(target)} ({reason})"
    return reason


@dataclass
class ParsedFile:
    """The documents read from one file, with per-line errors (JSONL) and warnings."""

    path: str
    documents: list[Document] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def reader_for(path: str | os.PathLike[str]) -> str:
    """The name of the format that reads ``path``; unknown extensions are read as plain text."""
    return format_for(path).name


def read_documents(
    path: str | os.PathLike[str],
    *,
    doc_id: str | None = None,
    field_map: Mapping[str, str] | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> ParsedFile:
    """Read every document in ``path`` with the format its extension names; ``doc_id`` defaults
    to the path as given.

    Raises `DocumentError` when the file as a whole cannot be read (missing, too large, binary,
    empty, malformed); a many-document file's bad records (JSONL lines) are listed in ``errors``.
    """
    name = os.fspath(path)
    doc_id = doc_id or printable_path(name)
    data = read_bytes(name, max_bytes)
    try:
        raw, warning = decode(data)
    except DecodeError as exc:
        raise DocumentError(name, str(exc)) from None
    result = ParsedFile(path=name, warnings=[warning] if warning else [])
    text = normalise(raw)
    fmt = format_for(name)
    try:
        for item in fmt.read(text, doc_id, field_map):
            if isinstance(item, LineError):
                result.errors.append(f"line {item.line}: {item.reason}")
            else:
                result.documents.append(item)
    except (ValueError, RecursionError) as exc:
        raise DocumentError(name, str(exc)) from None
    if not result.documents and not result.errors:
        raise DocumentError(name, fmt.empty)
    undetected = []
    in_path = date_in_path(os.path.abspath(name))
    for doc in result.documents:
        _clean_fields(doc)
        doc.source = printable_path(os.path.abspath(name))
        doc.date = doc.date or in_path  # the document's own date first; the path's only where it gives none
        if doc.language is None:
            doc.language = detect_language(f"{doc.title or ''}\n{doc.body}")
            if doc.language is None:
                undetected.append(doc)
        result.warnings.extend(doc.warnings)
    if undetected and (lang := file_language([d.language for d in result.documents])):
        for doc in undetected:
            doc.language = lang
    return result


def _clean_fields(doc: Document) -> None:
    """Decode the HTML entities of every text field but the id, once (an HTML file's parser
    decoded its own already), then remove the control characters that escapes in JSON, YAML
    or HTML decoded into fields."""
    entities = doc.format != "html"
    for name in DOCUMENT_FIELDS:
        value = getattr(doc, name)
        if isinstance(value, str):
            if entities and name != "id":
                value = decode_entities(value)
            setattr(doc, name, strip_controls(value))
        elif isinstance(value, list):
            setattr(doc, name, [strip_controls(decode_entities(v) if entities else v) for v in value])


def parse_file(path: str | os.PathLike[str], *, doc_id: str | None = None) -> Document:
    """Parse a single-document file (text, seed layout, Markdown, HTML) into a `Document`.

    Raises `DocumentError` for an unreadable file, and for a many-document (JSONL) file, which holds many
    documents: read those with `read_documents`.
    """
    if (fmt := format_for(path)).many:
        raise DocumentError(os.fspath(path), f"a {fmt.name.upper()} file holds many documents; use read_documents()")
    return read_documents(path, doc_id=doc_id).documents[0]
