"""Places in datelines: the city, the US state or Canadian province (`region`) and the country.

A dateline's place is written as wires write it: ``VIENNA, Va.``, ``NEW YORK, NY``, ``Toronto,
Ontario``, ``BAMAKO, Mali``, or two places at once (``LONG BEACH, Calif., and RESTON, Va.``).
These tables turn the part after the city into a region and a country under one spelling each,
so that ``N.Y.``, ``NY`` and ``New York`` are one facet value and a state is never a country.

Rules (README "Places"):

- US states and DC, by full name, AP abbreviation (``Calif.``, ``N.Y.``) or postal code (``CA``),
  give ``region`` = the state's name and ``country`` = ``United States``; Canadian provinces and
  territories (``Ont.``, ``ON``, ``B.C.``, ``Que.``) give the province and ``Canada``; England,
  Scotland, Wales and Northern Ireland give that nation and ``United Kingdom``.
- Countries are named in English, under one name: ``U.S.``/``USA`` → ``United States``,
  ``U.K.``/``Britain`` → ``United Kingdom``, ``The Netherlands`` → ``Netherlands``,
  ``Deutschland`` → ``Germany``, ``SOUTH AFRICA`` → ``South Africa``. A last part that is neither
  a region nor a known country is kept as written (as before: it is what the dateline says).
- A city alone (``LONDON``, ``NEW YORK``) gets no region and no country: nothing is guessed.
- Two places joined by ``and``/``&``: the first gives city, region and country; the second's
  region or country is not the first's. The whole text stays in ``place``.
- Ambiguous names go one way, documented: ``Georgia`` and ``GA`` are the US state; a two-letter
  part is a US or Canadian postal code, never an ISO country code (``DE`` is Delaware). Where a
  region's country contradicts a country named after it (``Perth, WA, Australia``), the region
  is dropped.
"""

from __future__ import annotations

import re
from typing import NamedTuple

UNITED_STATES = "United States"
CANADA = "Canada"
UNITED_KINGDOM = "United Kingdom"

#: US states and DC: name, then the AP Stylebook abbreviation(s) and postal code.
_US = """Alabama Ala. AL; Alaska AK; Arizona Ariz. AZ; Arkansas Ark. AR; California Calif. Cal. CA;
Colorado Colo. CO; Connecticut Conn. CT; Delaware Del. DE; District of Columbia D.C. DC;
Florida Fla. FL; Georgia Ga. GA; Hawaii HI; Idaho ID; Illinois Ill. IL; Indiana Ind. IN; Iowa IA;
Kansas Kan. Kans. KS; Kentucky Ky. KY; Louisiana La. LA; Maine Me. ME; Maryland Md. MD;
Massachusetts Mass. MA; Michigan Mich. MI; Minnesota Minn. MN; Mississippi Miss. MS;
Missouri Mo. MO; Montana Mont. MT; Nebraska Neb. Nebr. NE; Nevada Nev. NV; New Hampshire N.H. NH;
New Jersey N.J. NJ; New Mexico N.M. NM; New York N.Y. NY; North Carolina N.C. NC;
North Dakota N.D. ND; Ohio OH; Oklahoma Okla. OK; Oregon Ore. Oreg. OR; Pennsylvania Pa. Penn. PA;
Rhode Island R.I. RI; South Carolina S.C. SC; South Dakota S.D. SD; Tennessee Tenn. TN;
Texas Tex. TX; Utah UT; Vermont Vt. VT; Virginia Va. VA; Washington Wash. WA;
West Virginia W.Va. W.V. WV; Wisconsin Wis. Wisc. WI; Wyoming Wyo. WY; Puerto Rico P.R. PR"""

#: Canadian provinces and territories: name, then the Canadian Press abbreviation(s) and postal code.
_CANADA = """Alberta Alta. AB; British Columbia B.C. BC; Manitoba Man. MB; New Brunswick N.B. NB;
Newfoundland and Labrador Nfld. N.L. NL; Nova Scotia N.S. NS; Ontario Ont. ON;
Prince Edward Island P.E.I. PEI PE; Quebec Que. QC PQ; Saskatchewan Sask. SK;
Northwest Territories N.W.T. NT; Nunavut NU; Yukon Y.T. YT"""

_UK = "England; Scotland; Wales; Northern Ireland"

#: Countries by their English short names, as facet values.
_COUNTRIES = """Afghanistan; Albania; Algeria; Andorra; Angola; Antigua and Barbuda; Argentina; Armenia;
Australia; Austria; Azerbaijan; Bahamas; Bahrain; Bangladesh; Barbados; Belarus; Belgium; Belize;
Benin; Bermuda; Bhutan; Bolivia; Bosnia and Herzegovina; Botswana; Brazil; Brunei; Bulgaria;
Burkina Faso; Burundi; Cambodia; Cameroon; Canada; Cape Verde; Cayman Islands;
Central African Republic; Chad; Chile; China; Colombia; Comoros; Costa Rica; Croatia; Cuba;
Cyprus; Czech Republic; Democratic Republic of the Congo; Denmark; Djibouti; Dominica;
Dominican Republic; Ecuador; Egypt; El Salvador; Equatorial Guinea; Eritrea; Estonia; Eswatini;
Ethiopia; Fiji; Finland; France; Gabon; Gambia; Germany; Ghana; Gibraltar; Greece; Grenada;
Guatemala; Guernsey; Guinea; Guinea-Bissau; Guyana; Haiti; Honduras; Hong Kong; Hungary; Iceland;
India; Indonesia; Iran; Iraq; Ireland; Isle of Man; Israel; Italy; Ivory Coast; Jamaica; Japan;
Jersey; Jordan; Kazakhstan; Kenya; Kosovo; Kuwait; Kyrgyzstan; Laos; Latvia; Lebanon; Lesotho;
Liberia; Libya; Liechtenstein; Lithuania; Luxembourg; Macau; Madagascar; Malawi; Malaysia;
Maldives; Mali; Malta; Mauritania; Mauritius; Mexico; Moldova; Monaco; Mongolia; Montenegro;
Morocco; Mozambique; Myanmar; Namibia; Nepal; Netherlands; New Zealand; Nicaragua; Niger;
Nigeria; North Korea; North Macedonia; Norway; Oman; Pakistan; Palestine; Panama;
Papua New Guinea; Paraguay; Peru; Philippines; Poland; Portugal; Qatar; Republic of the Congo;
Romania; Russia; Rwanda; Saint Kitts and Nevis; Saint Lucia; Saint Vincent and the Grenadines;
Samoa; San Marino; Saudi Arabia; Senegal; Serbia; Seychelles; Sierra Leone; Singapore; Slovakia;
Slovenia; Somalia; South Africa; South Korea; South Sudan; Spain; Sri Lanka; Sudan; Suriname;
Sweden; Switzerland; Syria; Taiwan; Tajikistan; Tanzania; Thailand; Togo; Trinidad and Tobago;
Tunisia; Turkey; Turkmenistan; Uganda; Ukraine; United Arab Emirates; United Kingdom;
United States; Uruguay; Uzbekistan; Vatican City; Venezuela; Vietnam; Yemen; Zambia; Zimbabwe"""

#: Other spellings of countries (English abbreviations, older names, German names) → the name above.
# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 54 lines, not 17.
_COUNTRY_ALIASES = {
    "U.S.": UNITED_STATES, "U.S.A.": UNITED_STATES, "US": UNITED_STATES, "USA": UNITED_STATES,
    "United States of America": UNITED_STATES, "America": UNITED_STATES,
    "Vereinigte Staaten": UNITED_STATES, "U.K.": UNITED_KINGDOM, "UK": UNITED_KINGDOM,
    "Britain": UNITED_KINGDOM, "Great Britain": UNITED_KINGDOM, "Großbritannien": UNITED_KINGDOM,
    "Holland": "Netherlands", "Niederlande": "Netherlands", "Deutschland": "Germany",
    "Österreich": "Austria", "Schweiz": "Switzerland", "Frankreich": "France", "Italien": "Italy",
    "Spanien": "Spain", "Belgien": "Belgium", "Polen": "Poland", "Russland": "Russia",
    "Türkei": "Turkey", "Türkiye": "Turkey", "Dänemark": "Denmark", "Schweden": "Sweden",
    "Norwegen": "Norway", "Finnland": "Finland", "Griechenland": "Greece", "Tschechien": "Czech Republic",
    "Czechia": "Czech Republic", "Kanada": CANADA, "Mexiko": "Mexico", "Brasilien": "Brazil",
    "Indien": "India", "Südafrika": "South Africa", "Südkorea": "South Korea", "Korea": "South Korea",
    "Republic of Korea": "South Korea", "U.A.E.": "United Arab Emirates", "UAE": "United Arab Emirates",
    "People's Republic of China": "China", "PRC": "China", "Russian Federation": "Russia",
    "Côte d'Ivoire": "Ivory Coast", "Cote d'Ivoire": "Ivory Coast", "Burma": "Myanmar",
    "Swaziland": "Eswatini", "Macao": "Macau", "Viet Nam": "Vietnam", "Irland": "Ireland",
}  # fmt: skip


class Region(NamedTuple):
    """A US state, Canadian province or UK nation, and the country it is in."""

    name: str
    country: str


class Place(NamedTuple):
    """A dateline place split: the first place's city, its region and its country."""

    city: str
    region: str | None
    country: str | None


def _key(text: str) -> str:
    """A lookup key: case, dots, spaces and a leading "the" do not count (``N. Y.`` = ``NY``)."""
    text = re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE)
    return re.sub(r"[\s.]", "", text.casefold())


def _regions() -> dict[str, Region]:
    table: dict[str, Region] = {}
    for rows, country in ((_US, UNITED_STATES), (_CANADA, CANADA)):
        for row in rows.replace("\n", " ").split(";"):
            words = row.split()
            # The name is the words up to the first abbreviation (ends in "." or is all capitals).
            n = next((i for i, w in enumerate(words) if i and (w.endswith(".") or w.isupper())), len(words))
            name = " ".join(words[:n])
            region = Region(name, country)
            for spelling in [name, *words[n:]]:
                table[_key(spelling)] = region
    table[_key("Québec")] = table[_key("Quebec")]
    for name in _UK.split(";"):
        table[_key(name)] = Region(name.strip(), UNITED_KINGDOM)
    return table


def _countries() -> dict[str, str]:
    table = {_key(name): name.strip() for name in _COUNTRIES.replace("\n", " ").split(";")}
    table.update({_key(alias): name for alias, name in _COUNTRY_ALIASES.items()})
    return table


REGIONS: dict[str, Region] = _regions()
COUNTRIES: dict[str, str] = _countries()

#: Where a second place starts: ``, and``, `` and ``, ``&``, ``;`` followed by its name.
_SECOND_PLACE = re.compile(r",?\s+(?:and|AND)\s+(?=\S)|\s*&\s*(?=\S)|\s*;\s*(?=\S)")


def region_of(text: str) -> Region | None:
    """The region ``text`` names (``Calif.``, ``CA``, ``California``, ``Ont.``), or ``None``."""
    return REGIONS.get(_key(text))


def country_name(text: str) -> str | None:
    """The one English name of the country ``text`` names (``U.S.``, ``SOUTH AFRICA``), or ``None``."""
    return COUNTRIES.get(_key(text))


def first_place(place: str) -> str:
    """The first of several places joined by ``and``/``&``/``;``; ``place`` itself if one.

    A join inside a country's own name (``Trinidad and Tobago``) is not a second place.
    """
    for m in _SECOND_PLACE.finditer(place):
        before = place.rfind(",", 0, m.start()) + 1
        after = place.find(",", m.end())
        part = place[before : after if after >= 0 else len(place)]
        if country_name(part) is None and region_of(part) is None:
            return place[: m.start()].strip().rstrip(",").strip()
    return place


def split_place(place: str) -> Place:
    """``VIENNA, Va.`` → (``VIENNA``, ``Virginia``, ``United States``); ``BAMAKO, Mali`` →
    (``BAMAKO``, ``None``, ``Mali``); a place without a comma is a city alone."""
    parts = [p.strip() for p in first_place(place).split(",") if p.strip()]
    if not parts:
        return Place(place.strip(), None, None)
    city, rest = parts[0], parts[1:]
    region: Region | None = None
    country: str | None = None
    for part in rest:
        if region is None and (found := region_of(part)) is not None:
            region = found
        elif (name := country_name(part)) is not None:
            country = name
    if region is not None and country is not None and country != region.country:
        region = None  # "Perth, WA, Australia": WA is not Washington here
    if country is None and region is not None:
        country = region.country
    if country is None and region is None and rest:
        country = rest[-1]  # neither a region nor a known country: kept as the dateline says
    return Place(city, region.name if region else None, country)
