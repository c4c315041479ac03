"""Markdown documents, with optional YAML front matter between ``---`` lines."""

from __future__ import annotations

import re

import yaml

from ..document import Document
from ..story import apply_story
from .mapping import apply_record

_FRONT = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
_SETEXT = re.compile(r"^(?:=+|-+)\s*$")
# Inline Markdown reduced to its text, so that a bold dateline is still recognised.
_INLINE = (
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])"), r"\2"),  # emphasis
    (re.compile(r"`([^`]*)`"), r"\1"),  # code
    (re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?)", re.MULTILINE), ""),  # headings, quotes
)


def parse_markdown(text: str, doc: Document) -> Document:
    """Fill ``doc`` from Markdown: front matter keys first, then the first heading as title."""
    doc.format = "markdown"
    front = _FRONT.match(text)
    if front:
        try:
            meta = yaml.safe_load(front["yaml"]) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"front matter is not valid YAML ({_first_line(exc)})") from None
        except (ValueError, RecursionError) as exc:  # a date like 2025-02-31; nesting deeper than Python's stack
            raise ValueError(f"front matter could not be read ({_first_line(exc)})") from None
        if not isinstance(meta, dict):
            raise ValueError("front matter is not a mapping of keys to values")
        doc_id = doc.id
        unused = apply_record(doc, meta)
        doc.id = doc_id  # a file's id is its path; front matter cannot rename it
        if unused:
            doc.warnings.append("front matter keys not used: " + ", ".join(map(str, unused)))
        text = text[front.end() :]
    lines = text.strip().split("\n")
    if lines and (m := _HEADING.match(lines[0])):
        doc.title = doc.title or plain_text(m["text"])
        lines = lines[1:]
    elif len(lines) > 1 and _SETEXT.match(lines[1]) and lines[0].strip():
        doc.title = doc.title or lines[0].strip()
        lines = lines[2:]
    return apply_story(doc, plain_text("\n".join(lines)).strip())


def plain_text(markdown: str) -> str:
    """Markdown with its inline markup removed (links keep their text)."""
    for pattern, repl in _INLINE:
        markdown = pattern.sub(repl, markdown)
    return markdown


def _first_line(exc: Exception) -> str:
    return str(exc).strip().split("\n")[0]
