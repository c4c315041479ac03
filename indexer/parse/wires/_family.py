"""What a wire family is: the shapes of its dateline, credit line, footer lines and copyright."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from indexer.core.document import Document

#: A hook that lifts a wire's own block out of a story's text into ``doc``, returning the rest.
Hook = Callable[[str, Document], str]

#: ASCII double hyphen, or one hyphen, en or em dash.
DASH = r"(?:--|[-–—])"
#: The place a dateline names, lazily: ``BAMAKO, Mali``, ``Frankfurt/Main``, ``VIENNA, Va.``.
PLACE = r"(?!By\s|Von\s)(?P<place>[^\n()|]{2,80}?)"
#: Dateline patterns are matched where a line starts, after indentation or Markdown bold.
LINE_START = r"^[ \t>]*(?:\*\*)?"
#: An English month name or abbreviation as agencies write it: ``Jan``, ``Sept.``, ``October``.
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
#: The day a dateline gives after its place: with a year (``Aug 29, 2014``, ``10 juil 2024``) in
#: group ``date``, which is read; without one (``Jan 2``, ``11 ott``) not, as no year is known.
DAY = (
    rf"(?:(?P<date>{MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\.?\s+[^\W\d_]{{3,10}}\.?\s+\d{{4}})"
    rf"|{MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+[^\W\d_]{{3,10}}\.?)(?!\w)"
)
#: A dateline that names no place, only the day (``Jan 30 (Reuters) -``): an empty ``place`` group
#: before the month, which `indexer.parse.wires` reads as no place.
NO_PLACE = rf"(?P<place>)(?:{MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{MONTH})(?!\w)"


def rx(pattern: str) -> re.Pattern[str]:
    """Compile a table row; every pattern is multi-line, so ``^`` is a line start."""
    return re.compile(pattern, re.MULTILINE)


@dataclass(frozen=True)
class Break:
    """Where a scraper glued a footer to the text before it: ``pattern`` marks the spot (its
    first group, if any, is kept before the line break). ``needle`` is a plain substring the
    text must hold for the pattern to be tried, which keeps the common case fast."""

    needle: str
    pattern: re.Pattern[str]

    def apply(self, text: str) -> str:
        at = text.find(self.needle)
        if at < 0:
            return text
        start = max(0, at - 40)  # room for the pattern's look-behind
        keep = r"\1" if self.pattern.groups else ""
        return text[:start] + self.pattern.sub(keep + "\n", text[start:])


def glued(needle: str, pattern: str) -> Break:
    """A `Break` row."""
    return Break(needle, rx(pattern))


@dataclass(frozen=True)
class Family:
    """One wire's table row. Every pattern is optional; the generic code does the rest.

    ``datelines`` have a ``place`` group (empty when the dateline names no place) and may have a
    ``date`` group and a ``head`` group, an agency credit written before the place (``(ANSA) -
    Rome, October 11 -``). ``credits`` name the wire where no dateline is recognised
    (``(Reuters) -`` after a byline, ``(dpa)`` at the end); ``weak_credits`` count only where no
    family's ``credits`` match (editors' codes, which other wires' sign-offs resemble).
    ``footers`` match whole trailer lines, which leave the body; their ``url`` or ``source``
    group, where present, fills the document's ``url`` or ``issuer``. ``copyright`` holds
    lower-case names that identify the wire in a ``©`` line, as whole words. ``breaks`` mark
    where a scraper glued a footer to the text before it (``….htmlSOURCE  Acme``); a line break
    is put back at each match. After a ``contact_after`` line (Business Wire's source link) come the contacts.
    ``header`` and ``trailer`` are hooks for wires whose blocks are more than a table row can
    say (EQS).
    """

    name: str
    datelines: tuple[re.Pattern[str], ...] = ()
    #: Plain substrings one of which a text must hold for the datelines to be tried (speed).
    needles: tuple[str, ...] = ()
    credits: tuple[re.Pattern[str], ...] = ()
    weak_credits: tuple[re.Pattern[str], ...] = ()
    footers: tuple[re.Pattern[str], ...] = ()
    copyright: tuple[str, ...] = ()
    breaks: tuple[Break, ...] = ()
    contact_after: re.Pattern[str] | None = None
    header: Hook | None = None
    trailer: Hook | None = None


@dataclass(frozen=True)
class Dateline:
    """What a wire dateline says; ``text`` is the dateline as written.

    ``start`` and ``end`` delimit it in the searched text: what comes before ``start`` is lead
    (title, byline, subtitle), what follows ``end`` is the story.
    """

    wire: str | None
    #: ``None`` when the dateline names no place (``Jan 30 (Reuters) -``), as are ``city`` and ``country``.
    place: str | None
    city: str | None
    #: The US state or Canadian province (`indexer.parse.places`), ``None`` when the dateline names none.
    region: str | None
    country: str | None
    date: date | None
    text: str
    start: int
    end: int
