"""Commands that read columns (issuer, wire, date) on indexes of several segments where a
segment has no value, hence no column file, for some of them (issue 18.1).

Whoosh's multi-segment column reader skipped such segments and then read documents from the
wrong one: `dateline stats` failed with an ``IndexError`` (exit 3) or counted wrongly.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Literal

import pytest

from indexer import index_paths

#: Documents with an issuer, a wire and a date; and documents with none of them.
FULL = [
    {
        "id": f"full{i}",
        "title": f"Title {i} solar",
        "text": f"Body text {i} about solar wind and tariffs",
        "issuer": f"Acme {i % 3}",
        "wire": ["reuters", "dpa"][i % 2],
        "date": f"2025-0{i % 9 + 1}-0{i % 7 + 1}",
    }
    for i in range(10)
]
BARE = [{"id": f"bare{i}", "title": f"Note {i} solar", "text": f"Plain note {i} about solar panels"} for i in range(5)]

#: Each layout: the JSONL files indexed one run each (one segment each), or ``notes``.
LAYOUTS: dict[str, list[list[dict[str, str]]] | Literal["notes"]] = {
    "neither-segment-has-columns": [
        BARE + [dict(r, id=f"more{i}") for i, r in enumerate(BARE)],
        [dict(r, id=f"late{i}") for i, r in enumerate(BARE)],
    ],
    "second-segment-lacks-them": [FULL, BARE],
    "first-segment-lacks-them": [BARE, FULL],
    "notes-two-workers": "notes",
}


def _build(tmp_path: Path, layout: str) -> tuple[Path, list[dict[str, str]]]:
    """Index the layout's files in separate runs; the documents indexed, as records."""
    index = tmp_path / "index"
    runs = LAYOUTS[layout]
    if runs == "notes":
        notes = tmp_path / "notes"
        notes.mkdir()
        for i in range(450):
            (notes / f"n{i:03}.txt").write_text(f"Note {i}\n\nA plain note, number {i}, about solar and wind.\n")
        report = index_paths([notes], index, workers=2, pool_bytes=64 * 1024)
        assert not report.failed, report.failed
        records = [{"id": f"n{i:03}.txt"} for i in range(450)]
    else:
        records = []
        for number, run in enumerate(runs):
            source = tmp_path / f"run{number}.jsonl"
            source.write_text("".join(json.dumps(r) + "\n" for r in run), encoding="utf-8")
            report = index_paths([source], index)
            assert not report.failed, report.failed
            records += run
    from whoosh.index import open_dir

    ix = open_dir(str(index))
    try:
        assert len(ix._segments()) >= 2, "the index must have several segments"
    finally:
        ix.close()
    return index, records


def _counts(records: list[dict[str, str]], key: str) -> dict[str, int]:
    return dict(Counter(r[key] for r in records if r.get(key)))


def _json(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def check_stats(cli, index: Path, records: list[dict[str, str]]) -> None:
    stats = _json(cli("stats", "--format", "json", index=index))
    assert stats["documents"] == len(records)
    assert {row["issuer"]: row["count"] for row in stats["issuers"]} == _counts(records, "issuer")
    assert {row["wire"]: row["count"] for row in stats["wires"]} == _counts(records, "wire")
    dates = sorted(r["date"] for r in records if r.get("date"))
    assert (stats["first_date"], stats["last_date"]) == ((dates[0], dates[-1]) if dates else (None, None))


def check_facets(cli, index: Path, records: list[dict[str, str]]) -> None:
    out = _json(cli("search", "solar", "--facet", "issuer", "--facet", "wire", "--format", "json", index=index))
    assert out["total"] == len(records)
    for name in ("issuer", "wire"):
        assert {row["value"]: row["count"] for row in out["facets"][name]} == _counts(records, name)


def check_filter(cli, index: Path, records: list[dict[str, str]], field: str, value: str) -> None:
    expected = sum(1 for r in records if r.get(field) == value)
    result = cli("search", "solar", "--filter", f"{field}={value}", "--format", "json", "-n", "500", index=index)
    assert result.exit_code == (0 if expected else 1), result.output
    if expected:
        hits = json.loads(result.output)["hits"]
        assert sorted(h["id"] for h in hits) == sorted(r["id"] for r in records if r.get(field) == value)


def check_timeline(cli, index: Path, records: list[dict[str, str]]) -> None:
    out = _json(cli("timeline", "solar", "--format", "json", index=index))
    months = Counter(r["date"][:7] for r in records if r.get("date"))
    assert out["total"] == len(records)
    assert out["undated"] == len(records) - sum(months.values())
    assert {p["period"]: p["count"] for p in out["periods"] if p["count"]} == dict(months)


def check_sort_date(cli, index: Path, records: list[dict[str, str]]) -> None:
    out = _json(cli("search", "solar", "--sort", "date", "--format", "json", "-n", "500", index=index))
    assert out["total"] == len(records)
    dated = [h["date"] for h in out["hits"] if h.get("date")]
    assert dated == sorted(r["date"] for r in records if r.get("date"))


def check_similar(cli, index: Path, records: list[dict[str, str]]) -> None:
    out = _json(cli("similar", records[-1]["id"], "--format", "json", "-n", "500", index=index))
    assert out["hits"] and records[-1]["id"] not in {h["id"] for h in out["hits"]}


CHECKS = {
    "stats": check_stats,
    "facets": check_facets,
    "filter-issuer": lambda cli, index, records: check_filter(cli, index, records, "issuer", "Acme 1"),
    "filter-wire": lambda cli, index, records: check_filter(cli, index, records, "wire", "dpa"),
    "timeline": check_timeline,
    "sort-date": check_sort_date,
    "similar": check_similar,
}


@pytest.fixture(scope="module", params=list(LAYOUTS))
def built(request, tmp_path_factory):
    return _build(tmp_path_factory.mktemp("segments"), request.param)


@pytest.mark.parametrize("command", list(CHECKS))
def test_column_reading_commands_on_segments_without_columns(cli, built, command):
    index, records = built
    CHECKS[command](cli, index, records)
