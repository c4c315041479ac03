"""From a `SearchRequest` to the Whoosh query that answers it, in one place.

The path of the query text, top to bottom (`Planner.build`):

1. prepare the text: syntax checked and balanced (`query.prepare_query`), or plain words (`query.plain_query`);
2. per language searched: parse it over that language's fields (parsed once, `query.syntax_tree`,
   its fields renamed per language, `query.relabel`, each analysed by `query.tree_query`), drop its stop
   words (`query.drop_stop_words`), weigh repeated words (`ranking.weigh_repeats`), make each word
   searched in several fields one BM25F term (`ranking.combine_fields`), normalise; keep to the
   documents of that language (`FilteredBy` on ``lang``);
3. bound the whole against runaway expansions and the time limit (`limits.bound`);
4. keep to the request's dates (`query.date_filter`).

Facet filters and feedback need an open searcher, so `Index` applies them to the built query.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.qparser import MultifieldParser

from indexer.core.analysis import STOP_WORDS
from indexer.engine.queries import FilteredBy
from search.limits import bound
from search.query import (
    date_filter,
    drop_stop_words,
    is_match_all,
    language_names,
    make_parser,
    match_all,
    plain_query,
    prepare_query,
    relabel,
    syntax_tree,
    tree_query,
)
from search.ranking import combine_fields, weigh_repeats
from search.request import SearchRequest


class Planner:
    """Builds the queries of one index: its schema, default fields and boosts, and a parser per
    (match, language, fields), made once."""

    def __init__(self, schema: Schema, fields: Sequence[str], boosts: Mapping[str, float]) -> None:
        self.schema = schema
        self.fields = tuple(fields)
        self.boosts = dict(boosts)
        self._parsers: dict[tuple[str, ...], MultifieldParser] = {}

    def fields_of(self, request: SearchRequest) -> tuple[str, ...]:
        """The fields bare words search: the request's, else the index's."""
        return request.fields or self.fields

    def build(self, request: SearchRequest) -> wq.Query:
        """The query for ``request``: one sub-query per language, each over that language's fields
        and documents only, bounded, and within the request's dates."""
        text = request.text
        prepared = prepare_query(text) if request.syntax else plain_query(text)
        parts = []
        parsed = None if is_match_all(prepared) else self.parsed(request, prepared)
        for lang in request.langs:
            if parsed is None:
                q = match_all()
            else:
                q = drop_stop_words(parsed[lang], prepared, STOP_WORDS[lang])
                q = combine_fields(weigh_repeats(q)).normalize()
            parts.append(FilteredBy(q, wq.Term("lang", lang)))
        q = bound(parts[0] if len(parts) == 1 else wq.Or(parts))
        dates = self.dates(request)
        return q if dates is None else wq.And([q, dates])

    def parsed(self, request: SearchRequest, prepared: str) -> dict[str, wq.Query]:
        """``prepared`` (the request's text, prepared) parsed for each language searched, not
        normalised. Whoosh's parser runs once (`query.syntax_tree`, ~0.7 ms); each further
        language renames the tree's fields (`query.relabel`) and analyses its words."""
        fields = self.fields_of(request)
        found: dict[str, wq.Query] = {}
        tree, named = None, ""
        for lang in request.langs:
            parser = self.parser(lang, fields, request.match)
            if tree is None:
                tree = syntax_tree(parser, prepared, request.text)
            else:
                relabel(tree, language_names(named, lang))
            named = lang
            found[lang] = tree_query(tree, parser, request.text)
        return found

    def dates(self, request: SearchRequest) -> wq.Query | None:
        """The query on ``date`` for the request's ``since`` … ``until``; None for no bounds."""
        return date_filter(self.schema, request.since, request.until)

    def parser(self, lang: str, fields: tuple[str, ...], match: str) -> MultifieldParser:
        """The parser for documents in ``lang`` over ``fields``, made on first use."""
        key = (match, lang, *fields)
        if key not in self._parsers:
            self._parsers[key] = make_parser(self.schema, lang, fields, self.boosts, match=match)
        return self._parsers[key]
