"""The row every output format module declares: its ``--format`` name and what it renders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from indexer.check.integrity import CheckReport, RepairReport
    from indexer.core.document import Document
    from search.cli.config import Config
    from search.eval.evaluate import Evaluation
    from search.results import Results, Story
    from search.stats import Stats
    from search.timeline import Timeline

#: Colours a match in text output (`search.cli.layout.match_style`); None: no colour.
Style = Callable[[str], str]


@dataclass(frozen=True)
class Renderer:
    """One output format: its ``--format`` name and a function for each kind of output it renders.

    ``results``: the hits of ``search`` and ``similar``, given the match style and the terminal's
    width (None: not wrapped); bytes are written as they are. ``check``/``repair``: the report of
    ``dateline check``; with ``check_summary``, the failed and skipped files follow on standard
    error and then that closing line. ``snippets``: the results show snippets (a search for a
    format without them builds none); ``people``: written for people, so notes (a query read
    otherwise, a suggestion) go to standard error and shown documents are parted by a blank line.
    ``duplicates``: the largest groups of copies (``dateline duplicates``).
    """

    name: str
    results: Callable[[Results, Style | None, int | None], str | bytes] | None = None
    document: Callable[[Document], str] | None = None
    stats: Callable[[Stats], str] | None = None
    timeline: Callable[[Timeline], str] | None = None
    evaluation: Callable[[Evaluation], str] | None = None
    settings: Callable[[Config], str] | None = None
    check: Callable[[CheckReport], str] | None = None
    repair: Callable[[RepairReport], str] | None = None
    check_summary: Callable[[CheckReport], str] | None = None
    duplicates: Callable[[list[Story]], str] | None = None
    snippets: bool = True
    people: bool = False
