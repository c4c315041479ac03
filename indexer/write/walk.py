"""Finding the documents under the paths a user gives: recursive, loop-safe, hidden entries skipped.

Files come out one at a time in the order of their *keys* (the path as the index stores it,
`printable_path`), so the indexer can stream a walk of any size against the index's sources,
which it reads in the same order, without holding either in memory.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from indexer.core.text import printable_path
from indexer.parse.formats import readable


@dataclass
class Walk:
    """Files found under one root (absolute paths, as strings), the paths that could not be
    listed, and the links out of the root not followed. For callers that want the whole list;
    the indexer streams `iter_files` instead."""

    root: Path
    files: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def walk(root: str | os.PathLike[str], *, exclude: Path | None = None, follow_links: bool = False) -> Walk:
    """List the document files under ``root`` (itself, if it is a file), in key order."""
    result = Walk(root=Path(os.path.abspath(root)))
    result.files.extend(
        iter_walk(root, exclude=exclude, problems=result.problems, skipped=result.skipped, follow_links=follow_links)
    )
    return result


def iter_walk(
    root: str | os.PathLike[str],
    *,
    exclude: Path | None = None,
    problems: list[tuple[str, str]] | None = None,
    skipped: list[tuple[str, str]] | None = None,
    within: Iterable[str | os.PathLike[str]] | None = None,
    follow_links: bool = False,
) -> Iterator[str]:
    """Yield the document files under ``root`` (itself, if it is a file) in key order.

    Folders and files whose names start with ``.`` are skipped, and so is ``exclude`` (the index
    itself). Symlinked folders are followed once each, so a link loop ends (what is remembered
    for that is one entry per folder, not per file). A file named directly is read whatever its
    extension; inside folders only known extensions count. Paths that cannot be listed are
    appended to ``problems`` as ``(path, reason)``.

    A symbolic link (to a file or a folder) whose resolved target lies outside ``within``
    (default: ``root``) is not followed unless ``follow_links``: whoever can write into an archive
    must not pull files from elsewhere into the index (``/etc/shadow`` for a run as root). Each
    is appended to ``skipped`` as ``(path, reason)``.
    """
    root = os.path.abspath(root)
    if os.path.isfile(root):
        yield root
        return
    scope = _Scope(
        skip=os.path.realpath(exclude) if exclude else None,
        problems=[] if problems is None else problems,
        skipped=[] if skipped is None else skipped,
        within=None if follow_links else _prefixes([root] if within is None else within),
    )
    yield from _walk(root, scope)


def _walk(root: str, scope: _Scope) -> Iterator[str]:
    """The files under the folder ``root``, depth first, in key order."""
    stack = [iter(_listing(root, scope))]
    while stack:
        for path, is_dir in stack[-1]:
            if is_dir:
                stack.append(iter(_listing(path, scope)))
                break
            yield path
        else:
            stack.pop()


@dataclass
class _Scope:
    """What one walk needs to know and collects: the folder not to enter (the index), the
    folders seen (loops end), where links may lead (None: anywhere), and what went wrong or was
    left out (``reported``, shared by the walks of one `iter_files`, lists each link once)."""

    skip: str | None
    problems: list[tuple[str, str]]
    skipped: list[tuple[str, str]]
    within: tuple[str, ...] | None
    seen: set[tuple[int, int]] = field(default_factory=set)
    reported: set[str] = field(default_factory=set)


def _prefixes(roots: Iterable[str | os.PathLike[str]]) -> tuple[str, ...]:
    """The resolved ``roots``, each ending in a separator, for `_inside`."""
    return tuple(os.path.join(os.path.realpath(r), "") for r in roots)


def _inside(target: str, prefixes: tuple[str, ...]) -> bool:
    """Whether the resolved path ``target`` is one of the roots or below one."""
    return any(target.startswith(p) or target == p[:-1] for p in prefixes)


def _out_of_bounds(path: str, scope: _Scope) -> bool:
    """Whether ``path``, a symbolic link, leads outside the roots and is not to be followed;
    if so, it is recorded in ``scope.skipped``, once however many ways lead to it."""
    if scope.within is None:
        return False
    target = os.path.realpath(path)
    if _inside(target, scope.within):
        return False
    link = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))  # reached by any way
    if link not in scope.reported:
        scope.reported.add(link)
        scope.skipped.append(
            (path, f"a symbolic link to {target}, outside the paths given; not followed (--follow-links)")
        )
    return True


def _listing(folder: str, scope: _Scope) -> list[tuple[str, bool]]:
    """The entries of ``folder`` to visit, ``(path, is_dir)``, sorted so that the paths below it
    come out in key order: a folder sorts as its name followed by ``/``."""
    try:
        st = os.stat(folder)
        if (st.st_dev, st.st_ino) in scope.seen or os.path.realpath(folder) == scope.skip:
            return []
        scope.seen.add((st.st_dev, st.st_ino))
        with os.scandir(folder) as entries:
            listed = list(entries)
    except OSError as exc:
        scope.problems.append((exc.filename or folder, exc.strerror or str(exc)))
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
        if not is_dir and not readable(name):
            continue
        if entry.is_symlink() and _out_of_bounds(entry.path, scope):
            continue
        keyed.append((printable_path(name) + ("/" if is_dir else ""), entry.path, is_dir))
    keyed.sort()
    return [(path, is_dir) for _key, path, is_dir in keyed]


def iter_files(
    roots: Iterable[str | os.PathLike[str]],
    *,
    exclude: Path | None = None,
    problems: list[tuple[str, str]] | None = None,
    skipped: list[tuple[str, str]] | None = None,
    follow_links: bool = False,
) -> Iterator[tuple[str, str, str]]:
    """Yield ``(key, root, path)`` for the files under all ``roots``, in key order, each file
    once: a file under two roots given comes with the first of them. Links out of all the
    ``roots`` are not followed unless ``follow_links``; each is added to ``skipped`` once."""
    problems = [] if problems is None else problems
    skipped = [] if skipped is None else skipped
    absolute = [os.path.abspath(root) for root in roots]
    within = None if follow_links else _prefixes(absolute)
    reported: set[str] = set()
    streams = [_keyed(root, exclude, problems, skipped, within, reported) for root in absolute]
    last = None
    for item in heapq.merge(*streams, key=lambda item: item[0]):
        if item[0] != last:
            last = item[0]
            yield item


def _keyed(
    root: str,
    exclude: Path | None,
    problems: list[tuple[str, str]],
    skipped: list[tuple[str, str]],
    within: tuple[str, ...] | None,
    reported: set[str],
) -> Iterator[tuple[str, str, str]]:
    if os.path.isfile(root):
        yield printable_path(root), root, root
        return
    scope = _Scope(os.path.realpath(exclude) if exclude else None, problems, skipped, within, reported=reported)
    for path in _walk(root, scope):
        yield printable_path(path), root, path
