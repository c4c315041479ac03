"""Business Wire: ``SAN FRANCISCO--(BUSINESS WIRE)--``, no date in the dateline.

Republishers rewrite the dashes (``VIENNA, Va.–(BUSINESS WIRE)–``) and pad the parentheses
(``DALLAS–( BUSINESS WIRE )–``).
"""

from indexer.parse.wires._family import DASH, LINE_START, PLACE, Family, rx

FAMILY = Family(
    name="Business Wire",
    needles=("BUSINESS WIRE",),
    datelines=(rx(rf"{LINE_START}{PLACE}\s*{DASH}\s*\(\s*BUSINESS WIRE\s*\)\s*{DASH}\s*"),),
    credits=(rx(r"\(\s*BUSINESS WIRE\s*\)"),),
    footers=(
        rx(r"^View source version on businesswire\.com:\s*(?P<url>https?://\S+)\s*$"),
        rx(r"^Source:\s*(?P<source>\S.*?)\s*$"),
    ),
    copyright=("business wire",),
    contact_after=rx(r"^View source version on businesswire\.com:\s*(?P<url>https?://\S+)\s*$"),
)
