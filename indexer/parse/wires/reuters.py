"""Reuters: ``LIMA (Reuters) -``, ``WASHINGTON, June 6 (Reuters) -`` (no year), and without a
place, ``Jan 30 (Reuters) -`` (markets and briefs)."""

from indexer.parse.wires._family import DASH, LINE_START, NO_PLACE, PLACE, Family, rx

_SERVICE = r"\((?:Reuters|Reuters Breakingviews|LPC/IFR|IFR|LPC)\)"

FAMILY = Family(
    name="Reuters",
    needles=("(Reuters", "(LPC", "(IFR"),
    datelines=(
        # First: on a tie the earlier pattern wins, and the next would take "Jan 30" for a place.
        rx(rf"{LINE_START}{NO_PLACE}\s*{_SERVICE}\s*{DASH}\s*"),
        rx(rf"{LINE_START}{PLACE}(?:,\s+[A-Z][a-z]{{2,8}}\.?\s+\d{{1,2}})?\s*{_SERVICE}\s*{DASH}\s*"),
    ),
    credits=(rx(rf"{_SERVICE}\s*{DASH}"),),
    copyright=("reuters",),
)
