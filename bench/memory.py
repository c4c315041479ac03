"""Peak memory of `dateline index` against corpus size: does it grow with the archive?

    python bench/memory.py /tmp/news10k /tmp/news100k /tmp/news200k   # archives from bench/corpus.py

Builds a fresh index of each archive in turn (in a temporary folder) and prints the files, the
build time and the peak memory of the whole process tree: summed RSS (what `ps` adds up; each
forked worker counts again the pages it shares with the parent), summed PSS (shared pages
counted once: the memory the run actually holds) and the largest single process. The last
column is the growth of peak PSS per file added since the previous archive.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path
from typing import TypedDict

from run import dateline, measure

from indexer.write.walk import walk


class Row(TypedDict):
    """One archive's figures, as written to --json."""

    corpus: str
    files: int
    seconds: float
    peak_rss_bytes: int
    peak_pss_bytes: int
    peak_process_rss_bytes: int


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="+", type=Path)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    rows: list[Row] = []
    print(
        f"{'archive':24} {'files':>8} {'seconds':>8} {'peak RSS':>9} {'peak PSS':>9} {'1 process':>9}"
        f" {'PSS per more file':>18}"
    )
    for corpus in args.corpora:
        files = len(walk(corpus).files)
        work = Path(tempfile.mkdtemp(prefix="dateline-memory-"))
        try:
            seconds, memory = measure([*dateline(), "index", str(corpus), "--index", str(work / "ix")])
        finally:
            shutil.rmtree(work, ignore_errors=True)
        growth = ""
        if rows:
            growth = f"{(memory.pss - rows[-1]['peak_pss_bytes']) / (files - rows[-1]['files']):16.0f} B"
        print(
            f"{str(corpus):24} {files:8} {seconds:8.1f} {memory.rss / 1e6:7.0f}MB {memory.pss / 1e6:7.0f}MB"
            f" {memory.process / 1e6:7.0f}MB {growth:>18}"
        )
        rows.append(
            {
                "corpus": str(corpus),
                "files": files,
                "seconds": seconds,
                "peak_rss_bytes": memory.rss,
                "peak_pss_bytes": memory.pss,
                "peak_process_rss_bytes": memory.process,
            }
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
