"""Building new segments from files, in worker processes that each write their own segments.

The files to (re)index come as a `Spill` of tasks, in key order. It is split into one
contiguous run per worker; each worker reads, parses, analyses and writes its run into
segments of at most ``pool_bytes`` of buffered postings, so memory does not grow with the
corpus. Segments are returned in run order, so documents are numbered in task order whatever
the number of workers, and results (ties included) are the same as with one. The caller
commits the segments, or drops them; a segment that is never committed is removed by Whoosh's
next commit.

What each file gave (`FileResult`) is spilled to disk too, one line per file, and read back by
the caller in task order: the parent holds nothing per file.
"""

from __future__ import annotations

import bisect
import errno
import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any, cast

from indexer.core.errors import DocumentError, IndexBuildError
from indexer.core.records import to_fields
from indexer.engine.commit import finalize_segment
from indexer.engine.postings import Analyzer
from indexer.engine.storage import closes_on_error, open_storage
from indexer.parse.files import read_documents
from indexer.parse.furniture import read_furniture, source_of, split_furniture
from indexer.write.channel import Receiver, pipe, send
from indexer.write.spill import Spill

#: Default memory bound of one worker's buffered postings before it writes a segment (bytes).
POOL_BYTES = 160 * 1024 * 1024
#: Below this many files to read, workers cost more to start than they save.
MIN_FILES_PER_WORKER = 200


@dataclass(frozen=True, slots=True)
class Task:
    """A file to read: its path, the id of its (first) document, its stamp to store, and
    whether the index holds documents of it (which the new ones replace)."""

    path: str
    doc_id: str
    stamp: str
    known: bool = False

    def record(self) -> list[Any]:
        return [self.path, self.doc_id, self.stamp, self.known]

    @classmethod
    def from_record(cls, record: list[Any]) -> Task:
        return cls(*record)


@dataclass(frozen=True, slots=True)
class FileResult:
    """What reading one file gave: the ids of the documents written, in order (None: one
    document, with the task's own id), or why nothing was."""

    ids: tuple[str, ...] | None = None
    error: str | None = None
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def written(self, task: Task) -> tuple[str, ...]:
        """The ids of the documents written from ``task``'s file."""
        return (task.doc_id,) if self.ids is None else self.ids

    def record(self) -> list[Any] | None:
        return None if self is ONE_DOCUMENT else [self.ids, self.error, self.errors, self.warnings]

    @staticmethod
    def from_record(record: list[Any] | None) -> FileResult:
        if record is None:
            return ONE_DOCUMENT
        ids, error, errors, warnings = record
        return FileResult(None if ids is None else tuple(ids), error, tuple(errors), tuple(warnings))


#: The usual result, shared by all files that gave it: one document under the task's id.
ONE_DOCUMENT = FileResult()


@dataclass
class Built:
    """New segments (in document order) and each file's result (in task order, spilled).

    Documents are numbered 0, 1, … across the segments in task order, the order of
    `FileResult.written`; `delete` takes that number.
    """

    segments: list[Any]
    results: list[Spill]

    def files(self) -> Iterator[FileResult]:
        """Each file's result, in task order."""
        for spill in self.results:
            for record in spill:
                yield FileResult.from_record(record)

    def close(self) -> None:
        for spill in self.results:
            spill.close()

    def __post_init__(self) -> None:
        self._starts = [0]
        for segment in self.segments:
            self._starts.append(self._starts[-1] + segment.doc_count_all())

    def delete(self, number: int) -> None:
        """Drop one written document (a duplicate id) before the segments are committed."""
        n = bisect.bisect_right(self._starts, number) - 1
        self.segments[n].delete_document(number - self._starts[n])


def default_workers() -> int:
    """One worker per CPU this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _build_run(
    index_dir: str,
    tasks: Iterable[Task],
    field_map: Mapping[str, str] | None,
    max_bytes: int,
    pool_bytes: int,
    report: Callable[[Task, FileResult], None],
) -> list[Any]:
    """Read ``tasks`` into new segments of the index at ``index_dir``; report each file's result."""
    from indexer.engine.segments import FastSegmentWriter
    from indexer.write.sigs import Collector

    ix = open_storage(index_dir).open_index()
    analyzer = Analyzer(ix.schema, count_words=True)
    furniture = read_furniture(index_dir)  # recorded by the run before building (`indexer.parse.furniture`)
    sigs = Collector()
    segments: list[Any] = []
    writer = None
    try:
        with closes_on_error(ix.storage):  # a failed write leaves no file open
            for task in tasks:
                try:
                    parsed = read_documents(task.path, doc_id=task.doc_id, field_map=field_map, max_bytes=max_bytes)
                except DocumentError as exc:
                    report(task, FileResult(error=exc.reason))
                    continue
                except MemoryError:  # the process is in trouble, not the document: the run fails
                    raise
                except Exception as exc:  # a parser bug on a hostile file must not stop the others
                    report(task, FileResult(error=f"internal error reading it: {type(exc).__name__}: {exc}"))
                    continue
                written: list[str] = []
                errors = list(parsed.errors)
                lines = furniture.get(source_of(task.doc_id), frozenset())
                for doc in parsed.documents:
                    doc.body, doc.furniture = split_furniture(doc.body, lines)
                    try:
                        analyzed = analyzer.analyze(to_fields(doc, stamp=task.stamp))
                    except MemoryError:
                        raise
                    except Exception as exc:  # as above: one document's bug must not stop the others
                        errors.append(f"document {doc.id!r}: internal error indexing it: {type(exc).__name__}: {exc}")
                        continue
                    if writer is None:
                        writer = FastSegmentWriter(ix, _lk=False)
                    writer.add_analyzed(analyzed)
                    sigs.add(doc)
                    written.append(doc.id)
                ids = tuple(written)
                if ids == (task.doc_id,) and not errors and not parsed.warnings:
                    report(task, ONE_DOCUMENT)
                else:
                    report(task, FileResult(ids, None, tuple(errors), tuple(parsed.warnings)))
                if writer is not None and writer.pool_bytes > pool_bytes:
                    segments.append(_finish(writer, ix.storage, analyzer, sigs))
                    writer = None
            if writer is not None:
                segments.append(_finish(writer, ix.storage, analyzer, sigs))
                writer = None
    finally:
        sigs.close()
        if writer is not None:
            writer.abandon()  # closing it would write its column files, on a disk maybe full
    return segments


def _finish(writer: Any, storage: Any, analyzer: Analyzer, sigs: Any) -> Any:
    """Write the writer's segment, its vocabulary (the words of the documents analysed since
    the last segment, `indexer.write.vocab`) and their signatures (`indexer.write.sigs`); the segment."""
    from indexer.write.sigs import write_sigs
    from indexer.write.vocab import write_vocab

    segment = finalize_segment(writer)
    write_vocab(storage, segment, analyzer.take_words())
    write_sigs(storage, segment, sigs.take())
    return segment


def _worker(
    index_dir: str,
    tasks: Spill,
    start: int,
    end: int,
    field_map: Mapping[str, str] | None,
    max_bytes: int,
    pool_bytes: int,
    fd: int,
) -> None:
    """A worker process: build the run of tasks in bytes ``start``–``end`` of ``tasks``, sending
    file results as they come, then the segments, through the pipe ``fd`` (`channel.send`)."""
    _die_with_parent()
    try:

        def report(task: Task, result: FileResult) -> None:
            send(fd, ("file", (task.path, result.record())))

        segments = _build_run(
            index_dir, map(Task.from_record, tasks.read(start, end)), field_map, max_bytes, pool_bytes, report
        )
        send(fd, ("done", segments))
    except BaseException as exc:  # reported to the parent, which raises it as IndexBuildError
        send(fd, ("failed", (write_failure(exc), traceback.format_exc())))


def write_failure(exc: BaseException) -> str:
    """Why writing failed, for a message: ``the disk is full (No space left on device)``, an
    OSError's own words, or the exception's."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"the disk is full ({exc.strerror})" if exc.errno == errno.ENOSPC else exc.strerror
    return str(exc) or type(exc).__name__


def _die_with_parent() -> None:
    """Have the kernel kill this worker when the indexing process dies (Linux), so a killed
    run leaves no orphan still writing segment files into the index folder."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


def build_segments(
    index_dir: str | os.PathLike[str],
    tasks: Spill,
    *,
    workers: int = 1,
    field_map: Mapping[str, str] | None = None,
    max_bytes: int,
    pool_bytes: int = POOL_BYTES,
    on_file: Callable[[str], None] | None = None,
    name: str | os.PathLike[str] | None = None,
) -> Built:
    """Read the `Task` records of ``tasks`` into new, uncommitted segments of the index at
    ``index_dir``.

    With ``workers`` > 1 and enough files, that many processes share the work (where processes
    can be forked, and this process is not a daemon, as a Dask worker is; elsewhere it runs in
    this process). Raises `IndexBuildError` if writing
    fails, naming the index ``name`` (default ``index_dir``; a rebuild writes into a build
    folder the user never named). The segments written until then are left to the caller, who
    holds the lock, to remove.
    """
    index_dir = os.fspath(index_dir)
    name = index_dir if name is None else os.fspath(name)
    if "fork" not in multiprocessing.get_all_start_methods():
        workers = 1  # the workers read the task list through the descriptor they inherit
    if multiprocessing.current_process().daemon:
        workers = 1  # a daemonic process (a Dask worker's) may not start children: build here

    workers = max(1, min(workers, tasks.count // MIN_FILES_PER_WORKER))
    ranges = tasks.ranges(workers)
    results = [Spill() for _ in ranges]
    try:
        if workers == 1:

            def record(task: Task, result: FileResult) -> None:
                results[0].write(result.record())
                if on_file:
                    on_file(task.path)

            try:
                segments = _build_run(index_dir, map(Task.from_record, tasks), field_map, max_bytes, pool_bytes, record)
            except OSError as exc:
                raise IndexBuildError(
                    f"writing the index at {name} failed: {write_failure(exc)}; nothing was committed"
                ) from None
        else:
            runs = _in_workers(index_dir, tasks, ranges, results, field_map, max_bytes, pool_bytes, on_file, name)
            segments = [segment for run in sorted(runs) for segment in runs[run]]
        if sum(spill.count for spill in results) != tasks.count:
            raise IndexBuildError(f"a worker gave no result for some files of {name}; nothing was committed")
    except BaseException:
        for spill in results:
            spill.close()
        raise
    return Built(segments, results)


#: How long the parent waits for a message or a worker's end before it looks again (seconds).
POLL_SECONDS = 1.0


@dataclass
class _Worker:
    """A worker process, the parent's end of its pipe, and its segments once it sent them."""

    process: Any
    pipe: Receiver
    segments: list[Any] | None = None


def _in_workers(
    index_dir, tasks, ranges, results, field_map, max_bytes, pool_bytes, on_file, name
) -> dict[int, list[Any]]:
    """Each worker's segments, by the number of its run.

    Each worker sends through a pipe of its own (`indexer.write.channel`); the parent waits on the
    pipes and the workers' sentinels together, and never blocks on a read, so a worker that
    dies, however it dies (SIGKILL, the OOM killer, in the middle of sending a result), ends
    the run with `IndexBuildError` at once instead of leaving it waiting for ever.
    """
    context = multiprocessing.get_context("fork")
    workers: list[_Worker] = []
    try:
        for start, end in ranges:
            receiver, fd = pipe()
            process = context.Process(
                target=_worker, daemon=True, args=(index_dir, tasks, start, end, field_map, max_bytes, pool_bytes, fd)
            )
            try:
                workers.append(_Worker(process, receiver))
                process.start()
            finally:
                os.close(fd)  # the worker alone holds its end: its death ends the pipe
        while any(w.segments is None for w in workers):
            watched = {w.pipe.fileno(): w for w in workers if not w.pipe.closed}
            ended = {w.process.sentinel: w for w in workers if w.segments is None}
            for ready in wait([*watched, *ended], timeout=POLL_SECONDS):
                ready = cast(int, ready)  # wait() hands back what it was given: descriptors, sentinels
                worker = watched.get(ready)
                if worker is not None:
                    messages = worker.pipe.read()
                else:
                    worker = ended[ready]
                    messages = worker.pipe.drain()
                for message in messages:
                    _receive(worker, message, results[workers.index(worker)], on_file, name)
                if worker.segments is None and (worker.pipe.closed or not worker.process.is_alive()):
                    raise IndexBuildError(_died(worker, name))
    finally:
        for worker in workers:
            if worker.process.pid is not None:  # started
                if worker.process.is_alive():
                    worker.process.terminate()
                worker.process.join(POLL_SECONDS)
                if worker.process.is_alive():
                    worker.process.kill()
                    worker.process.join()
            worker.pipe.close()
    return {run: w.segments for run, w in enumerate(workers) if w.segments is not None}


def _receive(worker: _Worker, message: Any, results: Spill, on_file: Callable[[str], None] | None, name: str) -> None:
    """Take one message of ``worker``: a file's result, its segments, or why it failed."""
    kind, payload = message
    if kind == "file":
        path, record = payload
        results.write(record)
        if on_file:
            on_file(path)
    elif kind == "done":
        worker.segments = payload
    else:
        raise IndexBuildError(f"writing the index at {name} failed: {payload[0]}; nothing was committed")


def _died(worker: _Worker, name: str) -> str:
    """Why the run stops: which way the worker ended without sending its segments."""
    worker.process.join(POLL_SECONDS)  # its pipe ended: it is exiting, or gone
    code = worker.process.exitcode
    if code is None:
        how = "closed its pipe"
    elif code < 0:
        try:
            how = f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            how = f"was killed by signal {-code}"
    else:
        how = f"exited with status {code} before finishing"
    cut = " in the middle of sending a result" if worker.pipe.partial else ""
    return f"an indexing worker died (it {how}{cut}) while writing the index at {name}; nothing was committed"
