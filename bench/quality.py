"""Ranking quality: dateline against its peers on the classic test collections, in one run.

    python bench/quality.py [--collection NAME ...] [--search-option=--k1=0.9 ...] [--json OUT]

For each collection of bench/testsets.py (Cranfield, CISI, Medline, NPL, and Reuters topics:
news) this writes the documents as JSONL, the queries as TSV and the judgments as TREC qrels
into a temporary folder, indexes them with the installed ``dateline index``, runs ``dateline
search --batch``, and evaluates the run. The peers (bench/peers.py) rank the same documents
for the same queries, and every run is scored by the same code against the same qrels. Prints
one table: collection × system × nDCG@10, MAP, R@100 (and the seconds each system took,
indexing included). dateline runs twice: with its defaults, and with ``--feedback`` (RM3, an
option).

Needs the ``bench`` extra (bm25s, ir-measures): ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from peers import PEERS  # noqa: E402
from testsets import COLLECTIONS, DATA, Collection  # noqa: E402

from search.eval.evaluate import evaluate_lines  # noqa: E402
from search.eval.trec import Judgment, RunLine, read_run  # noqa: E402

SHOWN = (("nDCG@10", "nDCG@10"), ("AP", "MAP"), ("R@100", "R@100"))


def dateline_command() -> list[str]:
    """The installed ``dateline``, or this checkout's CLI run by this interpreter."""
    found = shutil.which("dateline", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "search"]


def write_collection(c: Collection, folder: Path) -> tuple[Path, Path, Path]:
    """docs.jsonl (BEIR-style ``_id``/``title``/``text``), queries.tsv and qrels.txt."""
    docs, queries, qrels = folder / "docs.jsonl", folder / "queries.tsv", folder / "qrels.txt"
    with docs.open("w", encoding="utf-8") as out:
        for doc_id, title, text in c.docs:
            out.write(json.dumps({"_id": doc_id, "title": title, "text": text}) + "\n")
    queries.write_text("".join(f"{qid}\t{text}\n" for qid, text in c.queries), encoding="utf-8")
    qrels.write_text("".join(f"{qid} 0 {docid} {grade}\n" for qid, docid, grade in c.qrels), encoding="utf-8")
    return docs, queries, qrels


#: dateline's rows: the default, and the pseudo-relevance-feedback option.
VARIANTS: dict[str, list[str]] = {"dateline": [], "dateline rm3": ["--feedback"]}


def run_dateline(c: Collection, folder: Path, variants: dict[str, list[str]]) -> dict[str, tuple[list[RunLine], float]]:
    """Index ``c`` once with ``dateline index``, then run the batch once per variant."""
    docs, queries, _ = write_collection(c, folder)
    cmd, index = dateline_command(), str(folder / "index")
    started = time.perf_counter()
    subprocess.run([*cmd, "index", str(docs), "--index", index], check=True, capture_output=True)
    indexing = time.perf_counter() - started
    runs = {}
    for name, options in variants.items():
        started = time.perf_counter()
        run = folder / "run.txt"
        subprocess.run(
            [*cmd, "search", "--batch", str(queries), "--run", str(run), "--index", index, *options],
            check=True,
            capture_output=True,
        )
        runs[name] = read_run(run), indexing + time.perf_counter() - started
    return runs


def measure(c: Collection, options: list[str], systems: list[str]) -> dict[str, dict[str, float]]:
    qrels = [Judgment(qid, docid, grade) for qid, docid, grade in c.qrels]
    rows: dict[str, dict[str, float]] = {}
    variants = {name: [*VARIANTS[name], *options] for name in systems if name in VARIANTS}
    with tempfile.TemporaryDirectory() as folder:
        for name, (run, seconds) in run_dateline(c, Path(folder), variants).items():
            rows[name] = {**evaluate_lines(qrels, run).measures, "seconds": seconds}
    for system in systems:
        if system in VARIANTS:
            continue
        started = time.perf_counter()
        run, last, rank = [], None, 0
        for qid, docid, score in PEERS[system](c.docs, c.queries, 1000):
            rank = rank + 1 if qid == last else 1
            last = qid
            run.append(RunLine(qid, docid, rank, score, system))
        rows[system] = {**evaluate_lines(qrels, run).measures, "seconds": time.perf_counter() - started}
    return rows


def table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    lines = [f"{'collection':10} {'system':15} " + " ".join(f"{label:>8}" for _, label in SHOWN) + f" {'seconds':>8}"]
    for name, rows in results.items():
        best_peer = max((r["nDCG@10"] for s, r in rows.items() if s not in VARIANTS), default=None)
        for system, values in rows.items():
            mark = ""
            if system in VARIANTS and best_peer is not None:
                mark = f"  {values['nDCG@10'] - best_peer:+.3f} vs best peer"
            lines.append(
                f"{name:10} {system:15} "
                + " ".join(f"{values[m]:8.3f}" for m, _ in SHOWN)
                + f" {values['seconds']:8.1f}{mark}"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--collection",
        action="append",
        choices=sorted(COLLECTIONS),
        help="only this collection (repeatable); default all",
    )
    parser.add_argument(
        "--search-option",
        action="append",
        default=[],
        metavar="OPT",
        help="pass OPT to `dateline search --batch` (e.g. --search-option=--k1=0.9)",
    )
    parser.add_argument("--no-peers", action="store_true", help="measure dateline only")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the figures as JSON")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"quality.py: {DATA} is missing (the test collections live in ../shared/data)")
    systems = [*VARIANTS, *([] if args.no_peers else PEERS)]
    results = {}
    for name in args.collection or list(COLLECTIONS):
        results[name] = measure(COLLECTIONS[name](), args.search_option, systems)
        print(table({name: results[name]}).split("\n", 1)[1] if len(results) > 1 else table(results), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
