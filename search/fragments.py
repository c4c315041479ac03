"""Whoosh's `ContextFragmenter` fragments of a text, found without a token stream.

Whoosh's highlighter analyses the whole stored body into `Token` objects, merges adjacent
matches and walks every token through the fragmenter: a few microseconds per word, most of
a keyword search's time at 100,000 documents. Here the words come from one regex pass (the
indexer's `FastTerms`), only the runs of words that can change a fragment are walked
(`_windows`), or none at all: the fragments are computed from match to match (`_jumped`); only
matches get an object, lighter than a `Token` (`_Match`). The fragments are the same, tested
against Whoosh's own pipeline (``tests/search/test_snippets.py``).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import deque
from itertools import accumulate

from whoosh import highlight

from indexer.engine.postings import FastTerms

_Word = tuple[int, int, str, bool]  # start, end, text, matched


def fragments(
    fast: FastTerms, text: str, terms: frozenset[bytes], fragmenter: highlight.ContextFragmenter
) -> list[highlight.Fragment]:
    """``fragmenter.fragment_tokens`` over the field's tokens of ``text``, those whose term is
    in ``terms`` matched and adjacent matches merged, as `Highlighter` does."""
    parts = fast.split(text)  # gap, word, gap, … word, gap
    found = parts[1::2]
    hits = fast.matching(found, terms)
    if not hits:
        return []
    matched = _positions(found, hits)
    offsets = list(accumulate(map(len, parts)))  # where each part ends
    starts, ends = offsets[0:-1:2], offsets[1::2]
    totals = list(accumulate(map(len, found)))
    if "" not in parts[2:-1:2] and not (fragmenter.charlimit and ends[-1] > fragmenter.charlimit):
        jumped = _jumped(text, starts, ends, totals, found, matched, fragmenter)
        if jumped is not None:
            return jumped
    runs = _windows(starts, ends, totals, matched, fragmenter.surround)
    return _fragment(text, _merged(starts, ends, found, hits, runs), fragmenter)


def _positions(found: list[str], hits: set[str]) -> list[int]:
    """Where in ``found`` the words of ``hits`` are, in order; each word's places are found by
    `list.index`, which scans in C, rather than by testing every word in Python."""
    if len(hits) > 8:
        return [i for i, word in enumerate(found) if word in hits]
    out: list[int] = []
    for word in hits:
        at = found.index(word)
        try:
            while True:
                out.append(at)
                at = found.index(word, at + 1)
        except ValueError:
            pass
    out.sort()
    return out


def _jumped(
    text: str,
    starts: list[int],
    ends: list[int],
    totals: list[int],
    found: list[str],
    matched: list[int],
    fragmenter: highlight.ContextFragmenter,
) -> list[highlight.Fragment] | None:
    """`ContextFragmenter`'s fragments computed from match to match, never token by token.

    The fragmenter is a small state machine whose every decision is a sum of token lengths:
    a fragment opens at a match, reaching back over the unmatched tokens that start within
    ``surround`` characters of the previous token's end (its count-down doubled when there are
    none); each match inside it resets the count-down to ``surround``; it closes at the first
    token where the count-down reaches 0 or the fragment would pass ``maxchars``. With the
    running totals of token lengths each of those is one bisection. None where a quirk needs
    the token walk (`_fragment`): a match longer than ``maxchars``. The caller has ruled out
    touching matches (merged by the highlighter) and text past ``charlimit``.
    """
    maxchars, surround = fragmenter.maxchars, fragmenter.surround
    count = len(starts)
    out = []
    closed = -1  # the token that closed the last fragment
    k = 0
    while k < len(matched):
        m = matched[k]
        k += 1
        if m - 1 > closed:  # look-behind: the unmatched tokens since the last fragment
            j = max(closed + 1, bisect_left(starts, ends[m - 1] - surround))
        else:
            j = m
        if j < m:
            first, countdown = starts[j], surround
        else:
            first, countdown = starts[m], 2 * surround
        before_m = totals[m - 1] if m else 0
        limit = bisect_right(totals, maxchars + before_m, m)  # the token that passes maxchars
        if limit == m:
            return None
        tokens = [_Match(starts[m], ends[m], found[m])]
        current = m
        while True:
            before = totals[current - 1] if current else 0
            runs_out = bisect_left(totals, countdown + before, current)  # count-down reaches 0
            following = matched[k] if k < len(matched) else count
            if following < limit and following <= runs_out:
                current, countdown = following, surround
                tokens.append(_Match(starts[current], ends[current], found[current]))
                k += 1
                continue
            if following == limit and limit <= runs_out:
                k += 1  # passing maxchars is checked first: this match closes the fragment unmarked
            break
        last = min(runs_out, limit, count - 1)
        out.append(highlight.mkfrag(text, tokens, startchar=first, endchar=ends[last]))
        closed = last
        exact = last == runs_out < limit and totals[last] == countdown + before
        if exact and last + 1 < count and (k >= len(matched) or matched[k] != last + 1):
            # the count-down stopped at exactly 0, so the next token opens and closes an empty fragment
            out.append(highlight.mkfrag(text, [], endchar=ends[last + 1]))
            closed = last + 1
    return out


def _windows(
    starts: list[int], ends: list[int], totals: list[int], matched: list[int], surround: int
) -> list[tuple[int, int]]:
    """The runs of token numbers (first, last) around the ``matched`` ones that decide
    `ContextFragmenter`'s output; the tokens between runs cannot change it. ``starts`` and
    ``ends`` are the tokens' offsets, ``totals`` the running sums of their lengths.

    Before a match, only tokens starting within ``surround`` characters of the previous
    token's end survive in the fragmenter's look-behind queue. After a match, a fragment
    closes once the tokens since it add up to ``2 * surround`` characters (its count-down,
    doubled when the fragment had no look-behind) or sooner. Because that bound is never
    reached exactly at a close, the token after a close is always inside the run, so the
    fragmenter's quirk there (an empty fragment when the count-down hits exactly 0) happens
    on the same token as in the full pass.
    """
    runs: list[tuple[int, int]] = []
    for m in matched:
        # the previous token always: it empties the queue of anything older, as in the full pass
        first = min(bisect_left(starts, ends[m - 1] - surround), m - 1) if m else 0
        last = min(bisect_left(totals, totals[m] + 2 * surround), len(starts) - 1)
        if runs and first <= runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], max(runs[-1][1], last))
        else:
            runs.append((first, last))
    return runs


def _merged(
    starts: list[int], ends: list[int], found: list[str], hits: set[str], runs: list[tuple[int, int]]
) -> list[_Word]:
    """The words of ``runs`` in order, as `Highlighter._merge_matched_tokens` passes them on:
    a match touching the previous match is joined to it."""
    out: list[_Word] = []
    pending: list | None = None  # [start, end, text] of the match being extended
    for first, last in runs:
        for i in range(first, last + 1):
            start, end = starts[i], ends[i]
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


class _Match:
    """A matched word as the highlighter's scorer and formatter read it (a Whoosh `Token`'s
    attributes that they use), several times cheaper to make than a `Token`."""

    __slots__ = ("endchar", "startchar", "text")
    boost = 1.0
    matched = True
    stopped = False

    def __init__(self, startchar: int, endchar: int, text: str) -> None:
        self.startchar, self.endchar, self.text = startchar, endchar, text


def _fragment(text: str, words: list[_Word], fragmenter: highlight.ContextFragmenter) -> list[highlight.Fragment]:
    """`ContextFragmenter.fragment_tokens`, line for line, over plain tuples."""
    maxchars, surround, charlimit = fragmenter.maxchars, fragmenter.surround, fragmenter.charlimit
    out = []
    first = None
    firsts: deque[int] = deque()
    countdown = -1
    tks: list[_Match] = []
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
            tks.append(_Match(startchar, endchar, word))
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
