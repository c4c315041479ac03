"""The row every input format module declares: its name, the extensions it reads, and its reader."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from indexer.core.document import Document


@dataclass
class LineError:
    """A record of a many-document file (a JSONL line) that could not become a document."""

    line: int
    reason: str


#: A reader: normalised text, the id of the file's document (a JSONL line's id defaults to
#: ``<id>#<line>``), and the ``--map`` of keys to fields, to documents and bad records in file order.
Reader = Callable[[str, str, Mapping[str, str] | None], Iterable[Document | LineError]]


@dataclass(frozen=True)
class Format:
    """One input format: files named with one of ``extensions`` are read by ``read``.

    ``many``: a file holds many documents (`indexer.parse.files.parse_file` refuses it);
    ``empty``: why a file that gave no document and no error is refused.
    """

    name: str
    extensions: tuple[str, ...]
    read: Reader
    many: bool = False
    empty: str = "no text"


def one(doc: Document) -> list[Document]:
    """``[doc]``, or nothing when the reader found no title and no text in the file."""
    return [doc] if doc.body or doc.title else []
