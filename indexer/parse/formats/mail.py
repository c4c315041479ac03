"""E-mail messages (``.eml``): a story or release filed or distributed by mail, one message a file.

Parsed with the standard library's `email` package under the ``compat32`` policy, which keeps header values
raw: ``policy.default`` parses every header eagerly into objects and takes 9 s on a 1 MB Subject (50 s when it
is made of encoded words), so headers are decoded here, capped, with a repair for the encoded word that
carries raw UTF-8 under a single-byte label (a real mailer's bug). `read_message` is shared with `mbox`.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from indexer.core.document import Document
from indexer.core.text import normalise, squash
from indexer.parse.dates import parse_feed_datetime
from indexer.parse.formats._format import Format, LineError
from indexer.parse.formats.html import html_text
from indexer.parse.story import apply_story

if TYPE_CHECKING:  # the email package is imported when a message is read, not when dateline starts
    from email.message import Message

#: Raw characters of a header read; a longer value (a hostile or broken message) is cut, with a warning.
MAX_HEADER_CHARS = 8192
#: MIME levels followed (real mail has a handful); deeper parts are skipped, with a warning.
MAX_DEPTH = 64
#: Headers of which a message has at least one; a file with none is not a mail message.
_MAIL_HEADERS = ("from", "date", "subject", "message-id", "mime-version", "received", "to", "sender")
#: Codecs that are no charset: a label naming them is ignored (``unicode_escape`` would run escapes).
_NOT_CHARSETS = {"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined", "unicode-internal"}
#: Single-byte labels under which valid multi-byte UTF-8 is read as UTF-8 in headers (a mislabelled word).
_SINGLE_BYTE = ("cp125", "iso8859", "latin", "ascii", "koi8", "mac-")
_ENCODED_WORD = re.compile(rb"=\?([^?\s]+)\?([QqBb])\?([^?\r\n]*)\?=")
_BETWEEN_WORDS = re.compile(rb"[ \t\r\n]*")
# Reply and forward prefixes mail programs put before a subject (English, German, French, Nordic).
_PREFIX = re.compile(r"^(?:(?:re|fwd?|aw|wg|tr|sv|vs|antw)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
# A filing desk's header lines at the top of a story (AAP's ``Headline:`` and ``Abstract:``).
_DESK_LINE = re.compile(r"^(?P<key>headline|abstract|summary|keywords)\s*:\s*(?P<value>\S.*)$", re.IGNORECASE)
_DESK_LINES_SEEN = 12
# A mail program's confidentiality footer, after a rule of underscores (Outlook, Exchange).
_FOOTER = re.compile(r"\n_{10,}[ \t]*\n(?P<text>(?:(?!\n_{10,}).)*)\Z", re.DOTALL)
_FOOTER_WORDS = re.compile(r"confidential|intended recipient|privileged|disclaimer|vertraulich", re.IGNORECASE)
#: Above this length a plain-text line was not wrapped by the mailer: each line is a paragraph.
_UNWRAPPED = 100


_TRANSPORT = re.compile(rb"\A(?:Received|Delivered-To|Return-Path|Message-ID|MIME-Version|X-[A-Za-z0-9-]+):", re.I)
_FIELD = re.compile(rb"^(From|Date|Subject):", re.I | re.M)


def is_message(data: bytes) -> bool:
    """Whether a text file is a saved mail: it opens with a transport header (``Received:``,
    ``Delivered-To:``, ``Return-Path:`` …) and its header block names ``From`` and ``Date`` or
    ``Subject``. A press release opening with ``From:`` is not taken for one."""
    if not _TRANSPORT.match(data):
        return False
    head = re.split(rb"\r?\n\r?\n", data[:65536], maxsplit=1)[0]
    found = {m[1].lower() for m in _FIELD.finditer(head)}
    return b"from" in found and bool(found & {b"date", b"subject"})


def read_eml(data: bytes, doc_id: str, field_map: Mapping[str, str] | None = None) -> Iterator[Document | LineError]:
    """The message's one document (``field_map`` is unused: mail headers are not free keys).

    Raises `ValueError` for a file that is no mail message or that the parser cannot follow.
    """
    if not data.strip():
        raise ValueError("empty file" if not data else "empty file (only whitespace)")
    doc = read_message(data, Document(id=doc_id, format="eml"))
    if doc.body or doc.title:
        yield doc


def read_message(data: bytes, doc: Document) -> Document:
    """Fill ``doc`` from one message's bytes: headers to fields, the displayed text to the body.

    Raises `ValueError` when the bytes are no mail message or nest MIME parts beyond the parser's reach.
    """
    try:
        from email import message_from_bytes
        from email.policy import compat32

        msg = message_from_bytes(data, policy=compat32)
    except RecursionError:
        raise ValueError("MIME parts nested too deeply to read") from None
    headers = _raw_headers(msg)
    if not any(name in headers for name in _MAIL_HEADERS):
        raise ValueError("not an e-mail message: no mail header (From, Date, Subject …) at its start")
    warnings = doc.warnings
    header = lambda name: _header(headers, name, warnings)  # noqa: E731 - a short alias for the lines below
    subject = _PREFIX.sub("", " ".join(header("subject").split()))
    doc.title = subject or None
    _read_from(header("from"), doc)
    doc.issuer = " ".join(header("organization").split()) or None
    _read_date(header("date"), doc)
    doc.language = _language(header("content-language"))
    doc.keywords = _split_keywords(header("keywords")) or None
    archived = header("archived-at").strip().strip("<>").strip()
    doc.url = archived if re.match(r"https?://\S+$", archived) else None
    texts, attachments, lang = _displayed_text(msg, warnings)
    doc.language = doc.language or lang
    signatures = [sig for _, sig in texts if sig]
    if signatures:
        doc.contact = "\n".join([*([doc.contact] if doc.contact else []), *signatures])
    body = _desk_lines("\n\n".join(text for text, _ in texts if text), doc)
    if m := _FOOTER.search(body):
        footer = squash(m["text"])
        if _FOOTER_WORDS.search(footer) and len(footer) < 2000:
            doc.disclaimer, body = footer, body[: m.start()]
    doc = apply_story(doc, body.strip())
    if attachments:
        line = "Attachments: " + ", ".join(attachments)
        doc.body = f"{doc.body}\n\n{line}" if doc.body else line
    return doc


def _raw_headers(msg: Message) -> dict[str, str]:
    """The first value of each header, by lower-case name, as raw as it came (8-bit bytes as surrogates)."""
    headers: dict[str, str] = {}
    for name, value in msg.raw_items():
        headers.setdefault(name.lower(), str(value))
    return headers


def _header(headers: dict[str, str], name: str, warnings: list[str]) -> str:
    """Header ``name`` unfolded and decoded (RFC 2047 words, raw 8-bit bytes), or ``""``."""
    raw = headers.get(name, "")
    if len(raw) > MAX_HEADER_CHARS:
        warnings.append(f"header {name} has {len(raw)} characters; read the first {MAX_HEADER_CHARS}")
        raw = raw[:MAX_HEADER_CHARS]
    raw = re.sub(r"\r?\n(?=[ \t])", "", raw)
    return normalise(decode_header(raw.encode("utf-8", "surrogateescape")))


def decode_header(raw: bytes) -> str:
    """A header value's text: RFC 2047 encoded words decoded (whitespace between two words dropped), raw
    8-bit bytes read as UTF-8, else cp1252."""
    out: list[str] = []
    pos = 0
    last_end = -1
    for m in _ENCODED_WORD.finditer(raw):
        gap = raw[pos : m.start()]
        if not (last_end == m.start() - len(gap) and last_end >= 0 and _BETWEEN_WORDS.fullmatch(gap)):
            out.append(_decode_text(gap, None))
        charset = m[1].split(b"*")[0].decode("ascii", "replace")  # RFC 2231 language suffix: =?utf-8*en?Q?…?=
        try:
            if m[2] in (b"Q", b"q"):
                payload = binascii.a2b_qp(m[3], header=True)
            else:
                payload = base64.b64decode(m[3] + b"=" * (-len(m[3]) % 4))
        except (binascii.Error, ValueError):
            out.append(m[0].decode("ascii", "replace"))
        else:
            out.append(_decode_text(payload, charset, header=True))
        pos = last_end = m.end()
    out.append(_decode_text(raw[pos:], None))
    return "".join(out)


def _codec(charset: str | None) -> str | None:
    """The Python codec a MIME charset label names, or ``None`` for no label, an unknown or a non-text one.
    ``iso-8859-1`` is read as cp1252, its superset that mailers label so (as browsers do)."""
    if not charset:
        return None
    try:
        info = codecs.lookup(charset.strip().strip('"'))
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name.replace("_", "-") in _NOT_CHARSETS:
        return None
    return "cp1252" if info.name in ("iso8859-1", "latin-1") else info.name


def _decode_text(data: bytes, charset: str | None, *, header: bool = False) -> str:
    """Bytes in the ``charset`` they declare; undeclared (or unknown, or ``us-ascii``) 8-bit bytes as UTF-8 when
    valid, else cp1252. In headers, valid multi-byte UTF-8 under a single-byte label is read as UTF-8."""
    if data.isascii():
        return data.decode("ascii")
    codec = _codec(charset)
    if codec is None or codec == "ascii" or (header and codec.startswith(_SINGLE_BYTE)):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            codec = "cp1252" if codec in (None, "ascii") else codec
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return data.decode("cp1252" if codec == "utf-8" else codec, errors="replace")


def _read_from(value: str, doc: Document) -> None:
    """``author`` is the sender's display name (else the address); ``contact`` the sender as written."""
    from email.utils import parseaddr

    name, address = parseaddr(value)
    name = " ".join(name.split())
    if not address or "@" not in address:
        doc.author = " ".join(value.split()) or None
        doc.contact = doc.author
        return
    doc.author = name or address
    doc.contact = f"{name} <{address}>" if name else address


def _read_date(value: str, doc: Document) -> None:
    """``published`` (time zone aware; an unknown zone ``-0000`` is UTC) and ``date`` from the Date header."""
    value = " ".join(value.split())[:200]
    if not value:
        return
    when: datetime | date | None = None
    try:
        from email.utils import parsedate_to_datetime

        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        when, warning = parse_feed_datetime(value)
        if warning:
            doc.warnings.append(warning)
    if isinstance(when, datetime):
        doc.published = when if when.tzinfo else when.replace(tzinfo=UTC)
        doc.date = doc.published.date()
    elif when is not None:
        doc.date = when  # a date without a time of day
    else:
        doc.warnings.append(f"Date header {value!r} is not a date")


def _language(value: str) -> str | None:
    """The first language tag's two-letter code (``en-US, de`` gives ``en``), or ``None``."""
    first = value.split(",")[0].strip().split("-")[0].lower()
    return first if re.fullmatch(r"[a-z]{2}", first) else None


def _split_keywords(value: str) -> list[str]:
    """Comma-separated keywords, in order, without repeats."""
    seen: dict[str, None] = {}
    for word in value.split(","):
        if word := " ".join(word.split()):
            seen.setdefault(word, None)
    return list(seen)


def _displayed_text(msg: Message, warnings: list[str]) -> tuple[list[tuple[str, str | None]], list[str], str | None]:
    """The texts a mail program shows, in order (plain text preferred to HTML in an alternative), each with its
    signature, the names of the attachments, and the HTML's ``lang``. Walked with a stack, not recursion:
    nesting is hostile input."""
    texts: list[tuple[str, str | None]] = []
    attachments: list[str] = []
    lang: str | None = None
    from email.message import Message

    stack: list[tuple[Message, int, bool]] = [(msg, 0, False)]
    too_deep = False
    while stack:
        part, depth, related = stack.pop()
        ctype = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        filename = _filename(part)
        if part.is_multipart():
            if depth >= MAX_DEPTH:
                too_deep = True
                continue
            children = [c for c in part.get_payload() if isinstance(c, Message)]
            if ctype == "multipart/alternative":
                children = _best_alternative(children)
            if ctype == "message/rfc822" and filename:
                attachments.append(filename)
            inner = related or ctype == "multipart/related"
            stack.extend((child, depth + 1, inner) for child in reversed(children))
            continue
        if disposition == "attachment" or (ctype not in ("text/plain", "text/html") and not related):
            if filename or disposition == "attachment":
                attachments.append(filename or f"({ctype})")
            continue
        if ctype == "text/plain":
            texts.append(_plain_text(part))
        elif ctype == "text/html":
            text, html_lang = _html_text(part)
            texts.append((text, None))
            lang = lang or html_lang
    if too_deep:
        warnings.append(f"MIME parts nested deeper than {MAX_DEPTH} levels were skipped")
    return texts, attachments, lang


def _filename(part: Message) -> str | None:
    """The part's file name (RFC 2231 or RFC 2047 encoded), decoded, on one line."""
    try:
        name = part.get_filename()
    except (ValueError, LookupError):
        return None
    if not name:
        return None
    text = decode_header(name.encode("utf-8", "surrogateescape")[:1000])
    return " ".join(normalise(text).split()) or None


def _best_alternative(children: list[Message]) -> list[Message]:
    """The alternative to show: plain text (when not blank), else a nested multipart, else HTML."""
    rank = {"text/plain": 0, "text/html": 2}

    def order(child: Message) -> int:
        ctype = child.get_content_type()
        if ctype == "text/plain" and not (_payload(child) or b"").strip():
            return 3
        return 1 if child.is_multipart() else rank.get(ctype, 4)

    return sorted(children, key=order)[:1]


def _payload(part: Message) -> bytes:
    """The part's content bytes, transfer encoding (base64, quoted-printable) undone."""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _part_text(part: Message) -> str:
    """The part's text in its declared charset, normalised (``\\r\\n`` gone, Unicode spaces plain)."""
    return normalise(_decode_text(_payload(part), part.get_content_charset()))


def _plain_text(part: Message) -> tuple[str, str | None]:
    """A text/plain part as paragraphs, and its signature (after the last ``-- `` line): ``format=flowed``
    lines joined, and when the mailer did not wrap lines (some are longer than `_UNWRAPPED`), each line
    taken as a paragraph."""
    text = _part_text(part)
    if str(part.get_param("format") or "").lower() == "flowed":
        delsp = str(part.get_param("delsp") or "").lower() == "yes"
        text = _unflow(text, delsp)
    text, signature = _cut_signature(text)
    lines = text.split("\n")
    if any(len(line) > _UNWRAPPED for line in lines):
        text = "\n\n".join(line for line in lines if line.strip())
    return squash(text), signature


def _unflow(text: str, delsp: bool) -> str:
    """RFC 3676: a line ending in a space goes on in the next line; a leading space was added (stuffing)."""
    out: list[str] = []
    flowing = False
    for line in text.split("\n"):
        line = line[1:] if line.startswith(" ") else line
        soft = line.endswith(" ") and line != "-- "
        piece = line[:-1] if soft and delsp else line
        if flowing and out:
            out[-1] += piece
        else:
            out.append(piece)
        flowing = soft
    return "\n".join(out)


def _html_text(part: Message) -> tuple[str, str | None]:
    """An HTML part's visible text as paragraphs (as `indexer.parse.formats.html` renders pages), and its ``lang``."""
    return html_text(_part_text(part))


def _desk_lines(body: str, doc: Document) -> str:
    """Take a filing desk's ``Headline:``, ``Abstract:`` or ``Keywords:`` lines from the story's first lines:
    the headline the story gives is its title (a desk mail's subject may be another mail's)."""
    lines = body.split("\n")
    seen = 0
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        seen += 1
        if seen > _DESK_LINES_SEEN:
            break
        if m := _DESK_LINE.match(line.strip()):
            key, value = m["key"].lower(), m["value"].strip()
            if key == "headline":
                doc.title = value
            elif key == "keywords":
                doc.keywords = list(dict.fromkeys([*(doc.keywords or []), *_split_keywords(value)])) or None
            else:
                doc.description = doc.description or value
            lines[i] = ""
    return squash("\n".join(lines))


def _cut_signature(body: str) -> tuple[str, str | None]:
    """The body without its signature (after the last ``-- `` line), and the signature."""
    at = body.rfind("\n-- \n")
    if at < 0 or len(body) - at > 2000:
        return body, None
    return body[:at], squash(body[at + 4 :]) or None


#: ``decodes_entities``: an HTML part's entities are decoded by its parser; a plain part is plain text.
FORMAT = Format("eml", (".eml",), read_bytes=read_eml, empty="no message text", decodes_entities=True)
