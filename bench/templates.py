"""Templates kept down: distinct stories on the first page, with and without collapsing.

    python bench/templates.py [--queries bench/template_queries.jsonl] [--index DIR]

The queries of ``bench/template_queries.jsonl`` (see ``bench/TEMPLATE_QUERIES.md``) were labelled by
reading: each pooled document's relevance (0–2), the story it tells (copies share a key, the items of a
template family do not) and whether it belongs to a template family. The real archives are indexed
(or ``--index`` reused) and each query run with dateline's default ranking, without and with
``collapse`` (copies shown once, one member of a template family a page). Printed per query and on
average, for the template queries and the ordinary ones apart:

* story nDCG@10: nDCG whose gain counts a story once (a second copy, or the same story again, gains
  nothing), so a page filled by one story or one family scores low;
* distinct relevant stories in the top 10;
* template documents in the top 10.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ARCHIVES = ROOT.parent / "shared" / "data" / "archives"
DEPTH = 10


def story_ndcg(ranked: list[str], judged: dict[str, dict[str, object]]) -> float:
    """nDCG@10 where each story gains once, at its first document in ``ranked``."""
    seen: set[object] = set()
    dcg = 0.0
    for i, doc in enumerate(ranked[:DEPTH]):
        label = judged.get(doc)
        if label is None or label["story"] in seen:
            continue
        seen.add(label["story"])
        dcg += (2 ** int(label["rel"]) - 1) / math.log2(i + 2)  # type: ignore[call-overload]
    best: dict[object, int] = {}
    for label in judged.values():
        best[label["story"]] = max(best.get(label["story"], 0), int(label["rel"]))  # type: ignore[call-overload]
    ideal = sorted(best.values(), reverse=True)[:DEPTH]
    idcg = sum((2**rel - 1) / math.log2(i + 2) for i, rel in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def measures(ranked: list[str], judged: dict[str, dict[str, object]]) -> tuple[float, int, int]:
    top = [judged.get(doc) for doc in ranked[:DEPTH]]
    stories = {label["story"] for label in top if label is not None and int(label["rel"]) > 0}  # type: ignore[call-overload]
    templates = sum(1 for label in top if label is not None and label.get("template"))
    return story_ndcg(ranked, judged), len(stories), templates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=Path, default=ROOT / "bench" / "template_queries.jsonl")
    parser.add_argument("--index", type=Path, help="an index of ../shared/data/archives (default: built afresh)")
    args = parser.parse_args()
    if not ARCHIVES.exists():
        sys.exit(f"{ARCHIVES} is absent: the labelled queries name files of ../shared/data/archives")
    from indexer import index_paths
    from search import Index

    queries = [json.loads(line) for line in args.queries.read_text("utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as work:
        index = args.index
        if index is None:
            index = Path(work) / "index"
            index_paths([ARCHIVES], index)
        rows: dict[str, list[tuple[float, int, int, float, int, int]]] = {"template": [], "ordinary": []}
        print(f"{'qid':5} {'query':38} {'nDCG plain':>10} {'collapsed':>9} {'stories':>9} {'templates':>10}")
        with Index(index) as ix:
            for q in queries:
                judged = {j["id"]: j for j in q["judgments"]}
                match: Literal["all", "any"] = "any" if q.get("any") else "all"
                plain = [h.id for h in ix.search(q["query"], limit=DEPTH, match=match, snippets=False).hits]
                grouped = [
                    h.id for h in ix.search(q["query"], limit=DEPTH, match=match, snippets=False, collapse=True).hits
                ]
                a, b = measures(plain, judged), measures(grouped, judged)
                rows["template" if q.get("templated") else "ordinary"].append((*a, *b))
                print(
                    f"{q['qid']:5} {q['query'][:38]:38} {a[0]:10.3f} {b[0]:9.3f} {a[1]:4} → {b[1]:<3} {a[2]:5} → {b[2]}"
                )
    print()
    for kind, found in rows.items():
        if not found:
            continue
        mean = [statistics.fmean(col) for col in zip(*found, strict=True)]
        print(
            f"{kind} queries ({len(found)}): story nDCG@10 {mean[0]:.3f} plain, {mean[3]:.3f} collapsed; "
            f"distinct relevant stories {mean[1]:.2f} → {mean[4]:.2f}; template documents {mean[2]:.2f} → {mean[5]:.2f}"
        )


if __name__ == "__main__":
    main()
