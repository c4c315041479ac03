"""The web page's HTML: the search page (form, status, did-you-mean, facets, timeline, hits,
pages, export links), the document view and the error page, made on the server from
`search.serve.api`'s views, so the page works with no script at all.

Every piece of text from a document, a query or a URL is escaped here (a release may hold
``<script>``), only http(s) URLs become links, and no markup carries a ``style`` attribute or
inline script: the Content-Security-Policy (`search.serve.web`) allows neither.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from search.cli.render.html import escape as e
from search.cli.render.html import marked, safe_link

if TYPE_CHECKING:
    from search.marking import Marked
    from search.results import Hit, Results
    from search.serve.api import SearchView, TimelineView
    from search.serve.params import SearchParams

__all__ = ["document_page", "error_page", "search_page"]

FACET_NAMES = {"wire": "Wire", "year": "Year", "language": "Language", "issuer": "Issuer", "place": "Place"}
SORT_NAMES = {"relevance": "Relevance", "-date": "Newest first", "date": "Oldest first"}
BY_NAMES = {"day": "Day", "week": "Week", "month": "Month"}
#: Document fields the document view lists, in order, with their labels (the title and body stand apart).
FIELD_NAMES = (
    ("issuer", "Issuer"),
    ("date", "Date"),
    ("published", "Published"),
    ("place", "Place"),
    ("country", "Country"),
    ("wire", "Wire"),
    ("dateline", "Dateline"),
    ("author", "Author"),
    ("language", "Language"),
    ("keywords", "Keywords"),
    ("label", "Label"),
    ("url", "Source"),
    ("contact", "Contact"),
    ("about", "About"),
    ("disclaimer", "Disclaimer"),
    ("copyright", "Copyright"),
    ("id", "Id"),
)


def _layout(title: str, main: str, params: SearchParams | None, *, lang: str = "en") -> str:
    """The frame every page shares: the search form in the banner, ``main``, the footer."""
    from search.serve.params import SearchParams

    params = params or SearchParams()
    hidden = [("since", params.since), ("until", params.until), ("lang", params.lang)]
    hidden += [(name, value) for name, values in params.filters for value in values]
    if params.by != "month":
        hidden.append(("by", params.by))
    inputs = "".join(f'<input type="hidden" name="{e(n)}" value="{e(v)}">' for n, v in hidden if v)
    options = "".join(
        f'<option value="{e(value)}"{" selected" if value == (params.sort or "relevance") else ""}>{e(name)}</option>'
        for value, name in SORT_NAMES.items()
    )
    # The script sends the sort only when it was chosen (in the URL, or changed in the box): a query
    # typed on the front page (listed newest first) is then ranked by relevance, its own default.
    chosen = ' data-chosen=""' if params.sort else ""
    return (
        f'<!DOCTYPE html><html lang="{e(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title>"
        '<link rel="stylesheet" href="/static/dateline.css">'
        '<link rel="icon" href="/static/dateline.svg" type="image/svg+xml">'
        '<script src="/static/dateline.js" defer></script></head><body>'
        '<a class="skip" href="#main">Skip to the results</a>'
        '<header class="banner"><a class="brand" href="/">dateline</a>'
        '<form role="search" action="/search" method="get" id="search-form">'
        '<label for="q">Search the archive</label>'
        f'<input type="search" id="q" name="q" value="{e(params.q)}" autocomplete="off" '
        'aria-keyshortcuts="/" placeholder="words, &quot;a phrase&quot;, issuer:acme">'
        f'<label for="sort">Sort</label><select id="sort" name="sort"{chosen}>{options}</select>'
        f'{inputs}<button type="submit">Search</button></form></header>'
        f'<main id="main" tabindex="-1">{main}</main>'
        '<footer><label><input type="checkbox" id="keys" checked> Keyboard shortcuts: '
        "<kbd>/</kbd> search, <kbd>j</kbd>/<kbd>k</kbd> next and previous hit</label></footer>"
        "</body></html>"
    )


def _summary(results: Results) -> str:
    if not results.total:
        return "No hits"
    shown = f", {results.hits[0].rank:,}–{results.hits[-1].rank:,} shown" if results.hits else ""
    stories = ""
    if results.stories is not None and results.stories != results.total:
        stories = f" ({results.stories:,} stor{'ies' if results.stories != 1 else 'y'}, copies collapsed)"
    hits = f"{results.total:,} hit{'s' if results.total != 1 else ''}{stories}"
    return f"{hits}{shown} ({results.elapsed_ms:.0f} ms)"


def _meta(hit: Hit) -> str:
    doc = hit.document
    parts = [doc.date.isoformat() if doc.date else None, doc.issuer, doc.place, doc.wire]
    return " · ".join(e(p) for p in parts if p)


def hit_items(hits: Iterable[Hit], q: str) -> str:
    """The hits as ``<li>`` items: title linked to the document view, meta line, snippet."""
    from urllib.parse import urlencode

    items = []
    for hit in hits:
        href = "/doc?" + urlencode([("id", hit.id), *([("q", q)] if q else [])])
        title = e(hit.document.title or hit.id)
        snippet = f'<p class="snippet">{marked(hit.snippet)}</p>' if hit.snippet and hit.snippet.text else ""
        if hit.copies:
            from search.cli.render.text import copies_line

            snippet = f'<p class="copies">{e(copies_line(hit))}</p>' + snippet
        lang = hit.document.language
        lang_attr = f' lang="{e(lang)}"' if lang and lang != "en" else ""
        items.append(
            f'<li class="hit" value="{hit.rank}"><article{lang_attr}><h3>'
            f'<a class="hit-link" href="{e(href)}">{title}</a></h3>'
            f'<p class="meta">{_meta(hit)}</p>{snippet}</article></li>'
        )
    return "".join(items)


def _facets(view: SearchView) -> str:
    sections = []
    for name, values in view.facets.items():
        if not values:
            continue
        items = "".join(
            f'<li><a class="facet{" selected" if v.selected else ""}" href="{e(v.href)}"'
            f"{' aria-current=' + chr(34) + 'true' + chr(34) if v.selected else ''}>"
            f'{"✓ " if v.selected else ""}{e(v.value)} <span class="count">{v.count:,}</span></a></li>'
            for v in values
        )
        sections.append(f'<h3>{e(FACET_NAMES.get(name, name))}</h3><ul class="facet-values">{items}</ul>')
    return f'<nav class="facets" aria-label="Filters"><h2>Filters</h2>{"".join(sections)}</nav>' if sections else ""


def _timeline(view: TimelineView) -> str:
    from dataclasses import replace

    from search.serve.chart import timeline_svg

    params = view.params
    bys = " ".join(
        f'<a href="{e(replace(params, by=by, page=1).href(view.path))}"'
        f"{' aria-current=' + chr(34) + 'true' + chr(34) if by == params.by else ''}>{e(name)}</a>"
        for by, name in BY_NAMES.items()
    )
    widen = f' <a class="widen" href="{e(view.widen)}">Widen to all dates</a>' if view.widen else ""
    return (
        '<section class="timeline-section" aria-labelledby="timeline-heading">'
        f'<h2 id="timeline-heading">Timeline</h2><p class="timeline-controls">By {bys}{widen}</p>'
        f"{timeline_svg(view.timeline, params)}</section>"
    )


def search_page(view: SearchView, timeline: TimelineView | None) -> str:
    """The search page of ``view``, with its ``timeline`` above the hits."""
    params, results = view.params, view.results
    heading = f"Search results for {e(params.q)}" if params.q else "Latest documents"
    parts = [f"<h1>{heading}</h1>", f'<p role="status" id="status">{e(_summary(results))}</p>']
    if results.read_as is not None:
        parts.append(
            f'<p class="read-as">Read as <code>{e(results.read_as)}</code> ({e(" and ".join(results.repairs))}).</p>'
        )
    if results.suggestion:
        from dataclasses import replace

        href = replace(params, q=results.suggestion, page=1).href(view.path)
        parts.append(f'<p class="suggestion">Did you mean <a href="{e(href)}">{e(results.suggestion)}</a>?</p>')
    body = [_timeline(timeline) if timeline is not None else ""]
    body.append('<section class="hits-section" aria-labelledby="hits-heading"><h2 id="hits-heading">Results</h2>')
    if results.hits:
        first = (results.page - 1) * results.limit + 1
        body.append(f'<ol class="hits" start="{first}">{hit_items(results.hits, params.q)}</ol>')
    else:
        body.append('<p class="no-hits">Nothing matches. Try fewer words, or fewer filters.</p>')
    links = []
    if view.prev:
        links.append(f'<a rel="prev" href="{e(view.prev)}">Previous</a>')
    if results.pages > 1:
        links.append(f"<span>Page {params.page:,} of {results.pages:,}</span>")
    if view.next:
        links.append(f'<a rel="next" href="{e(view.next)}">Next</a>')
    if links:
        body.append(f'<nav class="pages" aria-label="Pages">{" ".join(links)}</nav>')
    if results.total:
        export = params.href("/export")
        joint = "&" if "?" in export else "?"
        csv, jsonl = f"{export}{joint}format=csv", f"{export}{joint}format=jsonl"
        body.append(
            f'<p class="export">Export every hit: <a href="{e(csv)}">CSV</a> <a href="{e(jsonl)}">JSON lines</a></p>'
        )
    body.append("</section>")
    parts.append(f'<div class="columns">{_facets(view)}<div class="results">{"".join(body)}</div></div>')
    title = f"{params.q} – dateline" if params.q else "dateline"
    return _layout(title, "".join(parts), params)


def document_page(doc: Marked, similar: Results | None, params: SearchParams) -> str:
    """The document view: every field, the whole body with the query's matches marked, the
    source as a link (http/https only), and more like this."""
    from urllib.parse import urlencode

    document = doc.document
    lang = document.language or "en"
    values = document.to_dict()
    rows = []
    for name, label in FIELD_NAMES:
        value = values.get(name)
        if value in (None, "", []):
            continue
        if name == "url":
            link = safe_link(str(value))
            shown = f'<a href="{e(link)}" rel="noopener noreferrer">{e(value)}</a>' if link else e(value)
        elif isinstance(value, list):
            shown = e(", ".join(map(str, value)))
        else:
            shown = e(value)
        rows.append(f"<dt>{e(label)}</dt><dd>{shown}</dd>")
    back = params.href("/search") if params.q else "/"
    like = ""
    if similar is not None and similar.hits:
        like = (
            '<section class="similar" aria-labelledby="similar-heading"><h2 id="similar-heading">More like this</h2>'
            f'<ol class="hits">{hit_items(similar.hits, params.q)}</ol></section>'
        )
    raw = "/api/document?" + urlencode([("id", document.id), *([("q", params.q)] if params.q else [])])
    main = (
        f'<p class="back"><a href="{e(back)}">Back to the search</a></p>'
        f'<article class="document" lang="{e(lang)}"><h1>{marked(doc.title) or e(document.id)}</h1>'
        f'<dl class="fields">{"".join(rows)}</dl>'
        f'<div class="body">{marked(doc.body)}</div></article>'
        f'<p class="raw"><a href="{e(raw)}">This document as JSON</a></p>{like}'
    )
    return _layout(f"{document.title or document.id} – dateline", main, params)


def error_page(status: int, title: str, detail: str, params: SearchParams | None = None) -> str:
    """A page saying what went wrong (``detail``, the CLI's message) with the form to try again."""
    main = (
        f'<h1>{e(title)}</h1><p role="status" id="status" class="error">{e(detail)}</p>'
        '<p><a href="/">Start again</a></p>'
    )
    return _layout(f"{title} – dateline", main, params)
