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


def parse_markdown(text: str, doc: Document) -> Document:
    """Fill ``doc`` from Markdown: front matter keys first, then the first heading as title."""
    doc.format = "markdown"
    front = _FRONT.match(text)
    if front:
        try:
            meta = yaml.safe_load(front["yaml"]) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"front matter is not valid YAML ({_first_line(exc)})") from None
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
        doc.title = doc.title or m["text"]
        lines = lines[1:]
    elif len(lines) > 1 and _SETEXT.match(lines[1]) and lines[0].strip():
        doc.title = doc.title or lines[0].strip()
        lines = lines[2:]
    return apply_story(doc, "\n".join(lines).strip())


def _first_line(exc: Exception) -> str:
    return str(exc).strip().split("\n")[0]
