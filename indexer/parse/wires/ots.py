"""news aktuell / ots (presseportal.de): ``Hamburg (ots) -`` and its ``Original-Content von`` line."""

from indexer.parse.wires._family import DASH, LINE_START, PLACE, Family, glued, rx

FAMILY = Family(
    name="news aktuell",
    # Scrapers of presseportal.de drop the dash ("Frankfurt (ots)  Seit …"); police releases
    # write "Rems-Murr-Kreis: (ots)".
    needles=("(ots",),
    datelines=(rx(rf"{LINE_START}{PLACE}:?\s*\(ots(?:/[^)]*)?\)[ \t]*(?:{DASH}[ \t]*)?"),),
    credits=(rx(r"\(ots\)"), rx(r"übermittelt durch news aktuell")),
    footers=(
        rx(r"^Original-?(?:Content|inhalt) von:?\s*(?P<source>.+?),?\s+übermittelt durch news aktuell\s*$"),
        rx(r"^Originalinhalt von .* übermittelt durch news aktuell\s*$"),
    ),
    copyright=("news aktuell",),
    # Scrapers of presseportal.de collapse the trailer's line breaks into runs of spaces.
    breaks=(
        glued("Rückfragen", r"(?<=\S)[ \t]{2,}(?=Rückfragen bitte an:)"),
        glued("Rückfragen", r"(?<=Rückfragen bitte an:)[ \t]+(?=\S)"),
        glued("Original", r"(?<=\S)[ \t]{2,}(?=Original-?(?:Content|inhalt) von)"),
        glued("news aktuell", r"(?<=übermittelt durch news aktuell)[ \t]+(?=\S)"),
    ),
)
