"""How robust the default ranking is: each setting changed alone, on every test collection.

    python bench/robustness.py [--collection NAME ...] [--stemmers english,porter,none]

For each collection of bench/testsets.py (the classic four and Reuters topics) and each stemmer,
one fresh process indexes the collection (the stemmer patched in where analysis looks it up, and
checked on the index's own terms) and runs its queries as `bench/quality.py` runs them (plain
words, any of them, 1,000 hits), once per setting: the default (k1 1.2, b 0.6, title boost 3,
query stop words dropped), then b, k1, the title boost and the stop words changed one at a
time. Printed: nDCG@10 (and MAP) per collection and setting, and each setting's change from the
default on its worst collection. Compare with the peers' rows of `bench/quality.py`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def setting(name: str, k1: float = 1.2, b: float = 0.6, title: float | None = None, stops: bool = True) -> dict:
    return {"name": name, "k1": k1, "b": b, "boosts": {"title": title} if title is not None else None, "stops": stops}


SETTINGS = [
    setting("default"),
    *[setting(f"b {b}", b=b) for b in (0.4, 0.5, 0.75, 0.9)],
    *[setting(f"k1 {k1}", k1=k1) for k1 in (0.9, 1.5, 2.0)],
    *[setting(f"title {t:g}", title=t) for t in (1, 2, 5)],
    setting("stop words kept", stops=False),
]
#: A word and what each stemmer makes of it: the index must hold the patched stems.
PROBES = {
    "english": {"generalized": "general", "fairly": "fair"},
    "porter": {"generalized": "gener", "fairly": "fairli"},
    "none": {"generalized": "generalized", "fairly": "fairly"},
}


def worker(collection: str, stemmer_name: str) -> dict[str, Any]:
    """Index ``collection`` with ``stemmer_name`` in this process and measure every setting."""
    import Stemmer

    import indexer.core.analysis as analysis
    import indexer.engine.postings as postings
    import search.plan as plan

    if stemmer_name != "english":
        own = analysis.stemmer

        class Unstemmed:
            def stemWord(self, word: str) -> str:
                return word

        chosen = Stemmer.Stemmer("porter") if stemmer_name == "porter" else Unstemmed()

        def patched(language: str) -> Any:
            return chosen if language == "english" else own(language)

        analysis.stemmer = patched  # type: ignore[assignment]  # query analysis and Whoosh's path
        postings.stemmer = patched  # type: ignore[assignment]  # the fast indexing path imported it by name
    dropping = plan.drop_stop_words
    from quality import write_collection
    from testsets import COLLECTIONS

    from indexer import index_paths
    from search import Index, QueryError
    from search.eval.evaluate import evaluate_lines
    from search.eval.trec import Judgment, RunLine, safe_docid

    c = COLLECTIONS[collection]()
    qrels = [Judgment(q, d, g) for q, d, g in c.qrels]
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as work:
        docs, _, _ = write_collection(c, Path(work))
        index_paths([docs], Path(work) / "index", workers=1)
        with Index(Path(work) / "index") as ix:
            analyzer = ix._current().schema["body_en"].analyzer
            made = {w: [t.text for t in analyzer(w)][0] for w in PROBES[stemmer_name]}
            assert made == PROBES[stemmer_name], (stemmer_name, made)
        for s in SETTINGS:
            plan.drop_stop_words = dropping if s["stops"] else (lambda q, *args, **kwargs: q)
            run = []
            with Index(Path(work) / "index", k1=s["k1"], b=s["b"], boosts=s["boosts"]) as ix:
                for qid, text in c.queries:
                    try:
                        ranking = ix.ranked(text, limit=1000, syntax=False, match="any", timeout=None)
                    except QueryError:
                        continue
                    run += [RunLine(qid, safe_docid(d), r, sc, "dateline") for r, (d, sc) in enumerate(ranking, 1)]
            m = evaluate_lines(qrels, run).measures
            out[s["name"]] = {"nDCG@10": m["nDCG@10"], "MAP": m["AP"]}
        plan.drop_stop_words = dropping
    return out


def main() -> None:
    from testsets import COLLECTIONS

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--collection", action="append", choices=sorted(COLLECTIONS))
    parser.add_argument("--stemmers", default="english,porter,none")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return
    names = args.collection or list(COLLECTIONS)
    for stemmer_name in args.stemmers.split(","):
        table: dict[str, dict[str, Any]] = {}
        for name in names:
            done = subprocess.run(
                [sys.executable, __file__, "--worker", name, stemmer_name], check=True, capture_output=True, text=True
            )
            table[name] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"\nstemmer {stemmer_name}: nDCG@10 (MAP)")
        print(f"{'setting':16}" + "".join(f"{n:>17}" for n in names) + f"{'worst change':>14}")
        for s in SETTINGS:
            cells = "".join(f"{table[n][s['name']]['nDCG@10']:>9.3f} ({table[n][s['name']]['MAP']:.3f})" for n in names)
            worst = min(table[n][s["name"]]["nDCG@10"] - table[n]["default"]["nDCG@10"] for n in names)
            print(f"{s['name']:16}{cells}{worst:>+14.3f}")


if __name__ == "__main__":
    main()
