"""The `Document` dataclass: one news item split into its fields."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass
class Document:
    """One article or release. A field the source does not give is ``None``, never guessed."""

    id: str
    title: str | None = None
    #: The whole title line as written (``Issuer: Headline``), when it differs from ``title``.
    headline: str | None = None
    issuer: str | None = None
    label: str | None = None
    #: The document's calendar date (header line, front matter, or wire dateline).
    date: date | None = None
    #: Publication time, timezone-aware.
    published: datetime | None = None
    #: The wire dateline's place as written, e.g. ``BAMAKO, Mali``; ``city``/``region``/``country``
    #: split it (`indexer.parse.places`): ``VIENNA, Va.`` → ``VIENNA``, ``Virginia``, ``United States``.
    place: str | None = None
    city: str | None = None
    #: The US state or Canadian province of the dateline's (first) place.
    region: str | None = None
    country: str | None = None
    wire: str | None = None
    #: The dateline prefix as written, e.g. ``BAMAKO, Mali, June 6, 2025 /PRNewswire/ --``.
    dateline: str | None = None
    url: str | None = None
    #: Who wrote it, as the source names them (front matter ``author``/``byline``).
    author: str | None = None
    #: Tags, categories and keywords the source gives (front matter, JSONL), in order, no repeats.
    keywords: list[str] | None = None
    language: str | None = None
    description: str | None = None
    contact: str | None = None
    #: The "About Acme" section, and the forward-looking-statements disclaimer, kept out of ``body``.
    about: str | None = None
    disclaimer: str | None = None
    copyright: str | None = None
    body: str = ""
    #: Lines the document's source repeats in many documents, moved out of ``body`` (`indexer.parse.furniture`).
    furniture: str | None = None
    #: Where the document was read from, and in which format (``seed``, ``text``, ``markdown`` …).
    source: str | None = None
    format: str | None = None
    warnings: list[str] = field(default_factory=list, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Every set field as JSON-ready values (dates in ISO 8601); warnings left out."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if f.name == "warnings":
                continue
            value = getattr(self, f.name)
            if value is None:
                continue
            if isinstance(value, (date, datetime)):
                value = value.isoformat()
            out[f.name] = value
        return out


#: Names of the fields a source (JSONL key, front matter key) may set directly.
DOCUMENT_FIELDS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(Document) if f.name not in ("warnings", "source", "format", "furniture")
)
