"""The index schema: every field's name, type and analyzer, defined here once.

The schema is pickled into the index, so classes named here must stay importable under these
names; any change to fields or analysis bumps `SCHEMA_VERSION`, and older indexes must be rebuilt.
"""

from __future__ import annotations

import re

from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

from .analysis import english_analyzer, keyword_analyzer

SCHEMA_VERSION = 1

#: Fields a bare query word searches, and their default boosts (BM25F field weights).
DEFAULT_FIELDS: tuple[str, ...] = ("title", "body", "issuer", "place")
DEFAULT_BOOSTS: dict[str, float] = {"title": 3.0, "issuer": 2.0, "place": 1.5, "body": 1.0}

_ISO_PART = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ](\d{1,2}):?(\d{2})?)?$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


class DateField(DATETIME):
    """DATETIME that reads ``2025-06-01``, ``2025-6-1``, ``2025-06`` and ``06.06.2025`` in queries.

    Whoosh's own parser strips separators, so unpadded months and German dates would misparse.
    """

    def _parse_datestring(self, qstring):  # type: ignore[no-untyped-def]
        qstring = qstring.strip()
        if m := _DOTTED.match(qstring):
            qstring = f"{m[3]}{int(m[2]):02d}{int(m[1]):02d}"
        elif m := _ISO_PART.match(qstring):
            qstring = "".join(f"{int(p):02d}" if i else p for i, p in enumerate(m.groups()) if p)
        elif not qstring.isdigit():
            raise ValueError(f"{qstring!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
        return super()._parse_datestring(qstring)


def build_schema() -> Schema:
    """A fresh instance of dateline's schema."""

    def text(**kw: object) -> TEXT:
        return TEXT(analyzer=english_analyzer(), stored=True, multitoken_query="phrase", **kw)

    def keyword() -> TEXT:
        return TEXT(analyzer=keyword_analyzer(), stored=True, multitoken_query="phrase")

    return Schema(
        # Identity and bookkeeping for incremental runs.
        id=ID(stored=True, unique=True, sortable=True),
        source=ID(stored=True, sortable=True),
        stamp=ID(sortable=True),
        format=ID(stored=True),
        # Searchable text.
        title=text(),
        headline=STORED(),
        issuer=text(),
        body=text(),
        description=text(),
        contact=text(),
        place=text(),
        city=keyword(),
        country=keyword(),
        wire=keyword(),
        label=keyword(),
        language=ID(stored=True),
        # Exact values, kept as columns for counting (stats, facets).
        issuer_key=ID(sortable=True),
        wire_key=ID(sortable=True),
        # Time: `date` is searchable and sortable; `published` keeps the exact time and zone.
        date=DateField(stored=True, sortable=True),
        published=STORED(),
        dateline=STORED(),
        url=ID(stored=True),
        copyright=STORED(),
    )
