"""The end of a release: page furniture, wire footer lines, and the contact, about and
disclaimer sections, moved out of the story's body into their own fields.

Works on text as scrapers leave it: sections may open with a heading line (``About Acme``,
``## Contacts``, ``**Forward-Looking Statements**``), with a heading and its text on one line
(``About Copart: Copart Inc. was …``), or glued to the previous sentence where a scraper lost
the paragraph breaks (``… in Germany.About Copart: …``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .document import Document
from .wires import contact_after, match_footer, trailer_hooks, unglue

_URL = r"https?://\S+"

#: Lines that carry the release's source URL; group ``url`` is the link.
URL_LINES = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"^View\b[^:]{{0,60}}\bon [\w.]+:\s*(?P<url>{_URL})\s*$",  # "View source version on businesswire.com:"
        rf"^(?:Source|Quelle|Original-?Content|Link):?\s*(?P<url>{_URL})\s*$",
        rf"^(?P<url>{_URL})\s*$",
    )
)
#: A copyright notice: one short line (an abstract that opens "Copyright protection…" is text).
COPYRIGHT = re.compile(r"^(?=.{0,200}$)(?:©|\(c\)|Copyright\b)\s*.*\d{4}.*$", re.IGNORECASE)
#: Lines that are not text: separators, stray markup, a news page's share buttons.
NOISE = re.compile(
    r"^\s*(?:[-_=*#^]{2,}|\^|News provided by|Share this article|Share to\w*|"
    r"\[Continue Reading\]\(#[^)]*\))\s*$"
)
#: Markdown images (alt text and all): pictures, logos, inline base64 data.
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
#: Where a page's own furniture starts; everything from here on is not the release.
CHROME = re.compile(
    r"^(?:## (?:Site Navigation|#Hashtags|\$Cashtags|Social Media Profiles)|"
    r"\s*The post .{5,400} appeared first on [\w .-]+\.|Das könnte Sie auch interessieren)\s*$",
    re.MULTILINE,
)
#: Text after an ots release's attribution line belongs to other releases (a scraper's teasers).
_AFTER_OTS = re.compile(r"(?<=übermittelt durch news aktuell\n)(?=.*\S)")
#: A Markdown link to the original release in a republisher's footer.
_SOURCE_LINK = re.compile(rf"\[(?:Original|Source|Original/Source)[^\]]*\]\((?P<url>{_URL}?)\)", re.IGNORECASE)

_MD = r"(?:#{1,4}\s+|\*\*|__)?"  # a Markdown heading or bold around a section heading
_END = r"(?:\*\*|__)?\s*:?\s*(?:\*\*)?"

#: Headings that open a contact block (a line of their own, or followed by the contact on one line).
CONTACT_HEADING = re.compile(
    rf"^{_MD}(?:For (?:further|more) information(?:,? please contact)?|"
    r"(?:Media|Press|Investor|Investor Relations|Company) (?:contacts?|inquiries|enquiries)|"
    r"Press contacts?|Contacts?|Pressekontakt|Kontakt|Medienkontakt|Ansprechpartner(?:in)?|"
    rf"Rückfragen bitte an){_END}$",
    re.IGNORECASE,
)
#: A contact heading with the contact on its line (CNW writes "For further information: Lena Okafor, …").
_CONTACT_INLINE = re.compile(r"^(?:(?:Media|Press|Investor|Investor Relations) Contacts?|For further information):\s*(?=\S)")
#: "… under an exclusive license.Alkermes Contacts: For Investors: …" — glued to the story.
CONTACT_GLUED = re.compile(
    r"(?:(?<=[a-z.!?\"”)])|(?<=[.!?\"”)] ))(?:(?:[A-Z][\w&.-]+ )?(?:Media |Investor |Press )?Contacts?|"
    r"For (?:further|more) information,? please contact):\s*(?=[A-Z])"
)

_ABOUT = r"(?:About|Über|Ueber)\s+(?:the |die |den |das |der )?(?=[A-Z0-9ÄÖÜ])"
#: "About Acme" opening a line (a heading, or a heading and its text run together).
ABOUT_LINE = re.compile(rf"^{_MD}{_ABOUT}")
#: German "Über …" opens many sentences, so it counts only as a short heading line.
_UEBER_SENTENCE = re.compile(r"^(?:Über|Ueber)\s+.{60,}")
#: "… in Germany.About Copart:" — a heading glued to the sentence before it.
ABOUT_GLUED = re.compile(r"(?<=[a-z0-9.!?\"”)\]])About\s+(?=[A-Z])")

_FLS_HEADINGS = (
    r"(?:Special |Important )?(?:Note|Notice|Information|Statement)s? (?:Regarding|Concerning|About|on) Forward[- ]Looking Statements?",
    r"Forward[- ]Looking (?:Statements?|Information)(?: and [\w -]{3,40})?",
    r"Cautionary (?:Note|Notice|Statement|Language)s?(?: (?:Regarding|Concerning|About|on) [\w -]{3,60})?",
    r"Safe Harbou?r(?: Statement)?(?: [\w -]{3,60})?",
    r"Disclaimer|Legal Notice|Important Notice",
    r"Zukunftsgerichtete Aussagen|Zukunftsbezogene Aussagen|Vorbehalt bei Zukunftsaussagen",
    r"Haftungsausschluss|Rechtlicher Hinweis|Wichtiger Hinweis",
)
#: Headings of the forward-looking-statements disclaimer, on a line of their own.
DISCLAIMER_HEADING = re.compile(rf"^{_MD}(?:{'|'.join(_FLS_HEADINGS)}){_END}$", re.IGNORECASE)
_FLS_SENTENCES = (
    r"This (?:press |news )?(?:release|announcement|communication|document) (?:contains|includes|may contain)[^.]{0,100}forward[- ]looking",
    r"Certain (?:statements|information) (?:contained |set forth |made )?in this (?:press |news )?(?:release|announcement)[^.]{0,60}forward[- ]looking",
    r"Statements in this (?:press |news )?release[^.]{0,160}forward[- ]looking",
    r"Except for (?:the )?historical information[^.]{0,160}forward[- ]looking",
    r"(?:Diese|Die vorliegende) (?:Mitteilung|Pressemitteilung|Veröffentlichung|Meldung) enthält[^.]{0,80}zukunfts(?:gerichtete|bezogene)",
)
#: A disclaimer paragraph that opens without a heading.
DISCLAIMER_SENTENCE = re.compile(rf"^(?:{'|'.join(_FLS_SENTENCES)})", re.IGNORECASE)
#: A disclaimer heading or sentence glued to the sentence before it.
DISCLAIMER_GLUED = re.compile(
    r"(?<=[.!?\"”)])[ ]?(?:(?:Cautionary (?:Note|Statement) Regarding )?Forward[- ][Ll]ooking Statements|"
    rf"Safe Harbor Statement)[ ]?(?=[A-Z])|(?<=[.!?\"”)])(?:{'|'.join(_FLS_SENTENCES)})"
)
#: Section headings may not cut into the story's first words.
MIN_STORY_CHARS = 150


@dataclass
class Trailers:
    """What was taken off a story: its body and each trailer that was found."""

    body: str
    url: str | None = None
    contact: str | None = None
    copyright: str | None = None
    about: str | None = None
    disclaimer: str | None = None
    #: The issuer a wire footer names (``SOURCE Acme Corp``), for documents without one.
    source: str | None = None
    #: A summary the page gives (Business Wire's "Release Summary").
    summary: str | None = None


def cut_chrome(text: str) -> tuple[str, str | None]:
    """Cut page furniture (images, site navigation, a republisher's footer) off ``text``, and
    put back line breaks that scrapers lost before wire footers.

    Returns the text and the original release's URL, where the footer links to it.
    """
    text = unglue(IMAGE.sub("", text))
    m = CHROME.search(text) if ("## " in text or "The post" in text or "Das könnte" in text) else None
    m = m or (_AFTER_OTS.search(text) if "news aktuell" in text else None)
    if not m:
        return text, None
    link = _SOURCE_LINK.search(text, m.start())
    return text[: m.start()].rstrip(), link["url"] if link else None


def split_trailers(story: str, doc: Document) -> Trailers:
    """Move the copyright line, source URL, wire footers and the trailer sections out of ``story``.

    Wire blocks that need more than a footer line (EQS's company block) go to ``doc`` directly.
    """
    found = Trailers(body="")
    lines = _pop_footers(story.rstrip().split("\n"), found)
    lines = _contacts_after_source(lines, found)
    lines = _pop_footers(trailer_hooks("\n".join(lines), doc).split("\n"), found)
    body = "\n".join(line for line in lines if not NOISE.match(line))
    body, found.summary = _release_summary(body)
    found.body = _split_sections(body, found)
    lines = _pop_footers(found.body.split("\n"), found)
    found.body = "\n".join(lines).strip()
    return found


def _pop_footers(lines: list[str], found: Trailers) -> list[str]:
    """Take copyright, URL and footer lines off the end, working upwards."""
    while lines:
        line = lines[-1].strip()
        if not line or NOISE.match(line):
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
        if footer := match_footer(line):
            groups = footer.groupdict()
            found.url = found.url or groups.get("url")
            found.source = found.source or groups.get("source")
            lines.pop()
            continue
        break
    return lines


def _contacts_after_source(lines: list[str], found: Trailers) -> list[str]:
    """Business Wire puts the contacts after its source link: move them to ``contact``."""
    for i in range(len(lines) - 1, max(-1, len(lines) - 40), -1):
        if m := contact_after(lines[i].strip()):
            found.url = found.url or m["url"]
            contact = _clean("\n".join(line for line in lines[i + 1 :] if not CONTACT_HEADING.match(line.strip())))
            found.contact = contact or None
            return lines[:i]
    return lines


_SUMMARY = re.compile(r"^## Release Summary\s*\n+(?P<text>(?:.+\n?)+)", re.MULTILINE)


def _release_summary(body: str) -> tuple[str, str | None]:
    m = _SUMMARY.search(body)
    if not m:
        return body, None
    return body[: m.start()] + body[m.end() :], " ".join(m["text"].split())


def _section_starts(body: str) -> list[tuple[int, int, str]]:
    """Each section start as (offset, offset of its text, kind), in order."""
    starts: list[tuple[int, int, str]] = []
    offset = 0
    for line in body.split("\n"):
        stripped = line.strip()
        lead = offset + len(line) - len(line.lstrip())
        if CONTACT_HEADING.match(stripped):
            starts.append((lead, offset + len(line), "contact"))
        elif m := _CONTACT_INLINE.match(stripped):
            starts.append((lead, lead + m.end(), "contact"))
        elif ABOUT_LINE.match(stripped) and not _UEBER_SENTENCE.match(stripped):
            starts.append((lead, lead, "about"))
        elif DISCLAIMER_HEADING.match(stripped):
            starts.append((lead, lead, "disclaimer"))
        elif DISCLAIMER_SENTENCE.match(stripped):
            starts.append((lead, lead, "disclaimer"))
        offset += len(line) + 1
    # Glued headings; each pattern is tried only when its key word is there at all.
    if "About" in body:
        starts.extend((m.start(), m.start(), "about") for m in ABOUT_GLUED.finditer(body))
    if "orward" in body or "Safe Harbor" in body:
        starts.extend((m.start(), m.start(), "disclaimer") for m in DISCLAIMER_GLUED.finditer(body))
    if "ontact:" in body:
        starts.extend((m.start(), m.end(), "contact") for m in CONTACT_GLUED.finditer(body))
    return sorted(s for s in starts if s[0] >= MIN_STORY_CHARS)


def _split_sections(body: str, found: Trailers) -> str:
    """Cut ``body`` at its section starts; each section runs to the next one."""
    starts = _section_starts(body)
    if not starts:
        return body
    # A disclaimer heading followed by its "This press release contains…" sentence is one section.
    starts = [s for i, s in enumerate(starts) if i == 0 or s[2] != starts[i - 1][2] or s[2] == "contact"]
    parts: dict[str, list[str]] = {"contact": [], "about": [], "disclaimer": []}
    for (start, text_at, kind), following in zip(starts, [*starts[1:], (len(body), 0, "")]):
        text = _clean(body[text_at : following[0]])
        if text and text not in parts[kind]:
            parts[kind].append(text)
    if found.contact:
        parts["contact"].append(found.contact)
    found.contact = "\n\n".join(parts["contact"]) or None
    found.about = "\n\n".join(parts["about"]) or None
    found.disclaimer = "\n\n".join(parts["disclaimer"]) or None
    return body[: starts[0][0]].rstrip()


def _clean(text: str) -> str:
    lines = [line.strip().strip("*_").strip() for line in text.strip().split("\n")]
    return "\n".join(line for line in lines if line and not NOISE.match(line)).strip()
