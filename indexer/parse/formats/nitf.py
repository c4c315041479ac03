"""NITF (News Industry Text Format, IPTC): the XML in which wire agencies (AP, AAP, PA, EFE, NTB …)
deliver one story. Also the shared reading of news XML that `newsml` uses: NITF and XHTML bodies,
agency timestamps, bylines, datelines, and the encoding an agency declared wrongly."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from html.parser import HTMLParser

from indexer.core.document import Document
from indexer.core.language import detect_language
from indexer.core.text import normalise
from indexer.parse.dates import MONTH_NAME, month_number
from indexer.parse.formats._format import Format, LineError
from indexer.parse.formats._xml import local, read_news_xml
from indexer.parse.places import split_place
from indexer.parse.story import apply_story
from indexer.parse.wires import FAMILIES

#: The local names of the root elements this module reads.
ROOTS = frozenset({"nitf"})
#: The ``xml:lang`` attribute as ElementTree names it.
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# --- Bytes and elements -----------------------------------------------------------------------


def attr(element: ET.Element | None, name: str) -> str | None:
    """The attribute ``name`` of ``element``; None when either is missing."""
    return None if element is None else element.get(name)


def children(element: ET.Element | None, name: str) -> list[ET.Element]:
    """The children of ``element`` whose local name is ``name`` (any namespace)."""
    return [] if element is None else [c for c in element if local(c.tag) == name]


def child(element: ET.Element | None, name: str) -> ET.Element | None:
    """The first child of ``element`` whose local name is ``name``, or None."""
    return next(iter(children(element, name)), None)


def clean(value: str | None) -> str:
    """``value`` normalised (NFC, Unicode spaces) with its whitespace collapsed; ``''`` for None."""
    return " ".join(normalise(value).split()) if value else ""


def text(element: ET.Element | None) -> str:
    """All the text inside ``element``, whitespace collapsed; ``''`` for None."""
    return "" if element is None else clean("".join(element.itertext()))


def two_letter(tag: str | None) -> str | None:
    """The two-letter language of a tag: ``en-US`` → ``en``, ``EN`` → ``en``; None for ``x-default``."""
    m = re.match(r"\s*([A-Za-z]{2})(?:[-_]|\s*$)", tag or "")
    return m[1].lower() if m else None


def parse_time(value: str | None) -> datetime | date | None:
    """An agency timestamp: ISO 8601, extended (``2017-10-11T10:41:00+0100``) or basic
    (``20151210T191044Z``); a `date` when it gives only a day or has no zone (never guessed)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if len(value) <= 10 or parsed.tzinfo is None:
        return parsed.date()
    return parsed


def set_time(doc: Document, value: datetime | date | None) -> bool:
    """Fill ``published`` and ``date`` from ``value``; whether it gave anything."""
    if isinstance(value, datetime):
        doc.published, doc.date = value, value.date()
    elif isinstance(value, date):
        doc.date = value
    return value is not None


def add_keywords(doc: Document, names: Iterable[str]) -> None:
    """Append ``names`` to ``doc.keywords``, in order, without repeats or empty ones."""
    keywords = doc.keywords or []
    for name in names:
        name = clean(name)
        if name and name not in keywords and name != doc.title:
            keywords.append(name)
    doc.keywords = keywords or None


def agency(name: str | None) -> str | None:
    """The wire a credit or distributor names, as the wire table spells it where it knows the
    wire (``The Associated Press`` → ``AP``, ``reuters.com`` → ``Reuters``), else as written.

    The name must start with the wire's (`wire_from_copyright` finds it anywhere, and
    "Australian Associated Press" is AAP, not AP).
    """
    name = clean(name)
    low = name.lower()
    for family in FAMILIES:
        if family.name and (low == family.name.lower() or any(_starts(low, c) for c in family.copyright)):
            return family.name
    return name or None


def _starts(name: str, wire: str) -> bool:
    return re.match(rf"(?:the |thomson )?{re.escape(wire.strip())}\b", name) is not None


_BY = re.compile(r"^(?:by|von|par|por|di|av)\s+", re.IGNORECASE)


def byline(element: ET.Element | None) -> str | None:
    """The author a byline names: its ``<person>`` elements, else its text without the ``By``
    and without the title (``<byttl>AP Business Writer</byttl>``)."""
    if element is None:
        return None
    persons = [text(p) for p in element.iter() if local(p.tag) == "person" and text(p)]
    if persons:
        return ", ".join(persons)
    parts = [element.text or ""]
    for c in element:
        parts.extend(["" if local(c.tag) == "byttl" else "".join(c.itertext()), c.tail or ""])
    return _BY.sub("", clean("".join(parts))).strip(" ,;/") or None


# --- Bodies -------------------------------------------------------------------------------------

_BREAK = "\x00"  # a paragraph boundary; XML text cannot hold NUL
#: A ``<br>``: a line break kept inside its paragraph (a contact block's lines), unlike the
#: newlines of XML indentation or hard-wrapped wire text, which `unwrap` joins.
_LINE = "\ue000"  # private use: `normalise` keeps it, and it is taken out of the text read
_LINES = re.compile(r"\s*\ue000\s*")
_BLOCKS = frozenset(
    "p hl1 hl2 hl3 hl4 h1 h2 h3 h4 h5 h6 li dt dd pre tr caption blockquote bq div section article block "
    "body body.content body.end tagline ul ol dl table tbody thead tfoot html nitf fn note hr address".split()
)
# Metadata, media and page chrome inside a body: the NITF head and body.head are read as fields,
# an XHTML <header> repeats the headline, slugline and time (dpa).
_SKIP = frozenset(
    "head title script style header media media-reference media-metadata media-object figure img iframe "
    "object noscript nav body.head".split()
)
_CELLS = frozenset({"td", "th"})
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"})


def xml_paragraphs(element: ET.Element | None) -> list[str]:
    """The paragraphs of an XHTML or NITF body (namespaced or not): one per block element,
    table rows one per line, hard-wrapped wire text rejoined (`unwrap`)."""
    if element is None:
        return []
    parts: list[str] = []
    _walk(element, parts)
    return [p for chunk in "".join(parts).split(_BREAK) for p in unwrap(chunk)]


def _walk(element: ET.Element, parts: list[str]) -> None:
    name = local(element.tag).lower()
    if name in _SKIP:
        return
    if name == "br":
        parts.append(_LINE)
        return
    edge = _BREAK if name in _BLOCKS else " " if name in _CELLS else ""
    parts.append(edge)
    parts.append(element.text or "")
    for c in element:
        _walk(c, parts)
        parts.append(c.tail or "")
    parts.append(edge)


class _HtmlText(HTMLParser):
    """HTML text inside news XML (a CDATA ``<P>`` body, a "text/plain" rendition with markup),
    as the same stream of text and paragraph breaks `_walk` gives, whitespace kept for `unwrap`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if not self.skipping:
                self.parts.append(_LINE if tag == "br" else _BREAK if tag == "hr" else "")
            return
        if tag in _SKIP:
            self.skipping += 1
        elif not self.skipping:
            self.parts.append(_BREAK if tag in _BLOCKS else " " if tag in _CELLS else "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif not self.skipping:
            self.parts.append(_BREAK if tag in _BLOCKS else " " if tag in _CELLS else "")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data.replace(_BREAK, " "))


_MARKUP = re.compile(r"<(?:p|br|div|span|b|i|a)\b[^<>]*>", re.IGNORECASE)


def html_paragraphs(markup: str) -> list[str]:
    """The paragraphs of HTML text."""
    reader = _HtmlText()
    reader.feed(markup)
    reader.close()
    return [p for chunk in "".join(reader.parts).split(_BREAK) for p in unwrap(chunk)]


def text_paragraphs(value: str | None, *, html: bool = False) -> list[str]:
    """The paragraphs of inline text: HTML when declared or when it holds markup anyway (ANSA's
    "text/plain" is ``<p>`` text), plain otherwise."""
    value = value or ""
    if html or _MARKUP.search(value):
        return html_paragraphs(value)
    return unwrap(value)


def unwrap(chunk: str) -> list[str]:
    """Rejoin hard-wrapped lines into paragraphs.

    Wire text keeps the teletype layout (IPTC 7901/ANPA): a paragraph starts with an indented line
    and goes on in lines at the margin (Reuters, ANSA). When some lines after the first are at the
    margin and others indented, each indented line starts a paragraph; otherwise the lines are
    one paragraph (XML indentation, ``<br/>`` wraps). A blank line always ends a paragraph.
    """
    lines = chunk.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    filled = [line for line in lines if line.strip()]
    indents = [len(line) - len(line.lstrip(" \t")) for line in filled[1:]]
    indented = any(i == 0 for i in indents) and any(i >= 2 for i in indents)
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if not line.strip():
            paragraphs.append([])
            continue
        if indented and paragraphs[-1] and line[:2].isspace():
            paragraphs.append([])
        paragraphs[-1].append(line)
    joined = (clean(" ".join(p)) for p in paragraphs)
    return [p for j in joined if (p := _broken(j))]


#: A ``<br>``-broken line at least this long is a teletype wrap (AAP's ~65-character lines),
#: not a line of its own (a contact block's name, address, phone).
WRAP_WIDTH = 45


def _broken(paragraph: str) -> str:
    """A paragraph's ``<br>`` breaks as kept lines, or joined when every line before the last is as long
    as a teletype wrap."""
    lines = [line.strip() for line in _LINES.split(paragraph)]
    lines = [line for line in lines if line]
    wrapped = all(len(line) >= WRAP_WIDTH for line in lines[:-1])
    return (" " if wrapped else "\n").join(lines)


# --- Datelines and finishing a document ---------------------------------------------------------

_CREDIT = re.compile(r"\(\s*([^()\d]{1,40}?)\s*\)")
_WEEKDAYS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday montag dienstag mittwoch donnerstag freitag "
    "samstag sonntag lundi mardi mercredi jeudi vendredi samedi dimanche".split()
)
#: A paragraph of nothing but tags: embed code an agency sends escaped as text (NTB's ``<div …><script …>``).
_ONLY_MARKUP = re.compile(r"(?:\s*<[^<>]*>)+\s*")
_DATE_PLACE = re.compile(rf"({MONTH_NAME})\s+\d{{1,2}}")


def _date_like(part: str) -> bool:
    words = part.lower().split()
    one = words[0] if len(words) == 1 else ""
    return bool(re.search(r"\d", part)) or one in _WEEKDAYS or month_number(one) is not None


def read_dateline(value: str | None) -> tuple[str | None, str | None]:
    """The place and the credited wire of a dateline element: ``STOCKHOLM, Aug 29, 2014 (AFP) -``
    → (``STOCKHOLM``, ``AFP``), ``MOSCOW, Monday (Reuters)`` → (``MOSCOW``, ``Reuters``); a
    timestamp in the element (Reuters, ANA) gives neither."""
    value = clean(value)
    credits = _CREDIT.findall(value)
    rest = _CREDIT.sub(" ", value).strip(" -–—.:,;")
    place: list[str] = []
    for part in re.split(r",|\s[-–—]+\s", rest):
        part = part.strip(" -–—.:;")
        if not part or _date_like(part):
            break
        place.append(part)
    return (", ".join(place) or None), (agency(credits[-1]) if credits else None)


def set_place(doc: Document, place: str | None) -> None:
    """Set ``place`` and its parts unless the document has a place already."""
    place = clean(place)
    if doc.place is None and place:
        doc.place = place
        doc.city, doc.region, doc.country = split_place(place)


def finish(
    doc: Document,
    paragraphs: list[str],
    *,
    dateline: str | None = None,
    place: str | None = None,
    where: str = "",
) -> Document:
    """Pass the body through `apply_story` and fill what the metadata adds: the dateline element
    and the place (a dateline in the text wins over both, the metadata dateline over ``place``),
    a byline written in the text, and the language the text is really written in."""
    paragraphs = [p for p in paragraphs if not _ONLY_MARKUP.fullmatch(p)]
    while paragraphs and paragraphs[0] == doc.title:
        paragraphs = paragraphs[1:]
    # The metadata's copyright is set after the story: `apply_story` would take a wire from it by
    # substring, and "Australian Associated Press" (AAP) is not AP.
    rights, doc.copyright = doc.copyright, None
    # The dateline element's credit ("(AFP)") is the metadata's word, before the text's guesses.
    element_place, credit = read_dateline(dateline)
    doc.wire = doc.wire or credit
    doc = apply_story(doc, normalise("\n\n".join(paragraphs)))
    doc.copyright = rights or doc.copyright
    if doc.place and (m := _DATE_PLACE.fullmatch(doc.place)) and month_number(m[1]):
        doc.place = doc.city = doc.region = doc.country = None  # "Jan 30 (Reuters) -": a date, no place
    if dateline and (element_place or credit):
        doc.dateline = doc.dateline or clean(dateline)
    set_place(doc, element_place or place)
    if doc.author is None:
        for line in doc.body.split("\n")[:8]:
            if _BY.match(line) and len(line) < 60 and not line.rstrip().endswith("."):
                doc.author = _BY.sub("", line).strip() or None
                break
    detected = detect_language(f"{doc.title or ''}\n{doc.body}")
    if doc.language and detected and detected != doc.language:
        doc.warnings.append(
            f"{where}declared language {doc.language!r} but the text is {detected!r}; {detected!r} kept"
        )
        doc.language = detected
    return doc


# --- NITF ---------------------------------------------------------------------------------------

_AP_SLUG = re.compile(r"^BC-[A-Za-z0-9]+-")
_SLUG_META = frozenset({"anpa-keyword", "slug", "slugline", "keyword-slug"})


def fill_nitf(doc: Document, nitf: ET.Element) -> tuple[list[str], str | None, str | None]:
    """Fill the fields of ``doc`` that are still empty from an NITF document; return its body
    paragraphs, its dateline text and its event place (``evloc``)."""
    head, body = child(nitf, "head"), child(nitf, "body")
    body_head = child(body, "body.head")
    hedline = child(body_head, "hedline")
    hl1, hl2 = text(child(hedline, "hl1")), text(child(hedline, "hl2"))
    doc.title = doc.title or hl1 or text(child(head, "title")) or None
    metas = {(m.get("name") or "").lower(): clean(m.get("content")) for m in children(head, "meta")}
    slug = next((metas[k] for k in _SLUG_META if metas.get(k)), None)
    doc.label = doc.label or slug or (hl1 if _AP_SLUG.match(hl1) else None)
    summary = text(child(body_head, "abstract")) or hl2
    if summary and summary != doc.title and doc.description is None:
        doc.description = summary
    doc.author = doc.author or byline(child(body_head, "byline"))
    docdata = child(head, "docdata")
    dateline_el = child(body_head, "dateline")
    if doc.published is None and doc.date is None:
        for value in (
            attr(child(docdata, "date.issue"), "norm"),
            attr(child(docdata, "date.release"), "norm"),
            attr(child(head, "pubdata"), "date.publication"),
            attr(child(dateline_el, "story.date"), "norm"),
        ):
            if set_time(doc, parse_time(value)):
                break
    if doc.keywords is None:
        _nitf_keywords(doc, head, docdata)
    doc.language = doc.language or two_letter(nitf.get("baselang") or nitf.get(XML_LANG))
    rights = child(docdata, "doc.copyright")
    if doc.copyright is None and rights is not None and rights.get("holder"):
        doc.copyright = clean(f"© {rights.get('year') or ''} {rights.get('holder')}")
    doc.copyright = doc.copyright or (
        f"© {owner}" if (owner := text(child(child(body_head, "rights"), "rights.owner"))) else None
    )
    doc.wire = doc.wire or agency(text(child(body_head, "distributor")))
    ref = clean(attr(child(head, "pubdata"), "ex-ref"))
    doc.url = doc.url or (ref if ref.startswith(("http://", "https://")) else None)
    dateline = clean(_text_without(dateline_el, "story.date")) if dateline_el is not None else ""
    place = clean(attr(child(docdata, "evloc"), "city"))
    content = xml_paragraphs(child(body, "body.content")) + xml_paragraphs(child(body, "body.end"))
    return content, dateline or None, place or None


def _text_without(element: ET.Element, name: str) -> str:
    """The text of ``element`` less that of its ``name`` elements (a dateline's ``story.date``)."""
    parts = [element.text or ""]
    for c in element:
        parts.extend(["" if local(c.tag) == name else _text_without(c, name), c.tail or ""])
    return "".join(parts)


def _nitf_keywords(doc: Document, head: ET.Element | None, docdata: ET.Element | None) -> None:
    """Subjects by their most specific name, genres (``tobject.property``), and the key list;
    subject codes (``refnum``) only when nothing readable is given."""
    names: list[str] = []
    codes: list[str] = []
    for tobject in children(head, "tobject"):
        for prop in children(tobject, "tobject.property"):
            names.append(prop.get("tobject.property.type") or "")
        for subject in children(tobject, "tobject.subject"):
            name = next(
                (v for k in ("detail", "matter", "type") if (v := clean(subject.get(f"tobject.subject.{k}")))), ""
            )
            names.append(name)
            if not name:
                codes.append(subject.get("tobject.subject.refnum") or "")
    for keyword in (k for key_list in children(docdata, "key-list") for k in children(key_list, "keyword")):
        names.append(keyword.get("key") or "")
    add_keywords(doc, names)
    if doc.keywords is None:
        add_keywords(doc, codes)


def read_nitf(data: bytes, doc_id: str, field_map: Mapping[str, str] | None = None) -> Iterator[Document | LineError]:
    """The one story of an NITF file (``field_map`` has no keys to map in NITF); nothing when it
    has neither headline nor text. Raises `ValueError` for XML that is malformed, unsafe or not NITF."""
    root, warning = read_news_xml(data)
    if local(root.tag) not in ROOTS:
        raise ValueError(f"not NITF: the root element is <{local(root.tag)}>")
    doc = Document(id=doc_id, format="nitf")
    doc.warnings.extend([warning] if warning else [])
    paragraphs, dateline, place = fill_nitf(doc, root)
    if paragraphs or doc.title:
        yield finish(doc, paragraphs, dateline=dateline, place=place)


FORMAT = Format("nitf", (".nitf",), read_bytes=read_nitf, empty="no story", decodes_entities=True)
