"""Real scraped archives as a new user meets them: files failed, stderr lines, field fill rates.

    python bench/archives.py [FOLDER ...] [--index-too]

Defaults to every folder of ../shared/data/archives and ../shared/data/wires. Each FOLDER's
sub-folders are its sources (one site, feed or wire each); a folder without sub-folders is one
source (a folder's SOURCE.md, its provenance note, is left out). For each source: files, files
that failed (by reason), warnings (by kind), documents, and
the share of documents with each field filled; the share of text that left the body for the
`about`, `disclaimer` and `contact` sections. ``--index-too`` also runs the installed
`dateline index` over each FOLDER and counts its stderr lines (what a user reads).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import TypedDict

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

from indexer.core.document import DOCUMENT_FIELDS  # noqa: E402
from indexer.core.errors import DocumentError  # noqa: E402
from indexer.parse.files import read_documents  # noqa: E402
from indexer.write.walk import walk  # noqa: E402

#: Fields reported, in this order; those a Document lacks are left out.
# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 19 lines, not 2.
FIELDS = ("title", "date", "published", "issuer", "wire", "place", "city", "region", "country", "url",
          "language", "description", "keywords", "author", "contact", "about", "disclaimer")  # fmt: skip
SECTIONS = ("about", "disclaimer", "contact")
_DETAIL = re.compile(r"(:\s.*|'[^']*'|\"[^\"]*\"|\d+)")


def kind_of(message: str) -> str:
    """A warning or failure with its per-file details (values, numbers) cut away."""
    return _DETAIL.sub("…", message)[:80]


def sources(folder: Path) -> dict[str, list[Path]]:
    """The files of ``folder`` by source: its first-level sub-folder, or the folder itself."""
    out: dict[str, list[Path]] = {}
    for path in walk(folder).files:
        if Path(path).name == "SOURCE.md":  # the data's own provenance note, not an article
            continue
        rel = Path(path).relative_to(folder)
        name = f"{folder.name}/{rel.parts[0]}" if len(rel.parts) > 1 else folder.name
        out.setdefault(name, []).append(Path(path))
    return out


class Figures(TypedDict):
    """What ``measure`` counts for one source."""

    files: int
    failed: Counter[str]
    warnings: Counter[str]
    documents: int
    filled: Counter[str]
    chars: Counter[str]


def measure(files: list[Path]) -> Figures:
    """Parse ``files`` as `dateline index` does and count what came out."""
    failed: Counter[str] = Counter()
    warnings: Counter[str] = Counter()
    filled: Counter[str] = Counter()
    chars: Counter[str] = Counter()
    docs = 0
    for path in files:
        try:
            parsed = read_documents(path)
        except DocumentError as exc:
            failed[kind_of(exc.reason if hasattr(exc, "reason") else str(exc))] += 1
            continue
        for error in parsed.errors:
            failed[kind_of(error)] += 1
        warnings.update(
            kind_of(w) for w in parsed.warnings
        )  # the file's and its documents' (read_documents gathers them)
        for doc in parsed.documents:
            docs += 1
            for name in FIELDS:
                if name in DOCUMENT_FIELDS and getattr(doc, name, None) not in (None, "", [], ()):
                    filled[name] += 1
            chars["body"] += len(doc.body or "")
            for name in SECTIONS:
                chars[name] += len(getattr(doc, name, None) or "")
    return {
        "files": len(files),
        "failed": failed,
        "warnings": warnings,
        "documents": docs,
        "filled": filled,
        "chars": chars,
    }


def stderr_lines(folder: Path) -> tuple[int, int]:
    """Lines `dateline index FOLDER` writes to stderr, and its exit status."""
    exe = [str(Path(sys.executable).parent / "dateline")]
    with tempfile.TemporaryDirectory() as work:
        run = subprocess.run(
            [*exe, "index", str(folder), "--index", os.path.join(work, "ix")],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "DATELINE_NO_SERVE": "1"},
        )
    return run.stderr.count("\n"), run.returncode


def report(name: str, figures: Figures) -> None:
    docs = figures["documents"] or 1
    failed, warnings, filled, chars = figures["failed"], figures["warnings"], figures["filled"], figures["chars"]
    print(
        f"\n{name}: {figures['files']} files, {sum(failed.values())} failed, {figures['documents']} documents, "
        f"{sum(warnings.values())} warnings"
    )
    for reason, n in failed.most_common(5):
        print(f"  failed {n:6}  {reason}")
    for kind, n in warnings.most_common(5):
        print(f"  warned {n:6}  {kind}")
    shown = [f"{f} {filled[f] / docs:.0%}" for f in FIELDS if f in DOCUMENT_FIELDS]
    print("  filled: " + ", ".join(shown))
    total = sum(chars.values()) or 1
    print("  text in: " + ", ".join(f"{k} {v / total:.1%}" for k, v in chars.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--index-too", action="store_true", help="also count the stderr lines of `dateline index`")
    args = parser.parse_args()
    folders = args.folders or sorted(p for base in ("archives", "wires") for p in [SHARED / base] if p.is_dir())
    expanded = [
        sub for f in folders for sub in (sorted(p for p in f.iterdir() if p.is_dir()) if f.name == "archives" else [f])
    ]
    if not expanded:
        sys.exit("no folders: give some, or put ../shared/data beside the project")
    for folder in expanded:
        if args.index_too:
            lines, status = stderr_lines(folder)
            print(f"\n`dateline index {folder}`: exit {status}, {lines} stderr lines")
        by_source = sources(folder)
        if len(by_source) > 12:  # one folder per day or per site: report the folder whole
            by_source = {folder.name: [p for files in by_source.values() for p in files]}
        for name, files in by_source.items():
            report(name, measure(files))


if __name__ == "__main__":
    main()
