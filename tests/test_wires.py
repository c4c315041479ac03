from datetime import date

import pytest

from conftest import shared_path
from indexer.wires import find_dateline

CASES = [
    # text, wire, place, city, country, date, body starts with
    ("BAMAKO, Mali, June 6, 2025 /PRNewswire/ -- The General", "PR Newswire", "BAMAKO, Mali", "BAMAKO", "Mali", date(2025, 6, 6), "The General"),
    ("NEW YORK, Jan. 9, 2025 /PRNewswire-FirstCall/ -- Acme", "PR Newswire", "NEW YORK", "NEW YORK", None, date(2025, 1, 9), "Acme"),
    ("RIGA, Latvia, June 3, 2025 (GLOBE NEWSWIRE) -- Amberline", "GlobeNewswire", "RIGA, Latvia", "RIGA", "Latvia", date(2025, 6, 3), "Amberline"),
    ("SAN FRANCISCO--(BUSINESS WIRE)--Okta, Inc.", "Business Wire", "SAN FRANCISCO", "SAN FRANCISCO", None, None, "Okta"),
    ("VIENNA, Va.–(BUSINESS WIRE)–Exovera", "Business Wire", "VIENNA, Va.", "VIENNA", "Va.", None, "Exovera"),
    ("FRANKFURT (dpa-AFX) - Die Deutsche", "dpa-AFX", "FRANKFURT", "FRANKFURT", None, None, "Die Deutsche"),
    ("Hamburg (ots) - Die Polizei", "news aktuell", "Hamburg", "Hamburg", None, None, "Die Polizei"),
    ("LIMA (Reuters) - Peru's", "Reuters", "LIMA", "LIMA", None, None, "Peru's"),
    ("KABUL, Afghanistan (AP) -- The father", "AP", "KABUL, Afghanistan", "KABUL", "Afghanistan", None, "The father"),
    ("München, 6. Juni 2025 – Die Firma", None, "München", "München", None, date(2025, 6, 6), "Die Firma"),
    ("The company said on Monday that", None, None, None, None, None, None),
]


@pytest.mark.parametrize("text, wire, place, city, country, when, rest", CASES)
def test_dateline(text, wire, place, city, country, when, rest):
    found = find_dateline(text)
    if place is None:
        assert found is None
        return
    assert (found.wire, found.place, found.city, found.country, found.date) == (wire, place, city, country, when)
    assert text[found.end :].startswith(rest)


@pytest.mark.parametrize(
    "name, wire, place",
    [
        ("businesswire/okta-azuqua.txt", "Business Wire", "SAN FRANCISCO"),
        ("reuters/peru-kuczynski-lima.txt", "Reuters", "LIMA"),
    ],
)
def test_dateline_in_real_release(name, wire, place):
    path = shared_path("data", "wires", name)
    text = path.read_text("utf-8")
    found = next((d for line in text.split("\n") if (d := find_dateline(line))), None)
    assert found is not None, f"no dateline found in {name}"
    assert (found.wire, found.place) == (wire, place)
