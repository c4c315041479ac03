"""Output formats: one module per ``--format``, each declaring a `Renderer`; `RENDERERS` lists them.

A renderer turns what a command produced (search results, a document, stats, a timeline, a check
report…) into the text it prints; a format renders only what its module gives a function for, and
each command's ``--format`` choices are the renderers that render its kind. Adding a format is
one module with a ``RENDERER`` and one line in `RENDERERS`. Importing this package loads only the
standard library: each renderer imports what it needs when it runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import fields
from typing import overload

from search.cli.render import csv, html, json, jsonl, paths, paths0, text
from search.cli.render._renderer import Renderer, Style

__all__ = ["KINDS", "RENDERERS", "Formats", "Renderer", "Style", "formats", "renderer"]


#: Every output format, in the order ``--format`` lists them.
RENDERERS: list[Renderer] = [
    text.RENDERER,
    json.RENDERER,
    jsonl.RENDERER,
    paths.RENDERER,
    paths0.RENDERER,
    html.RENDERER,
    csv.RENDERER,
]

#: The kinds of output a renderer may render: the fields of `Renderer` that are functions.
KINDS: tuple[str, ...] = tuple(
    f.name for f in fields(Renderer) if f.name not in ("name", "snippets", "people", "check_summary")
)


def renderer(name: str) -> Renderer:
    """The renderer named ``name``; `KeyError` for a name no renderer has."""
    for r in RENDERERS:
        if r.name == name:
            return r
    raise KeyError(name)


def formats(kind: str) -> tuple[str, ...]:
    """The names of the renderers that render ``kind`` (one of `KINDS`), in registry order."""
    if kind not in KINDS:
        raise ValueError(f"no kind of output {kind!r}: one of {', '.join(KINDS)}")
    return tuple(r.name for r in RENDERERS if getattr(r, kind) is not None)


class Formats(Sequence[str]):
    """`formats` of one kind, read from the registry whenever it is looked at, so a renderer
    registered later (a plug-in, a test) is a choice too."""

    def __init__(self, kind: str) -> None:
        formats(kind)  # a kind that does not exist fails here, not at the first look
        self.kind = kind

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...
    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        return formats(self.kind)[index]

    def __len__(self) -> int:
        return len(formats(self.kind))

    def __iter__(self) -> Iterator[str]:
        return iter(formats(self.kind))

    def __repr__(self) -> str:
        return f"Formats({self.kind!r}: {', '.join(self)})"
