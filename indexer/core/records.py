"""Converting between `Document` and the index's fields, both ways."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from indexer.core.defaults import NAIVE_ZONE
from indexer.core.document import Document
from indexer.core.schema import LANG_FIELDS, lang_field, lang_key

# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 22 lines, not 3.
_TEXT_FIELDS = ("title", "headline", "issuer", "label", "place", "city", "region", "country", "wire",
                "dateline", "url", "author", "language", "description", "about", "disclaimer", "contact", "copyright",
                "format", "furniture")  # fmt: skip


#: Name fields also kept whole, untokenised, in ``NAME_key`` columns (`search.facets`).
_KEY_FIELDS = ("issuer", "wire", "place", "region", "country", "label")


def index_date(doc: Document) -> datetime | None:
    """The value of the sortable ``date`` field: the calendar day at the local time of day of
    ``published`` (so a sort by date orders a day's documents by time, even where the dateline's
    day differs from the portal's stamp), else the day at midnight."""
    if doc.published is not None:
        local = doc.published.replace(tzinfo=None)
        return local if doc.date is None else datetime.combine(doc.date, local.time())
    if doc.date is not None:
        return datetime(doc.date.year, doc.date.month, doc.date.day)
    return None


def to_fields(doc: Document, *, stamp: str | None = None) -> dict[str, Any]:
    """The fields to write for ``doc``; unset fields are left out."""
    fields: dict[str, Any] = {"id": doc.id, "body": doc.body}
    lang = fields["lang"] = lang_key(doc.language)
    for name in LANG_FIELDS:
        if text := getattr(doc, name):
            fields[lang_field(name, lang)] = text
    for name in _TEXT_FIELDS:
        value = getattr(doc, name)
        if value:
            fields[name] = value
    if doc.source:
        fields["source"] = doc.source
    if stamp:
        fields["stamp"] = stamp
    for name in _KEY_FIELDS:  # exact values, as columns for facets and filters
        if value := getattr(doc, name):
            fields[f"{name}_key"] = value
    if doc.keywords:
        fields["keywords"] = ",".join(doc.keywords)
    if doc.language:
        fields["language"] = doc.language.lower()
    if (when := index_date(doc)) is not None:
        fields["date"] = when
    if doc.published is not None:
        fields["published"] = doc.published.isoformat()
    return fields


def from_stored(stored: Mapping[str, Any]) -> Document:
    """Rebuild a `Document` from an index hit's stored fields."""
    doc = Document(id=stored["id"], body=stored.get("body", ""), source=stored.get("source"))
    for name in _TEXT_FIELDS:
        if name in stored:
            setattr(doc, name, stored[name])
    if stored.get("keywords"):
        doc.keywords = [k.strip() for k in stored["keywords"].split(",") if k.strip()]
    if isinstance(stored.get("published"), str):
        doc.published = _stored_time(stored["published"])
    when = stored.get("date")
    if isinstance(when, datetime):
        doc.date = when.date()
    elif isinstance(when, date):
        doc.date = when
    return doc


def _stored_time(text: str) -> datetime | None:
    """``published`` as `to_fields` stored it (``isoformat``); a naive time is Berlin time, as parsing reads it."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(NAIVE_ZONE))
