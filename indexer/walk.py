"""Finding the documents under the paths a user gives: recursive, loop-safe, hidden entries skipped."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .parse import READERS


@dataclass
class Walk:
    """Files found under one root (absolute paths, as strings: a `Path` costs four times the
    memory, and a walk may list millions), and the paths that could not be listed."""

    root: Path
    files: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)


def walk(root: str | os.PathLike[str], *, exclude: Path | None = None) -> Walk:
    """List the document files under ``root`` (itself, if it is a file), sorted.

    Folders and files whose names start with ``.`` are skipped, and so is ``exclude`` (the index
    itself). Symlinked folders are followed once each, so a link loop ends. A file named directly
    is read whatever its extension; inside folders only known extensions count.
    """
    root = Path(os.path.abspath(root))
    result = Walk(root=root)
    if root.is_file():
        result.files.append(str(root))
        return result
    skip = os.path.realpath(exclude) if exclude else None
    seen: set[tuple[int, int]] = set()

    def on_error(exc: OSError) -> None:
        result.problems.append((exc.filename or str(root), exc.strerror or str(exc)))

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error, followlinks=True):
        try:
            st = os.stat(dirpath)
        except OSError as exc:
            on_error(exc)
            dirnames[:] = []
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen or os.path.realpath(dirpath) == skip:
            dirnames[:] = []
            continue
        seen.add(key)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or os.path.splitext(name)[1].lower() not in READERS:
                continue
            result.files.append(os.path.join(dirpath, name))
    return result
