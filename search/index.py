"""`Index`: the Python API for searching a dateline index."""

from __future__ import annotations

import os
import threading
import time
from datetime import date
from typing import Literal, Mapping, Sequence

from indexer.analysis import STOP_WORDS
from indexer.document import Document
from indexer.records import from_stored
from indexer.schema import DEFAULT_FIELDS
from indexer.store import open_index, resolve_index_path

from . import snippets
from .errors import DocumentNotFoundError, QueryError
from .query import check_fields, check_lang, date_filter, drop_stop_words, make_parser, parse_query, prepare_query
from .results import Hit, Results
from .stats import Stats, compute_stats

Sort = Literal["relevance", "date", "-date"]
SORTS: tuple[str, ...] = ("relevance", "date", "-date")


class Index:
    """A dateline index opened for searching.

    One searcher is kept and reused across calls, refreshed when another process commits; calls
    are serialised by a lock, so an `Index` may be shared between threads. Use it as a context
    manager, or call `close`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        fields: Sequence[str] = DEFAULT_FIELDS,
        boosts: Mapping[str, float] | None = None,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:
        from whoosh.scoring import BM25F

        self.path = resolve_index_path(path)
        self._ix = open_index(self.path)
        self._fields = check_fields(fields)
        self._boosts = dict(boosts or {})
        self._weighting = BM25F(K1=k1, B=b)
        self._lock = threading.RLock()
        self._searcher = self._ix.searcher(weighting=self._weighting)
        self._parsers: dict[tuple[str, ...], object] = {}  # (lang, *fields) → parser

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self._searcher.close()

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _current(self):  # type: ignore[no-untyped-def]
        if not self._searcher.up_to_date():
            self._searcher = self._searcher.refresh()
        return self._searcher

    def _parser(self, lang: str, fields: tuple[str, ...]):  # type: ignore[no-untyped-def]
        key = (lang, *fields)
        if key not in self._parsers:
            self._parsers[key] = make_parser(self._ix.schema, lang, fields, self._boosts)
        return self._parsers[key]

    def _query(self, text: str, fields: tuple[str, ...], lang: str | None):  # type: ignore[no-untyped-def]
        """One sub-query per language, each over that language's fields and documents only."""
        from whoosh.query import Or, Term

        from ._whoosh_fixes import FilteredBy

        prepared = prepare_query(text)
        parts = [
            FilteredBy(
                drop_stop_words(parse_query(self._parser(key, fields), prepared, text), prepared, STOP_WORDS[key]),
                Term("lang", key),
            )
            for key in check_lang(lang)
        ]
        return parts[0] if len(parts) == 1 else Or(parts)

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
    ) -> Results:
        """Run ``query`` (Whoosh syntax, words ANDed) and return one page of ranked hits.

        ``since``/``until`` bound the document date, both inclusive; ``sort`` is ``relevance``,
        ``date`` (oldest first) or ``-date`` (newest first); ``lang`` (``en``, ``de``, ``xx``)
        restricts to documents in that language. Raises `QueryError` for bad input.
        """
        if limit < 1 or page < 1:
            raise QueryError("limit and page must be 1 or more")
        if sort not in SORTS:
            raise QueryError(f"unknown sort {sort!r}; choose from {', '.join(SORTS)}")
        started = time.perf_counter()
        field_list = check_fields(fields) if fields else self._fields
        q = self._query(query, tuple(field_list), lang)
        bounds = date_filter(self._ix.schema, since, until)
        if bounds is not None:
            from whoosh.query import And

            q = And([q, bounds])
        sortedby = None if sort == "relevance" else "date"
        with self._lock:
            searcher = self._current()
            results = searcher.search(q, limit=page * limit, sortedby=sortedby,
                                      reverse=sort == "-date", terms=True)  # fmt: skip
            snippets.configure(results)
            first = (page - 1) * limit
            hits = [
                Hit(
                    rank=first + i + 1,
                    id=hit["id"],
                    score=None if sortedby else float(hit.score),
                    document=from_stored(hit.fields()),
                    snippet=snippets.snippet_for(hit),
                )
                for i, hit in enumerate(results[first : first + limit])
            ]
            total = len(results)
        elapsed = (time.perf_counter() - started) * 1000
        return Results(query=query, total=total, page=page, limit=limit, elapsed_ms=elapsed, hits=hits)

    def get(self, doc_id: str) -> Document:
        """The stored document with id ``doc_id``; raises `DocumentNotFoundError`."""
        with self._lock:
            stored = self._current().document(id=doc_id)
        if stored is None:
            raise DocumentNotFoundError(f"no document with id {doc_id!r} in {self.path}")
        return from_stored(stored)

    def __len__(self) -> int:
        with self._lock:
            return self._current().doc_count()

    def stats(self) -> Stats:
        """Counts, date range, top issuers and wires, fields, and size on disk."""
        with self._lock:
            return compute_stats(self._current().reader(), self.path, self._ix.schema)
