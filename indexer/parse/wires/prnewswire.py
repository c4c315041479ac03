"""PR Newswire (Cision): ``CITY, Country, June 6, 2025 /PRNewswire/ --``.

Cision's Canadian service (CNW, Canada Newswire) writes ``TORONTO, Jan. 15, 2025 /CNW/ -`` (``/CNW
Telbec/`` in Quebec) with the same footers; it is the one wire value ``PR Newswire``.
"""

from indexer.parse.dates import EN_DATE
from indexer.parse.wires._family import DASH, LINE_START, PLACE, Family, glued, rx

_URL = r"(?P<url>https?://\S+)"
_SERVICE = r"(?:PRNewswire(?:-[A-Za-z]+)?|CNW(?: Telbec)?)"

FAMILY = Family(
    name="PR Newswire",
    needles=("PRNewswire", "/CNW"),
    datelines=(rx(rf"{LINE_START}{PLACE},\s+(?P<date>{EN_DATE})\s*/\s*{_SERVICE}\s*/\s*(?:\*\*)?\s*{DASH}\s*"),),
    # The credit also closes some releases: "/PRNewswire -- March 5, 2020/".
    credits=(rx(r"/\s*PRNewswire(?:-[A-Za-z]+)?\b|/CNW(?: Telbec)?/"),),
    footers=(
        rx(rf"^(?:Cision )?View original content(?: to download multimedia)?:\s*{_URL}\s*$"),
        rx(r"^SOURCE\s+(?P<source>\S.*?)\s*$"),
        rx(r"^/?\s*PRNewswire\s*--\s*[^/\n]{3,30}/\s*$"),
    ),
    copyright=("pr newswire", "prnewswire", "cision"),
    breaks=(
        glued("View original content", r"(?<=\S)(?<!Cision)[ \t]*(?=(?:Cision )?View original content)"),
        glued("SOURCE", r"(?<=\S)[ \t]*(?=SOURCE\s+\S[^\n]{1,100}\s*\Z)"),
        glued("/PRNewswire", r"(?<=\S)[ \t]*(?=/PRNewswire\s*--\s*[^/\n]{3,30}/)"),
    ),
)
