"""Parser throughput: documents parsed per second, against reading and decoding the same files,
and per input format.

    python bench/parse.py [FOLDER ...] [--rounds N] [--stories N]

Defaults to corpus/ and, where present, ../shared/data/wires. The baseline (read + decode +
normalise, no parsing) is measured in the same run, so the ratio is comparable across machines;
a parser change that lowers the ratio made parsing slower.

The table per format reads the same ``--stories`` releases (default 1,000) written in every format
(`bench/formats.py`), so the rates compare formats, not texts; its ratio is to the ``.txt`` files
measured in the same run. The real samples of ../shared/data/formats (PDFs among them, which
`bench/formats.py` cannot write) are timed per format too.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

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


def per_format(files: dict[str, list[Path]], rounds: int) -> list[tuple[str, int, int, float]]:
    """For each format: files, documents, and documents per second (median of ``rounds``)."""
    rows = []
    for fmt, paths in files.items():
        parse(paths)  # warm
        seconds, docs = timed(parse, paths, rounds)
        rows.append((fmt, len(paths), docs, docs / seconds))
    return rows


def print_rows(title: str, rows: list[tuple[str, int, int, float]], base: float | None) -> None:
    print(f"\n{title}")
    print(f"{'format':10} {'files':>6} {'docs':>6} {'docs/s':>9}" + ("  vs .txt" if base else ""))
    for fmt, nfiles, docs, rate in rows:
        ratio = f"  {rate / base:6.2f}x" if base else ""
        print(f"{fmt:10} {nfiles:6} {docs:6} {rate:9.0f}{ratio}")


def samples() -> dict[str, list[Path]]:
    """The real samples of ../shared/data/formats, by the format dateline reads each with."""
    from indexer.parse.formats import format_for, known_format
    from indexer.parse.formats.xmlfiles import reader_of

    folder = ROOT.parent / "shared" / "data" / "formats"
    by_format: dict[str, list[Path]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "SOURCE.md"):
        fmt = format_for(path)
        if fmt.name in ("xml", "text") and (sniffed := reader_of(path.read_bytes())) is not None:
            fmt = sniffed
        elif known_format(path.name) is None:
            continue
        by_format.setdefault(fmt.name, []).append(path)
    return by_format


def readable_samples(files: dict[str, list[Path]]) -> dict[str, list[Path]]:
    """Only the sample files that give documents (a fragment or a package is refused by design)."""
    from indexer.core.errors import DocumentError

    kept: dict[str, list[Path]] = {}
    for fmt, paths in files.items():
        for path in paths:
            try:
                if read_documents(path).documents:
                    kept.setdefault(fmt, []).append(path)
            except DocumentError:
                continue
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "folders", nargs="*", type=Path, default=[ROOT / "corpus", ROOT.parent / "shared" / "data" / "wires"]
    )
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--stories", type=int, default=1000, help="stories written in every format (0: skip)")
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
    if args.stories:
        from formats import in_temp

        def table(files: dict[str, list[Path]]) -> None:
            rows = per_format(files, max(1, args.rounds // 4))
            base = next(rate for fmt, _, _, rate in rows if fmt == "txt")
            print_rows(
                f"{args.stories} stories in every format (median of {max(1, args.rounds // 4)} rounds)", rows, base
            )

        in_temp(args.stories, table)
    found = readable_samples(samples())
    if found:
        print_rows("real samples (../shared/data/formats)", per_format(found, args.rounds), None)


if __name__ == "__main__":
    main()
