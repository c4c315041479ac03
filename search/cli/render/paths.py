"""``--format paths``: one id a line, as text: escaped, as everywhere but JSON and ``paths0``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from search.cli.render._renderer import Renderer, Style

if TYPE_CHECKING:
    from search.results import Results


def results_paths(results: Results, style: Style | None = None, width: int | None = None) -> str:
    """Each hit's id, control characters escaped, one a line."""
    from indexer.core.text import escape_controls

    return "\n".join(escape_controls(hit.id) for hit in results.hits)


RENDERER = Renderer("paths", results=results_paths, snippets=False)
