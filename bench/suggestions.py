"""What a "Did you mean" costs: the median time of `Index.suggest` over misspelt one-word
queries, and its ratio to a one-word search in the same run.

The queries are words of the archive's own documents (the bodies of the first ones stored), each
with one edit (a swap, a dropped, a doubled or a changed letter), so each has a right answer: how
many suggestions give the word back is reported too. Usage::

    python bench/suggestions.py INDEX [INDEX …]
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from pathlib import Path

#: Misspelt queries per index, and timed runs of each (after one warm-up run).
QUERIES = 20
RUNS = 5


def _misspell(word: str, kind: int) -> str:
    """``word`` with one edit in its second half (the first letter stays: suggestions share it)."""
    i = len(word) // 2
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + ("e" if word[i] != "e" else "a") + word[i + 1 :]


def misspelt_words(ix, count: int = QUERIES) -> list[tuple[str, str]]:
    """(right word, misspelt word) pairs taken from the stored bodies of the index's first
    documents: words of 6-12 lower-case letters, every few distinct ones, in a fixed order."""
    reader = ix._current().reader()
    words: dict[str, None] = {}
    for docnum in range(min(reader.doc_count_all(), 200)):
        if reader.is_deleted(docnum):
            continue
        body = reader.stored_fields(docnum).get("body") or ""
        for w in re.findall(r"\b[a-z]{6,12}\b", body):
            words.setdefault(w)
    chosen = sorted(words)[:: max(1, len(words) // count)][:count]
    return [(w, _misspell(w, i % 4)) for i, w in enumerate(chosen)]


def median_ms(call, runs: int = RUNS) -> float:
    """The median wall time of ``call()`` in milliseconds, after one warm-up call."""
    call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def suggestion_cost(index: Path) -> dict[str, float]:
    """The row for bench/run.py: the median milliseconds of a suggestion (the whole of
    `Index.suggest`: counting the typed query, correcting it, counting the correction) over
    `QUERIES` misspelt words, the median of a one-word search for the right words, their ratio,
    and the share of suggestions that give the right word back."""
    from search import Index

    with Index(index) as ix:
        pairs = misspelt_words(ix)
        first = time.perf_counter()
        ix.suggest(pairs[0][1])  # the first suggestion reads what later ones reuse: reported apart
        first_ms = (time.perf_counter() - first) * 1000
        suggest_ms = [median_ms(lambda q=typo: ix.suggest(q)) for _, typo in pairs]
        search_ms = [median_ms(lambda q=right: ix.search(q, limit=10, suggest=False)) for right, _ in pairs]
        right = sum(ix.suggest(typo) == word for word, typo in pairs)
    suggestion, search = statistics.median(suggest_ms), statistics.median(search_ms)
    return {
        "suggestion p50 (ms)": suggestion,
        "suggestion max (ms)": max(suggest_ms),
        "first suggestion (ms)": first_ms,
        "one-word search p50 (ms)": search,
        "suggestion / one-word search": suggestion / search,
        "right word back": right / len(pairs),
    }


if __name__ == "__main__":
    for path in sys.argv[1:]:
        print(json.dumps({"index": path, **suggestion_cost(Path(path))}), flush=True)
