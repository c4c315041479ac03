"""CSV and TSV files: one document per row, named by a header row (or by ``--map 1=FIELD`` positions).

The records-to-fields machinery here (column names matched case-insensitively, news-dataset aliases,
dates with and without a time, ids kept only when unique) is shared with `indexer.parse.formats.jsonarray`.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from indexer.core.document import DOCUMENT_FIELDS, Document
from indexer.core.text import decode, decode_entities, normalise, squash
from indexer.parse.dates import BERLIN, parse_feed_datetime
from indexer.parse.formats._format import Format, LineError
from indexer.parse.formats.html import html_text
from indexer.parse.formats.mapping import ALIASES, RecordError, apply_record
from indexer.parse.story import apply_story

#: Column (and JSON key) names that news datasets, scrapers and CMS exports use, mapped to dateline's
#: fields; looked up after the user's ``--map`` and before the field names themselves (a ``headline``
#: column is the title, not `Document.headline`). Names are compared as `key_name` writes them:
#: ``Publish Date``, ``publishedAt`` and ``publish_date`` are one name.
# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 60 lines, not 16.
COLUMN_ALIASES: dict[str, str] = {
    "headline": "title", "heading": "title", "r_title": "title", "titel": "title", "ueberschrift": "title",
    "überschrift": "title",
    "article": "body", "article_text": "body", "full_text": "body", "story": "body", "r_text": "body",
    "date": "date", "pub_date": "date", "pubdate": "date", "r_date": "date", "datum": "date",
    "published": "published", "publish_date": "published", "published_date": "published",
    "published_at": "published", "publication_date": "published", "date_published": "published",
    "datetime": "published", "created_at": "published",
    "url": "url", "article_url": "url", "r_link": "url",
    "authors": "author", "writer": "author", "autor": "author", "autoren": "author",
    "source": "issuer", "publisher": "issuer", "source_name": "issuer", "company": "issuer",
    "r_comp_name": "issuer", "unternehmen": "issuer",
    "category": "keywords", "section": "keywords", "topic": "keywords", "topics": "keywords",
    "keyword": "keywords", "kategorie": "keywords", "ressort": "keywords", "rubrik": "keywords",
    "lead": "description", "teaser": "description", "abstract": "description", "subtitle": "description",
    "subheadline": "description", "dek": "description",
    "r_type": "label", "sprache": "language",
}  # fmt: skip

#: Fields a value fills on one line: runs of white space in them become one space.
_ONE_LINE = ("id", "title", "headline", "issuer", "label", "place", "city", "region", "country", "wire", "url",
             "author", "language", "dateline")  # fmt: skip
#: Language names data sets write instead of a code.
_LANGUAGE_NAMES = {"english": "en", "englisch": "en", "german": "de", "deutsch": "de"}
#: A tag that only HTML text holds: a body with one is rendered to text as an HTML page is.
_HTML_TAG = re.compile(r"<(?:p|br|div|span|a|b|i|em|strong|ul|ol|li|h[1-6]|blockquote|figure|img|table)\b[^<>]*>", re.I)
#: A list written into one cell as Python or JSON writes it: ``['Ann Lee', 'Bo Ek']``.
_LISTED = re.compile(r"""\[\s*(?:(?:'[^']*'|"[^"]*")\s*(?:,\s*(?:'[^']*'|"[^"]*")\s*)*)?\]""")
_LISTED_ITEM = re.compile(r"""'([^']*)'|"([^"]*)\"""")

#: Delimiters and quote characters a ``.csv`` file is tried with; the first wins a tie.
DELIMITERS = (",", ";", "\t", "|")
QUOTES = ('"', "'")
#: How much of the file the dialect is guessed from.
SNIFF_CHARS = 64 * 1024
#: Largest field size limit `csv` takes on every platform (a C long).
_FIELD_LIMIT_MAX = 2**31 - 1


def key_name(name: str) -> str:
    """A column or key name as looked up: ``Publish Date``, ``publishedAt``, ``publish-date`` → ``publish_date``."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.strip())
    return re.sub(r"[\s.\-]+", "_", name.casefold())


class Columns:
    """Which field each column (CSV) or key (JSON) of a file fills: the user's ``--map`` (by name, or by
    1-based position), then `COLUMN_ALIASES`, then dateline's field names, then `mapping.ALIASES`."""

    def __init__(self, field_map: Mapping[str, str] | None) -> None:
        self.exact = dict(field_map or {})
        self.named = {key_name(k): v for k, v in self.exact.items()}

    def resolve(self, name: str, position: int | None = None) -> tuple[str, int] | None:
        """The field ``name`` fills and its rank (0 ``--map``, 1 a field's own name, 2 an alias), or ``None``."""
        if name in self.exact:
            return self.exact[name], 0
        key = key_name(name)
        if key in self.named:
            return self.named[key], 0
        if position is not None and str(position) in self.exact:
            return self.exact[str(position)], 0
        target = COLUMN_ALIASES.get(key)
        if target is not None:
            return target, 1 if target == key else 2
        if key in DOCUMENT_FIELDS:
            return key, 1
        target = ALIASES.get(key)
        return (target, 2) if target in DOCUMENT_FIELDS else None

    def positional(self) -> bool:
        """The ``--map`` names columns by position only (``--map 1=label --map 2=body``)."""
        return bool(self.exact) and all(k.isdigit() and int(k) > 0 for k in self.exact)


#: A record as the fields it fills: for each field, the (column name, value) pairs in precedence order.
Values = dict[str, list[tuple[str, Any]]]


@dataclass
class Records:
    """Per-file state of reading records: warnings given once per file, not once per record."""

    unit: str
    warned: set[str] = field(default_factory=set)

    def warn_once(self, doc: Document, key: str, message: str) -> None:
        """Add ``message`` to ``doc`` unless a warning of this ``key`` (a column, a kind) was given already."""
        if key not in self.warned:
            self.warned.add(key)
            doc.warnings.append(message)


def record_ids(records: Sequence[tuple[int, Values]], unit: str, what: str) -> tuple[bool, str | None]:
    """Whether the records' own ids are used (each record has one, and none repeats), and a warning if not.

    A CMS export's ``id`` column that says ``1`` for several rows would make them replace each other in
    the index; then every record gets ``<file>#<n>`` instead.
    """
    ids = [(n, record_id(v)) for n, v in records]
    if not any(i for _, i in ids):
        return False, None
    empty = [n for n, i in ids if not i]
    repeated = [i for i, c in Counter(i for _, i in ids if i).items() if c > 1]
    if not empty and not repeated:
        return True, None
    why = f"empty in {len(empty)} (first at {unit} {empty[0]})" if empty else f"{repeated[0]!r} repeated"
    return False, f"{what} not used as ids ({why}); each {unit.split()[0]} is <file>#<{unit}>"


def record_id(values: Values) -> str:
    """The id a record gives itself (text or a whole number, on one line), or ``""``."""
    value = values["id"][0][1] if values.get("id") else None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return ""
    return re.sub(r"\s+", " ", str(value)).strip()


def not_used(names: Sequence[str], what: str) -> str:
    """The warning naming the columns or keys no field takes, at most 20 of them."""
    shown = ", ".join(name or "(unnamed)" for name in names[:20])
    return f"{what} not used: {shown}" + (f" … ({len(names)} in all)" if len(names) > 20 else "")


def fill(doc: Document, values: Values, records: Records, n: int) -> Document | LineError:
    """Set ``doc``'s fields from ``values`` (ids aside), then split its story; a `LineError` for a value of
    a type its field cannot take, or a record with neither title nor text."""
    try:
        for name, candidates in values.items():
            if name in ("id", "date", "published") or not candidates:
                continue
            if name == "keywords":
                for key, value in candidates:
                    apply_record(doc, {key: _listed(value)}, {key: name})
                continue
            key, value = candidates[0]
            if name == "author":
                value = _listed(value)
                if isinstance(value, list) and all(isinstance(v, str) for v in value):
                    value = ", ".join(v.strip() for v in value if v.strip())
            apply_record(doc, {key: value}, {key: name})
    except RecordError as exc:
        return LineError(n, str(exc), unit=records.unit)
    _set_times(doc, values, records, n)
    html = bool(_HTML_TAG.search(doc.body))
    if html:
        doc.body = html_text(doc.body)[0]
    for name in DOCUMENT_FIELDS:
        value = getattr(doc, name)
        if isinstance(value, str) and name != "id":
            value = value if name == "body" and html else decode_entities(value)
            value = re.sub(r"\s+", " ", value).strip() if name in _ONE_LINE else squash(value)
            setattr(doc, name, value if name == "body" else (value or None))
        elif name == "keywords" and value:
            doc.keywords = [decode_entities(k) for k in value]
    if doc.language is not None:
        code = _language(doc.language)
        if code is None:
            records.warn_once(doc, "language", f"{records.unit} {n}: language {doc.language!r} is not a language code")
        doc.language = code
    if not html and "\n\n" not in doc.body:
        doc.body = doc.body.replace("\n", "\n\n")  # a scraper's paragraphs, one a line
    if not doc.title and not doc.body:
        return LineError(n, "no title and no text", unit=records.unit)
    return apply_story(doc, doc.body)


def _set_times(doc: Document, values: Values, records: Records, n: int) -> None:
    """``date`` and ``published`` from the first value of their columns that is a date: a date column
    with a time of day gives ``published`` too, a published column without one gives only ``date``."""
    timed: datetime | None = None
    for name in ("date", "published"):
        for key, value in values.get(name, []):
            when = _when(value)
            if when is None:
                records.warn_once(
                    doc, f"date:{key}", f"{records.unit} {n}: {key!r} is not a date: {_short(value)} (said once)"
                )
                continue
            if isinstance(when, datetime) and name == "published":
                doc.published = when
                doc.date = doc.date or when.date()
            elif isinstance(when, datetime):
                timed, doc.date = when, when.date()
            else:
                doc.date = doc.date or when
            break
    doc.published = doc.published or timed


def _when(value: Any) -> datetime | date | None:
    if not isinstance(value, str):
        return None
    when, _ = parse_feed_datetime(re.sub(r"\s+", " ", value), naive=BERLIN)
    return when


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _listed(value: Any) -> Any:
    """A cell holding a list as Python or JSON prints one (``['A', 'B']``) as that list; a list of
    ``{"name": …}`` objects (JSON authors) as their names; anything else as it is."""
    if isinstance(value, str) and _LISTED.fullmatch(value.strip()):
        return [a or b for a, b in _LISTED_ITEM.findall(value)]
    if isinstance(value, list):
        return [_named(v) for v in value]
    return value


def _named(value: Any) -> Any:
    """A JSON object that names something (``{"id": null, "name": "BBC News"}``) as its name."""
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return value["name"]
    return value


def _language(value: str) -> str | None:
    """``en`` for ``en``, ``en-US``, ``English``, ``Englisch``; ``None`` for what is no language code."""
    text = value.strip().casefold()
    if text in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[text]
    m = re.fullmatch(r"([a-z]{2})(?:[-_][a-z0-9]{2,8})*", text)
    return m[1] if m else None


def values_of(pairs: Sequence[tuple[str, Any, str, int]]) -> Values:
    """(name, value, field, rank) pairs as `Values`: empty values dropped, best rank first, then file order."""
    out: Values = {}
    for name, value, target, _ in sorted(pairs, key=lambda p: p[3]):
        if value is None or (isinstance(value, str) and not value.strip()) or value == []:
            continue
        out.setdefault(target, []).append((name, _named(value)))
    return out


def _dialect(text: str, tsv: bool) -> tuple[str, str | None]:
    """The delimiter and quote character under which the first `SNIFF_CHARS` of ``text`` parse into rows
    of one length most often (the consistency measure of CleverCSV, van den Burg et al. 2019).
    `csv.Sniffer` fails on 10kGNAD's ``label;'text'`` and guesses ``doublequote=False`` for files with
    ``""`` escapes; this tries each candidate instead. A TSV is tab-separated, quoted or not."""
    sample = text[:SNIFF_CHARS]
    whole = len(text) <= SNIFF_CHARS
    candidates = [("\t", q) for q in ('"', None)] if tsv else [(d, q) for d in DELIMITERS for q in QUOTES]
    best, best_score = candidates[0], 0.0
    for delimiter, quote in candidates:
        kwargs: dict[str, Any] = {"quotechar": quote} if quote else {"quoting": csv.QUOTE_NONE}
        try:
            rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, **kwargs) if r]
        except csv.Error:
            continue
        if not whole and len(rows) > 1:
            rows.pop()  # cut by the sample
        if not rows:
            continue
        width, count = Counter(len(r) for r in rows).most_common(1)[0]
        score = count / len(rows) if width > 1 else 0.0
        if score > best_score:
            best, best_score = (delimiter, quote), score
    return best


def read_table(data: bytes, doc_id: str, field_map: Mapping[str, str] | None = None) -> Iterator[Document | LineError]:
    """Yield a `Document` for each row of a CSV or TSV file and a `LineError` for each bad one.

    The first row names the columns; a file without one is read when ``--map`` names columns by
    position (``--map 1=label --map 2=body``). A row is known by the line it starts on: its id is
    ``<doc_id>#<line>`` unless an id column gives every row a distinct id. Raises `ValueError` when
    no column names a field.
    """
    raw, warning = decode(data)
    text = normalise(raw)
    tsv = re.search(r"\.tsv(?:\.\w+)?$", doc_id.lower()) is not None  # x.tsv, or x.tsv.gz read through compressed
    delimiter, quote = _dialect(text, tsv)
    csv.field_size_limit(min(max(csv.field_size_limit(), len(text) + 1), _FIELD_LIMIT_MAX))
    kwargs: dict[str, Any] = {"quotechar": quote} if quote else {"quoting": csv.QUOTE_NONE}
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, **kwargs)
    columns = Columns(field_map)
    records = Records("line")
    rows: list[tuple[int, list[str]]] = []
    errors: list[LineError] = []
    line = 0
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # pragma: no cover - the non-strict reader raises only past the field limit
            errors.append(LineError(start, f"not CSV ({exc})"))
            line = reader.line_num
            continue
        line = reader.line_num
        if row and any(cell.strip() for cell in row):
            rows.append((start, row))
    if not rows:
        return
    header = [cell.strip() for cell in rows[0][1]]
    targets = [columns.resolve(name, i + 1) for i, name in enumerate(header)]
    if not any(columns.resolve(name) for name in header):
        if not columns.positional():
            raise ValueError(
                f"no column names a dateline field (title, body, date …) in the first row ({_short(rows[0][1])});"
                " name them with --map COLUMN=FIELD, or --map 1=FIELD for a file without a header row"
            )
        header = [str(i + 1) for i in range(len(rows[0][1]))]
        targets = [columns.resolve(name, i + 1) for i, name in enumerate(header)]
        if not any(targets):
            raise ValueError(f"--map names no column of the {len(header)} in the first row")
    else:
        rows = rows[1:]
    plan = [(i, header[i], t[0], t[1]) for i, t in enumerate(targets) if t is not None]
    unused = [name for name, t in zip(header, targets, strict=True) if t is None]
    parsed: list[tuple[int, Values]] = []
    for start, row in rows:
        if len(row) != len(header):
            errors.append(LineError(start, f"{len(row)} fields where the header has {len(header)}"))
            continue
        parsed.append((start, values_of([(name, row[i], t, r) for i, name, t, r in plan])))
    own_ids, id_warning = record_ids(parsed, "line", "the id column's values are")
    notes = [warning] if warning else []
    notes += [id_warning] if id_warning else []
    notes += [not_used(unused, "columns")] if unused else []
    pending = sorted(errors, key=lambda e: int(e.line))
    for start, values in parsed:
        while pending and int(pending[0].line) < start:
            yield pending.pop(0)
        doc = Document(id=record_id(values) if own_ids else f"{doc_id}#{start}", format="csv")
        doc.warnings.extend(notes)
        item = fill(doc, values, records, start)
        if isinstance(item, Document):
            notes = []  # said once per file, on its first document
        yield item
    yield from pending


#: ``decodes_entities``: `fill` decodes each field's entities once, and HTML bodies are rendered.
FORMAT = Format("csv", (".csv", ".tsv"), read_bytes=read_table, many=True, empty="no rows", decodes_entities=True)
