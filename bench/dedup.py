"""Near-duplicate detection on a real archive, against pairs labelled by reading.

    python bench/dedup.py [--pairs bench/dedup_pairs.jsonl] [--files N]

For each labelled pair of ``bench/dedup_pairs.jsonl`` (labelled before any detector existed; see
``bench/DEDUP_PAIRS.md``), both documents are read as dateline reads them and their bodies' MinHash
signatures compared (`indexer.core.signatures`). Printed: precision, recall and F1 of "same story"
at each threshold of the estimated Jaccard similarity and of the estimated containment, with the
exact values of both as the ceiling a signature can reach; how many template pairs (class-action
notices, daily columns: different stories) each threshold would wrongly join; and the cost of a
signature against reading the same files (``--files`` of the archives), measured in the same run.
datasketch's MinHash is timed beside it when installed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.core.signatures import SHINGLE, Signature, signature  # noqa: E402
from indexer.parse.files import read_documents  # noqa: E402

ARCHIVES = ROOT.parent / "shared" / "data" / "archives"
THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
_WORD = re.compile(r"\w+")


@dataclass
class Pair:
    same: bool
    template: bool
    scores: dict[str, float]


def shingle_set(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}


def score_pairs(rows: list[dict[str, object]]) -> list[Pair]:
    bodies: dict[str, str] = {}

    def body(doc_id: str) -> str:
        if doc_id not in bodies:
            bodies[doc_id] = read_documents(ARCHIVES / doc_id).documents[0].body
        return bodies[doc_id]

    pairs = []
    for row in rows:
        a, b = body(str(row["a"])), body(str(row["b"]))
        sa, sb = signature(a), signature(b)
        xa, xb = shingle_set(a), shingle_set(b)
        shared = len(xa & xb)
        scores = {
            "exact jaccard": shared / max(1, len(xa | xb)),
            "exact containment": shared / max(1, min(len(xa), len(xb))),
            "minhash jaccard": sa.jaccard(sb) if sa and sb else 0.0,
            "minhash containment": sa.containment(sb) if sa and sb else 0.0,
        }
        pairs.append(Pair(row["label"] == "same", bool(row.get("template")), scores))
    return pairs


def table(pairs: list[Pair]) -> None:
    same = sum(p.same for p in pairs)
    templates = sum(p.template for p in pairs)
    print(f"pairs: {len(pairs)} ({same} same story, {len(pairs) - same} different, {templates} of them templates)\n")
    print(f"{'measure':22} {'thresh':>6} {'prec':>6} {'recall':>6} {'F1':>6} {'joined templates':>17}")
    for measure in pairs[0].scores:
        for threshold in THRESHOLDS:
            hit = [p for p in pairs if p.scores[measure] >= threshold]
            tp = sum(p.same for p in hit)
            precision = tp / len(hit) if hit else 1.0
            recall = tp / same if same else 1.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            joined = sum(p.template for p in hit)
            print(f"{measure:22} {threshold:6.2f} {precision:6.3f} {recall:6.3f} {f1:6.3f} {joined:8}/{templates}")
        print()


def timed(fn: Callable[[str], object], texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        fn(text)
    return (time.perf_counter() - start) / len(texts)


def costs(count: int) -> None:
    files = sorted(ARCHIVES.rglob("*.md"))[:count]
    start = time.perf_counter()
    texts = [read_documents(path).documents[0].body for path in files]
    read_s = (time.perf_counter() - start) / len(files)
    signature(texts[0])  # warm
    sig_s = timed(signature, texts)
    print(
        f"cost on {len(files)} archive files: reading {read_s * 1e6:.0f} us/doc, signature {sig_s * 1e6:.0f} us/doc "
        f"({sig_s / read_s:.1%} of reading)"
    )
    try:
        from datasketch import MinHash
    except ImportError:
        print("(datasketch not installed: not compared)")
        return

    def sketch(text: str) -> object:
        minhash = MinHash(num_perm=len(_probe().minima))
        minhash.update_batch([" ".join(s).encode() for s in shingle_set(text)])
        return minhash

    print(f"datasketch MinHash, same shingles and width: {timed(sketch, texts) * 1e6:.0f} us/doc")


def _probe() -> Signature:
    found = signature("a b c")
    assert found is not None
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=Path, default=ROOT / "bench" / "dedup_pairs.jsonl")
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()
    if not ARCHIVES.exists():
        sys.exit(f"{ARCHIVES} is absent: the labelled pairs name files of ../shared/data/archives")
    rows = [json.loads(line) for line in args.pairs.read_text("utf-8").splitlines() if line.strip()]
    table(score_pairs(rows))
    costs(args.files)


if __name__ == "__main__":
    main()
