"""Reuters: ``LIMA (Reuters) -``, ``WASHINGTON, June 6 (Reuters) -`` (no year)."""

from indexer.parse.wires._family import DASH, LINE_START, PLACE, Family, rx

_SERVICE = r"\((?:Reuters|Reuters Breakingviews|LPC/IFR|IFR|LPC)\)"

FAMILY = Family(
    name="Reuters",
    needles=("(Reuters", "(LPC", "(IFR"),
    datelines=(rx(rf"{LINE_START}{PLACE}(?:,\s+[A-Z][a-z]{{2,8}}\.?\s+\d{{1,2}})?\s*{_SERVICE}\s*{DASH}\s*"),),
    credits=(rx(rf"{_SERVICE}\s*{DASH}"),),
    copyright=("reuters",),
)
