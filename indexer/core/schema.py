"""The index schema: every field's name, type and analyzer, defined here once.

The schema is pickled into the index, so classes named here must stay importable under these
names; any change to fields or analysis bumps `SCHEMA_VERSION`, and older indexes must be rebuilt.
"""

from __future__ import annotations

import re

from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from indexer.core.analysis import ANALYZERS, neutral_analyzer
from indexer.core.defaults import DEFAULT_BOOSTS as DEFAULT_BOOSTS  # re-exported: the query side reads them here
from indexer.core.defaults import DEFAULT_FIELDS as DEFAULT_FIELDS
from indexer.core.language import LANGUAGES

SCHEMA_VERSION = 5

#: Text fields analysed by the document's language: ``title`` is indexed as ``title_en``,
#: ``title_de`` or ``title_xx``, and stored once under its own name.
LANG_FIELDS: tuple[str, ...] = ("title", "body", "description", "about", "disclaimer")
#: The detected languages, each with its own analyzer, and ``xx`` for every other language.
LANG_KEYS: tuple[str, ...] = (*LANGUAGES, "xx")


def lang_key(language: str | None) -> str:
    """The analysis a document in ``language`` gets: its own, or ``xx`` for any other."""
    language = (language or "").lower()
    return language if language in LANGUAGES else "xx"


def lang_field(name: str, lang: str | None) -> str:
    """The indexed field holding ``name`` for documents in ``lang``."""
    return f"{name}_{lang_key(lang)}"


_ISO_PART = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ](\d{1,2}):?(\d{2})?)?$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


class DateField(DATETIME):
    """DATETIME that reads ``2025-06-01``, ``2025-6-1``, ``2025-06`` and ``06.06.2025`` in queries.

    Whoosh's own parser strips separators, so unpadded months and German dates would misparse.
    """

    def _parse_datestring(self, qstring):
        qstring = qstring.strip()
        if m := _DOTTED.match(qstring):
            qstring = f"{m[3]}{int(m[2]):02d}{int(m[1]):02d}"
        elif m := _ISO_PART.match(qstring):
            qstring = "".join(f"{int(p):02d}" if i else p for i, p in enumerate(m.groups()) if p)
        elif not qstring.isdigit():
            shown = qstring if len(qstring) <= 40 else qstring[:39] + "…"  # the message is one short line
            raise ValueError(f"{shown!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
        return super()._parse_datestring(qstring)


def build_schema() -> Schema:
    """A fresh instance of dateline's schema."""

    def names() -> TEXT:
        return TEXT(analyzer=neutral_analyzer(), stored=True, multitoken_query="phrase")

    fields: dict[str, object] = dict(
        # Identity and bookkeeping for incremental runs.
        id=ID(stored=True, unique=True, sortable=True),
        source=ID(stored=True, sortable=True),
        stamp=ID(sortable=True),
        format=ID(stored=True),
        # Language-analysed text is stored here once and indexed per language below.
        title=STORED(),
        body=STORED(),
        description=STORED(),
        about=STORED(),
        disclaimer=STORED(),
        headline=STORED(),
        # Names and codes: folded, never stemmed, the same in every language.
        issuer=names(),
        contact=names(),
        place=names(),
        city=names(),
        region=names(),
        country=names(),
        wire=names(),
        label=names(),
        author=names(),
        # Tags, categories and keywords: each one whole term, lower-cased; stored comma-joined.
        keywords=KEYWORD(stored=True, commas=True, lowercase=True),
        language=ID(stored=True),
        # Which language's fields a document's text went to (en, de, xx); always set.
        lang=ID(sortable=True),
        # Exact values, kept as columns for counting (stats, facets).
        issuer_key=ID(sortable=True),
        wire_key=ID(sortable=True),
        place_key=ID(sortable=True),
        region_key=ID(sortable=True),
        country_key=ID(sortable=True),
        label_key=ID(sortable=True),
        # Time: `date` is searchable and sortable; `published` keeps the exact time and zone.
        date=DateField(stored=True, sortable=True),
        published=STORED(),
        dateline=STORED(),
        url=ID(stored=True),
        copyright=STORED(),
        # Portal furniture moved out of the body (`indexer.parse.furniture`): kept, never searched.
        furniture=STORED(),
    )
    for name in LANG_FIELDS:
        for lang in LANG_KEYS:
            fields[lang_field(name, lang)] = TEXT(analyzer=ANALYZERS[lang](), multitoken_query="phrase")
    return Schema(**fields)
