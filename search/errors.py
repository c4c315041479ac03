"""Errors of the search side; all are `DatelineError`s, so one ``except`` catches everything."""

from __future__ import annotations

from indexer.core.errors import DatelineError


class QueryError(DatelineError):
    """The query text (or a date bound, a field list, a sort order) is malformed."""


class DocumentNotFoundError(DatelineError, KeyError):
    """No document with that id is in the index."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class FormatError(DatelineError):
    """A queries, run or qrels file is not in a format dateline reads; the message names file and line."""


class MissingExtraError(DatelineError):
    """An optional feature's library is not installed (``pip install 'dateline[eval]'``)."""


class ConfigError(DatelineError):
    """A config file is unreadable, not TOML, or holds an unknown key or a bad value; the message names the file."""


class QueryTooLargeError(QueryError):
    """The query is bigger than dateline answers in bounded time: too long, too many words, a
    word too long, or a wildcard, fuzzy word or range matching too many words (`search.limits`)."""


class SearchTimeoutError(DatelineError):
    """A search ran past its time limit (``timeout=``, ``--timeout``) and was stopped."""


class ClusterError(DatelineError):
    """A cluster cannot be reached or used: no scheduler at the address, a bad ``--cluster`` value,
    a missing or damaged manifest, or a shard that failed (the message names it)."""
