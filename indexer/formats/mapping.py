"""Setting `Document` fields from key/value records (JSONL lines, Markdown front matter)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Mapping

from ..dates import parse_datetime
from ..text import without_surrogates
from ..document import DOCUMENT_FIELDS

#: Keys other tools write, mapped to dateline's fields (BEIR: ``_id``, ``text``).
ALIASES: dict[str, str] = {"_id": "id", "text": "body", "content": "body", "lang": "language"}


class RecordError(ValueError):
    """A record's value has a type the field cannot take."""


def apply_record(
    doc: Any, record: Mapping[str, Any], field_map: Mapping[str, str] | None = None
) -> list[str]:
    """Copy the known keys of ``record`` onto ``doc``; return the keys that were not used.

    ``field_map`` maps the record's own key names to dateline fields and wins over the aliases.
    """
    unused: list[str] = []
    for key, value in record.items():
        name = (field_map or {}).get(key) or (key if key in DOCUMENT_FIELDS else ALIASES.get(key))
        if name is None or name not in DOCUMENT_FIELDS:
            unused.append(key)
            continue
        if value is None:
            continue
        setattr(doc, name, _convert(name, key, value))
    return unused


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
        raise RecordError(f"{key!r} must be a language code such as \"en\", not {type(value).__name__}")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise RecordError(f"{key!r} must be text, not {type(value).__name__}")
    return without_surrogates(value) if isinstance(value, str) else str(value)
