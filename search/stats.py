"""What an index holds, in numbers: counts, date range, top issuers and wires, size."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from indexer.core.store import disk_size
from indexer.engine.patches import install as install_patches

TOP = 10


@dataclass(frozen=True)
class Stats:
    """A summary of one index."""

    path: str
    documents: int
    first_date: date | None
    last_date: date | None
    issuers: list[tuple[str, int]] = field(default_factory=list)
    wires: list[tuple[str, int]] = field(default_factory=list)
    formats: list[tuple[str, int]] = field(default_factory=list)
    #: Documents per analysis language: ``en``, ``de``, and ``xx`` for any other or unknown.
    languages: list[tuple[str, int]] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    size_bytes: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "documents": self.documents,
            "first_date": self.first_date.isoformat() if self.first_date else None,
            "last_date": self.last_date.isoformat() if self.last_date else None,
            "issuers": [{"issuer": k, "count": n} for k, n in self.issuers],
            "wires": [{"wire": k, "count": n} for k, n in self.wires],
            "formats": [{"format": k, "count": n} for k, n in self.formats],
            "languages": [{"language": k, "count": n} for k, n in self.languages],
            "fields": self.fields,
            "size_bytes": self.size_bytes,
        }


def compute_stats(reader: Any, path: Path, schema: Any, top: int | None = TOP) -> Stats:
    """Read the columns of every live document once; stored fields are not loaded. ``top``
    issuers and wires are listed (None: all)."""
    issuers: Counter[str] = Counter()
    wires: Counter[str] = Counter()
    formats: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    dates: list[datetime] = []
    install_patches()  # multi-segment column reads (`patches._multi_column_reader`)
    if reader.doc_count():
        issuer_col = reader.column_reader("issuer_key")
        wire_col = reader.column_reader("wire_key")
        date_col = reader.column_reader("date")
        lang_col = reader.column_reader("lang")
        # `format` is not a column; term document counts include deleted documents until a
        # merge, so count live postings.
        for docnum in reader.all_doc_ids():
            if issuer := issuer_col[docnum]:
                issuers[issuer] += 1
            if wire := wire_col[docnum]:
                wires[wire] += 1
            languages[lang_col[docnum]] += 1
            try:
                when = date_col[docnum]
            except (OverflowError, ValueError):
                continue  # no date: the column holds an out-of-range default
            if isinstance(when, datetime):
                dates.append(when)
        for term in reader.lexicon("format"):
            name = term.decode() if isinstance(term, bytes) else term
            live = sum(1 for d in reader.postings("format", term).all_ids() if not reader.is_deleted(d))
            if live:
                formats[name] = live
    stored = [name for name in schema.names() if schema[name].stored]
    return Stats(
        path=str(path),
        documents=reader.doc_count(),
        first_date=min(dates).date() if dates else None,
        last_date=max(dates).date() if dates else None,
        issuers=_ranked(issuers, top),
        wires=_ranked(wires, top),
        formats=sorted(formats.items(), key=lambda kv: (-kv[1], kv[0])),
        languages=sorted(languages.items(), key=lambda kv: (-kv[1], kv[0])),
        fields=stored,
        size_bytes=disk_size(path),
    )


def _ranked(counts: Counter[str], top: int | None) -> list[tuple[str, int]]:
    """The ``top`` most frequent values (None: all), ties by value: the same order however counted."""
    pairs = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return pairs if top is None else pairs[:top]


def merge_stats(parts: list[Stats], path: str, top: int | None = TOP) -> Stats:
    """One summary of several indexes (a cluster's shards, each listing every issuer and wire):
    counts added, dates spanned, the ``top`` issuers and wires kept."""

    def added(lists: list[list[tuple[str, int]]], limit: int | None) -> list[tuple[str, int]]:
        total: Counter[str] = Counter()
        for pairs in lists:
            total.update(dict(pairs))
        return _ranked(total, limit)

    firsts = [p.first_date for p in parts if p.first_date]
    lasts = [p.last_date for p in parts if p.last_date]
    return Stats(
        path=path,
        documents=sum(p.documents for p in parts),
        first_date=min(firsts) if firsts else None,
        last_date=max(lasts) if lasts else None,
        issuers=added([p.issuers for p in parts], top),
        wires=added([p.wires for p in parts], top),
        formats=added([p.formats for p in parts], None),
        languages=added([p.languages for p in parts], None),
        fields=parts[0].fields if parts else [],
        size_bytes=sum(p.size_bytes for p in parts),
    )
