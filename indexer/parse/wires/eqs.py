"""EQS Group (formerly DGAP): EQS-News, EQS-Adhoc and the other EQS services, German and English.

An EQS release opens with a header block and closes with a company block::

    EQS-News: Netfonds AG / Schlagwort(e): Aktienrückkauf      (or "Ad-hoc | 10 May 2023 19:56")
    Netfonds AG: Erwerb eigener Aktien - 24. Zwischenmeldung
    02.05.2023 / 10:55 CET/CEST
    Für den Inhalt der Mitteilung ist der Emittent / Herausgeber verantwortlich.
    …
    02.05.2023 CET/CEST Die EQS Distributionsservices umfassen …
    Sprache: Deutsch
    Unternehmen: Netfonds AG
    …
    EQS News ID: 1621957
    Ende der Mitteilung EQS News-Service

The header fills label (the EQS service), issuer, keywords (as ``description``), title and time;
the company block becomes ``contact``. The story's own dateline (``Hamburg, 02. Mai 2023 -``)
follows the header and is read by the generic family.
"""

from __future__ import annotations

import re
from datetime import datetime

from indexer.core.document import Document
from indexer.parse.dates import BERLIN, parse_date
from indexer.parse.wires._family import Family, rx

_RESPONSIBLE = re.compile(
    r"^(?:Für den Inhalt der Mitteilung ist der Emittent\s*/\s*Herausgeber verantwortlich|"
    r"The issuer is solely responsible for the content of this announcement)\.?\s*$"
)
_MARKER = re.compile(r"\b(?:EQS|DGAP)\b")
# "Ad-hoc | 10 May 2023 19:56" (eqs-news.com) or "EQS-News: Netfonds AG / Schlagwort(e): …".
_PAGE_KIND = re.compile(r"^(?P<kind>[A-Z][\w -]{1,40}?)\s+\|\s+(?P<when>.+)$")
_WIRE_KIND = re.compile(r"^(?P<kind>(?:EQS|DGAP)-[\w-]+):\s*(?P<rest>.+)$")
_STAMP = re.compile(r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\s*/\s*(?P<H>\d{1,2}):(?P<M>\d{2})\b.*$")
_TITLE_START = re.compile(r"^[^:/|]{2,100}:\s+\S")
_KEYWORDS = re.compile(r"^(?:Schlagwort\(?e?\)?|Keywords?\(?s?\)?)\s*:\s*", re.IGNORECASE)
_SEPARATOR = re.compile(r"^\s*(?:-{5,}|\^)\s*$")

_DISTRIBUTION = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}\s+CET/CEST\s+\S.*$")
_LANGUAGE = re.compile(r"^(?:Sprache|Language):\s*\w+\s*$")
_COMPANY = re.compile(r"^(?:Unternehmen|Company):\s*(?P<name>.+?)\s*$")
_COMPANY_END = re.compile(r"^(?:EQS News ID|DGAP News ID|News ID):.*$")


def _header(text: str, doc: Document) -> str:
    lines = text.split("\n")
    head = next((i for i, line in enumerate(lines[:30]) if _RESPONSIBLE.match(line.strip())), None)
    if head is None or not _MARKER.search("\n".join(lines[: head + 1])):
        return text
    block = [line.strip() for line in lines[: head + 1]]
    start = next((i for i, line in enumerate(block) if _PAGE_KIND.match(line) or _WIRE_KIND.match(line)), None)
    if start is None:
        return text
    prelude = [line for line in lines[:start] if not _SEPARATOR.match(line)]
    stamp = next((i for i in range(start, len(block)) if _STAMP.match(block[i])), len(block))
    _read_kind(block[start], doc)
    names = [line for line in block[start + 1 : stamp] if line]
    if m := _WIRE_KIND.match(block[start]):
        names.insert(0, m["rest"])
    title_at = next((i for i, line in enumerate(names) if _TITLE_START.match(line)), len(names))
    _read_issuer(" ".join(names[:title_at]), doc)
    headline = " ".join(names[title_at:])
    if headline:
        issuer, _, title = headline.partition(": ")
        doc.issuer = doc.issuer or issuer.strip()
        if doc.title is None and not prelude:
            doc.title, doc.headline = title.strip(), headline
    if stamp < len(block) and (m := _STAMP.match(block[stamp])):
        _read_stamp(m, doc)
    rest = _drop_repeated_title(lines[head + 1 :], [headline, doc.headline or "", doc.title or ""])
    return "\n".join(prelude + rest)


def _read_kind(line: str, doc: Document) -> None:
    doc.wire = doc.wire or "EQS"
    if m := _PAGE_KIND.match(line):
        doc.label = doc.label or m["kind"].strip()
        when = re.match(r"^(\d{1,2}\.?\s+\S+\s+\d{4})", m["when"].strip())
        if when and doc.date is None:
            doc.date = parse_date(when[1])
    elif m := _WIRE_KIND.match(line):
        doc.label = doc.label or m["kind"]


def _read_issuer(line: str, doc: Document) -> None:
    if not line:
        return
    issuer, _, keywords = line.partition(" / ")
    doc.issuer = doc.issuer or issuer.strip()
    keywords = _KEYWORDS.sub("", keywords).strip()
    if keywords:
        doc.description = doc.description or keywords


def _read_stamp(m: re.Match[str], doc: Document) -> None:
    try:
        when = datetime(int(m["y"]), int(m["m"]), int(m["d"]), int(m["H"]), int(m["M"]), tzinfo=BERLIN)
    except ValueError:
        return
    if doc.published is None and (doc.date is None or doc.date == when.date()):
        doc.published = when
    doc.date = doc.date or when.date()


def _drop_repeated_title(lines: list[str], titles: list[str]) -> list[str]:
    """Drop separators and the title that EQS repeats above the story, however it is wrapped."""
    i = 0
    while i < len(lines) and (not lines[i].strip() or _SEPARATOR.match(lines[i])):
        i += 1
    wanted = {" ".join(t.split()) for t in titles if t}
    seen = ""
    for j in range(i, min(i + 4, len(lines))):
        seen = " ".join(f"{seen} {lines[j]}".split())
        if seen in wanted:
            return lines[j + 1 :]
    return lines[i:]


def _trailer(text: str, doc: Document) -> str:
    if doc.wire != "EQS" and not _MARKER.search(text[-4000:]):
        return text
    lines = text.split("\n")
    start = _block_start([line.strip() for line in lines])
    if start is None:
        return text
    block = [line.strip() for line in lines[start:]]
    company = next((i for i, line in enumerate(block) if _COMPANY.match(line)), None)
    if company is not None:
        end = next((i for i in range(company, len(block)) if _COMPANY_END.match(block[i])), len(block) - 1)
        details = "\n".join(line for line in block[company : end + 1] if line)
        doc.contact = f"{doc.contact}\n\n{details}" if doc.contact else details
        name = _COMPANY.match(block[company])
        doc.issuer = doc.issuer or (name["name"] if name else None)
    doc.wire = doc.wire or "EQS"
    while start > 0 and (not lines[start - 1].strip() or _SEPARATOR.match(lines[start - 1])):
        start -= 1
    return "\n".join(lines[:start])


def _block_start(lines: list[str]) -> int | None:
    """Where the company block starts: the distribution line, else "Sprache:" above "Unternehmen:"."""
    tail = range(max(0, len(lines) - 60), len(lines))
    found = [i for i in tail if _DISTRIBUTION.match(lines[i])]
    if found:
        return found[-1]
    for i in tail:
        following = next((line for line in lines[i + 1 :] if line), "")
        if _LANGUAGE.match(lines[i]) and _COMPANY.match(following):
            return i
    return None


FAMILY = Family(
    name="EQS",
    credits=(rx(r"\b(?:EQS News|EQS-News|EQS-Ad-?hoc|DGAP-[\w-]+)\b"),),
    footers=(
        rx(r"^Ende der (?:Mitteilung|Insiderinformation)\b.*$"),
        rx(r"^End of (?:Announcement|Inside Information|News|Media Release)\b.*$"),
        rx(r"^(?:Sprache|Language):\s*\w+\s*$"),
        rx(r"^\d{5,}\s+\d{1,2}\.\d{1,2}\.\d{4}(?:\s+CET/CEST)?\s*$"),  # "1621957 02.05.2023 CET/CEST"
    ),
    copyright=("eqs",),
    header=_header,
    trailer=_trailer,
)
