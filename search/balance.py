"""Unbalanced quotes and brackets in query syntax, closed (or dropped) the way a reader would.

Whoosh's parser never fails on them but reads them silently: a lone ``"`` is ignored (the
words it opened are no phrase), a stray ``)`` is dropped. dateline instead closes an open
phrase and open brackets at the end, drops a stray ``)`` or an opener with nothing after it,
and says so (`Balanced.read_as`), so a user sees how a query was read.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Balanced:
    """``text`` as it is searched, and what was changed to balance it (empty: nothing)."""

    text: str
    changes: tuple[str, ...] = ()

    @property
    def read_as(self) -> str | None:
        """The text searched when it differs from the query typed; None otherwise."""
        return self.text if self.changes else None


def _count(n: int, one: str, many: str) -> str:
    return one if n == 1 else f"{n} {many}"


def balance(text: str) -> Balanced:
    """Close the phrase and brackets ``text`` leaves open, at its end; turn each ``)`` that
    closes nothing into a space. Inside a phrase, brackets are text, as Whoosh reads them."""
    chars = list(text)
    quote: int | None = None
    opened: list[int] = []
    stray = 0
    for i, c in enumerate(chars):
        if c == '"':
            quote = i if quote is None else None
        elif quote is None and c == "(":
            opened.append(i)
        elif quote is None and c == ")":
            if opened:
                opened.pop()
            else:
                chars[i], stray = " ", stray + 1
    changes, closed, dropped = [], 0, 0
    if quote is not None:
        if "".join(chars[quote + 1 :]).strip():
            chars.append('"')
            changes.append("closed the quote")
        else:
            chars[quote] = " "
            changes.append("dropped a quote that opens nothing")
    for i in reversed(opened):
        if "".join(chars[i + 1 :]).strip():
            chars.append(")")
            closed += 1
        else:
            chars[i] = " "
            dropped += 1
    if closed:
        changes.append(f"closed {_count(closed, 'the bracket', 'brackets')}")
    if dropped:
        changes.append(f"dropped {_count(dropped, 'a bracket that opens', 'brackets that open')} nothing")
    if stray:
        changes.append(f"dropped {_count(stray, 'a bracket that closes', 'brackets that close')} nothing")
    if not changes:
        return Balanced(text)
    return Balanced(" ".join("".join(chars).split()), tuple(changes))
