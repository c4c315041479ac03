"""From the user's query text to a Whoosh query: fields, boosts, AND by default, dates, errors."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.qparser import AndGroup, FieldAliasPlugin, FuzzyTermPlugin, MultifieldParser, OrGroup

from indexer.core.analysis import TOKEN_PATTERN, fold
from indexer.core.defaults import TEXT_FIELDS
from indexer.core.errors import DatelineError
from indexer.core.schema import DEFAULT_BOOSTS, DEFAULT_FIELDS, LANG_FIELDS, LANG_KEYS, lang_field
from search.balance import balance
from search.errors import QueryError
from search.limits import DeadlinePlugin, check_size, name, shorten

#: Fields a query may name in ``field:term`` (the rest of the schema is bookkeeping).
QUERY_FIELDS: tuple[str, ...] = TEXT_FIELDS + ("language", "keywords", "date", "url", "id", "format")


def check_fields(fields: Sequence[str]) -> tuple[str, ...]:
    """Validate a ``--fields`` list against the searchable text fields."""
    unknown = [f for f in fields if f not in TEXT_FIELDS]
    if unknown or not fields:
        raise QueryError(f"unknown field {', '.join(unknown) or '(none given)'}; choose from {', '.join(TEXT_FIELDS)}")
    return tuple(fields)


#: Largest boost, in a query (``oil^5``) or ``--boost``: far above any useful weight, and small
#: enough that scores stay finite numbers (``oil^1e308`` made them ``Infinity``, which strict
#: JSON parsers reject). A larger one is refused (exit 2), not clamped: the user meant something else.
MAX_BOOST = 1_000_000.0


def check_boosts(boosts: Mapping[str, float]) -> dict[str, float]:
    """Validate field boosts (``--boost title=2``): known text fields, weights above zero and
    at most `MAX_BOOST`."""
    for field, weight in boosts.items():
        if field not in TEXT_FIELDS:
            raise QueryError(f"cannot boost unknown field {field!r}; choose from {', '.join(TEXT_FIELDS)}")
        if not weight > 0:
            raise QueryError(f"boost for {field!r} must be above 0 (got {weight})")
        if not weight <= MAX_BOOST:
            raise QueryError(f"boost for {field!r} must be at most {MAX_BOOST:.0f} (got {weight:g})")
    return dict(boosts)


def make_parser(
    schema: Schema,
    lang: str,
    fields: Sequence[str] = DEFAULT_FIELDS,
    boosts: Mapping[str, float] | None = None,
    *,
    match: str = "all",
) -> MultifieldParser:
    """A parser for documents in ``lang`` over ``fields`` with the given boosts; words are ANDed,
    or ORed with ``match="any"``.

    Language-analysed fields (``title``, ``body``, ``description``) resolve to that language's
    indexed field, so the query text is analysed exactly as those documents were.
    """
    boosts = {**DEFAULT_BOOSTS, **(boosts or {})}
    real = {f: lang_field(f, lang) if f in LANG_FIELDS else f for f in fields}
    parser = MultifieldParser(
        list(real.values()),
        schema,
        group=OrGroup if match == "any" else AndGroup,
        fieldboosts={real[f]: boosts.get(f, 1.0) for f in fields},
    )
    parser.add_plugin(FuzzyTermPlugin())
    parser.add_plugin(DeadlinePlugin())
    parser.add_plugin(FieldAliasPlugin({lang_field(f, lang): [f] for f in LANG_FIELDS}))
    return parser


def check_lang(lang: str | None) -> tuple[str, ...]:
    """The languages to search: all, or the one asked for (``en``, ``de``, ``xx`` = others)."""
    if lang is None:
        return LANG_KEYS
    if lang.lower() not in LANG_KEYS:
        raise QueryError(f"unknown language {lang!r}; choose from {', '.join(LANG_KEYS)} (xx: any other)")
    return (lang.lower(),)


def _errors(q: wq.Query) -> list[str]:
    error = getattr(q, "error", None)  # Whoosh marks a failed part with an ``error`` attribute
    found = [str(error)] if error else []
    for child in q.children():
        found += _errors(child)
    return found


def _unknown_fields(text: str) -> list[str]:
    names = re.findall(r"(?:^|[\s(])([A-Za-z_]\w*):(?=\S)", text)
    return [n for n in names if n not in QUERY_FIELDS and not n.startswith("http")]


_WORDS = re.compile(r'-?"[^"]*"(?:~\d+)?|\S+')


def minus_to_not(text: str) -> str:
    """``wind -solar`` → ``wind NOT solar``: a leading minus excludes a word or phrase."""
    return _WORDS.sub(lambda m: f"NOT {m[0][1:]}" if m[0].startswith("-") and len(m[0]) > 1 else m[0], text)


def prepare_query(text: str) -> str:
    """Check the query text once (empty, too large, unknown fields), close its open quote and
    brackets (`search.balance`) and rewrite ``-word`` as ``NOT word``."""
    if not text.strip():
        raise QueryError("empty query")
    check_size(text)
    unknown = _unknown_fields(text)
    if unknown:
        raise QueryError(f"{name(text)}: unknown field {shorten(unknown[0])!r}; fields: {', '.join(QUERY_FIELDS)}")
    return minus_to_not(balance(text).text)


_PLAIN_WORD = re.compile(TOKEN_PATTERN)


def plain_query(text: str) -> str:
    """Natural-language text as query syntax that means just its words: each token (as the
    analyzers split text) quoted as a literal, so ``AND``, ``(``, ``:``, ``*`` or an unbalanced
    quote is only text."""
    check_size(text)
    words = _PLAIN_WORD.findall(text)
    if not words:
        raise QueryError(f"{name(text)} has no words")
    return " ".join(f"'{w}'" for w in words)


def is_match_all(prepared: str) -> bool:
    """Whether the query (from `prepare_query`) is ``*`` alone: every document, as Lucene reads it."""
    return prepared.strip() == "*"


def match_all() -> wq.Query:
    """The query for ``*`` alone: every live document, each with the same score (1), whatever
    fields it has. Whoosh's parser makes ``*`` an `Every` per searched field, which read every
    word's postings and scored a document by the fields it has; `search.columnar` answers this
    one from no column at all."""
    return wq.Every()


def parse_query(parser: MultifieldParser, prepared: str, text: str) -> wq.Query:
    """Parse ``prepared`` (from `prepare_query`); errors name the user's ``text``.

    The query is not normalised yet, so repeated words are still there to be counted
    (`ranking.weigh_repeats`); normalise it once rewritten.
    """
    return tree_query(syntax_tree(parser, prepared, text), parser, text)


def syntax_tree(parser: MultifieldParser, prepared: str, text: str) -> Any:
    """The first half of Whoosh's parse: ``prepared`` tagged and filtered into syntax nodes,
    each word already spread over the parser's fields. The costly half, and the same for every
    language but for the field names (`relabel`)."""
    try:
        return parser.process(prepared)
    except DatelineError:  # the search's time limit, checked between the parser's stages
        raise
    except Exception as exc:  # Whoosh's parser raises bare Exceptions from field parsers
        raise QueryError(f"{name(text)}: {_problem(exc)}") from None


def _problem(problem: object) -> str:
    """What the parser found wrong, on one line and bounded: Whoosh's own complaints may quote
    a word of any length."""
    return shorten(" ".join(str(problem).split()), 300)


def tree_query(tree: Any, parser: MultifieldParser, text: str) -> wq.Query:
    """The second half of Whoosh's parse: the query of a `syntax_tree`, its words analysed as
    ``parser``'s fields analyse them, checked (errors, fuzzy edits, boosts)."""
    try:
        q = tree.query(parser) or wq.NullQuery
    except DatelineError:
        raise
    except Exception as exc:
        raise QueryError(f"{name(text)}: {_problem(exc)}") from None
    problems = _errors(q)
    if problems:
        raise QueryError(f"{name(text)}: {_problem(problems[0])}")
    _check_fuzzy(q, text)
    _check_boost(q, text)
    return q


def relabel(tree: Any, names: Mapping[str, str]) -> None:
    """Rename the fields of a `syntax_tree`'s nodes in place (``title_en`` → ``title_de``), so a
    tree parsed for one language serves the next."""
    if getattr(tree, "has_fieldname", False) and tree.fieldname in names:
        tree.fieldname = names[tree.fieldname]
    for node in getattr(tree, "nodes", ()):
        relabel(node, names)


def language_names(source: str, target: str) -> dict[str, str]:
    """The language-analysed fields of ``source`` named for ``target`` (`relabel`'s map)."""
    return {lang_field(f, source): lang_field(f, target) for f in LANG_FIELDS}


def _check_boost(q: wq.Query, text: str) -> None:
    boost = getattr(q, "boost", 1.0)
    if not boost <= MAX_BOOST:
        raise QueryError(f"{name(text)}: a boost (word^N) must be at most {MAX_BOOST:.0f} (got {boost:g})")
    for child in q.children():
        _check_boost(child, text)


#: Most edits a fuzzy word may allow (``word~2``), as in Lucene: beyond two, a word matches
#: much of the vocabulary and building its automaton alone takes seconds.
MAX_EDITS = 2


def _check_fuzzy(q: wq.Query, text: str) -> None:
    if isinstance(q, wq.FuzzyTerm) and not 0 <= q.maxdist <= MAX_EDITS:
        raise QueryError(
            f"{name(text)}: a fuzzy word allows 1 or {MAX_EDITS} edits ({q.text}~{MAX_EDITS}), not {q.maxdist}"
        )
    for child in q.children():
        _check_fuzzy(child, text)


def drop_stop_words(q: wq.Query, text: str, stops: frozenset[str]) -> wq.Query:
    """Drop the stop words ``text`` holds as plain words from the AND/OR groups of ``q``.

    A word is judged as typed (so "Doe" is no stop word although "does" stems to "doe"); a
    group made only of stop words keeps them ("the who"), and phrases are left alone, so
    "forces of mali" still needs its "of".
    """
    if not stops or not isinstance(q, (wq.And, wq.Or)):
        return q
    kids = list(q.subqueries)
    keep = [c for c in kids if not _is_stop(c, text, stops)]
    if keep and len(keep) < len(kids):
        kids = keep
    pruned = copy.copy(q)
    pruned.subqueries = [drop_stop_words(c, text, stops) for c in kids]
    return pruned


def _is_stop(q: wq.Query, text: str, stops: frozenset[str]) -> bool:
    if type(q) is wq.Term:
        start, end = getattr(q, "startchar", None), getattr(q, "endchar", None)
        return start is not None and fold(text[start:end].strip("'").lower()) in stops
    # One word searched in several fields is an Or of Terms.
    return isinstance(q, wq.Or) and bool(q.subqueries) and all(_is_stop(c, text, stops) for c in q.subqueries)


def _bound(value: str | date | None) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    if isinstance(value, datetime):
        return value.strftime("%Y%m%d%H%M%S")
    return value.isoformat()


def date_filter(schema: Schema, since: str | date | None, until: str | date | None) -> wq.Query | None:
    """A query on ``date`` for ``since`` … ``until`` (both inclusive, whole days); ``None`` for no bounds."""
    start, end = _bound(since), _bound(until)
    if start is None and end is None:
        return None
    try:
        return schema["date"].parse_range("date", start, end, False, False)
    except Exception as exc:
        raise QueryError(f"date bound {start or end!r} is not a date: {exc}") from None
