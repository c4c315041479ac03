"""Text layout for the terminal: how wide to write, wrapping with a hanging indent, how
matches are marked, and the lines of a score explanation.

Wrapping is done on the visible text, before any escape code is added, so a coloured match
never counts towards the width; a word longer than the line is left whole on its own line.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from search.explain import Explanation, TermScore

Style = Callable[[str], str]

#: Width used on a terminal whose size cannot be read.
DEFAULT_WIDTH = 80
#: Narrowest text column wrapping makes, however deep the indent or small the window.
MIN_COLUMN = 20

_COLOUR = "\x1b[1;33m"  # bold yellow
_PLAIN_EMPHASIS = "\x1b[1;4m"  # bold and underlined: no colour, for NO_COLOR
_RESET = "\x1b[0m"


def colour(text: str) -> str:
    return f"{_COLOUR}{text}{_RESET}"


def emphasis(text: str) -> str:
    return f"{_PLAIN_EMPHASIS}{text}{_RESET}"


def match_style(choice: str, tty: bool, no_color: bool) -> Style | None:
    """How matches are marked: ``choice`` is ``--color`` (``auto``, ``always``, ``never``).

    ``auto`` colours on a terminal, and there uses bold and underline instead when ``NO_COLOR``
    is set (no-color.org asks for no colour, not for no emphasis); off a terminal, and with
    ``never``, None: the caller marks matches with ``[brackets]``.
    """
    if choice == "always":
        return colour
    if choice == "never" or not tty:
        return None
    return emphasis if no_color else colour


def terminal_width(stream: TextIO, environ: Mapping[str, str]) -> int | None:
    """The width to wrap at: ``$COLUMNS`` when set, else the terminal's width when ``stream``
    is one (80 if it cannot be read); None, no wrapping, when output goes to a pipe or file
    and ``$COLUMNS`` is not set, so that ``grep`` and friends see one line per field."""
    columns = environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    try:
        return os.get_terminal_size(stream.fileno()).columns or DEFAULT_WIDTH
    except (AttributeError, ValueError, OSError):
        return DEFAULT_WIDTH


def cells(text: str) -> int:
    """How many terminal columns ``text`` takes: wide (CJK) characters two, combining marks none."""
    if text.isascii():
        return len(text)
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


_WORD = re.compile(r"\S+")


def line_breaks(text: str, width: int | None) -> list[tuple[int, int]]:
    """(start, end) offsets of the lines ``text`` wraps into at ``width`` columns, breaking at
    spaces; one line when ``width`` is None."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    if not words:
        return [(0, 0)]
    if width is None:
        return [(words[0][0], words[-1][1])]
    lines: list[tuple[int, int]] = []
    start, end = words[0]
    for word_start, word_end in words[1:]:
        if cells(text[start:word_end]) <= width:
            end = word_end
        else:
            lines.append((start, end))
            start, end = word_start, word_end
    lines.append((start, end))
    return lines


def wrap(
    text: str,
    width: int | None,
    indent: str = "",
    first: str | None = None,
    spans: Sequence[tuple[int, int]] = (),
    style: Style | None = None,
) -> str:
    """``text`` wrapped at ``width`` columns: the first line after ``first`` (default
    ``indent``), the others after ``indent``. ``spans`` (offsets into ``text``) are marked with
    ``style``, or in ``[brackets]`` when ``style`` is None; the brackets count towards the width."""
    first = indent if first is None else first
    if style is None and spans:
        text, spans = _bracketed(text, spans), ()
    column = None if width is None else max(MIN_COLUMN, width - max(cells(indent), cells(first)))
    out = []
    for i, (start, end) in enumerate(line_breaks(text, column)):
        line = text[start:end]
        if style is not None and spans:
            line = _styled(line, start, spans, style)
        out.append((first if i == 0 else indent) + line)
    return "\n".join(out)


def _bracketed(text: str, spans: Sequence[tuple[int, int]]) -> str:
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], "[", text[start:end], "]"]
        last = end
    out.append(text[last:])
    return "".join(out)


def _styled(line: str, offset: int, spans: Sequence[tuple[int, int]], style: Style) -> str:
    """``line`` (``text[offset:offset + len(line)]``) with the parts of ``spans`` it holds styled."""
    out, last = [], 0
    for start, end in spans:
        start, end = max(start - offset, last), min(end - offset, len(line))
        if start >= end:
            continue
        out += [line[last:start], style(line[start:end])]
        last = end
    out.append(line[last:])
    return "".join(out)


def _number(value: float) -> str:
    """A frequency, length or boost: ``2``, ``1.5``, ``0.333``."""
    return f"{value:.3g}" if value != int(value) else str(int(value))


def term_line(term: TermScore) -> str:
    """One scoring part: ``2.910 armed  idf 1.48 · title tf 1 len 16 ×3 · body tf 6 len 211``."""
    head = f"{term.score:.3f} {term.text}" + (f" ×{term.boost:.3g}" if abs(term.boost - 1) > 1e-9 else "")
    pieces = []
    if term.kind == "phrase" and term.fields:
        pieces += [f"{f.term} idf {f.idf:.2f} tf {_number(f.tf)}" for f in term.fields]
        pieces.append(f"len {_number(term.fields[0].length)}")
    else:
        if term.idf is not None:
            pieces.append(f"idf {term.idf:.2f}")
        for f in term.fields:
            where = "" if term.kind == "term" else f"{f.field} "
            boost = f" ×{_number(f.boost)}" if f.boost != 1 else ""
            length = f" len {_number(f.length)}" if f.length else ""
            pieces.append(f"{where}tf {_number(f.tf)}{length}{boost}")
    if term.note:
        pieces.append(term.note)
    return head + ("  " + " · ".join(pieces) if pieces else "")


def explanation_text(explanation: Explanation, width: int | None, indent: str = "   ") -> str:
    """The breakdown under a hit: one line per scoring part, ``=`` before the first and ``+``
    before the others, then BM25's parameters; wrapped with a hanging indent."""
    lines = []
    for i, term in enumerate(explanation.terms):
        sign = "=" if i == 0 else "+"
        lines.append(wrap(term_line(term), width, indent + "    ", first=f"{indent}{sign} "))
    if not explanation.terms:
        lines.append(f"{indent}= {explanation.score:.3f}")
    lines.append(f"{indent}  (k1 {explanation.k1:g}, b {explanation.b:g})")
    adjustment = explanation.adjustment
    if adjustment is not None and adjustment.half_life_days is not None:
        lines.append(
            f"{indent}× {adjustment.decay:.3f} recency: {_number(adjustment.age_days or 0.0)} days old,"
            f" half-life {_number(adjustment.half_life_days)} days"
        )
    if adjustment is not None and adjustment.moved_from is not None:
        lines.append(
            wrap(
                f"moved down from rank {adjustment.moved_from}: {adjustment.reason}",
                width,
                indent + "    ",
                first=f"{indent}↓ ",
            )
        )
    return "\n".join(lines)
