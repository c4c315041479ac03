"""Kinds of warnings and failures: what a message says once its per-file parts are taken out.

A large archive repeats one warning (``front matter keys not used: …``) or one failure on
thousands of files; a kind lets them be counted rather than repeated. Each message dateline
writes has an entry in `KINDS` (its stable key and its message with the per-file parts out);
any other message gets a kind by `normalise_reason`, so a new message still groups sensibly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """A message's kind: a stable short ``key``, the ``label`` printed for the kind (the
    message without its per-file parts), and the ``details`` it lists (key names), if any."""

    key: str
    label: str
    details: tuple[str, ...] = ()


# An entry: key, pattern of the whole message, label; a ``details`` group lists names, comma-separated.
KINDS: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (key, re.compile(pattern, re.DOTALL), label)
    for key, pattern, label in (
        ("front-matter-keys-unused", r"front matter keys not used: (?P<details>.*)", "front matter keys not used"),
        (
            "front-matter-time-not-read",
            r"front matter key '(?P<details>[^']*)': time of day not read in .*; date kept",
            "front matter time of day not read (date kept)",
        ),
        ("jsonl-keys-unused", r"line \d+: keys not used: (?P<details>.*)", "keys not used"),
        ("not-utf8-cp1252", r"not valid UTF-8 \(byte \d+\); read as cp1252", "not valid UTF-8; read as cp1252"),
        ("not-utf8-latin1", r"not valid UTF-8 \(byte \d+\); read as Latin-1", "not valid UTF-8; read as Latin-1"),
        ("header-date-invalid", r"header date .* is not a valid date", "header date is not a valid date"),
        ("timestamp-invalid", r"timestamp .* is not a valid time", "timestamp is not a valid time"),
        ("meta-date-invalid", r"meta (?P<details>\S+) .* is not a date", "meta date is not a date"),
        ("id-used", r"document id .* is already used (?:by .*|earlier in this file)", "document id is already used"),
        (
            "internal-error",
            r"(?:line \d+: )?document .*: internal error indexing it: (?P<details>\w+):.*",
            "internal error indexing a document",
        ),
        ("symlink-broken", r"a broken symbolic link to .*", "a broken symbolic link"),
        ("symlink-loop", r"a symbolic link loop to .*", "a symbolic link loop"),
        (
            "symlink-outside",
            r"a symbolic link to .*, outside the paths given; not followed \(--follow-links\)",
            "a symbolic link outside the paths given; not followed (--follow-links)",
        ),
    )
)

_LINE = re.compile(r"^line \d+: ")
# A value quoted or counted at the end of a message: ``'date' is not a date: 'Fri, 14 Jun'``.
_TRAILING_VALUE = re.compile(r""": (?:'[^']*'|"[^"]*"|\d+ bytes|it grew while being read)$""")
# What a message explains in parentheses is per file: ``(byte 12)``, ``(Expecting value, column 3)``.
_PARENTHESES = re.compile(r" \([^()]*\)")


def normalise_reason(reason: str) -> str:
    """``reason`` without its per-file parts: a JSONL line number, a trailing quoted value or
    size, and parenthesised explanations (``binary file (NUL bytes)`` → ``binary file``)."""
    reason = _LINE.sub("", reason)
    reason = _TRAILING_VALUE.sub("", reason)
    return _PARENTHESES.sub("", reason).strip() or reason


def kind_of(reason: str) -> Kind:
    """The kind of the warning or failure ``reason`` (a message as `Problem.reason` holds it)."""
    for key, pattern, label in KINDS:
        match = pattern.fullmatch(reason)
        if match:
            details = match.groupdict().get("details")
            names = tuple(name.strip() for name in details.split(",") if name.strip()) if details else ()
            return Kind(key, label, names)
    label = normalise_reason(reason)
    return Kind(label, label)
