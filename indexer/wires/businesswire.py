"""Business Wire: ``SAN FRANCISCO--(BUSINESS WIRE)--``, no date in the dateline."""

from ._family import DASH, LINE_START, PLACE, Family, rx

FAMILY = Family(
    name="Business Wire",
    needles=("BUSINESS WIRE",),
    datelines=(rx(rf"{LINE_START}{PLACE}\s*{DASH}\s*\(BUSINESS WIRE\)\s*{DASH}\s*"),),
    credits=(rx(r"\(BUSINESS WIRE\)"),),
    footers=(
        rx(r"^View source version on businesswire\.com:\s*(?P<url>https?://\S+)\s*$"),
        rx(r"^Source:\s*(?P<source>\S.*?)\s*$"),
    ),
    copyright=("business wire",),
    contact_after=rx(r"^View source version on businesswire\.com:\s*(?P<url>https?://\S+)\s*$"),
)
