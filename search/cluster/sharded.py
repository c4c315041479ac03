"""`Cluster`: shards searched as one index, on Dask, as Elasticsearch's ``dfs_query_then_fetch``.

A search takes three rounds, each sent to the shards at once:

1. **dfs** (skipped with ``stats="local"``): every shard reports its statistics for the query
   (documents per language, field lengths, each term's document frequency, the words each
   wildcard matches, `search.statistics.CollectionStats`) and its date range; they are summed.
2. **query**: each shard whose dates can match ranks its documents with the summed figures and
   sends its best ``page × limit`` (score, number, id), its total and its facet counts
   (`search.results.TopDocs`); they are merged (`search.cluster.merging`).
3. **fetch**: the shards holding the page's documents read their stored fields and snippets.

With global statistics a document scores exactly as in one index of all the shards' documents.
With local ones each shard scores on its own figures: one round fewer, scores approximate.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Literal

from indexer.core.defaults import DEFAULT_TIMEOUT, FEW_HITS
from indexer.core.document import Document
from search.balance import Balanced, balance
from search.cluster.engine import connect, distributed
from search.cluster.merging import merge_days, merge_facets, merge_top, merge_total, page_of
from search.cluster.shard import ShardInfo, ShardSearcher
from search.errors import ClusterError, DocumentNotFoundError, QueryError, QueryTooLargeError
from search.facets import TOP
from search.limits import MAX_EXPANSIONS
from search.marking import Marked
from search.ranking import K1, B
from search.request import Match, SearchRequest, Sort
from search.results import Hit, Results, TopDocs
from search.similar import Likeness
from search.statistics import CollectionStats
from search.stats import Stats
from search.timeline import Timeline, check_by

StatsMode = Literal["global", "local"]
#: Seconds to wait for a shard's answer to one round (opening a large shard takes the longest).
WAIT = 120.0
STATS: tuple[str, ...] = ("global", "local")


class Cluster:
    """Shards (ordinary dateline indexes at ``shards``) searched as one, each by a resident
    `ShardSearcher` actor on the workers of ``client`` (a Dask ``Client``).

    ``stats`` is ``global`` (exact: scores equal one index's) or ``local`` (one round fewer,
    each shard scoring on its own figures). ``boosts``, ``k1`` and ``b`` are every shard's
    `search.Index`'s; a shard that does not answer within ``wait`` seconds (its worker gone) is
    a `ClusterError`. Use it as a context manager, or call `close`.
    """

    def __init__(
        self,
        client: Any,
        shards: Sequence[str | Path],
        *,
        stats: StatsMode = "global",
        boosts: Mapping[str, float] | None = None,
        k1: float = K1,
        b: float = B,
        wait: float = WAIT,
    ) -> None:
        if stats not in STATS:
            raise ClusterError(f"unknown statistics {stats!r}; choose from {', '.join(STATS)}")
        if not shards:
            raise ClusterError("a cluster needs at least one shard")
        distributed()
        self.client = client
        self.mode = stats
        self.wait = wait
        self.paths = [str(Path(p).resolve()) for p in shards]
        ranking = {"boosts": dict(boosts or {}), "k1": k1, "b": b}
        # An actor's handle keeps the client current when it is made: ours, even when this
        # process has others (each `local:N` call, a server's, a test's).
        with client.as_current():
            self.actors = self._gather(self._start(client, ranking), "open")
        self.infos: list[ShardInfo] = self._call_all("info")

    def _start(self, client: Any, ranking: dict[str, Any]) -> list[Any]:
        workers = sorted(client.scheduler_info()["workers"]) or [None]
        return [
            client.submit(ShardSearcher, path, ranking, actor=True, workers=[workers[i % len(workers)]], pure=False)
            for i, path in enumerate(self.paths)
        ]

    @classmethod
    def open(cls, client: Any, root: str | Path, **options: Any) -> Cluster:
        """The cluster of the shards listed in ``root``'s manifest (`search.cluster.manifest`);
        ``options`` as for the constructor."""
        from search.cluster.manifest import read_manifest

        manifest = read_manifest(root)
        return cls(client, [shard.path for shard in manifest.shards], **options)

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        """Close every shard's index and let its actor go."""
        actors, self.actors = getattr(self, "actors", []), []
        for actor in actors:
            try:
                actor.close().result()
            except Exception:  # a worker gone: its files went with it
                pass

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return sum(info.documents for info in self._call_all("info"))

    # -- rounds ----------------------------------------------------------------------------------
    def _gather(self, futures: Iterable[Any], what: str, shards: Sequence[int] | None = None) -> list[Any]:
        """The results of ``futures`` (one per shard, in order), or the first shard's error: a
        dateline error as itself, anything else as a `ClusterError` naming the shard."""
        from indexer.core.errors import DatelineError

        out = []
        for i, future in zip(shards if shards is not None else range(len(self.paths)), futures, strict=False):
            try:
                out.append(future.result(timeout=self.wait))
            except DatelineError:
                raise
            except TimeoutError:
                raise ClusterError(f"shard {self.paths[i]}: no answer to {what} in {self.wait:g} s") from None
            except Exception as exc:
                raise ClusterError(f"shard {self.paths[i]}: {what} failed: {type(exc).__name__}: {exc}") from None
        return out

    def _call_all(self, method: str, *args: Any, shards: Sequence[int] | None = None) -> list[Any]:
        chosen = list(range(len(self.actors))) if shards is None else list(shards)
        futures = [getattr(self.actors[i], method)(*args) for i in chosen]
        return self._gather(futures, method, chosen)

    def statistics(self, query: str, **options: Any) -> CollectionStats:
        """The cluster's figures for ``query``: every shard's `Index.statistics`, summed."""
        if options.get("fields") is not None:
            options["fields"] = tuple(options["fields"])
        return self._dfs(query, options)[1]

    def _dfs(self, query: str, options: Mapping[str, Any]) -> tuple[list[ShardInfo], CollectionStats]:
        answers = self._call_all("prepare", query, dict(options), True)
        infos = [info for info, _ in answers]
        total = CollectionStats.total(stats for _, stats in answers)
        for key, words in total.expansions.items():
            if len(words) > MAX_EXPANSIONS:
                raise QueryTooLargeError(
                    f"{query!r}: {key[2]} matches more than {MAX_EXPANSIONS:,} words in one field across "
                    "the shards; make it more specific"
                )
        self.infos = infos
        return infos, total

    # -- search ----------------------------------------------------------------------------------
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
        explain: bool = False,
        timeout: float | None = DEFAULT_TIMEOUT,
        facets: Sequence[str] = (),
        filters: Mapping[str, Sequence[str] | str] | None = None,
        facet_limit: int | None = TOP,
        suggest: bool | None = None,
        collapse: bool = False,
        recent: str | float | None = None,
        now: str | date | None = None,
        per_source: int | None = None,
    ) -> Results:
        """`search.Index.search` over every shard: the same options, and with global statistics
        the same hits, scores and order (ties by shard, then document number). Raises
        `QueryError` for bad input before any shard is asked, `ClusterError` when a shard fails.
        News ranking (``collapse``, ``recent``, ``per_source``) is not done across shards yet:
        asking for it raises `QueryError`."""
        if collapse or recent is not None or now is not None or per_source is not None:
            raise QueryError("collapsing copies, --recent and --per-source work on one index, not yet on a cluster")
        request = SearchRequest(  # every option checked here, once, before any round trip
            query,
            limit=limit,
            page=page,
            since=since,
            until=until,
            sort=sort,
            fields=None if fields is None else tuple(fields),
            lang=lang,
            match=match,
            syntax=syntax,
            snippets=snippets,
            explain=explain,
            timeout=timeout,
            facets=tuple(facets),
            filters=filters or {},
            facet_limit=facet_limit,
            suggest=suggest,
        )
        started = time.perf_counter()
        words = {"fields": request.fields, "lang": lang, "match": match, "syntax": syntax}
        figures = None
        active = list(range(len(self.actors)))
        if self.mode == "global":  # the first round also gives each shard's current dates
            infos, figures = self._dfs(query, {**words, "since": since, "until": until})
            active = self.shards_for(since, until, infos, request=request)
        ranking = {
            **words,
            "top_n": request.top_n,
            "since": since,
            "until": until,
            "sort": sort,
            "timeout": timeout,
            "facets": tuple(facets),
            "filters": dict(filters or {}),
        }
        answers = self._call_all("top_docs", query, ranking, figures, shards=active)
        parts: list[TopDocs | None] = [None] * len(self.actors)
        for i, answer in zip(active, answers, strict=True):
            parts[i] = answer
        total = merge_total(parts)
        counts = merge_facets(parts, facet_limit)
        for name in request.facets:
            counts.setdefault(name, [])
        page_docs = page_of(merge_top(parts, request.top_n, sort), page, limit)
        hits = self._fetch(query, page_docs, {**words, "timeout": timeout}, figures, request)
        elapsed = (time.perf_counter() - started) * 1000
        suggestion = None
        if request.suggest or (request.suggest is None and total < FEW_HITS):
            suggestion = self._suggest(request, total)
        balanced = balance(request.text) if request.syntax else Balanced(request.text)
        return Results(
            query=query,
            total=total,
            page=page,
            limit=limit,
            elapsed_ms=elapsed,
            hits=hits,
            facets=counts,
            suggestion=suggestion,
            read_as=balanced.read_as,
            repairs=balanced.changes,
        )

    def shards_for(
        self,
        since: str | date | None = None,
        until: str | date | None = None,
        infos: Sequence[ShardInfo] | None = None,
        *,
        request: SearchRequest | None = None,
    ) -> list[int]:
        """The shards (their places) whose documents' dates can fall within ``since`` … ``until``
        and the ``date:`` ranges every match of ``request`` must meet: the only ones a search asks
        for hits (every shard gives statistics)."""
        first, last = _bound_days(since, until)
        if request is not None:
            first, last = _intersect((first, last), query_days(request))
        return [i for i, info in enumerate(self.infos if infos is None else infos) if _may_match(info, first, last)]

    def _fetch(
        self,
        query: str,
        page_docs: Sequence[tuple[int, Any]],
        options: Mapping[str, Any],
        figures: CollectionStats | None,
        request: SearchRequest,
    ) -> list[Hit]:
        """The page's `Hit`s, each read from its shard, in rank order."""
        wanted: dict[int, list[tuple[int, str, float | None]]] = {}
        for rank, placed in page_docs:
            score = None if request.sorted_by_date else placed.doc.score
            wanted.setdefault(placed.shard, []).append((rank, placed.doc.id, score))
        if not wanted:
            return []
        shards = sorted(wanted)
        fetching = {**options, "snippets": request.snippets, "explain": request.explain}
        futures = [self.actors[i].fetch(query, wanted[i], fetching, figures) for i in shards]
        hits = [hit for found in self._gather(futures, "fetch", shards) for hit in found]
        return sorted(hits, key=lambda hit: hit.rank)

    def _suggest(self, request: SearchRequest, total: int) -> str | None:
        """Did you mean: each shard's proposal (from its own words), kept when it finds more
        documents across the cluster than the query did; the one finding most wins."""
        options = {"fields": request.fields, "lang": request.lang, "match": request.match}
        proposals = {p for p in self._call_all("suggest", request.text, options) if p}
        best, most = None, total
        for proposal in sorted(proposals):
            found = self.search(
                proposal, limit=0, fields=request.fields, lang=request.lang, match=request.match, suggest=False
            ).total
            if found > most:
                best, most = proposal, found
        return best

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
        """`search.Index.timeline` over every shard: their counts per day added up (exact)."""
        check_by(by)
        options = {
            "since": since,
            "until": until,
            "fields": fields,
            "lang": lang,
            "match": match,
            "filters": dict(filters or {}),
            "timeout": timeout,
        }
        return merge_days(self._call_all("day_counts", query, options)).timeline(query, by)

    def similar(self, doc_id: str, limit: int = 10, *, timeout: float | None = DEFAULT_TIMEOUT) -> Results:
        """`search.Index.similar` across the shards: the key terms of ``doc_id`` (from the shard
        holding it) weighed by the cluster's statistics, then searched in every shard with them."""
        SearchRequest(doc_id, limit=limit, timeout=timeout, ranked=True)  # the checks of limit and time
        started = time.perf_counter()
        figures = None
        if self.mode == "global":
            candidates = self._likeness(doc_id, CollectionStats())
            figures = CollectionStats.total(self._call_all("statistics", doc_id, {"like": candidates}))
        like = self._likeness(doc_id, figures)
        if not like.terms:
            return Results(query=like.doc_id, total=0, page=1, limit=limit, elapsed_ms=0.0)
        ranking = {"top_n": limit + 1, "timeout": timeout, "like": like}
        parts: list[TopDocs | None] = list(self._call_all("top_docs", like.doc_id, ranking, figures))
        page_docs = page_of(merge_top(parts, limit), 1, limit)
        request = SearchRequest(like.doc_id, limit=limit, timeout=timeout)
        hits = self._fetch(like.doc_id, page_docs, {"timeout": timeout, "like": like}, figures, request)
        elapsed = (time.perf_counter() - started) * 1000
        return Results(query=like.doc_id, total=merge_total(parts), page=1, limit=limit, elapsed_ms=elapsed, hits=hits)

    def _likeness(self, doc_id: str, figures: CollectionStats | None) -> Likeness:
        for found in self._call_all("likeness", doc_id, figures):
            if found is not None:
                return found
        raise DocumentNotFoundError(f"no document with id {doc_id!r} in the cluster's {len(self.paths)} shards")

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
        """`search.Index.marked` on the shard holding ``doc_id``; `DocumentNotFoundError` if none does."""
        options = {"fields": None if fields is None else tuple(fields), "lang": lang, "match": match, "syntax": syntax}
        for found in self._call_all("marked", doc_id, query, options):
            if found is not None:
                return found
        raise DocumentNotFoundError(f"no document with id {doc_id!r} in the cluster's {len(self.paths)} shards")

    def stats(self, top: int | None = 10) -> Stats:
        """Every shard's `search.Index.stats` added up (`search.stats.merge_stats`), under the
        shards' parent folder."""
        from search.stats import merge_stats

        return merge_stats(self._call_all("stats"), str(Path(self.paths[0]).parent), top)

    def get(self, doc_id: str) -> Document:
        """The stored document ``doc_id`` from whichever shard holds it; `DocumentNotFoundError` if none."""
        for found in self._call_all("get", doc_id):
            if found is not None:
                return found
        raise DocumentNotFoundError(f"no document with id {doc_id!r} in the cluster's {len(self.paths)} shards")


@contextmanager
def open_cluster(spec: str, root: str | Path, **options: Any) -> Iterator[Cluster]:
    """The `Cluster` of ``root``'s manifest on the cluster ``spec`` names (`engine.connect`:
    ``local:N`` or a scheduler's address), closed with its connection on exit."""
    with connect(spec) as client, Cluster.open(client, root, **options) as cluster:
        yield cluster


def _may_match(info: ShardInfo, first: int | None, last: int | None) -> bool:
    """Whether a shard's documents can fall within the days ``first`` … ``last`` (a dated bound
    leaves undated documents out, as one index's date filter does)."""
    if first is None and last is None:
        return True
    if info.first is None or info.last is None:  # no dated document
        return False
    return (first is None or info.last.toordinal() - 1 >= first) and (
        last is None or info.first.toordinal() - 1 <= last
    )


Days = tuple[int | None, int | None]  # a first and last day number; None: open


def query_days(request: SearchRequest) -> Days:
    """The days every match of ``request`` falls within, by its dates and ``date:`` ranges (an AND
    narrows, an OR widens to its parts' span, a part without one leaves it open), as one index
    plans it: shards wholly outside need not be asked. (None, None) when nothing bounds the date,
    or the query cannot be read (the shards then say why)."""
    from search.errors import QueryError

    try:
        q = _planner().build(request)
    except QueryError:
        return None, None
    return _days_of(q)


@functools.cache
def _planner() -> Any:
    """A planner as every shard's `Index` has one (the same schema and default fields)."""
    from indexer.core.schema import DEFAULT_FIELDS, build_schema
    from search.plan import Planner

    return Planner(build_schema(), DEFAULT_FIELDS, {})


def _days_of(q: Any) -> Days:
    from whoosh import query as wq

    from indexer.engine.queries import FilteredBy
    from search.timeline import bound_days

    if isinstance(q, wq.NumericRange) and q.fieldname == "date":
        return bound_days(q)
    if isinstance(q, (wq.And, FilteredBy, wq.AndNot, wq.AndMaybe, wq.Require)):
        parts = list(q.children())
        if isinstance(q, (wq.AndNot, wq.AndMaybe)):
            parts = parts[:1]  # only the first part must match
        out: Days = (None, None)
        for part in parts:
            out = _intersect(out, _days_of(part))
        return out
    if isinstance(q, wq.Or) and q.subqueries:
        spans = [_days_of(part) for part in q.subqueries]
        firsts, lasts = [f for f, _ in spans], [lt for _, lt in spans]
        return (
            None if None in firsts else min(f for f in firsts if f is not None),
            None if None in lasts else max(lt for lt in lasts if lt is not None),
        )
    return None, None


def _intersect(a: Days, b: Days) -> Days:
    firsts = [d for d in (a[0], b[0]) if d is not None]
    lasts = [d for d in (a[1], b[1]) if d is not None]
    return (max(firsts) if firsts else None, min(lasts) if lasts else None)


def _bound_days(since: str | date | None, until: str | date | None) -> tuple[int | None, int | None]:
    """The day numbers of ``since`` and ``until`` as one index reads them (partial dates too)."""
    from indexer.core.schema import build_schema
    from search.query import date_filter
    from search.timeline import bound_days

    return bound_days(date_filter(build_schema(), since, until))
