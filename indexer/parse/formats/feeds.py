"""RSS 0.9x/1.0/2.0 and Atom feeds: one document per item or entry, parsed with defusedxml.

A feed is XML from outside, so it goes through `indexer.parse.formats._xml.parse_xml` (no entities,
no external references) rather than feedparser, whose fallback parser expands the entities it
deems safe (a 160 KB feed can ask for gigabytes). Dates that strict parsers refuse (``24:00:00``,
Portuguese ``Seg, 24 Set 2018``) are read by `parse_item_datetime`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from indexer.core.document import Document
from indexer.parse.dates import month_number, parse_feed_datetime
from indexer.parse.formats._format import Format, LineError
from indexer.parse.formats._xml import local, read_news_xml
from indexer.parse.formats.html import html_text
from indexer.parse.story import apply_story

ATOM = "http://www.w3.org/2005/Atom"
ATOM03 = "http://purl.org/atom/ns#"
RSS10 = "http://purl.org/rss/1.0/"
RSS090 = "http://my.netscape.com/rdf/simple/0.9/"
DC = "http://purl.org/dc/elements/1.1/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: Namespaces whose ``title``, ``link``, ``description`` … are the item's own (RSS 2.0 has none).
_RSS_NS = ("", RSS10, RSS090)
_ATOM_NS = (ATOM, ATOM03)
#: Namespaces a feed's own vocabulary uses; a ``body`` element in any other (``wenn_cm:body``) is a
#: publisher's private full text.
_KNOWN_NS = {"", ATOM, ATOM03, RSS10, RSS090, DC, CONTENT, "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}

#: The local names of the root elements of RSS 0.9x/2.0 (``rss``), Atom (``feed``) and RSS 0.90/1.0 (``RDF``).
FEED_ROOTS = frozenset({"rss", "feed", "RDF"})

#: The link a feed puts at the end of a teaser ("Continue reading..."): the item's link says where.
_MORE = re.compile(r"(?:^|\n\n)(?:Continue reading|Read more|Weiterlesen|Mehr lesen|Leia mais)\s*(?:\.\.\.|…|»|>>)?$")
#: A German press portal's title suffix naming the authority that issued the release.
_QUELLE = re.compile(r"\s*\[Quelle:\s*(?P<who>[^\]]+?)\s*\]\s*$")

#: Month abbreviations of the Romance languages feeds are written in (``Set`` = September in
#: Portuguese); English and German come from `indexer.parse.dates.month_number`.
# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 30 lines, not 6.
_MONTHS = {
    "fev": 2, "abr": 4, "mai": 5, "ago": 8, "set": 9, "out": 10, "dez": 12,  # Portuguese
    "ene": 1, "dic": 12,  # Spanish (feb, mar, abr, may, jun, jul, ago, sep, oct, nov as above)
    "janv": 1, "févr": 2, "fevr": 2, "mars": 3, "avr": 4, "juin": 6, "juil": 7, "août": 8, "aout": 8,
    "déc": 12,  # French
    "gen": 1, "mag": 5, "giu": 6, "lug": 7, "ott": 10, "dic.": 12,  # Italian
}  # fmt: skip
#: RFC 822 as feeds write it, with the weekday and month in any language and hour 24 allowed.
_RFC822 = re.compile(
    r"^(?:[^\W\d_]+\.?,?\s*)?(?P<d>\d{1,2})\s+(?P<mon>[^\W\d_]+)\.?\s+(?P<y>\d{4}|\d{2})"
    r"\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<zone>[+-]\d{2}:?\d{2}|[A-Za-z]{1,5})?$"
)
# Laid out by hand (fmt: skip): RFC 822's zone names and their offsets in hours.
_ZONES = {"UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
          "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}  # fmt: skip


def is_feed(root_name: str) -> bool:
    """True when an XML root element named ``root_name`` (local name ``rss``, ``feed``, ``RDF``,
    or the same in Clark notation ``{ns}feed``) is a feed this module reads."""
    return local(root_name) in FEED_ROOTS


def parse_item_datetime(text: str) -> tuple[datetime | date | None, date | None, str | None]:
    """Read a feed date: ISO 8601 (Atom, ``dc:date``), RFC 822 in any language with hour 24, or
    whatever `parse_feed_datetime` knows.

    Returns ``(value, day, warning)``: ``day`` is the calendar day as written, which differs from
    ``value.date()`` for ``Wed, 08 Dec 2021 24:00:00`` (the end of the 8th, the 9th at 00:00).
    A time without a zone is taken as UTC, as RFC 822 and `parse_feed_datetime` do.
    """
    text = " ".join(text.split())
    if not text:
        return None, None, None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        pass
    else:
        if len(text) <= 10:
            return value.date(), value.date(), None
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        return value, value.date(), None
    if m := _RFC822.match(text):
        return _rfc822(m, text)
    found, warning = parse_feed_datetime(text)
    if found is None:
        return None, None, f"date {text!r} not read"
    return found, found.date() if isinstance(found, datetime) else found, warning


def _rfc822(m: re.Match[str], text: str) -> tuple[datetime | date | None, date | None, str | None]:
    name = m["mon"].lower()
    month = month_number(name) or _MONTHS.get(name) or _MONTHS.get(name[:3])
    year = int(m["y"]) + (0 if len(m["y"]) == 4 else 1900 if int(m["y"]) >= 70 else 2000)
    try:
        day = date(year, month or 0, int(m["d"]))
    except ValueError:
        return None, None, f"date {text!r} not read"
    zone = _zone(m["zone"])
    if zone is None:
        return day, day, f"time zone of {text!r} not read; date kept"
    hour, minute, second = int(m["H"]), int(m["M"]), int(m["S"] or 0)
    if hour == 24 and minute == 0 and second == 0:  # the end of the day written: the next day at 00:00
        return datetime(year, day.month, day.day, tzinfo=zone) + timedelta(days=1), day, None
    try:
        return datetime(year, day.month, day.day, hour, minute, second, tzinfo=zone), day, None
    except ValueError:
        return day, day, f"time of day not read in {text!r}; date kept"


def _zone(text: str | None) -> timezone | None:
    if not text:
        return UTC
    if text[0] in "+-":
        digits = text[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return timezone(-offset if text[0] == "-" else offset) if offset < timedelta(hours=24) else None
    hours = _ZONES.get(text.upper())
    return None if hours is None else timezone(timedelta(hours=hours))


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, paragraphs separated by blank lines (as `indexer.parse.formats.html`)."""
    if "<" not in markup and "&" not in markup:
        return paragraphs(markup)
    return _MORE.sub("", html_text(markup)[0])


def paragraphs(text: str) -> str:
    """Plain text with its blanks collapsed inside paragraphs, which are separated by blank lines."""
    return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip())


@dataclass
class _Feed:
    """What a feed says of all its items: its title (the document's ``label``), language, Atom authors."""

    label: str | None
    language: str | None
    author: str | None


def read_feed(data: bytes, doc_id: str, field_map: Mapping[str, str] | None = None) -> Iterator[Document | LineError]:
    """Yield a `Document` for each item (RSS) or entry (Atom) of the feed in ``data``, in file order.

    Raises `ValueError` for bytes that are not well-formed, unsafe XML, or XML that is no feed.
    ``field_map`` has no keys to map in a feed.
    """
    root, warning = read_news_xml(data)
    name = local(root.tag)
    if not is_feed(name):
        raise ValueError(f"not a feed: the root element is <{name}>, not <rss>, <feed> or <rdf:RDF>")
    if name == "feed":
        feed = _Feed(_text(_child(root, _ATOM_NS, "title")), _language(root.get(XML_LANG)), _authors(root))
        items: Iterable[ET.Element] = [e for e in root if e.tag in (f"{{{ATOM}}}entry", f"{{{ATOM03}}}entry")]
        read_item: Callable[[ET.Element, Document, _Feed], str] = _atom_entry
    else:
        channel = _child(root, _RSS_NS, "channel")
        meta = channel if channel is not None else root
        language = _text(_child(meta, _RSS_NS, "language")) or _text(_child(meta, (DC,), "language"))
        feed = _Feed(_text(_child(meta, _RSS_NS, "title")), _language(language or root.get(XML_LANG)), None)
        # RSS 2.0 nests items in the channel; RSS 0.90/1.0 (RDF) puts them beside it.
        items = [e for e in (*(channel if channel is not None else ()), *root) if _is(e, _RSS_NS, "item")]
        read_item = _rss_item
    for number, element in enumerate(items, start=1):
        doc = Document(id=f"{doc_id}#{number}", format="feed", label=feed.label, language=feed.language)
        if warning and number == 1:
            doc.warnings.append(warning)
        body = _without_stamps(read_item(element, doc, feed), doc)
        if not body and not doc.title:
            yield LineError(number, "no title and no text", unit="item")
            continue
        yield apply_story(doc, body)


def _rss_item(item: ET.Element, doc: Document, feed: _Feed) -> str:
    """Fill ``doc`` from an RSS ``<item>``; return its story text."""
    _set_title(doc, _text(_child(item, _RSS_NS, "title")))
    doc.url = _text(_child(item, _RSS_NS, "link")) or None
    guid = _child(item, _RSS_NS, "guid")
    if doc.url is None and guid is not None and guid.get("isPermaLink", "true").lower() != "false":
        doc.url = _url(_text(guid))
    _set_date(doc, [_child(item, _RSS_NS, "pubDate"), _child(item, (DC,), "date")])
    doc.author = _rss_author(_text(_child(item, _RSS_NS, "author"))) or _joined(_children(item, (DC,), "creator"))
    doc.keywords = _keywords(
        _text(c) for c in [*_children(item, _RSS_NS, "category"), *_children(item, (DC,), "subject")]
    )
    doc.language = _language(_text(_child(item, (DC,), "language")) or item.get(XML_LANG)) or doc.language
    summary = html_to_text(_inner(_child(item, _RSS_NS, "description")))
    content = _private_body(item) or html_to_text(_inner(_child(item, (CONTENT,), "encoded")))
    if content:
        doc.description = summary or None
        return content
    return summary


def _atom_entry(entry: ET.Element, doc: Document, feed: _Feed) -> str:
    """Fill ``doc`` from an Atom ``<entry>``; return its story text."""
    _set_title(doc, _atom_text(_child(entry, _ATOM_NS, "title")))
    doc.url = _atom_link(entry)
    _set_date(doc, [_child(entry, _ATOM_NS, "published"), _child(entry, _ATOM_NS, "issued"),
                    _child(entry, _ATOM_NS, "updated"), _child(entry, _ATOM_NS, "modified"),
                    _child(entry, (DC,), "date")])  # fmt: skip
    doc.author = _authors(entry) or _joined(_children(entry, (DC,), "creator")) or feed.author
    terms = [c.get("term") or c.get("label") or _text(c) for c in _children(entry, _ATOM_NS, "category")]
    tags = [e.get("value") or _text(e) for e in entry.iter() if local(e.tag) == "tag" and _ns(e) not in _KNOWN_NS]
    doc.keywords = _keywords([*terms, *(_text(c) for c in _children(entry, (DC,), "subject")), *tags])
    doc.language = _language(entry.get(XML_LANG)) or doc.language
    summary = _atom_text(_child(entry, _ATOM_NS, "summary"))
    content = _private_body(entry) or _atom_text(_child(entry, _ATOM_NS, "content"))
    if content:
        doc.description = summary or None
        return content
    return summary


def _without_stamps(body: str, doc: Document) -> str:
    """``body`` without what a portal's teaser repeats of the fields: a leading ``08.12.2021`` that
    is the item's date and a trailing ``Quelle: <issuer>`` (hamburg.de)."""
    if doc.date and body.startswith(f"{doc.date:%d.%m.%Y} "):
        body = body[11:]
    if doc.issuer and body.endswith(f"Quelle: {doc.issuer}"):
        body = body[: -len(f"Quelle: {doc.issuer}")].rstrip()
    return body


def _set_title(doc: Document, title: str) -> None:
    """The title; a ``[Quelle: Behörde …]`` suffix names the authority that issued the release."""
    if m := _QUELLE.search(title):
        doc.headline, doc.title, doc.issuer = title, title[: m.start()].strip() or None, m["who"]
    else:
        doc.title = title or None


def _set_date(doc: Document, candidates: list[ET.Element | None]) -> None:
    """``published`` and ``date`` from the first of ``candidates`` that is a date."""
    for element in candidates:
        text = _text(element)
        if not text:
            continue
        value, day, warning = parse_item_datetime(text)
        if warning:
            doc.warnings.append(f"item {doc.id.rsplit('#', 1)[-1]}: {warning}")
        if value is None:
            continue
        if isinstance(value, datetime):
            doc.published = value
        doc.date = day
        return


def _atom_link(entry: ET.Element) -> str | None:
    """The entry's ``alternate`` link (an HTML one first); a bare ``id`` is a name, not an address."""
    links = [
        (e.get("rel") or "alternate", e.get("type") or "", e.get("href") or "")
        for e in _children(entry, _ATOM_NS, "link")
    ]
    alternates = [(kind, href) for rel, kind, href in links if rel == "alternate" and href]
    for kind, href in alternates:
        if kind in ("", "text/html", "application/xhtml+xml"):
            return href.strip()
    return alternates[0][1].strip() if alternates else _url(_text(_child(entry, _ATOM_NS, "id")))


def _atom_text(element: ET.Element | None) -> str:
    """Text of an Atom text construct: ``type="text"`` as is, ``html`` and ``xhtml`` rendered."""
    if element is None or element.get("src"):
        return ""
    kind = (element.get("type") or "text").lower()
    if kind in ("html", "xhtml", "text/html", "application/xhtml+xml") or element.get("mode") == "escaped":
        return html_to_text(_inner(element))
    if kind == "text" or kind.startswith("text/"):
        return paragraphs("".join(element.itertext()))
    return ""


def _private_body(item: ET.Element) -> str:
    """A publisher's full text in its own namespace (WENN's ``wenn_cm:body``), after its lead
    (``wenn_cm:first_line``), which the standard ``content`` only stands in for."""
    found: dict[str, str] = {}
    for element in item.iter():
        name = local(element.tag)
        if name in ("body", "first_line") and name not in found and _ns(element) not in _KNOWN_NS:
            found[name] = html_to_text(_inner(element))
    if not found.get("body"):
        return ""
    return "\n\n".join(part for part in (found.get("first_line"), found["body"]) if part)


def _inner(element: ET.Element | None) -> str:
    """The markup inside ``element``: its text (escaped HTML or CDATA) and any child elements
    written as XML (a scraper's raw ``<br/>``), for the HTML reader."""
    if element is None:
        return ""
    parts = [element.text or ""]
    for child in element:
        copy = _strip_ns(child)
        copy.tail = None  # the text after a child is markup again (escaped or CDATA), not text to escape
        parts += [ET.tostring(copy, encoding="unicode", short_empty_elements=False), child.tail or ""]
    return "".join(parts)


def _strip_ns(element: ET.Element) -> ET.Element:
    """A copy of ``element`` with its tags' namespaces dropped (XHTML content ``<xhtml:p>`` → ``<p>``)."""
    copy = ET.Element(local(element.tag), {local(k): v for k, v in element.attrib.items()})
    copy.text, copy.tail = element.text, element.tail
    copy.extend(_strip_ns(c) for c in element)
    return copy


def _authors(element: ET.Element) -> str | None:
    """The names of an Atom element's ``<author>``s, joined with commas."""
    names = [
        _text(_child(a, _ATOM_NS, "name")) or _text(_child(a, _ATOM_NS, "email"))
        for a in _children(element, _ATOM_NS, "author")
    ]
    return ", ".join(n for n in names if n) or None


def _rss_author(text: str) -> str | None:
    """RSS ``<author>`` is an address with the name in brackets: ``ed@example.com (Ed Smith)`` → ``Ed Smith``."""
    if m := re.fullmatch(r"\S+@\S+\s*\((?P<name>[^)]+)\)", text):
        return m["name"].strip()
    return text or None


def _joined(elements: list[ET.Element]) -> str | None:
    return ", ".join(t for t in (_text(e) for e in elements) if t) or None


def _keywords(values: Iterable[str | None]) -> list[str] | None:
    out: list[str] = []
    for value in values:
        value = " ".join((value or "").split())
        if value and value not in out:
            out.append(value)
    return out or None


def _language(value: str | None) -> str | None:
    """``en-gb`` → ``en``; None for an empty or odd value (the caller then detects the language)."""
    code = re.split(r"[-_]", (value or "").strip(), maxsplit=1)[0].lower()
    return code if re.fullmatch(r"[a-z]{2}", code) else None


def _url(text: str) -> str | None:
    return text if re.match(r"https?://\S+$", text) else None


def _ns(element: ET.Element) -> str:
    tag = str(element.tag)  # a comment's tag is a function: no namespace
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _is(element: ET.Element, namespaces: tuple[str, ...], name: str) -> bool:
    return local(element.tag) == name and _ns(element) in namespaces


def _child(element: ET.Element, namespaces: tuple[str, ...], name: str) -> ET.Element | None:
    return next((c for c in element if _is(c, namespaces, name)), None)


def _children(element: ET.Element, namespaces: tuple[str, ...], name: str) -> list[ET.Element]:
    return [c for c in element if _is(c, namespaces, name)]


def _text(element: ET.Element | None) -> str:
    """All text inside ``element``, spaces collapsed; ``''`` for None."""
    return "" if element is None else " ".join("".join(element.itertext()).split())


FORMAT = Format(
    "feed", (".rss", ".atom"), read_bytes=read_feed, many=True, empty="no feed items", decodes_entities=True
)
