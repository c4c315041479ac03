"""Wire-service text transmissions, IPTC 7901 (dpa, APA, sda …) and ANPA 1312 (AP): the framed plain
text agencies send over serial lines and FTP. Control characters frame each message (SYN, SOH header,
STX text, ETX trailer, EOT); a file may hold many messages, each a document ``<id>#<n>``."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from indexer.core.document import Document
from indexer.core.text import DecodeError, decode, normalise
from indexer.parse.dates import month_number
from indexer.parse.formats._format import Format, LineError
from indexer.parse.formats.nitf import clean, unwrap
from indexer.parse.story import apply_story
from indexer.parse.wires import FAMILIES

SOH, STX, ETX, EOT = "\x01", "\x02", "\x03", "\x04"

#: Bytes looked at for the SOH that starts a transmission (after SYN and whitespace).
_SNIFF = 4096
#: What may come before the first SOH: a UTF-8 byte order mark, SYN (``\x16``) and whitespace.
_BEFORE_SOH = b"\x16 \t\r\n\x0b\x0c"
#: One message: SOH and what follows up to the next SOH.
_MESSAGE = re.compile(rb"\x01([^\x01]*)")
#: A message of nothing but control characters and whitespace (padding, 100,000 SOHs).
_BLANK = re.compile(rb"[\x00-\x20\x7f]*")
#: Control characters and DEL, once line ends are unified (tab and newline stay).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

_ZONES: dict[str, tzinfo] = {
    "GMT": UTC,
    "UTC": UTC,
    "UT": UTC,
    "Z": UTC,
    "MEZ": ZoneInfo("Europe/Berlin"),
    "MESZ": ZoneInfo("Europe/Berlin"),
    "CET": ZoneInfo("Europe/Berlin"),
    "CEST": ZoneInfo("Europe/Berlin"),
    "ET": ZoneInfo("America/New_York"),
    "EST": ZoneInfo("America/New_York"),
    "EDT": ZoneInfo("America/New_York"),
}
#: IPTC 7901 trailer: ``131137 GMT Nov 13`` (day, hour, minute, zone, month, two-digit year).
_TRAILER_7901 = re.compile(
    r"\b(?P<d>\d{2})(?P<h>\d{2})(?P<m>\d{2})\s+(?P<zone>[A-Z]{1,4})\s+(?P<month>[A-Za-zÄÖÜäöü]{3,9})\.?\s+"
    r"(?P<y>\d{2}|\d{4})\b"
)
#: ANPA 1312 trailer: ``AP-WF-02-20-16 0337GMT`` (source, network, month, day, year, hour, minute, zone).
_TRAILER_ANPA = re.compile(
    r"\b(?P<wire>[A-Za-z]{1,6})-[A-Za-z]{1,4}-(?P<mo>\d{2})-(?P<d>\d{2})-(?P<y>\d{2})\s+(?P<h>\d{2})(?P<m>\d{2})"
    r"\s*(?P<zone>[A-Z]{1,4})\b"
)
#: ANPA's second header line: priority and category letters, DC3/DC4 and DC1/DC2, then the keyword.
_ANPA_HEADER = re.compile(r"[\x13\x14][\x11\x12]")
#: ANPA's slug line, the first ``^`` line: ``BC-BKN--Heat-Hawks, 1st Ld-Writethru,416``.
_ANPA_SLUG = re.compile(r"^(?P<slug>[A-Za-z]{1,3}-[A-Za-z0-9]+-[^,]*?)\s*(?:,[^,]*)?,\s*\d+$")
_BYLINE = re.compile(r"^By\s+(?P<name>.+?)\s*=?$", re.IGNORECASE)
_WIRE_SUFFIX = re.compile(r"\s*[,(]\s*(?:dpa|AP|AFP|Reuters|APA|sda|KNA|epd|ANSA|EFE)\s*\)?\s*$", re.IGNORECASE)
#: dpa's notebook, editorial notes that follow the story (``# dpa NOTEBOOK``, ``# Notebook``).
_NOTEBOOK = re.compile(r"^#+\s*(?:dpa\s+)?notebook\b", re.IGNORECASE)
_NOT_FOR_PUBLICATION = re.compile(r"\bnot (?:intended )?for publication\b", re.IGNORECASE)
#: dpa's closing codes, the editors' initials after the story: ``dpa wsz jln npr``.
_CLOSING = re.compile(r"^dpa(?:\s+[a-z]{2,4}){1,8}$")
#: The teletype line test ("RYRYRY"), sent in service messages, never in a story.
_LINE_TEST = re.compile(r"\b(?:ry){3,}\b", re.IGNORECASE)
#: A headline's version line: ``1ST LEAD``, ``EXTRA``, ``URGENT``, ``(Achtung)``.
_VERSION = re.compile(r"^(?:\([^()]{1,30}\)|[^a-z]{1,30})$")


#: STX (start of text) comes after a header of a line or three (7901's is 40 bytes, ANPA's under 100).
_STX_WITHIN = 1024
#: The control characters that frame a transmission (SOH, STX, ETX, EOT, SYN, US, DC1-DC3, DEL).
_FRAMING = bytes([0x01, 0x02, 0x03, 0x04, 0x16, 0x1F, 0x11, 0x12, 0x13, 0x7F])


def is_transmission(data: bytes) -> bool:
    """Whether ``data`` starts, after an optional byte order mark, SYN and whitespace, with SOH: a
    wire transmission, whatever the file is named (``.txt`` files from an agency's FTP feed)."""
    head = data[:_SNIFF].removeprefix(b"\xef\xbb\xbf").lstrip(_BEFORE_SOH)
    return head[:1] == b"\x01"


def sniffed(data: bytes) -> bool:
    """Whether a file named as something else (``.txt``) is a transmission to read as one: it starts
    with SOH, has STX within its first kilobyte, and is text between its framing characters (a
    binary file may start with 0x01 too)."""
    head = data[:_SNIFF].removeprefix(b"\xef\xbb\xbf").lstrip(_BEFORE_SOH)
    if head[:1] != b"\x01" or b"\x02" not in head[:_STX_WITHIN]:
        return False
    try:
        decode(head.translate(None, _FRAMING))
    except DecodeError:
        return False
    return True


@dataclass
class _Message:
    """One message's parts, decoded, control characters still in."""

    number: int
    header: str
    text: str
    trailer: str
    truncated: bool


def read_wire_text(
    data: bytes, doc_id: str, field_map: Mapping[str, str] | None = None
) -> Iterator[Document | LineError]:
    """The stories of a transmission file, one per message in file order (``field_map`` has no keys
    to map here); a service message or a message without STX is a `LineError`. Raises `ValueError`
    when the file does not start like a transmission."""
    if not is_transmission(data):
        raise ValueError("not a wire transmission: it does not start with SOH (\\x01)")
    number = 0
    for match in _MESSAGE.finditer(data):
        raw = match[1].split(b"\x04", 1)[0]  # EOT ends the message; what follows it is line noise
        if _BLANK.fullmatch(raw):
            continue
        number += 1
        text, warning = _decode(raw, match.start(1))
        header, stx, rest = text.partition(STX)
        if not stx:
            yield LineError(number, "no STX (start of text): the header cannot be told from the text", unit="message")
            continue
        body, etx, trailer = rest.partition(ETX)
        message = _Message(number, header, body, trailer, truncated=not etx)
        doc = Document(id=f"{doc_id}#{number}", format="wiretext")
        doc.warnings.extend(f"message {number}: {w}" for w in [warning] if w)
        if message.truncated:
            doc.warnings.append(f"message {number}: no ETX (end of text): truncated, read to its end")
        if _LINE_TEST.search(body):
            yield LineError(number, "a service message, not a story", unit="message")
            continue
        anpa = "\x1f" in header or _ANPA_HEADER.search(header) is not None
        story = _read_anpa(doc, message) if anpa else _read_7901(doc, message)
        if story is None:
            yield LineError(number, "no story: the message has no headline and no text", unit="message")
            continue
        yield story


def _decode(raw: bytes, offset: int) -> tuple[str, str | None]:
    """A message's text: UTF-8 when valid, else Windows-1252 (Latin-1 for its five undefined bytes)."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        where = offset + exc.start
    try:
        text, encoding = raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        text, encoding = raw.decode("latin-1"), "Latin-1"
    return text, f"not valid UTF-8 (byte {where}); read as {encoding}"


def _lines(text: str) -> list[str]:
    """``text``'s lines, CRLF, CR and LF alike, without control characters and DEL."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x1f", " ")
    return _CONTROLS.sub("", text).split("\n")


# --- IPTC 7901 ----------------------------------------------------------------------------------


def _read_7901(doc: Document, message: _Message) -> Document | None:
    """An IPTC 7901 story: header line, keyword line (``Germany-politics/``), headline ending in
    `` =``, byline, text in teletype paragraphs, dpa's notebook and closing codes, time trailer."""
    header = [line.strip() for line in _lines(message.header) if line.strip()]
    doc.wire = _wire_in(header[0].split()) if header else None
    keywords = [k.strip() for line in header[1:] for k in line.split("/") if k.strip()]
    doc.label = "/".join(keywords) or None
    doc.keywords = keywords or None
    lines = _lines(message.text)
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    end = start
    while end < len(lines) and lines[end].strip() and end - start < 8:
        end += 1
    marked = [i for i in range(start, end) if lines[i].rstrip().endswith("=")]
    if marked:
        _headline(doc, [line.strip() for line in lines[start : marked[-1] + 1]])
        lines = lines[marked[-1] + 1 :]
    lines, notebook = _cut_notebook(lines)
    if doc.author is None:
        doc.author = _reporter(notebook)
    paragraphs = unwrap("\n".join(lines))
    if not paragraphs and not doc.title:
        return None
    doc = apply_story(doc, normalise("\n\n".join(paragraphs)), find_title=doc.title is None)
    _set_time(doc, _time_7901(message.trailer))
    return doc


def _headline(doc: Document, block: list[str]) -> None:
    """Title and author from the lines after STX up to the last one ending in ``=``: version lines
    (``1ST LEAD``) are dropped, ``By X, dpa =`` is the byline, the rest the headline."""
    title: list[str] = []
    for line in block:
        line = line.rstrip("= ").strip()
        if (by := _BYLINE.match(line)) and doc.author is None:
            doc.author = _WIRE_SUFFIX.sub("", by["name"]).strip(" ,") or None
        elif line:
            title.append(line)
    while len(title) > 1 and _VERSION.match(title[0]):
        title = title[1:]
    doc.title = clean(" ".join(title)) or None


def _cut_notebook(lines: list[str]) -> tuple[list[str], list[str]]:
    """The story's lines and dpa's notebook (notes, links and contacts for editors, partly "not for
    publication"), the closing codes dropped from the end of both."""
    cut = next(
        (i for i, line in enumerate(lines) if _NOTEBOOK.match(line.strip()) or _NOT_FOR_PUBLICATION.search(line)),
        len(lines),
    )
    story, notebook = lines[:cut], lines[cut:]
    # "* * * *" above "The following information is not for publication" belongs to the notebook.
    while story and (not story[-1].strip() or set(story[-1].replace(" ", "")) == {"*"}):
        story.pop()
    return _without_closing(story), _without_closing(notebook)


def _without_closing(lines: list[str]) -> list[str]:
    """``lines`` without blank lines and dpa's closing codes (``dpa wsz jln npr``) at their end."""
    lines = list(lines)
    while lines and (not lines[-1].strip() or _CLOSING.match(lines[-1].strip())):
        lines.pop()
    return lines


def _reporter(notebook: list[str]) -> str | None:
    """The notebook's ``Reporting by: X``, the author when the story has no byline."""
    for line in notebook:
        name, sep, rest = line.strip().lstrip("-* ").partition(":")
        if sep and name.strip().lower() == "reporting by":
            return clean(rest) or None
    return None


def _time_7901(trailer: str) -> datetime | None:
    """The transmission time of a 7901 trailer, ``131137 GMT Nov 13``: the 13th, 11:37 GMT,
    November 2013 (the last two digits are the year, not a day: dpa's trailers agree with the stories)."""
    m = _TRAILER_7901.search(normalise(trailer))
    if not m:
        return None
    return _time(m["y"], month_number(m["month"]), m["d"], m["h"], m["m"], m["zone"])


# --- ANPA 1312 ----------------------------------------------------------------------------------


def _read_anpa(doc: Document, message: _Message) -> Document | None:
    """An ANPA 1312 story: selector and priority/category header with the keyword, ``^`` lines
    (slug, headline, photo and editor's notes, summary, byline ending in ``=``), tab-indented
    paragraphs with AP's typewriter conventions (``_`` a dash, ``````…''`` quotes), ``AP-WF-`` trailer."""
    keyword = None
    for line in message.header.replace("\r", "\n").split("\n"):
        if m := _ANPA_HEADER.search(line):
            fields = _CONTROLS.sub("", line[m.end() :]).split()
            keyword = fields[0] if fields else None
    lines = _lines(message.text)
    carets: list[str] = []
    while lines and (lines[0].startswith("^") or not lines[0].strip()):
        line = lines.pop(0)
        if line.strip():
            carets.append(_typewriter(line[1:].strip().rstrip("<")))
    if carets and (slug := _ANPA_SLUG.match(carets[0])):
        doc.label = slug["slug"]
        carets = carets[1:]
    else:
        doc.label = keyword
    summary: list[str] = []
    for line in carets:
        if line.endswith("="):
            if (by := _BYLINE.match(line)) and doc.author is None:
                doc.author = clean(by["name"].rstrip("= ")) or None
        elif line.startswith(("AP Photo", "Eds:", "(Eds", "EDITOR'S NOTE", "Editor's Note")) or not line:
            continue  # photo and editors' notes: for the newsroom, not the story
        elif doc.title is None:
            doc.title = clean(line) or None
        else:
            summary.append(line)
    doc.description = clean(" ".join(summary)) or None
    paragraphs: list[str] = []
    for line in lines:
        if not line.strip():
            paragraphs.append("")
        elif line.startswith("\t") or not paragraphs:
            paragraphs.append(line.strip())
        else:
            paragraphs[-1] = f"{paragraphs[-1]} {line.strip()}".strip()
    body = [_typewriter(p) for p in paragraphs if p]
    if not body and not doc.title:
        return None
    m = _TRAILER_ANPA.search(normalise(message.trailer))
    doc.wire = _wire_in([m["wire"]]) if m else None
    doc = apply_story(doc, normalise("\n\n".join(body)))
    if m:
        _set_time(doc, _time(m["y"], int(m["mo"]), m["d"], m["h"], m["m"], m["zone"]))
    return doc


def _typewriter(paragraph: str) -> str:
    """AP's typewriter conventions as text: ``_`` between spaces is a dash, ``````…''`` double quotes."""
    paragraph = re.sub(r"(?<=\s)_(?=\s)", "—", paragraph)
    return clean(paragraph.replace("``", '"').replace("''", '"').replace("`", "'"))


# --- Shared -------------------------------------------------------------------------------------


def _wire_in(tokens: list[str]) -> str | None:
    """The wire a header or trailer names (``dpa``, ``AP``), as the wire table spells it."""
    for token in tokens:
        for family in FAMILIES:
            if family.name and token.lower() == family.name.lower():
                return family.name
    return None


def _time(year: str, month: int | None, day: str, hour: str, minute: str, zone: str) -> datetime | None:
    """A trailer's time; a two-digit year is 1969–2068 (as ``strptime``'s ``%y``); None when
    the month, the zone or the date is not one."""
    tz = _ZONES.get(zone.upper())
    if month is None or tz is None:
        return None
    full = int(year) if len(year) == 4 else int(year) + (1900 if int(year) >= 69 else 2000)
    try:
        return datetime(full, month, int(day), int(hour), int(minute), tzinfo=tz)
    except ValueError:
        return None


def _set_time(doc: Document, when: datetime | None) -> None:
    """Set ``published`` from the trailer, and ``date`` unless the text's dateline gave one."""
    if when is not None:
        doc.published = when
        doc.date = doc.date or when.date()


FORMAT = Format(
    "wiretext",
    (".tst", ".anpa", ".ipt"),
    read_bytes=read_wire_text,
    many=True,
    empty="no story",
    decodes_entities=True,
)
