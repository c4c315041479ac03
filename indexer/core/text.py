"""Turning raw bytes into clean text: encoding detection and Unicode space normalisation."""

from __future__ import annotations

import html
import re
import unicodedata

# Every Unicode space separator (no-break, thin, em …) becomes a plain space.
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Invisible characters that scraping leaves behind and that split words.
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# C0 and C1 control characters but tab and newline: a terminal obeys ESC, CSI (\x9b) and BEL
# sequences, so document text must never carry them to one.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Characters no text holds: C0 controls but tab, newlines and form feed, and DEL. (Not C1
# controls: Latin-1 gives them for the few bytes cp1252 leaves undefined, stray in legacy text.)
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

BINARY_SNIFF_BYTES = 8192
#: Share of control characters in the first `BINARY_SNIFF_BYTES` above which a file is binary
#: (text has none; random bytes decoded as cp1252 or Latin-1 about one in nine).
BINARY_CONTROL_SHARE = 0.01


class DecodeError(ValueError):
    """The bytes are not text (binary or empty)."""


def decode(data: bytes) -> tuple[str, str | None]:
    """Decode document bytes as UTF-8, falling back to cp1252.

    Returns the text and a warning (or ``None``). Raises `DecodeError` for empty or binary input:
    a NUL byte, or more than 1% control characters, in the first 8 KB.
    """
    if not data.strip():
        raise DecodeError("empty file" if not data else "empty file (only whitespace)")
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise DecodeError("binary file (NUL bytes)")
    try:
        text, warning = data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        where = exc.start
        try:
            text, warning = data.decode("cp1252"), f"not valid UTF-8 (byte {where}); read as cp1252"
        except UnicodeDecodeError:
            text, warning = data.decode("latin-1"), f"not valid UTF-8 (byte {where}); read as Latin-1"
    sniff = text[:BINARY_SNIFF_BYTES]
    controls = len(_NOT_TEXT.findall(sniff))
    if controls > BINARY_CONTROL_SHARE * len(sniff):
        raise DecodeError(f"binary file ({controls} control characters in the first {len(sniff)})")
    return text, warning


def normalise(text: str) -> str:
    """NFC-normalise, unify newlines, and turn Unicode spaces into plain ones."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text)


#: Any character `normalise` would change but for NFC: carriage returns, controls, Unicode
#: spaces, invisible characters.
_NOT_NORMAL = re.compile(
    r"[\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\xa0\u1680\u2000-\u200d\u202f\u205f\u3000\u2060\ufeff\u00ad]"
)


def renormalise(text: str) -> str:
    """`normalise` for a field value decoded after its file's text was normalised (a JSON
    ``\\u00a0``, a YAML escape, an XML character reference); one search and an NFC check when
    it already is normal, as nearly every value is."""
    if _NOT_NORMAL.search(text) is None and unicodedata.is_normalized("NFC", text):
        return text
    return normalise(text)


def strip_controls(text: str) -> str:
    """``text`` with control characters (but tab, newline) as spaces: for field values decoded
    after `normalise` ran (JSON ``\\u001b``, YAML ``"\\e"``, HTML ``&#27;``)."""
    return _CONTROL.sub(" ", text)


# An entity with its semicolon: named (``&amp;``), decimal (``&#39;``) or hex (``&#x27;``). Legacy
# names without one (``&copy``, ``&reg``) are not entities in text: ``?a=1&region=us`` stays.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_entities(text: str) -> str:
    """``text`` with its HTML entities (``&#39;``, ``&amp;``, ``&quot;``, ``&nbsp;``) decoded once,
    so ``&amp;amp;`` gives ``&amp;``; what they decode to is cleaned as `normalise` cleans text
    (``&nbsp;`` a plain space, ``&#27;`` a space). Scraped titles and bodies carry them in every format."""
    if "&" not in text:
        return text
    decoded = _ENTITY.sub(lambda m: html.unescape(m.group()), text)
    return text if decoded == text else normalise(decoded)


def squash(text: str) -> str:
    """Collapse runs of blanks inside lines and trim each line; keep paragraph breaks."""
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    out = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", out).strip()


def printable_path(path: str) -> str:
    """``path`` with the bytes of a name that is not valid UTF-8 (which Python carries as lone
    surrogates) written as backslash escapes, ``caf\\xe9.txt``: ids, stored sources and messages
    must be valid UTF-8 for Whoosh and terminals."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # a surrogate no file name gives (from a JSON "\\udfff" escape)
            return path.encode("utf-8", "backslashreplace").decode("utf-8")
    return path


# What a name must not carry raw to a terminal or across lines: every C0 and C1 control
# character (tab and newline too: a name prints on one line), DEL, and the Unicode characters
# that break a line or reorder what follows (bidi embeddings, overrides and isolates).
_NOT_IN_NAMES = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape_control(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    return f"\\x{ord(char):02x}" if ord(char) <= 0xFF else f"\\u{ord(char):04x}"


def escape_controls(text: str) -> str:
    """``text`` (a path, an id, a message naming them) safe to print: control characters
    written as Python writes them (``\\x1b``, ``\\x9b``, ``\\n``), so a file named to drive a
    terminal (an OSC title or clipboard sequence, a CSI) shows as a recognisable name and
    does nothing; bytes that are not UTF-8 as `printable_path` writes them. Document text is
    cleaned when read (`normalise`); names and ids are kept exact in the index and in JSON,
    and pass through this where they are printed as text."""
    return _NOT_IN_NAMES.sub(_escape_control, printable_path(text))


def without_surrogates(text: str) -> str:
    """``text`` with lone surrogates (a JSON ``"\\ud800"`` escape gives them; no UTF-8 text can
    hold them, so Whoosh cannot store them) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)
