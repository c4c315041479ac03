"""XML parsed safely: no DTD entities, no external references, no entity expansion bombs.

News XML (NewsML-G2, NITF, feeds) comes from outside; Python's own parsers expand internal
entities (a "billion laughs" bomb) and some resolve external ones. defusedxml refuses both.
"""

from __future__ import annotations

import codecs
import html.entities
import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from indexer.core.text import decode, normalise

_DECLARED = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
_DECLARATION = re.compile(r"\A<\?xml\b[^>]*?\?>")
_HTML_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")

#: How deep an XML document may nest before it is refused (a news item is a dozen levels).
MAX_XML_DEPTH = 256


def parse_xml(data: bytes) -> ET.Element:
    """The root element of ``data``; raises `ValueError` with a one-line reason for XML that is
    malformed, declares entities, refers to external resources, or nests absurdly deep."""
    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ValueError(f"refused unsafe XML: {_what(exc)}") from None
    except ET.ParseError as exc:
        raise ValueError(f"not well-formed XML ({exc})") from None
    if _depth(root) > MAX_XML_DEPTH:
        raise ValueError(f"XML nested more than {MAX_XML_DEPTH} levels deep")
    return root


def read_news_xml(data: bytes) -> tuple[ET.Element, str | None]:
    """The root element of news XML from outside, with a warning when its encoding was not what it
    declared: agencies declare ``iso-8859-1`` over UTF-8 bytes (AFP), feeds are saved in cp1252 with
    no declaration (UOL). A byte order mark decides; else bytes that are valid UTF-8 (and not plain
    ASCII) are UTF-8 whatever the declaration says; else the declared encoding; else cp1252. HTML's
    named entities (``&eacute;``, ``&nbsp;``), which RSS 0.91 and NITF declare in DTDs that are never
    fetched, are read as the characters they name."""
    text, warning = _decoded(data)
    xml = _DECLARATION.sub("", normalise(text).lstrip(), count=1).encode("utf-8")
    try:
        return parse_xml(xml), warning
    except ValueError as exc:
        if "undefined entity" not in str(exc):
            raise
    return parse_xml(_HTML_ENTITY.sub(_as_number, xml)), warning


def _decoded(data: bytes) -> tuple[str, str | None]:
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), None
    m = _DECLARED.match(data)
    declared = m[1].decode("ascii").lower() if m else None
    if declared is not None:
        try:
            codecs.lookup(declared)
        except LookupError:
            raise ValueError(f"unknown encoding {declared!r} declared") from None
    text, fallback = decode(data)  # refuses empty and binary files; UTF-8, else cp1252 with a warning
    if fallback is None:
        if declared in (None, "utf-8", "utf8") or data.isascii():
            return text, None
        return text, f"declared encoding {declared} but the bytes are UTF-8; read as UTF-8"
    if declared is None:
        return text, fallback
    try:
        return data.decode(declared), None
    except UnicodeDecodeError as exc:
        return text, f"not valid {declared} as declared (byte {exc.start}); read as cp1252"


def _as_number(m: re.Match[bytes]) -> bytes:
    chars = html.entities.html5.get(m[1].decode("ascii") + ";")
    if chars is None or m[1] in (b"amp", b"lt", b"gt", b"quot", b"apos"):
        return m[0]
    return "".join(f"&#{ord(c)};" for c in chars).encode("ascii")


def local(tag: object) -> str:
    """An element's name without its namespace: ``{http://iptc.org/std/nar/2006-10-01/}headline`` → ``headline``."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def text_of(element: ET.Element | None) -> str:
    """All the text inside ``element`` with spaces collapsed; ``''`` for None."""
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


def _what(exc: DefusedXmlException) -> str:
    name = type(exc).__name__
    if name == "EntitiesForbidden":
        return "it declares entities (an entity expansion bomb is refused)"
    if name in ("ExternalReferenceForbidden", "DTDForbidden"):
        return "it refers to an external entity or DTD"
    return str(exc)


def _depth(root: ET.Element) -> int:
    deepest, stack = 0, [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_XML_DEPTH:
            return depth
        stack.extend((child, depth + 1) for child in element)
    return deepest


_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_SKIP = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)", re.DOTALL)


def root_name(data: bytes) -> str | None:
    """The local name of the root element of XML ``data`` (``rss``, ``newsMessage``, ``nitf``),
    read from its first bytes without parsing the document; None when it does not start like XML."""
    head = data[:65536].removeprefix(b"\xef\xbb\xbf")
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            head = head.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return None
    position = 0
    while m := _SKIP.match(head, position):
        if m.end() == position:
            break
        position = m.end()
    m = _ROOT.match(head, position + len(head[position:]) - len(head[position:].lstrip()))
    return m[1].decode("ascii", "replace").rsplit(":", 1)[-1] if m else None
