"""``--format html``: a standalone page of the hits, for a browser."""

from __future__ import annotations

from typing import TYPE_CHECKING

from search.cli.render._renderer import Renderer, Style

if TYPE_CHECKING:
    from search.results import Results, Snippet


def safe_link(url: str | None) -> str | None:
    """``url`` if it is a web address; a document could carry ``javascript:`` or worse."""
    if not url:
        return None
    url = url.strip()
    return url if url.lower().startswith(("https://", "http://")) else None


def escape(text: object) -> str:
    """``text`` for HTML text and attributes; a lone surrogate (a query typed as ``\\ud800``),
    which no UTF-8 page can carry, becomes U+FFFD."""
    import html

    from indexer.core.text import without_surrogates

    return html.escape(without_surrogates(str(text)))


def marked(snippet: Snippet) -> str:
    """The snippet's text escaped, each matched span in ``<mark>``."""
    out, last, text = [], 0, snippet.text
    for start, end in snippet.spans:
        out += [escape(text[last:start]), "<mark>", escape(text[start:end]), "</mark>"]
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


def results_html(results: Results, style: Style | None = None, width: int | None = None) -> str:
    """A standalone HTML page of the hits, matches in ``<mark>``. Every piece of document text
    is escaped (documents are untrusted: a release may hold ``<script>``), and only http(s)
    URLs become links."""
    from indexer.core.text import escape_controls
    from search.cli.render.text import results_summary

    e = escape
    items = []
    for hit in results.hits:
        doc = hit.document
        title = e(doc.title or "(untitled)")
        if link := safe_link(doc.url):
            title = f'<a href="{e(link)}">{title}</a>'
        meta = " · ".join(
            e(x)
            for x in (
                doc.date.isoformat() if doc.date else "",
                doc.issuer,
                doc.place,
                doc.wire,
                escape_controls(hit.id),
            )
            if x
        )
        score = f"{hit.score:.3f}" if hit.score is not None else "-"
        parts = [
            f'<li value="{hit.rank}"><h2>{title}</h2>',
            f'<p class="meta">{meta} <span class="score">{score}</span></p>',
        ]
        if hit.snippet is not None and hit.snippet.text:
            parts.append(f'<p class="snippet">{marked(hit.snippet)}</p>')
        items.append("".join(parts) + "</li>")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html><head><meta charset="utf-8">',
            f"<title>dateline: {e(escape_controls(results.query))}</title></head><body>",
            f"<h1>{e(escape_controls(results.query))}</h1>",
            "<ol>",
            *items,
            "</ol>",
            f'<p class="summary">{e(results_summary(results))}</p>',
            "</body></html>",
        ]
    )


RENDERER = Renderer("html", results=results_html)
