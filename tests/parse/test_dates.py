from datetime import date, datetime

import pytest

from indexer.parse.dates import BERLIN, parse_date, parse_datetime, parse_portal_timestamp


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2025-06-06", date(2025, 6, 6)),
        ("06.06.2025", date(2025, 6, 6)),
        ("6.6.2025", date(2025, 6, 6)),
        ("June 6, 2025", date(2025, 6, 6)),
        ("Jun. 6, 2025", date(2025, 6, 6)),
        ("Sept. 30, 2025", date(2025, 9, 30)),
        ("6. Juni 2025", date(2025, 6, 6)),
        ("3. März 2025", date(2025, 3, 3)),
        ("6 June 2025", date(2025, 6, 6)),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31.02.2025", "2025-13-01", "Juneteenth 6, 2025", "", "yesterday"])
def test_impossible_or_unknown_dates_are_none(text):
    assert parse_date(text) is None


def test_portal_timestamp_is_berlin_time():
    stamp = parse_portal_timestamp("06.06.2025 13:18 Uhr")
    assert stamp == datetime(2025, 6, 6, 13, 18, tzinfo=BERLIN)
    assert stamp.utcoffset().total_seconds() == 7200  # summer time
    assert parse_portal_timestamp("06.01.2025 13:18 Uhr").utcoffset().total_seconds() == 3600


def test_parse_datetime_iso_and_naive():
    assert parse_datetime("2025-06-12T09:30:00+02:00").isoformat() == "2025-06-12T09:30:00+02:00"
    assert parse_datetime("2025-06-12T09:30:00Z").utcoffset().total_seconds() == 0
    assert parse_datetime("2025-06-12") == date(2025, 6, 12)
    assert parse_datetime("2025-06-12 09:30").tzinfo is BERLIN


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/archive/citybiz/2025/0603/amg-appoints.md", date(2025, 6, 3)),  # newsworthy-citybiz's layout
        ("/site/_posts/2024-04-08-lilly.md", date(2024, 4, 8)),  # a Jekyll post
        ("/news/2025/06/03/story.txt", date(2025, 6, 3)),
        ("rel/2025/0603/x.md", date(2025, 6, 3)),
        ("/news/2024-04-08.md", date(2024, 4, 8)),
        ("/bench/globenewswire/2020/01/000481.txt", None),  # a month and a number, no day
        ("/backups/2024-01-15-archive/a/b/story.md", None),  # a date far up names a collection
        ("/news/2025/1234/story.md", None),  # no such day
        ("/news/x-2024-04-08.md", None),
    ],
)
def test_date_in_path(path: str, expected: date | None) -> None:
    from indexer.parse.dates import date_in_path

    assert date_in_path(path) == expected
