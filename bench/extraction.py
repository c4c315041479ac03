"""Main-text and date extraction from HTML pages: dateline's reader against trafilatura, readability, jusText.

    python bench/extraction.py [--data DIR] [--only NAME ...] [--news] [--failures]

The data is a public article-extraction benchmark kept outside the repository (default
/tmp/extraction-bench; run without it for how to get it): ``html/`` holds the pages and
``gold.json`` the gold, in the form trafilatura's own evaluation uses (``tests/evaldata.py``):
for each page, snippets of the main text that must be in the output (``with``), snippets of
navigation, cookie banners, related links and the like that must not (``without``), and the
page's comments (``comments``, which an index of articles leaves out too), plus a ``dates``
table of publication dates. The score is that evaluation's: every ``with`` snippet found is a
true positive, every one missing a false negative, every ``without`` snippet found a false
positive; precision, recall and F1 are taken over all the snippets of all pages (micro
average), as trafilatura and htmldate report them. Whitespace is collapsed on both sides first,
so a line break inside a snippet is not a miss. The time is the mean wall time per page, one
run after a warm-up, on the page decoded once beforehand as dateline decodes files.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.core.document import Document  # noqa: E402
from indexer.core.text import decode, normalise  # noqa: E402
from indexer.parse.formats import html as dateline_html  # noqa: E402

DEFAULT_DATA = Path("/tmp/extraction-bench")

HOW_TO_GET = """no benchmark data at {path}. To build it (nothing of it goes into the repository):

  1. The pages: trafilatura's 1.0.0 source distribution on PyPI ships its test pages
     (tests/cache/, 110 HTML pages: news sites, magazines, blogs; GPL-3.0-or-later package):
       pip download --no-deps --no-binary :all: trafilatura==1.0.0 -d /tmp/dl
       tar xzf /tmp/dl/trafilatura-1.0.0.tar.gz -C /tmp/dl
       mkdir -p {path} && cp -r /tmp/dl/trafilatura-1.0.0/tests/cache {path}/html
  2. The gold: the entries for those pages of tests/evaldata.py in github.com/adbar/trafilatura
     (with / without / comments), and their dates from tests/comparison.py in
     github.com/adbar/htmldate, as {path}/gold.json:
       {{"pages": [{{"url": ..., "file": ..., "with": [...], "without": [...], "comments": [...],
                    "kind": "news" | "other"}}, ...],
        "dates": {{"<file>": "YYYY-MM-DD", ...}}}}
"""

# jusText's stoplist for a page's <html lang>; other languages fall back to English.
JUSTEXT_LANGUAGES = {"de": "German", "en": "English", "fr": "French", "es": "Spanish", "it": "Italian", "zh": "English"}


@dataclass
class Page:
    """One benchmark page: its decoded text and its gold."""

    file: str
    url: str
    text: str
    kind: str
    with_: list[str]
    without: list[str]
    comments: list[str]
    date: str | None = None


@dataclass
class Score:
    """An extractor's counts over the pages, and its times."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    comments_leaked: int = 0
    comments_total: int = 0
    empty: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    misses: dict[str, list[str]] = field(default_factory=dict)
    leaks: dict[str, list[str]] = field(default_factory=dict)

    def precision(self) -> float:
        """Snippets that should be there among all snippets found."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    def recall(self) -> float:
        """Main-text snippets found among all main-text snippets."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    def f1(self) -> float:
        """Harmonic mean of precision and recall (2tp / (2tp + fp + fn))."""
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0

    def accuracy(self) -> float:
        """Snippets judged right (found when wanted, absent when not) among all."""
        total = self.tp + self.fn + self.fp + self.tn
        return (self.tp + self.tn) / total if total else 0.0


def squeeze(text: str) -> str:
    """``text`` NFC-normalised with every run of whitespace (no-break spaces too) as one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def load_pages(data: Path, news_only: bool) -> list[Page]:
    """The benchmark's pages with gold, decoded as dateline decodes a file (UTF-8, else cp1252)."""
    gold = json.loads((data / "gold.json").read_text(encoding="utf-8"))
    dates: dict[str, str] = gold.get("dates", {})
    pages = []
    for entry in gold["pages"]:
        if news_only and entry.get("kind") != "news":
            continue
        text, _ = decode((data / "html" / entry["file"]).read_bytes())
        pages.append(
            Page(
                file=entry["file"],
                url=entry["url"],
                text=normalise(text),
                kind=entry.get("kind", "other"),
                with_=entry["with"],
                without=entry["without"],
                comments=entry.get("comments", []),
                date=dates.get(entry["file"]),
            )
        )
    return pages


def load_date_pages(data: Path) -> list[tuple[str, str, str]]:
    """(file, decoded text, gold date) for every page the ``dates`` table names."""
    gold = json.loads((data / "gold.json").read_text(encoding="utf-8"))
    out = []
    for name, day in sorted(gold.get("dates", {}).items()):
        path = data / "html" / name
        if path.exists():
            out.append((name, normalise(decode(path.read_bytes())[0]), day))
    return out


# ---------------------------------------------------------------- the extractors


def dateline_parse(page: str) -> str | None:
    """dateline's HTML reader: ``parse_html`` (trafilatura's article, its dropped lead restored, else the
    visible text; then ``apply_story``)."""
    return dateline_html.parse_html(page, Document(id="x")).body


def dateline_old(page: str) -> str | None:
    """dateline's reader before 0.5.0: the visible text of ``<article>``/``<main>`` (else the page), as
    ``html_text`` still gives it for HTML inside feeds and mail, the title cut off the front."""
    body, _ = dateline_html.html_text(page)
    title = re.search(r"<h1[^>]*>(.*?)</h1>|<title[^>]*>(.*?)</title>", page, re.IGNORECASE | re.DOTALL)
    heading = re.sub(r"<[^>]+>|\s+", " ", next(g for g in title.groups() if g) if title else "").strip()
    return body[len(heading) :].lstrip() if heading and body.startswith(heading) else body


def trafilatura_variant(**options: Any) -> Callable[[str], str | None]:
    """``trafilatura.extract`` with ``options``, comments left out."""
    trafilatura = importlib.import_module("trafilatura")

    def run(page: str) -> str | None:
        result: str | None = trafilatura.extract(page, include_comments=False, **options)
        return result

    return run


def readability_text(page: str) -> str | None:
    """readability-lxml: ``Document(page).summary()``, its HTML as text (a line per block)."""
    readability = importlib.import_module("readability")
    lxml_html = importlib.import_module("lxml.html")
    summary = readability.Document(page).summary(html_partial=True)
    tree = lxml_html.fromstring(summary)
    for block in tree.iter("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre"):
        block.tail = "\n" + (block.tail or "")
    text: str = tree.text_content()
    return text


def justext_text(page: str) -> str | None:
    """jusText with the stoplist of the page's ``<html lang>`` (English when unknown): its good paragraphs."""
    justext = importlib.import_module("justext")
    match = re.search(r"<html[^>]*\blang=[\"']?([a-zA-Z]{2})", page[:5000])
    language = JUSTEXT_LANGUAGES.get(match.group(1).lower() if match else "en", "English")
    paragraphs = justext.justext(page.encode("utf-8"), justext.get_stoplist(language), encoding="utf-8")
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def extractors() -> dict[str, Callable[[str], str | None]]:
    """Name to extractor, in the table's order; a library that is not installed is left out."""
    out: dict[str, Callable[[str], str | None]] = {
        "dateline parse_html": dateline_parse,
        "dateline <article>/<main> (before 0.5)": dateline_old,
    }
    try:
        out["trafilatura (default)"] = trafilatura_variant()
        out["trafilatura favor_precision"] = trafilatura_variant(favor_precision=True)
        out["trafilatura favor_recall"] = trafilatura_variant(favor_recall=True)
        out["trafilatura fast (no fallback)"] = trafilatura_variant(fast=True)
    except ImportError:
        print("(trafilatura not installed: left out)")
    others = (("readability-lxml", readability_text, "readability"), ("jusText", justext_text, "justext"))
    for name, fn, module in others:
        try:
            importlib.import_module(module)
            out[name] = fn
        except ImportError:
            print(f"({module} not installed: left out)")
    return out


# ---------------------------------------------------------------- scoring


def score(extract: Callable[[str], str | None], pages: list[Page]) -> Score:
    """Run ``extract`` on every page (after one warm-up call) and count its snippets."""
    result = Score()
    if pages:
        extract(pages[0].text)
    for page in pages:
        start = time.perf_counter()
        try:
            output = extract(page.text)
        except Exception as exc:  # an extractor's crash is a result too: counted, not fatal
            output = None
            result.errors.append(f"{page.file}: {type(exc).__name__}: {exc}")
        result.seconds.append(time.perf_counter() - start)
        text = squeeze(output or "")
        if not text:
            result.empty.append(page.file)
        for snippet in page.with_:
            if squeeze(snippet) in text:
                result.tp += 1
            else:
                result.fn += 1
                result.misses.setdefault(page.file, []).append(snippet)
        for snippet in page.without:
            if squeeze(snippet) in text:
                result.fp += 1
                result.leaks.setdefault(page.file, []).append(snippet)
            else:
                result.tn += 1
        result.comments_total += len(page.comments)
        result.comments_leaked += sum(squeeze(c) in text for c in page.comments)
    return result


def print_table(scores: dict[str, Score], pages: list[Page]) -> None:
    """The main table: one row an extractor."""
    snippets = sum(len(p.with_) + len(p.without) for p in pages)
    news = sum(p.kind == "news" for p in pages)
    print(f"\npages: {len(pages)} ({news} news), snippets: {snippets} (micro-averaged over all of them)\n")
    header = f"{'extractor':34} {'precision':>9} {'recall':>7} {'F1':>6} {'accuracy':>8} {'ms/page':>8}"
    header += f" {'median':>7} {'empty':>5} {'comments':>8}"
    print(header)
    print("-" * len(header))
    for name, s in scores.items():
        mean_ms = 1000 * statistics.fmean(s.seconds) if s.seconds else 0.0
        median_ms = 1000 * statistics.median(s.seconds) if s.seconds else 0.0
        row = f"{name:34} {s.precision():9.3f} {s.recall():7.3f} {s.f1():6.3f} {s.accuracy():8.3f} {mean_ms:8.1f}"
        row += f" {median_ms:7.1f} {len(s.empty):5d} {s.comments_leaked:>3d}/{s.comments_total:<4d}"
        print(row)
    print("\nempty: pages with no output (None or blank); comments: the gold's comment snippets found in the output")


def print_failures(scores: dict[str, Score]) -> None:
    """Per extractor: the pages it returned nothing for, crashed on, missed text of, or leaked boilerplate on."""
    for name, s in scores.items():
        print(f"\n== {name}")
        if s.empty:
            print("  no output:", ", ".join(s.empty))
        for error in s.errors:
            print("  error:", error)
        for file, missed in sorted(s.misses.items()):
            print(f"  missed  {file}: {missed}")
        for file, leaked in sorted(s.leaks.items()):
            print(f"  leaked  {file}: {leaked}")


# ---------------------------------------------------------------- dates


def dateline_date(page: str) -> str | None:
    """The date dateline's ``<meta>`` reading gives (``parse_html``'s ``doc.date``)."""
    doc = dateline_html.parse_html(page, Document(id="x"))
    return doc.date.isoformat() if isinstance(doc.date, date) else None


def htmldate_variant(extensive: bool) -> Callable[[str], str | None]:
    """``htmldate.find_date`` for the original publication date; ``extensive`` also reads the text."""
    htmldate = importlib.import_module("htmldate")

    def run(page: str) -> str | None:
        found: str | None = htmldate.find_date(page, original_date=True, extensive_search=extensive)
        return found

    return run


def trafilatura_date(page: str) -> str | None:
    """The date in ``trafilatura.extract_metadata`` (htmldate inside, with trafilatura's settings)."""
    trafilatura = importlib.import_module("trafilatura")
    meta = trafilatura.extract_metadata(page)
    found: str | None = meta.date if meta is not None else None
    return found


def print_dates(data: Path, show_failures: bool) -> None:
    """Publication dates against the gold: right, wrong, none found; and the time per page."""
    pages = load_date_pages(data)
    if not pages:
        return
    finders: dict[str, Callable[[str], str | None]] = {"dateline <meta> reading": dateline_date}
    try:
        finders["htmldate (fast)"] = htmldate_variant(False)
        finders["htmldate (extensive)"] = htmldate_variant(True)
        finders["trafilatura extract_metadata"] = trafilatura_date
    except ImportError:
        print("(htmldate/trafilatura not installed: dates only for dateline)")
    print(f"\npublication dates: {len(pages)} pages with a gold date\n")
    header = f"{'date finder':34} {'right':>5} {'wrong':>5} {'none':>5} {'accuracy':>8} {'ms/page':>8}"
    print(header)
    print("-" * len(header))
    for name, find in finders.items():
        right = wrong = none = 0
        seconds = []
        notes = []
        find(pages[0][1])
        for file, text, gold in pages:
            start = time.perf_counter()
            found = find(text)
            seconds.append(time.perf_counter() - start)
            if found is None:
                none += 1
                notes.append(f"{file}: none (gold {gold})")
            elif found[:10] == gold:
                right += 1
            else:
                wrong += 1
                notes.append(f"{file}: {found} (gold {gold})")
        ms = 1000 * statistics.fmean(seconds)
        print(f"{name:34} {right:5d} {wrong:5d} {none:5d} {right / len(pages):8.3f} {ms:8.1f}")
        if show_failures and notes:
            print("    " + "\n    ".join(notes))


def main() -> None:
    """Parse the arguments, run every extractor on the benchmark, print the tables."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the benchmark folder (html/, gold.json)")
    parser.add_argument("--only", nargs="*", default=None, help="run only the extractors whose name has one of these")
    parser.add_argument("--news", action="store_true", help="only the pages the gold marks as news")
    parser.add_argument("--failures", action="store_true", help="list each extractor's misses, leaks and empty pages")
    args = parser.parse_args()
    if not (args.data / "gold.json").exists() or not (args.data / "html").is_dir():
        print(HOW_TO_GET.format(path=args.data))
        return
    pages = load_pages(args.data, args.news)
    chosen = {
        name: fn
        for name, fn in extractors().items()
        if args.only is None or any(part.lower() in name.lower() for part in args.only)
    }
    scores = {name: score(fn, pages) for name, fn in chosen.items()}
    print_table(scores, pages)
    if args.failures:
        print_failures(scores)
    if not args.news:
        print_dates(args.data, args.failures)


if __name__ == "__main__":
    main()
