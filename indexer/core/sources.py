"""A source file as the index records it: its document id (its path below the root it was indexed
from), its stamp (size and modification time) and whether it lies under a root.

The writer (`indexer.write.indexing`), the checker (`indexer.check.integrity`) and ``dateline show
PATH`` (`search.doc_ids`) must agree on these to the byte, so they are written once, here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from indexer.core.text import printable_path

__all__ = ["document_id", "file_stamp", "is_under"]


def file_stamp(path: str | os.PathLike[str]) -> str:
    """A file's stamp: size and modification time, which change when it is edited."""
    st = os.stat(path)
    return f"{st.st_size}:{st.st_mtime_ns}"


def document_id(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> str:
    """A file's document id: its path below the root given, or its name if it is the root; the
    bytes of a name that is not valid UTF-8 are written as backslash escapes (``caf\\xe9.txt``)."""
    root, path = os.fspath(root), os.fspath(path)
    return printable_path(os.path.basename(path) if root == path else os.path.relpath(path, root).replace(os.sep, "/"))


def is_under(path: str, roots: Iterable[str]) -> bool:
    """Whether ``path`` is one of ``roots`` or lies below one (by its text: no link is followed)."""
    return any(path == r or path.startswith(r + os.sep) for r in roots)
