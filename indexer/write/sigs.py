"""Each segment's document signatures, in a side file of the segment, for finding copies.

While a segment is written, each document's body gets a MinHash signature
(`indexer.core.signatures`), and the file keeps it beside the document's time (which copy came
first) and its site (the host of its URL, else its folder), in document-number order, as
``<segment id>.sigs``. Like a segment's ``.vocab`` file, the name follows Whoosh's segment pattern,
so the file is committed and removed with its segment. A segment merged from others gets their
live rows, in the order Whoosh copies their documents (`write_merged`). Signatures are written a
document at a time to a temporary file and read back through memory maps, so neither indexing nor
grouping holds them all in memory.

Layout: one JSON line (a header with the row count and the sites), then the signatures
(rows x `NUM_HASHES` uint32), the shingle counts (uint32), the times (int64 seconds, `NO_TIME`
for an undated document) and the site numbers (int32), all little-endian.
"""

from __future__ import annotations

import json
import mmap
import os
import tempfile
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from indexer.core.document import Document
from indexer.core.records import index_date
from indexer.core.signatures import NUM_HASHES, signature

SIGS_EXT = ".sigs"
VERSION = 1
#: The time of a document without a date: later than any, so it never leads a group it can join.
NO_TIME = np.iinfo(np.int64).max


def site_of(doc: Document) -> str:
    """Where ``doc`` was published: its URL's host without ``www.``, else the folder of its id
    (a scraped archive's site folder), else ``""``."""
    if doc.url:
        try:
            host = (urlsplit(doc.url).hostname or "").lower()
        except ValueError:
            host = ""
        if host:
            return host.removeprefix("www.")
    folder, _, _ = doc.id.rpartition("/")
    return folder


@dataclass
class SegmentSigs:
    """The rows of one segment, by document number: ``minima`` (n x `NUM_HASHES`), ``shingles``
    (0: no signature: an empty body), ``times`` (seconds, `NO_TIME` undated) and ``site`` (a
    number into ``sites``)."""

    minima: np.ndarray
    shingles: np.ndarray
    times: np.ndarray
    site: np.ndarray
    sites: list[str]

    def __len__(self) -> int:
        return len(self.shingles)

    @classmethod
    def empty(cls, count: int = 0) -> SegmentSigs:
        """``count`` rows without a signature (a segment written before signatures were)."""
        return cls(
            np.zeros((count, NUM_HASHES), np.uint32),
            np.zeros(count, np.uint32),
            np.full(count, NO_TIME, np.int64),
            np.zeros(count, np.int32),
            [""],
        )


class Collector:
    """The rows of the documents added to a segment since the last `take`, one `add` each. The
    signatures go to a temporary file as they come, so memory does not grow with the segment."""

    def __init__(self) -> None:
        self._file: Any = None  # opened at the first document
        self._shingles = array("I")
        self._times = array("q")
        self._site = array("i")
        self._sites: dict[str, int] = {}

    def add(self, doc: Document) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile()
        sig = signature(doc.body) if doc.body else None
        if sig is None:
            self._file.write(_NO_SIGNATURE)
            self._shingles.append(0)
        else:
            self._file.write(sig.minima.astype("<u4").tobytes())
            self._shingles.append(sig.shingles)
        when = index_date(doc)
        self._times.append(NO_TIME if when is None else int(when.replace(tzinfo=UTC).timestamp()))
        self._site.append(self._sites.setdefault(site_of(doc), len(self._sites)))

    def take(self) -> SegmentSigs:
        """The rows added since the last call (their signatures mapped from the temporary file);
        the collector starts afresh."""
        n = len(self._shingles)
        minima: np.ndarray
        if n:
            self._file.flush()
            minima = np.memmap(self._file, dtype="<u4", mode="r", shape=(n, NUM_HASHES))
        else:
            minima = np.zeros((0, NUM_HASHES), np.uint32)
        rows = SegmentSigs(
            minima,
            np.frombuffer(self._shingles, np.uint32).copy(),
            np.frombuffer(self._times, np.int64).copy(),
            np.frombuffer(self._site, np.int32).copy(),
            list(self._sites),
        )
        self.close()  # the map keeps the (unlinked) file's pages
        self.__init__()  # type: ignore[misc]
        return rows

    def close(self) -> None:
        """Drop the temporary file (a run that failed or was abandoned)."""
        if self._file is not None:
            self._file.close()
            self._file = None


_NO_SIGNATURE = bytes(4 * NUM_HASHES)
#: Rows of signatures copied or hashed at a time (2 MB).
CHUNK_ROWS = 4096


def write_sigs(storage: Any, segment: Any, rows: SegmentSigs | Stacked, keep: np.ndarray | None = None) -> None:
    """Write ``segment``'s signature file into ``storage`` (before the commit that lists it): the
    ``rows`` (only those ``keep`` marks, when given), their signatures copied a chunk at a time."""
    stacked = rows if isinstance(rows, Stacked) else Stacked([rows])
    kept = np.arange(len(stacked)) if keep is None else np.flatnonzero(keep)
    header = {"version": VERSION, "count": len(kept), "hashes": NUM_HASHES, "sites": stacked.sites}
    out = storage.create_file(segment.make_filename(SIGS_EXT))
    try:
        out.write(json.dumps(header, ensure_ascii=True).encode("ascii") + b"\n")
        for start in range(0, len(kept), CHUNK_ROWS):
            out.write(stacked.rows(kept[start : start + CHUNK_ROWS]).astype("<u4").tobytes())
        out.write(stacked.shingles[kept].astype("<u4").tobytes())
        out.write(stacked.times[kept].astype("<i8").tobytes())
        out.write(stacked.site[kept].astype("<i4").tobytes())
    finally:
        out.close()


def read_sigs(storage: Any, segment: Any) -> SegmentSigs | None:
    """``segment``'s rows, their signatures mapped from the file (not read into memory); None when
    it has no readable file (written before signatures were, or merged from such a segment): its
    documents then join no group."""
    name = segment.make_filename(SIGS_EXT)
    folder = getattr(storage, "folder", None)
    try:
        if folder is None:  # a storage without files (in memory): read whole
            if not storage.file_exists(name):
                return None
            f = storage.open_file(name)
            try:
                data: bytes | mmap.mmap = f.read()
            finally:
                f.close()
        else:
            with open(os.path.join(folder, name), "rb") as fh:
                data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        rows = decode(data)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return rows if len(rows) == segment.doc_count_all() else None


def decode(data: bytes | mmap.mmap) -> SegmentSigs:
    """The rows of a file's bytes, the signatures a view of them (no copy); ValueError when they
    are not a whole file of this version."""
    end = data.find(b"\n")
    if end < 0:
        raise ValueError("no signature header")
    header = json.loads(data[:end])
    if header.get("version") != VERSION or header.get("hashes") != NUM_HASHES:
        raise ValueError("unknown signature file version")
    n, at = int(header["count"]), end + 1
    if len(data) - at != n * (4 * NUM_HASHES + 4 + 8 + 4):
        raise ValueError("signature file cut short")

    def part(dtype: str, count: int, copy: bool = True) -> np.ndarray:
        nonlocal at
        values = np.frombuffer(data, dtype=dtype, count=count, offset=at)
        at += values.nbytes
        return values.astype(dtype[1:]) if copy else values

    minima = part("<u4", n * NUM_HASHES, copy=False).reshape(n, NUM_HASHES)
    return SegmentSigs(minima, part("<u4", n), part("<i8", n), part("<i4", n), list(header["sites"]))


class Stacked:
    """Several segments' rows one after another (the documents of a commit, numbered across its
    segments), their sites renumbered into one list; the signatures stay where they are (mapped
    files), read a chunk at a time."""

    def __init__(self, parts: Sequence[SegmentSigs]) -> None:
        self.parts = list(parts)
        self.offsets = np.cumsum([0] + [len(p) for p in self.parts])
        sites: dict[str, int] = {}
        numbers = []
        for p in self.parts:
            remap = np.asarray([sites.setdefault(name, len(sites)) for name in p.sites] or [0], np.int32)
            numbers.append(remap[p.site] if len(p) else p.site)
        self.sites = list(sites) or [""]

        def joined(values: list[np.ndarray], dtype: type) -> np.ndarray:
            return np.concatenate(values).astype(dtype) if values else np.zeros(0, dtype)

        self.shingles = joined([p.shingles for p in self.parts], np.uint32)
        self.times = joined([p.times for p in self.parts], np.int64)
        self.site = joined(numbers, np.int32)

    def __len__(self) -> int:
        return int(self.offsets[-1])

    def chunks(self, columns: slice) -> Iterator[tuple[int, np.ndarray]]:
        """(first document number, signatures' ``columns``) of every document, a chunk at a time."""
        for p, offset in zip(self.parts, self.offsets.tolist(), strict=False):
            for start in range(0, len(p), CHUNK_ROWS):
                yield offset + start, np.asarray(p.minima[start : start + CHUNK_ROWS, columns])

    def rows(self, docs: np.ndarray) -> np.ndarray:
        """The signatures of documents ``docs`` (numbers across the parts), in that order."""
        out = np.empty((len(docs), NUM_HASHES), np.uint32)
        which = np.searchsorted(self.offsets, docs, side="right") - 1
        for n in np.unique(which).tolist():
            at = np.flatnonzero(which == n)
            out[at] = self.parts[n].minima[docs[at] - self.offsets[n]]
        return out


def live_rows(segment: Any) -> np.ndarray:
    """A boolean mask of ``segment``'s documents that are not deleted."""
    live = np.ones(segment.doc_count_all(), dtype=bool)
    if segment.has_deletions():
        live[np.fromiter(segment.deleted_docs(), dtype=np.int64)] = False
    return live


def write_merged(storage: Any, merged: Any, segments: Sequence[Any]) -> None:
    """Write the signature file of the segment ``merged`` from ``segments`` (in merge order): each
    one's live rows, in the order Whoosh copied their documents; none when one of them has none
    (its documents then join no group until they are indexed again)."""
    parts = []
    for segment in segments:
        rows = read_sigs(storage, segment)
        if rows is None:
            return
        parts.append(rows)
    write_sigs(storage, merged, Stacked(parts), np.concatenate([live_rows(s) for s in segments]) if segments else None)
