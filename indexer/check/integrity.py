"""Integrity check: does the index still match the corpus it was built from, and can all of it
be read? And repair: reindex what can be fixed.

The corpus is the roots (folders and files) recorded with the index's last commit, or those
given. Files that cannot be read or parsed are legitimately absent from the index (indexing
reports them as failed): they are parsed again here and listed as ``failed``, not ``missing``,
so a check does not report them for ever.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.core.errors import DocumentError, RootsUnknownError, SourceNotFoundError
from indexer.core.sources import document_id, file_stamp, is_under
from indexer.core.store import check_version, merge_roots, read_meta, read_roots
from indexer.core.text import printable_path
from indexer.engine.opening import latest_generation, open_reader
from indexer.engine.storage import open_storage
from indexer.engine.verify import Damage, read_toc, verify_segments
from indexer.parse.files import MAX_FILE_BYTES, read_documents
from indexer.write.indexing import IndexReport, Problem, index_paths
from indexer.write.known import KnownSource, iter_known, pair_up
from indexer.write.walk import iter_files


@dataclass(frozen=True)
class StaleDocument:
    """A document whose file changed (size or modification time) since it was indexed."""

    id: str
    source: str


@dataclass
class CheckReport:
    """How the index at ``index`` differs from the files under ``roots``.

    ``missing``: files the walk finds (of the kinds indexing reads) that have no document;
    ``stale``: documents whose file changed; ``orphaned``: ids of documents whose file is gone
    or no longer under any root; ``unreadable``: index files that cannot be read (when any is,
    the documents are not compared: ``compared`` is False); ``failed``: files that cannot be
    read or parsed, and folders that cannot be listed: not in the index, rightly; ``skipped``:
    symbolic links out of the roots, not followed (as indexing does not follow them).
    """

    index: str
    roots: list[str]
    documents: int = 0
    files: int = 0
    missing: list[str] = field(default_factory=list)
    stale: list[StaleDocument] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)
    unreadable: list[Damage] = field(default_factory=list)
    failed: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    compared: bool = True
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the index is whole and holds exactly the corpus (failed files aside)."""
        return not (self.missing or self.stale or self.orphaned or self.unreadable)

    @property
    def problems(self) -> int:
        return len(self.missing) + len(self.stale) + len(self.orphaned) + len(self.unreadable)


@dataclass
class RepairReport:
    """What `repair_index` found, did, and found afterwards."""

    before: CheckReport
    after: CheckReport
    #: The reindexing run, None when the index was consistent already.
    indexed: IndexReport | None = None
    #: Whether the index was rebuilt (damaged files), rather than updated in place.
    rebuilt: bool = False


def check_index(
    index_dir: str | os.PathLike[str],
    roots: Iterable[str | os.PathLike[str]] | None = None,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    follow_links: bool = False,
) -> CheckReport:
    """Compare the index at ``index_dir`` with the files under ``roots`` (default: the roots
    recorded with its last commit) and read all of it. Links out of the roots are not followed
    unless ``follow_links``, as `index_paths` does. Raises `IndexNotFoundError`,
    `IncompatibleIndexError`, or `RootsUnknownError` when no roots are given or recorded."""
    started = time.perf_counter()
    path = Path(index_dir)
    check_version(path)
    storage = open_storage(os.path.abspath(path))
    try:
        return _check(storage, path, roots, max_bytes, follow_links, started)
    finally:
        storage.close_files()  # what Whoosh opened on a damaged file and left open


def _check(
    storage: Any,
    path: Path,
    roots: Iterable[str | os.PathLike[str]] | None,
    max_bytes: int,
    follow_links: bool,
    started: float,
) -> CheckReport:
    generation = latest_generation(storage)
    toc, damage = read_toc(storage, generation)
    report = CheckReport(str(path), _roots(path, generation, roots, damaged=damage is not None))
    report.unreadable = [damage] if damage else verify_segments(storage, toc)
    if report.unreadable:
        report.compared = False
        report.seconds = time.perf_counter() - started
        return report
    with open_reader(storage, toc) as reader:
        report.documents = reader.doc_count()
        _compare(report, iter_known(reader), path, max_bytes, follow_links)
    report.seconds = time.perf_counter() - started
    return report


def _roots(path: Path, generation: int, given: Iterable[str | os.PathLike[str]] | None, damaged: bool) -> list[str]:
    """The roots to compare with: those given, else those recorded with commit ``generation``
    (when its TOC is damaged, the newest recorded)."""
    if given is not None:
        return merge_roots([], [os.path.abspath(r) for r in given])
    recorded = read_roots(path, generation)
    if recorded is None and damaged:
        records = read_meta(path).get("roots", {})
        recorded = records[max(records, key=int)] if records else None
    if recorded is None:
        raise RootsUnknownError(
            f"the index at {path} does not record the folders it was built from (written by an older "
            f"dateline?); name them: dateline check PATH..., or record them: dateline index --prune PATH..."
        )
    return recorded


def _compare(
    report: CheckReport, known: Iterator[KnownSource], index_dir: Path, max_bytes: int, follow_links: bool
) -> None:
    """Fill in missing, stale, orphaned and failed: the roots walked as indexing walks them,
    merged with the index's sources (both in key order, as streams)."""
    problems: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []
    gone: list[KnownSource] = []  # sources no file was found for: orphaned, unless not listable
    files = iter_files(
        [r for r in report.roots if os.path.exists(r)],
        exclude=index_dir,
        problems=problems,
        skipped=skipped,
        follow_links=follow_links,
    )
    for pair in pair_up(files, known):
        if pair[0] is None:  # a source whose file is gone
            gone.append(pair[1])
            continue
        report.files += 1
        (_key, root, source), match = pair
        if match is None:
            _check_missing(report, root, source, max_bytes)
            continue
        try:
            stamp = file_stamp(source)
        except OSError as exc:
            report.failed.append(Problem(source, exc.strerror or str(exc)))
            continue
        if stamp != match.stamp:
            report.stale.extend(StaleDocument(i, match.source) for i in sorted(match.ids))
    report.failed[:0] = [Problem(where, reason) for where, reason in problems]
    report.skipped = [Problem(where, reason) for where, reason in sorted(skipped)]
    unlisted = [printable_path(where) for where, _ in problems]
    report.orphaned = sorted(doc_id for k in gone if not is_under(k.source, unlisted) for doc_id in k.ids)


def _check_missing(report: CheckReport, root: str, source: str, max_bytes: int) -> None:
    """A file with no document in the index: missing if it gives documents, else failed."""
    try:
        parsed = read_documents(source, doc_id=document_id(root, source), max_bytes=max_bytes)
    except DocumentError as exc:
        report.failed.append(Problem(source, exc.reason))
        return
    if parsed.documents:
        report.missing.append(source)
    else:
        report.failed.extend(Problem(source, e) for e in parsed.errors or ["no documents"])


def repair_index(
    index_dir: str | os.PathLike[str],
    roots: Iterable[str | os.PathLike[str]] | None = None,
    **index_options: Any,
) -> RepairReport:
    """Check the index and fix what reindexing can: an incremental run over the roots that also
    removes orphaned documents (``--prune``), or, when files of the index cannot be read, a fresh
    build swapped in (``--rebuild``). ``index_options`` go to `index_paths` (``workers``,
    ``lock_timeout`` …). Raises what `check_index` and `index_paths` raise, and
    `SourceNotFoundError` when none of the roots exists (the repair would empty the index)."""
    given = list(roots) if roots is not None else None
    follow_links = bool(index_options.get("follow_links", False))
    before = check_index(index_dir, given, follow_links=follow_links)
    if before.ok:
        return RepairReport(before, before)
    existing = [r for r in before.roots if os.path.exists(r)]
    if not existing:
        raise SourceNotFoundError(
            f"none of the index's roots exists ({', '.join(before.roots)}); nothing to reindex from"
        )
    rebuild = bool(before.unreadable)
    indexed = index_paths(existing, index_dir, prune=True, rebuild=rebuild, **index_options)
    after = check_index(index_dir, given, follow_links=follow_links)
    return RepairReport(before, after, indexed, rebuild)
