"""Plain-text documents: the portal's seed layout, or any text whose first line is the title.

In plain text, date and time lines above or below the title are read as the date (see
`indexer.parse.story`).

The seed layout::

     date 2025-06-06 Anzeige
    06.06.2025 13:18 Uhr
    Issuer: Headline

    BAMAKO, Mali, June 6, 2025 /PRNewswire/ -- body …
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from indexer.core.document import Document
from indexer.parse.dates import parse_date, parse_portal_timestamp
from indexer.parse.formats._format import Format, one
from indexer.parse.story import apply_story

_STAMP_SHAPE = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4},?\s+\d{1,2}:\d{2}")
_HEADER = re.compile(r"^date\s+(?P<date>\S+)(?:\s+(?P<label>.+))?$")
# "Issuer: Headline" — the issuer is short and the headline does not start lower-case.
_ISSUER = re.compile(r"^(?P<issuer>[^:\n]{2,160}?):\s+(?P<title>\S.*)$")


def parse_text(text: str, doc: Document) -> Document:
    """Fill ``doc`` from normalised text in the seed layout or as plain text."""
    lines = text.split("\n")
    i = _skip_blank(lines, 0)
    header = _HEADER.match(lines[i].strip()) if i < len(lines) else None
    if header:
        doc.format = "seed"
        doc.date = parse_date(header["date"])
        if doc.date is None:
            doc.warnings.append(f"header date {header['date']!r} is not a valid date")
        doc.label = (header["label"] or "").strip() or None
        i = _skip_blank(lines, i + 1)
        if i < len(lines) and _STAMP_SHAPE.match(lines[i].strip()):
            stamp = parse_portal_timestamp(lines[i])
            if stamp is None:
                doc.warnings.append(f"timestamp {lines[i].strip()!r} is not a valid time")
            else:
                doc.published = stamp
                doc.date = doc.date or stamp.date()
            i = _skip_blank(lines, i + 1)
        if i < len(lines):
            _set_title(doc, lines[i].strip(), split_issuer=True)
            i += 1
    else:
        doc.format = "text"
        return apply_story(doc, "\n".join(lines[i:]).strip(), find_title=True)
    return apply_story(doc, "\n".join(lines[i:]).strip())


def read(text: str, doc_id: str, field_map: Mapping[str, str] | None = None) -> list[Document]:
    """The file's one document (``field_map`` has no keys to map in plain text)."""
    return one(parse_text(text, Document(id=doc_id)))


FORMAT = Format("text", (".txt", ".text"), read)


def _set_title(doc: Document, line: str, *, split_issuer: bool) -> None:
    m = _ISSUER.match(line) if split_issuer else None
    if m and not m["title"][0].islower():
        doc.issuer = m["issuer"].strip()
        doc.title = m["title"].strip()
        doc.headline = line
    else:
        doc.title = line


def _skip_blank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i
