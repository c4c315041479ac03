"""Wire datelines: which agency sent a text, from where and when, by the shape of its first words.

Each wire is one row of `WIRES`: a pattern anchored at the start of the body whose groups are
``place`` and, where the wire writes one, ``date``. Per-wire trailers live in `trailers.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .dates import ANY_DATE, EN_DATE, parse_date

_DASH = r"(?:--|[-–—])"  # ASCII double hyphen, or one hyphen, en or em dash
_PLACE = r"(?P<place>[^\n/()]{2,80}?)"
_MONTH_DAY = r"[A-Z][a-z]{2,8}\.?\s+\d{1,2}"  # Reuters writes no year


@dataclass(frozen=True)
class Wire:
    """One wire's dateline shape."""

    name: str
    pattern: re.Pattern[str]


def _wire(name: str, pattern: str) -> Wire:
    return Wire(name, re.compile(pattern))


WIRES: tuple[Wire, ...] = (
    _wire("PR Newswire", rf"^{_PLACE},\s+(?P<date>{EN_DATE})\s*/\s*PRNewswire(?:-[A-Za-z]+)?\s*/\s*{_DASH}\s*"),
    _wire("GlobeNewswire", rf"^{_PLACE},\s+(?P<date>{EN_DATE})\s*\(GLOBE NEWSWIRE\)\s*{_DASH}\s*"),
    _wire("Business Wire", rf"^{_PLACE}\s*{_DASH}\s*\(BUSINESS WIRE\)\s*{_DASH}\s*"),
    _wire("ACCESSWIRE", rf"^{_PLACE}\s*/\s*ACCESSWIRE\s*/\s*(?P<date>{EN_DATE})\s*/\s*"),
    _wire("Newsfile", rf"^{_PLACE}\s*{_DASH}\s*\(Newsfile Corp\.\s*-\s*(?P<date>{EN_DATE})\)\s*{_DASH}\s*"),
    _wire("dpa-AFX", rf"^{_PLACE}\s*\(dpa-AFX\)\s*{_DASH}\s*"),
    _wire("dpa", rf"^{_PLACE}\s*\(dpa\)\s*{_DASH}\s*"),
    _wire("news aktuell", rf"^{_PLACE}\s*\(ots(?:/[^)]*)?\)\s*{_DASH}\s*"),
    _wire("Reuters", rf"^{_PLACE}(?:,\s+(?P<date>{_MONTH_DAY}))?\s*\(Reuters\)\s*{_DASH}\s*"),
    _wire("AP", rf"^{_PLACE}\s*\(AP\)\s*{_DASH}\s*"),
    # A German release's own dateline: "München, 6. Juni 2025 –"
    _wire("", rf"^(?P<place>[A-ZÄÖÜ][\w .'-]{{1,40}}),\s+(?P<date>{ANY_DATE})\s*{_DASH}\s+"),
)


@dataclass(frozen=True)
class Dateline:
    """What a wire dateline says; ``text`` is the prefix as written, ``end`` where the story starts."""

    wire: str | None
    place: str
    city: str
    country: str | None
    date: date | None
    text: str
    end: int


def split_place(place: str) -> tuple[str, str | None]:
    """``BAMAKO, Mali`` → (``BAMAKO``, ``Mali``); a place without a comma has no country."""
    parts = [p.strip() for p in place.split(",") if p.strip()]
    if len(parts) < 2:
        return place.strip(), None
    return parts[0], parts[-1]


def find_dateline(body: str) -> Dateline | None:
    """Recognise the wire dateline that opens ``body``, or return ``None``."""
    head = body.lstrip()
    offset = len(body) - len(head)
    for wire in WIRES:
        m = wire.pattern.match(head)
        if not m:
            continue
        place = re.sub(r"\s+", " ", m["place"]).strip().rstrip(",")
        city, country = split_place(place)
        when = m.groupdict().get("date")
        return Dateline(
            wire=wire.name or None,
            place=place,
            city=city,
            country=country,
            date=parse_date(when) if when and re.search(r"\d{4}", when) else None,
            text=m.group(0).strip(),
            end=offset + m.end(),
        )
    return None
