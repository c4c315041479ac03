"""Setting `Document` fields from key/value records (JSONL lines, Markdown front matter)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from indexer.core.document import DOCUMENT_FIELDS
from indexer.core.text import without_surrogates
from indexer.parse.dates import parse_datetime, parse_feed_datetime

#: Keys other tools write, mapped to dateline's fields (BEIR: ``_id``, ``text``; Hugo and Jekyll
#: front matter: ``tags``, ``summary``, ``permalink`` …).
ALIASES: dict[str, str] = {
    "_id": "id", "text": "body", "content": "body", "lang": "language",
    "tags": "keywords", "categories": "keywords",
    "summary": "description", "excerpt": "description",
    "byline": "author",
    "link": "url", "permalink": "url", "canonical": "url", "source_url": "url",
}  # fmt: skip
#: Front matter keys whose string value is a space-separated list of words, as Jekyll reads them
#: (``categories: entries DE``); any other string keyword value is split at commas only.
_WORD_LISTS = ("tags", "categories")


class RecordError(ValueError):
    """A record's value has a type the field cannot take."""


def apply_record(
    doc: Any,
    record: Mapping[str, Any],
    field_map: Mapping[str, str] | None = None,
    *,
    lenient: bool = False,
) -> list[str]:
    """Copy the known keys of ``record`` onto ``doc``; return the keys that were not used.

    ``field_map`` maps the record's own key names to dateline fields and wins over the aliases.
    With ``lenient`` (front matter, written by hand or by site generators) a list gives a
    single-valued field its first value, and a value of a type the field cannot take skips the
    key with a warning in ``doc.warnings`` instead of raising `RecordError`. A ``date`` with a
    time of day also sets ``published`` unless the record gives one.
    """
    unused: list[str] = []
    for key, value in record.items():
        name = (field_map or {}).get(key) or (key if key in DOCUMENT_FIELDS else ALIASES.get(key))
        if name is None or name not in DOCUMENT_FIELDS:
            unused.append(key)
            continue
        if value is None:
            continue
        try:
            if name == "keywords":
                doc.keywords = _merge(doc.keywords, _keywords(key, value))
                continue
            if lenient and isinstance(value, list) and name == "author" and all(isinstance(v, str) for v in value):
                value = ", ".join(v.strip() for v in value if v.strip()) or None  # every author, in order
            elif lenient and isinstance(value, list) and name not in ("date", "published"):
                value = next((v for v in value if v is not None), None)
                if value is None:
                    continue
            if lenient and name in ("date", "published"):
                _set_time(doc, name, key, value)
                continue
            setattr(doc, name, _convert(name, key, value))
        except RecordError as exc:
            if not lenient:
                raise
            doc.warnings.append(f"front matter key skipped: {exc}")
    return unused


def _set_time(doc: Any, name: str, key: str, value: Any) -> None:
    """Front matter's ``date`` or ``published``: the day, and the time of day when given (a naive
    time is read as UTC, as Hugo reads it)."""
    warning = None
    if isinstance(value, str):
        parsed, warning = parse_feed_datetime(value)
    elif isinstance(value, datetime):
        parsed = value if value.tzinfo else value.replace(tzinfo=UTC)
    elif isinstance(value, date):
        parsed = value
    else:
        parsed = None
    if parsed is None:
        raise RecordError(f"{key!r} is not a date: {value!r}")
    if warning:
        doc.warnings.append(f"front matter key {key!r}: {warning}")
    if isinstance(parsed, datetime):
        if name == "published" or doc.published is None:
            doc.published = parsed
        if name == "date":
            doc.date = parsed.date()
    elif name == "date":
        doc.date = parsed
    else:
        raise RecordError(f"{key!r} has no time of day: {value!r}")


def _keywords(key: str, value: Any) -> list[str]:
    """A keyword list from a list, or from a string: words for Jekyll's ``tags``/``categories``,
    comma-separated parts otherwise."""
    if isinstance(value, str):
        parts = value.split() if key in _WORD_LISTS and "," not in value else value.split(",")
    elif isinstance(value, list) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
        parts = [str(v) for v in value]
    else:
        raise RecordError(f"{key!r} must be a list of words, not {type(value).__name__}")
    return [without_surrogates(p.replace(",", " ").strip()) for p in parts if p.strip()]


def _merge(old: list[str] | None, new: list[str]) -> list[str] | None:
    """``old`` then the words of ``new`` it lacks (case aside), in order."""
    out = list(old or [])
    seen = {k.casefold() for k in out}
    for word in new:
        if word.casefold() not in seen:
            seen.add(word.casefold())
            out.append(word)
    return out or None


def _convert(name: str, key: str, value: Any) -> Any:
    if name in ("date", "published"):
        parsed = value if isinstance(value, (date, datetime)) else None
        if isinstance(value, str):
            parsed = parse_datetime(value)
        if parsed is None:
            raise RecordError(f"{key!r} is not a date: {value!r}")
        if name == "date":
            return parsed.date() if isinstance(parsed, datetime) else parsed
        if not isinstance(parsed, datetime):
            raise RecordError(f"{key!r} has no time of day: {value!r}")
        return parsed
    if name == "language" and not isinstance(value, str):
        raise RecordError(f'{key!r} must be a language code such as "en", not {type(value).__name__}')
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise RecordError(f"{key!r} must be text, not {type(value).__name__}")
    return without_surrogates(value) if isinstance(value, str) else str(value)
