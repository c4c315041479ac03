"""Draw the candidate pairs for the hand-labelled near-duplicate sample (issue 24).

The pairs are drawn in strata from two real archives under ``/work/shared/data/archives``
(``newsworthy-citybiz`` and ``trends-de-jekyll``) WITHOUT any near-duplicate detector: no
MinHash, no SimHash, no shingle signatures — those are what ``bench/dedup.py`` will measure.
Only titles, dates, sites and plain word sets are used:

- ``a``: pairs sharing an exact normalised title;
- ``b``: pairs whose titles share most words (word-set Jaccard >= 0.6) but are not equal;
- ``c``: pairs of one issuer or site within 14 days, with different titles;
- ``d``: pairs whose first body sentences overlap (Jaccard >= 0.5) or whose rare words overlap
  (Jaccard >= 0.25 over words found in at most 5 documents of the archive);
- ``e``: pairs inside template-like families (one title pattern, many documents);
- ``f``: random pairs of one archive.

Per archive, 20 pairs each from a–e and 15 from f (first pass, seed 24), then a second pass
(``TOP_UP``, seed 25) adds 5 more ``a`` pairs for citybiz and 40 ``a`` + 10 ``d`` pairs for the
trends posts, appended after the first pass so the first 230 rows never move. A pair drawn
before is not drawn again. Citybiz has one site, so its "issuer" (stratum c) is approximated
by the title's first two words; trends posts use the article's host. Pairs whose two documents
fall in one template family are left out of d (they belong to e). The output holds document
ids (paths relative to the archives folder) and strata only, never the texts. Run::

    .venv/bin/python bench/dedup_sample.py --out /tmp/dedup_candidates.jsonl

The labels are then added by reading both documents (see ``bench/DEDUP_PAIRS.md``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import itertools
import json
import random
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indexer.parse.files import read_documents

ROOT = Path("/work/shared/data/archives")
ARCHIVES = {"newsworthy-citybiz": "citybiz", "trends-de-jekyll": "_posts"}
SEED = 24
PER_ARCHIVE = {"a": 20, "b": 20, "c": 20, "d": 20, "e": 20, "f": 15}
# Second pass, appended after all strata with its own generator (seed + 1) so that the first pass
# stays as it was labelled: more pairs from the strata richest in copies, to bring the share of
# "same" pairs up (the first pass gave 57 of 230).
TOP_UP = {"newsworthy-citybiz": {"a": 5}, "trends-de-jekyll": {"a": 40, "d": 10}}
WINDOW_DAYS = 14

# Template-like families: one title pattern shared by many documents of an archive.
FAMILIES: dict[str, dict[str, str]] = {
    "newsworthy-citybiz": {
        "q-and-a": r"^q a with ",
        "nevins-interviews": r"^david nevins interviews ",
        "bodine-photo": r" a aubrey bodine$",
        "state-roundup": r"^state roundup ",
        "inc-5000": r"(fastest growing private companies|inc 5000)",
        "srs-real-estate": r"^srs real estate ",
        "go-fund-yourself": r"^go fund yourself",
        "appointments": r" (appoints|names|hires) .* (chief \w+ officer|managing director)",
    },
    "trends-de-jekyll": {
        "tv-listing": r"(im tv|live im tv|tv und stream|tv stream|übertragung|wer zeigt|live stream)",
        "liveticker": r"(liveticker|live ticker|im ticker)",
        "lineup": r"(aufstellung|startelf)",
        "lotto": r"(lotto|eurojackpot|gewinnzahlen)",
        "weather": r"(wetter|unwetter|gewitter|hitze)",
        "lets-dance": r"^let s dance",
    },
}

STOP = set(
    "the a an and or of to in on for with at by from as is are be was were it its this that "
    "der die das und oder ein eine einer eines dem den des zu im in am an auf für mit von vom "
    "bei ist sind war wird werden nicht auch nach aus sich er sie es wie was".split()
)


@dataclass
class Doc:
    """What the sampler needs of one document (never written out)."""

    id: str
    archive: str
    title: str
    words: frozenset[str]
    date: dt.date | None
    site: str
    first: frozenset[str]
    body_words: frozenset[str]


def norm_title(title: str | None) -> str:
    """Lower-cased title words, HTML entities decoded, trends' 🔥 and ``[keyword]`` prefix removed."""
    text = html.unescape(title or "")
    text = re.sub(r"^[\s🔥]*\[[^\]]*\]\s*", "", text)
    return " ".join(re.findall(r"\w+", text.lower()))


def words_of(text: str) -> list[str]:
    """Lower-cased word tokens of ``text``."""
    return re.findall(r"\w+", text.lower())


def first_sentence(body: str) -> str:
    """The body's first sentence (up to the first full stop followed by a space), at most 400 chars."""
    text = body.strip()
    match = re.search(r"[.!?](\s|$)", text[40:])
    end = 40 + match.start() + 1 if match else len(text)
    return text[: min(end, 400)]


def site_of(archive: str, title: str, url: str | None) -> str:
    """The source: the article host for trends posts; for citybiz (one site) the issuer,
    approximated by the title's first two words."""
    if archive == "trends-de-jekyll":
        host = urlparse(url or "").netloc.lower()
        return host.removeprefix("www.")
    return " ".join(title.split()[:2])


def load(archive: str) -> list[Doc]:
    """Parse every Markdown file of ``archive`` with dateline's own reader."""
    docs = []
    for path in sorted((ROOT / archive / ARCHIVES[archive]).rglob("*.md")):
        parsed = read_documents(path).documents[0]
        title = norm_title(parsed.title)
        body = parsed.body or ""
        docs.append(
            Doc(
                id=str(path.relative_to(ROOT)),
                archive=archive,
                title=title,
                words=frozenset(w for w in title.split() if w not in STOP),
                date=parsed.date,
                site=site_of(archive, title, parsed.url),
                first=frozenset(w for w in words_of(first_sentence(body)) if w not in STOP),
                body_words=frozenset(words_of(body)),
            )
        )
    return docs


def jaccard(x: frozenset[str], y: frozenset[str]) -> float:
    """Plain set overlap |x ∩ y| / |x ∪ y| (0 for two empty sets)."""
    union = len(x | y)
    return len(x & y) / union if union else 0.0


def key(x: Doc, y: Doc) -> tuple[str, str]:
    """The pair's ids, ordered."""
    return (x.id, y.id) if x.id < y.id else (y.id, x.id)


def sharing_pairs(docs: list[Doc], sets: list[frozenset[str]]) -> set[tuple[int, int]]:
    """Index pairs of ``docs`` whose ``sets`` share at least one element (via an inverted index)."""
    postings: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        for w in s:
            postings[w].append(i)
    pairs: set[tuple[int, int]] = set()
    for ids in postings.values():
        if len(ids) <= 60:  # common words link everything and add no candidates of interest
            pairs.update(itertools.combinations(ids, 2))
    return pairs


def take(
    rng: random.Random,
    candidates: list[tuple[Doc, Doc]],
    n: int,
    seen: set[tuple[str, str]],
    group: dict[tuple[str, str], str] | None = None,
) -> list[tuple[str, str]]:
    """Up to ``n`` unseen pairs from ``candidates``, shuffled; with ``group``, round-robin over the
    groups so that one big group does not fill the stratum."""
    pool = sorted({key(x, y) for x, y in candidates} - seen)
    rng.shuffle(pool)
    if group is not None:
        by: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for p in pool:
            by[group[p]].append(p)
        order = sorted(by)
        rng.shuffle(order)
        pool = []
        for round_ in itertools.zip_longest(*(by[g] for g in order)):
            pool.extend(p for p in round_ if p is not None)
    chosen = pool[:n]
    seen.update(chosen)
    return chosen


def close(x: Doc, y: Doc) -> bool:
    """Both dated and at most ``WINDOW_DAYS`` apart."""
    return x.date is not None and y.date is not None and abs((x.date - y.date).days) <= WINDOW_DAYS


def draw(
    archive: str, rng: random.Random, seen: set[tuple[str, str]], top_up: random.Random
) -> list[dict[str, object]]:
    """All strata of one archive, in order a..f."""
    docs = load(archive)
    out: list[dict[str, object]] = []

    def emit(stratum: str, pairs: list[tuple[str, str]], family: dict[tuple[str, str], str] | None = None) -> None:
        for a, b in pairs:
            row: dict[str, object] = {"a": a, "b": b, "stratum": stratum}
            if family is not None:
                row["family"] = family[(a, b)]
            out.append(row)

    # a: exact normalised title
    by_title: dict[str, list[Doc]] = defaultdict(list)
    for d in docs:
        if d.title:
            by_title[d.title].append(d)
    cand_a = [(x, y) for group in by_title.values() for x, y in itertools.combinations(group, 2)]
    group_a = {key(x, y): x.title for x, y in cand_a}
    emit("a", take(rng, cand_a, PER_ARCHIVE["a"], seen, group_a))

    # b: titles sharing most words, not equal
    idx = sharing_pairs(docs, [d.words for d in docs])
    cand_b = [
        (docs[i], docs[j])
        for i, j in idx
        if docs[i].title != docs[j].title and jaccard(docs[i].words, docs[j].words) >= 0.6
    ]
    emit("b", take(rng, cand_b, PER_ARCHIVE["b"], seen))

    # c: same issuer/site within 14 days, different titles
    by_site: dict[str, list[Doc]] = defaultdict(list)
    for d in docs:
        if d.site:
            by_site[d.site].append(d)
    cand_c = [
        (x, y)
        for group in by_site.values()
        for x, y in itertools.combinations(group, 2)
        if x.title != y.title and close(x, y)
    ]
    group_c = {key(x, y): x.site for x, y in cand_c}
    emit("c", take(rng, cand_c, PER_ARCHIVE["c"], seen, group_c))

    # family membership, used by d (pairs inside one family are left to e) and e
    members: dict[str, list[Doc]] = defaultdict(list)
    for d in docs:
        for name, pattern in FAMILIES[archive].items():
            if re.search(pattern, d.title):
                members[name].append(d)
                break
    family_of = {d.id: name for name, group in members.items() for d in group}

    # d: first-sentence or rare-word overlap, not both in one template family
    df = Counter(w for d in docs for w in d.body_words)
    rare = [frozenset(w for w in d.body_words if df[w] <= 5 and len(w) >= 4 and not w.isdigit()) for d in docs]
    idx = sharing_pairs(docs, rare) | sharing_pairs(docs, [d.first for d in docs])
    cand_d = [
        (docs[i], docs[j])
        for i, j in idx
        if not (docs[i].id in family_of and family_of.get(docs[i].id) == family_of.get(docs[j].id))
        and (
            jaccard(docs[i].first, docs[j].first) >= 0.5
            or (len(rare[i] & rare[j]) >= 3 and jaccard(rare[i], rare[j]) >= 0.25)
        )
    ]
    emit("d", take(rng, cand_d, PER_ARCHIVE["d"], seen))

    # e: inside template-like title families (membership computed above)
    cand_e = [(x, y) for name, group in members.items() for x, y in itertools.combinations(group, 2)]
    group_e = {key(x, y): name for name, group in members.items() for x, y in itertools.combinations(group, 2)}
    emit("e", take(rng, cand_e, PER_ARCHIVE["e"], seen, group_e), group_e)

    # f: random pairs
    cand_f = [tuple(rng.sample(docs, 2)) for _ in range(PER_ARCHIVE["f"] * 4)]
    emit("f", take(rng, cand_f, PER_ARCHIVE["f"], seen))  # type: ignore[arg-type]

    # second pass (see TOP_UP), rows marked so that main() can put them after every first-pass row
    extra = TOP_UP[archive]
    first_pass = len(out)
    emit("a", take(top_up, cand_a, extra.get("a", 0), seen, group_a))
    emit("d", take(top_up, cand_d, extra.get("d", 0), seen))
    for row in out[first_pass:]:
        row["top_up"] = True

    sizes = {name: len(group) for name, group in members.items()}
    groups = sum(1 for g in by_title.values() if len(g) > 1)
    print(f"{archive}: {len(docs)} docs, {groups} exact-title groups, families {sizes}", file=sys.stderr)
    print(
        f"  candidates a={len(cand_a)} b={len(cand_b)} c={len(cand_c)} d={len(cand_d)} e={len(cand_e)}",
        file=sys.stderr,
    )
    return out


def main() -> None:
    """Write the candidate pairs, one JSON object per line, ids only."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="-", help="output JSONL file (default: stdout)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    seen: set[tuple[str, str]] = set()
    top_up = random.Random(args.seed + 1)
    drawn = {archive: draw(archive, rng, seen, top_up) for archive in ARCHIVES}
    first = [row for rows in drawn.values() for row in rows if not row.get("top_up")]
    rows = first + [row for rows in drawn.values() for row in rows if row.get("top_up")]
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
    print(f"{len(rows)} pairs", file=sys.stderr)


if __name__ == "__main__":
    main()
