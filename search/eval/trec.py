"""Test-collection files: queries (TSV or BEIR JSONL), TREC runs, and qrels (TREC or BEIR TSV).

Readers raise `FormatError` naming the file and line; they never guess at a broken line.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TextIO

from search.errors import FormatError


@dataclass(frozen=True)
class Query:
    """One query of a batch: its id and its natural-language text."""

    qid: str
    text: str


@dataclass(frozen=True)
class RunLine:
    """One line of a TREC run: ``qid Q0 docid rank score tag``."""

    qid: str
    docid: str
    rank: int
    score: float
    tag: str

    def format(self) -> str:
        """The line; a document id with control characters (a file name) has them escaped, so
        the line stays one line and prints safely."""
        from indexer.core.text import escape_controls

        return f"{self.qid} Q0 {escape_controls(self.docid)} {self.rank} {self.score:.6f} {self.tag}"


@dataclass(frozen=True)
class Judgment:
    """One relevance judgment: document ``docid`` has grade ``relevance`` for query ``qid``."""

    qid: str
    docid: str
    relevance: int


def _lines(path: str | os.PathLike[str]) -> Iterator[tuple[int, str]]:
    try:
        with open(path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if line.strip():
                    yield number, line.rstrip("\n")
    except OSError as exc:
        raise FormatError(f"{os.fspath(path)}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise FormatError(f"{os.fspath(path)}: not UTF-8 text") from None


def read_queries(path: str | os.PathLike[str]) -> list[Query]:
    """Queries from ``qid<TAB>text`` lines, or from BEIR's ``queries.jsonl`` (``_id``, ``text``)."""
    name = os.fspath(path)
    queries: list[Query] = []
    for number, line in _lines(path):
        if line.lstrip().startswith("{"):
            try:
                record = json.loads(line)
                qid, text = str(record["_id"]), str(record["text"])
            except (ValueError, KeyError, TypeError):
                raise FormatError(f"{name}, line {number}: not a BEIR query object with _id and text") from None
        else:
            qid, tab, text = line.partition("\t")
            if not tab or not qid.strip():
                raise FormatError(f"{name}, line {number}: expected 'qid<TAB>text'")
        queries.append(Query(qid.strip(), text.strip()))
    if not queries:
        raise FormatError(f"{name}: no queries")
    return queries


def write_run(lines: Iterable[RunLine], out: TextIO) -> int:
    """Write run lines in TREC format; returns how many were written."""
    count = 0
    for line in lines:
        out.write(line.format() + "\n")
        count += 1
    return count


def read_run(path: str | os.PathLike[str]) -> list[RunLine]:
    """A TREC run file (six columns); ids may not contain spaces."""
    name = os.fspath(path)
    found: list[RunLine] = []
    for number, line in _lines(path):
        parts = line.split()
        try:
            qid, _, docid, rank, score, tag = parts
            found.append(RunLine(qid, docid, int(rank), float(score), tag))
        except ValueError:
            raise FormatError(f"{name}, line {number}: expected 'qid Q0 docid rank score tag'") from None
    return found


def read_qrels(path: str | os.PathLike[str]) -> list[Judgment]:
    """Qrels in TREC format (``qid 0 docid rel``) or BEIR TSV (``query-id corpus-id score``, with header)."""
    name = os.fspath(path)
    found: list[Judgment] = []
    for number, line in _lines(path):
        parts = line.split("\t") if "\t" in line else line.split()
        if number == 1 and parts[:2] == ["query-id", "corpus-id"]:
            continue  # BEIR's header
        try:
            if len(parts) == 4:
                qid, _, docid, rel = parts
            elif len(parts) == 3:
                qid, docid, rel = parts
            else:
                raise ValueError
            found.append(Judgment(qid.strip(), docid.strip(), int(float(rel))))
        except ValueError:
            raise FormatError(
                f"{name}, line {number}: expected 'qid 0 docid relevance' or 'qid<TAB>docid<TAB>score'"
            ) from None
    if not found:
        raise FormatError(f"{name}: no judgments")
    return found


def safe_docid(docid: str) -> str:
    """A document id as a run file can hold it: TREC columns are split on whitespace."""
    return "_".join(docid.split()) or "_"


__all__ = ["Query", "RunLine", "Judgment", "read_queries", "write_run", "read_run", "read_qrels", "safe_docid"]
