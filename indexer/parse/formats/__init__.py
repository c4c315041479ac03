"""Input formats: one module per format, each declaring a `Format` (its extensions and reader).

Adding a format is one module with a ``FORMAT`` and one line in `FORMATS`; the folder walk
(`indexer.write.walk`) and `indexer.parse.files` read the extensions from here.
"""

from __future__ import annotations

import os

from indexer.parse.formats import html, jsonl, markdown, text
from indexer.parse.formats._format import Format, LineError, one

#: Every input format. An extension listed twice goes to the first format listing it.
FORMATS: list[Format] = [
    text.FORMAT,
    markdown.FORMAT,
    html.FORMAT,
    jsonl.FORMAT,
]

#: What a file whose extension no format lists is read as (`indexer.parse.files.read_documents`).
FALLBACK = text.FORMAT

__all__ = ["FALLBACK", "FORMATS", "Format", "LineError", "extensions", "format_for", "one"]


def extensions() -> dict[str, Format]:
    """Every extension a format reads (lower case, with the dot), and the format that reads it."""
    table: dict[str, Format] = {}
    for fmt in FORMATS:
        for ext in fmt.extensions:
            table.setdefault(ext, fmt)
    return table


def format_for(path: str | os.PathLike[str]) -> Format:
    """The format that reads ``path``, by its extension; `FALLBACK` for an unknown one. (`os.path`,
    not `Path`: Python 3.11's `Path` interns every name it parses, for good, a leak per file.)"""
    ext = os.path.splitext(os.fspath(path))[1].lower()
    for fmt in FORMATS:
        if ext in fmt.extensions:
            return fmt
    return FALLBACK
