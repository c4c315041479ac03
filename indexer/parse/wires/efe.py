"""Agencia EFE: ``Tegucigalpa, Jan 2 (EFE).-`` (English service, no year), ``Madrid, 2 ene (EFE).-``."""

from indexer.parse.wires._family import DASH, DAY, LINE_START, PLACE, Family, rx

FAMILY = Family(
    name="EFE",
    needles=("(EFE)",),
    datelines=(rx(rf"{LINE_START}{PLACE}(?:,\s+{DAY})?\s*\(EFE\)\s*\.?\s*{DASH}\s*"),),
    credits=(rx(rf"\(EFE\)\s*\.?\s*{DASH}"),),
    copyright=("agencia efe", "efe"),
)
