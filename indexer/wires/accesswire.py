"""ACCESSWIRE: ``HOUSTON, TX / ACCESSWIRE / January 14, 2025 /``."""

from ..dates import EN_DATE
from ._family import LINE_START, PLACE, Family, glued, rx

_TAIL = rf"\s*/\s*ACCESSWIRE\s*/\s*(?P<date>{EN_DATE})\s*/\s*"

FAMILY = Family(
    name="ACCESSWIRE",
    needles=("ACCESSWIRE",),
    datelines=(
        rx(rf"{LINE_START}{PLACE}{_TAIL}"),
        # Scrapers glue a subtitle to the dateline: "…doing business therePIETERMARITZBURG, SOUTH AFRICA /".
        rx(rf"(?P<place>[A-Z][A-Z.,' ]{{2,60}}?){_TAIL}"),
    ),
    credits=(rx(r"/\s*ACCESSWIRE\s*/"),),
    footers=(
        rx(r"^SOURCE:\s*(?P<source>\S.*?)\s*$"),
        rx(r"^View (?:source version|the original press release) on (?:accesswire|newswire)\.com:\s*(?P<url>https?://\S+)\s*$"),
    ),
    copyright=("accesswire",),
    breaks=(glued("SOURCE:", r"(?<=\S)[ \t]*(?=SOURCE:\s*\S[^\n]{1,100}\s*\Z)"),),
)
