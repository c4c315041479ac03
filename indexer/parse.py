"""Reading a file into documents: choose the reader by extension, decode, normalise, parse."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from .document import DOCUMENT_FIELDS, Document
from .errors import DocumentError
from .formats.html import parse_html
from .formats.jsonl import LineError, parse_jsonl
from .formats.markdown import parse_markdown
from .formats.text import parse_text
from .language import detect_language, file_language
from .text import DecodeError, decode, normalise, strip_controls

#: Extensions the folder walk picks up, and the reader each one gets.
READERS = {
    ".txt": "text", ".text": "text",
    ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
}  # fmt: skip

#: Files larger than this are skipped with a message (a wire story is a few kilobytes).
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass
class ParsedFile:
    """The documents read from one file, with per-line errors (JSONL) and warnings."""

    path: str
    documents: list[Document] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def reader_for(path: str | os.PathLike[str]) -> str:
    """The reader for ``path``; unknown extensions are read as plain text."""
    return READERS.get(Path(path).suffix.lower(), "text")


def read_documents(
    path: str | os.PathLike[str],
    *,
    doc_id: str | None = None,
    field_map: Mapping[str, str] | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> ParsedFile:
    """Read every document in ``path``; ``doc_id`` defaults to the path as given.

    Raises `DocumentError` when the file as a whole cannot be read (missing, too large, binary,
    empty, malformed); a JSONL file's bad lines are listed in ``errors`` instead.
    """
    name = os.fspath(path)
    doc_id = doc_id or name
    try:
        size = os.path.getsize(name)
        if size > max_bytes:
            raise DocumentError(name, f"larger than the {max_bytes // (1024 * 1024)} MB limit ({size} bytes)")
        with open(name, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise DocumentError(name, exc.strerror or str(exc)) from None
    try:
        raw, warning = decode(data)
    except DecodeError as exc:
        raise DocumentError(name, str(exc)) from None
    result = ParsedFile(path=name, warnings=[warning] if warning else [])
    text = normalise(raw)
    kind = reader_for(name)
    try:
        if kind == "jsonl":
            for item in parse_jsonl(text, doc_id, field_map):
                if isinstance(item, LineError):
                    result.errors.append(f"line {item.line}: {item.reason}")
                else:
                    result.documents.append(item)
            if not result.documents and not result.errors:
                raise DocumentError(name, "no JSON lines")
        else:
            doc = Document(id=doc_id)
            parser = {"text": parse_text, "markdown": parse_markdown, "html": parse_html}[kind]
            parser(text, doc)
            if not (doc.body or doc.title):
                raise DocumentError(name, "no text")
            result.documents.append(doc)
    except (ValueError, RecursionError) as exc:
        raise DocumentError(name, str(exc)) from None
    undetected = []
    for doc in result.documents:
        _strip_controls(doc)
        doc.source = os.path.abspath(name)
        if doc.language is None:
            doc.language = detect_language(f"{doc.title or ''}\n{doc.body}")
            if doc.language is None:
                undetected.append(doc)
        result.warnings.extend(doc.warnings)
    if undetected and (lang := file_language([d.language for d in result.documents])):
        for doc in undetected:
            doc.language = lang
    return result


def _strip_controls(doc: Document) -> None:
    """Remove the control characters that escapes in JSON, YAML or HTML decoded into fields."""
    for name in DOCUMENT_FIELDS:
        value = getattr(doc, name)
        if isinstance(value, str):
            setattr(doc, name, strip_controls(value))


def parse_file(path: str | os.PathLike[str], *, doc_id: str | None = None) -> Document:
    """Parse a single-document file (text, seed layout, Markdown, HTML) into a `Document`.

    Raises `DocumentError` for an unreadable file, and for a JSONL file, which holds many
    documents: read those with `read_documents`.
    """
    if reader_for(path) == "jsonl":
        raise DocumentError(os.fspath(path), "a JSONL file holds many documents; use read_documents()")
    return read_documents(path, doc_id=doc_id).documents[0]
