"""ACCESSWIRE: ``HOUSTON, TX / ACCESSWIRE / January 14, 2025 /``.

Renamed ACCESS Newswire in 2024 (``BOSTON, MA / ACCESS Newswire / February 7, 2025 /``); both
names give the one wire value ``ACCESSWIRE``, so a facet or filter spans the rename.
"""

from indexer.parse.dates import EN_DATE
from indexer.parse.wires._family import LINE_START, PLACE, Family, glued, rx

_NAME = r"(?:ACCESSWIRE|ACCESS\s?(?:Newswire|NEWSWIRE))"
_TAIL = rf"\s*/\s*{_NAME}\s*/\s*(?P<date>{EN_DATE})\s*/\s*"

FAMILY = Family(
    name="ACCESSWIRE",
    needles=("ACCESSWIRE", "ACCESS Newswire", "ACCESS NEWSWIRE"),
    datelines=(
        rx(rf"{LINE_START}{PLACE}{_TAIL}"),
        # Scrapers glue a subtitle to the dateline: "…doing business therePIETERMARITZBURG, SOUTH AFRICA /".
        rx(rf"(?P<place>[A-Z][A-Z.,' ]{{2,60}}?){_TAIL}"),
    ),
    credits=(rx(rf"/\s*{_NAME}\s*/"),),
    footers=(
        rx(r"^SOURCE:\s*(?P<source>\S.*?)\s*$"),
        rx(
            r"^View (?:source version|the original press release) on (?:accesswire|newswire)\.com:\s*(?P<url>https?://\S+)\s*$"
        ),
    ),
    copyright=("accesswire", "access newswire"),
    breaks=(glued("SOURCE:", r"(?<=\S)[ \t]*(?=SOURCE:\s*\S[^\n]{1,100}\s*\Z)"),),
)
