"""Agence France-Presse: ``STOCKHOLM, Aug 29, 2014 (AFP) -``, ``PARIS (AFP) -``.

The English service writes the year (read); the French writes ``Strasbourg, 10 juil 2024 (AFP) -``,
whose month `indexer.parse.dates` does not know (date not read). A story closes with the editors'
initials, ``hh/ph/ts/hd``, which dpa-AFX's codes resemble (see `dpa`).
"""

from indexer.parse.wires._family import DASH, DAY, LINE_START, PLACE, Family, rx

FAMILY = Family(
    name="AFP",
    needles=("(AFP)",),
    datelines=(rx(rf"{LINE_START}{PLACE}(?:,\s+{DAY})?\s*\(AFP\)\s*{DASH}\s*"),),
    credits=(rx(rf"\(AFP\)\s*{DASH}"),),
    copyright=("afp", "agence france-presse", "agence france presse"),
)
