"""The fast highlighter marks the same fragments as Whoosh's own."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import highlight

from indexer.core.schema import build_schema, lang_field
from indexer.engine.postings import fast_terms
from search import Index, snippets
from search.collecting import search as whoosh_search
from search.fragments import fragments


@pytest.mark.parametrize(
    "query", ["mali", "armed forces", "wind power", "Übernahme Windpark", '"offshore wind"', "bank"]
)
def test_fast_highlights_equal_whoosh_highlights(corpus_ix: Index, query: str) -> None:
    q = corpus_ix._build(query, fields=None, lang=None, match="any", syntax=True)
    results = whoosh_search(corpus_ix._current(), q, limit=20, terms=True)
    snippets.configure(results)
    assert len(results) > 0
    marked = 0
    for hit in results:
        field = lang_field("body", hit.get("language"))
        ours = snippets.highlights(hit, field, hit["body"], 2)
        assert ours == hit.highlights(field, text=hit["body"], top=2)
        marked += "\ue000" in ours
    assert marked > 0


_WORDS = ["oil", "prices", "the", "rose", "Ölpreise", "stiegen", "x" * 75, "OPEC", "a", "2025"]
_GAPS = [" ", "  ", ", ", ".\n\n", "-", " (", ") "]


def _fragments(fragmenter, text: str, tokens) -> list[tuple[int, int, list[tuple[int, int]]]]:
    merged = highlight.Highlighter._merge_matched_tokens(tokens)
    return [
        (f.startchar, f.endchar, [(t.startchar, t.endchar) for t in f.matches])
        for f in fragmenter.fragment_tokens(text, merged)
    ]


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_GAPS)), min_size=10, max_size=150),
    wanted=st.sets(st.sampled_from(_WORDS), min_size=1, max_size=3),
    sizes=st.sampled_from([(240, 70), (30, 5), (60, 20), (500, 1)]),
)
def test_windowed_tokens_give_the_fragments_of_every_token(words, wanted, sizes) -> None:
    """Skipping the tokens far from any match never changes a fragment (match clusters,
    words longer than the look-behind, matches at either end, tiny and huge windows)."""
    text = "".join(word + gap for word, gap in words)
    field = build_schema()["body_en"]
    analyzer, fast = field.analyzer, fast_terms(field)
    terms = frozenset(fast.term(word) for word in wanted)
    maxchars, surround = sizes
    fragmenter = highlight.ContextFragmenter(maxchars=maxchars, surround=surround)

    def every_token():
        for token in analyzer(text, positions=True, chars=True, mode="index", removestops=False):
            token.matched = token.text.encode("utf-8") in terms
            yield token

    ours = [
        (f.startchar, f.endchar, [(t.startchar, t.endchar) for t in f.matches])
        for f in fragments(fast, text, terms, fragmenter)
    ]
    assert ours == _fragments(fragmenter, text, every_token())


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_GAPS)), min_size=1, max_size=150),
    wanted=st.sets(st.sampled_from(_WORDS), min_size=1, max_size=3),
    sizes=st.sampled_from([(240, 70), (100, 5), (80, 20), (500, 1), (240, 7)]),
)
def test_fragments_found_match_to_match_equal_the_token_walk(words, wanted, sizes) -> None:
    """`fragments._jumped` (bisections from match to match) is what `fragments` takes whenever
    no match is longer than ``maxchars``, and gives the fragments of the whole token walk,
    empty ones included (the count-down stopping at exactly 0)."""
    from itertools import accumulate

    from search.fragments import _fragment, _jumped, _merged

    text = "".join(word + gap for word, gap in words)
    fast = fast_terms(build_schema()["body_en"])
    terms = frozenset(fast.term(word) for word in wanted)
    fragmenter = highlight.ContextFragmenter(maxchars=sizes[0], surround=sizes[1])
    parts = fast.split(text)
    found = parts[1::2]
    hits = fast.matching(found, terms)
    matched = [i for i, word in enumerate(found) if word in hits]
    offsets = list(accumulate(map(len, parts)))
    starts, ends = offsets[0:-1:2], offsets[1::2]
    jumped = _jumped(text, starts, ends, list(accumulate(map(len, found))), found, matched, fragmenter)
    assert jumped is not None  # every word is shorter than maxchars
    walked = _fragment(text, _merged(starts, ends, found, hits, [(0, len(found) - 1)]), fragmenter)
    assert [(f.startchar, f.endchar, [(t.startchar, t.endchar) for t in f.matches]) for f in jumped] == [
        (f.startchar, f.endchar, [(t.startchar, t.endchar) for t in f.matches]) for f in walked
    ]
