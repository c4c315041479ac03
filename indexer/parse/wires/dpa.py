"""dpa-AFX (financial news) and dpa (general news): ``FRANKFURT (dpa-AFX) -``, ``Bogotá (dpa) -``."""

from indexer.parse.wires._family import DASH, LINE_START, PLACE, Family, glued, rx

#: The editors' codes that close a dpa-AFX story: "/wdw/DP/mis".
_EDITORS = r"/[a-z]{2,4}(?:/[A-Za-z]{2,4}){1,3}"
#: The codes as a credit: they start with a slash, glued to the last sentence or on a line of their
#: own, never inside a word (AFP's initials line "hh/ph/ts/hd" ends alike).
_EDITORS_CREDIT = rf"(?<![\w/]){_EDITORS}\s*\Z"

DPA_AFX = Family(
    name="dpa-AFX",
    needles=("(dpa-AFX",),
    datelines=(rx(rf"{LINE_START}{PLACE}\s*\(dpa-AFX(?:/[^)]*)?\)\s*{DASH}\s*"),),
    credits=(rx(r"\(dpa-AFX\)"),),
    # dpa-AFX closes a story with its editors' codes: "…erfüllen./wdw/DP/mis". Other wires sign off
    # with initials too, so an explicit credit ("(AFP) -") anywhere wins over them.
    weak_credits=(rx(_EDITORS_CREDIT),),
    footers=(rx(r"^Quelle:\s*dpa-AFX\s*$"), rx(rf"^{_EDITORS}\s*$")),
    breaks=(glued("dpa-AFX", rf"([.!?\"“”])[ \t]*(?={_EDITORS}\s*(?:\n|\Z))"),),
    copyright=("dpa-afx",),
)

DPA = Family(
    name="dpa",
    needles=("(dpa",),
    datelines=(rx(rf"{LINE_START}{PLACE}\s*\(dpa(?:/[^)]*)?\)\s*{DASH}\s*"),),
    # Papers that print dpa copy credit it at the end: "… skeptisch geäußert. (dpa)".
    credits=(rx(r"\(dpa\)"), rx(r"©\s*dpa-infocom")),
    footers=(rx(r"^dpa am \d{1,2}\.\d{1,2}\.\d{4}\s*$"),),
    copyright=("dpa-infocom", "dpa"),
)
