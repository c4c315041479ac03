"""GlobeNewswire: ``RIGA, Latvia, June 3, 2025 (GLOBE NEWSWIRE) --``."""

from indexer.parse.dates import EN_DATE
from indexer.parse.wires._family import DASH, LINE_START, PLACE, Family, rx

FAMILY = Family(
    name="GlobeNewswire",
    needles=("GLOBE NEWSWIRE",),
    datelines=(rx(rf"{LINE_START}{PLACE},\s+(?P<date>{EN_DATE})\s*\(GLOBE NEWSWIRE\)\s*{DASH}\s*"),),
    credits=(rx(r"\(GLOBE NEWSWIRE\)"),),
    footers=(rx(r"^Source:\s*(?P<source>\S.*?)\s*$"),),
    copyright=("globenewswire", "globe newswire"),
)
