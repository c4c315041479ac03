"""`Index`: the Python API for searching a dateline index."""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Literal

import numpy as np

from indexer.core.analysis import STOP_WORDS
from indexer.core.defaults import FEW_HITS
from indexer.core.document import Document
from indexer.core.openfiles import reports_too_many_open_files
from indexer.core.records import from_stored
from indexer.core.schema import DEFAULT_FIELDS
from indexer.core.store import open_index, resolve_index_path
from indexer.engine.opening import open_searcher
from indexer.engine.queries import FilteredBy
from search import snippets as snippet_maker
from search.balance import Balanced, balance
from search.cli.config import SORTS
from search.collecting import search as whoosh_search
from search.errors import DocumentNotFoundError, QueryError
from search.facets import TOP, check_facets, check_filters, facet_columns, matching
from search.limits import DEFAULT_TIMEOUT, Deadline, bound, running
from search.query import (
    check_boosts,
    check_fields,
    check_lang,
    date_filter,
    drop_stop_words,
    is_match_all,
    make_parser,
    match_all,
    parse_query,
    plain_query,
    prepare_query,
)
from search.ranking import K1, B, Bm25, combine_fields, weigh_repeats
from search.results import Hit, Results

if TYPE_CHECKING:  # what only feedback, --explain, stats and timelines use is imported by them
    from search.feedback import Feedback
    from search.stats import Stats
    from search.timeline import Timeline

Sort = Literal["relevance", "date", "-date"]
Match = Literal["all", "any"]
MATCHES: tuple[str, ...] = ("all", "any")


class Index:
    """A dateline index opened for searching.

    One searcher is kept and reused across calls, refreshed when another process commits; calls
    are serialised by a lock, so an `Index` may be shared between threads. Use it as a context
    manager, or call `close`.

    ``fields`` are what bare words search; ``boosts`` weigh them (``{"title": 5.0}``, merged
    with the defaults); ``k1`` and ``b`` are BM25's (`search.ranking`). Bad values raise
    `QueryError`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        fields: Sequence[str] = DEFAULT_FIELDS,
        boosts: Mapping[str, float] | None = None,
        k1: float = K1,
        b: float = B,
    ) -> None:
        self.path = resolve_index_path(path)
        self._folder = _folder_id(self.path)  # before opening: a swap in between is seen next time
        with reports_too_many_open_files(self.path):
            self._ix = open_index(self.path)
        self._fields = check_fields(fields)
        try:
            self._weighting = Bm25(k1=k1, b=b)
        except ValueError as exc:
            raise QueryError(str(exc)) from None
        self._boosts = check_boosts(boosts or {})
        self._lock = threading.RLock()
        with reports_too_many_open_files(self.path):
            self._open = _Open(open_searcher(self._ix, weighting=self._weighting))
        # An Index dropped without close() still closes its files (no ResourceWarning); the
        # finalizer holds the searcher's box, not the Index, so it cannot keep the Index alive.
        self._finalizer = weakref.finalize(self, self._open.close)
        self._parsers: dict[tuple[str, ...], object] = {}  # (match, lang, *fields) → parser
        #: Score keyword queries with `search.columnar` (same results, much faster); False
        #: forces Whoosh's matchers, which tests and the benchmark compare against.
        self.columnar = True
        self._columns = None

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the index's files; closing twice is harmless."""
        with self._lock:
            self._finalizer()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _current(self):  # type: ignore[no-untyped-def]
        if self._open.searcher is None:
            raise ValueError("this Index is closed")
        folder = _folder_id(self.path)
        with reports_too_many_open_files(self.path):
            if folder is not None and folder != self._folder:
                # A rebuild swapped another folder in; its commit numbers start afresh, so they may
                # equal the old index's and `up_to_date` would keep the old searcher for good.
                self._ix, self._folder = open_index(self.path), folder
                self._open.swap(open_searcher(self._ix, weighting=self._weighting))
            elif not self._open.searcher.up_to_date():
                self._open.swap(open_searcher(self._ix, weighting=self._weighting))
        return self._open.searcher

    def _parser(self, lang: str, fields: tuple[str, ...], match: str):  # type: ignore[no-untyped-def]
        key = (match, lang, *fields)
        if key not in self._parsers:
            self._parsers[key] = make_parser(self._ix.schema, lang, fields, self._boosts, match=match)
        return self._parsers[key]

    def _query(self, text: str, fields: tuple[str, ...], lang: str | None, match: str, syntax: bool):  # type: ignore[no-untyped-def]
        """One sub-query per language, each over that language's fields and documents only."""
        from whoosh.query import Or, Term

        prepared = prepare_query(text) if syntax else plain_query(text)
        parts = []
        for key in check_lang(lang):
            if is_match_all(prepared):
                q = match_all()
            else:
                q = parse_query(self._parser(key, fields, match), prepared, text)
                q = combine_fields(weigh_repeats(drop_stop_words(q, prepared, STOP_WORDS[key]))).normalize()
            parts.append(FilteredBy(q, Term("lang", key)))
        return bound(parts[0] if len(parts) == 1 else Or(parts))

    # -- queries ---------------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        page: int = 1,
        since: str | date | None = None,
        until: str | date | None = None,
        sort: Sort = "relevance",
        fields: Sequence[str] | None = None,
        lang: str | None = None,
        match: Match = "all",
        syntax: bool = True,
        snippets: bool = True,
        feedback: Feedback | None = None,
        explain: bool = False,
        timeout: float | None = DEFAULT_TIMEOUT,
        facets: Sequence[str] = (),
        filters: Mapping[str, Sequence[str] | str] | None = None,
        facet_limit: int | None = TOP,
        suggest: bool | None = None,
    ) -> Results:
        """Run ``query`` (Whoosh syntax, words ANDed) and return one page of ranked hits.

        ``since``/``until`` bound the document date, both inclusive; ``sort`` is ``relevance``,
        ``date`` (oldest first) or ``-date`` (newest first); ``lang`` (``en``, ``de``, ``xx``)
        restricts to documents in that language. ``match="any"`` ranks documents that hold any
        of the words (OR) instead of all of them. ``syntax=False`` reads ``query`` as plain words,
        so natural-language text with punctuation or operator words is never a syntax error.
        ``snippets=False`` skips the snippets (batch runs). ``feedback`` expands the query with
        the words of its best first hits (`search.feedback`). ``explain=True`` gives each hit
        of the page an ``explanation`` of its score (`search.explain`). ``facets`` (``wire``, ``year`` …)
        are counted over all matching documents, ``facet_limit`` values each (None: all);
        ``filters`` (``{"wire": ["PR Newswire"]}``) keep documents having one of a field's values,
        for every field given (`search.facets`). ``suggest`` fills
        `Results.suggestion` (did you mean): None when the query has few hits
        (`indexer.core.defaults.FEW_HITS`), True always, False never. Raises `QueryError` for bad input
        (`QueryTooLargeError` for a query over `search.limits`' bounds) and `SearchTimeoutError`
        when the search takes longer than ``timeout`` seconds (None or 0: no limit).
        """
        if limit < 0 or page < 1:
            raise QueryError("limit must be 0 (no hits: the total and facets only) or more, page 1 or more")
        if sort not in SORTS:
            raise QueryError(f"unknown sort {sort!r}; choose from {', '.join(SORTS)}")
        _check_timeout(timeout)
        with running(Deadline(query, timeout)) as deadline:
            return self._search(query, deadline, limit=limit, page=page, since=since, until=until, sort=sort,
                                fields=fields, lang=lang, match=match, syntax=syntax, snippets=snippets,
                                feedback=feedback, explain=explain, facets=facets, filters=filters,
                                facet_limit=facet_limit, suggest=suggest)  # fmt: skip

    def _search(self, query: str, deadline: Deadline, *, limit: int, page: int, since: str | date | None,
                until: str | date | None, sort: Sort, fields: Sequence[str] | None, lang: str | None,
                match: Match, syntax: bool, snippets: bool, feedback: Feedback | None, explain: bool,
                facets: Sequence[str], filters: Mapping[str, Sequence[str] | str] | None,
                facet_limit: int | None, suggest: bool | None) -> Results:  # fmt: skip
        started = time.perf_counter()
        facet_names, wanted = check_facets(facets), check_filters(filters)
        q = self._build(query, fields=fields, lang=lang, match=match, syntax=syntax, since=since, until=until)
        sortedby = None if sort == "relevance" else "date"
        with self._lock:
            searcher = self._current()
            if feedback is not None:
                from search.feedback import expand

                q = bound(expand(searcher, q, feedback, self._field_list(fields), self._boosts))
            deadline.check()
            allowed = self._facets(searcher).allowed(wanted) if wanted else None
            if allowed is not None and not allowed.any():
                from whoosh.query import NullQuery

                q = NullQuery  # Whoosh reads an empty filter set as no filter
            top_n = max(page * limit, 1)  # limit 0 lists no hit but still counts them; Whoosh needs 1
            if feedback is not None:
                fast = None
            elif sortedby is None:
                fast = self._fast(searcher, q, top_n, allowed)
            else:
                fast = self._fast_by_date(searcher, q, top_n, allowed, reverse=sort == "-date")
            if fast is not None:
                from whoosh.searching import Results as WhooshResults

                results, total = WhooshResults(searcher, q, fast[0]), fast[1]
            else:
                keep = None if allowed is None else set(np.flatnonzero(allowed).tolist())
                results = whoosh_search(searcher, q, limit=top_n, sortedby=sortedby,
                                        reverse=sort == "-date", terms=True, filter=keep)  # fmt: skip
                total = len(results)
            counts = {}
            if facet_names:
                docs = (
                    fast[2] if fast is not None else matching(self._columns_of(searcher), self._weighting, q, allowed)
                )
                counts = self._facets(searcher).count(facet_names, docs, facet_limit)
            if snippets:
                snippet_maker.configure(results)
            if explain:
                from search.explain import explain as explain_score
            first = (page - 1) * limit
            hits = []
            for i, hit in enumerate(results[first : first + limit]):
                deadline.check()
                hits.append(Hit(
                    rank=first + i + 1,
                    id=hit["id"],
                    score=None if sortedby else float(hit.score),
                    document=from_stored(hit.fields()),
                    snippet=snippet_maker.snippet_for(hit) if snippets else None,
                    explanation=explain_score(searcher, q, hit.docnum, self._weighting) if explain else None,
                ))  # fmt: skip
        elapsed = (time.perf_counter() - started) * 1000
        suggestion = None
        if suggest or (suggest is None and total < FEW_HITS):
            suggestion = self._suggest(query, deadline, total=total, since=since, until=until, fields=fields,
                                       lang=lang, match=match)  # fmt: skip
        balanced = balance(query) if syntax else Balanced(query)
        return Results(query=query, total=total, page=page, limit=limit, elapsed_ms=elapsed, hits=hits,
                       facets=counts, suggestion=suggestion, read_as=balanced.read_as,
                       repairs=balanced.changes)  # fmt: skip

    def suggest(self, query: str, *, total: int | None = None, since: str | date | None = None,
                until: str | date | None = None, fields: Sequence[str] | None = None, lang: str | None = None,
                match: Match = "all", timeout: float | None = DEFAULT_TIMEOUT) -> str | None:  # fmt: skip
        """Did you mean: ``query`` with its misspelt words replaced by words of the index, kept
        only when it finds more documents than ``query`` (``total`` hits, counted when None)
        with the same options; None otherwise (`search.suggest`). Raises `SearchTimeoutError`
        past ``timeout`` seconds (None or 0: no limit)."""
        _check_timeout(timeout)
        with running(Deadline(query, timeout)) as deadline:
            return self._suggest(query, deadline, total=total, since=since, until=until, fields=fields, lang=lang,
                                 match=match)  # fmt: skip

    def _suggest(self, query: str, deadline: Deadline, *, total: int | None, since: str | date | None,
                 until: str | date | None, fields: Sequence[str] | None, lang: str | None,
                 match: Match) -> str | None:  # fmt: skip
        """`suggest` within ``deadline``: a search's own, so that its suggestion is inside its time limit."""
        from search.suggest import MORE_HITS, Speller, corrected

        def count(text: str) -> int:
            return self._search(text, deadline, limit=1, page=1, since=since, until=until, sort="relevance",
                                fields=fields, lang=lang, match=match, syntax=True, snippets=False, feedback=None,
                                explain=False, facets=(), filters=None, facet_limit=None, suggest=False).total  # fmt: skip

        field_list = self._field_list(fields)
        try:
            typed = count(query) if total is None else total
        except QueryError:
            return None
        with self._lock:
            speller = Speller(self._current().reader(), self._ix.schema, check_lang(lang))
            candidate = corrected(query, speller, field_list, found=typed > 0)
        if candidate is None:
            return None
        try:
            better = count(candidate) >= max(typed + 1, MORE_HITS * typed if speller.replaced_known else 0)
        except QueryError:
            return None
        return candidate if better else None

    def ranked(self, query: str, *, limit: int = 1000, fields: Sequence[str] | None = None,
               lang: str | None = None, match: Match = "any", syntax: bool = False,
               feedback: Feedback | None = None,
               timeout: float | None = DEFAULT_TIMEOUT) -> list[tuple[str, float]]:  # fmt: skip
        """The ids and scores of the best ``limit`` documents, best first, and nothing else.

        For batch runs and evaluation: no stored fields are read and no snippets made. Defaults
        suit natural-language queries (plain words, any of them). Raises `QueryError`, and
        `SearchTimeoutError` past ``timeout`` seconds (None or 0: no limit).
        """
        if limit < 1:
            raise QueryError("limit must be 1 or more")
        _check_timeout(timeout)
        with running(Deadline(query, timeout)) as deadline:
            q = self._build(query, fields=fields, lang=lang, match=match, syntax=syntax)
            with self._lock:
                return self._ranked(q, deadline, limit, fields, feedback)

    def _ranked(self, q, deadline: Deadline, limit: int, fields: Sequence[str] | None,
                feedback: Feedback | None) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]  # fmt: skip
        """`ranked` once the query is built, under the lock."""
        searcher = self._current()
        if feedback is not None:
            from search.feedback import expand

            q = bound(expand(searcher, q, feedback, self._field_list(fields), self._boosts))
        deadline.check()
        ids = searcher.reader().column_reader("id")
        fast = self._fast(searcher, q, limit) if feedback is None else None
        top_n = fast[0] if fast is not None else whoosh_search(searcher, q, limit=limit).top_n
        return [(ids[docnum], float(score)) for score, docnum in top_n]

    def _fast(self, searcher, q, limit: int, allowed=None):  # type: ignore[no-untyped-def]
        """(top hits, total, matching document numbers) by `search.columnar`, or None where the
        query needs Whoosh's matchers (wildcards, NOT …) or the fast path is switched off.
        ``allowed`` (a boolean array over the documents) narrows the matches (filters)."""
        if not self.columnar:
            return None
        from search.columnar import Evaluator, Unsupported, top

        columns = self._columns_of(searcher)
        try:
            scored = Evaluator(columns, self._weighting).run(q)
        except Unsupported:
            return None
        live = columns.live if allowed is None else columns.live & allowed
        return (*top(scored, live, limit), scored.ids[live[scored.ids]])

    def _fast_by_date(self, searcher, q, limit: int, allowed=None, *, reverse: bool = False):  # type: ignore[no-untyped-def]
        """`_fast` for a search sorted by date: the matches of `search.columnar` in date order
        (`columnar.by_date`), or None where the query needs Whoosh's matchers."""
        if not self.columnar:
            return None
        from search.columnar import Evaluator, Unsupported, by_date

        columns = self._columns_of(searcher)
        try:
            ids = Evaluator(columns, self._weighting).run(q).ids
        except Unsupported:
            return None
        live = columns.live if allowed is None else columns.live & allowed
        docs = ids[live[ids]]
        return by_date(columns, docs, limit, reverse), len(docs), docs

    def _columns_of(self, searcher):  # type: ignore[no-untyped-def]
        """`search.columnar.Columns` of ``searcher``, kept until the searcher is refreshed."""
        from search.columnar import Columns

        if self._columns is None or self._columns.searcher is not searcher:
            self._columns = Columns(searcher)
        return self._columns

    def _facets(self, searcher):  # type: ignore[no-untyped-def]
        return facet_columns(self._columns_of(searcher))

    def timeline(self, query: str, *, by: str = "month", since: str | date | None = None,
                 until: str | date | None = None, fields: Sequence[str] | None = None, lang: str | None = None,
                 match: Match = "all", filters: Mapping[str, Sequence[str] | str] | None = None,
                 timeout: float | None = DEFAULT_TIMEOUT) -> Timeline:  # fmt: skip
        """Counts of the documents matching ``query`` per ``day``, ``week`` (ISO) or ``month``,
        every period from the first to the last (or ``since`` … ``until``) listed, empty ones
        as 0; documents without a date are counted apart (`search.timeline`). Raises `QueryError`,
        and `SearchTimeoutError` past ``timeout`` seconds (None or 0: no limit), as `search` does."""
        from search.timeline import bound_days, check_by, count_periods

        check_by(by)
        wanted = check_filters(filters)
        _check_timeout(timeout)
        with running(Deadline(query, timeout)) as deadline:
            q = self._build(query, fields=fields, lang=lang, match=match, syntax=True, since=since, until=until)
            first, last = bound_days(date_filter(self._ix.schema, since, until))
            with self._lock:
                searcher = self._current()
                deadline.check()
                view = self._facets(searcher)
                docs = matching(view.columns, self._weighting, q, view.allowed(wanted) if wanted else None)
                deadline.check()
                days = view.day_numbers()[docs]
        return count_periods(query, by, days, first, last)

    def _build(self, query: str, *, fields: Sequence[str] | None, lang: str | None, match: str, syntax: bool,
               since: str | date | None = None, until: str | date | None = None):  # type: ignore[no-untyped-def]  # fmt: skip
        if match not in MATCHES:
            raise QueryError(f"unknown match {match!r}; choose from {', '.join(MATCHES)}")
        q = self._query(query, self._field_list(fields), lang, match, syntax)
        bounds = date_filter(self._ix.schema, since, until)
        if bounds is None:
            return q
        from whoosh.query import And

        return And([q, bounds])

    def _field_list(self, fields: Sequence[str] | None) -> tuple[str, ...]:
        return tuple(check_fields(fields)) if fields else tuple(self._fields)

    def similar(self, doc_id: str, limit: int = 10, *, timeout: float | None = DEFAULT_TIMEOUT) -> Results:
        """The ``limit`` documents most like ``doc_id`` (itself excluded), best first: more like
        this, by the key terms of its title and body (`search.similar`); `Results.query` is the
        id. Raises `DocumentNotFoundError`, and `SearchTimeoutError` past ``timeout`` seconds
        (None or 0: no limit), as `search` does."""
        from search.similar import similar

        _check_timeout(timeout)
        with running(Deadline(doc_id, timeout)) as deadline:
            deadline.check()
            return similar(self, doc_id, limit)

    def get(self, doc_id: str) -> Document:
        """The stored document with id ``doc_id`` (or whose file is at that path, `known_id`);
        raises `DocumentNotFoundError`."""
        with self._lock:
            stored = self._current().document(id=self.known_id(doc_id))
        return from_stored(stored)

    def known_id(self, doc_id: str) -> str:
        """``doc_id`` if a document has it, else the id of the document whose file is at path
        ``doc_id`` under one of the index's roots (`search.doc_ids`); raises
        `DocumentNotFoundError`, saying what an id looks like."""
        from indexer.core.store import read_roots
        from search.doc_ids import ID_HINT, ids_for_path

        with self._lock:
            searcher = self._current()
            if searcher.document_number(id=doc_id) is not None:
                return doc_id
            roots = read_roots(self.path, self._ix.latest_generation()) or []
            for candidate in ids_for_path(doc_id, roots):
                if searcher.document_number(id=candidate) is not None:
                    return candidate
        raise DocumentNotFoundError(f"no document with id {doc_id!r} in {self.path} ({ID_HINT})")

    def __len__(self) -> int:
        with self._lock:
            return self._current().doc_count()

    def stats(self) -> Stats:
        """Counts, date range, top issuers and wires, fields, and size on disk."""
        from search.stats import compute_stats

        with self._lock:
            return compute_stats(self._current().reader(), self.path, self._ix.schema)


def _check_timeout(timeout: float | None) -> None:
    if timeout is not None and not timeout >= 0:
        raise QueryError(f"timeout must be 0 (no limit) or more seconds (got {timeout})")


def _folder_id(path: os.PathLike[str]) -> tuple[int, int] | None:
    """The identity of the folder at ``path`` (a rebuild's swap changes it), or None when
    there is none for the moment (a swap by two renames is half-way)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


class _Open:
    """The searcher an `Index` holds open, boxed so that its finalizer can close whichever one
    is current without referring to the `Index` itself."""

    __slots__ = ("searcher",)

    def __init__(self, searcher: object) -> None:
        self.searcher: object | None = searcher

    def swap(self, searcher: object) -> None:
        old, self.searcher = self.searcher, searcher
        if old is not None:
            old.close()  # type: ignore[attr-defined]

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()  # type: ignore[attr-defined]
            self.searcher = None
