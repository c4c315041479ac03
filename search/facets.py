"""Facets: how the documents matching a query divide by issuer, wire, place, year …, and
filters that narrow a search to some of those values.

Each facet field is read once per searcher into an array of value codes, one per document
(`FacetColumns`), from the exact values the indexer keeps in columns (``issuer_key`` …), the
``language`` terms and the ``date`` column. Counting the matching documents of a query is then
one ``numpy.bincount`` over their codes, whatever the number of hits, as Elasticsearch's terms
aggregations count every match, not only the page shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from search.errors import QueryError
from search.results import FacetCount

#: The facet fields, in the order they are listed in help and errors.
FACETS: tuple[str, ...] = (
    "issuer",
    "wire",
    "place",
    "region",
    "country",
    "language",
    "year",
    "month",
    "label",
    "keywords",
)
#: Facets a document may have several values of, read from the terms of a field of that name.
_MULTI = ("keywords",)
#: Where each facet's exact values are read from: a column of whole values, or an ID field's terms.
_KEY_COLUMNS = {
    "issuer": "issuer_key",
    "wire": "wire_key",
    "place": "place_key",
    "region": "region_key",
    "country": "country_key",
    "label": "label_key",
}
#: Values listed per facet unless asked otherwise (Elasticsearch's default ``size``).
TOP = 10


def check_facets(names: Iterable[str]) -> tuple[str, ...]:
    """``names`` without repeats, in the order given; `QueryError` for a field that is not a facet."""
    out: list[str] = []
    for name in names:
        if name not in FACETS:
            raise QueryError(f"unknown facet field {name!r}; choose from {', '.join(FACETS)}")
        if name not in out:
            out.append(name)
    return tuple(out)


def check_filters(filters: Mapping[str, Sequence[str] | str] | None) -> dict[str, list[str]]:
    """``{field: [values]}`` (a single value may be a string); `QueryError` for an unknown field."""
    out: dict[str, list[str]] = {}
    for name, values in (filters or {}).items():
        if name not in FACETS:
            raise QueryError(f"unknown filter field {name!r}; choose from {', '.join(FACETS)}")
        out.setdefault(name, []).extend([values] if isinstance(values, str) else values)
    return out


def parse_filters(items: Iterable[str]) -> dict[str, list[str]]:
    """``FIELD=VALUE`` strings (the CLI's ``--filter``) as `check_filters` takes them."""
    out: dict[str, list[str]] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise QueryError(f'filter {item!r}: use FIELD=VALUE, e.g. wire="PR Newswire"')
        out.setdefault(name, []).append(value)
    return check_filters(out)


def _name_key(value: str) -> tuple[str, ...]:
    """A name as the index compares it: the words of the names analyzer (lower-cased, accents
    folded), so ``Müller AG``, ``müller ag`` and ``MULLER  AG`` are one value."""
    from indexer.core.analysis import neutral_analyzer

    return tuple(token.text for token in neutral_analyzer()(value))


def _match_key(name: str, value: str) -> tuple[str, ...]:
    if name in _KEY_COLUMNS:
        return _name_key(value)
    return (value.strip().lower(),)


class FacetColumns:
    """Each facet's value code per document of one searcher (``-1``: no value), read on first use.

    ``columns`` is the searcher's `search.columnar.Columns` (its ``date`` column and ``live`` mask).
    """

    def __init__(self, columns: Any) -> None:
        self.columns = columns
        self.searcher = columns.searcher
        self.size: int = columns.size
        self._codes: dict[str, tuple[np.ndarray, list[str]]] = {}
        self._multi: dict[str, list[tuple[str, np.ndarray]]] = {}

    def postings(self, name: str) -> list[tuple[str, np.ndarray]]:
        """Each value of the multi-valued facet ``name`` with the numbers of its documents."""
        if name not in self._multi:
            reader = self.columns.reader
            self._multi[name] = [
                (tbytes.decode("utf-8"), self.columns.postings(name, tbytes)[0]) for tbytes in reader.lexicon(name)
            ]
        return self._multi[name]

    def codes(self, name: str) -> tuple[np.ndarray, list[str]]:
        """(code per document, the value of each code) of facet ``name``."""
        if name not in self._codes:
            if name in _KEY_COLUMNS:
                self._codes[name] = self._from_column(_KEY_COLUMNS[name])
            elif name == "language":
                self._codes[name] = self._from_terms("language")
            else:
                self._codes[name] = self._from_dates("datetime64[Y]" if name == "year" else "datetime64[M]")
        return self._codes[name]

    def _from_column(self, fieldname: str) -> tuple[np.ndarray, list[str]]:
        """A whole-value bytes column, read segment by segment as one block each."""
        from indexer.engine.columns import column_data, has_var_layout, var_lengths

        codes = np.full(self.size, -1, dtype=np.int32)
        values: list[str] = []
        seen: dict[bytes, int] = {b"": -1}
        for leaf, offset in self.columns.leaves:
            if not leaf.has_column(fieldname):
                continue
            column = leaf.column_reader(fieldname, translate=False)
            lengths = np.asarray(var_lengths(column), dtype=np.int64)
            if has_var_layout(column):
                block = column_data(column, int(lengths.sum()))
                starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).tolist()
                raw = [block[s : s + n] for s, n in zip(starts, lengths.tolist(), strict=True)]
            else:  # pragma: no cover - another column type than Whoosh's VarBytesColumn
                raw = [column[d] for d in range(leaf.doc_count_all())]
            part = np.empty(len(raw), dtype=np.int32)
            for i, value in enumerate(raw):
                code = seen.get(value)
                if code is None:
                    code = seen[value] = len(values)
                    values.append(value.decode("utf-8"))
                part[i] = code
            count = min(len(part), leaf.doc_count_all())
            codes[offset : offset + count] = part[:count]
        return codes, values

    def _from_terms(self, fieldname: str) -> tuple[np.ndarray, list[str]]:
        """An untokenised ID field: each term is one whole value; its postings are its documents."""
        codes = np.full(self.size, -1, dtype=np.int32)
        values: list[str] = []
        for tbytes in self.columns.reader.lexicon(fieldname):
            ids = self.columns.postings(fieldname, tbytes)[0]
            codes[ids] = len(values)
            values.append(tbytes.decode("utf-8"))
        return codes, values

    def _from_dates(self, unit: str) -> tuple[np.ndarray, list[str]]:
        """Years or months of the ``date`` column (Whoosh: microseconds since 0001-01-01)."""
        days = self.day_numbers()
        codes = np.full(self.size, -1, dtype=np.int32)
        dated = days >= 0
        if not dated.any():
            return codes, []
        periods = (np.datetime64("0001-01-01", "D") + days[dated]).astype(unit)
        unique, inverse = np.unique(periods, return_inverse=True)
        codes[dated] = inverse
        return codes, [str(p) for p in unique]

    def day_numbers(self) -> np.ndarray:
        """Each document's date as days since 0001-01-01, ``-1`` where it has none."""
        values, missing = self.columns.numbers("date")
        days = np.full(self.size, -1, dtype=np.int64)
        dated = values != missing
        days[dated] = (values[dated] // np.uint64(86_400_000_000)).astype(np.int64)
        return days

    def allowed(self, filters: Mapping[str, Sequence[str]]) -> np.ndarray:
        """Which documents pass ``filters``: any of a field's values (OR), every field (AND).

        A value matches when it equals the document's whole value as the index compares names
        (case and accents aside, `_name_key`), not when it is only a word of it."""
        keep = np.ones(self.size, dtype=bool)
        for name, wanted in filters.items():
            keys = {_match_key(name, w) for w in wanted}
            if name in _MULTI:
                some = np.zeros(self.size, dtype=bool)
                for value, ids in self.postings(name):
                    if _match_key(name, value) in keys:
                        some[ids] = True
                keep &= some
                continue
            codes, values = self.codes(name)
            chosen = [i for i, value in enumerate(values) if _match_key(name, value) in keys]
            keep &= np.isin(codes, np.asarray(chosen, dtype=np.int32))
        return keep

    def count(self, names: Sequence[str], docs: np.ndarray, top: int | None = TOP) -> dict[str, list[FacetCount]]:
        """The ``top`` values of each facet among ``docs`` (live document numbers), by count then
        value; documents without a value are not counted."""
        out: dict[str, list[FacetCount]] = {}
        for name in names:
            if name in _MULTI:  # a document counts once under each of its values
                chosen = np.zeros(self.size, dtype=bool)
                chosen[docs] = True
                found_pairs = ((value, int(chosen[ids].sum())) for value, ids in self.postings(name))
                pairs = sorted(((v, n) for v, n in found_pairs if n), key=lambda vn: (-vn[1], vn[0]))
                out[name] = [FacetCount(v, n) for v, n in (pairs if top is None else pairs[:top])]
                continue
            codes, values = self.codes(name)
            found = codes[docs]
            counts = np.bincount(found[found >= 0], minlength=len(values))
            pairs = sorted(
                ((values[i], int(n)) for i, n in enumerate(counts.tolist()) if n), key=lambda vn: (-vn[1], vn[0])
            )
            out[name] = [FacetCount(v, n) for v, n in (pairs if top is None else pairs[:top])]
        return out


def facet_columns(columns: Any) -> FacetColumns:
    """The `FacetColumns` of a searcher's `Columns`, made once and kept with them."""
    view = getattr(columns, "facet_columns", None)
    if view is None:
        view = columns.facet_columns = FacetColumns(columns)
    return view


def matching(columns: Any, model: Any, q: Any, allowed: np.ndarray | None = None) -> np.ndarray:
    """The sorted numbers of the live documents matching ``q`` (and ``allowed``, if given):
    from `search.columnar` where it handles the query, else from Whoosh's matchers."""
    from search.columnar import Evaluator, Unsupported

    try:
        ids = Evaluator(columns, model).run(q).ids
    except Unsupported:
        ids = np.fromiter(columns.searcher.docs_for_query(q), dtype=np.int64)
        ids.sort()
    keep = columns.live[ids]
    if allowed is not None:
        keep &= allowed[ids]
    return ids[keep]
