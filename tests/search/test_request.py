"""`search.request.SearchRequest`: the options of one search, checked once and frozen; and the
seams around it (the plan, `similar` on public methods only, no private names across modules)."""

from __future__ import annotations

import ast
import dataclasses
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import search
from search.errors import QueryError
from search.facets import TOP
from search.request import MATCHES, SORTS, SearchRequest

SEARCH = Path(search.__file__).parent

#: Bad options and the start of the message each was refused with before the request object
#: (the checks of `Index.search`, `_search`, `_build` and `query.check_*`, word for word).
BAD: list[tuple[dict[str, Any], str]] = [
    ({"limit": -1}, "limit must be 0 (no hits: the total and facets only) or more, page 1 or more"),
    ({"page": 0}, "limit must be 0 (no hits: the total and facets only) or more, page 1 or more"),
    ({"sort": "score"}, "unknown sort 'score'; choose from relevance, date, -date"),
    ({"timeout": -1}, "timeout must be 0 (no limit) or more seconds (got -1)"),
    ({"timeout": float("nan")}, "timeout must be 0 (no limit) or more seconds (got nan)"),
    ({"facets": ["colour"]}, "unknown facet field 'colour'; choose from issuer,"),
    ({"filters": {"colour": "red"}}, "unknown filter field 'colour'; choose from issuer,"),
    ({"match": "some"}, "unknown match 'some'; choose from all, any"),
    ({"fields": ["colour"]}, "unknown field colour; choose from title,"),
    ({"lang": "fr"}, "unknown language 'fr'; choose from en, de, xx (xx: any other)"),
]


@pytest.mark.parametrize(("options", "message"), BAD)
def test_a_bad_option_is_refused_by_the_request_as_by_search(corpus_ix, options, message) -> None:
    with pytest.raises(QueryError) as made:
        SearchRequest("oil", **options)
    assert str(made.value).startswith(message)
    with pytest.raises(QueryError) as searched:
        corpus_ix.search("oil", **options)
    assert str(searched.value) == str(made.value)


@pytest.mark.parametrize("call", ["ranked", "similar"])
def test_a_call_that_lists_hits_needs_a_limit_of_one_or_more(corpus_ix, call) -> None:
    with pytest.raises(QueryError, match="^limit must be 1 or more$"):
        SearchRequest("oil", limit=0, ranked=True)
    first = corpus_ix.search("oil", limit=1).hits[0].id
    with pytest.raises(QueryError, match="^limit must be 1 or more$"):
        getattr(corpus_ix, call)("oil" if call == "ranked" else first, limit=0)


@pytest.mark.parametrize("options", [o for o, _ in BAD if not {"limit", "page", "sort", "facets"} & o.keys()])
def test_timeline_and_ranked_refuse_what_search_refuses(corpus_ix, options) -> None:
    with pytest.raises(QueryError) as made:
        SearchRequest("oil", **options)
    for call in (corpus_ix.timeline, corpus_ix.ranked) if "filters" not in options else (corpus_ix.timeline,):
        with pytest.raises(QueryError) as refused:
            call("oil", **options)
        assert str(refused.value) == str(made.value)


def test_the_request_is_frozen_and_holds_checked_values() -> None:
    request = SearchRequest("oil", fields=("title", "body"), lang="EN", facets=("wire", "wire", "year"),
                            filters={"wire": "PR Newswire"})  # fmt: skip
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.limit = 5  # type: ignore[misc]
    assert request.fields == ("title", "body")
    assert request.langs == ("en",)
    assert request.facets == ("wire", "year")
    assert request.filters == {"wire": ["PR Newswire"]}
    assert SearchRequest("oil").langs == ("en", "de", "xx") and SearchRequest("oil", fields=()).fields is None
    assert SearchRequest("oil").facet_limit == TOP
    assert SearchRequest("oil", limit=0).top_n == 1 and SearchRequest("oil", limit=10, page=3).top_n == 30
    changed = dataclasses.replace(request, lang="de")  # a changed copy is checked again
    assert changed.langs == ("de",) and request.langs == ("en",)
    with pytest.raises(QueryError, match="unknown language"):
        dataclasses.replace(request, lang="fr")


def test_sort_and_match_names_live_in_the_library_and_the_cli_takes_them_from_there() -> None:
    from search.cli import config
    from search.index import MATCHES as INDEX_MATCHES

    assert config.SORTS is SORTS and INDEX_MATCHES is MATCHES
    tree = ast.parse((SEARCH / "index.py").read_text("utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {m for m in imported if m and m.startswith("search.cli")}, "the library imports the CLI"
    # The configuration reads SORTS without loading Whoosh (the command line's start-up).
    code = "import sys, search.cli.config; print('whoosh' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "False"


def test_search_and_build_run_the_same_plan(corpus_ix) -> None:
    """`Index._build` (which tests compare paths with) is the plan `search` runs."""
    request = SearchRequest("armed forces", since="2020-01-01")
    assert corpus_ix._build("armed forces", fields=None, lang=None, match="all", syntax=True,
                            since="2020-01-01") == corpus_ix._planner.build(request)  # fmt: skip


def _private_attributes(path: Path) -> list[str]:
    """``x._name`` reads (not dunders) and imports of ``search.index`` in the module at ``path``."""
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            found.append(f"{ast.unparse(node)} (line {node.lineno})")
        if isinstance(node, ast.ImportFrom) and node.module == "search.index":
            found.append(f"from search.index import … (line {node.lineno})")
    return found


def test_similar_uses_no_private_attribute_and_does_not_import_the_index() -> None:
    """`search.similar` builds a query from a document; `Index.similar` runs it. It reached into
    ``Index._lock``, ``_current()``, ``_fast()`` and ``_ix`` before, and imported `search.index`
    (a circle: the index imports it too)."""
    assert _private_attributes(SEARCH / "similar.py") == []
