"""Small index files (the roots record, furniture counts) replaced in one step: written aside,
flushed to disk, then renamed over the old one, so a reader or a killed run never sees half a file."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def replace_text(target: Path, text: str) -> None:
    """Make ``target`` hold ``text`` (UTF-8), atomically; a failed write leaves no temporary file."""
    replace_bytes(target, text.encode("utf-8"))


def replace_bytes(target: Path, data: bytes) -> None:
    """Make ``target`` hold ``data``, atomically; a failed write leaves no temporary file."""
    temp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    try:
        with open(temp, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
