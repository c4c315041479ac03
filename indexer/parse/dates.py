"""Dates as news text writes them, in English and German."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timezone
from zoneinfo import ZoneInfo

from indexer.core.defaults import NAIVE_ZONE

BERLIN = ZoneInfo(NAIVE_ZONE)

# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 40 lines, not 10.
_MONTHS = {
    # English, full and abbreviated (AP style "Sept.")
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    # German
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "mai": 5, "juni": 6,
    "juli": 7, "oktober": 10, "dezember": 12, "okt": 10, "dez": 12,
}  # fmt: skip

MONTH_NAME = r"[A-Za-zÄÖÜäöü]{3,9}\.?"
#: ``June 6, 2025`` / ``Jun. 6, 2025``
EN_DATE = rf"{MONTH_NAME}\s+\d{{1,2}},?\s+\d{{4}}"
#: ``6. Juni 2025`` / ``6 June 2025``
DE_DATE = rf"\d{{1,2}}\.?\s+{MONTH_NAME}\s+\d{{4}}"
NUMERIC_DATE = r"\d{1,2}\.\d{1,2}\.\d{4}"
ANY_DATE = rf"(?:{EN_DATE}|{DE_DATE}|{NUMERIC_DATE})"

_EN = re.compile(rf"^({MONTH_NAME})\s+(\d{{1,2}}),?\s+(\d{{4}})$")
_DE = re.compile(rf"^(\d{{1,2}})\.?\s+({MONTH_NAME})\s+(\d{{4}})$")
_NUM = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_STAMP = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})\s*,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*Uhr)?$")


def month_number(name: str) -> int | None:
    """The month of an English or German month name or abbreviation."""
    return _MONTHS.get(name.lower().rstrip("."))


def _safe_date(year: int, month: int | None, day: int) -> date | None:
    if month is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """Parse ``2025-06-06``, ``06.06.2025``, ``June 6, 2025``, ``Jun. 6, 2025`` or ``6. Juni 2025``.

    Returns ``None`` for anything else, including impossible dates such as 31.02.2025.
    """
    text = text.strip()
    if m := _ISO.match(text):
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _NUM.match(text):
        return _safe_date(int(m[3]), int(m[2]), int(m[1]))
    if m := _EN.match(text):
        return _safe_date(int(m[3]), month_number(m[1]), int(m[2]))
    if m := _DE.match(text):
        return _safe_date(int(m[3]), month_number(m[2]), int(m[1]))
    return None


def parse_portal_timestamp(text: str) -> datetime | None:
    """Parse the portal's ``06.06.2025 13:18 Uhr`` as a Europe/Berlin time."""
    m = _STAMP.match(text.strip())
    if not m:
        return None
    day, month, year, hour, minute = (int(m[i]) for i in range(1, 6))
    try:
        return datetime(year, month, day, hour, minute, int(m[6] or 0), tzinfo=BERLIN)
    except ValueError:
        return None


def parse_datetime(text: str) -> datetime | date | None:
    """Parse an ISO 8601 timestamp or any date `parse_date` knows; naive times are Berlin time."""
    text = text.strip()
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return parse_date(text) or parse_portal_timestamp(text)
    if len(text) <= 10:
        return value.date()
    return value if value.tzinfo else value.replace(tzinfo=BERLIN)


#: RFC 2822 as feeds and Jekyll sites write it: ``Wed, 03 Apr 2024 14:00:00 +0200``; group ``rest``
#: holds the time and zone, read by `email.utils` when well formed.
_RFC2822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})(?P<rest>\s.*)?$")


def parse_feed_datetime(text: str, *, naive: timezone | ZoneInfo = UTC) -> tuple[datetime | date | None, str | None]:
    """Read a front matter or feed date: ISO 8601, RFC 2822, or any date `parse_datetime` knows.

    Returns ``(value, warning)``: a `datetime` when a time of day is given (a naive time is taken
    in ``naive``, UTC by default, as Hugo reads front matter), a `date` when only a day is, and
    ``None`` when the text is no date. An RFC 2822 stamp whose time is broken (``13 00 00``)
    keeps its date, with a warning saying the time was not read.
    """
    text = text.strip()
    if m := _RFC2822.match(text):
        day = _safe_date(int(m[3]), month_number(m[2]), int(m[1]))
        if day is None:
            return None, None
        if not (m["rest"] or "").strip():
            return day, None
        from email.utils import parsedate_to_datetime  # here: a search must not load the email package

        try:
            value = parsedate_to_datetime(text)
            return (value if value.tzinfo else value.replace(tzinfo=naive)), None
        except (TypeError, ValueError):
            return day, f"time of day not read in {text!r}; date kept"
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return parse_date(text) or parse_portal_timestamp(text), None
    if len(text) <= 10:
        return value.date(), None
    return (value if value.tzinfo else value.replace(tzinfo=naive)), None


# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 19 lines, not 8.
_ZONES = {
    "EST": "America/New_York", "EDT": "America/New_York", "ET": "America/New_York",
    "EASTERN STANDARD TIME": "America/New_York", "EASTERN DAYLIGHT TIME": "America/New_York",
    "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles", "PT": "America/Los_Angeles",
    "GMT": "UTC", "UTC": "UTC", "BST": "Europe/London",
    "CET": "Europe/Berlin", "CEST": "Europe/Berlin", "CET/CEST": "Europe/Berlin",
    "MEZ": "Europe/Berlin", "MESZ": "Europe/Berlin", "UHR": "Europe/Berlin",
}  # fmt: skip
_STAMP_LINE = re.compile(
    rf"^(?P<date>{EN_DATE}|{DE_DATE}|{NUMERIC_DATE}),?\s*(?:[-–—/|]\s*)?"
    r"(?:(?P<h>\d{1,2}):(?P<m>\d{2})\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?\s*"
    r"(?P<zone>[A-Z]{2,4}(?:/[A-Z]{3,4})?|Eastern (?:Standard|Daylight) Time|Uhr)?)?"
    r"\s*(?:\|.*)?$"
)
#: A month and day without a year, as pages print recent items ("Jun 13, 4:03 PM EDT").
_YEARLESS_STAMP = re.compile(
    rf"^{MONTH_NAME}\s+\d{{1,2}},?\s+\d{{1,2}}:\d{{2}}\s*[AaPp]\.?[Mm]\.?(?:\s+[A-Z]{{2,4}})?$"
)


def parse_stamp_line(line: str) -> tuple[date | None, datetime | None] | None:
    """Read a line that holds only a date and maybe a time, as pages print them above a story.

    ``Apr 10, 2019 7:40PM EDT``, ``March 07, 2019 02:38 PM Eastern Standard Time``,
    ``18.04.2019 – 16:55``. Returns ``(date, time)``: the time is set only when the line names
    its zone, or is a German dotted date (portal time, Europe/Berlin). ``None`` when the line is
    not a stamp; ``(None, None)`` when it is one without a year.
    """
    line = line.strip()
    if _YEARLESS_STAMP.match(line):
        return None, None
    m = _STAMP_LINE.match(line)
    if not m:
        return None
    day = parse_date(re.sub(r"\s+", " ", m["date"]))
    if day is None:
        return None
    if m["h"] is None:
        return day, None
    zone = (m["zone"] or "").upper()
    if not zone and _NUM.match(m["date"]):
        zone = "UHR"
    hour = int(m["h"]) % 12 + (12 if (m["ampm"] or "").lower().startswith("p") else 0) if m["ampm"] else int(m["h"])
    if zone not in _ZONES or hour > 23 or int(m["m"]) > 59:
        return day, None
    return day, datetime(day.year, day.month, day.day, hour, int(m["m"]), tzinfo=ZoneInfo(_ZONES[zone]))


#: A dated file name, as a Jekyll post's ``2024-04-08-name.md``.
_NAME_DATE = re.compile(r"^((?:19|20)\d{2})-(\d{2})-(\d{2})(?:-|\.\w+$)")
#: Dated folders right above the file, as archives lay them out: ``2025/0603``, ``2025/06/03``.
_FOLDER_DATE = re.compile(r"(?:^|/)((?:19|20)\d{2})/(\d{2})/?(\d{2})$")


def date_in_path(path: str) -> date | None:
    """The date the file's name, or the folders right above it, spell; None when they spell
    none (a date further up the path names a whole collection, not the document)."""
    folder, _, name = path.replace("\\", "/").rpartition("/")
    m = _NAME_DATE.match(name) or _FOLDER_DATE.search(folder)
    return _safe_date(int(m[1]), int(m[2]), int(m[3])) if m else None
