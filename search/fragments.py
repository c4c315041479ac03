"""Whoosh's `ContextFragmenter` fragments of a text, found without a token stream.

Whoosh's highlighter analyses the whole stored body into `Token` objects, merges adjacent
matches and walks every token through the fragmenter: a few microseconds per word, most of
a keyword search's time at 100,000 documents. Here the words come from one regex pass (the
indexer's `FastTerms`), only the runs of words that can change a fragment are walked
(`_windows`), and a `Token` is made for matches only. The fragments are the same, tested
against Whoosh's own pipeline (``tests/search/test_snippets.py``).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from itertools import accumulate

from whoosh import highlight
from whoosh.analysis.acore import Token

from indexer.engine.postings import FastTerms

_Word = tuple[int, int, str, bool]  # start, end, text, matched


def fragments(
    fast: FastTerms, text: str, terms: frozenset[bytes], fragmenter: highlight.ContextFragmenter
) -> list[highlight.Fragment]:
    """``fragmenter.fragment_tokens`` over the field's tokens of ``text``, those whose term is
    in ``terms`` matched and adjacent matches merged, as `Highlighter` does."""
    found = fast.findall(text)
    cache, term = fast.cache, fast.term
    hits = set()
    for word in set(found):
        t = cache.get(word)
        if t is None:
            t = cache[word] = term(word)
        if t in terms:
            hits.add(word)
    matched = [i for i, word in enumerate(found) if word in hits]
    if not matched:
        return []
    spans = [m.span() for m in fast.finditer(text)]
    runs = _windows(spans, matched, fragmenter.surround)
    return _fragment(text, _merged(spans, found, hits, runs), fragmenter)


def _windows(spans: list[tuple[int, int]], matched: list[int], surround: int) -> list[tuple[int, int]]:
    """The runs of token numbers (first, last) around the ``matched`` ones that decide
    `ContextFragmenter`'s output; the tokens between runs cannot change it.

    Before a match, only tokens starting within ``surround`` characters of the previous
    token's end survive in the fragmenter's look-behind queue. After a match, a fragment
    closes once the tokens since it add up to ``2 * surround`` characters (its count-down,
    doubled when the fragment had no look-behind) or sooner. Because that bound is never
    reached exactly at a close, the token after a close is always inside the run, so the
    fragmenter's quirk there (an empty fragment when the count-down hits exactly 0) happens
    on the same token as in the full pass.
    """
    starts = [start for start, _ in spans]
    totals = list(accumulate(end - start for start, end in spans))  # running token-character totals
    runs: list[tuple[int, int]] = []
    for m in matched:
        # the previous token always: it empties the queue of anything older, as in the full pass
        first = min(bisect_left(starts, spans[m - 1][1] - surround), m - 1) if m else 0
        last = min(bisect_left(totals, totals[m] + 2 * surround), len(spans) - 1)
        if runs and first <= runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], max(runs[-1][1], last))
        else:
            runs.append((first, last))
    return runs


def _merged(spans: list[tuple[int, int]], found: list[str], hits: set[str], runs: list[tuple[int, int]]) -> list[_Word]:
    """The words of ``runs`` in order, as `Highlighter._merge_matched_tokens` passes them on:
    a match touching the previous match is joined to it."""
    out: list[_Word] = []
    pending: list | None = None  # [start, end, text] of the match being extended
    for first, last in runs:
        for i in range(first, last + 1):
            start, end = spans[i]
            word = found[i]
            if word not in hits:
                if pending is not None:
                    out.append((pending[0], pending[1], pending[2], True))
                    pending = None
                out.append((start, end, word, False))
            elif pending is None:
                pending = [start, end, word]
            elif start <= pending[1]:
                if end > pending[1]:
                    pending[2] += word[pending[1] - end :]
                    pending[1] = end
            else:  # Whoosh passes this match on alone, and starts no new merge with it
                out.append((pending[0], pending[1], pending[2], True))
                pending = None
                out.append((start, end, word, True))
    if pending is not None:
        out.append((pending[0], pending[1], pending[2], True))
    return out


def _token(start: int, end: int, word: str) -> Token:
    token = Token(positions=True, chars=True, removestops=False, mode="index")
    token.text, token.boost, token.stopped, token.matched = word, 1.0, False, True
    token.startchar, token.endchar = start, end
    return token


def _fragment(text: str, words: list[_Word], fragmenter: highlight.ContextFragmenter) -> list[highlight.Fragment]:
    """`ContextFragmenter.fragment_tokens`, line for line, over plain tuples."""
    maxchars, surround, charlimit = fragmenter.maxchars, fragmenter.surround, fragmenter.charlimit
    out = []
    first = None
    firsts: deque[int] = deque()
    countdown = -1
    tks: list[Token] = []
    endchar = None
    currentlen = 0
    for startchar, endchar, word, matched in words:
        tlength = endchar - startchar
        if charlimit and endchar > charlimit:
            break
        if countdown < 0 and not matched:
            firsts.append(startchar)
            while firsts and endchar - firsts[0] > surround:
                firsts.popleft()
        elif currentlen + tlength > maxchars:
            countdown = 0
        elif matched:
            countdown = surround
            if first is None:
                if firsts:
                    first = firsts[0]
                else:
                    first = startchar
                    countdown += surround
            tks.append(_token(startchar, endchar, word))
        if countdown >= 0:
            currentlen += tlength
            countdown -= tlength
            if countdown <= 0:
                out.append(highlight.mkfrag(text, tks, startchar=first, endchar=endchar))
                tks = []
                firsts = deque()
                first = None
                currentlen = 0
    if tks:
        out.append(highlight.mkfrag(text, tks, startchar=first, endchar=endchar))
    return out
