"""Near-duplicate detection on a real archive, against pairs labelled by reading.

    python bench/dedup.py [--pairs bench/dedup_pairs.jsonl] [--files N] [--cost ARCHIVE [--rounds R]]

For each labelled pair of ``bench/dedup_pairs.jsonl`` (labelled before any detector existed; see
``bench/DEDUP_PAIRS.md``), both documents are read as dateline reads them and their bodies' MinHash
signatures compared (`indexer.core.signatures`). Printed: precision, recall and F1 of "same story"
at each threshold of the estimated Jaccard similarity and of the estimated containment, with the
exact values of both as the ceiling a signature can reach; how many template pairs (class-action
notices, daily columns: different stories) each threshold would wrongly join; and the cost of a
signature against reading the same files (``--files`` of the archives), measured in the same run.
datasketch's MinHash is timed beside it when installed.

Then the archives are indexed as dateline indexes them, and the groups it found at commit
(`indexer.write.grouping`: LSH buckets, containment checked against each group's lead, a week's
window) are scored on the same pairs: precision and recall of "in one group", template pairs
wrongly grouped, and template pairs that share a template family.

With ``--cost ARCHIVE`` (a folder, e.g. 100,000 files from ``bench/corpus.py``), the archive is
indexed from scratch ``--rounds`` times each with and without signatures and groups (the baseline
with the signature collector and the grouping switched off in its own process), alternating, and
the rates and their ratio printed: issue 24 asks for at most 15% slower at 100,000 documents.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
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


def groups_table(rows: list[dict[str, object]]) -> None:
    """Index the archives and score the groups of copies found at commit on the labelled pairs."""
    from indexer import index_paths
    from search import Index

    with tempfile.TemporaryDirectory() as work:
        started = time.perf_counter()
        index_paths([ARCHIVES], Path(work) / "index")
        seconds = time.perf_counter() - started
        with Index(Path(work) / "index") as ix:
            searcher = ix._current()
            reader = searcher.reader()
            ids = reader.column_reader("id")
            number = {ids[d]: d for d in range(reader.doc_count_all())}
            groups = ix._groups_of(searcher)
    group, family = groups.group, groups.family
    tp = fp = fn = joined = familied = templates = other = other_familied = 0
    for row in rows:
        a, b = number[str(row["a"])], number[str(row["b"])]
        together = bool(group[a] >= 0 and group[a] == group[b])
        same_family = bool(family[a] >= 0 and family[a] == family[b])
        if row["label"] == "same":
            tp += together
            fn += not together
        else:
            fp += together
            if row.get("template"):
                templates += 1
                joined += together
                familied += same_family
            else:
                other += 1
                other_familied += same_family
    precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
    print(f"groups found while indexing {len(number)} documents ({seconds:.1f} s):")
    print(
        f"  {int((group >= 0).sum())} documents in {len(groups.lead)} groups"
        f" (largest {int(groups.size.max(initial=0))});"
        f" {int((family >= 0).sum())} documents in {int(family.max(initial=-1)) + 1} template families"
    )
    print(
        f"  same story = one group: precision {precision:.3f}, recall {recall:.3f}, "
        f"F1 {2 * precision * recall / max(1e-9, precision + recall):.3f} ({tp} right, {fp} wrong, {fn} missed)"
    )
    print(f"  template pairs grouped as copies: {joined}/{templates}; in one template family: {familied}/{templates}")
    print(f"  other different pairs in one template family: {other_familied}/{other}\n")


_BASELINE = """
import indexer.core.groups as groups
import indexer.write.grouping as grouping
import indexer.write.sigs as sigs

class NoSignatures:
    def add(self, doc): pass
    def take(self): return sigs.SegmentSigs.empty()
    def close(self): pass

sigs.Collector = NoSignatures
sigs.write_sigs = lambda *args, **kwargs: None
sigs.write_merged = lambda *args, **kwargs: None
groups.write_groups = lambda *args, **kwargs: None
grouping.index_groups = lambda storage, segments: groups.Groups.none(0)
"""

_RUN = """
import sys, time
from indexer import index_paths
started = time.perf_counter()
report = index_paths([sys.argv[1]], sys.argv[2])
print(report.added, time.perf_counter() - started)
"""


def indexing_cost(archive: Path, rounds: int) -> None:
    """Index ``archive`` with and without signatures, alternating, each run in its own process."""
    rates: dict[str, list[float]] = {"without": [], "with": []}
    with tempfile.TemporaryDirectory() as work:
        for n in range(rounds):
            for name in ("without", "with") if n % 2 == 0 else ("with", "without"):
                index = Path(work) / f"{name}-{n}"
                code = (_BASELINE if name == "without" else "") + _RUN
                out = subprocess.run(
                    [sys.executable, "-c", code, str(archive), str(index)],
                    check=True,
                    capture_output=True,
                    text=True,
                    cwd=ROOT,
                ).stdout.split()
                docs, seconds = int(out[0]), float(out[1])
                rates[name].append(docs / seconds)
                print(
                    f"  round {n + 1}, {name:7} signatures: {docs} documents in {seconds:.1f} s"
                    f" ({docs / seconds:.0f}/s)"
                )
                shutil.rmtree(index)
    without, with_ = statistics.median(rates["without"]), statistics.median(rates["with"])
    print(
        f"indexing {archive}: {without:.0f} docs/s without signatures and groups, {with_:.0f} with "
        f"(median of {rounds}): {1 - with_ / without:+.1%} slower\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=Path, default=ROOT / "bench" / "dedup_pairs.jsonl")
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--cost", type=Path, metavar="ARCHIVE", help="also time indexing ARCHIVE with and without")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if not ARCHIVES.exists():
        sys.exit(f"{ARCHIVES} is absent: the labelled pairs name files of ../shared/data/archives")
    rows = [json.loads(line) for line in args.pairs.read_text("utf-8").splitlines() if line.strip()]
    table(score_pairs(rows))
    costs(args.files)
    groups_table(rows)
    if args.cost is not None:
        indexing_cost(args.cost, args.rounds)


if __name__ == "__main__":
    main()
