"""``--format jsonl``: one JSON object per hit, a line each, for streaming programs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from search.cli.render._renderer import Renderer, Style
from search.cli.render.json import to_json

if TYPE_CHECKING:
    from search.results import Results


def results_jsonl(results: Results, style: Style | None = None, width: int | None = None) -> str:
    """Each hit's ``to_dict`` as JSON, one a line."""
    return "\n".join(to_json(hit.to_dict()) for hit in results.hits)


RENDERER = Renderer("jsonl", results=results_jsonl)
