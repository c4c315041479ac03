"""Australian Associated Press: ``LOS ANGELES, March 10 AAP –`` (no comma, no parentheses, no year).

A story closes with the desk's sign-off, ``AAP be/`` or ``AAP RTV ar``.
"""

from indexer.parse.wires._family import DASH, DAY, LINE_START, PLACE, Family, rx

FAMILY = Family(
    name="AAP",
    needles=("AAP",),
    # The bare "AAP" only after a day: "Reporters at AAP – …" is a sentence, not a dateline.
    datelines=(rx(rf"{LINE_START}{PLACE}(?:,\s+(?P<day>{DAY}))?(?:(?(day)\s+AAP|(?!))|\s*\(AAP\))\s*{DASH}\s*"),),
    credits=(rx(rf"\(AAP\)\s*{DASH}"), rx(r"^[ \t]*AAP(?:[ \t]+[A-Za-z]{1,4}){1,2}/?\s*\Z")),
    copyright=("australian associated press", "aap"),
)
