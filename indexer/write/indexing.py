"""Incremental indexing: add new files, replace changed ones, remove deleted ones, skip the rest.

A file's *stamp* (size and modification time) is stored with its documents, so an unchanged file
costs one ``stat`` and no parsing. Every run commits once, atomically: an interrupted or failed run
leaves the previous index as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import time
from array import array
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indexer.core.defaults import LOCK_TIMEOUT
from indexer.core.errors import (
    IndexBuildError,
    IndexNotFoundError,
    PathInTheWayError,
    SourceNotFoundError,
)
from indexer.core.kinds import Kind, kind_of
from indexer.core.openfiles import reports_too_many_open_files
from indexer.core.sources import document_id, file_stamp, is_under
from indexer.core.store import create_index, index_exists, merge_roots, open_index, read_roots, write_roots
from indexer.core.text import printable_path
from indexer.engine.commit import commit_toc, take_added_segment
from indexer.engine.storage import closes_on_error
from indexer.parse.files import MAX_FILE_BYTES, os_reason
from indexer.parse.furniture import LineCounts, read_counts, write_counts
from indexer.write.build import POOL_BYTES, Task, build_segments, default_workers, write_failure
from indexer.write.known import iter_known, pair_up
from indexer.write.lines import count_lines
from indexer.write.merging import merge
from indexer.write.spill import Spill
from indexer.write.swap import build_lock, made_by_dateline, new_build_folder, recover, swap_in
from indexer.write.walk import iter_files
from indexer.write.writelock import Patience, writing

if TYPE_CHECKING:
    from indexer.engine.segments import FastSegmentWriter
    from indexer.write.build import Built
    from indexer.write.known import KnownSource


@dataclass(frozen=True)
class Problem:
    """A path (``file`` or ``file:line``) and what went wrong there; a name that is not valid
    UTF-8 has its bytes written as backslash escapes (`printable_path`), so both always print."""

    path: str
    reason: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", printable_path(self.path))
        object.__setattr__(self, "reason", printable_path(self.reason))

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"

    @property
    def kind(self) -> Kind:
        """What sort of problem this is (`indexer.core.kinds`): problems of one kind are counted together."""
        return kind_of(self.reason)


@dataclass
class IndexReport:
    """What one indexing run did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    #: Symbolic links out of the paths given, not followed (without ``follow_links``), one each.
    skipped: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def documents(self) -> int:
        """Documents looked at: written, unchanged or failed."""
        return self.added + self.updated + self.unchanged + len(self.failed)

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


@dataclass(frozen=True)
class RunOptions:
    """How one `index_paths` run reads and builds: its options, gathered once."""

    prune: bool
    field_map: Mapping[str, str] | None
    on_file: Callable[[str], None] | None
    on_start: Callable[[int], None] | None
    max_bytes: int
    workers: int
    pool_bytes: int
    follow_links: bool
    #: The files to index (absolute paths); the others under the roots are left out (None: all).
    only: frozenset[str] | None = None
    #: Short lines counted over a whole archive, deciding its furniture instead of this run's own count.
    line_counts: LineCounts | None = None


def index_paths(
    paths: Iterable[str | os.PathLike[str]],
    index_dir: str | os.PathLike[str],
    *,
    prune: bool = False,
    rebuild: bool = False,
    field_map: Mapping[str, str] | None = None,
    on_file: Callable[[str], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    lock_timeout: float = LOCK_TIMEOUT,
    max_bytes: int = MAX_FILE_BYTES,
    workers: int | None = None,
    pool_bytes: int = POOL_BYTES,
    on_wait: Callable[[float], None] | None = None,
    follow_links: bool = False,
    only: Collection[str] | None = None,
    line_counts: LineCounts | None = None,
) -> IndexReport:
    """Bring the index at ``index_dir`` up to date with the files under ``paths``.

    Documents whose file is gone from under one of ``paths`` are removed; with ``prune``, so are
    all documents whose file is not under any of ``paths``. ``rebuild`` builds a fresh index beside
    the old one and swaps it in at the end. The files are walked and compared with the index as a
    stream, so memory does not grow with the archive. ``on_start(n)`` then gets the number of
    new or changed files to read, and ``on_file(path)`` is called after each is read, for
    progress display (``path`` a string: a `Path` per file would leak on Python 3.11, which
    interns the names it parses). ``workers`` processes (default:
    one per CPU) read and index the files; each writes a new segment whenever its buffered
    postings reach about ``pool_bytes``, which bounds memory. When another process is writing
    the index, ``on_wait(lock_timeout)`` is called and the run waits up to ``lock_timeout``
    seconds for it, then raises `IndexLockedError`. A symbolic link whose target lies outside
    all of ``paths`` is not followed (listed in `IndexReport.skipped`) unless ``follow_links``:
    whoever may write into an archive must not pull other files into the index. ``only`` (file
    paths) keeps the run to those files under ``paths``, ids still relative to ``paths`` (a
    cluster's shard: its documents have the ids one index of the archive gives them); the
    others' documents are removed. ``line_counts`` (counted over a whole archive) decide which
    short lines are furniture (`indexer.parse.furniture`) instead of the run's own count, so a
    shard drops the lines one index of the archive would.
    """
    started = time.perf_counter()
    index_dir = Path(index_dir)
    roots = [Path(os.path.abspath(p)) for p in paths]
    for root in roots:
        if not root.exists():
            raise SourceNotFoundError(f"{root}: no such file or folder")
    if index_dir.exists() and not index_dir.is_dir():
        raise PathInTheWayError(f"{index_dir} is a file, not an index folder; give another --index")
    _refuse_foreign(index_dir)  # before the lock file is made: a refused run leaves nothing behind
    try:
        index_dir.parent.mkdir(parents=True, exist_ok=True)  # the writer lock goes beside the index
    except OSError as exc:  # a folder the user may not write: one line and exit 2, not a traceback
        raise _write_failed(index_dir, exc) from None
    patience = Patience(index_dir, lock_timeout, on_wait)
    # One writer at a time, rebuilding or not, until after the swap; a low `ulimit -n` is told as such.
    with reports_too_many_open_files(index_dir, "update"), writing(index_dir, patience):
        recover(index_dir)
        _refuse_foreign(index_dir)
        run = RunOptions(
            prune=prune,
            field_map=field_map,
            on_file=on_file,
            on_start=on_start,
            max_bytes=max_bytes,
            workers=workers or default_workers(),
            pool_bytes=pool_bytes,
            follow_links=follow_links,
            only=None if only is None else frozenset(os.path.abspath(p) for p in only),
            line_counts=line_counts,
        )
        if rebuild or not index_exists(index_dir):
            report = _rebuild(index_dir, roots, run, patience)
        else:
            report = _run(open_index(index_dir), roots, index_dir, run, patience)
    report.seconds = time.perf_counter() - started
    return report


def _refuse_foreign(index_dir: Path) -> None:
    """Raise when ``index_dir`` is a folder with files in it that is not a dateline index."""
    if not index_exists(index_dir) and index_dir.is_dir() and any(index_dir.iterdir()):
        raise IndexNotFoundError(f"{index_dir} exists and is not a dateline index; refusing to write there")


def _rebuild(index_dir: Path, roots: list[Path], run: RunOptions, patience: Patience) -> IndexReport:
    """Build a fresh index in a folder of dateline's beside ``index_dir``, then swap it in."""
    try:  # the new index is built beside where it goes, then renamed into place
        build_dir = new_build_folder(index_dir)
    except OSError as exc:  # a folder the user may not write: one line and exit 2, not a traceback
        raise _write_failed(index_dir, exc) from None
    building = build_lock(build_dir)
    building.acquire(blocking=False)
    try:
        try:
            new = create_index(build_dir)
        except OSError as exc:
            raise _write_failed(index_dir, exc) from None
        report = _run(new, roots, index_dir, run, patience)
        swap_in(build_dir, index_dir)
    finally:
        building.release()
        if made_by_dateline(build_dir):  # the build, or after the swap the old index
            shutil.rmtree(build_dir, ignore_errors=True)
    return report


def _run(ix: Any, roots: list[Path], index_dir: Path, run: RunOptions, patience: Patience) -> IndexReport:
    from whoosh.index import LockError

    from indexer.engine.segments import FastSegmentWriter

    report = IndexReport()
    problems: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []
    root_keys = [printable_path(str(r)) for r in roots]
    folder = ix.storage.folder
    with ix.reader() as reader, Spill() as tasks:
        had_docs = reader.doc_count() > 0
        files = iter_files(roots, exclude=index_dir, problems=problems, skipped=skipped, follow_links=run.follow_links)
        if run.only is not None:
            files = (item for item in files if item[2] in run.only)
        candidates = _scan(files, iter_known(reader), tasks, report, run.prune, root_keys)
        report.failed[:0] = [Problem(path, reason) for path, reason in problems]
        report.skipped = [Problem(path, reason) for path, reason in sorted(skipped)]
        unlisted = [printable_path(path) for path, _ in problems]
        removals = [source for source in candidates if not is_under(source, unlisted)]
        if run.on_start:
            run.on_start(tasks.count)
        if (
            not tasks.count
            and not removals
            and not _roots_change(folder, ix.latest_generation(), roots, run.prune, had_docs)
        ):
            return report
        try:
            writer = FastSegmentWriter(ix, timeout=0)
        except LockError:  # a writer of another program, or of an older dateline, inside the index
            patience.waiting()
            if not patience.left():
                raise patience.refused() from None
            try:
                writer = FastSegmentWriter(ix, timeout=patience.left())
            except LockError:
                raise patience.refused() from None
        try:
            with closes_on_error(ix.storage):  # what Whoosh left open when writing failed is closed first
                committed = ix.latest_generation()
                if run.line_counts is not None:  # the whole archive's (a cluster's shard)
                    counts = run.line_counts
                else:
                    counts = read_counts(folder, committed) if had_docs else LineCounts()
                    count_lines(tasks, counts, run.max_bytes, run.workers)
                write_counts(folder, writer.generation, counts, committed=committed)
                built = build_segments(
                    folder,
                    tasks,
                    workers=run.workers,
                    field_map=run.field_map,
                    max_bytes=run.max_bytes,
                    pool_bytes=run.pool_bytes,
                    on_file=run.on_file,
                    name=index_dir,
                )
                try:
                    _apply(tasks, built, removals, writer, reader if had_docs else None, report, root_keys, unlisted)
                finally:
                    built.close()
                committed = writer.generation - 1
                new_roots = _roots_after(folder, committed, roots, run.prune, had_docs)
                if report.changed:
                    if new_roots is not None:
                        write_roots(folder, writer.generation, new_roots, committed=committed)
                    _commit(writer, built.segments)
                else:
                    if new_roots is not None and new_roots != read_roots(folder, committed):  # other roots only
                        write_roots(folder, committed, new_roots, committed=committed)
                    writer.abandon()
        except OSError as exc:  # writing failed (the disk is full …), mostly while committing
            writer.abandon()
            _discard_groups(folder, ix)
            raise _write_failed(index_dir, exc) from None
        except BaseException:
            writer.abandon()  # removes the new segments; Whoosh's cancel would write more of them
            _discard_groups(folder, ix)
            raise
    return report


def _scan(
    files: Iterable[tuple[str, str, str]],
    known: Iterable[KnownSource],
    tasks: Spill,
    report: IndexReport,
    prune: bool,
    root_keys: list[str],
) -> list[str]:
    """Merge the walk's files with the index's sources (both in key order): count unchanged
    files in ``report``, write a `Task` for each new or changed one to ``tasks``, and return
    the sources whose file is gone (to remove, unless under a folder that could not be listed)."""
    removals: list[str] = []
    for pair in pair_up(files, known):
        if pair[0] is None:  # a source whose file is gone
            gone = pair[1]
            if prune or is_under(gone.source, root_keys):
                removals.append(gone.source)
            continue
        (key, root, path), match = pair
        try:
            stamp = file_stamp(path)
        except OSError as exc:
            if exc.errno == errno.ENOENT and not os.path.lexists(path):
                report.failed.append(Problem(path, "deleted while indexing (after the folder was listed)"))
                if match is not None:
                    removals.append(key)
            else:
                report.failed.append(Problem(path, os_reason(path, exc)))
            continue
        if match is not None and match.stamp == stamp:
            report.unchanged += len(match.ids)
            continue
        tasks.write(Task(path, document_id(root, path), stamp, match is not None).record())
    return removals


def _roots_change(folder: str, committed: int, roots: list[Path], prune: bool, had_docs: bool) -> bool:
    """Whether this run changes the roots the index records (so it must write, even when no
    document changes)."""
    new = _roots_after(folder, committed, roots, prune, had_docs)
    return new is not None and new != read_roots(folder, committed)


def _roots_after(folder: str, committed: int, roots: list[Path], prune: bool, had_docs: bool) -> list[str] | None:
    """The roots to record with this run's commit, or None when they stay unknown.

    ``--prune`` and ``--rebuild`` (and the first run on an empty index) replace the record with
    this run's roots, an incremental run adds its roots to it. An index written before roots
    were recorded gets a record only from a run that replaces it: adding to an unknown set
    would leave the index's other documents outside every recorded root ("orphaned").
    """
    given = merge_roots([], [str(r) for r in roots])
    old = read_roots(folder, committed)
    if prune or (old is None and not had_docs):
        return given
    if old is None:
        return None
    return merge_roots(old, given)


def _write_failed(index_dir: Path, exc: OSError) -> IndexBuildError:
    return IndexBuildError(f"writing the index at {index_dir} failed: {write_failure(exc)}; nothing was committed")


def _commit(writer: FastSegmentWriter, segments: Sequence[Any]) -> None:
    """Commit the writer's deletions and merges (`merging`'s policy) together with the newly
    built segments, and the copies found among all their documents (`grouping`)."""
    from indexer.core.groups import remove_groups, write_groups
    from indexer.write.grouping import index_groups
    from indexer.write.sigs import write_merged

    built = [s for s in segments if s.doc_count()]
    final, rewritten = merge(writer, writer.segments, new=len(built))
    merged = take_added_segment(writer)
    if merged is not None:
        _merge_vocab(writer, final, merged)
        write_merged(writer.storage, merged, rewritten)
        final.append(merged)
    generation = writer.generation
    write_groups(writer.storage.folder, generation, index_groups(writer.storage, final + built))
    commit_toc(writer, final + built)
    remove_groups(writer.storage.folder, before=generation)


def _discard_groups(folder: str, ix: Any) -> None:
    """Remove the groups file a failed run wrote for the commit it did not make."""
    from indexer.core.groups import remove_groups

    with contextlib.suppress(OSError):
        remove_groups(folder, only=ix.latest_generation() + 1)


def _merge_vocab(writer: FastSegmentWriter, kept: Sequence[Any], merged: Any) -> None:
    """Give the segment Whoosh merged old segments into the sum of their vocabularies
    (`indexer.write.vocab`), when each had one; otherwise it has none, and suggestions read the index."""
    from indexer.write.vocab import merged_counts, read_vocab, write_vocab

    kept_ids = {s.segment_id() for s in kept}
    gone = [s for s in writer.segments if s.segment_id() not in kept_ids]
    vocabs = [read_vocab(writer.storage, s) for s in gone]
    present = [v for v in vocabs if v is not None]
    if gone and len(present) == len(vocabs):
        write_vocab(writer.storage, merged, merged_counts(present))


def _apply(
    tasks: Spill,
    built: Built,
    removals: list[str],
    writer: FastSegmentWriter,
    old: Any,
    report: IndexReport,
    root_keys: list[str],
    unlisted: list[str],
) -> None:
    """Account for the files read, in task order, and make the writer's deletions: old documents
    of changed and removed files, then ids that another document keeps (the new one is dropped)
    or that a document outside the roots given had (it is replaced). ``old`` reads the index as
    it was before this run (None when it was empty)."""
    before = writer.deleted_count()
    for task, result in zip(map(Task.from_record, tasks), built.files(), strict=True):
        if task.known and (result.error is None or not os.path.lexists(task.path)):  # read, or deleted while being read
            writer.delete_by_term("source", printable_path(task.path))
    for source in removals:
        writer.delete_by_term("source", source)
    current = writer.reader() if old is not None else None
    hashes = array("q")  # each new document's id hash, by number; 0 for one dropped already
    try:
        sources = current.column_reader("source") if current is not None else None
        for task, result in zip(map(Task.from_record, tasks), built.files(), strict=True):
            source = printable_path(task.path)
            if result.error is not None:
                report.failed.append(Problem(source, result.error))
                continue
            report.failed.extend(Problem(source, e) for e in result.errors)
            report.warnings.extend(Problem(source, m) for m in result.warnings)
            for doc_id in result.written(task):
                number = len(hashes)
                if current is not None:
                    holder = _keep_or_replace(current, sources, writer, doc_id, root_keys, unlisted)
                    if holder is not None:
                        report.failed.append(Problem(source, f"document id {doc_id!r} is already used by {holder}"))
                        built.delete(number)
                        hashes.append(0)
                        continue
                hashes.append(hash(doc_id) or 1)
                if old is not None and _live(old, doc_id):
                    report.updated += 1
                else:
                    report.added += 1
    finally:
        if current is not None:
            current.close()
    repeated = _repeated(hashes)
    if repeated:
        _drop_repeated(tasks, built, repeated, old, report)
    report.removed += writer.deleted_count() - before - report.updated


def _live(reader: Any, doc_id: str) -> list[int]:
    """The numbers of the live documents with id ``doc_id`` that ``reader`` sees."""
    from whoosh.reading import TermNotFound

    try:
        docnums = reader.postings("id", doc_id).all_ids()
    except TermNotFound:
        return []
    return [d for d in docnums if not reader.is_deleted(d)]


def _keep_or_replace(
    reader: Any, sources: Any, writer: FastSegmentWriter, doc_id: str, root_keys: list[str], unlisted: list[str]
) -> str | None:
    """The source (from the column ``sources``) of an old document that keeps ``doc_id`` (a
    file under the roots walked, so one this run left as it was), or None once any other old
    holder of the id is deleted."""
    for docnum in _live(reader, doc_id):
        if writer.is_deleted(docnum):
            continue
        source: str = sources[docnum]
        if is_under(source, root_keys) and not is_under(source, unlisted):
            return source
        writer.delete_document(docnum)
    return None


def _repeated(hashes: array[int]) -> set[int]:
    """The numbers whose hash another number shares (0, a dropped document, aside)."""
    import numpy as np

    values = np.frombuffer(hashes, dtype=np.int64) if hashes else np.zeros(0, dtype=np.int64)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    same = np.flatnonzero((ordered[1:] == ordered[:-1]) & (ordered[1:] != 0))
    return set(order[same].tolist()) | set(order[same + 1].tolist())


def _drop_repeated(tasks: Spill, built: Built, numbers: set[int], old: Any, report: IndexReport) -> None:
    """Of the new documents ``numbers`` that share an id, keep the first and drop the others."""
    holders: dict[str, tuple[str, int]] = {}  # id -> first source and number
    number = 0
    for task, result in zip(map(Task.from_record, tasks), built.files(), strict=True):
        if result.error is not None:
            continue
        source = printable_path(task.path)
        for doc_id in result.written(task):
            if number in numbers:
                first = holders.setdefault(doc_id, (source, number))
                if first[1] != number:
                    where = "earlier in this file" if first[0] == source else f"by {first[0]}"
                    report.failed.append(Problem(source, f"document id {doc_id!r} is already used {where}"))
                    built.delete(number)
                    if old is not None and _live(old, doc_id):
                        report.updated -= 1
                    else:
                        report.added -= 1
            number += 1
