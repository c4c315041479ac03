"""Input formats: one module per format, each declaring a `Format` (its extensions and reader).

Adding a format is one module with a ``FORMAT`` and one line in `FORMATS`; the folder walk
(`indexer.write.walk`) and `indexer.parse.files` read the extensions from here.
"""

from __future__ import annotations

import os

from indexer.parse.formats import (
    bundles,
    compressed,
    feeds,
    html,
    jsonarray,
    jsonl,
    mail,
    markdown,
    mbox,
    newsml,
    nitf,
    pdf,
    tables,
    text,
    warc,
    wiretext,
    xmlfiles,
)
from indexer.parse.formats._format import Format, LineError, Member, MissingExtra, one

#: Every input format. An extension listed twice goes to the first format listing it.
FORMATS: list[Format] = [
    text.FORMAT,
    markdown.FORMAT,
    html.FORMAT,
    jsonl.FORMAT,
    jsonarray.FORMAT,
    tables.FORMAT,
    feeds.FORMAT,
    newsml.FORMAT,
    nitf.FORMAT,
    xmlfiles.FORMAT,
    mail.FORMAT,
    mbox.FORMAT,
    pdf.FORMAT,
    warc.FORMAT,
    wiretext.FORMAT,
    compressed.FORMAT,
    bundles.FORMAT,
]

#: What a file whose extension no format lists is read as (`indexer.parse.files.read_documents`).
FALLBACK = text.FORMAT

__all__ = [
    "FALLBACK",
    "FORMATS",
    "Format",
    "LineError",
    "Member",
    "MissingExtra",
    "extensions",
    "format_for",
    "known_format",
    "one",
    "readable",
]


def extensions() -> dict[str, Format]:
    """Every extension a format reads (lower case, with the dot), and the format that reads it."""
    table: dict[str, Format] = {}
    for fmt in FORMATS:
        for ext in fmt.extensions:
            table.setdefault(ext, fmt)
    return table


def format_for(path: str | os.PathLike[str]) -> Format:
    """The format that reads ``path``, by the longest extension its name ends with (``.tar.gz``
    before ``.gz``); `FALLBACK` for an unknown one. (`os.path`, not `Path`: Python 3.11's `Path`
    interns every name it parses, for good, a leak per file.)"""
    return known_format(os.fspath(path)) or FALLBACK


def readable(name: str) -> bool:
    """Whether a file named ``name`` found in a folder or a bundle is one to read: a format lists
    its extension, and a compressed file's inner name is readable too (``story.txt.gz``, not
    ``backup.sql.gz``). A file named on the command line is read whatever its name."""
    fmt = known_format(name)
    if fmt is compressed.FORMAT:
        inner = known_format(compressed.inner_name(name))
        return inner is not None and inner.open is None
    return fmt is not None


def known_format(name: str) -> Format | None:
    """The format a format's extension names for ``name``, or None (no fallback): the longest
    extension the name ends with (and is more than), the first format listing it."""
    lower = os.path.basename(name).lower()
    table = _extension_table()
    at = lower.find(".", 1)  # the name must be more than its extension
    while at >= 0:  # from the longest suffix to the shortest
        found = table.get(lower[at:])
        if found is not None:
            return found
        at = lower.find(".", at + 1)
    return None


_TABLE: tuple[tuple[Format, ...], dict[str, Format]] = ((), {})


def _extension_table() -> dict[str, Format]:
    """`extensions`, kept while `FORMATS` is unchanged: a file's format is looked up several
    times as it is read, and walking every format's extensions was 2% of indexing."""
    global _TABLE
    formats = tuple(FORMATS)
    if _TABLE[0] != formats:
        _TABLE = (formats, extensions())
    return _TABLE[1]
