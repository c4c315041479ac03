"""Which files go to which shard: a cluster's plan, kept as ``cluster.json`` at its root.

News archives are append-mostly and filed by date, so shards are usually periods: ``year`` or
``month`` of each document's date (undated files go to the shard ``undated``), a period with
more than ``max_files`` files split again by a hash of the file's id (``2024-h0``, ``2024-h1``
…); ``hash:N`` spreads the files over N shards by that hash alone. **Files never move**: planning
again keeps every known file in its shard, puts new files where the rule says (a split period's
new files among its parts, by the hash), and drops files gone from disk (their shard then
removes their documents). Each shard is an ordinary dateline index in ``ROOT/shards/NAME``,
indexed and committed on its own; there is no commit across shards (as in Elasticsearch).

The plan also records the short lines of the whole archive (``line-counts.json``), so that
every shard drops the same portal furniture one index of the archive would.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from indexer.core.atomic import replace_text
from indexer.core.errors import DocumentError
from indexer.core.sources import document_id
from indexer.parse.files import read_documents
from indexer.parse.furniture import LineCounts
from search.errors import ClusterError

MANIFEST = "cluster.json"
LINE_COUNTS = "line-counts.json"
SHARDS = "shards"
FORMAT = 1
_SHARD_BY = re.compile(r"year|month|hash:([1-9]\d{0,3})")


@dataclass(frozen=True)
class Shard:
    """One shard: its name, its index folder, the files it holds (absolute paths) and the dates
    of their documents when planned (None: none dated)."""

    name: str
    path: Path
    files: tuple[str, ...]
    first: date | None = None
    last: date | None = None


@dataclass(frozen=True)
class Manifest:
    """A cluster's plan: its root, the archive folders it was planned from, the rule, the shards."""

    root: Path
    sources: tuple[str, ...]
    shard_by: str
    shards: tuple[Shard, ...]
    #: The archive's short lines (`indexer.parse.furniture`), counted when planned; kept beside the manifest.
    counts: LineCounts | None = field(default=None, compare=False, repr=False)

    def line_counts(self) -> LineCounts:
        """The archive's short lines as planned; empty if their file is unreadable."""
        if self.counts is not None:
            return self.counts
        try:
            return LineCounts(json.loads((self.root / LINE_COUNTS).read_text("utf-8")))
        except (OSError, ValueError):
            return LineCounts()


def check_shard_by(shard_by: str) -> str:
    """``shard_by`` if it is ``year``, ``month`` or ``hash:N`` (1 ≤ N ≤ 9999), else `ClusterError`."""
    if not _SHARD_BY.fullmatch(shard_by):
        raise ClusterError(f"--shard-by {shard_by!r}: choose year, month or hash:N (N shards, 1 or more)")
    return shard_by


def bucket(doc_id: str, parts: int) -> int:
    """A stable hash of a file's id into ``parts`` buckets (the same on every machine and run)."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest(), "big") % parts


def plan(
    root: str | os.PathLike[str],
    paths: Sequence[str | os.PathLike[str]],
    shard_by: str,
    *,
    max_files: int | None = None,
    follow_links: bool = False,
) -> Manifest:
    """The plan of the files under ``paths`` for the cluster at ``root``, keeping the shard of
    every file an existing plan there holds (``shard_by`` must then be the same). Reads every
    file once: its documents' date, and its short lines (`LINE_COUNTS`)."""
    from indexer.write.lines import count_file_lines
    from indexer.write.walk import iter_files

    check_shard_by(shard_by)
    if max_files is not None and max_files < 1:
        raise ClusterError(f"--max-files {max_files}: give 1 or more")
    root = Path(root).resolve()
    sources = tuple(str(Path(p).resolve()) for p in paths)
    old = read_manifest(root) if (root / MANIFEST).exists() else None
    if old is not None and old.shard_by != shard_by:
        raise ClusterError(
            f"{root / MANIFEST}: planned by {old.shard_by}, not {shard_by}; files never move between shards, "
            "so plan a new cluster elsewhere to shard another way"
        )
    known = {file: shard.name for shard in (old.shards if old else ()) for file in shard.files}
    counts = LineCounts()
    found: list[tuple[str, str, date | None]] = []  # (path, id, date)
    for _key, top, path in iter_files(sources, exclude=root, follow_links=follow_links):
        doc_id = document_id(top, path)
        count_file_lines(counts, doc_id, path)
        found.append((path, doc_id, None if path in known else _date_of(path, doc_id)))
    names = _assign(found, known, shard_by, max_files, {s.name for s in old.shards} if old else set())
    dates: dict[str, list[date]] = {}
    for path, _, when in found:
        if when is not None:
            dates.setdefault(names[path], []).append(when)
    for shard in old.shards if old else ():
        dates.setdefault(shard.name, []).extend(d for d in (shard.first, shard.last) if d is not None)
    # A shard all of whose files are gone stays, empty, so that indexing removes their documents.
    members: dict[str, list[str]] = {shard.name: [] for shard in (old.shards if old else ())}
    for path, _, _ in found:
        members.setdefault(names[path], []).append(path)
    shards = tuple(
        Shard(
            name,
            root / SHARDS / name,
            tuple(sorted(files)),
            min(dates[name]) if dates.get(name) else None,
            max(dates[name]) if dates.get(name) else None,
        )
        for name, files in sorted(members.items())
    )
    return Manifest(root, sources, shard_by, shards, counts)


def _date_of(path: str, doc_id: str) -> date | None:
    """The date of a file's (first) document, or None (no date, or a file that cannot be read:
    indexing reports it)."""
    try:
        parsed = read_documents(path, doc_id=doc_id)
    except (DocumentError, OSError):
        return None
    for doc in parsed.documents:
        if doc.date is not None:
            return doc.date.date() if hasattr(doc.date, "date") else doc.date
    return None


def _assign(
    found: Iterable[tuple[str, str, date | None]],
    known: dict[str, str],
    shard_by: str,
    max_files: int | None,
    existing: set[str],
) -> dict[str, str]:
    """Each file's shard: its old one if it has one, else by the rule."""
    names: dict[str, str] = {}
    periods: dict[str, list[tuple[str, str]]] = {}
    for path, doc_id, when in found:
        if path in known:
            names[path] = known[path]
        elif shard_by.startswith("hash:"):
            names[path] = f"h{bucket(doc_id, int(shard_by[5:]))}"
        else:
            period = "undated" if when is None else f"{when:%Y}" if shard_by == "year" else f"{when:%Y-%m}"
            periods.setdefault(period, []).append((path, doc_id))
    for period, files in periods.items():
        parts = sorted(n for n in existing if n == period or n.startswith(f"{period}-h"))
        if not parts:  # a new period: split it if it is large
            count = -(-len(files) // max_files) if max_files else 1
            parts = [period] if count <= 1 else [f"{period}-h{i}" for i in range(count)]
        for path, doc_id in files:
            names[path] = parts[0] if len(parts) == 1 else parts[bucket(doc_id, len(parts))]
    return names


def write_manifest(manifest: Manifest) -> Path:
    """Write ``manifest`` to ``ROOT/cluster.json`` at once (a reader never sees half of it), and
    its line counts beside it."""
    data: dict[str, Any] = {
        "format": FORMAT,
        "shard_by": manifest.shard_by,
        "sources": list(manifest.sources),
        "shards": [
            {
                "name": shard.name,
                "first": shard.first.isoformat() if shard.first else None,
                "last": shard.last.isoformat() if shard.last else None,
                "files": list(shard.files),
            }
            for shard in manifest.shards
        ],
    }
    path = manifest.root / MANIFEST
    manifest.root.mkdir(parents=True, exist_ok=True)
    if manifest.counts is not None:
        replace_text(manifest.root / LINE_COUNTS, json.dumps(manifest.counts.to_json(), ensure_ascii=False) + "\n")
    replace_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return path


def read_manifest(root: str | os.PathLike[str]) -> Manifest:
    """The manifest at ``root``; `ClusterError` naming the file when it is missing or damaged."""
    root = Path(root).resolve()
    path = root / MANIFEST
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ClusterError(f"no {MANIFEST} in {root}: plan the cluster first (dateline cluster plan)") from None
    except (OSError, ValueError) as exc:
        raise ClusterError(f"{path}: not a readable cluster manifest ({exc})") from None
    try:
        if data["format"] != FORMAT:
            raise ClusterError(f"{path}: manifest format {data['format']!r}; this dateline reads {FORMAT}")
        shards = tuple(
            Shard(
                str(entry["name"]),
                root / SHARDS / _safe_name(str(entry["name"]), path),
                tuple(str(f) for f in entry["files"]),
                date.fromisoformat(entry["first"]) if entry["first"] else None,
                date.fromisoformat(entry["last"]) if entry["last"] else None,
            )
            for entry in data["shards"]
        )
        return Manifest(root, tuple(str(s) for s in data["sources"]), check_shard_by(str(data["shard_by"])), shards)
    except (KeyError, TypeError, ValueError) as exc:
        raise ClusterError(f"{path}: a damaged cluster manifest ({type(exc).__name__}: {exc})") from None


def _safe_name(name: str, path: Path) -> str:
    """A shard's name as a folder name: no separator, no ``..``, so a manifest never points outside its root."""
    if not name or name in (".", "..") or "/" in name or os.sep in name or "\0" in name:
        raise ClusterError(f"{path}: shard name {name!r} is not a folder name")
    return name
