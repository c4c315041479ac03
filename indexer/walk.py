"""Finding the documents under the paths a user gives: recursive, loop-safe, hidden entries skipped.

Files come out one at a time in the order of their *keys* (the path as the index stores it,
`printable_path`), so the indexer can stream a walk of any size against the index's sources,
which it reads in the same order, without holding either in memory.
"""

from __future__ import annotations

import heapq
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .parse import READERS
from .text import printable_path


@dataclass
class Walk:
    """Files found under one root (absolute paths, as strings), and the paths that could not be
    listed. For callers that want the whole list; the indexer streams `iter_files` instead."""

    root: Path
    files: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)


def walk(root: str | os.PathLike[str], *, exclude: Path | None = None) -> Walk:
    """List the document files under ``root`` (itself, if it is a file), in key order."""
    result = Walk(root=Path(os.path.abspath(root)))
    result.files.extend(iter_walk(root, exclude=exclude, problems=result.problems))
    return result


def iter_walk(root: str | os.PathLike[str], *, exclude: Path | None = None,
              problems: list[tuple[str, str]] | None = None) -> Iterator[str]:  # fmt: skip
    """Yield the document files under ``root`` (itself, if it is a file) in key order.

    Folders and files whose names start with ``.`` are skipped, and so is ``exclude`` (the index
    itself). Symlinked folders are followed once each, so a link loop ends (what is remembered
    for that is one entry per folder, not per file). A file named directly is read whatever its
    extension; inside folders only known extensions count. Paths that cannot be listed are
    appended to ``problems`` as ``(path, reason)``.
    """
    root = os.path.abspath(root)
    if os.path.isfile(root):
        yield root
        return
    problems = [] if problems is None else problems
    skip = os.path.realpath(exclude) if exclude else None
    seen: set[tuple[int, int]] = set()
    stack = [iter(_listing(root, skip, seen, problems))]
    while stack:
        for path, is_dir in stack[-1]:
            if is_dir:
                stack.append(iter(_listing(path, skip, seen, problems)))
                break
            yield path
        else:
            stack.pop()


def _listing(folder: str, skip: str | None, seen: set[tuple[int, int]], problems: list[tuple[str, str]]) -> list[tuple[str, bool]]:
    """The entries of ``folder`` to visit, ``(path, is_dir)``, sorted so that the paths below it
    come out in key order: a folder sorts as its name followed by ``/``."""
    try:
        st = os.stat(folder)
        if (st.st_dev, st.st_ino) in seen or os.path.realpath(folder) == skip:
            return []
        seen.add((st.st_dev, st.st_ino))
        with os.scandir(folder) as entries:
            listed = list(entries)
    except OSError as exc:
        problems.append((exc.filename or folder, exc.strerror or str(exc)))
        return []
    keyed = []
    for entry in listed:
        name = entry.name
        if name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            keyed.append((printable_path(name) + "/", entry.path, True))
        elif os.path.splitext(name)[1].lower() in READERS:
            keyed.append((printable_path(name), entry.path, False))
    keyed.sort()
    return [(path, is_dir) for _key, path, is_dir in keyed]


def iter_files(roots: Iterable[str | os.PathLike[str]], *, exclude: Path | None = None,
               problems: list[tuple[str, str]] | None = None) -> Iterator[tuple[str, str, str]]:  # fmt: skip
    """Yield ``(key, root, path)`` for the files under all ``roots``, in key order, each file
    once: a file under two roots given comes with the first of them."""
    problems = [] if problems is None else problems
    streams = [_keyed(os.path.abspath(root), exclude, problems) for root in roots]
    last = None
    for item in heapq.merge(*streams, key=lambda item: item[0]):
        if item[0] != last:
            last = item[0]
            yield item


def _keyed(root: str, exclude: Path | None, problems: list[tuple[str, str]]) -> Iterator[tuple[str, str, str]]:
    for path in iter_walk(root, exclude=exclude, problems=problems):
        yield printable_path(path), root, path
