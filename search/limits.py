"""Bounds on what one search may cost: a time limit, and limits on the query's size.

The time limit is cooperative, never a signal (searches run in threads and in ``dateline
serve``): `Deadline.check` is called between the stages of parsing, while wildcards and
fuzzy words expand, between the parts the columnar evaluator scores, and every few documents
Whoosh's matchers collect. The size limits are Lucene's answer to runaway queries (its
``maxClauseCount`` of 1024): work that grows with the query is refused up front with a clear
`QueryTooLargeError` rather than left to run into the time limit.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from whoosh import query as wq
from whoosh.collectors import WrappingCollector
from whoosh.qparser.plugins import Plugin

from indexer.core.text import escape_controls
from search.errors import QueryTooLargeError, SearchTimeoutError

#: Most characters a query may have.
MAX_QUERY_CHARS = 20_000
#: Most characters between two spaces: Whoosh's parser costs the square of this.
MAX_WORD_CHARS = 1_000
#: Most words a query may have (Lucene's ``maxClauseCount``).
MAX_WORDS = 1_024
#: Most index words one wildcard, fuzzy word or range may expand to, per field and segment.
MAX_EXPANSIONS = 1_024

_WORD = re.compile(r"\w+")
_RUN = re.compile(r"\S+")
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO", "to", "-", "+", "(", ")"})


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to about ``limit`` characters, for naming a huge query in a one-line message."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def name(text: str) -> str:
    """How error messages name a query: quoted, escaped (control characters, newlines), short."""
    return f"query {shorten(text)!r}"


def check_size(text: str) -> None:
    """Refuse a query too big to parse and score in bounded time (`QueryTooLargeError`)."""
    # Words as the analyzers see them, or pieces between spaces (``* * *`` has no word, but each
    # ``*`` reads a field's whole vocabulary), operators apart.
    pieces = sum(1 for m in _RUN.finditer(text) if m[0] not in _OPERATORS)
    words = max(pieces, sum(1 for m in _WORD.finditer(text) if m[0] not in _OPERATORS))
    if words > MAX_WORDS:
        raise QueryTooLargeError(f"{name(text)}: {words:,} words, more than the limit of {MAX_WORDS:,}")
    longest = max((len(m[0]) for m in _RUN.finditer(text)), default=0)
    if longest > MAX_WORD_CHARS:
        raise QueryTooLargeError(
            f"{name(text)}: a word of {longest:,} characters, more than the limit of {MAX_WORD_CHARS:,}"
        )
    if len(text) > MAX_QUERY_CHARS:
        raise QueryTooLargeError(f"{name(text)}: {len(text):,} characters, more than the limit of {MAX_QUERY_CHARS:,}")


class Deadline:
    """The moment a search must be done by; `check` raises `SearchTimeoutError` after it."""

    __slots__ = ("text", "seconds", "at")

    def __init__(self, text: str, seconds: float | None) -> None:
        self.text = text
        self.seconds = seconds or None
        self.at = time.monotonic() + seconds if seconds else None

    def check(self) -> None:
        if self.at is not None and time.monotonic() > self.at:
            raise SearchTimeoutError(f"{name(self.text)}: took longer than {self.seconds:g} s")


_CURRENT: ContextVar[Deadline | None] = ContextVar("dateline_deadline", default=None)


def check() -> None:
    """Raise `SearchTimeoutError` if the search running in this thread is past its deadline."""
    deadline = _CURRENT.get()
    if deadline is not None:
        deadline.check()


@contextmanager
def running(deadline: Deadline) -> Iterator[Deadline]:
    """Make ``deadline`` the one `check` tests in this thread (and context) while the block runs."""
    token = _CURRENT.set(deadline)
    try:
        yield deadline
    finally:
        _CURRENT.reset(token)


class DeadlinePlugin(Plugin):
    """A query-parser plugin that checks the deadline between the parser's filter stages."""

    def filters(self, parser: Any) -> list[tuple[Any, int]]:
        return [(self._check, priority) for priority in (1, 95, 105, 200, 505, 520, 560, 605, 1000)]

    @staticmethod
    def _check(parser: Any, group: Any) -> Any:
        check()
        return group


class DeadlineCollector(WrappingCollector):
    """Wraps a Whoosh collector to check the deadline per segment and every 256 documents it
    matches. Put it innermost (`with_deadline`): a `FilterCollector` filters in its own
    ``collect_matches``, which a wrapper around it would bypass."""

    def matches(self) -> Iterator[int]:
        check()  # the matchers are built by now: wildcards expanded, ``*`` read
        for count, sub_docnum in enumerate(self.child.matches()):
            if not count & 255:
                check()
            yield sub_docnum

    def collect_matches(self) -> None:
        collect = self.child.collect
        for sub_docnum in self.matches():
            collect(sub_docnum)


def with_deadline(collector: Any) -> Any:
    """``collector`` with its innermost collector (the one that matches) wrapped in a
    `DeadlineCollector`; the outer ones (filters, …) keep doing their part."""
    if getattr(collector, "child", None) is None:
        return DeadlineCollector(collector)
    outer = collector
    while getattr(outer.child, "child", None) is not None:
        outer = outer.child
    outer.child = DeadlineCollector(outer.child)
    return collector


def _expansions(self: Any, ixreader: Any) -> Iterator[bytes]:
    """`MultiTerm._btexts`, refusing more than `MAX_EXPANSIONS` words and checking the deadline."""
    check()
    for count, btext in enumerate(super(type(self), self)._btexts(ixreader), 1):
        if count > MAX_EXPANSIONS:
            raise QueryTooLargeError(
                f"{_deadline_name()}: {escape_controls(shorten(str(self), 40))} matches more than "
                f"{MAX_EXPANSIONS:,} words in one field; make it more specific"
            )
        if not count & 63:
            check()
        yield btext


def _every_matcher(self: Any, searcher: Any, context: Any = None) -> Any:
    """`Every.matcher` for a field (``*``), which reads every word's postings: with deadline checks."""
    from whoosh import matching

    if self.fieldname in (None, "", "*"):
        return super(type(self), self).matcher(searcher, context)
    docs: set[int] = set()
    for count, text in enumerate(searcher.lexicon(self.fieldname)):
        if not count & 63:
            check()
        docs.update(searcher.postings(self.fieldname, text).all_ids())
    return matching.ListMatcher(sorted(docs), all_weights=self.boost)


def _deadline_name() -> str:
    deadline = _CURRENT.get()
    return name(deadline.text) if deadline is not None else "query"


_BOUNDED: dict[type, type] = {}


def _bounded_class(cls: type) -> type:
    if cls not in _BOUNDED:
        if issubclass(cls, wq.MultiTerm):
            _BOUNDED[cls] = type(cls.__name__, (cls,), {"_btexts": _expansions, "__module__": __name__})
        else:
            _BOUNDED[cls] = type(cls.__name__, (cls,), {"matcher": _every_matcher, "__module__": __name__})
    return _BOUNDED[cls]


def bound(q: wq.Query) -> wq.Query:
    """``q`` with its wildcards, fuzzy words and ranges limited to `MAX_EXPANSIONS` words, and
    those and ``*`` checking the deadline as they read the index. Changes ``q``'s nodes in place:
    call it on a query built for this search."""
    if isinstance(q, (wq.MultiTerm, wq.Every)) and type(q) not in _BOUNDED.values():
        q.__class__ = _bounded_class(type(q))
    for child in q.children():
        bound(child)
    return q
