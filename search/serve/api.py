"""What the web page and the JSON API answer, as data: one `WebIndex` per served index turns a
request's parameters into library calls (`search.Index`) and JSON-ready dictionaries. The HTML
of `search.serve.pages` and the JSON of `search.serve.web` are both made from these, so the page
and the API never disagree.

``/api/search`` is ``dateline search --format json``'s object (`Results.to_dict`) plus
``pages``, ``next``/``prev`` and the facets with ``selected`` and the ``href`` that toggles each
value. Facets are counted as a faceted search counts them: a field's counts leave out the field's
own selection (``wire=A`` still shows how many hits the other wires would add), the rest apply.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from search.results import Results
from search.serve.params import FACETS_SHOWN, SearchParams
from search.timeline import Timeline

__all__ = ["EXPORT_MAX", "FacetValue", "SearchView", "TimelineView", "WebIndex"]

#: Hits one export lists at most (``/export``); its ``X-Total-Count`` header says how many matched.
EXPORT_MAX = 10_000
#: Hits fetched per round of an export: each round holds the index's lock only briefly.
EXPORT_PAGE = 500
#: Values listed per facet.
FACET_TOP = 10
#: Seconds a search of the web page or API may take before a 503.
WEB_TIMEOUT = 10.0
_LANG_PARAMS = ("en", "de")


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet beside the hits: its count, whether the search keeps it, and the
    link (same path, this value toggled) that keeps or drops it."""

    value: str
    count: int
    selected: bool
    href: str

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "count": self.count, "selected": self.selected, "href": self.href}


@dataclass(frozen=True)
class SearchView:
    """One search as the page and the API show it."""

    params: SearchParams
    results: Results
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    path: str = "/search"

    @property
    def next(self) -> str | None:
        if self.params.page < self.results.pages:
            return self.params.href(self.path, page=self.params.page + 1)
        return None

    @property
    def prev(self) -> str | None:
        if self.params.page > 1:
            return self.params.href(self.path, page=min(self.params.page - 1, max(self.results.pages, 1)))
        return None

    def to_dict(self) -> dict[str, Any]:
        """`Results.to_dict` (the CLI's JSON), its facets with ``selected`` and ``href``, and
        ``pages``, ``next``, ``prev``; ``read_as`` and ``repairs`` when the query was repaired."""
        out = self.results.to_dict()
        out["query"] = self.params.q
        out["facets"] = {name: [v.to_dict() for v in values] for name, values in self.facets.items()}
        out["pages"] = self.results.pages
        out["next"], out["prev"] = self.next, self.prev
        out["read_as"], out["repairs"] = self.results.read_as, list(self.results.repairs)
        return out


@dataclass(frozen=True)
class TimelineView:
    """A search's timeline as the page and the API show it: each period with the ``href`` that
    narrows the search to it, and ``widen`` (the search without its dates) when dates narrow it."""

    params: SearchParams
    timeline: Timeline
    path: str = "/search"

    @property
    def widen(self) -> str | None:
        if not (self.params.since or self.params.until):
            return None
        return replace(self.params, since=None, until=None, by="month", page=1).href(self.path)

    def to_dict(self) -> dict[str, Any]:
        from search.serve.chart import narrowed

        out = self.timeline.to_dict()
        out["query"] = self.params.q
        for period, p in zip(out["periods"], self.timeline.periods, strict=True):
            period["href"] = narrowed(self.params, p.period, self.timeline.by).href(self.path)
        out["widen"] = self.widen
        return out


def _language_param(value: str) -> str:
    """The ``lang`` that keeps documents whose ``language`` facet is ``value``."""
    return value if value in _LANG_PARAMS else "xx"


class WebIndex:
    """One index, opened on first use and kept open (its searcher and columns reused by every
    request); an index that is missing or being rebuilt is retried on the next request.
    ``opener`` opens something else that answers as a `search.Index` does (a cluster's shards)."""

    def __init__(self, path: str | Path, opener: Callable[[Path], Any] | None = None) -> None:
        self.path = Path(path)
        self._opener = opener
        self._index: Any = None
        self._opening = threading.Lock()

    def index(self) -> Any:
        """The open `search.Index`; raises `IndexNotFoundError` (and the like) while it cannot open."""
        with self._opening:
            if self._index is None:
                if self._opener is not None:
                    self._index = self._opener(self.path)
                else:
                    from search.index import Index

                    self._index = Index(self.path)
            return self._index

    def close(self) -> None:
        with self._opening:
            if self._index is not None:
                self._index.close()
                self._index = None

    # -- searching ---------------------------------------------------------------------------
    def _search(self, params: SearchParams, **options: Any) -> Results:
        ix = self.index()
        kwargs: dict[str, Any] = {
            "since": params.since,
            "until": params.until,
            "lang": params.lang,
            "filters": params.filter_map,
            "timeout": WEB_TIMEOUT,
        }
        if params.recent:
            kwargs["recent"] = params.recent
        if params.per_source is not None:
            kwargs["per_source"] = params.per_source
        kwargs.update(options)
        results: Results = ix.search(params.text, **kwargs)
        return results

    def search(self, params: SearchParams, path: str = "/search") -> SearchView:
        """The page of hits ``params`` asks for, with did-you-mean and the facets; hrefs under ``path``.
        Copies are collapsed on the page (``/search``) unless ``collapse=0``, in the API only with
        ``collapse=1`` (as the command line: on where people read, off where programs do)."""
        open_facets = [f for f in FACETS_SHOWN if not params.selected(f)]
        from search.index import Index

        collapse = params.collapse
        if collapse is None:  # the page collapses copies, the API does not; a cluster has no groups
            collapse = not path.startswith("/api/") and isinstance(self.index(), Index)
        results = self._search(
            params,
            collapse=collapse,
            limit=params.limit,
            page=params.page,
            sort=params.order,
            facets=open_facets,
            facet_limit=FACET_TOP,
            suggest=None if params.q else False,
        )
        counts = {name: [(c.value, c.count) for c in values] for name, values in results.facets.items()}
        for name in FACETS_SHOWN:
            if name in counts:
                continue
            # This facet has a selection: count it as if nothing of it were selected.
            if name == "language":
                others = self._search(params, limit=0, lang=None, facets=[name], facet_limit=None, snippets=False)
            else:
                rest = {k: v for k, v in params.filter_map.items() if k != name}
                others = self._search(params, limit=0, filters=rest, facets=[name], facet_limit=None, snippets=False)
            found = [(c.value, c.count) for c in others.facets.get(name, [])]
            chosen = set(params.selected(name))
            counts[name] = found[:FACET_TOP] + [
                (v, n)
                for v, n in found[FACET_TOP:]
                if v in chosen or (name == "language" and _language_param(v) in chosen)
            ]
        facets: dict[str, list[FacetValue]] = {}
        for name in FACETS_SHOWN:
            chosen = set(params.selected(name))
            values = []
            for value, count in counts.get(name, []):
                key = _language_param(value) if name == "language" else value
                values.append(FacetValue(value, count, key in chosen, params.toggled(name, key).href(path)))
            listed = {v.value if name != "language" else _language_param(v.value) for v in values}
            for value in sorted(chosen - listed):  # kept by the search yet matching nothing now
                values.append(FacetValue(value, 0, True, params.toggled(name, value).href(path)))
            facets[name] = values
        return SearchView(params, results, facets, path)

    def timeline(self, params: SearchParams, path: str = "/search") -> TimelineView:
        """Hits per ``params.by`` for the search ``params``; links under ``path``."""
        timeline = self.index().timeline(
            params.text,
            by=params.by,
            since=params.since,
            until=params.until,
            lang=params.lang,
            filters=params.filter_map,
            timeout=WEB_TIMEOUT,
        )
        return TimelineView(params, timeline, path)

    def document(self, doc_id: str, q: str = "") -> Any:
        """The document ``doc_id`` with the matches of ``q`` marked in its whole title and body
        (`search.marking.Marked`); nothing is marked without a query."""
        ix = self.index()
        if q.strip():
            return ix.marked(doc_id, q)
        from search.marking import Marked
        from search.results import Snippet

        document = ix.get(doc_id)
        return Marked("", document, Snippet(document.title or ""), Snippet(document.body or ""))

    def similar(self, doc_id: str, limit: int = 5) -> Results:
        results: Results = self.index().similar(doc_id, limit=limit, timeout=WEB_TIMEOUT)
        return results

    def stats(self) -> dict[str, Any]:
        stats: dict[str, Any] = self.index().stats().to_dict()
        return stats

    def export(self, params: SearchParams, fmt: str) -> tuple[int, Iterator[str]]:
        """The number of hits of ``params`` and all of them (up to `EXPORT_MAX`), in ranked
        order, as CSV rows (a header first) or JSON lines, a page at a time, so nothing holds
        them all. The first page is searched at once, so a bad query fails before any output."""
        import csv
        import io

        from search.cli.render.csv import CSV_COLUMNS, csv_row
        from search.cli.render.json import to_json

        first = self._search(params, limit=EXPORT_PAGE, page=1, sort=params.order, snippets=False)

        def lines() -> Iterator[str]:
            results, page, sent = first, 1, 0
            if fmt == "csv":
                out = io.StringIO()
                csv.writer(out, lineterminator="\n").writerow(CSV_COLUMNS)
                yield out.getvalue()
            while results.hits and sent < EXPORT_MAX:
                hits = results.hits[: EXPORT_MAX - sent]
                if fmt == "csv":
                    out = io.StringIO()
                    csv.writer(out, lineterminator="\n").writerows(csv_row(hit) for hit in hits)
                    yield out.getvalue()
                else:
                    yield "".join(to_json(hit.to_dict()) + "\n" for hit in hits)
                sent += len(hits)
                if sent >= results.total:
                    break
                page += 1
                results = self._search(params, limit=EXPORT_PAGE, page=page, sort=params.order, snippets=False)

        return first.total, lines()
