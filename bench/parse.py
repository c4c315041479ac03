"""Parser throughput: documents parsed per second, against reading and decoding the same files.

    python bench/parse.py [FOLDER ...] [--rounds N]

Defaults to corpus/ and, where present, ../shared/data/wires. The baseline (read + decode +
normalise, no parsing) is measured in the same run, so the ratio is comparable across machines;
a parser change that lowers the ratio made parsing slower.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.core.text import decode, normalise  # noqa: E402
from indexer.parse.files import read_documents  # noqa: E402
from indexer.write.walk import walk  # noqa: E402


def files_under(folders: list[Path]) -> list[Path]:
    return [Path(f) for folder in folders if folder.exists() for f in walk(folder).files]


def baseline(files: list[Path]) -> int:
    for path in files:
        normalise(decode(path.read_bytes())[0])
    return len(files)


def parse(files: list[Path]) -> int:
    return sum(len(read_documents(path).documents) for path in files)


def timed(fn, files: list[Path], rounds: int) -> tuple[float, int]:
    """Median seconds of ``rounds`` runs, and the count the function returns."""
    times, count = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        count = fn(files)
        times.append(time.perf_counter() - start)
    return statistics.median(times), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "folders", nargs="*", type=Path, default=[ROOT / "corpus", ROOT.parent / "shared" / "data" / "wires"]
    )
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    files = files_under(args.folders)
    if not files:
        sys.exit("no documents found under " + ", ".join(map(str, args.folders)))
    parse(files)  # warm caches (stemmer tables, regexes) before timing
    base_s, _ = timed(baseline, files, args.rounds)
    parse_s, docs = timed(parse, files, args.rounds)
    print(f"files: {len(files)}, documents: {docs}, rounds: {args.rounds} (median)")
    print(f"read+decode baseline: {len(files) / base_s:10.0f} files/s")
    print(f"parse (read_documents): {docs / parse_s:8.0f} docs/s")
    print(f"parse / baseline time: {parse_s / base_s:9.1f}x")


if __name__ == "__main__":
    main()
