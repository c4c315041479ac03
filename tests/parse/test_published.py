"""Dates and times (issue 19.6): the time of day a source gives is kept in ``published``; a
release's own wire dateline gives ``date`` when the portal's stamp says another day; a sort by
date orders a day's documents by time."""

from __future__ import annotations

from datetime import UTC, date, datetime

from indexer.parse.files import read_documents

# Reconstruction of a scraped portal page (issue 19's archive): the portal stamped the release a day
# after its own dateline, a naive time as Hugo sites write it.
PORTAL_LATER = (
    '---\ntitle: "Acme Opens Plant"\ndate: "2025-02-10 08:15:00"\n---\n\n'
    "NEW YORK, Feb. 9, 2025 /PRNewswire/ -- Acme Corp opened a plant in Ohio.\n"
)


def test_dateline_date_wins_and_portal_time_is_kept(tmp_path):
    path = tmp_path / "acme.md"
    path.write_text(PORTAL_LATER, "utf-8")
    doc = read_documents(path).documents[0]
    assert (doc.date, doc.wire, doc.place) == (date(2025, 2, 9), "PR Newswire", "NEW YORK")
    assert doc.published == datetime(2025, 2, 10, 8, 15, tzinfo=UTC)


def test_sort_by_date_orders_by_time_within_a_day(cli, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a-evening.md").write_text('---\ntitle: Evening\ndate: "2025-02-09 17:00:00"\n---\n\nLate news.\n', "utf-8")
    (docs / "b-morning.md").write_text(
        '---\ntitle: Morning\ndate: "2025-02-09 06:00:00"\n---\n\nEarly news.\n', "utf-8"
    )
    (docs / "c-acme.md").write_text(PORTAL_LATER, "utf-8")  # 9 Feb by its dateline, at the portal's 08:15
    (docs / "d-next.md").write_text("---\ntitle: Next day\ndate: 2025-02-10\n---\n\nNext news.\n", "utf-8")
    ix = str(tmp_path / "ix")
    assert cli("index", str(docs), "--index", ix).exit_code == 0
    titles = ["Morning", "Acme Opens Plant", "Evening", "Next day"]
    for sort, want in (("date", titles), ("-date", titles[::-1])):
        out = cli("search", "*", "--index", ix, "--sort", sort).output
        assert sorted(titles, key=out.index) == want, out
