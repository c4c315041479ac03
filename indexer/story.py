"""Splitting a story's text into wire dateline, body and trailers; shared by every format."""

from __future__ import annotations

from .document import Document
from .trailers import split_trailers
from .wires import find_dateline


def apply_story(doc: Document, text: str) -> Document:
    """Set ``body`` from ``text``, lifting out the dateline and trailers it holds.

    Fields the source already set (front matter, JSON keys) win over what the text says.
    """
    dateline = find_dateline(text)
    if dateline is not None:
        text = text[dateline.end :]
        doc.dateline = doc.dateline or dateline.text
        doc.wire = doc.wire or dateline.wire
        if doc.place is None:
            doc.place, doc.city, doc.country = dateline.place, dateline.city, dateline.country
        doc.date = doc.date or dateline.date
    trailers = split_trailers(text)
    doc.body = trailers.body
    doc.url = doc.url or trailers.url
    doc.contact = doc.contact or trailers.contact
    doc.copyright = doc.copyright or trailers.copyright
    if doc.wire is None and doc.copyright:
        doc.wire = _wire_from_copyright(doc.copyright)
    return doc


_COPYRIGHT_WIRES = {
    "pr newswire": "PR Newswire",
    "business wire": "Business Wire",
    "globenewswire": "GlobeNewswire",
    "globe newswire": "GlobeNewswire",
    "dpa-afx": "dpa-AFX",
    "eqs": "EQS",
    "accesswire": "ACCESSWIRE",
}


def _wire_from_copyright(line: str) -> str | None:
    low = line.lower()
    return next((name for key, name in _COPYRIGHT_WIRES.items() if key in low), None)
