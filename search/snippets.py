"""Snippets: the best passages of a hit's body with the matched terms located.

Whoosh's highlighter picks and scores the fragments; a formatter marks matches with private-use
characters, which are then turned into offsets so callers choose their own markup (colour, HTML).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from whoosh import highlight

from indexer.core.schema import lang_field
from indexer.engine.postings import FastTerms, fast_terms
from search.fragments import fragments
from search.results import Snippet

_OPEN, _CLOSE = "\ue000", "\ue001"
SNIPPET_CHARS = 240
ELLIPSIS = "…"


class _MarkFormatter(highlight.Formatter):
    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return _OPEN + highlight.get_text(text, token, replace) + _CLOSE

    def format(self, fragments: Sequence[Any], replace: bool = False) -> str:
        if not fragments:
            return ""
        inner = f" {ELLIPSIS} ".join(self.format_fragment(f, replace).strip() for f in fragments)
        head = ELLIPSIS if fragments[0].startchar > 0 else ""
        tail = ELLIPSIS if fragments[-1].endchar < len(fragments[-1].text.rstrip()) else ""
        return head + inner + tail


def configure(results: Any) -> None:
    """Set up a Whoosh ``Results`` object to produce our snippets."""
    results.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70)
    results.formatter = _MarkFormatter()


_MARKS = re.compile(f"([{_OPEN}{_CLOSE}])")


def to_snippet(marked: str) -> Snippet:
    """Turn text with private-use marks into a `Snippet`, collapsing whitespace."""
    marked = re.sub(r"\s+", " ", marked).strip()
    text, spans, start = [], [], None
    length = 0
    for part in _MARKS.split(marked):  # runs of text, and each mark alone
        if part == _OPEN:
            start = length
        elif part == _CLOSE:
            if start is not None:
                spans.append((start, length))
            start = None
        elif part:
            text.append(part)
            length += len(part)
    return Snippet("".join(text), tuple(spans))


def lead(body: str, limit: int = SNIPPET_CHARS) -> Snippet:
    """The opening of ``body``, cut at a word boundary: the snippet when no body term matched."""
    text = re.sub(r"\s+", " ", body).strip()
    if len(text) <= limit:
        return Snippet(text)
    cut = text.rfind(" ", 0, limit)
    return Snippet(text[: cut if cut > 0 else limit] + ELLIPSIS)


_FAST: dict[str, object] = {}


def fast_for(fieldname: str, field: object) -> object:
    """The field's fast analysis (with its word cache), kept across searches."""
    fast = _FAST.get(fieldname)
    if fast is None or (isinstance(fast, FastTerms) and fast.analyzer != getattr(field, "analyzer", None)):
        fast = _FAST[fieldname] = fast_terms(field) or False
    return fast


def highlights(hit: Any, fieldname: str, text: str, top: int) -> str:
    """``hit.highlights(fieldname, text, top)``, several times faster for dateline's analyzers
    (Whoosh re-analyses the text through its generator chain); the same fragments."""
    results = hit.results
    field = results.searcher.schema[fieldname]
    fast = fast_for(fieldname, field)
    if not isinstance(fast, FastTerms):
        return hit.highlights(fieldname, text=text, top=top)
    words = _terms(results, fieldname)
    highlighter = results.highlighter
    found = fragments(fast, text, words, highlighter.fragmenter)
    best = highlight.top_fragments(found, top, highlighter.scorer, highlighter.order, minscore=1)
    return highlighter.formatter.format(best)


def _terms(results: Any, fieldname: str) -> frozenset[bytes]:
    """The terms of ``fieldname`` to mark in every hit of ``results``, found once for all of
    them (finding them looks each of the query's terms up in every segment)."""
    found = results.__dict__.setdefault("_dateline_terms", {})
    if fieldname not in found:
        if results.has_matched_terms():
            terms = [t for t in results.matched_terms() if t[0] == fieldname]
        else:
            terms = list(results.query_terms(expand=True, fieldname=fieldname))
        found[fieldname] = frozenset(t[1] for t in terms)
    return found[fieldname]


def snippet_for(hit: Any) -> Snippet:
    """The snippet of one Whoosh hit's body (its results must have been `configure`d).

    The stored body is analysed as its language's indexed field, whose matched terms it marks.
    """
    body = hit.get("body", "")
    marked = highlights(hit, lang_field("body", hit.get("language")), body, 2)
    if marked and _OPEN in marked:
        return to_snippet(marked)
    return lead(body)
