"""Opening a Whoosh index, a reader and a searcher on one commit, through Whoosh's private
TOC and reader calls: whoosh-reloaded's own re-read files that a commit by another process may
have replaced meanwhile, and mixed commits (see each function)."""

from __future__ import annotations

import errno
import functools
import time
from typing import Any

from indexer.core.openfiles import is_too_many_open_files
from indexer.engine.patches import install as install_patches
from indexer.engine.storage import closes_on_error, open_storage


def open_dir(folder: str) -> Any:
    """Whoosh's ``open_dir``, but the index reads its schema once.

    Whoosh's ``FileIndex.schema`` reads the newest TOC file again on every use, and a commit
    by another process may delete that file between listing and reading it: a search then
    failed with FileNotFoundError. The schema of a dateline index never changes (a new schema
    is a new index, `SCHEMA_VERSION`), so it is read with the index, once. Whoosh's work-arounds
    (`indexer.engine.patches`) are installed first.
    """
    from whoosh.index import TOC

    install_patches()
    storage = open_storage(folder)
    with closes_on_error(storage):  # reading a TOC that fails leaves its file open
        ix = _stable_schema_index()(storage)
        ix._schema = TOC.read(storage, ix.indexname).schema
    return ix


@functools.cache
def _stable_schema_index() -> type:
    """``FileIndex`` with the schema it was opened with (defined on first use: Whoosh is
    imported only where an index is opened)."""
    from whoosh.index import FileIndex

    class StableSchemaIndex(FileIndex):
        @property
        def schema(self) -> Any:
            return self._schema

    return StableSchemaIndex


def latest_generation(storage: Any, indexname: str = "MAIN") -> int:
    """The generation of the newest TOC file in ``storage`` (-1 where there is none)."""
    from whoosh.index import TOC

    return TOC._latest_generation(storage, indexname)


def open_reader(storage: Any, toc: Any) -> Any:
    """A reader on the segments of ``toc`` (a `verify.read_toc`'s), the patches installed."""
    from whoosh.index import FileIndex

    install_patches()
    return FileIndex._reader(storage, toc.schema, toc.segments, toc.generation)


#: How long opening a searcher keeps trying while commits or rebuilds replace the files under it
#: (each try that loses the race fails at once and the next, 50 ms later, sees a newer state).
OPEN_SECONDS = 2.0


def open_searcher(ix: Any, **kwargs: Any) -> Any:
    """A searcher on the index's latest commit that stays whole while other processes commit.

    Two whoosh-reloaded behaviours would mix commits or fail. ``Searcher.refresh`` reuses the
    old reader and *adds the old segments back* (``FileIndex._reader`` extends the new segment
    list with the reused one's), so after a commit that merged or replaced segments the old
    documents are counted again. And a segment's column files (stored fields, lengths, ids …)
    are opened on first use, by which time a commit may have deleted them: stored fields then
    fail with a ``TypeError``. So: a fresh reader, no reuse, with every column file opened at
    once (an open file outlives its deletion); a file deleted before it could be opened means
    a newer commit exists, which the next try reads.
    """
    from whoosh.index import EmptyIndexError
    from whoosh.searching import Searcher

    from indexer.core.errors import IndexNotFoundError

    install_patches()
    give_up = time.monotonic() + OPEN_SECONDS
    while True:
        last = time.monotonic() >= give_up
        try:
            reader = _reader(ix)
        except (OSError, EmptyIndexError) as exc:  # no TOC: a rebuild is renaming the folder
            if last or is_too_many_open_files(exc):  # no retry frees descriptors
                if isinstance(exc, EmptyIndexError):
                    raise IndexNotFoundError(f"no dateline index at {ix.storage.folder}") from None
                raise
            time.sleep(0.05)
            continue
        listed: dict[int, list[str]] = {}  # by storage: the folder is listed once, not per segment
        try:
            for leaf, _ in reader.leaf_readers():
                _open_columns(leaf, listed)
        except OSError as exc:
            reader.close()
            if last or is_too_many_open_files(exc):
                raise
            time.sleep(0.05)
            continue
        return Searcher(reader, fromindex=ix, **kwargs)


def _reader(ix: Any) -> Any:
    """``ix.reader()`` without Whoosh's own retries, which leave the files of each failed try
    open (a damaged or deleted segment file): a try that fails closes what it opened."""
    with closes_on_error(ix.storage):
        toc = ix._read_toc()
        return ix._reader(ix.storage, toc.schema, toc.segments, toc.generation)


def _open_columns(leaf: Any, listed: dict[int, list[str]]) -> None:
    """Open every column file of one segment now, and answer ``has_column`` from them
    (`patches`); ``listed`` keeps each storage's file names for the next segment."""
    perdoc = getattr(leaf, "_perdoc", None)
    segment = leaf.segment() if hasattr(leaf, "segment") else None
    if perdoc is None or segment is None or not hasattr(perdoc, "_colfiles"):
        return  # an empty index
    prefix, suffix = segment.make_filename("."), ".col"
    storage = perdoc._storage  # the index folder, or a compound segment's own (already open) file
    if id(storage) not in listed:
        listed[id(storage)] = storage.list()
    files = listed[id(storage)]
    names = [n[len(prefix) : -len(suffix)] for n in files if n.startswith(prefix) and n.endswith(suffix)]
    if "_stored" not in names and segment.doc_count_all():  # every segment with documents has it
        name = segment.make_filename("._stored.col")
        raise FileNotFoundError(errno.ENOENT, "the index folder was replaced while being opened", name)
    for fieldname in names:
        if fieldname not in perdoc._colfiles:
            perdoc._colfiles[fieldname] = perdoc._get_column_file(fieldname)
    perdoc._opened_columns = frozenset(perdoc._colfiles)


def view_searcher(searcher: Any) -> Any:
    """Another searcher over ``searcher``'s open reader, with its own caches (IDF), for one search
    that scores with other statistics; closing it leaves the reader open."""
    from whoosh.searching import Searcher

    return Searcher(searcher.reader(), weighting=searcher.weighting, closereader=False)
