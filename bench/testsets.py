"""Readers for the classic test collections in ../shared/data (Cranfield, CISI, Medline, NPL).

Each reader returns documents (id, title, text), queries (id, text) and judgments (qid, docid,
grade), in the collections' own ids. Quirks are handled as each SOURCE.md describes them.
"""

from __future__ import annotations

import re
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


COLLECTIONS = {"cranfield": cranfield, "cisi": cisi, "medline": medline, "npl": npl}
