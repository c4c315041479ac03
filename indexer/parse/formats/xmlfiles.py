"""``.xml`` files: feeds, NewsML and NITF all end in ``.xml``, so the root element decides which
reader reads the file (`_xml.root_name`, from the first bytes, before any parsing)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from indexer.core.document import Document
from indexer.parse.formats import feeds, newsml, nitf
from indexer.parse.formats._format import Format, LineError
from indexer.parse.formats._xml import root_name


def reader_of(data: bytes) -> Format | None:
    """The format whose reader reads XML ``data``, by its root element; None for other XML."""
    root = root_name(data)
    if root is None:
        return None
    for fmt, roots in ((feeds.FORMAT, feeds.FEED_ROOTS), (newsml.FORMAT, newsml.ROOTS), (nitf.FORMAT, nitf.ROOTS)):
        if root in roots:
            return fmt
    return None


def read_xml(data: bytes, doc_id: str, field_map: Mapping[str, str] | None = None) -> Iterable[Document | LineError]:
    """The documents of a feed, NewsML or NITF file; `ValueError` for XML of another kind."""
    fmt = reader_of(data)
    if fmt is None or fmt.read_bytes is None:
        root = root_name(data)
        if root is None:
            raise ValueError("not XML (it does not start with an element)")
        raise ValueError(
            f"XML of a kind dateline does not read (root element <{root}>; it reads RSS, Atom, NewsML, NITF)"
        )
    return fmt.read_bytes(data, doc_id, field_map)


FORMAT = Format("xml", (".xml",), read_bytes=read_xml, many=True, empty="no documents", decodes_entities=True)
