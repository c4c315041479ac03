"""Batch search: every query of a test collection, as lines of a TREC run."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from search.errors import QueryError, QueryTooLargeError
from search.eval.trec import Query, RunLine, safe_docid
from search.feedback import Feedback
from search.index import Index, Match


def run_batch(
    ix: Index,
    queries: Iterable[Query],
    *,
    limit: int = 1000,
    tag: str = "dateline",
    match: Match = "any",
    lang: str | None = None,
    feedback: Feedback | None = None,
    timeout: float | None = None,
) -> Iterator[RunLine]:
    """Rank documents for each query, reading its text as plain words (never a syntax error).

    A query with no words at all yields no lines, as an empty ranking would; one too large or
    too slow (`search.limits`) stops the run with its error, rather than scoring as nothing.
    """
    for query in queries:
        try:
            ranking = ix.ranked(
                query.text, limit=limit, match=match, lang=lang, syntax=False, feedback=feedback, timeout=timeout
            )
        except QueryTooLargeError:
            raise
        except QueryError:
            continue
        for rank, (docid, score) in enumerate(ranking, 1):
            yield RunLine(query.qid, safe_docid(docid), rank, score, tag)
