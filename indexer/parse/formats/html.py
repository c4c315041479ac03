"""HTML pages: title, meta description and date, language, and the visible text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from html.parser import HTMLParser

from indexer.core.document import Document
from indexer.parse.dates import parse_datetime
from indexer.parse.formats._format import Format, one
from indexer.parse.story import apply_story

# Elements whose content is never shown to a reader.
_HIDDEN = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object"}
# Elements that end a line of text when rendered.
# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 30 lines, not 5.
_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "header", "footer", "blockquote", "pre", "dd", "dt", "figcaption",
    "main", "nav", "aside", "hr", "address",
}  # fmt: skip
# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 10 lines, not 2.
_DATE_META = ("article:published_time", "date", "dc.date", "dcterms.date", "pubdate", "publish-date",
              "og:published_time", "datepublished")  # fmt: skip
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"}
MAX_DEPTH = 512


class _PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.h1 = ""
        self.in_h1 = False
        self.meta: dict[str, str] = {}
        self.lang: str | None = None
        self.stack: list[str] = []
        self.open: dict[str, int] = {}  # how many of each tag the stack holds: a deep page's end tags cost O(1)
        self.hidden = 0
        self.in_title = False
        self.parts: list[str] = []
        # Text inside <article>/<main>, preferred over the whole page when present.
        self.main_parts: list[str] = []
        self.main_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "html" and a.get("lang"):
            self.lang = a["lang"].split("-")[0].lower()
        elif tag == "meta":
            key = (a.get("name") or a.get("property") or a.get("itemprop") or "").lower()
            if key and "content" in a:
                self.meta.setdefault(key, a["content"])
        elif tag == "title":
            self.in_title = True
        elif tag == "h1" and not self.h1:
            self.in_h1 = True
        if tag in _VOID:
            self._newline(tag)
            return
        if len(self.stack) < MAX_DEPTH:
            self.stack.append(tag)
            self.open[tag] = self.open.get(tag, 0) + 1
            if tag in _HIDDEN:
                self.hidden += 1
            if tag in ("article", "main"):
                self.main_depth += 1
        self._newline(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag == "h1":
            self.in_h1 = False
        if self.open.get(tag):
            while self.stack:
                top = self.stack.pop()
                self.open[top] -= 1
                if top in _HIDDEN:
                    self.hidden -= 1
                if top in ("article", "main"):
                    self.main_depth -= 1
                if top == tag:
                    break
        self._newline(tag)

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        if self.in_h1:
            self.h1 += data
        if self.hidden:
            return
        self.parts.append(data)
        if self.main_depth:
            self.main_parts.append(data)

    def _newline(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n\n")
            if self.main_depth:
                self.main_parts.append("\n\n")


def _render(parts: list[str]) -> str:
    text = re.sub(r"[ \t\n]*\n\n[ \t\n]*", "\n\n", "".join(parts))
    return "\n\n".join(re.sub(r"\s+", " ", p).strip() for p in text.split("\n\n") if p.strip())


def html_text(markup: str) -> tuple[str, str | None]:
    """The visible text of an HTML page or fragment (its ``<article>``/``<main>`` when it has one),
    paragraphs separated by blank lines, and the page's ``lang``: for formats that carry HTML
    (feed items, mail parts)."""
    reader = _PageReader()
    reader.feed(markup)
    reader.close()
    return _render(reader.main_parts) or _render(reader.parts), reader.lang


def parse_html(text: str, doc: Document, *, url: str | None = None) -> Document:
    """Fill ``doc`` from an HTML page: the article's text as `_article.find_article` finds it
    (trafilatura), else the visible text (of ``<article>``/``<main>`` when present).

    The title is the article's, else the first ``<h1>``, else ``<title>``; the publication time
    comes from the page's metadata (``article:published_time`` …), else the article's date.
    """
    from indexer.parse.formats._article import find_article

    doc.format = "html"
    reader = _PageReader()
    reader.feed(text)
    reader.close()
    article = find_article(text, url)
    page_title = re.sub(r"\s+", " ", reader.h1 or reader.title).strip() or None
    doc.title = (article.title if article else None) or page_title
    doc.language = reader.lang
    doc.description = (reader.meta.get("description") or reader.meta.get("og:description") or "").strip() or None
    for key in _DATE_META:
        if value := reader.meta.get(key):
            parsed = parse_datetime(value)
            if parsed is None:
                doc.warnings.append(f"meta {key} {value!r} is not a date")
                continue
            if isinstance(parsed, datetime):
                doc.published, doc.date = parsed, parsed.date()
            else:
                doc.date = parsed
            break
    titles = [t for t in (doc.title, page_title) if t]
    main = _without_titles(_render(reader.main_parts), titles)
    if article is not None:
        doc.date = doc.date or article.date
        doc.author = doc.author or article.author
        doc.keywords = doc.keywords or article.sections
        body = _with_lead(_without_titles(article.text, titles), main)
    else:
        body = main or _without_titles(_render(reader.parts), titles)
    return apply_story(doc, body)


#: A paragraph of the page's ``<article>``/``<main>`` at least this long, above the first one the
#: extractor kept, is the lead it dropped (a ``class="teaser"`` standfirst with the wire dateline).
LEAD_MIN = 100


def _with_lead(text: str, main: str) -> str:
    """``text`` with the lead paragraphs of ``main`` (the ``<article>``/``<main>`` text) that the
    extractor dropped above its first paragraph: trafilatura's known miss, and the paragraph a
    release's dateline opens."""
    first = text.split("\n\n", 1)[0][:80]
    at = main.find(first) if first else -1
    if at <= 0:
        return text
    lead = [p for p in main[:at].split("\n\n") if len(p) >= LEAD_MIN]
    return "\n\n".join([*lead, text])


def _without_titles(body: str, titles: list[str]) -> str:
    for title in titles:
        if body.startswith(title):
            body = body[len(title) :].lstrip()
    return body


def read(text: str, doc_id: str, field_map: Mapping[str, str] | None = None) -> list[Document]:
    """The page's one document (``field_map`` has no keys to map in HTML)."""
    return one(parse_html(text, Document(id=doc_id)))


FORMAT = Format("html", (".html", ".htm", ".xhtml"), read, decodes_entities=True)
