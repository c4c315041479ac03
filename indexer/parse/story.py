"""Splitting a story's text into lead, wire dateline, body and trailers; shared by every format."""

from __future__ import annotations

import re

from indexer.core.document import Document
from indexer.parse.dates import parse_stamp_line
from indexer.parse.trailers import NOISE, cut_chrome, split_trailers
from indexer.parse.wires import find_credit, find_dateline, header_hooks, wire_from_copyright

_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
_SETEXT = re.compile(r"^(?:=+|-+)\s*$")
_BOLD = re.compile(r"^(?:\*\*|__)(?P<text>.+?)(?:\*\*|__)$")


def apply_story(doc: Document, text: str, *, find_title: bool = False) -> Document:
    """Fill ``doc`` from a story's text: dateline, lead, body and trailers.

    ``find_title`` takes the title from the text's first lines (plain text, where nothing else
    gives one). Fields the source already set (header, front matter, JSON keys) win over what
    the text says, except ``date``: a wire dateline's date wins over the portal's stamp.
    """
    text, link = cut_chrome(text)
    text = header_hooks(text, doc)
    dateline = find_dateline(text, at_start=not (find_title and doc.title is None))
    if dateline is None:
        story = "\n".join(_take_lead(text.split("\n"), doc, find_title))
    else:
        lead = _take_lead(text[: dateline.start].split("\n"), doc, find_title, whole=True)
        story = "\n".join([*lead, "", text[dateline.end :]])  # stripped below
        doc.dateline = doc.dateline or dateline.text
        doc.wire = doc.wire or dateline.wire
        if doc.place is None:
            doc.place, doc.city = dateline.place, dateline.city
            doc.region, doc.country = dateline.region, dateline.country
        # The dateline is the release's own claim: it gives `date` even when the portal's stamp
        # (header line, front matter) says another day; the portal's time stays in `published`.
        doc.date = dateline.date or doc.date
    doc.wire = doc.wire or find_credit(text)
    if doc.issuer and doc.headline is None and doc.title and doc.title.startswith(f"{doc.issuer}: "):
        doc.headline, doc.title = doc.title, doc.title[len(doc.issuer) + 2 :]
    trailers = split_trailers(story.strip(), doc)
    doc.body = trailers.body
    doc.url = doc.url or trailers.url or link
    doc.contact = _join(trailers.contact, doc.contact)
    doc.copyright = doc.copyright or trailers.copyright
    doc.about = doc.about or trailers.about
    doc.disclaimer = doc.disclaimer or trailers.disclaimer
    doc.issuer = doc.issuer or trailers.source
    doc.description = doc.description or trailers.summary
    if doc.wire is None and doc.copyright:
        doc.wire = wire_from_copyright(doc.copyright)
    return doc


def _take_lead(lines: list[str], doc: Document, find_title: bool, *, whole: bool = False) -> list[str]:
    """Consume the lead's metadata lines (stamps, page noise, the title); return what is left.

    A byline or subtitle stays for the body. With ``whole`` (the lead above a dateline) stamp
    lines are taken from anywhere in ``lines``; otherwise only from the top.
    """
    kept: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if not line or NOISE.match(line) or _SETEXT.match(line):
            i += 1
            continue
        stamp = parse_stamp_line(line)
        if stamp is not None:
            day, when = stamp
            doc.date = doc.date or day
            if when is not None and doc.published is None and when.date() == doc.date:
                doc.published = when
            i += 1
            continue
        if find_title and doc.title is None:
            doc.title, i = _title(lines, i)
            continue
        if not whole:
            return kept + lines[i:]
        kept.append(lines[i])
        i += 1
    return kept


def _title(lines: list[str], i: int) -> tuple[str, int]:
    """The title starting at line ``i`` and the index after it.

    A Markdown ``#`` heading may run on over the next lines (html2text wraps at 78 columns).
    """
    line = lines[i].strip()
    if m := _HEADING.match(line):
        parts = [m["text"]]
        i += 1
        while i < len(lines) and lines[i].strip() and not _HEADING.match(lines[i].strip()):
            parts.append(lines[i].strip())
            i += 1
        return " ".join(parts), i
    if m := _BOLD.match(line):
        line = m["text"]
    return line, i + 1


def _join(first: str | None, second: str | None) -> str | None:
    if first and second and second not in first:
        return f"{first}\n\n{second}"
    return first or second
