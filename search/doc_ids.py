"""A document given by its file's path: the ids it may have, one per indexed root it lies under.

A document's id is its file's path relative to the root it was indexed from (`indexer.core.sources`),
so ``dateline show /archive/plain/harbour-berth.txt`` finds ``plain/harbour-berth.txt`` when
``/archive`` is one of the index's recorded roots.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from indexer.core.sources import document_id

#: What an id looks like, for the message when none is found.
ID_HINT = "an id is a file's path relative to the folder it was indexed from, e.g. plain/harbour-berth.txt"


def ids_for_path(path: str, roots: Iterable[str]) -> list[str]:
    """The ids ``path`` (absolute, or relative to the working directory) would have under each
    of ``roots`` that holds it, the deepest root first; none when it lies under none."""
    full = os.path.abspath(path)
    under = [r for r in roots if full == r or full.startswith(r.rstrip(os.sep) + os.sep)]
    return [document_id(root, full) for root in sorted(under, key=len, reverse=True)]
