"""IPTC NewsML-G2 and NewsML 1.x: the XML news agencies (dpa, Reuters, AFP, ANSA …) deliver.

A NewsML-G2 ``newsMessage`` carries several items, a NewsML 1 document several ``NewsItem``s:
the n-th item of the file is document ``<id>#<n>``. Only text items become documents; a package
(a list of references to other items) or a picture has no story of its own.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping

from indexer.core.document import Document
from indexer.parse.formats._format import Format, LineError
from indexer.parse.formats._xml import local, read_news_xml
from indexer.parse.formats.nitf import (
    XML_LANG,
    add_keywords,
    agency,
    byline,
    child,
    children,
    clean,
    fill_nitf,
    finish,
    parse_time,
    set_time,
    text,
    text_paragraphs,
    two_letter,
    xml_paragraphs,
)
from indexer.parse.wires import FAMILIES

#: The local names of the root elements this module reads: NewsML-G2's message, item and
#: package, and NewsML 1's ``NewsML``.
ROOTS = frozenset({"newsMessage", "newsItem", "packageItem", "NewsML"})
#: Publication states of a NewsML-G2 item that say it must not be used.
_WITHDRAWN = ("stat:canceled", "stat:cancelled", "stat:withheld")
_WIRES = frozenset(f.name for f in FAMILIES if f.name)


class _NotText(LineError):
    """An item that is no story (package, picture): reported only when the file gives no document."""


def read_newsml(data: bytes, doc_id: str, field_map: Mapping[str, str] | None = None) -> Iterator[Document | LineError]:
    """Yield a `Document` for each text item of a NewsML-G2 or NewsML 1 file, in file order, and
    a `LineError` for an item that cannot be one (``field_map`` has no keys to map in NewsML).

    Packages and pictures are skipped without a word when the file gives a document: a message
    carries them beside the story they illustrate or list. In a file of nothing else each is
    reported, saying why. Raises `ValueError` for XML that is malformed, unsafe or not NewsML.
    """
    root, warning = read_news_xml(data)
    name = local(root.tag)
    if name == "NewsML":
        results = [_newsml1_item(item, f"{doc_id}#{n}", n) for n, item in enumerate(children(root, "NewsItem"), 1)]
    elif name == "newsMessage":
        items = [c for s in children(root, "itemSet") for c in s]
        lang = two_letter(root.get(XML_LANG) or root.get("lang"))  # BusinessDesk writes a bare lang=
        results = [_g2_item(item, f"{doc_id}#{n}", n, lang) for n, item in enumerate(items, 1)]
    elif name in ROOTS:
        results = [_g2_item(root, f"{doc_id}#1", 1)]
    else:
        raise ValueError(f"not NewsML: the root element is <{name}>")
    found = any(isinstance(r, Document) for r in results)
    for result in results:
        if isinstance(result, Document):
            result.warnings[:0] = [warning] if warning else []
            yield result
        elif not (found and isinstance(result, _NotText)):
            yield result


def _known_wire(name: str | None) -> str | None:
    wire = agency(name)
    return wire if wire in _WIRES else None


# --- NewsML-G2 ----------------------------------------------------------------------------------


def _name(concept: ET.Element, lang: str | None) -> str:
    """A concept's readable name (subject, genre, place): its display name in the item's
    language, else its first display name, else its ``literal``; ``''`` when it has only a code."""
    names = [n for n in children(concept, "name") if (n.get("role") or "nrol:display") in ("nrol:display", "nrol:full")]
    names = [n for n in names if text(n)]
    own = [n for n in names if two_letter(n.get(XML_LANG)) in (lang, None)]
    return text(next(iter(own or names), None)) or clean(concept.get("literal"))


def _g2_item(item: ET.Element, doc_id: str, n: int, message_lang: str | None = None) -> Document | LineError:
    """One item of a NewsML-G2 message: a document for a text item, else why not."""
    kind = local(item.tag)
    item_meta, content_meta = child(item, "itemMeta"), child(item, "contentMeta")
    if kind == "packageItem":
        refs = sum(1 for e in item.iter() if local(e.tag) == "itemRef")
        return _NotText(n, f"a package of {refs} item references, no story of its own", unit="item")
    if kind != "newsItem":
        return _NotText(n, f"a {kind}, not a news item", unit="item")
    item_class = child(item_meta, "itemClass")
    qcode = (item_class.get("qcode") or "") if item_class is not None else ""
    if qcode and qcode.rsplit(":", 1)[-1] != "text":
        return _NotText(n, f"a {qcode.rsplit(':', 1)[-1]} item ({qcode}), no story text", unit="item")
    status = child(item_meta, "pubStatus")
    if status is not None and status.get("qcode") in _WITHDRAWN:
        return LineError(n, f"withdrawn by its provider ({status.get('qcode')})", unit="item")

    doc = Document(id=doc_id, format="newsml")
    language = child(content_meta, "language")
    lang = two_letter(language.get("tag") if language is not None else None) or two_letter(item.get(XML_LANG))
    lang = lang or message_lang
    doc.language = lang
    headlines = children(content_meta, "headline")
    main = [h for h in headlines if "sub" not in (h.get("role") or "").lower()]
    subs = [h for h in headlines if "sub" in (h.get("role") or "").lower()]
    doc.title = text(main[0]) if main else text(child(item_meta, "title")) or None
    summaries = [d for d in children(content_meta, "description") if "caption" not in (d.get("role") or "")]
    doc.description = text(subs[0]) if subs else text(summaries[0]) if summaries else None
    doc.label = text(child(content_meta, "slugline")) or None
    credit = text(child(content_meta, "creditline"))
    providers = [
        _name(p, lang) or clean(p.get("qcode", "").rsplit(":", 1)[-1]) for p in children(item_meta, "provider")
    ]
    doc.wire = agency(credit) or next((w for p in providers if (w := _known_wire(p))), None)
    doc.author = byline(child(content_meta, "by"))
    if doc.author is None:
        creators = [_name(c, lang) for c in children(content_meta, "creator")]
        people = [c for c in creators if c and not _known_wire(c) and agency(c) != doc.wire]
        doc.author = ", ".join(people) or None
    for when in ("firstCreated", "versionCreated"):
        if set_time(doc, parse_time(text(child(item_meta, when)))):
            break
    else:
        set_time(doc, parse_time(text(child(content_meta, "contentCreated"))))
    _g2_keywords(doc, item_meta, content_meta, lang)
    doc.copyright = _g2_copyright(child(item, "rightsInfo"), lang)
    guid = clean(item.get("guid"))
    links = [
        clean(k.get("href")) for k in children(item_meta, "link") if k.get("rel") in ("irel:self", "irel:canonical")
    ]
    doc.url = next((u for u in [guid, *links] if u.startswith(("http://", "https://"))), None)
    located = child(content_meta, "located")
    place = _name(located, lang) if located is not None else None
    dateline = text(child(content_meta, "dateline")) or None
    paragraphs, nitf_dateline, nitf_place = _g2_body(doc, child(item, "contentSet"))
    if not paragraphs and not doc.title:
        return LineError(n, "a text item with neither headline nor text", unit="item")
    return finish(doc, paragraphs, dateline=dateline or nitf_dateline, place=place or nitf_place, where=f"item {n}: ")


def _g2_keywords(
    doc: Document, item_meta: ET.Element | None, content_meta: ET.Element | None, lang: str | None
) -> None:
    """Subjects, keywords and genres by name, in the order the item gives them, then the sets it
    is a member of (Reuters' "Politics", "Top News"); subject codes only when nothing has a name."""
    names: list[str] = []
    codes: list[str] = []
    for element in content_meta if content_meta is not None else []:
        kind = local(element.tag)
        if kind in ("subject", "genre"):
            name = _name(element, lang)
            names.append(name)
            if not name:
                codes.append(element.get("qcode") or "")
        elif kind == "keyword":
            names.append(text(element))
    names.extend(_name(m, lang) for m in children(item_meta, "memberOf"))
    add_keywords(doc, names)
    if doc.keywords is None:
        add_keywords(doc, codes)


def _g2_copyright(rights: ET.Element | None, lang: str | None) -> str | None:
    """The copyright notice in the item's language (else the first), else the holder's name."""
    notices = [n for n in children(rights, "copyrightNotice") if text(n)]
    own = [n for n in notices if two_letter(n.get(XML_LANG)) in (lang, None)]
    if own or notices:
        return text((own or notices)[0])
    holder = child(rights, "copyrightHolder")
    name = _name(holder, lang) if holder is not None else ""
    return f"© {name}" if name else None


def _g2_body(doc: Document, content_set: ET.Element | None) -> tuple[list[str], str | None, str | None]:
    """The paragraphs of the first text rendition: NITF or XHTML ``inlineXML``, or ``inlineData``
    (plain text, or HTML however labelled); with an embedded NITF's dateline and place, and its
    headline, byline … filling what the item's metadata left empty. Remote content is not fetched."""
    for content in content_set if content_set is not None else []:
        kind, mime = local(content.tag), (content.get("contenttype") or "").lower()
        if kind == "inlineXML":
            for element in content:
                name = local(element.tag)
                if name == "nitf":
                    paragraphs, dateline, place = fill_nitf(doc, element)
                    if paragraphs:
                        return paragraphs, dateline, place
                elif name == "html":
                    doc.title = doc.title or text(child(child(element, "head"), "title")) or None
                    if paragraphs := xml_paragraphs(child(element, "body")):
                        return paragraphs, None, None
                elif paragraphs := xml_paragraphs(element):
                    return paragraphs, None, None
        elif kind == "inlineData" and (not mime or mime.startswith("text/")):
            if paragraphs := text_paragraphs(content.text, html="html" in mime):
                return paragraphs, None, None
    return [], None, None


# --- NewsML 1.x ---------------------------------------------------------------------------------


def _first(element: ET.Element, name: str) -> ET.Element | None:
    """The first element named ``name`` under ``element``, at any depth, in document order."""
    return next((e for e in element.iter() if local(e.tag) == name), None)


def _all(element: ET.Element | None, name: str) -> list[ET.Element]:
    return [] if element is None else [e for e in element.iter() if local(e.tag) == name]


def _formal(element: ET.Element | None) -> str:
    return clean(element.get("FormalName")) if element is not None else ""


def _newsml1_item(item: ET.Element, doc_id: str, n: int) -> Document | LineError:
    """One ``NewsItem`` of a NewsML 1 document: its first ``NewsLines`` and metadata, and the
    text of its first text ``ContentItem`` (NITF, ``<p>`` elements, or HTML in CDATA)."""
    doc = Document(id=doc_id, format="newsml")
    lines = _first(item, "NewsLines")
    described = _first(item, "DescriptiveMetadata")
    lang = two_letter(item.get(XML_LANG)) or two_letter(_formal(child(described, "Language")))
    doc.language = lang
    doc.title = text(child(lines, "HeadLine")) or None
    doc.description = text(child(lines, "SubHeadLine")) or None
    doc.label = text(child(lines, "SlugLine")) or text(_first(item, "NameLabel")) or None
    doc.author = byline(child(lines, "ByLine"))
    doc.copyright = text(child(lines, "CopyrightLine")) or None
    party = next((p for provider in _all(item, "Provider") for p in _all(provider, "Party")), None)
    doc.wire = agency(text(child(lines, "CreditLine"))) or _known_wire(_formal(party))
    for when in ("FirstCreated", "ThisRevisionCreated"):
        if set_time(doc, parse_time(text(_first(item, when)))):
            break
    properties = _all(described, "Property")
    names = [clean(p.get("Value")) for p in properties if p.get("FormalName") == "Keyword"]
    names += [text(k) for k in _all(lines, "KeywordLine")]
    names += [_formal(g) for g in children(described, "Genre")]
    for topic in _all(item, "Topic"):
        labels = [d for d in children(topic, "Description") if d.get("Variant") in (None, "Name")]
        own = [d for d in labels if two_letter(d.get(XML_LANG)) in (lang, None)]
        names.append(text(next(iter(own or labels), None)))
    add_keywords(doc, names)
    if doc.keywords is None:
        add_keywords(doc, [_formal(e) for code in _all(described, "SubjectCode") for e in code])
    cities = [clean(p.get("Value")) for p in properties if p.get("FormalName") == "City"]
    paragraphs: list[str] = []
    nitf_dateline = None
    kinds: list[str] = []
    for content in _all(item, "ContentItem"):
        media = _formal(child(content, "MediaType"))
        kinds.append(media or "?")
        data = child(content, "DataContent")
        if data is None or (media and media.lower() != "text"):
            continue
        nitf = child(data, "nitf")
        if nitf is not None:
            paragraphs, nitf_dateline, _place = fill_nitf(doc, nitf)
        elif len(data):
            paragraphs = xml_paragraphs(data)
        else:
            paragraphs = text_paragraphs(data.text, html="html" in _formal(child(content, "Format")).lower())
        if paragraphs:
            break
    if not paragraphs and not doc.title:
        if kinds and "text" not in {k.lower() for k in kinds}:
            return _NotText(n, f"a {'/'.join(sorted(set(kinds))).lower()} item, no story text", unit="item")
        return LineError(n, "a news item with neither headline nor text", unit="item")
    dateline = text(child(lines, "DateLine")) or nitf_dateline
    return finish(doc, paragraphs, dateline=dateline, place=cities[0] if cities else None, where=f"item {n}: ")


FORMAT = Format("newsml", (".newsml",), read_bytes=read_newsml, many=True, empty="no news items", decodes_entities=True)
