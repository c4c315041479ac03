"""EIN Presswire: ``WASHINGTON, DC, UNITED STATES, January 14, 2025 /EINPresswire.com/ --``."""

from indexer.parse.dates import EN_DATE
from indexer.parse.wires._family import DASH, LINE_START, PLACE, Family, rx

FAMILY = Family(
    name="EIN Presswire",
    needles=("EINPresswire", "EIN Presswire"),
    datelines=(rx(rf"{LINE_START}{PLACE},\s+(?P<date>{EN_DATE})\s*/\s*EIN\s?Presswire(?:\.com)?\s*/\s*{DASH}\s*"),),
    credits=(rx(r"/\s*EIN\s?Presswire(?:\.com)?\s*/"),),
    copyright=("ein presswire", "einpresswire"),
)
