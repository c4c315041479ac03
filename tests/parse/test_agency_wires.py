"""News agency datelines (AFP, EFE, ANSA, AAP, Reuters without a place) and how their credits and
copyright lines name the wire.

The datelines have the shapes of the agency items in ../shared/data/formats (newsml-1, nitf,
newsml-g2, email); the sentences around them are made up here.
"""

from __future__ import annotations

from datetime import date

import pytest

from indexer.core.document import Document
from indexer.parse import wires
from indexer.parse.story import apply_story
from indexer.parse.wires import find_credit, find_dateline, wire_from_copyright

# text, wire, place, city, country, date, body starts with
DATELINES = [
    (
        "STOCKHOLM, Aug 29, 2014 (AFP) - A court in the west of the country said on Friday",
        "AFP", "STOCKHOLM", "STOCKHOLM", None, date(2014, 8, 29), "A court",
    ),
    (
        "BERGEN, Norway, Oct 3, 2024 (AFP) - Trawlers headed back to port",
        "AFP", "BERGEN, Norway", "BERGEN", "Norway", date(2024, 10, 3), "Trawlers",
    ),
    # No year: the date is not read, as for Reuters' "WASHINGTON, June 6 (Reuters) -".
    ("PARIS, Jan 5 (AFP) - The museum reopened", "AFP", "PARIS", "PARIS", None, None, "The museum"),
    ("GENEVA (AFP) - Talks resumed on Monday", "AFP", "GENEVA", "GENEVA", None, None, "Talks"),
    # French service: day first, a month `indexer.parse.dates` does not know (not read).
    ("Strasbourg, 10 juil 2024 (AFP) - Le tribunal a rendu", "AFP", "Strasbourg", "Strasbourg", None, None, "Le tribunal"),
    (
        "Tegucigalpa, Jan 2 (EFE).- The president named three ministers",
        "EFE", "Tegucigalpa", "Tegucigalpa", None, None, "The president",
    ),
    ("Madrid, 2 ene (EFE).- El Gobierno aprobó", "EFE", "Madrid", "Madrid", None, None, "El Gobierno"),
    (
        "(ANSA) - Rome, October 11 - The minister said on Wednesday",
        "ANSA", "Rome", "Rome", None, None, "The minister",
    ),
    # Teletype layout: the paragraph's first line indented.
    ("   (ANSA) - Venice, Sept 21 - The barrier was raised", "ANSA", "Venice", "Venice", None, None, "The barrier"),
    (
        "LOS ANGELES, March 10 AAP – The golfer is hoping to live up to the billing",
        "AAP", "LOS ANGELES", "LOS ANGELES", None, None, "The golfer",
    ),
    ("SYDNEY, June 4 AAP - Ferries resumed", "AAP", "SYDNEY", "SYDNEY", None, None, "Ferries"),
    ("CANBERRA (AAP) - The budget passed", "AAP", "CANBERRA", "CANBERRA", None, None, "The budget"),
    # No place, only the day: the place is None, not "Jan 30".
    ("Jan 30 (Reuters) - Gold rose on Tuesday", "Reuters", None, None, None, None, "Gold rose"),
    ("By Jane Roe\n\nSept. 4 (Reuters) - Oil fell", "Reuters", None, None, None, None, "Oil fell"),
    ("WASHINGTON, June 6 (Reuters) - The", "Reuters", "WASHINGTON", "WASHINGTON", None, None, "The"),
]  # fmt: skip


@pytest.mark.parametrize("text, wire, place, city, country, when, rest", DATELINES)
def test_agency_dateline(text, wire, place, city, country, when, rest):
    found = find_dateline(text)
    assert found is not None
    assert (found.wire, found.place, found.city, found.country, found.date) == (wire, place, city, country, when)
    assert text[found.end :].startswith(rest)


@pytest.mark.parametrize(
    "text",
    [
        "Reporters at AAP – the agency's sports desk – filed the story",  # a bare "AAP" needs a day before it
        "The news agency (ANSA) reported on Monday that the talks had ended.",
    ],
)
def test_no_agency_dateline(text):
    assert find_dateline(text) is None


# --- Defect 1: a copyright line names a wire by whole names ------------------------------------


@pytest.mark.parametrize(
    "line, wire",
    [
        ("© 2013 Australian Associated Press", "AAP"),  # not AP: AP's name is inside AAP's
        ("© 2015 The Associated Press. All rights reserved.", "AP"),
        ("(c) Copyright ANSA 2017. Click For Restrictions", "ANSA"),
        ("© Agencia EFE", "EFE"),
        ("© 2024 AFP", "AFP"),
        ("© 2025 dpa-AFX", "dpa-AFX"),  # not dpa: its name is inside dpa-AFX's
        ("© 2025 dpa", "dpa"),
        ("(c) Copyright Thomson Reuters 2017.", "Reuters"),
        ("© Hansa Verlag GmbH", None),  # "ansa" inside a word
        ("© 2024 Cafe Efemera", None),
    ],
)
def test_wire_from_copyright_matches_whole_names(line, wire):
    assert wire_from_copyright(line) == wire


def test_a_name_inside_a_longer_name_loses_whatever_the_order(monkeypatch):
    """AAP is listed before AP, but the longer name wins by itself, not by the table's order."""
    monkeypatch.setattr(wires, "FAMILIES", wires.FAMILIES[::-1])
    assert wire_from_copyright("© 2013 Australian Associated Press") == "AAP"
    assert wire_from_copyright("© 2025 dpa-AFX") == "dpa-AFX"


def test_an_aap_copyright_gives_aap_not_ap():
    doc = Document(id="x", copyright="© 2013 Australian Associated Press")
    doc = apply_story(doc, "The main stories on tonight's news:\n\nA bushfire front has crossed the ridge.")
    assert doc.wire == "AAP"


# --- Defect 2: dpa-AFX's editors' codes against other wires' initials --------------------------


def test_afp_initials_are_not_dpa_afx_codes():
    assert find_credit("The company controls the rest of the shares.\n\nhh/ph/ts/hd") is None


def test_an_afp_dateline_wins_over_initials_at_the_end():
    doc = apply_story(
        Document(id="x"),
        "OSLO, May 2, 2024 (AFP) - The ferry line said on Thursday it would add sailings.\n\nab/cd/ef",
    )
    assert (doc.wire, doc.place, doc.date) == ("AFP", "OSLO", date(2024, 5, 2))


def test_an_explicit_credit_wins_over_dpa_afx_codes():
    # No dateline at a line start (the credit follows a byline on its line): the credits decide.
    text = "By Jane Roe in Oslo (AFP) - The ferry line said it would add sailings./ab/CD/ef"
    assert find_dateline(text) is None
    assert find_credit(text) == "AFP"


@pytest.mark.parametrize(
    "text",
    [
        "Der Dax schloss fester./wdw/DP/mis",  # glued to the last sentence
        "Der Dax schloss fester.\n/ajx/he",  # on a line of its own
    ],
)
def test_dpa_afx_codes_still_credit_dpa_afx(text):
    assert find_credit(text) == "dpa-AFX"


# --- Defect 3: a Reuters dateline without a place -----------------------------------------------


def test_reuters_dateline_without_a_place_keeps_the_items_date():
    """No year in the dateline: the date the source gave stays (a dateline's date wins only when read)."""
    doc = Document(id="x", date=date(2017, 1, 31))
    doc = apply_story(doc, "By Jane Roe\n\nJan 30 (Reuters) - Gold rose on Tuesday on safe-haven buying.")
    assert (doc.wire, doc.dateline) == ("Reuters", "Jan 30 (Reuters) -")
    assert (doc.place, doc.city, doc.region, doc.country) == (None, None, None, None)
    assert doc.date == date(2017, 1, 31)
    assert doc.body.startswith("By Jane Roe\n\nGold rose")
