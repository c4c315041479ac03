"""`search.expansion`: wildcards, prefixes, fuzzy words and ranges score the same however the
index is split into segments (issue 22.5), and the same in both scoring paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import CORPUS, assert_same_ranking

from search import Index

#: Each expands to several words in the sample corpus, in more than one field.
MULTI = ["acqui*", "wind*", "energ*", "armd~", "windpark~", "issuer:[a TO n]", "stro?", "market*"]


def _segments(ix: Index) -> int:
    return len(list(ix._current().reader().leaf_readers()))


@pytest.fixture(scope="module")
def two_layouts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample corpus built as one segment, and built in two runs (the English half, then
    all): the same documents in two segments."""
    from indexer import index_paths

    root = tmp_path_factory.mktemp("layouts")
    one, two = root / "one", root / "two"
    index_paths([CORPUS], one, workers=1)
    half = root / "corpus"
    shutil.copytree(CORPUS, half)
    moved = root / "later"
    shutil.move(half / "de", moved)
    index_paths([half], two, workers=1)
    shutil.move(moved, half / "de")
    index_paths([half], two, workers=1)
    return one, two


@pytest.mark.parametrize("query", MULTI)
def test_scores_do_not_depend_on_the_segment_layout(two_layouts, query: str) -> None:
    one, two = two_layouts
    with Index(one) as a, Index(two) as b:
        assert _segments(a) == 1 and _segments(b) >= 2  # else the comparison proves nothing
        first = a.ranked(query, syntax=True, match="all")
        second = b.ranked(query, syntax=True, match="all")
        assert first, f"{query!r} should find something in the sample corpus"
        assert_same_ranking(first, second)
