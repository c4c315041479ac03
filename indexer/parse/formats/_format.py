"""The row every input format module declares: its name, the extensions it reads, and its reader."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import ModuleType

from indexer.core.document import Document


@dataclass
class LineError:
    """A record of a many-document file (a JSONL line, a feed item, a bundle member) that could
    not become a document; reported as ``<unit> <line>: <reason>``."""

    line: int | str
    reason: str
    unit: str = "line"

    def __str__(self) -> str:
        return f"{self.unit} {self.line}: {self.reason}"


#: A reader: normalised text, the id of the file's document (a JSONL line's id defaults to
#: ``<id>#<line>``), and the ``--map`` of keys to fields, to documents and bad records in file order.
Reader = Callable[[str, str, Mapping[str, str] | None], Iterable[Document | LineError]]
#: A reader of undecoded bytes (XML, mail, PDF, web archives: formats that say their own encoding).
BytesReader = Callable[[bytes, str, Mapping[str, str] | None], Iterable[Document | LineError]]


@dataclass
class Member:
    """A file inside a container: its name (which chooses its format) and its bytes. ``own_id``:
    it has an id of its own, ``<container id>/<name>`` (a bundle's member), not the container's
    (the one file inside a ``.gz``)."""

    name: str
    data: bytes
    own_id: bool = True


#: A container's opener: its bytes, its file name and the size limit of one file (``--max-size``),
#: to the files inside and the members that could not be read, in order.
Opener = Callable[[bytes, str, int], Iterable[Member | LineError]]


class MissingExtra(ValueError):
    """A format needs a library that is not installed; the message says which extra to install."""


def require(module: str, extra: str, what: str) -> ModuleType:
    """Import ``module``, or raise `MissingExtra`: ``reading PDFs needs 'pip install dateline[pdf]'``."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(f"reading {what} needs 'pip install dateline[{extra}]'") from None


@dataclass(frozen=True)
class Format:
    """One input format: files named with one of ``extensions`` are read by ``read`` (decoded,
    normalised text) or, for a format that says its own encoding, by ``read_bytes``.

    ``many``: a file holds many documents (`indexer.parse.files.parse_file` refuses it);
    ``empty``: why a file that gave no document and no error is refused;
    ``extra``: the ``pip install dateline[...]`` extra the format needs, if any;
    ``decodes_entities``: the reader decodes HTML entities itself (HTML, XML), so they are not
    decoded again (``&amp;lt;`` stays ``&lt;``);
    ``open``: the format is a container (compressed file, bundle) whose members are read by their
    own formats.
    """

    name: str
    extensions: tuple[str, ...]
    read: Reader | None = None
    many: bool = False
    empty: str = "no text"
    read_bytes: BytesReader | None = None
    extra: str | None = None
    open: Opener | None = None
    decodes_entities: bool = False


def one(doc: Document) -> list[Document]:
    """``[doc]``, or nothing when the reader found no title and no text in the file."""
    return [doc] if doc.body or doc.title else []
