"""The folders dateline makes beside an index, and swapping a rebuilt index in.

A rebuild builds into ``<name>.new-XXXXXXXX`` and replaces the index with it in one step
(`indexer.write.rename.exchange`; two renames through ``<name>.old-XXXXXXXX`` where the system
cannot). dateline removes only folders it made: each carries a marker file naming the folder
it was written for, so a folder of the user's (``news.old``, ``news.new-drafts``), or a copy
of one of dateline's, is never taken for one, and names are chosen free, never reused.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
from pathlib import Path

from indexer.core.store import index_exists
from indexer.write.rename import exchange

#: The marker file, holding ``{"folder": NAME}``: dateline made the folder called NAME.
MARKER = ".dateline-made"
BUILD_LOCK = "BUILDING"
BUILD, OLD = ".new-", ".old-"


def mark(folder: Path, name: str | None = None) -> None:
    """Mark ``folder`` as dateline's own, to remove, under ``name`` (default: its name now)."""
    (folder / MARKER).write_text(json.dumps({"folder": name or folder.name}) + "\n", "utf-8")


def made_by_dateline(folder: Path) -> bool:
    """Whether ``folder`` is a real folder whose marker names it: one dateline made."""
    try:
        if folder.is_symlink() or not folder.is_dir():
            return False
        return json.loads((folder / MARKER).read_text("utf-8")).get("folder") == folder.name
    except (OSError, ValueError, AttributeError):
        return False


def new_build_folder(target: Path) -> Path:
    """A fresh, marked folder beside ``target`` to build its next index in (a name nobody
    holds: `tempfile.mkdtemp` never reuses one)."""
    target = Path(os.path.abspath(target))
    folder = Path(tempfile.mkdtemp(prefix=target.name + BUILD, dir=target.parent))
    try:
        mark(folder)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def build_lock(folder: Path):
    """The lock a rebuild holds on its build folder from creation to swap, so that `recover`
    never removes a live build (the writer lock beside the index already keeps other dateline
    writers out; this one also covers a folder whose writer lock could not be made)."""
    from whoosh.filedb.filestore import FileStorage

    return FileStorage(str(folder)).lock(BUILD_LOCK)


def _locked(folder: Path) -> bool:
    """Whether a live process holds ``folder``'s `build_lock`."""
    lock = build_lock(folder)
    try:
        if not lock.acquire(blocking=False):
            return True
        lock.release()
        return False
    except OSError:
        return True


def _ours(target: Path, *kinds: str) -> list[Path]:
    """dateline's own folders of the given kinds beside ``target``."""
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    return [
        target.parent / n
        for n in sorted(names)
        if any(n.startswith(target.name + kind) for kind in kinds) and made_by_dateline(target.parent / n)
    ]


def _unmark(folder: Path) -> None:
    try:
        (folder / MARKER).unlink()
    except OSError:
        pass


def recover(target: Path) -> None:
    """Undo what a run killed in the middle of `swap_in` or of a rebuild left (called by a
    writer holding the index's writer lock): the previous index moved aside with nothing in
    its place is put back, and dateline's build and old folders no live process holds are
    removed. Nothing else beside the index is touched."""
    target = Path(os.path.abspath(target))
    if not os.path.lexists(target):
        aside = [p for p in _ours(target, OLD) if index_exists(p)]
        if aside:
            newest = max(aside, key=lambda p: p.stat().st_mtime_ns)
            os.rename(newest, target)
            _unmark(target)
    for folder in _ours(target, BUILD, OLD):
        if not _locked(folder):
            shutil.rmtree(folder, ignore_errors=True)


def swap_in(new: Path, target: Path) -> None:
    """Replace the index at ``target`` by the one built at ``new`` (a `new_build_folder`);
    the old one is removed after. Where the folders can be exchanged, ``target`` names a
    whole index at every moment; elsewhere the old one is renamed aside first, and a run
    killed between the two renames is undone by `recover`."""
    new, target = Path(os.path.abspath(new)), Path(os.path.abspath(target))
    if not os.path.lexists(target) or (target.is_dir() and not any(target.iterdir())):
        os.rename(new, target)  # nothing in place (or an empty folder, which rename replaces)
    else:
        mark(target, new.name)  # once exchanged, the old index is a build folder of dateline's
        if exchange(new, target):
            shutil.rmtree(new, ignore_errors=True)
        else:
            old = _free_name(target, OLD)
            mark(target, old.name)
            os.rename(target, old)
            os.rename(new, target)
            shutil.rmtree(old, ignore_errors=True)
    _unmark(target)  # the index in place is no longer a folder to remove


def _free_name(target: Path, kind: str) -> Path:
    """A name beside ``target`` that nothing holds."""
    while True:
        path = target.with_name(target.name + kind + secrets.token_hex(4))
        if not os.path.lexists(path):
            return path
