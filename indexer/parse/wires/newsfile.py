"""Newsfile: ``Toronto, Ontario--(Newsfile Corp. - July 27, 2020) -``."""

from indexer.parse.dates import EN_DATE
from indexer.parse.wires._family import DASH, LINE_START, PLACE, Family, glued, rx

FAMILY = Family(
    name="Newsfile",
    needles=("Newsfile",),
    datelines=(rx(rf"{LINE_START}{PLACE}\s*{DASH}\s*\(Newsfile Corp\.\s*-\s*(?P<date>{EN_DATE})\)\s*{DASH}\s*"),),
    credits=(rx(r"\(Newsfile Corp\."),),
    footers=(
        # A page may glue its own text to the link: "…/release/60535GENERIC GOLD-Aktie …".
        rx(r"^To view the source version of this press release, please visit\s+(?P<url>https?://\S*?/release/\d+).*$"),
    ),
    breaks=(glued("To view the source", r"(?<=\S)[ \t]*(?=To view the source version of this press release)"),),
    copyright=("newsfile",),
)
