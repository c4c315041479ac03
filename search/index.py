"""`Index`: the Python API for searching a dateline index."""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from indexer.core.defaults import DEFAULT_TIMEOUT, FEW_HITS
from indexer.core.document import Document
from indexer.core.openfiles import reports_too_many_open_files
from indexer.core.records import from_stored
from indexer.core.schema import DEFAULT_FIELDS, lang_key
from indexer.core.store import open_index, resolve_index_path
from indexer.engine.opening import open_searcher
from search import snippets as snippet_maker
from search.balance import Balanced, balance
from search.collecting import search as whoosh_search
from search.errors import DocumentNotFoundError, QueryError
from search.expansion import expand_words
from search.facets import TOP, FacetColumns, facet_columns, matching
from search.limits import Deadline, bound, running
from search.live import collect, scoring_with, statistics_of
from search.plan import Planner
from search.query import check_boosts, check_fields
from search.ranking import K1, B, Bm25
from search.request import MATCHES, SORTS, Match, SearchRequest, Sort, check_timeout
from search.results import Copy, FacetCount, Hit, Results, ScoreDoc, Story, TopDocs
from search.statistics import CollectionStats, ExpansionKey

if TYPE_CHECKING:  # what only feedback, --explain, stats and timelines use is imported by them
    import whoosh.query as wq

    from indexer.core.groups import Groups
    from search.columnar import Columns
    from search.feedback import Feedback
    from search.marking import Marked
    from search.news import Arranged, NewsOptions
    from search.similar import Likeness
    from search.stats import Stats
    from search.timeline import DayCounts, Timeline

__all__ = ["MATCHES", "SORTS", "Index", "Match", "Sort"]  # the sort and match names live in `search.request`


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
        fields = check_fields(fields)
        try:
            self._weighting = Bm25(k1=k1, b=b)
        except ValueError as exc:
            raise QueryError(str(exc)) from None
        self._planner = Planner(self._ix.schema, fields, check_boosts(boosts or {}))
        self._lock = threading.RLock()
        with reports_too_many_open_files(self.path):
            self._open = _Open(open_searcher(self._ix, weighting=self._weighting))
        # An Index dropped without close() still closes its files (no ResourceWarning); the
        # finalizer holds the searcher's box, not the Index, so it cannot keep the Index alive.
        self._finalizer = weakref.finalize(self, self._open.close)
        #: Score keyword queries with `search.columnar` (same results, much faster); False
        #: forces Whoosh's matchers, which tests and the benchmark compare against.
        self.columnar = True
        self._columns: Columns | None = None
        self._groups: tuple[Any, Groups | None] | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the index's files; closing twice is harmless."""
        with self._lock:
            self._finalizer()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _current(self) -> Any:
        """The searcher, reopened first when another process committed or a rebuild swapped the folder."""
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
        statistics: CollectionStats | None = None,
        collapse: bool = False,
        recent: str | float | None = None,
        now: str | date | datetime | None = None,
        per_source: int | None = None,
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
        (`indexer.core.defaults.FEW_HITS`), True always, False never. ``statistics`` (a cluster's,
        `search.statistics.CollectionStats`) replace the index's own in every score (and give the
        words each wildcard matches): the shard of a cluster scores as one big index would.
        News ranking (`search.news`), all off by default: ``collapse`` shows the copies of one
        story once, at the best-ranked, with the others in `Hit.copies` and `Results.stories`
        counting stories, and lets a template family fill one place per page; ``recent`` (a
        half-life: ``"30d"``, ``"12h"``, or days) decays scores with age from the newest document
        or ``now``; ``per_source`` caps the hits of one site on a page.
        Raises `QueryError` for bad input
        (`QueryTooLargeError` for a query over `search.limits`' bounds) and `SearchTimeoutError`
        when the search takes longer than ``timeout`` seconds (None or 0: no limit).
        """
        request = SearchRequest(
            query,
            limit=limit,
            page=page,
            since=since,
            until=until,
            sort=sort,
            fields=_tuple(fields),
            lang=lang,
            match=match,
            syntax=syntax,
            snippets=snippets,
            feedback=feedback,
            explain=explain,
            timeout=timeout,
            facets=tuple(facets),
            filters=filters or {},
            facet_limit=facet_limit,
            suggest=suggest,
            news=_news_options(collapse, recent, now, per_source),
        )
        with running(Deadline(query, timeout)) as deadline:
            return self._search(request, deadline, statistics)

    def _search(self, request: SearchRequest, deadline: Deadline, statistics: CollectionStats | None = None) -> Results:
        """`search` of a checked ``request`` within ``deadline``, scored with ``statistics`` if given."""
        started = time.perf_counter()
        q = self._planner.build(request)
        with self._lock:
            searcher, q, found, counts = self._match(request, q, deadline, statistics)
            hits = self._hits(
                searcher,
                found,
                q,
                deadline,
                first=(request.page - 1) * request.limit,
                limit=request.limit,
                scored=not request.sorted_by_date,
                snippets=request.snippets,
                explain=request.explain,
                news=found.arranged,
            )
        elapsed = (time.perf_counter() - started) * 1000
        suggestion = None
        if request.suggest or (request.suggest is None and found.total < FEW_HITS):
            suggestion = self._suggest(request, deadline, total=found.total)
        balanced = balance(request.text) if request.syntax else Balanced(request.text)
        return Results(
            query=request.text,
            total=found.total,
            page=request.page,
            limit=request.limit,
            elapsed_ms=elapsed,
            hits=hits,
            facets=counts,
            suggestion=suggestion,
            read_as=balanced.read_as,
            repairs=balanced.changes,
            stories=found.arranged.stories if found.arranged is not None else None,
        )

    def _scoring(self, statistics: CollectionStats | None) -> Any:
        """The current searcher, or a view of it scoring with ``statistics`` when given (a
        cluster's, `search.live.scoring_with`); the caller holds the lock."""
        base = self._current()
        return base if statistics is None else scoring_with(base, statistics)

    def _match(
        self, request: SearchRequest, q: wq.Query, deadline: Deadline, statistics: CollectionStats | None
    ) -> tuple[Any, wq.Query, _Found, dict[str, list[FacetCount]]]:
        """The searcher (scoring with ``statistics`` if given), the query as run, its best
        ``request.top_n`` matches and its facet counts; the caller holds the lock."""
        searcher = self._scoring(statistics)
        q = self._ready(searcher, q, request, statistics)
        deadline.check()
        wanted = request.filters
        allowed = self._facets(searcher).allowed(wanted) if wanted else None
        if allowed is not None and not allowed.any():
            from whoosh.query import NullQuery

            q = NullQuery  # Whoosh reads an empty filter set as no filter
        found = self._find(
            searcher,
            q,
            request.top_n,
            sort=request.sort,
            allowed=allowed,
            fast=request.feedback is None,
            news=request.news,
            page_size=request.limit,
        )
        counts: dict[str, list[FacetCount]] = {}
        if request.facets:
            docs = found.docs
            if docs is None:
                docs = matching(self._columns_of(searcher), self._weighting, q, allowed)
            counts = self._facets(searcher).count(request.facets, docs, request.facet_limit)
        return searcher, q, found, counts

    def top_docs(
        self,
        query: str,
        *,
        top_n: int = 10,
        since: str | date | None = None,
        until: str | date | None = None,
        sort: Sort = "relevance",
        fields: Sequence[str] | None = None,
        lang: str | None = None,
        match: Match = "all",
        syntax: bool = True,
        timeout: float | None = DEFAULT_TIMEOUT,
        facets: Sequence[str] = (),
        filters: Mapping[str, Sequence[str] | str] | None = None,
        statistics: CollectionStats | None = None,
        like: Likeness | None = None,
    ) -> TopDocs:
        """The best ``top_n`` matches of ``query`` as `ScoreDoc` values (no stored field read), how many
        matched, and every value of each facet counted (none cut): a shard's answer to a cluster's
        query round, merged by `search.cluster.merging`. Options as for `search`; with ``like``
        (`search.similar.Likeness`), its "more like this" query instead of ``query``, its own
        document left out."""
        request = SearchRequest(
            query,
            limit=top_n,
            since=since,
            until=until,
            sort=sort,
            fields=_tuple(fields),
            lang=lang,
            match=match,
            syntax=syntax,
            timeout=timeout,
            facets=tuple(facets),
            filters=filters or {},
            facet_limit=None,
            snippets=False,
        )
        with running(Deadline(query, timeout)) as deadline:
            q = self._planner.build(request) if like is None else like.query()
            with self._lock:
                searcher, q, found, counts = self._match(request, q, deadline, statistics)
                ids = searcher.reader().column_reader("id")
                dates = self._columns_of(searcher).numbers("date")[0]
                scored = not request.sorted_by_date
                docs = tuple(
                    ScoreDoc(float(score) if scored else 0.0, int(docnum), ids[docnum], int(dates[docnum]))
                    for score, docnum in found.results.top_n
                )
                own = like is not None and searcher.document_number(id=like.doc_id) is not None
        if own:  # the document matches its own key terms: never its own hit
            assert like is not None
            return TopDocs(found.total - 1, tuple(d for d in docs if d.id != like.doc_id), counts)
        return TopDocs(total=found.total, docs=docs, facets=counts)

    def fetch(
        self,
        query: str,
        docs: Sequence[tuple[int, str, float | None]],
        *,
        fields: Sequence[str] | None = None,
        lang: str | None = None,
        match: Match = "all",
        syntax: bool = True,
        snippets: bool = True,
        explain: bool = False,
        timeout: float | None = DEFAULT_TIMEOUT,
        statistics: CollectionStats | None = None,
        like: Likeness | None = None,
    ) -> list[Hit]:
        """The `Hit` of each of ``docs`` ((rank, id, score or None) each), with stored fields, snippets for
        ``query`` and, with ``explain``, explanations scored with ``statistics``: a shard's part of
        the page a cluster shows (``like``: of a "more like this", `top_docs`). A document gone
        since (another commit) is left out."""
        from whoosh.searching import Results as WhooshResults

        request = SearchRequest(
            query, fields=_tuple(fields), lang=lang, match=match, syntax=syntax, timeout=timeout, explain=explain
        )
        with running(Deadline(query, timeout)) as deadline:
            q = self._planner.build(request) if like is None else like.query()
            with self._lock:
                searcher = self._scoring(statistics)
                q = self._ready(searcher, q, request, statistics)
                wanted = [(rank, score, searcher.document_number(id=doc_id)) for rank, doc_id, score in docs]
                present = [(rank, score, docnum) for rank, score, docnum in wanted if docnum is not None]
                top = [(score or 0.0, docnum) for _, score, docnum in present]
                found = _Found(WhooshResults(searcher, q, top), len(top), None)
                hits = self._hits(
                    searcher, found, q, deadline, first=0, limit=len(top), snippets=snippets, explain=explain
                )
        return [replace(hit, rank=rank, score=score) for hit, (rank, score, _) in zip(hits, present, strict=True)]

    def suggest(
        self,
        query: str,
        *,
        total: int | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
        fields: Sequence[str] | None = None,
        lang: str | None = None,
        match: Match = "all",
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> str | None:
        """Did you mean: ``query`` with its misspelt words replaced by words of the index, kept
        only when it finds more documents than ``query`` (``total`` hits, counted when None)
        with the same options; None otherwise (`search.suggest`). Raises `SearchTimeoutError`
        past ``timeout`` seconds (None or 0: no limit)."""
        check_timeout(timeout)
        try:
            request = SearchRequest(
                query, since=since, until=until, fields=_tuple(fields), lang=lang, match=match, timeout=timeout
            )
        except QueryError:
            return None  # a query that cannot run has no better spelling
        with running(Deadline(query, timeout)) as deadline:
            return self._suggest(request, deadline, total=total)

    def _suggest(self, request: SearchRequest, deadline: Deadline, *, total: int | None) -> str | None:
        """`suggest` within ``deadline``: a search's own, so that its suggestion is inside its time limit.
        Counts use the request's dates, fields, languages and match; ``total`` is its hits (None: count them)."""
        from search.suggest import MORE_HITS, Speller, corrected

        def count(text: str) -> int:
            counting = replace(
                request,
                text=text,
                limit=1,
                page=1,
                sort="relevance",
                syntax=True,
                snippets=False,
                feedback=None,
                explain=False,
                facets=(),
                filters={},
                facet_limit=None,
                suggest=False,
            )
            return self._search(counting, deadline).total

        try:
            typed = count(request.text) if total is None else total
        except QueryError:
            return None
        with self._lock:
            speller = Speller(self._current().reader(), self._ix.schema, request.langs)
            candidate = corrected(request.text, speller, self._planner.fields_of(request), found=typed > 0)
        if candidate is None:
            return None
        try:
            better = count(candidate) >= max(typed + 1, MORE_HITS * typed if speller.replaced_known else 0)
        except QueryError:
            return None
        return candidate if better else None

    def ranked(
        self,
        query: str,
        *,
        limit: int = 1000,
        fields: Sequence[str] | None = None,
        lang: str | None = None,
        match: Match = "any",
        syntax: bool = False,
        feedback: Feedback | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        statistics: CollectionStats | None = None,
    ) -> list[tuple[str, float]]:
        """The ids and scores of the best ``limit`` documents, best first, and nothing else.

        For batch runs and evaluation: no stored fields are read and no snippets made. Defaults
        suit natural-language queries (plain words, any of them); ``statistics`` as for `search`.
        Raises `QueryError`, and
        `SearchTimeoutError` past ``timeout`` seconds (None or 0: no limit).
        """
        request = SearchRequest(
            query,
            limit=limit,
            fields=_tuple(fields),
            lang=lang,
            match=match,
            syntax=syntax,
            feedback=feedback,
            timeout=timeout,
            ranked=True,
        )
        with running(Deadline(query, timeout)) as deadline:
            q = self._planner.build(request)
            with self._lock:
                searcher = self._scoring(statistics)
                q = self._ready(searcher, q, request, statistics)
                deadline.check()
                ids = searcher.reader().column_reader("id")
                found = self._find(searcher, q, limit, fast=feedback is None, terms=False)
                return [(ids[docnum], float(score)) for score, docnum in found.results.top_n]

    def similar(self, doc_id: str, limit: int = 10, *, timeout: float | None = DEFAULT_TIMEOUT) -> Results:
        """The ``limit`` documents most like ``doc_id`` (itself excluded), best first: more like
        this, by the key terms of its title and body (`search.similar`); `Results.query` is the
        id. Raises `DocumentNotFoundError`, and `SearchTimeoutError` past ``timeout`` seconds
        (None or 0: no limit), as `search` does."""
        from search.similar import describe

        check_timeout(timeout)
        SearchRequest(doc_id, limit=limit, timeout=timeout, ranked=True)  # the checks of limit and time
        with running(Deadline(doc_id, timeout)) as deadline:
            deadline.check()
            started = time.perf_counter()
            with self._lock:
                searcher = self._current()
                doc_id = self.known_id(doc_id)  # an id, or the path of an indexed file
                docnum = searcher.document_number(id=doc_id)
                like = describe(searcher, self._ix.schema, doc_id)
                if not like.terms:
                    return Results(query=doc_id, total=0, page=1, limit=limit, elapsed_ms=0.0)
                q = like.query()
                found = self._find(searcher, q, limit + 1)
                hits = self._hits(searcher, found, q, deadline, first=0, limit=limit, skip=docnum)
                copies = self._copies(searcher, docnum)
            elapsed = (time.perf_counter() - started) * 1000
            return Results(
                query=doc_id,
                total=found.total - 1,
                page=1,
                limit=limit,
                elapsed_ms=elapsed,
                hits=hits,
                copies=copies,
            )

    def copies(self, doc_id: str) -> tuple[Copy, ...]:
        """The other copies of ``doc_id``'s story (or the file at that path), lead first
        (`indexer.write.grouping`); none when it has none. Raises `DocumentNotFoundError`."""
        with self._lock:
            searcher = self._current()
            doc_id = self.known_id(doc_id)
            return self._copies(searcher, searcher.document_number(id=doc_id))

    def duplicates(
        self, query: str | None = None, *, limit: int = 10, timeout: float | None = DEFAULT_TIMEOUT
    ) -> list[Story]:
        """The ``limit`` largest groups of copies (most copies first, then the newest), of the
        whole index or of the documents matching ``query`` (options as `search`'s defaults)."""
        from search.results import Story

        if limit < 1:
            raise QueryError("limit must be 1 or more")
        text = query if query is not None else "*"
        request = SearchRequest(text, limit=limit, timeout=timeout, snippets=False)
        with running(Deadline(text, timeout)) as deadline, self._lock:
            searcher = self._current()
            groups = self._groups_of(searcher)
            if query is None:
                live = self._columns_of(searcher).live
                docs = np.flatnonzero(live)
            else:
                q = self._ready(searcher, self._planner.build(request), request, None)
                deadline.check()
                docs = self._every_match(searcher, q)
            wanted = np.unique(groups.group[docs][groups.group[docs] >= 0])
            order = np.lexsort((-groups.time[groups.lead[wanted]], -groups.size[wanted]))
            stories = []
            stored = searcher.reader()
            for g in wanted[order][:limit].tolist():
                members = groups.members(g)
                title = stored.stored_fields(int(members[0])).get("title")
                stories.append(Story(title, tuple(self._copy(searcher, groups, int(d)) for d in members)))
            return stories

    def _every_match(self, searcher: Any, q: wq.Query) -> np.ndarray:
        """The numbers of every live document ``q`` matches."""
        matched = self._fast_all(searcher, q, None)
        if matched is not None:
            return matched[0]
        results = whoosh_search(searcher, q, limit=None, terms=False)
        return np.asarray(sorted(d for _, d in results.top_n), dtype=np.int64)

    def _copies(self, searcher: Any, docnum: int | None) -> tuple[Copy, ...]:
        """The other copies of document ``docnum``'s story, lead first."""
        groups = self._groups_of(searcher)
        if docnum is None or groups.group[docnum] < 0:
            return ()
        return tuple(
            self._copy(searcher, groups, int(d)) for d in groups.members(int(groups.group[docnum])) if d != docnum
        )

    def _copy(self, searcher: Any, groups: Groups, docnum: int) -> Copy:
        from search.results import Copy

        ids = searcher.reader().column_reader("id")
        lead = bool(groups.group[docnum] >= 0 and groups.lead[groups.group[docnum]] == docnum)
        return Copy(ids[docnum], groups.site_name(docnum), _day(int(groups.time[docnum])), lead)

    def likeness(self, doc_id: str, statistics: CollectionStats | None = None) -> Likeness:
        """The key terms of ``doc_id`` (or the file at that path) that `similar` searches for, by
        this index's statistics or the ``statistics`` given; with ``statistics=CollectionStats()``
        every candidate term weighs 1 (a cluster asks each shard for their figures first)."""
        from search.similar import Likeness, describe, term_counts

        with self._lock:
            doc_id = self.known_id(doc_id)
            if statistics is not None and not statistics.documents:
                stored = self._current().document(id=doc_id)
                lang = lang_key(stored.get("language"))
                counts = term_counts(self._ix.schema, stored, lang)
                return Likeness(doc_id, lang, tuple((term, 1.0) for term in sorted(counts)))
            return describe(self._scoring(statistics), self._ix.schema, doc_id)

    # -- the one way from a built query to hits ----------------------------------------------------
    def _ready(
        self, searcher: Any, q: wq.Query, request: SearchRequest, statistics: CollectionStats | None = None
    ) -> wq.Query:
        """``q`` with its wildcards and fuzzy words spelled out against the whole index, or as
        ``statistics`` give them (`search.expansion`), and the request's feedback words added
        (`search.feedback`)."""
        q = expand_words(q, searcher.reader(), None if statistics is None else statistics.expansions)
        if request.feedback is None:
            return q
        from search.feedback import expand

        return bound(expand(searcher, q, request.feedback, self._planner.fields_of(request), self._planner.boosts))

    def statistics(
        self,
        query: str,
        *,
        fields: Sequence[str] | None = None,
        lang: str | None = None,
        match: Match = "all",
        syntax: bool = True,
        since: str | date | None = None,
        until: str | date | None = None,
        like: Likeness | None = None,
    ) -> CollectionStats:
        """This index's figures that scoring ``query`` with these options reads (documents per
        language, field lengths, each of its terms' document frequency, its wildcards' words):
        what a shard reports in a cluster's first round (`search.statistics`). Sum every shard's
        and hand the total to `search` as ``statistics``. With ``like`` (`search.similar.Likeness`),
        the figures of its "more like this" query instead. Raises `QueryError` as `search` does."""
        request = SearchRequest(
            query, fields=_tuple(fields), lang=lang, match=match, syntax=syntax, since=since, until=until
        )
        q = self._planner.build(request) if like is None else like.query()
        with self._lock:
            searcher = self._current()
            found: dict[ExpansionKey, tuple[bytes, ...]] = {}
            q = expand_words(q, searcher.reader(), found=found)
            return collect(searcher, q, found)

    def _find(
        self,
        searcher: Any,
        q: wq.Query,
        top_n: int,
        *,
        sort: str = "relevance",
        allowed: np.ndarray | None = None,
        fast: bool = True,
        terms: bool = True,
        news: NewsOptions | None = None,
        page_size: int = 10,
    ) -> _Found:
        """The best ``top_n`` matches of ``q`` in ``sort`` order: from `search.columnar` where it
        handles the query (and ``fast``), else from Whoosh's matchers (which record the matched
        terms for snippets when ``terms``). ``allowed`` (a boolean array over the documents)
        narrows the matches (filters). With ``news`` options, every match is arranged
        (`search.news`) in pages of ``page_size`` before the best ``top_n`` are kept."""
        from whoosh.searching import Results as WhooshResults

        if news is not None and news.active:
            return self._arranged(searcher, q, top_n, sort, allowed, fast, terms, news, page_size)

        quick = self._fast(searcher, q, top_n, allowed, sort=sort) if fast else None
        if quick is not None:
            return _Found(WhooshResults(searcher, q, quick[0]), quick[1], quick[2])
        keep = None if allowed is None else set(np.flatnonzero(allowed).tolist())
        sortedby = None if sort == "relevance" else "date"
        results = whoosh_search(
            searcher, q, limit=top_n, sortedby=sortedby, reverse=sort == "-date", terms=terms, filter=keep
        )
        # Whoosh counts a search that skipped blocks by re-running its query without the filter.
        total = len(results) if keep is None else len(keep.intersection(results.docs()))
        return _Found(results, total, None)

    def _arranged(
        self,
        searcher: Any,
        q: wq.Query,
        top_n: int,
        sort: str,
        allowed: np.ndarray | None,
        fast: bool,
        terms: bool,
        news: NewsOptions,
        page_size: int,
    ) -> _Found:
        """`_find` with news ranking: every match scored (or dated), then arranged (`search.news`)."""
        from whoosh.searching import Results as WhooshResults

        from search.news import arrange

        groups = self._groups_of(searcher, need_sites=news.per_source is not None)
        scores: np.ndarray | None
        matched = self._fast_all(searcher, q, allowed) if fast else None
        if matched is not None:
            docs, scores = matched
        else:
            keep = None if allowed is None else set(np.flatnonzero(allowed).tolist())
            results = whoosh_search(searcher, q, limit=None, terms=terms, filter=keep)
            pairs = sorted((int(d), float(sc)) for sc, d in results.top_n)
            docs = np.asarray([d for d, _ in pairs], dtype=np.int64)
            scores = np.asarray([sc for _, sc in pairs], dtype=np.float64)
            if allowed is not None:
                inside = allowed[docs]
                docs, scores = docs[inside], scores[inside]
        dates, missing = self._columns_of(searcher).numbers("date")
        times = None
        if news.half_life is not None:  # the date column, as seconds: an index without groups has it too
            from indexer.write.sigs import NO_TIME

            seconds = (dates.astype(np.int64) - _EPOCH_TICKS) // 1_000_000
            times = np.where(dates == missing, NO_TIME, seconds).astype(np.int64)
        if sort != "relevance":
            scores = None
        arranged = arrange(
            docs, scores, groups, news, wanted=top_n, page_size=page_size, order=sort, dates=dates, times=times
        )
        return _Found(WhooshResults(searcher, q, arranged.top), len(docs), docs, arranged)

    def _fast_all(self, searcher: Any, q: wq.Query, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray] | None:
        """Every live match of ``q`` (in ``allowed``) and its score, by `search.columnar`; None where
        the query needs Whoosh's matchers or the fast path is off."""
        found = self._scored(searcher, q, allowed)
        if found is None:
            return None
        scored, live = found
        keep = live[scored.ids]
        return scored.ids[keep], scored.scores[keep]

    def _scored(self, searcher: Any, q: wq.Query, allowed: np.ndarray | None) -> tuple[Any, np.ndarray] | None:
        """``q`` scored by `search.columnar` (`Scored`) and the documents that may match (live, and
        ``allowed``); None where the query needs Whoosh's matchers or the fast path is off."""
        if not self.columnar:
            return None
        from search.columnar import Evaluator, Unsupported

        columns = self._columns_of(searcher)
        given = None if searcher is columns.searcher else statistics_of(searcher)
        try:
            scored = Evaluator(columns, self._weighting, given).run(q)
        except Unsupported:
            return None
        return scored, columns.live if allowed is None else columns.live & allowed

    def _groups_of(self, searcher: Any, *, need_sites: bool = False) -> Groups:
        """The copies and templates (`indexer.core.groups`) of the generation ``searcher`` reads, kept
        until it is refreshed; none for an index written before dateline found them, where a
        search that needs each document's site raises `QueryError`."""
        from indexer.core.groups import Groups, read_groups

        searcher = getattr(searcher, "_dateline_base", searcher)
        cached = self._groups
        if cached is None or cached[0] is not searcher:
            reader = searcher.reader()
            found = read_groups(self.path, reader.generation(), reader.doc_count_all())
            cached = self._groups = (searcher, found)
        if cached[1] is None:
            if need_sites:
                raise QueryError(
                    f"the index at {self.path} was written before dateline kept each document's site; "
                    "rebuild it (dateline index --rebuild PATH...) to cap hits per source"
                )
            return Groups.none(searcher.reader().doc_count_all())
        return cached[1]

    def _hits(
        self,
        searcher: Any,
        found: _Found,
        q: wq.Query,
        deadline: Deadline,
        *,
        first: int,
        limit: int,
        scored: bool = True,
        snippets: bool = True,
        explain: bool = False,
        skip: int | None = None,
        news: Arranged | None = None,
    ) -> list[Hit]:
        """`Hit`s of the ``limit`` matches from rank ``first`` (0-based) of ``found``, without document
        number ``skip``; scores None unless ``scored``, with snippets and explanations if asked,
        and the copies and adjustments of news ranking (``news``, `search.news`)."""
        results = found.results
        if snippets:
            snippet_maker.configure(results)
        if explain:
            from search.explain import explain as explain_score
        window = results[first : first + limit + (skip is not None)]
        if skip is not None:
            window = [hit for hit in window if hit.docnum != skip][:limit]
        hits: list[Hit] = []
        for i, hit in enumerate(window):
            deadline.check()
            hits.append(
                Hit(
                    rank=first + i + 1,
                    id=hit["id"],
                    score=float(hit.score) if scored else None,
                    document=from_stored(hit.fields()),
                    snippet=snippet_maker.snippet_for(hit) if snippets else None,
                    explanation=explain_score(searcher, q, hit.docnum, self._weighting) if explain else None,
                )
            )
        if news is not None:
            hits = self._with_copies(searcher, hits, [hit.docnum for hit in window], news)
        return hits

    def _with_copies(self, searcher: Any, hits: list[Hit], docnums: list[int], news: Arranged) -> list[Hit]:
        """``hits`` (of document numbers ``docnums``) with their copies and news adjustments."""
        groups = self._groups_of(searcher)
        out = []
        for hit, docnum in zip(hits, docnums, strict=False):
            copies = tuple(self._copy(searcher, groups, d) for d in news.copies.get(docnum, ()))
            explanation = hit.explanation
            adjustment = news.adjustments.get(docnum)
            if explanation is not None and adjustment is not None:
                explanation = replace(explanation, adjustment=adjustment)
            lead = bool(copies) and bool(groups.lead[groups.group[docnum]] == docnum)
            out.append(replace(hit, copies=copies, lead=lead if copies else None, explanation=explanation))
        return out

    def _fast(
        self, searcher: Any, q: wq.Query, limit: int, allowed: np.ndarray | None = None, *, sort: str = "relevance"
    ) -> tuple[list[tuple[float, int]], int, np.ndarray] | None:
        """(top hits, total, matching document numbers) by `search.columnar`, in ``sort`` order, or
        None where the query needs Whoosh's matchers (wildcards, NOT …) or the fast path is switched
        off. ``allowed`` (a boolean array over the documents) narrows the matches (filters)."""
        from search.columnar import by_date, top

        found = self._scored(searcher, q, allowed)
        if found is None:
            return None
        scored, live = found
        columns = self._columns_of(searcher)
        docs = scored.ids[live[scored.ids]]
        if sort == "relevance":
            return (*top(scored, live, limit), docs)
        return by_date(columns, docs, limit, sort == "-date"), len(docs), docs

    def _fast_by_date(
        self, searcher: Any, q: wq.Query, limit: int, allowed: np.ndarray | None = None, *, reverse: bool = False
    ) -> tuple[list[tuple[float, int]], int, np.ndarray] | None:
        """`_fast` sorted by date (`columnar.by_date`), newest first with ``reverse``."""
        return self._fast(searcher, q, limit, allowed, sort="-date" if reverse else "date")

    def _columns_of(self, searcher: Any) -> Columns:
        """`search.columnar.Columns` of ``searcher``, kept until the searcher is refreshed."""
        from search.columnar import Columns

        searcher = getattr(searcher, "_dateline_base", searcher)  # a view scoring with given statistics
        if self._columns is None or self._columns.searcher is not searcher:
            self._columns = Columns(searcher)
        return self._columns

    def _facets(self, searcher: Any) -> FacetColumns:
        return facet_columns(self._columns_of(searcher))

    def timeline(
        self,
        query: str,
        *,
        by: str = "month",
        since: str | date | None = None,
        until: str | date | None = None,
        fields: Sequence[str] | None = None,
        lang: str | None = None,
        match: Match = "all",
        filters: Mapping[str, Sequence[str] | str] | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> Timeline:
        """Counts of the documents matching ``query`` per ``day``, ``week`` (ISO) or ``month``,
        every period from the first to the last (or ``since`` … ``until``) listed, empty ones
        as 0; documents without a date are counted apart (`search.timeline`). Raises `QueryError`,
        and `SearchTimeoutError` past ``timeout`` seconds (None or 0: no limit), as `search` does."""
        from search.timeline import check_by

        check_by(by)
        request = SearchRequest(
            query,
            since=since,
            until=until,
            fields=_tuple(fields),
            lang=lang,
            match=match,
            filters=filters or {},
            timeout=timeout,
        )
        return self._day_counts(request).timeline(query, by)

    def day_counts(
        self,
        query: str,
        *,
        since: str | date | None = None,
        until: str | date | None = None,
        fields: Sequence[str] | None = None,
        lang: str | None = None,
        match: Match = "all",
        filters: Mapping[str, Sequence[str] | str] | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> DayCounts:
        """The matching documents counted per day (`search.timeline.DayCounts`): what a shard sends
        for a cluster's timeline, summed there. Options as for `timeline`."""
        request = SearchRequest(
            query,
            since=since,
            until=until,
            fields=_tuple(fields),
            lang=lang,
            match=match,
            filters=filters or {},
            timeout=timeout,
        )
        return self._day_counts(request)

    def _day_counts(self, request: SearchRequest) -> DayCounts:
        from search.timeline import DayCounts, bound_days

        with running(Deadline(request.text, request.timeout)) as deadline:
            q = self._planner.build(request)
            first, last = bound_days(self._planner.dates(request))
            with self._lock:
                searcher = self._current()
                q = expand_words(q, searcher.reader())
                deadline.check()
                view = self._facets(searcher)
                wanted = request.filters
                docs = matching(view.columns, self._weighting, q, view.allowed(wanted) if wanted else None)
                deadline.check()
                days, counts = np.unique(view.day_numbers()[docs], return_counts=True)
        return DayCounts(dict(zip(days.tolist(), counts.tolist(), strict=True)), first, last)

    def _build(
        self,
        query: str,
        *,
        fields: Sequence[str] | None,
        lang: str | None,
        match: Match,
        syntax: bool,
        since: str | date | None = None,
        until: str | date | None = None,
    ) -> wq.Query:
        """The Whoosh query `search` runs for these options (`search.plan`); tests compare paths with it."""
        request = SearchRequest(
            query, fields=_tuple(fields), lang=lang, match=match, syntax=syntax, since=since, until=until
        )
        return self._planner.build(request)

    def get(self, doc_id: str) -> Document:
        """The stored document with id ``doc_id`` (or whose file is at that path, `known_id`);
        raises `DocumentNotFoundError`."""
        with self._lock:
            stored = self._current().document(id=self.known_id(doc_id))
        return from_stored(stored)

    def marked(
        self,
        doc_id: str,
        query: str,
        *,
        fields: Sequence[str] | None = None,
        lang: str | None = None,
        match: Match = "all",
        syntax: bool = True,
    ) -> Marked:
        """The document ``doc_id`` (or at that path, `known_id`) with every match of ``query``
        located in its whole title and body (`search.marking`), as a document view shows it;
        raises `DocumentNotFoundError`, and `QueryError` for a bad query."""
        from search.marking import mark_document

        request = SearchRequest(query, fields=_tuple(fields), lang=lang, match=match, syntax=syntax)
        q = self._planner.build(request)
        with self._lock:
            searcher = self._current()
            document = from_stored(searcher.document(id=self.known_id(doc_id)))
            return mark_document(query, document, q, searcher)

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

    @property
    def version(self) -> tuple[Any, int]:
        """What names the commit searched now (the folder and its generation): it changes with
        every commit this `Index` sees, so figures cached under it are never stale."""
        with self._lock:
            self._current()
            return self._folder, self._ix.latest_generation()

    def date_range(self) -> tuple[date | None, date | None]:
        """The first and last date of the live documents (None, None for none dated)."""
        with self._lock:
            days = self._facets(self._current()).day_numbers()[self._columns_of(self._current()).live]
        dated = days[days >= 0]
        if not len(dated):
            return None, None
        return date.fromordinal(int(dated.min()) + 1), date.fromordinal(int(dated.max()) + 1)

    def __len__(self) -> int:
        with self._lock:
            count: int = self._current().doc_count()
        return count

    def stats(self, top: int | None = 10) -> Stats:
        """Counts, date range, the ``top`` issuers and wires (None: all), fields, and size on disk."""
        from search.stats import compute_stats

        with self._lock:
            return compute_stats(self._current().reader(), self.path, self._ix.schema, top)


def _tuple(fields: Sequence[str] | None) -> tuple[str, ...] | None:
    return None if fields is None else tuple(fields)


@dataclass
class _Found:
    """What `Index._find` found: the best matches as Whoosh `Results` (hits read on demand), how
    many documents matched, and their numbers when the fast path gave them (facets count them)."""

    results: Any
    total: int
    docs: np.ndarray | None
    arranged: Arranged | None = None


#: The date column's value (Whoosh's microseconds since the year 1) of 1970-01-01.
_EPOCH_TICKS = 62_135_596_800_000_000


def _news_options(
    collapse: bool, recent: str | float | None, now: str | date | datetime | None, per_source: int | None
) -> NewsOptions | None:
    """The news ranking asked for (`search.news`), checked; None when none is."""
    if not collapse and recent is None and per_source is None:
        return None
    from search.news import NewsOptions, as_time, half_life_seconds

    return NewsOptions(
        collapse=collapse,
        half_life=None if recent is None else half_life_seconds(recent),
        now=as_time(now),
        per_source=per_source,
    )


def _day(seconds: int) -> date | None:
    """The calendar day of a time in seconds (`indexer.write.sigs`), None for an undated document."""
    from indexer.write.sigs import NO_TIME

    return None if seconds == NO_TIME else datetime.fromtimestamp(seconds, UTC).date()


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

    def __init__(self, searcher: Any) -> None:
        self.searcher: Any = searcher  # a Whoosh searcher; None once closed

    def swap(self, searcher: Any) -> None:
        old, self.searcher = self.searcher, searcher
        if old is not None:
            old.close()

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()
            self.searcher = None
