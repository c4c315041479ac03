"""PRWeb: ``SAN DIEGO, Calif. (PRWEB) January 14, 2020 --`` and, since Cision moved it onto PR
Newswire's system in 2023, ``SAN DIEGO, Jan. 14, 2025 /PRNewswire-PRWeb/ --``: both are PRWeb."""

from indexer.parse.dates import EN_DATE
from indexer.parse.wires._family import DASH, LINE_START, PLACE, Family, rx

FAMILY = Family(
    name="PRWeb",
    needles=("PRWEB", "PRWeb"),
    datelines=(
        rx(rf"{LINE_START}{PLACE}\s*\(PRWEB\)\s*(?P<date>{EN_DATE})\s*{DASH}\s*"),
        rx(rf"{LINE_START}{PLACE},\s+(?P<date>{EN_DATE})\s*/\s*PRNewswire-PRWeb\s*/\s*{DASH}\s*"),
    ),
    credits=(rx(r"\(PRWEB\)|/PRNewswire-PRWeb/"),),
    copyright=("prweb",),
)
