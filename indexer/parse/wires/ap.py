"""The Associated Press: ``KABUL, Afghanistan (AP) --``, ``MOSCOW (AP) —``."""

from indexer.parse.wires._family import DASH, LINE_START, PLACE, Family, rx

FAMILY = Family(
    name="AP",
    needles=("(AP)",),
    datelines=(rx(rf"{LINE_START}{PLACE}\s*\(AP\)\s*{DASH}\s*"),),
    credits=(rx(rf"\(AP\)\s*{DASH}"), rx(r"©\s*\d{4} The Associated Press")),
    copyright=("associated press",),
)
