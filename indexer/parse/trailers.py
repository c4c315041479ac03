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

from indexer.core.document import Document
from indexer.parse.wires import contact_after, match_footer, trailer_hooks, unglue

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
_CONTACT_INLINE = re.compile(
    r"^(?:(?:Media|Press|Investor|Investor Relations) Contacts?|For further information):\s*(?=\S)"
)
#: "… under an exclusive license.Alkermes Contacts: For Investors: …" — glued to the story.
CONTACT_GLUED = re.compile(
    r"(?:(?<=[a-z.!?\"”)])|(?<=[.!?\"”)] ))(?:(?:[A-Z][\w&.-]+ )?(?:Media |Investor |Press )?Contacts?|"
    r"For (?:further|more) information,? please contact):\s*(?=[A-Z])"
)

_ABOUT = r"(?:About|Über|Ueber)\s+(?:the |die |den |das |der )?(?=[A-Z0-9ÄÖÜ])"
#: "About Acme" opening a line (a heading, or a heading and its text run together).
ABOUT_LINE = re.compile(rf"^{_MD}{_ABOUT}")
_ABOUT_LOWER = re.compile(rf"^{_MD}About\s+(?=[a-z]+[A-Z])")
#: German "Über …" opens many sentences, so it counts only as a short heading line.
_UEBER_SENTENCE = re.compile(r"^(?:Über|Ueber)\s+.{60,}")
#: A German about heading names a company ("Über die Elbtal Pumpen AG", "Über die Netfonds
#: Gruppe", "Über uns"); news sub-headings ("Über Falten und Schmerzen", "Über 20 Jahre
#: später") name none, and a number after "Über" is a quantity ("more than 20").
_UEBER_COMPANY = re.compile(
    r"\b(?:uns|GmbH|AG|SE|KG|KGaA|mbH|eG|e\.V\.|Gruppe|Group|Holding|Konzern|Unternehmen|Inc|Ltd|N\.V\.|S\.A\.)(?!\w)"
)
#: "… in Germany.About Copart:" — a heading glued to the sentence before it. The word comes
#: first and the look-behind after it, so the regex engine skips to each "About" instead of
#: trying the look-behind at every character (17× faster over a body).
ABOUT_GLUED = re.compile(r"About(?<=[a-z0-9.!?\"”)\]]About)\s+(?=[A-Z])")

_FLS_HEADINGS = (
    r"(?:Special |Important )?(?:Note|Notice|Information|Statement)s? (?:Regarding|Concerning|About|on) "
    r"Forward[- ]Looking Statements?",
    r"Forward[- ]Looking (?:Statements?|Information)(?: and [\w -]{3,40})?",
    r"Cautionary (?:Note|Notice|Statement|Language)s?(?: (?:Regarding|Concerning|About|on) [\w -]{3,60})?",
    r"Safe Harbou?r(?: Statement)?(?: [\w -]{3,60})?",
    r"Disclaimer|Disclosures?|Legal Notice|Important Notice",
    r"Additional Information and Where to Find It|No Offer or Solicitation|Participants in (?:the )?Solicitation",
    r"Zukunftsgerichtete Aussagen|Zukunftsbezogene Aussagen|Vorbehalt bei Zukunftsaussagen",
    r"Haftungsausschluss|Rechtlicher Hinweis|Wichtiger Hinweis",
)
#: Headings of the forward-looking-statements disclaimer, on a line of their own.
DISCLAIMER_HEADING = re.compile(rf"^{_MD}(?:{'|'.join(_FLS_HEADINGS)}){_END}$", re.IGNORECASE)
_FLS_SENTENCES = (
    r"This (?:press |news )?(?:release|announcement|communication|document) (?:contains|includes|may contain)"
    r"[^.]{0,100}forward[- ]looking",
    r"Certain (?:statements|information) (?:contained |set forth |made )?in this (?:press |news )?"
    r"(?:release|announcement)[^.]{0,60}forward[- ]looking",
    r"Statements in this (?:press |news )?release[^.]{0,160}forward[- ]looking",
    r"Except for (?:the )?historical information[^.]{0,160}forward[- ]looking",
    r"(?:Diese|Die vorliegende) (?:Mitteilung|Pressemitteilung|Veröffentlichung|Meldung) enthält"
    r"[^.]{0,80}zukunfts(?:gerichtete|bezogene)",
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


#: A line that is only Markdown links or images, perhaps after a short label ("Pickup - [x](…)").
_LINK_LINE = re.compile(r"^\s*(?:[\w .]{0,20}[-:–]\s*)?(?:!?\[[^\]\n]*\]\([^)\s]*\)\s*)+$")


def cut_link_lines(markdown: str) -> tuple[str, str | None]:
    """Cut the link lines a scraper or archive appended after a Markdown release
    (``[sitename](https://…)``, ``[Original/Source Press Release](…)``, a QR-code image, ``---``),
    so that the release's own trailer (``SOURCE Acme``, ``View original content: …``) is its end again.

    Returns the text and the original release's URL where a cut line links to it. Nothing is
    cut when the text has nothing but links.
    """
    lines = markdown.rstrip().split("\n")
    link, cut = None, len(lines)
    while cut > 0:
        line = lines[cut - 1]
        if line.strip() and not NOISE.match(line) and not _LINK_LINE.match(line):
            break
        if m := _SOURCE_LINK.search(line):
            link = m["url"]
        cut -= 1
    if cut == 0 or cut == len(lines) or not any(_LINK_LINE.match(line) for line in lines[cut:]):
        return markdown, None
    return "\n".join(lines[:cut]), link


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
    found.body = _split_sections(body, found, doc.issuer)
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


#: A line that reads as a heading: short, starting with a capital, no sentence punctuation in it
#: or at its end (a sub-heading like "What Analysts Say", "Valuation", "Fourth Quarter Results").
_HEADING_LIKE = re.compile(r"^(?!.*(?:https?://|www\.|@))[A-Z][^.!?;,\n]{1,70}[^.!?;,:\s]$")
#: A table row: Markdown pipes, tab-separated columns, or a separator row.
_TABLE_LINE = re.compile(r"\s*\|.*\|\s*$|[^\t]*\t[^\t]*\t|\s*[-|:+ ]{6,}\s*$")
#: "About 60% of …", "About 3,000 employees …", "About $2 billion …": a quantity, not a heading.
_ABOUT_QUANTITY = re.compile(r"^[$€£]?\d[\d,.]*\s*(?:%|[a-z])")
#: Words that open an about section's first sentence: "About Empire Access Founded in 1896 …".
_OPENERS = (
    r"(?:The|A|An|Founded|Since|Established|Located|Headquartered|Launched|Based|Through|Published|With|At|For|In"
    r"|Our|We|As)"
)
#: An "About …" heading run on into its text: a colon after the name ("About Vivo: Real-Time …"),
#: the name said again ("About Brafton Brafton is …", "About Keystone.aiKeystone.ai is"), or a
#: capitalised name followed, spaced or glued, by a sentence opener ("About Girl Scouts The …",
#: "About NVARThe Northern …").
_ABOUT_RUN_ON = re.compile(
    r"^[^:.!?\n]{2,80}:\s"
    r"|^(?P<name>[A-Z0-9][\w.&'’-]+)(?:\s*\S+){0,6}?\s*(?P=name)"
    rf"|^(?:[A-Z0-9][\w.&'’®,()-]*\s+|(?:of|and|for|the|&)\s+){{1,8}}{_OPENERS}\s"
    rf"|^(?:[A-Z0-9][\w.&'’®,()-]*\s+|(?:of|and|for|the|&)\s+){{0,7}}[A-Z0-9][\w.&'’®,()-]*?[a-zA-Z0-9®)](?={_OPENERS}\s)"
)
#: A paragraph of plain prose: long, ending as a sentence ends, with no e-mail address in it.
_PROSE = re.compile(r"^(?!.*@)(?=.{200,}$).*[.!?\"”)]$")
#: Lines a heading must not exceed to stand alone.
_HEADING_WORDS = 10


def _about_heading(text: str, issuer: str | None) -> bool:
    """Whether ``text`` (a line, or the rest of one after a glued "About") opens an about section.

    It does when the heading stands alone (a short line of its own, not "About 60%"), runs on
    into its text in a heading's way, or names the release's issuer.
    """
    m = ABOUT_LINE.match(text)
    if not m:  # "About aiOla", "About eBay": a name that starts in lower case, on a line of its own
        m = _ABOUT_LOWER.match(text)
        return m is not None and len(text) <= 80 and len(text[m.end() :].split()) <= _HEADING_WORDS
    if _UEBER_SENTENCE.match(text):
        return False
    rest = text[m.end() :].strip().strip("*_").strip()
    if _ABOUT_QUANTITY.match(rest):
        return False
    if text.lstrip("*_# ").startswith(("Über", "Ueber")) and not (
        _UEBER_COMPANY.search(rest) or (issuer and rest.startswith(issuer.split(",")[0].strip()))
    ):
        return False
    if len(text) <= 80 and len(rest.split()) <= _HEADING_WORDS:
        return True
    if issuer and len(issuer) > 2 and rest.startswith(issuer.split(",")[0].strip()):
        return True
    return bool(_ABOUT_RUN_ON.match(rest))


def _section_starts(body: str, issuer: str | None = None) -> list[tuple[int, int, str]]:
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
        elif _about_heading(stripped, issuer):
            starts.append((lead, lead, "about"))
        elif DISCLAIMER_HEADING.match(stripped):
            starts.append((lead, lead, "disclaimer"))
        elif DISCLAIMER_SENTENCE.match(stripped):
            starts.append((lead, lead, "disclaimer"))
        offset += len(line) + 1
    # Glued headings; each pattern is tried only when its key word is there at all.
    if "About" in body:
        starts.extend(
            (m.start(), m.start(), "about")
            for m in ABOUT_GLUED.finditer(body)
            if _about_heading(body[m.start() : body.find("\n", m.start()) % (len(body) + 1)], issuer)
        )
    if "orward" in body or "Safe Harbor" in body:
        starts.extend((m.start(), m.start(), "disclaimer") for m in DISCLAIMER_GLUED.finditer(body))
    if "ontact:" in body:
        starts.extend(_glued_contacts(body))
    return sorted(set(s for s in starts if s[0] >= MIN_STORY_CHARS))


def _glued_contacts(body: str) -> list[tuple[int, int, str]]:
    """`CONTACT_GLUED`'s matches in ``body``, searched only on the lines holding "ontact".

    The pattern opens with look-behinds and optional words, so the regex engine tried it at
    every character of every body (8% of parsing in a profile of 10,000 releases); a match never spans a line
    but for the spaces after its colon, which the search is given room for."""
    found = []
    size = len(body)
    at = body.find("ontact")
    while at >= 0:
        start = body.rfind("\n", 0, at) + 1
        end = body.find("\n", at)
        end = size if end < 0 else end
        after = end
        while after < size and body[after].isspace():
            after += 1
        found += [(m.start(), m.end(), "contact") for m in CONTACT_GLUED.finditer(body, start, min(size, after + 1))]
        at = body.find("ontact", end) if end < size else -1
    return found


def _section_end(body: str, text_at: int, limit: int, kind: str) -> int:
    """Where a section whose text starts at ``text_at`` ends, at ``limit`` (the next section) or before.

    It ends before a table, before a heading of another kind (for about and disclaimer sections,
    after their first line of text), and, for a contact block, before a paragraph of plain prose.
    """
    at = body.find("\n", text_at)
    seen_text, previous = False, ""
    while 0 <= at < limit:
        line_start = at + 1
        line_end = body.find("\n", line_start)
        line_end = len(body) if line_end < 0 else line_end
        line = body[line_start:line_end].strip()
        if line and line_start < limit:
            if ("|" in line or "\t" in line or line[0] in "-:+") and _TABLE_LINE.match(body[line_start:line_end]):
                return line_start
            if kind == "contact" and _PROSE.match(line) and not previous:
                return line_start
            # A heading stands after a blank line or a finished sentence, not inside a wrapped paragraph.
            heading = _HEADING_LIKE.match(line) and len(line.split()) <= _HEADING_WORDS
            if kind != "contact" and seen_text and heading and (not previous or previous[-1] in '.!?:"”)'):
                return line_start
            seen_text = True
        previous = line
        at = line_end if line_end < len(body) else -1
    return limit


def _split_sections(body: str, found: Trailers, issuer: str | None = None) -> str:
    """Cut ``body``'s sections out; each runs to the next one or to where it plainly ends.

    What lies in no section (a table after a disclaimer, article text after a sub-heading)
    stays in the body, in order: no text is dropped.
    """
    starts = _section_starts(body, issuer)
    if not starts:
        return body
    # A disclaimer heading followed by its "This press release contains…" sentence is one section.
    starts = [
        s
        for i, s in enumerate(starts)
        if i == 0
        or s[2] != "disclaimer"
        or starts[i - 1][2] != "disclaimer"
        or _clean(body[starts[i - 1][0] : s[0]]).count("\n")
    ]
    parts: dict[str, list[str]] = {"contact": [], "about": [], "disclaimer": []}
    kept = [body[: starts[0][0]].rstrip()]
    for (start, text_at, kind), following in zip(starts, [*starts[1:], (len(body), 0, "")], strict=True):
        text_at = min(text_at, following[0])
        end = _section_end(body, text_at, following[0], kind)
        heading = _clean(body[start:text_at])
        text = _clean(body[text_at:end])
        if text and text not in parts[kind]:
            parts[kind].append(text)
        elif not text and heading and kind == "contact":
            kept.append(heading)  # a contact heading with nothing under it is the story's own line
        kept.append(body[end : following[0]].strip())
    if found.contact:
        parts["contact"].append(found.contact)
    found.contact = "\n\n".join(parts["contact"]) or None
    found.about = "\n\n".join(parts["about"]) or None
    found.disclaimer = "\n\n".join(parts["disclaimer"]) or None
    return "\n\n".join(k for k in kept if k)


def _clean(text: str) -> str:
    lines = [line.strip().strip("*_").strip() for line in text.strip().split("\n")]
    return "\n".join(line for line in lines if line and not NOISE.match(line)).strip()
