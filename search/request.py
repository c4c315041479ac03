"""`SearchRequest`: what one call of `Index.search` (or `ranked`, `timeline`, `suggest`) asks for,
checked once.

The public methods of `Index` keep their keyword arguments; each turns them into one frozen
request, so a bad value is refused (`QueryError`) before any work, with the same message from
every method, and the request is then passed on whole (`search.plan` builds its query).
Checks that need the index (the query text's syntax, dates against the schema) are the plan's.
The module imports no Whoosh, so the command line's configuration can take `SORTS` from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

from indexer.core.defaults import DEFAULT_TIMEOUT
from search.errors import QueryError

if TYPE_CHECKING:
    from search.feedback import Feedback
    from search.news import NewsOptions

Sort = Literal["relevance", "date", "-date"]
Match = Literal["all", "any"]
#: The orders hits may be listed in: by score, oldest first, newest first.
SORTS: tuple[str, ...] = ("relevance", "date", "-date")
#: How a query's words combine: documents with all of them, or with any.
MATCHES: tuple[str, ...] = ("all", "any")


def check_timeout(timeout: float | None) -> None:
    """A time limit is None or 0 (none) or a number of seconds above 0; `QueryError` otherwise."""
    if timeout is not None and not timeout >= 0:
        raise QueryError(f"timeout must be 0 (no limit) or more seconds (got {timeout})")


@dataclass(frozen=True)
class SearchRequest:
    """One search, its values checked: ``fields`` None means the index's own; ``langs`` are the
    languages searched (all, or the one of ``lang``); ``filters`` are ``{field: [values]}``.

    ``ranked`` is True for a call that must list hits (`Index.ranked`, `Index.similar`): its
    ``limit`` is 1 or more, where a search may ask for 0 hits (the total and facets only).
    """

    text: str
    limit: int = 10
    page: int = 1
    since: str | date | None = None
    until: str | date | None = None
    sort: Sort = "relevance"
    fields: tuple[str, ...] | None = None
    lang: str | None = None
    match: Match = "all"
    syntax: bool = True
    snippets: bool = True
    feedback: Feedback | None = None
    explain: bool = False
    timeout: float | None = DEFAULT_TIMEOUT
    facets: tuple[str, ...] = ()
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    facet_limit: int | None = 10  # `search.facets.TOP`
    suggest: bool | None = None
    ranked: bool = False
    #: News ranking (`search.news`): collapsed copies, recency, a cap per source; None: none.
    news: NewsOptions | None = None
    langs: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        from search.facets import check_facets, check_filters
        from search.query import check_fields, check_lang

        if self.ranked:
            if self.limit < 1:
                raise QueryError("limit must be 1 or more")
        elif self.limit < 0 or self.page < 1:
            raise QueryError("limit must be 0 (no hits: the total and facets only) or more, page 1 or more")
        if self.sort not in SORTS:
            raise QueryError(f"unknown sort {self.sort!r}; choose from {', '.join(SORTS)}")
        check_timeout(self.timeout)
        object.__setattr__(self, "facets", check_facets(self.facets))
        object.__setattr__(self, "filters", check_filters(self.filters))
        if self.match not in MATCHES:
            raise QueryError(f"unknown match {self.match!r}; choose from {', '.join(MATCHES)}")
        if self.fields:
            object.__setattr__(self, "fields", check_fields(self.fields))
        else:
            object.__setattr__(self, "fields", None)
        object.__setattr__(self, "langs", check_lang(self.lang))

    @property
    def sorted_by_date(self) -> bool:
        """Whether hits are listed by date (and so have no score)."""
        return self.sort != "relevance"

    @property
    def top_n(self) -> int:
        """How many of the best hits to find: enough for the page (at least 1: Whoosh needs one,
        and a limit of 0 still counts the hits)."""
        return max(self.page * self.limit, 1)
