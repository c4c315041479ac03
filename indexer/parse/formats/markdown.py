"""Markdown documents, with optional front matter (YAML, TOML or JSON: `.frontmatter`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from indexer.core.document import Document
from indexer.parse.formats._format import Format, one
from indexer.parse.formats.frontmatter import split_front_matter
from indexer.parse.formats.mapping import apply_record
from indexer.parse.story import apply_story
from indexer.parse.trailers import cut_link_lines

_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
_SETEXT = re.compile(r"^(?:=+|-+)\s*$")


def _kept(group: int) -> Callable[[re.Match[str]], str]:
    """A replacement keeping a span's text, and a space where a capitalised word follows it
    directly: scrapers glue ``[Jane Doe](url)Founder`` and ``**Darigold**Headquartered``,
    which are two words (``Jane Doe Founder``), not ``DoeFounder``."""

    def keep(m: re.Match[str]) -> str:
        text, after = m[group], m.string[m.end() : m.end() + 1]
        before = m.string[m.start() - 1 : m.start()] if m.start() else ""
        if after.isupper() and (text[-1:] or before).strip():
            return text + " "
        return text

    return keep


# Inline Markdown reduced to its text, so that a bold dateline is still recognised.
_INLINE: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images: their alt text is a caption or the headline again, not text
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), _kept(1)),  # links keep their text
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), _kept(2)),  # strong
    (re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])"), r"\2"),  # emphasis
    (re.compile(r"`([^`]*)`"), r"\1"),  # code
    (re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?)", re.MULTILINE), ""),  # headings, quotes
)


#: A scraped article's first line: a link to the page it was taken from (``[Headline](https://…)``).
_SOURCE_LINE = re.compile(r"^\[(?P<text>[^\]\n]+)\]\((?P<url>https?://[^)\s]+)\)$")


def parse_markdown(text: str, doc: Document, field_map: Mapping[str, str] | None = None) -> Document:
    """Fill ``doc`` from Markdown: front matter keys first (YAML, TOML or JSON; ``field_map`` as
    for JSONL), then the first heading as title."""
    doc.format = "markdown"
    meta, text = split_front_matter(text)
    if meta is not None:
        doc_id = doc.id
        unused = apply_record(doc, meta, field_map, lenient=True)
        doc.id = doc_id  # a file's id is its path; front matter cannot rename it
        if unused:
            doc.warnings.append("front matter keys not used: " + ", ".join(map(str, unused)))
    text, link = cut_link_lines(text)
    lines = text.strip().split("\n")
    if lines and (m := _HEADING.match(lines[0])):
        doc.title = doc.title or plain_text(m["text"])
        lines = lines[1:]
    elif len(lines) > 1 and _SETEXT.match(lines[1]) and lines[0].strip():
        doc.title = doc.title or lines[0].strip()
        lines = lines[2:]
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    source = _SOURCE_LINE.match(lines[start].strip()) if start < len(lines) else None
    if source and doc.title and source["text"].strip() in doc.title:
        lines = lines[start + 1 :]  # the headline again, as the link to the article's page
    apply_story(doc, plain_text("\n".join(lines)).strip())
    # The release's own source line, if any, comes first; then an archive's source link below the
    # release; then the link a scraped article opens with.
    doc.url = doc.url or link or (source["url"] if source else None)
    return doc


def read(text: str, doc_id: str, field_map: Mapping[str, str] | None = None) -> list[Document]:
    """The file's one document, its front matter's keys mapped by ``field_map``."""
    return one(parse_markdown(text, Document(id=doc_id), field_map))


FORMAT = Format("markdown", (".md", ".markdown"), read)


def plain_text(markdown: str) -> str:
    """Markdown with its inline markup removed (links keep their text)."""
    for pattern, repl in _INLINE:
        markdown = pattern.sub(repl, markdown)
    return markdown
