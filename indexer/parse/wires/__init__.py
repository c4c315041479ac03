"""Wire families: who sent a text, from where and when, read from its dateline and trailers.

One module per family holds its table row (`Family`): dateline shapes, credit lines, footer
lines, copyright names, and for EQS the hooks for its header and company blocks. This package
only searches them; `indexer.parse.story` applies what they find to a document.
"""

from __future__ import annotations

import re
from functools import cache

from indexer.core.document import Document
from indexer.parse.dates import parse_date
from indexer.parse.places import split_place
from indexer.parse.wires import (
    aap,
    accesswire,
    afp,
    ansa,
    ap,
    businesswire,
    dpa,
    efe,
    einpresswire,
    eqs,
    generic,
    globenewswire,
    newsfile,
    ots,
    prnewswire,
    prweb,
    reuters,
)
from indexer.parse.wires._family import Dateline, Family

#: Every family, most specific first: a tie between datelines at one place goes to the earlier.
FAMILIES: tuple[Family, ...] = (
    prweb.FAMILY,  # before PR Newswire, whose dateline shape also matches /PRNewswire-PRWeb/
    prnewswire.FAMILY,
    globenewswire.FAMILY,
    businesswire.FAMILY,
    accesswire.FAMILY,
    newsfile.FAMILY,
    einpresswire.FAMILY,
    eqs.FAMILY,
    dpa.DPA_AFX,
    dpa.DPA,
    ots.FAMILY,
    afp.FAMILY,
    efe.FAMILY,
    ansa.FAMILY,
    reuters.FAMILY,
    aap.FAMILY,  # before AP: "Australian Associated Press" holds AP's "Associated Press"
    ap.FAMILY,
    generic.FAMILY,
)

#: How far into a story its dateline may start: title lines, byline, subtitles and stamps come first.
LEAD_CHARS = 2500
#: How much of a story's end is searched for a wire's credit ("(dpa)", "/wdw/DP/mis").
TAIL_CHARS = 400

__all__ = [
    "FAMILIES",
    "Dateline",
    "Family",
    "find_dateline",
    "find_credit",
    "match_footer",
    "wire_from_copyright",
    "split_place",
    "header_hooks",
    "trailer_hooks",
    "unglue",
    "contact_after",
]


def find_dateline(text: str, *, at_start: bool = True) -> Dateline | None:
    """The earliest wire dateline in the first `LEAD_CHARS` of ``text``, or ``None``.

    ``at_start`` also accepts a bare ``City –`` where ``text`` starts; leave it off when the
    first line may be a title.
    """
    lead = text[:LEAD_CHARS]
    best: tuple[int, Family, re.Match[str]] | None = None
    for family in FAMILIES:
        if family.needles and not any(n in lead for n in family.needles):
            continue
        for pattern in family.datelines:
            m = pattern.search(lead)
            if m and (best is None or _start(m) < best[0]):
                best = (_start(m), family, m)
    if best is None:
        m = generic.STORY_START.match(text) if at_start else None
        return _dateline(generic.FAMILY, m) if m else None
    return _dateline(best[1], best[2])


#: A sentence glued to an all-caps dateline place: "…doing business therePIETERMARITZBURG, SOUTH AFRICA".
_GLUED_PLACE = re.compile(r"(?<=[a-z])(?=[A-Z]{3,}[A-Z .,'-]*$)")


def _start(m: re.Match[str]) -> int:
    """Where a dateline starts: at its place, or at the agency credit written before it (``head``)."""
    head = m.start("head") if "head" in m.re.groupindex else -1
    return head if head >= 0 else m.start("place")


def _dateline(family: Family, m: re.Match[str]) -> Dateline:
    raw, start = m["place"], _start(m)
    glue = _GLUED_PLACE.search(raw)
    if glue and " " in raw[: glue.start()] and start == m.start("place"):
        raw, start = raw[glue.start() :], start + glue.start()
    place = re.sub(r"\s+", " ", raw).strip().rstrip(",:").strip()
    # No place, only the day ("Jan 30 (Reuters) -"): the dateline still gives the wire.
    city, region, country = split_place(place) if place else (None, None, None)
    when = m.groupdict().get("date")
    return Dateline(
        wire=family.name or None,
        place=place or None,
        city=city,
        region=region,
        country=country,
        date=parse_date(re.sub(r"\s+", " ", when)) if when and re.search(r"\d{4}", when) else None,
        text=" ".join(m.group(0).split()).strip("* "),
        start=start,
        end=m.end(),
    )


def find_credit(text: str) -> str | None:
    """The wire a story credits in its lead or its last lines, for stories without a dateline.

    A family's ``weak_credits`` (dpa-AFX's editors' codes) count only when no family's
    ``credits`` match: ``(AFP) -`` in the lead wins over initials at the end.
    """
    lead, tail = text[:LEAD_CHARS], text[-TAIL_CHARS:]
    for weak in (False, True):
        for family in FAMILIES:
            patterns = family.weak_credits if weak else family.credits
            if any(p.search(lead) or p.search(tail) for p in patterns):
                return family.name
    return None


def unglue(text: str) -> str:
    """Put back the line breaks a scraper lost before wire footers (see `Family.breaks`)."""
    for family in FAMILIES:
        for row in family.breaks:
            text = row.apply(text)
    return text


def contact_after(line: str) -> re.Match[str] | None:
    """The match, if ``line`` is a wire's line after which the contacts follow."""
    for family in FAMILIES:
        if family.contact_after and (m := family.contact_after.match(line)):
            return m
    return None


def match_footer(line: str) -> re.Match[str] | None:
    """The footer pattern ``line`` is, if any: a wire's own line that does not belong to the story."""
    for family in FAMILIES:
        for pattern in family.footers:
            if m := pattern.match(line):
                return m
    return None


def wire_from_copyright(line: str) -> str | None:
    """The wire a ``©`` line names, if any: a family's copyright name as whole words, not inside
    another family's longer name ("Australian Associated Press" is AAP, not AP)."""
    low = line.lower()
    spans = [(m.start(), m.end(), f.name) for f in FAMILIES for name in f.copyright for m in _name(name).finditer(low)]
    named = {
        wire
        for start, end, wire in spans
        if not any(s <= start and end <= e and e - s > end - start for s, e, _ in spans)
    }
    return next((f.name for f in FAMILIES if f.name in named), None)


@cache
def _name(name: str) -> re.Pattern[str]:
    """A copyright name as whole words: ``ansa`` in "copyright ansa 2017", not in "hansa"."""
    return re.compile(rf"(?<!\w){re.escape(name.strip())}(?!\w)")


def header_hooks(text: str, doc: Document) -> str:
    """Run every family's header hook over ``text``."""
    for family in FAMILIES:
        if family.header:
            text = family.header(text, doc)
    return text


def trailer_hooks(text: str, doc: Document) -> str:
    """Run every family's trailer hook over ``text``."""
    for family in FAMILIES:
        if family.trailer:
            text = family.trailer(text, doc)
    return text
