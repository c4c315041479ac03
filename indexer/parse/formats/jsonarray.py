"""JSON files holding an array of article objects (``[{…}, …]``), or an object with one such array
(``{"status": "ok", "articles": [{…}, …]}``, as news APIs answer), or a single article object."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from typing import Any

from indexer.core.document import Document
from indexer.core.text import decode, normalise
from indexer.parse.formats._format import Format, LineError
from indexer.parse.formats.tables import Columns, Records, Values, fill, not_used, record_id, record_ids, values_of


def _records(value: Any, columns: Columns) -> tuple[list[Any], bool]:
    """The records of a parsed JSON file, and whether the file is one article (its id is the file's).

    An object is an article when one of its keys names a title or text (``title``, ``headline``,
    ``body``, ``text`` …); otherwise its one key that holds an array of objects holds the articles.
    """
    if isinstance(value, list):
        return value, False
    if not isinstance(value, dict):
        raise ValueError(f"a JSON {_kind(value)}, not an array of objects")
    if any((columns.resolve(str(k)) or ("", 0))[0] in ("title", "body") for k in value):
        return [value], True
    arrays = [k for k, v in value.items() if isinstance(v, list) and v and all(isinstance(i, dict) for i in v)]
    if len(arrays) == 1:
        return value[arrays[0]], False
    if arrays:
        raise ValueError(f"a JSON object with {len(arrays)} arrays of objects ({', '.join(arrays[:5])}), not one")
    raise ValueError("a JSON object with neither a title or text key nor an array of objects")


def _kind(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def read_json(data: bytes, doc_id: str, field_map: Mapping[str, str] | None = None) -> Iterator[Document | LineError]:
    """Yield a `Document` for each object of the file's array and a `LineError` (``item <n>``, 1-based)
    for each element that is not an article. An item's id is ``<doc_id>#<n>`` unless every item has
    its own, distinct id; a file that is one article object is the document ``doc_id``.
    Raises `ValueError` for a file that is not JSON or holds no array of objects.
    """
    raw, warning = decode(data)
    try:
        value = json.loads(normalise(raw))
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg}, line {exc.lineno} column {exc.colno})") from None
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits)
        raise ValueError(f"a number with more than {sys.get_int_max_str_digits()} digits") from None
    columns = Columns(field_map)
    items, single = _records(value, columns)
    records = Records("item")
    parsed: list[tuple[int, Values]] = []
    bad: dict[int, LineError] = {}
    unused: dict[str, None] = {}  # in order of first use
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            bad[n] = LineError(n, f"a JSON {_kind(item)}, not an object", unit="item")
            continue
        pairs = []
        for key, val in item.items():
            target = columns.resolve(str(key))
            if target is None:
                unused[str(key)] = None
                continue
            pairs.append((str(key), val, target[0], target[1]))
        parsed.append((n, values_of(pairs)))
    own_ids, id_warning = record_ids(parsed, "item", "the items' ids are")
    notes = [warning] if warning else []
    notes += [id_warning] if id_warning and not single else []
    notes += [not_used(list(unused), "keys")] if unused else []
    done = 0
    for n, values in parsed:
        for m in range(done + 1, n):
            if m in bad:
                yield bad[m]
        done = n
        own = record_id(values) if own_ids else None
        doc = Document(id=own or (doc_id if single else f"{doc_id}#{n}"), format="json")
        doc.warnings.extend(notes)
        result = fill(doc, values, records, n)
        if isinstance(result, Document):
            notes = []  # said once per file, on its first document
        yield result
    yield from (e for m, e in sorted(bad.items()) if m > done)


FORMAT = Format("json", (".json",), read_bytes=read_json, many=True, empty="no JSON objects", decodes_entities=True)
