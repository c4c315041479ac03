"""The URL of a search: the query-string parameters the web page and the JSON API share, read
once into a frozen `SearchParams`, and written back in one canonical order, so that a link to a
search (a facet value toggled, the next page, a period of the timeline) is the search itself.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlencode

from indexer.core.defaults import BYS
from search.errors import QueryError

__all__ = ["EXPORT_FORMATS", "FACETS_SHOWN", "FILTERS", "MAX_LIMIT", "SearchParams"]

#: Facet fields a URL may filter by (repeatable: ``wire=A&wire=B`` keeps either); ``lang`` is apart.
FILTERS: tuple[str, ...] = ("wire", "year", "issuer", "place")
#: Facets listed beside the hits, in this order; ``language`` toggles ``lang``.
FACETS_SHOWN: tuple[str, ...] = ("wire", "year", "language", "issuer", "place")
#: Hits a page may ask for (``limit``); more is refused with 400.
MAX_LIMIT = 100
#: Pages past this are refused: deep pages cost a sort of every hit and no one reads them.
MAX_PAGE = 1000
EXPORT_FORMATS: tuple[str, ...] = ("csv", "jsonl")
#: Query-string size and parameter count read at most; more is refused with 414 or 400.
MAX_FIELDS = 64
_LANGS = ("en", "de", "xx")
_SORTS = ("relevance", "date", "-date")


def _int(name: str, text: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise QueryError(f"{name} must be a whole number (got {text!r})") from None
    if not low <= value <= high:
        raise QueryError(f"{name} must be from {low} to {high} (got {value})")
    return value


def _choice(name: str, text: str, choices: tuple[str, ...]) -> str:
    if text not in choices:
        raise QueryError(f"unknown {name} {text!r}; choose from {', '.join(choices)}")
    return text


@dataclass(frozen=True)
class SearchParams:
    """One search as a URL states it. ``q`` empty lists every document (newest first unless a
    ``sort`` is given); ``filters`` are ``((field, (values…)), …)`` in `FILTERS` order."""

    q: str = ""
    page: int = 1
    #: As the URL gives it; None: `order`'s default.
    sort: str | None = None
    since: str | None = None
    until: str | None = None
    lang: str | None = None
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    limit: int = 10
    by: str = "month"
    #: Copies collapsed (`search.news`); None: the default of where it is shown (the page: on, the API: off).
    collapse: bool | None = None
    #: ``--recent``'s half-life (``30d``), checked when searched.
    recent: str | None = None
    per_source: int | None = None

    @classmethod
    def parse(cls, query_string: str) -> SearchParams:
        """The parameters of ``query_string`` (``q=…&page=…``); `QueryError` for a bad value.
        Unknown names are ignored, as a browser's extra parameters should not fail a search."""
        try:
            pairs = parse_qsl(query_string, keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict")
        except (ValueError, UnicodeDecodeError) as exc:
            raise QueryError(f"malformed query string: {exc}") from None
        seen: dict[str, str] = {}
        filters: dict[str, list[str]] = {name: [] for name in FILTERS}
        for name, value in pairs:
            if name in filters:
                if value and value not in filters[name]:
                    filters[name].append(value)
            else:
                seen.setdefault(name, value)
        sort = seen.get("sort") or None
        return cls(
            q=seen.get("q", "").strip(),
            page=_int("page", seen["page"], 1, MAX_PAGE) if seen.get("page") else 1,
            sort=_choice("sort", sort, _SORTS) if sort else None,
            since=seen.get("since") or None,
            until=seen.get("until") or None,
            lang=_choice("lang", seen["lang"], _LANGS) if seen.get("lang") else None,
            filters=tuple((name, tuple(values)) for name, values in filters.items() if values),
            limit=_int("limit", seen["limit"], 1, MAX_LIMIT) if seen.get("limit") else 10,
            by=_choice("by", seen["by"], BYS) if seen.get("by") else "month",
            collapse={"1": True, "0": False}[_choice("collapse", seen["collapse"], ("0", "1"))]
            if seen.get("collapse")
            else None,
            recent=seen.get("recent") or None,
            per_source=_int("per_source", seen["per_source"], 1, MAX_LIMIT) if seen.get("per_source") else None,
        )

    @property
    def text(self) -> str:
        """The query searched: ``*`` (every document) when ``q`` is empty."""
        return self.q or "*"

    @property
    def order(self) -> str:
        """The order hits are listed in: ``sort``, else by relevance, or newest first without a query."""
        return self.sort or ("relevance" if self.q else "-date")

    @property
    def filter_map(self) -> dict[str, list[str]]:
        return {name: list(values) for name, values in self.filters}

    def selected(self, facet: str) -> tuple[str, ...]:
        """The values of ``facet`` this search keeps (``language``: its ``lang``)."""
        if facet == "language":
            return (self.lang,) if self.lang else ()
        return dict(self.filters).get(facet, ())

    def toggled(self, facet: str, value: str) -> SearchParams:
        """This search with ``value`` of ``facet`` kept if it was not, dropped if it was; from page 1."""
        if facet == "language":
            return replace(self, lang=None if self.lang == value else value, page=1)
        current = dict(self.filters)
        values = current.get(facet, ())
        current[facet] = tuple(v for v in values if v != value) if value in values else (*values, value)
        filters = tuple((name, current[name]) for name in FILTERS if current.get(name))
        return replace(self, filters=filters, page=1)

    def pairs(self) -> list[tuple[str, str]]:
        """The parameters in canonical order, those at their defaults left out."""
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        for name, value in (("since", self.since), ("until", self.until), ("lang", self.lang)):
            if value:
                out.append((name, value))
        for name, values in self.filters:
            out.extend((name, v) for v in values)
        if self.sort:
            out.append(("sort", self.sort))
        if self.collapse is not None:
            out.append(("collapse", "1" if self.collapse else "0"))
        if self.recent:
            out.append(("recent", self.recent))
        if self.per_source is not None:
            out.append(("per_source", str(self.per_source)))
        if self.by != "month":
            out.append(("by", self.by))
        if self.limit != 10:
            out.append(("limit", str(self.limit)))
        if self.page != 1:
            out.append(("page", str(self.page)))
        return out

    def href(self, path: str = "/search", **changes: object) -> str:
        """The URL of this search (with ``changes``, e.g. ``page=2``) under ``path``."""
        params = replace(self, **changes) if changes else self  # type: ignore[arg-type]  # checked by dataclass
        query = urlencode(params.pairs())
        return f"{path}?{query}" if query else path
