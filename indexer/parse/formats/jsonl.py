"""JSON Lines files: one document per line, dateline's field names or BEIR's keys."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping

from indexer.core.document import Document
from indexer.parse.formats._format import Format, LineError
from indexer.parse.formats.mapping import RecordError, apply_record
from indexer.parse.story import apply_story


def parse_jsonl(
    text: str, default_id: str, field_map: Mapping[str, str] | None = None
) -> Iterator[Document | LineError]:
    """Yield a `Document` for each good line and a `LineError` for each bad one.

    A line without an id gets ``<default_id>#<line number>``; a ``body`` is split like any story
    text, so a wire dateline inside it is still recognised.
    """
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield LineError(number, f"not valid JSON ({exc.msg}, column {exc.colno})")
            continue
        except RecursionError:
            yield LineError(number, "JSON nested too deeply")
            continue
        except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits)
            yield LineError(number, f"a number with more than {sys.get_int_max_str_digits()} digits")
            continue
        if not isinstance(record, dict):
            yield LineError(number, f"a JSON {type(record).__name__}, not an object")
            continue
        doc = Document(id=f"{default_id}#{number}", format="jsonl")
        try:
            unused = apply_record(doc, record, field_map)
        except RecordError as exc:
            yield LineError(number, str(exc))
            continue
        if not doc.id.strip():
            yield LineError(number, "empty id")
            continue
        if unused:
            doc.warnings.append(f"line {number}: keys not used: " + ", ".join(unused))
        yield apply_story(doc, doc.body)


FORMAT = Format("jsonl", (".jsonl", ".ndjson"), parse_jsonl, many=True, empty="no JSON lines")
