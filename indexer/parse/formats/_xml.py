"""XML parsed safely: no DTD entities, no external references, no entity expansion bombs.

News XML (NewsML-G2, NITF, feeds) comes from outside; Python's own parsers expand internal
entities (a "billion laughs" bomb) and some resolve external ones. defusedxml refuses both.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

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
