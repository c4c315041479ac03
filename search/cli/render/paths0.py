"""``--format paths0`` (``-0``): each hit's id, raw, ended by a NUL byte, as ``find -print0`` writes
names, for ``xargs -0`` and ``dateline show -0 -``: the one format no name can break."""

from __future__ import annotations

from typing import TYPE_CHECKING

from search.cli.render._renderer import Renderer, Style

if TYPE_CHECKING:
    from search.results import Results


def id_bytes(doc_id: str) -> bytes:
    """``doc_id`` as the exact bytes a program reads back (`dateline show -0 -`): UTF-8, no
    escaping, a non-UTF-8 byte Python carries as a surrogate written as that byte."""
    try:
        return doc_id.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no file name gives; ids in the index never hold one
        from indexer.core.text import printable_path

        return printable_path(doc_id).encode("utf-8")


def results_paths0(results: Results, style: Style | None = None, width: int | None = None) -> bytes:
    """Each hit's id as `id_bytes`, followed by NUL."""
    return b"".join(id_bytes(hit.id) + b"\0" for hit in results.hits)


RENDERER = Renderer("paths0", results=results_paths0, snippets=False)
