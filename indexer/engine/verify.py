"""Reading every byte an index's last commit refers to, to find damaged files.

Whoosh stores no checksums, so a segment is verified by reading all of it and checking what
the parts say about each other: terms in order, each term's postings as many as its term info
counts, in increasing order and below the segment's document count, every block's length and
last id as its header says; every document's stored fields, id, source and stamp columns and
field lengths. A file that is missing, cut short or overwritten fails one of these; a change
that still decodes to self-consistent values cannot be told from the truth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from indexer.engine.storage import closes_on_error

#: Column files every non-empty segment has (every document has an id, a source and a stamp).
_REQUIRED_COLUMNS = ("id", "source", "stamp")


@dataclass(frozen=True)
class Damage:
    """A file of the index that cannot be read (``file`` is its name in the index folder)."""

    file: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.reason}"


class _Damaged(Exception):
    """Raised inside the checks of one segment: names the file and says what is wrong."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(reason)
        self.damage = Damage(file, reason)


def read_toc(storage: Any, generation: int, indexname: str = "MAIN") -> tuple[Any | None, Damage | None]:
    """The TOC (schema and segment list) of commit ``generation``, or the damage that prevents
    reading it (``generation`` -1: no TOC at all)."""
    from whoosh.index import TOC

    if generation < 0:
        return None, Damage(f"_{indexname}_*.toc", "missing")
    name = TOC._filename(indexname, generation)
    try:
        with closes_on_error(storage):  # TOC.read leaves the file open when it cannot decode it
            return TOC.read(storage, indexname, generation), None
    except Exception as exc:  # any failure to decode the file is damage to report
        return None, Damage(name, _reason(exc))


def verify_segments(storage: Any, toc: Any) -> list[Damage]:
    """Read every segment the TOC lists in full; one `Damage` per segment that fails."""
    return [d for segment in toc.segments if (d := verify_segment(storage, toc.schema, segment)) is not None]


def verify_segment(storage: Any, schema: Any, segment: Any) -> Damage | None:
    """Read one segment in full: None when all of it reads and agrees, else the first damage."""
    from whoosh.reading import SegmentReader

    base = segment.make_filename("")
    try:
        _require_files(storage, segment)
        try:
            with closes_on_error(storage):  # a reader that fails half-way leaves files open
                reader = SegmentReader(storage, schema, segment)
        except Exception as exc:
            raise _Damaged(_file_of(exc, base + ".trm"), _reason(exc)) from None
        try:
            lengths = _check_documents(reader, schema, segment, base)
            _check_postings(reader, segment, base, lengths)
        finally:
            reader.close()
    except _Damaged as exc:
        return exc.damage
    return None


def _require_files(storage: Any, segment: Any) -> None:
    if segment.doc_count_all() == 0:
        return
    for suffix in (".trm", ".pst", "._stored.col", *(f".{c}.col" for c in _REQUIRED_COLUMNS)):
        name = segment.make_filename(suffix)
        if not storage.file_exists(name):
            raise _Damaged(name, "missing")


def _check_postings(reader: Any, segment: Any, base: str, lengths: dict[str, list[int]]) -> None:
    """Every term in order, and all of its postings, block by block; each document's length in
    a field lies within the bounds its postings blocks give."""
    trm, pst = base + ".trm", base + ".pst"
    limit = segment.doc_count_all()
    previous = None
    try:
        items = list(reader._terms.items())  # (fieldname, bytes), term info: one pass over the file
    except Exception as exc:
        raise _Damaged(trm, _reason(exc)) from None
    items.sort(key=lambda item: item[0])
    for (fieldname, tbytes), info in items:
        if (fieldname, tbytes) == previous:
            raise _Damaged(trm, f"term {fieldname}:{tbytes!r} appears twice")
        previous = fieldname, tbytes
        if fieldname not in reader.schema:
            raise _Damaged(trm, f"term of an unknown field {fieldname!r}")
        try:
            ids, weight = _read_postings(reader, fieldname, tbytes, info, lengths.get(fieldname))
        except _Damaged:
            raise
        except Exception as exc:
            raise _Damaged(pst, f"postings of {fieldname}:{tbytes!r}: {_reason(exc)}") from None
        where = f"postings of {fieldname}:{tbytes!r}"
        if len(ids) != info.doc_frequency():
            raise _Damaged(pst, f"{where}: {len(ids)} documents, the term info says {info.doc_frequency()}")
        if any(b <= a for a, b in pairwise(ids)) or (ids and (ids[0] < 0 or ids[-1] >= limit)):
            raise _Damaged(pst, f"{where}: document numbers out of order or range")
        if not math.isclose(weight, info.weight(), rel_tol=1e-4, abs_tol=1e-4):
            raise _Damaged(pst, f"{where}: weights add up to {weight:g}, the term info says {info.weight():g}")


def _read_postings(
    reader: Any, fieldname: str, tbytes: bytes, info: Any, lengths: list[int] | None
) -> tuple[list[int], float]:
    """A term's document numbers and total weight, reading every block's ids, weights and values;
    ``lengths`` (the field's, per document) must lie within each block's length bounds."""
    # Straight from the term info already read (a second lookup per term doubled the time), and
    # not `reader.postings`, which would hide deleted documents' postings.
    terms = reader._terms
    matcher = terms._codec.postings_reader(
        terms._postfile, info, reader.schema[fieldname].format, term=(fieldname, tbytes)
    )
    if not hasattr(matcher, "_read_ids"):  # postings inlined in the term info
        ids, weight = [], 0.0
        while matcher.is_active():
            ids.append(matcher.id())
            weight += matcher.weight()
            matcher.value()
            matcher.next()
        return ids, weight
    ids, weight = [], 0.0
    while not matcher._atend:
        matcher._read_ids()
        matcher._read_weights()
        matcher._read_values()
        block = list(matcher._ids)
        if len(block) != matcher._blocklength or (block and block[-1] != matcher._maxid):
            raise ValueError("a block's length or last document differs from its header")
        if (
            lengths is not None
            and block
            and not all(matcher._minlength <= lengths[d] <= matcher._maxlength for d in block if d < len(lengths))
        ):
            raise _Damaged(
                reader.segment().make_filename(f"._{fieldname}_len.col"),
                f"lengths of {fieldname} differ from those its postings give",
            )
        ids.extend(block)
        weight += float(sum(matcher._weights))
        matcher._next_block()
    return ids, weight


def _disagreeing(reader: Any, name: str, docnum: int, value: str, stored_file: str, base: str) -> _Damaged:
    """The damage when a document's stored ``name`` and its column differ: the stored fields'
    when the column agrees with the index's terms for that field (two of three agree), else
    the column's."""
    try:
        column_agrees = docnum in reader.postings(name, value).all_ids()
    except Exception:  # no such term, or the terms are damaged too
        column_agrees = False
    if column_agrees:
        return _Damaged(stored_file, f"document {docnum}: the stored {name} differs from the {name} column and terms")
    return _Damaged(f"{base}.{name}.col", f"document {docnum}: the {name} column differs from the stored {name}")


def _check_documents(reader: Any, schema: Any, segment: Any, base: str) -> dict[str, list[int]]:
    """Every document's stored fields, its columns (id, source and stamp required; the date
    column agreeing with the stored date), and its field lengths, which are returned."""
    count = segment.doc_count_all()
    stored_file = base + "._stored.col"
    columns = {}
    for name in _REQUIRED_COLUMNS:
        try:
            columns[name] = list(reader.column_reader(name))
        except Exception as exc:
            raise _Damaged(f"{base}.{name}.col", _reason(exc)) from None
        if len(columns[name]) != count:
            raise _Damaged(f"{base}.{name}.col", f"{len(columns[name])} values for {count} documents")
    for name, field in schema.items():
        if name in columns or not field.column_type or not reader.has_column(name):
            continue
        try:
            columns[name] = list(reader.column_reader(name, translate=False))
        except Exception as exc:
            raise _Damaged(f"{base}.{name}.col", _reason(exc)) from None
    date_field = schema["date"] if "date" in columns else None
    for docnum in range(count):
        try:
            stored = reader.stored_fields(docnum)
        except Exception as exc:
            raise _Damaged(stored_file, f"document {docnum}: {_reason(exc)}") from None
        if not isinstance(stored, dict):
            raise _Damaged(stored_file, f"document {docnum}: its stored fields are not a document's")
        for name in ("id", "source"):
            if stored.get(name) != columns[name][docnum]:
                raise _disagreeing(reader, name, docnum, columns[name][docnum], stored_file, base)
        if not columns["stamp"][docnum]:
            raise _Damaged(f"{base}.stamp.col", f"document {docnum}: no stamp")
        if date_field is None and stored.get("date") is not None:
            raise _Damaged(f"{base}.date.col", "missing")
        if date_field is not None and stored.get("date") is not None:
            if date_field.to_column_value(stored["date"]) != columns["date"][docnum]:
                raise _Damaged(f"{base}.date.col", f"document {docnum}: the date column differs from the stored date")
    lengths: dict[str, list[int]] = {}
    for fieldname, field in schema.items():
        if not field.scorable:
            continue
        name = f"{base}._{fieldname}_len.col"
        try:
            lengths[fieldname] = [reader.doc_field_length(d, fieldname) or 0 for d in range(count)]
            total = reader.field_length(fieldname)
        except Exception as exc:
            raise _Damaged(name, _reason(exc)) from None
        if any(n < 0 for n in lengths[fieldname]) or (total and not any(lengths[fieldname])):
            raise _Damaged(name, "field lengths missing or negative")
    return lengths


def _file_of(exc: BaseException, default: str) -> str:
    filename = getattr(exc, "filename", None)
    return str(filename).rsplit("/", 1)[-1] if filename else default


def _reason(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "missing"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
