"""`dateline timeline` and `Index.timeline` (`search.timeline`): counts per day, ISO week or month
over all matching documents, equal to the dates of the parsed files, gaps shown as 0."""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from datetime import date, timedelta

import pytest

from search import QueryError

QUERIES = ["*", "energy", "wind OR solar", "Unternehmen", "energ*"]


def label(day: date, by: str) -> str:
    """A period's name, computed here with the standard library alone."""
    if by == "day":
        return day.isoformat()
    if by == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.strftime("%Y-%m")


def all_periods(first: date, last: date, by: str) -> list[str]:
    """Every period from the one holding ``first`` to the one holding ``last``, walking day by day."""
    out: list[str] = []
    day = first
    while day <= last:
        if not out or out[-1] != label(day, by):
            out.append(label(day, by))
        day += timedelta(days=1)
    return out


def day_of(doc) -> date | None:
    return doc.date or (doc.published.date() if doc.published else None)


@pytest.mark.parametrize("by", ["day", "week", "month"])
@pytest.mark.parametrize("query", QUERIES)
def test_periods_are_the_dates_of_all_hits_with_gaps_as_zero(corpus_ix, corpus_documents, query, by):
    ids = [h.id for h in corpus_ix.search(query, limit=1000, snippets=False).hits]
    days = [d for i in ids if (d := day_of(corpus_documents[i])) is not None]
    result = corpus_ix.timeline(query, by=by)
    assert result.total == len(ids) and result.undated == len(ids) - len(days)
    assert sum(p.count for p in result.periods) == result.total - result.undated
    assert [p.period for p in result.periods] == all_periods(min(days), max(days), by)
    counts = Counter(label(d, by) for d in days)
    assert {p.period: p.count for p in result.periods} == {
        p: counts.get(p, 0) for p in all_periods(min(days), max(days), by)
    }


def test_undated_documents_are_counted_apart(corpus_ix, corpus_documents):
    result = corpus_ix.timeline("*")
    undated = [i for i, d in corpus_documents.items() if day_of(d) is None]
    assert result.total == len(corpus_documents) and result.undated == len(undated) > 0


@pytest.mark.parametrize(
    "by, since, until, first, last",
    [
        ("month", "2025-05-01", "2025-08-31", "2025-05", "2025-08"),
        ("week", "2025-06-01", "2025-07-31", "2025-W22", "2025-W31"),
        ("day", "2025-06-01", "2025-06-10", "2025-06-01", "2025-06-10"),
        ("month", "2024-11-01", "2025-02-28", "2024-11", "2025-02"),  # months without any document
    ],
)
def test_since_and_until_bound_the_periods(corpus_ix, corpus_documents, by, since, until, first, last):
    result = corpus_ix.timeline("*", by=by, since=since, until=until)
    start, end = date.fromisoformat(since), date.fromisoformat(until)
    inside = [d for doc in corpus_documents.values() if (d := day_of(doc)) and start <= d <= end]
    assert result.periods[0].period == first and result.periods[-1].period == last
    assert [p.period for p in result.periods] == all_periods(start, end, by)
    assert result.total == len(inside) == sum(p.count for p in result.periods) and result.undated == 0


def test_filters_narrow_the_timeline(corpus_ix, corpus_documents):
    result = corpus_ix.timeline("*", filters={"wire": ["PR Newswire"]})
    want = Counter(label(day_of(d), "month") for d in corpus_documents.values() if d.wire == "PR Newswire")
    assert {p.period: p.count for p in result.periods if p.count} == dict(want)


def test_unknown_period_raises_query_error(corpus_ix):
    with pytest.raises(QueryError, match="unknown period 'year'"):
        corpus_ix.timeline("energy", by="year")


def test_json_shape(cli, corpus_index, corpus_documents):
    out = cli("timeline", "energy", "--by", "week", "--format", "json", index=corpus_index)
    assert out.exit_code == 0
    data = json.loads(out.output)
    assert list(data) == ["query", "by", "total", "undated", "periods"]
    assert data["query"] == "energy" and data["by"] == "week"
    assert all(list(p) == ["period", "count"] for p in data["periods"])
    assert sum(p["count"] for p in data["periods"]) == data["total"] - data["undated"]
    assert 0 in [p["count"] for p in data["periods"]]  # the gaps are there


def test_text_is_a_bar_chart(cli, corpus_index):
    out = cli("timeline", "*", "--since", "2025-01-01", "--until", "2025-12-31", "--format", "text", index=corpus_index)
    assert out.exit_code == 0
    *bars, summary = out.output.splitlines()
    assert [b.split()[0] for b in bars] == [f"2025-{m:02d}" for m in range(1, 13)]
    counts = [int(b.split()[-1]) for b in bars]
    widths = [b.count("█") for b in bars]
    assert max(widths) == 40 and widths[counts.index(max(counts))] == 40
    assert all((w == 0) == (n == 0) for w, n in zip(widths, counts, strict=True))
    assert summary == f"{sum(counts)} hits by month"


@pytest.mark.parametrize(
    "args, status, message",
    [
        (("timeline", "xylophone", "--format", "text"), 1, "0 hits by month"),
        (("timeline", "xylophone"), 1, '{"query": "xylophone", "by": "month", "total": 0'),
        (("timeline", "energy", "--filter", "colour=red"), 2, "dateline: unknown filter field 'colour'"),
        (("timeline", "date:2025-13"), 2, "dateline: query 'date:2025-13'"),
        (("timeline", "energy", "--since", "June"), 2, "dateline: date bound 'June'"),
    ],
)
def test_cli_exit_status(cli, corpus_index, args, status, message):
    out = cli(*args, index=corpus_index)
    assert out.exit_code == status
    assert out.output.startswith(message) and out.output.count("\n") == 1


def test_the_chart_on_a_terminal_json_in_a_pipe(tmp_path, corpus_index):
    """The default format follows where the output goes, as the issue asks: a bar chart on a
    terminal, JSON for a program reading it."""
    from conftest import installed_dateline, on_terminal

    exe = installed_dateline()
    env = {**os.environ, "DATELINE_INDEX": str(corpus_index), "DATELINE_NO_SERVE": "1"}
    piped = subprocess.run([exe, "timeline", "energy"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert piped.returncode == 0 and json.loads(piped.stdout)["by"] == "month"
    proc, shown = on_terminal([exe, "timeline", "energy"], "stdout", env=env, cwd=tmp_path)
    text = shown.decode("utf-8").replace("\r\n", "\n")
    assert proc.returncode == 0 and "█" in text
    *bars, summary = text.splitlines()
    data = json.loads(piped.stdout)
    assert [(b.split()[0], int(b.split()[-1])) for b in bars] == [(p["period"], p["count"]) for p in data["periods"]]
    assert summary.endswith(" hits by month")
