"""Typed exceptions of dateline; the CLI maps each to a message and an exit status."""

from __future__ import annotations


class DatelineError(Exception):
    """Base class of every error dateline raises on purpose."""


class DocumentError(DatelineError):
    """A document could not be read or parsed; ``path`` names it (a name that is not valid
    UTF-8 with its bytes as backslash escapes, so the message can always be printed)."""

    def __init__(self, path: str, reason: str) -> None:
        from indexer.core.text import printable_path

        path = printable_path(path)
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class IndexNotFoundError(DatelineError):
    """No dateline index exists at the given location."""


class IncompatibleIndexError(DatelineError):
    """The index was written with another schema version and must be rebuilt."""


class IndexLockedError(DatelineError):
    """Another process holds the index's write lock."""


class PathInTheWayError(DatelineError):
    """Something that is not dateline's (a file where an index folder goes, a folder where
    its lock file goes) is where dateline must write; dateline never removes or replaces it."""


class IndexBuildError(DatelineError):
    """Writing new segments failed (a worker died, the disk is full …); nothing was committed."""


class SourceNotFoundError(DatelineError):
    """A path given to index does not exist."""


class RootsUnknownError(DatelineError):
    """The index does not record the folders it was built from, and none were given."""


class UnsafeIndexError(DatelineError):
    """The index holds a pickle naming code rather than data (`indexer.engine.pickles`); nothing of it runs."""


class UntrustedLocationError(DatelineError):
    """An index or config found implicitly (in the current folder) is owned by another user or
    writable by others (`indexer.core.trust`), and its folder is not listed as safe."""


class TooManyOpenFilesError(DatelineError):
    """The process may open no more files (``EMFILE``/``ENFILE``): an index of many segments
    holds several files open per segment; the message names the index and the limit."""
