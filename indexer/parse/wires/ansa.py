"""ANSA (Agenzia Nazionale Stampa Associata): the credit before the place, ``(ANSA) - Rome, October 11 -``
(English service, no year)."""

from indexer.parse.wires._family import DASH, DAY, LINE_START, PLACE, Family, rx

FAMILY = Family(
    name="ANSA",
    needles=("(ANSA)",),
    datelines=(rx(rf"{LINE_START}(?P<head>\(ANSA\))\s*{DASH}\s*{PLACE}(?:,\s+{DAY})?\s*{DASH}\s+"),),
    credits=(rx(rf"\(ANSA\)\s*{DASH}"),),
    copyright=("ansa",),
)
