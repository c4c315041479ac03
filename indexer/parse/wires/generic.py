"""A release's own dateline, sent without a wire: ``München, 6. Juni 2025 –``, ``Stuttgart –``."""

from indexer.parse.dates import ANY_DATE
from indexer.parse.wires._family import DASH, LINE_START, Family, rx

_CITY = r"[A-ZÄÖÜ][\w.'/-]+(?: [A-ZÄÖÜ][\w.'/-]+){0,2}"

FAMILY = Family(
    name="",
    datelines=(rx(rf"{LINE_START}(?P<place>{_CITY}(?:, [A-Z][\w.' ]{{1,30}})?),\s+(?P<date>{ANY_DATE})\s*{DASH}\s+"),),
)

#: Without a date the shape is too common to look for anywhere but the story's first words.
STORY_START = rx(rf"\A\s*(?P<place>{_CITY})\s+[–—]\s+(?=[A-ZÄÖÜ])")
