"""Places in datelines (issue 19 point 8): ``country`` is a country, the US state or Canadian
province is in ``region``, abbreviations are one value, and a second place is not a country.

Real datelines come from ``../shared/data/wires`` and the citybiz archive, parsed as files;
the table cases below them are written for this test where the shared data has no example.
"""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import shared_path

from indexer.parse.files import parse_file

CITYBIZ = ("data", "archives", "newsworthy-citybiz", "citybiz", "2025")

#: Real files: (path under ../shared, place as written, city, region, country).
# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 136 lines, not 36.
REAL = [
    (("data", "wires", "businesswire", "citybiz-repost-exovera-vienna-va.txt"),
     "VIENNA, Va.", "VIENNA", "Virginia", "United States"),
    (("data", "wires", "accesswire", "jerash-research-coverage-new-york.txt"),
     "NEW YORK, NY", "NEW YORK", "New York", "United States"),
    (("data", "wires", "accesswire", "ibankex-margin-trading-vancouver.txt"),
     "VANCOUVER, BC", "VANCOUVER", "British Columbia", "Canada"),
    (("data", "wires", "newsfile", "generic-gold-private-placement-toronto.txt"),
     "Toronto, Ontario", "Toronto", "Ontario", "Canada"),
    (("data", "wires", "accesswire", "snupit-survey-pietermaritzburg.txt"),
     "PIETERMARITZBURG, SOUTH AFRICA", "PIETERMARITZBURG", None, "South Africa"),
    (("data", "wires", "globenewswire", "nxp-eindhoven.txt"),
     "EINDHOVEN, The Netherlands", "EINDHOVEN", None, "Netherlands"),
    (("data", "wires", "prnewswire", "ebay-payments-uk-london.txt"), "LONDON", "LONDON", None, None),
    ((*CITYBIZ, "0604", "microblink-appoints-radu-tudoran-as-vice-president-of-engineering.md"),
     "BROOKLYN, N.Y.", "BROOKLYN", "New York", "United States"),
    ((*CITYBIZ, "0909", "computer-resources-of-america-named-to-the-2025-inc-5000-list-of-fastest-growing-private-companies-in-america.md"),
     "New York, NY", "New York", "New York", "United States"),
    ((*CITYBIZ, "0825", "mara-advances-international-growth-strategy-with-leadership-appointments-and-regional-headquarters-in-europe.md"),
     "Miami, FL", "Miami", "Florida", "United States"),
    ((*CITYBIZ, "0813", "stretch-zone-ranks-on-the-2025-inc-5000-list-of-americas-fastest-growing-private-companies.md"),
     "FORT LAUDERDALE, Fla", "FORT LAUDERDALE", "Florida", "United States"),
    # Two places: the first gives city, region and country; the second's state or country is not the first's.
    ((*CITYBIZ, "0715", "nexteer-breaks-ground-on-new-manufacturing-facility-in-liuzhou-china.md"),
     "AUBURN HILLS, Mich. and LIUZHOU, China", "AUBURN HILLS", "Michigan", "United States"),
    ((*CITYBIZ, "0730", "ameresco-and-republic-services-launch-another-renewable-natural-gas-facility-at-lee-county-landfill.md"),
     "FRAMINGHAM, Mass. & DIXON, Ill.", "FRAMINGHAM", "Massachusetts", "United States"),
    ((*CITYBIZ, "0605", "nea-promotes-madison-faulkner-and-mustafa-neemuchwala-to-partner.md"),
     "MENLO PARK, Calif. & NEW YORK", "MENLO PARK", "California", "United States"),
    ((*CITYBIZ, "0923", "absolute-security-announces-plans-to-expand-presence-in-india.md"),
     "SEATTLE & BANGALORE, India", "SEATTLE", None, None),
    ((*CITYBIZ, "0603", "trp-infrastructure-services-an-arlington-capital-partners-portfolio-company-appoints-andrew-liebert-as-ceo.md"),
     "WASHINGTON & FORT WORTH, Texas", "WASHINGTON", None, None),
    ((*CITYBIZ, "0915", "celonis-debuts-at-no-3-on-the-2025-fortune-future-50.md"),
     "SAN FRANCISCO & NEW YORK & MUNICH", "SAN FRANCISCO", None, None),
]  # fmt: skip


@pytest.mark.parametrize("parts, place, city, region, country", REAL, ids=[r[1] for r in REAL])
def test_real_dateline_places(parts, place, city, region, country):
    doc = parse_file(shared_path(*parts))
    assert (doc.place, doc.city, doc.country) == (place, city, country)
    assert doc.region == region


#: Datelines the shared data lacks, written for this test (the first is quoted in issue 19 from
#: a real archive that is not in ../shared): place → (city, region, country).
TABLE = {
    "LONG BEACH, Calif., and RESTON, Va.": ("LONG BEACH", "California", "United States"),
    "BOSTON, MA": ("BOSTON", "Massachusetts", "United States"),
    "TORONTO, Ontario": ("TORONTO", "Ontario", "Canada"),
    "MONTREAL, Que.": ("MONTREAL", "Quebec", "Canada"),
    "WASHINGTON, D.C.": ("WASHINGTON", "District of Columbia", "United States"),
    "Austin, Texas, USA": ("Austin", "Texas", "United States"),
    "LONDON": ("LONDON", None, None),
    "BAMAKO, Mali": ("BAMAKO", None, "Mali"),
    "LONDON, U.K.": ("LONDON", None, "United Kingdom"),
    "CAMBRIDGE, England": ("CAMBRIDGE", "England", "United Kingdom"),
    "Frankfurt, Deutschland": ("Frankfurt", None, "Germany"),
    "PORT OF SPAIN, Trinidad and Tobago": ("PORT OF SPAIN", None, "Trinidad and Tobago"),
    "ST. JOHN'S, Newfoundland and Labrador": ("ST. JOHN'S", "Newfoundland and Labrador", "Canada"),
    "Perth, WA, Australia": ("Perth", None, "Australia"),
    "Berlin/Frankfurt": ("Berlin/Frankfurt", None, None),
}


@pytest.mark.parametrize("place", sorted(TABLE))
def test_split_place(place):
    from indexer.parse.places import split_place

    assert tuple(split_place(place)) == TABLE[place]


@pytest.mark.parametrize(
    "spellings, name",
    [
        (("N.Y.", "NY", "New York", "NEW YORK", "N. Y."), "New York"),
        (("Calif.", "Cal.", "CA", "California"), "California"),
        (("Pa.", "Penn.", "PA", "Pennsylvania"), "Pennsylvania"),
        (("Ont.", "ON", "Ontario"), "Ontario"),
        (("B.C.", "BC", "British Columbia"), "British Columbia"),
    ],
)
def test_abbreviations_are_one_region(spellings, name):
    from indexer.parse.places import split_place

    assert {split_place(f"TOWN, {s}").region for s in spellings} == {name}


@pytest.mark.parametrize(
    "spellings, name",
    [
        (("U.S.", "USA", "US", "U.S.A.", "United States", "United States of America"), "United States"),
        (("U.K.", "UK", "United Kingdom", "Britain"), "United Kingdom"),
        (("The Netherlands", "Netherlands", "Holland"), "Netherlands"),
    ],
)
def test_countries_are_one_name(spellings, name):
    from indexer.parse.places import split_place

    assert {split_place(f"TOWN, {s}").country for s in spellings} == {name}


def test_tables_name_every_state_and_province_once():
    from indexer.parse.places import COUNTRIES, REGIONS

    names = {r.name for r in REGIONS.values()}
    assert sum(r.country == "United States" for r in {r for r in REGIONS.values()}) == 52  # 50, DC, Puerto Rico
    assert sum(r.country == "Canada" for r in {r for r in REGIONS.values()}) == 13
    assert not names & set(COUNTRIES.values()) - {"Georgia"}


def test_region_is_a_facet_and_a_filter(cli, tmp_path):
    """Real releases indexed by the CLI: ``N.Y.`` and ``NY`` are one region, no state is a country."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for parts, *_ in REAL:
        src = shared_path(*parts)
        shutil.copy(src, docs / f"{parts[-2]}-{src.name}")
    ix = tmp_path / "ix"
    assert cli("index", str(docs), index=ix).exit_code == 0
    out = cli("search", "*", "--facet", "region", "--facet", "country", "--format", "json", index=ix)
    assert out.exit_code == 0, out.output
    facets = json.loads(out.output)["facets"]
    regions = {f["value"]: f["count"] for f in facets["region"]}
    countries = {f["value"]: f["count"] for f in facets["country"]}
    assert regions["New York"] == 3 and regions["Florida"] == 2
    assert countries == {"United States": 9, "Canada": 2, "South Africa": 1, "Netherlands": 1}
    found = cli("search", "*", "--filter", "region=new york", "--format", "json", "-n", "50", index=ix)
    places = sorted(h["place"] for h in json.loads(found.output)["hits"])
    assert places == ["BROOKLYN, N.Y.", "NEW YORK, NY", "New York, NY"]
    ontario = json.loads(cli("search", "region:ontario", "--format", "json", index=ix).output)["hits"]
    assert [h["place"] for h in ontario] == ["Toronto, Ontario"]
