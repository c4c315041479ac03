"""`search.plan`: the query text is parsed once and each language's query made from that one
syntax tree (`query.relabel`); each must equal what a parse of its own gives, errors included."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.core.schema import LANG_KEYS, build_schema
from search.errors import QueryError
from search.plan import Planner
from search.query import parse_query, prepare_query
from search.request import SearchRequest

# Laid out by hand (fmt: skip): one item a line takes 30 lines, not 7.
SHAPES = ["oil", "oil prices", '"oil prices"', "title:oil body:gold", "issuer:apex merger", "Übernahme Bank",
          "wire:\"business wire\" merger", "oil OR gold", "oil NOT gold", "(oil OR gold) AND prices", "oil*",
          "ölpreis~", "oil~2", "oil^3 gold", "title:(oil gold)", "date:[2025-01-01 to 2025-12-31] oil",
          "description:stock", '"forces of mali"', "the who", "und der", "place:tokyo title:coffee", "u.s. 5.2",
          "keywords:energy", "title:", "oil^-1", "oil~9", "[a TO b]", "COVID-19", "oil AND", "(", "*",
          "language:de Bank", "url:example.com", "oil ANDMAYBE gold", "title:oil^2 OR body:\"crude oil\"~3"]  # fmt: skip
WORDS = st.sampled_from(["oil", "Öl", "prices", "mali", "the", "und", "Übernahme", "U.S.", "5,000", "1.5"])
PIECES = st.one_of(
    WORDS,
    st.sampled_from(["AND", "OR", "NOT", "(", ")", '"', "*", "~", "^2", "title:", "body:", "issuer:", "date:2025"]),
    st.text(min_size=1, max_size=6),
)


@pytest.fixture(scope="module")
def planner() -> Planner:
    return Planner(build_schema(), ("title", "body", "description", "issuer"), {"title": 2.0})


def shape(value: object) -> object:
    """A query as nested plain values, every attribute included: Whoosh's own ``==`` calls two
    empty ``Or([])`` different (an empty compound query is falsy)."""
    if isinstance(value, list | tuple):
        return [shape(v) for v in value]
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return (type(value).__name__, sorted((k, shape(v)) for k, v in vars(value).items()))
    return value


def each_alone(planner: Planner, request: SearchRequest) -> dict[str, object]:
    """Each language's query by a whole parse of its own (what the planner did before), or the error."""
    out: dict[str, object] = {}
    for lang in request.langs:
        parser = planner.parser(lang, planner.fields_of(request), request.match)
        try:
            out[lang] = shape(parse_query(parser, prepare_query(request.text), request.text))
        except QueryError as exc:
            out[lang] = str(exc)
    return out


def once(planner: Planner, request: SearchRequest) -> dict[str, object]:
    try:
        return {k: shape(q) for k, q in planner.parsed(request, prepare_query(request.text)).items()}
    except QueryError as exc:
        return {lang: str(exc) for lang in request.langs}


@pytest.mark.parametrize("text", SHAPES)
@pytest.mark.parametrize("match", ["all", "any"])
def test_one_parse_gives_each_languages_own_query(planner: Planner, text: str, match: str) -> None:
    request = SearchRequest(text, match=match)  # type: ignore[arg-type]
    assert request.langs == LANG_KEYS
    expected = each_alone(planner, request)
    assert once(planner, request) == expected
    # the languages really differ: the German stemmer and field names are not the English ones
    if text == "Übernahme Bank":
        assert expected["en"] != expected["de"]


@given(st.lists(st.tuples(PIECES, st.sampled_from(["", " "])), min_size=1, max_size=8))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_one_parse_agrees_on_generated_queries(planner: Planner, parts: list[tuple[str, str]]) -> None:
    text = "".join(p + sep for p, sep in parts)
    try:
        prepare_query(text)
    except QueryError:
        return  # refused before parsing: no parse to compare
    request = SearchRequest(text)
    assert once(planner, request) == each_alone(planner, request)


def test_a_field_list_and_one_language(planner: Planner) -> None:
    request = SearchRequest("oil prices", fields=("body",), lang="de")
    assert once(planner, request) == each_alone(planner, request)
    assert list(once(planner, request)) == ["de"]
