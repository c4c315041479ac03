"""Trailers at the end of a release: contacts, source link, copyright, wire footer lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

_URL = r"https?://\S+"

#: Lines that carry the release's source URL; group ``url`` is the link.
URL_LINES = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"^Cision View original content(?: to download multimedia)?:\s*(?P<url>{_URL})\s*$",
        rf"^View\b[^:]{{0,60}}\bon [\w.]+:\s*(?P<url>{_URL})\s*$",  # "View source version on businesswire.com:"
        rf"^(?:Source|Quelle|Original-?Content|Link):?\s*(?P<url>{_URL})\s*$",
        rf"^(?P<url>{_URL})\s*$",
    )
)
COPYRIGHT = re.compile(r"^(?:©|\(c\)|Copyright\b)\s*.*\d{4}.*$", re.IGNORECASE)
#: Headings that open a contact block.
CONTACT_HEADING = re.compile(
    r"^(?:For (?:further|more) information(?:,? please contact)?|Media (?:contacts?|inquiries)|"
    r"Press contacts?|Investor contacts?|Contacts?|Pressekontakt|Kontakt|Medienkontakt|"
    r"Rückfragen bitte an)\s*:?\s*$",
    re.IGNORECASE,
)
#: Wire footer lines dropped from the body (they name the wire, not the story).
FOOTER = re.compile(
    r"^(?:SOURCE\s+\S.*|Ende der Mitteilung.*|Sprache:\s*\w+|"
    r"Original-?(?:Content|inhalt) von:?\s.*(?:news aktuell|übermittelt).*)$"
)


@dataclass
class Trailers:
    """What was taken off the end of a body."""

    body: str
    url: str | None = None
    contact: str | None = None
    copyright: str | None = None


def split_trailers(body: str) -> Trailers:
    """Move the copyright line, the source URL and the contact block out of ``body``.

    Works upwards from the last line, so a URL or a "Contact" word inside the story stays put.
    """
    lines = body.rstrip().split("\n")
    found = Trailers(body="")
    while lines:
        line = lines[-1].strip()
        if not line:
            lines.pop()
            continue
        if found.copyright is None and COPYRIGHT.match(line):
            found.copyright = line
            lines.pop()
            continue
        url = next((m["url"] for p in URL_LINES if (m := p.match(line))), None)
        if url and found.url is None:
            found.url = url
            lines.pop()
            continue
        if FOOTER.match(line):
            lines.pop()
            continue
        break
    for i in range(len(lines) - 1, -1, -1):
        if CONTACT_HEADING.match(lines[i].strip()):
            contact = "\n".join(l.strip() for l in lines[i + 1 :] if l.strip())
            if contact:
                found.contact = contact
                del lines[i:]
            break
    found.body = "\n".join(lines).strip()
    return found
