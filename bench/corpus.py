"""Build a benchmark archive of N documents in the seed layout, from real text in ../shared/data.

    python bench/corpus.py N OUT [--seed S]

Headlines and bodies are real: Reuters-21578 and BBC News stories (English) and 10kGNAD
articles (German). Each is wrapped in the seed's layout (header line, German timestamp,
``Issuer: Headline``, a wire dateline, body, contact block, source URL, copyright) with a wire,
date, issuer and place drawn from fixed lists. Past the pool's size, a document's body gains a
paragraph from another story, so no two documents are the same text. The same N and seed give
the same files, byte for byte. Files go to ``OUT/<wire>/<year>/<month>/<n>.txt``.
"""

from __future__ import annotations

import argparse
import csv
import html
import random
import re
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 14 lines, not 2.
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")  # fmt: skip
# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 14 lines, not 2.
MONATE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember")  # fmt: skip
LABELS_EN = ("Anzeige", "Pressemitteilung", "News")
LABELS_DE = ("Pressemitteilung", "News", "Ad-hoc")

# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 20 lines, not 6.
PLACES_EN = (("NEW YORK", "N.Y."), ("SAN FRANCISCO", "Calif."), ("LONDON", "United Kingdom"),
             ("TORONTO", "Canada"), ("SINGAPORE", "Singapore"), ("SYDNEY", "Australia"),
             ("CHICAGO", "Ill."), ("BOSTON", "Mass."), ("HOUSTON", "Texas"),
             ("JOHANNESBURG", "South Africa"), ("DUBLIN", "Ireland"), ("TOKYO", "Japan"),
             ("NAIROBI", "Kenya"), ("VANCOUVER", "British Columbia"), ("AUSTIN", "Texas"),
             ("PARIS", "France"), ("MUMBAI", "India"), ("SEOUL", "South Korea"))  # fmt: skip
# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 14 lines, not 2.
PLACES_DE = ("Frankfurt", "München", "Berlin", "Hamburg", "Düsseldorf", "Stuttgart", "Köln",
             "Wien", "Zürich", "Leipzig", "Hannover", "Mannheim")  # fmt: skip

# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 26 lines, not 4.
FIRST = ("Apex", "Northwind", "Bluestone", "Crescent", "Evergreen", "Harbor", "Ironwood", "Juniper",
         "Keystone", "Lighthouse", "Meridian", "Oakridge", "Pinnacle", "Redwood", "Silverline",
         "Summit", "Trident", "Vanguard", "Westgate", "Zenith", "Alder", "Brightwater", "Cobalt",
         "Granite")  # fmt: skip
# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 16 lines, not 2.
SECOND = ("Energy", "Therapeutics", "Logistics", "Capital", "Software", "Mining", "Foods",
          "Robotics", "Semiconductor", "Insurance", "Media", "Biosciences", "Materials", "Retail")  # fmt: skip
SUFFIX_EN = ("Inc.", "Corp.", "Ltd.", "plc", "Holdings, Inc.", "Group")
SUFFIX_DE = ("AG", "SE", "GmbH", "KGaA")


@dataclass(frozen=True)
class Story:
    title: str
    paragraphs: tuple[str, ...]
    lang: str


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def reuters() -> list[Story]:
    """Reuters-21578 stories that have a title and a body (about 19,000)."""
    stories = []
    for path in sorted((DATA / "reuters21578").glob("reut2-*.sgm")):
        text = path.read_bytes().decode("latin-1")
        for record in re.findall(r"<REUTERS.*?</REUTERS>", text, re.S):
            title = re.search(r"<TITLE>(.*?)</TITLE>", record, re.S)
            body = re.search(r"<BODY>(.*?)</BODY>", record, re.S)
            if not (title and body):
                continue
            body_text = html.unescape(re.sub(r"&#\d+;", "", body[1])).replace("Reuter\n", "")
            paras = [_clean(p) for p in re.split(r"\n\s{2,}(?=\S)", body_text) if _clean(p)]
            if paras:
                stories.append(Story(_clean(html.unescape(title[1])).title(), tuple(paras), "en"))
    return stories


def bbc() -> list[Story]:
    """BBC News stories: first line is the title, then paragraphs."""
    stories = []
    for path in sorted((DATA / "bbc_news" / "bbc").glob("*/*.txt")):
        lines = path.read_bytes().decode("utf-8", errors="replace").split("\n")
        paras = [_clean(p) for p in lines[1:] if _clean(p)]
        if paras:
            stories.append(Story(_clean(lines[0]), tuple(paras), "en"))
    return stories


def gnad() -> list[Story]:
    """10kGNAD German articles: the first sentence is the headline, the rest the body."""
    stories = []
    with open(DATA / "gnad10k_german_news" / "test.csv", encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter=";", quotechar="'"):
            if len(row) != 2:
                continue
            head, _, rest = row[1].partition(". ")
            sentences = re.split(r"(?<=[.!?]) (?=[A-ZÄÖÜ])", rest)
            paras = [_clean(" ".join(sentences[i : i + 3])) for i in range(0, len(sentences), 3)]
            paras = [p for p in paras if p]
            if head and paras:
                stories.append(Story(_clean(head), tuple(paras), "de"))
    return stories


def pool() -> list[Story]:
    missing = [p for p in ("reuters21578", "bbc_news", "gnad10k_german_news") if not (DATA / p).exists()]
    if missing:
        sys.exit(f"bench/corpus.py needs {DATA}/{{{','.join(missing)}}} (the shared data folder)")
    return reuters() + bbc() + gnad()


def issuer(rng: random.Random, lang: str) -> str:
    suffix = SUFFIX_DE if lang == "de" else SUFFIX_EN
    return f"{rng.choice(FIRST)} {rng.choice(SECOND)} {rng.choice(suffix)}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


def english(n: int, story: Story, body: list[str], rng: random.Random, day: date) -> tuple[str, str]:
    """(wire folder, text) for an English release."""
    who = issuer(rng, "en")
    city, region = rng.choice(PLACES_EN)
    when = f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
    wire = rng.choice(("prnewswire", "businesswire", "globenewswire", "accesswire"))
    lead, rest = body[0], body[1:]
    contact = f"Media contact:\n{rng.choice(FIRST)} Communications\npress@{slug(who).split('-')[0]}.example.com"
    if wire == "prnewswire":
        lead = f"{city}, {region}, {when} /PRNewswire/ -- {lead}"
        tail = [
            contact,
            "Cision View original content:"
            f"https://www.prnewswire.com/news-releases/{slug(story.title)}-{300000000 + n}.html",
            f"© {day.year} PR Newswire",
        ]
    elif wire == "businesswire":
        lead = f"{city}--(BUSINESS WIRE)--{lead}"
        tail = [
            f"Contacts\n{contact}",
            f"View source version on businesswire.com: https://www.businesswire.com/news/home/{day:%Y%m%d}{n:06d}/en/",
            f"© {day.year} Business Wire",
        ]
    elif wire == "globenewswire":
        lead = f"{city}, {region}, {when} (GLOBE NEWSWIRE) -- {lead}"
        tail = [
            contact,
            f"View the original release on globenewswire.com: https://www.globenewswire.com/news-release/{day:%Y/%m/%d}/{n}/0/en/{slug(story.title)}.html",
            f"© {day.year} GlobeNewswire, Inc.",
        ]
    else:
        lead = f"{city}, {region} / ACCESSWIRE / {when} / {lead}"
        tail = [
            f"SOURCE: {who}",
            f"View the original press release on ACCESSWIRE: https://www.accesswire.com/{n}/{slug(story.title)}",
            f"© {day.year} ACCESSWIRE",
        ]
    return wire, "\n\n".join([f"{who}: {story.title}", lead, *rest, *tail])


def german(n: int, story: Story, body: list[str], rng: random.Random, day: date, stamp: str) -> tuple[str, str]:
    """(wire folder, text) for a German release or agency story."""
    city = rng.choice(PLACES_DE)
    if rng.random() < 0.5:
        lead = f"{city.upper()} (dpa-AFX) - {body[0]}"
        body = [lead, *body[1:]]
        body[-1] += "/" + "/".join(rng.sample(("ajx", "he", "kfk", "jha", "mis", "tav"), 2))
        tail = [f"Quelle: https://www.dpa-afx.de/news/{day:%Y/%m/%d}/{slug(story.title)}", f"© {day.year} dpa-AFX"]
        return "dpa-afx", "\n\n".join([f"dpa-AFX: {story.title}", *body, *tail])
    who = issuer(rng, "de")
    lead = f"{city}, {day.day}. {MONATE[day.month - 1]} {day.year} – {body[0]}"
    head = (
        f"EQS-News: {who} / Schlagwort: {rng.choice(('Quartalsergebnis', 'Übernahme', 'Prognose'))}\n"
        f"{who}: {story.title}"
    )
    meta = f"{stamp} CET/CEST\nFür den Inhalt der Mitteilung ist der Emittent / Herausgeber verantwortlich."
    tail = [
        f"Unternehmen: {who}\n{city}\nDeutschland\nEQS News ID: {2000000 + n}",
        "Ende der Mitteilung EQS News-Service",
        f"Quelle: https://www.eqs-news.com/de/news/corporate/{slug(story.title)}/{2000000 + n}",
        f"© {day.year} EQS Group AG",
    ]
    return "eqs", "\n\n".join([f"{who}: {story.title}", head, meta, lead, *body[1:], *tail])


def document(n: int, stories: list[Story], rng: random.Random) -> tuple[str, str]:
    """The relative path and text of document ``n``."""
    story = stories[n % len(stories)]
    body = list(story.paragraphs)
    if n >= len(stories):  # a second use of the story: add a paragraph from another of its language
        other = stories[rng.randrange(len(stories))]
        if other.lang == story.lang:
            body.insert(rng.randrange(1, len(body) + 1), rng.choice(other.paragraphs))
    day = date(2020, 1, 1) + timedelta(days=rng.randrange(6 * 365))
    hour, minute = rng.randrange(6, 22), rng.randrange(60)
    stamp = f"{day:%d.%m.%Y} {hour:02d}:{minute:02d}"
    if story.lang == "de":
        wire, text = german(n, story, body, rng, day, stamp.replace(" ", " / "))
        label = rng.choice(LABELS_DE)
    else:
        wire, text = english(n, story, body, rng, day)
        label = rng.choice(LABELS_EN)
    header = f" date {day:%Y-%m-%d} {label}\n{stamp} Uhr\n"
    return f"{wire}/{day:%Y}/{day:%m}/{n:06d}.txt", header + text + "\n"


def build(n: int, out: Path, seed: int = 2025) -> int:
    """Write ``n`` documents under ``out``; returns the bytes written."""
    stories = pool()
    random.Random(seed).shuffle(stories)
    total = 0
    for i in range(n):
        rel, text = document(i, stories, random.Random(f"{seed}:{i}"))
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        total += len(data)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, help="number of documents")
    parser.add_argument("out", type=Path, help="folder to write (created)")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    size = build(args.n, args.out, args.seed)
    print(f"{args.n} documents, {size / 1e6:.1f} MB, in {args.out}")


if __name__ == "__main__":
    main()
