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
from indexer.core.text import decode, decode_entities, normalise, printable_path, renormalise, strip_controls
from indexer.parse.dates import date_in_path
from indexer.parse.formats import (
    FALLBACK,
    Format,
    LineError,
    Member,
    format_for,
    known_format,
    mail,
    readable,
    wiretext,
    xmlfiles,
)

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
    result = ParsedFile(path=name)
    try:
        _read_into(result, name, data, doc_id, field_map, max_bytes, inside=None)
    except (ValueError, RecursionError) as exc:
        raise DocumentError(name, str(exc)) from None
    undetected = []
    in_path = date_in_path(os.path.abspath(name))
    for doc in result.documents:
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


def _read_into(
    result: ParsedFile,
    name: str,
    data: bytes,
    doc_id: str,
    field_map: Mapping[str, str] | None,
    max_bytes: int,
    inside: Format | None,
) -> None:
    """Add the documents, bad records and warnings of the file ``name`` holding ``data`` to
    ``result``; a container's members are read by their own formats, each member's problems
    reported under its name. Raises `ValueError` when the file as a whole cannot be read."""
    fmt = format_for(name)
    if fmt is FALLBACK and wiretext.sniffed(data):
        fmt = wiretext.FORMAT  # IPTC 7901 / ANPA 1312 framed wire text, which agencies save as .txt
    elif fmt is FALLBACK and mail.is_message(data):
        fmt = mail.FORMAT  # a mail saved as .txt (or with no extension, as Maildir keeps them)
    elif known_format(name) is None and (xml := xmlfiles.reader_of(data)) is not None:
        fmt = xml  # a name without a known extension (Reuters' tag_reuters.com_…) holding news XML
    if fmt.open is not None:
        # One level only: a compressed file inside a bundle, never a bundle in a bundle or a compressed
        # file in a compressed file (each level multiplies what a small file can expand to).
        if inside is not None and (fmt.many or not inside.many):
            raise ValueError(f"a {fmt.name} inside a {inside.name} is not read (one level of bundling)")
        for item in fmt.open(data, name, max_bytes):
            if isinstance(item, LineError):
                result.errors.append(str(item))
            elif not item.own_id:  # the one file inside a compressed file: its problems are the file's
                _read_into(result, item.name, item.data, doc_id, field_map, max_bytes, fmt)
            elif readable(item.name):  # as in a folder, members of no format dateline reads are passed over
                _read_member(result, item, doc_id, field_map, max_bytes, fmt)
        if not result.documents and not result.errors:
            raise ValueError(fmt.empty)
        return
    if fmt.read_bytes is not None:
        items = fmt.read_bytes(data, doc_id, field_map)
    else:
        raw, warning = decode(data)
        result.warnings.extend([warning] if warning else [])
        assert fmt.read is not None, fmt.name
        items = fmt.read(normalise(raw), doc_id, field_map)
    found = 0
    for record in items:
        if isinstance(record, LineError):
            result.errors.append(str(record))
            continue
        _clean_fields(record, entities=not fmt.decodes_entities)
        result.documents.append(record)
        found += 1
    if not found and not result.errors:
        raise ValueError(fmt.empty)


def _read_member(
    result: ParsedFile,
    member: Member,
    bundle_id: str,
    field_map: Mapping[str, str] | None,
    max_bytes: int,
    bundle: Format,
) -> None:
    """Read one member of a bundle under the id ``<bundle id>/<member>``; a member that cannot
    be read is one error of the bundle's, and the other members are read."""
    part = ParsedFile(path=member.name)
    try:
        _read_into(part, member.name, member.data, f"{bundle_id}/{member.name}", field_map, max_bytes, bundle)
    except (ValueError, RecursionError) as exc:
        part.errors.append(str(exc))
    in_path = date_in_path(member.name)
    for doc in part.documents:
        doc.date = doc.date or in_path
    result.documents.extend(part.documents)
    result.errors.extend(f"member {member.name}: {e}" for e in part.errors)
    result.warnings.extend(f"member {member.name}: {w}" for w in part.warnings)


def _clean_fields(doc: Document, *, entities: bool) -> None:
    """Decode the HTML entities of every text field but the id, once (with ``entities``: readers
    of HTML and XML decoded their own already), then normalise what escapes in JSON, YAML, HTML
    or XML decoded into fields after the file's text was normalised: control characters, no-break
    and other Unicode spaces, invisible characters (ids: control characters only)."""
    for name in DOCUMENT_FIELDS:
        value = getattr(doc, name)
        if isinstance(value, str):
            if name == "id":
                doc.id = strip_controls(value)
                continue
            setattr(doc, name, renormalise(decode_entities(value) if entities else value))
        elif isinstance(value, list):
            setattr(doc, name, [renormalise(decode_entities(v) if entities else v) for v in value])


def parse_file(path: str | os.PathLike[str], *, doc_id: str | None = None) -> Document:
    """Parse a single-document file (text, seed layout, Markdown, HTML) into a `Document`.

    Raises `DocumentError` for an unreadable file, and for a many-document (JSONL) file, which holds many
    documents: read those with `read_documents`.
    """
    if (fmt := format_for(path)).many:
        raise DocumentError(os.fspath(path), f"a {fmt.name.upper()} file holds many documents; use read_documents()")
    return read_documents(path, doc_id=doc_id).documents[0]
