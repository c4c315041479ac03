"""Mailboxes (``.mbox``): many messages, each after a ``From `` line, each read as a `.eml` file is.

Split here, on bytes (`mailbox.mbox` wants a path and keeps ``>From`` escapes): a message starts at a
``From `` line at the start of the file or after a blank line, which, after a blank line, must carry a time
and a year as every mbox writer puts there (so a body line "From the desk of …" left unescaped by a
careless writer does not split a message). ``>From `` lines are unescaped (mboxrd: one ``>`` taken off).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from indexer.core.document import Document
from indexer.parse.formats._format import Format, LineError
from indexer.parse.formats.mail import read_message

_FROM_LINE = re.compile(rb"(?:\A|(?<=\n\n)|(?<=\n\r\n))From [^\n]*")
# What a separator line after a blank line holds: ``From sender Tue Mar 10 14:17:01 2015`` (asctime,
# Gmail's ``+0000 2015``, Thunderbird's ``From - Tue …``): a time of day, then a four-digit year.
_SEPARATOR = re.compile(rb"^From \S+ .*\b\d{1,2}:\d{2}(?::\d{2})?\b.*\b\d{4}\b")
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)


def split_mbox(data: bytes) -> Iterator[bytes]:
    """The messages of an mbox file in order, without their ``From `` lines, ``>From`` unescaped.

    Raises `ValueError` when the file does not start (after blank lines) with a ``From `` line.
    """
    data = data.lstrip(b"\r\n")
    if not data.startswith(b"From "):
        raise ValueError("not an mbox mailbox: it does not start with a 'From ' line")
    starts = [m for m in _FROM_LINE.finditer(data) if m.start() == 0 or _SEPARATOR.match(m[0])]
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(data)
        yield _ESCAPED_FROM.sub(rb"\1", data[m.end() + 1 : end])


def read_mbox(data: bytes, doc_id: str, field_map: Mapping[str, str] | None = None) -> Iterator[Document | LineError]:
    """A document per message, ``<doc_id>#<n>`` (n counts every message, from 1); a message that is no mail
    or has neither subject nor text is a `LineError` and the next one is read."""
    if not data.strip():
        raise ValueError("empty file" if not data else "empty file (only whitespace)")
    for number, message in enumerate(split_mbox(data), start=1):
        if not message.strip():
            yield LineError(number, "empty message", unit="message")
            continue
        try:
            doc = read_message(message, Document(id=f"{doc_id}#{number}", format="mbox"))
        except ValueError as exc:
            yield LineError(number, str(exc), unit="message")
            continue
        if doc.body or doc.title:
            yield doc
        else:
            yield LineError(number, "no subject and no text", unit="message")


FORMAT = Format("mbox", (".mbox",), read_bytes=read_mbox, many=True, empty="no messages", decodes_entities=True)
