"""The costs issue 18 bounds, each against a baseline measured in the same run.

    python bench/costs.py INDEX          # an index built by `dateline index` (e.g. of bench/corpus.py's archive)

Rows (medians of RUNS timings each, a reused `search.Index` unless "end to end"):

- match-all with a filter and two facets (``'*'``, ``wire=GlobeNewswire``, facets wire and year)
  against reading the columns it needs (the wire key and date of every document) straight from
  Whoosh's column readers: issue 18.4 asks for "about as much as reading the columns";
- a 5,000-hit ``--format paths`` listing end to end (``dateline search … -n 5000``) against the
  same query listing 10 paths: issue 18.5, outputs without snippets compute none;
- a "did you mean" suggestion for one-edit misspellings of the archive's own words against a
  one-word search (bench/suggestions.py): issue 18.6 asks for at most 50 ms at 100,000 documents.

`bench/run.py` prints these rows too, for the index it builds.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from queries import KEYWORDS  # noqa: E402
from suggestions import median_ms, suggestion_cost  # noqa: E402

RUNS = 5
#: One-word queries of bench/queries.py, the baseline of the match-all row.
WORDS = [w for w in KEYWORDS if " " not in w and len(w) >= 5]
#: Words ORed until a query has 5,000 hits, most common first.
# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 19 lines, not 2.
COMMON = ["said", "company", "year", "million", "new", "percent", "market", "share", "shares", "sales",
          "government", "business", "financial", "information", "week", "first", "also"]  # fmt: skip
LISTING = 5000


def _read_columns(path: Path) -> Callable[[], int]:
    """Read the wire key and date of every live document, as the match-all's floor."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(path))

    def run() -> int:
        with ix.reader() as reader:
            wires, dates = reader.column_reader("wire_key"), reader.column_reader("date")
            live = [n for n in reader.all_doc_ids()]
            return sum(1 for n in live if wires[n] and dates[n] is not None)

    return run


def _listing_query(ix: object) -> tuple[str, int]:
    """An OR of common words with at least `LISTING` hits (or the most this index has)."""
    words: list[str] = []
    total = 0
    for word in COMMON:
        words.append(word)
        total = ix.search(" OR ".join(words), limit=0, snippets=False).total  # type: ignore[attr-defined]
        if total >= LISTING:
            break
    return " OR ".join(words), total


def _wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
        env={**os.environ, "DATELINE_NO_SERVE": "1"},
    )
    return (time.perf_counter() - start) * 1000


def costs(path: Path, dateline: list[str]) -> dict[str, float]:
    """Measure every row on the index at ``path``; ``dateline`` is the command that runs the CLI."""
    from search import Index

    out: dict[str, float] = {}
    with Index(path) as ix:
        out["documents"] = len(ix)
        out["one-word search (ms)"] = statistics.median(median_ms(lambda w=w: ix.search(w, limit=10)) for w in WORDS)
        out["read wire and date columns (ms)"] = median_ms(_read_columns(path))
        out["match-all + filter + 2 facets (ms)"] = median_ms(
            lambda: ix.search("*", filters={"wire": ["GlobeNewswire"]}, facets=["wire", "year"], limit=10, timeout=0)
        )
        query, out["listing hits"] = _listing_query(ix)
    spelling = suggestion_cost(path)
    out["suggestion (ms)"] = spelling["suggestion p50 (ms)"]
    out["one-word search, suggestion words (ms)"] = spelling["one-word search p50 (ms)"]
    out["suggestions giving the right word back"] = spelling["right word back"]
    command = [*dateline, "search", query, "--index", str(path), "--format", "paths", "--timeout", "0"]
    out["paths, 10 hits, end to end (ms)"] = statistics.median(_wall([*command, "-n", "10"]) for _ in range(RUNS))
    out[f"paths, {LISTING} hits, end to end (ms)"] = statistics.median(
        _wall([*command, "-n", str(LISTING)]) for _ in range(RUNS)
    )
    return out


def ratios(figures: dict[str, float]) -> dict[str, float]:
    """The rows as ratios to their baselines (lower is better)."""
    return {
        "match-all+filter+facets / column read": figures["match-all + filter + 2 facets (ms)"]
        / figures["read wire and date columns (ms)"],
        f"paths {LISTING} hits / 10 hits (end to end)": figures[f"paths, {LISTING} hits, end to end (ms)"]
        / figures["paths, 10 hits, end to end (ms)"],
        "suggestion / one-word search": figures["suggestion (ms)"] / figures["one-word search, suggestion words (ms)"],
    }


def report(figures: dict[str, float]) -> None:
    print(f"\ncosts on {figures['documents']:.0f} documents (median of {RUNS} runs each)")
    for name, value in figures.items():
        if name != "documents":
            print(f"  {name:42} {value:10.1f}")
    for name, value in ratios(figures).items():
        print(f"  {name:42} {value:10.2f}")


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    from run import dateline

    report(costs(Path(sys.argv[1]).resolve(), dateline()))


if __name__ == "__main__":
    main()
