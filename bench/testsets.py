"""Readers for the test collections in ../shared/data: the classic four (Cranfield, CISI, Medline,
NPL) and a news collection made from Reuters-21578 (topic retrieval, `reuters_topics`).

Each reader returns documents (id, title, text), queries (id, text) and judgments (qid, docid,
grade), in the collections' own ids. Quirks are handled as each SOURCE.md describes them.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@dataclass
class Collection:
    name: str
    docs: list[tuple[str, str, str]]  # id, title, text
    queries: list[tuple[str, str]]  # qid, text
    qrels: list[tuple[str, str, int]]  # qid, docid, grade (> 0 is relevant)


def _smart_records(path: Path) -> list[dict[str, str]]:
    """SMART-style ``.I n`` records with ``.T``/``.W``/… fields."""
    records: list[dict[str, str]] = []
    field = None
    for line in path.read_text("utf-8", errors="replace").splitlines():
        if m := re.match(r"^\.I\s+(\S+)", line):
            records.append({"id": m[1]})
            field = None
        elif m := re.match(r"^\.([A-Z])\s*$", line):
            field = m[1]
            records[-1].setdefault(field, "")
        elif field and records:
            records[-1][field] += line + "\n"
    return records


def cranfield() -> Collection:
    root = DATA / "cranfield"
    docs = [
        (r["id"], " ".join(r.get("T", "").split()), " ".join(r.get("W", "").split()))
        for r in _smart_records(root / "cran.all.1400")
    ]
    # cran.qry numbers its queries 001..365 with gaps; cranqrel numbers them 1..225 in order.
    queries = [(str(n), " ".join(r.get("W", "").split())) for n, r in enumerate(_smart_records(root / "cran.qry"), 1)]
    qrels = []
    for line in (root / "cranqrel").read_text("utf-8").split("\n"):
        parts = line.split()
        if len(parts) == 3 and int(parts[2]) > 0:  # Cleverdon 1 (best) .. 4; -1 is undocumented: dropped
            qrels.append((parts[0], parts[1], 5 - int(parts[2])))
    return Collection("cranfield", docs, queries, qrels)


def cisi() -> Collection:
    root = DATA / "cisi"
    docs = [
        (r["id"], " ".join(r.get("T", "").split()), " ".join(r.get("W", "").split()))
        for r in _smart_records(root / "CISI.ALL")
    ]
    queries = [(r["id"], " ".join(r.get("W", "").split())) for r in _smart_records(root / "CISI.QRY")]
    qrels = [
        (p[0], p[1], 1) for line in (root / "CISI.REL").read_text("utf-8").split("\n") if len(p := line.split()) >= 2
    ]
    return Collection("cisi", docs, queries, qrels)


def medline() -> Collection:
    root = DATA / "medline"
    docs = [(r["id"], "", " ".join(r.get("W", "").split())) for r in _smart_records(root / "MED.ALL")]
    queries = [(r["id"], " ".join(r.get("W", "").split())) for r in _smart_records(root / "MED.QRY")]
    qrels = [
        (p[0], p[2], int(p[3]))
        for line in (root / "MED.REL").read_text("utf-8").split("\n")
        if len(p := line.split()) == 4 and int(p[3]) > 0
    ]
    return Collection("medline", docs, queries, qrels)


def _slash_records(path: Path) -> list[tuple[str, str]]:
    """NPL's ``id`` line, text lines, ``/`` line records."""
    out: list[tuple[str, str]] = []
    for block in re.split(r"^\s*/\s*$", path.read_text("utf-8", errors="replace"), flags=re.MULTILINE):
        lines = block.strip().split("\n")
        if lines and lines[0].strip().isdigit():
            out.append((lines[0].strip(), " ".join(" ".join(lines[1:]).split())))
    return out


def npl() -> Collection:
    root = DATA / "npl"
    docs = [(i, "", text) for i, text in _slash_records(root / "doc-text")]
    queries = [(i, text.lower()) for i, text in _slash_records(root / "query-text")]
    qrels = [(qid, d, 1) for qid, text in _slash_records(root / "rlv-ass") for d in text.split()]
    return Collection("npl", docs, queries, qrels)


#: Reuters TOPICS codes without a description in ``cat-descriptions_120396.txt`` (the commodities),
#: spelt out as Reuters uses them; any other undescribed code is its name with hyphens as spaces.
READABLE_TOPICS = {
    "alum": "aluminium", "carcass": "carcass meat", "f-cattle": "feeder cattle", "l-cattle": "live cattle",
    "iron-steel": "iron steel", "veg-oil": "vegetable oil", "meal-feed": "meal feed",
    "strategic-metal": "strategic metal", "citruspulp": "citrus pulp", "cornglutenfeed": "corn gluten feed",
    "palmkernel": "palm kernel", "sunseed": "sunflower seed", "sun-oil": "sunflower oil",
    "sun-meal": "sunflower meal", "soy-oil": "soybean oil", "soy-meal": "soybean meal", "rape-oil": "rapeseed oil",
    "rape-meal": "rapeseed meal", "lin-oil": "linseed oil", "lin-meal": "linseed meal", "palm-oil": "palm oil",
    "palm-meal": "palm meal", "pork-belly": "pork bellies", "red-bean": "red beans", "castor-oil": "castor oil",
    "castor-meal": "castor meal", "castorseed": "castor seed", "coconut-oil": "coconut oil", "corn-oil": "corn oil",
    "cotton-oil": "cottonseed oil", "cotton-meal": "cottonseed meal", "groundnut-oil": "groundnut oil",
    "groundnut-meal": "groundnut meal", "copra-cake": "copra cake", "tung-oil": "tung oil",
}  # fmt: skip
#: A topic is a query when at least this many test stories carry it.
MIN_TOPIC_DOCS = 5


def _topic_descriptions(root: Path) -> dict[str, str]:
    """TOPICS code (lower case) to its description (``Crude Oil (CRUDE)``), from the TOPICS part."""
    topics = (root / "cat-descriptions_120396.txt").read_text("latin-1").split("@heading")[0]
    out = {}
    for line in topics.splitlines():
        if (m := re.match(r"^\s*(.+?)\s*\(([A-Z][A-Z0-9-]*)\)\s*$", line)) and not m[1].startswith("*"):
            out[m[2].lower()] = m[1]
    return out


def _clean(text: str) -> str:
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", html.unescape(text))
    return " ".join(text.split())


def reuters_topics() -> Collection:
    """News: Reuters-21578's ModApte test stories that have a body (title, body), queried by their
    topics. Each topic carried by at least `MIN_TOPIC_DOCS` stories is a query, its text the topic's
    description (``Crude Oil``), else `READABLE_TOPICS`, else its name; the stories carrying it are
    relevant (grade 1). Stories with no topic stay as distractors."""
    root = DATA / "reuters21578"
    docs, tagged = [], {}
    for path in sorted(root.glob("reut2-*.sgm")):
        for m in re.finditer(r"<REUTERS([^>]*)>(.*?)</REUTERS>", path.read_text("latin-1"), re.S):
            attrs, record = m[1], m[2]
            body = re.search(r"<BODY>(.*?)</BODY>", record, re.S)
            if 'LEWISSPLIT="TEST"' not in attrs or 'TOPICS="YES"' not in attrs or not body:
                continue
            newid = re.search(r'NEWID="(\d+)"', attrs)[1]  # type: ignore[index]
            title = re.search(r"<TITLE>(.*?)</TITLE>", record, re.S)
            docs.append((newid, _clean(title[1]) if title else "", _clean(body[1])))
            topics = re.search(r"<TOPICS>(.*?)</TOPICS>", record, re.S)
            tagged[newid] = re.findall(r"<D>(.*?)</D>", topics[1]) if topics else []
    counts = Counter(code for codes in tagged.values() for code in codes)
    described = _topic_descriptions(root)
    queries, qrels = [], []
    for code in sorted(c for c, n in counts.items() if n >= MIN_TOPIC_DOCS):
        queries.append((code, described.get(code) or READABLE_TOPICS.get(code) or code.replace("-", " ")))
        qrels += [(code, doc, 1) for doc, codes in tagged.items() if code in codes]
    return Collection("reuters", docs, queries, qrels)


COLLECTIONS = {"cranfield": cranfield, "cisi": cisi, "medline": medline, "npl": npl, "reuters": reuters_topics}
