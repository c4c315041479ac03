"""Turning raw bytes into clean text: encoding detection and Unicode space normalisation."""

from __future__ import annotations

import re
import unicodedata

# Every Unicode space separator (no-break, thin, em …) becomes a plain space.
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Invisible characters that scraping leaves behind and that split words.
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# C0 and C1 control characters but tab and newline: a terminal obeys ESC, CSI (\x9b) and BEL
# sequences, so document text must never carry them to one.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

BINARY_SNIFF_BYTES = 8192


class DecodeError(ValueError):
    """The bytes are not text (binary or empty)."""


def decode(data: bytes) -> tuple[str, str | None]:
    """Decode document bytes as UTF-8, falling back to cp1252.

    Returns the text and a warning (or ``None``). Raises `DecodeError` for empty or binary input.
    """
    if not data.strip():
        raise DecodeError("empty file")
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise DecodeError("binary file (NUL bytes)")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        where = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        return text, f"not valid UTF-8 (byte {where}); read as Latin-1"
    return text, f"not valid UTF-8 (byte {where}); read as cp1252"


def normalise(text: str) -> str:
    """NFC-normalise, unify newlines, and turn Unicode spaces into plain ones."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text)


def strip_controls(text: str) -> str:
    """``text`` with control characters (but tab, newline) as spaces: for field values decoded
    after `normalise` ran (JSON ``\\u001b``, YAML ``"\\e"``, HTML ``&#27;``)."""
    return _CONTROL.sub(" ", text)


def squash(text: str) -> str:
    """Collapse runs of blanks inside lines and trim each line; keep paragraph breaks."""
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    out = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", out).strip()
