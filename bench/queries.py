"""The fixed query list of bench/run.py: keyword, phrase, field and date-range queries, each
written for dateline, for naive Whoosh, and for SQLite FTS5, plus the word ``rg -il`` looks for.

The words come from the stories bench/corpus.py wraps (Reuters 1987 business news, BBC News,
DER STANDARD); issuers, wires and places from the lists it draws from.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Query:
    kind: str  # keyword, phrase, field, date
    dateline: str
    whoosh: str  # naive Whoosh's QueryParser over title and body
    fts5: str  # an FTS5 MATCH expression
    rg: str | None = None  # the keyword for rg -il, for single-word queries
    dates: tuple[str, str] | None = None  # FTS5 has no ranges in MATCH: a WHERE on the date column


def _keyword(text: str) -> Query:
    words = text.split()
    return Query("keyword", text, text, " AND ".join(f'"{w}"' for w in words), words[0] if len(words) == 1 else None)


def _phrase(text: str) -> Query:
    return Query("phrase", f'"{text}"', f'"{text}"', f'"{text}"')


# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 26 lines, not 4.
KEYWORDS = ["oil", "coffee", "merger", "dividend", "gold", "wheat", "Bundesbank", "OPEC", "football",
            "election", "broadband", "Regierung", "Flüchtlinge", "cocoa", "sugar", "yen", "oil prices",
            "interest rates", "takeover bid", "trade deficit", "crude output", "coffee exports",
            "mobile phones", "share buyback"]  # fmt: skip
# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 14 lines, not 3.
PHRASES = ["oil prices", "interest rates", "trade deficit", "tender offer", "stock split", "crude oil",
           "federal reserve", "world cup", "chief executive", "net profit", "prime minister",
           "european union"]  # fmt: skip
FIELDS = [
    Query("field", "issuer:apex", "issuer:apex", "issuer:apex"),
    Query("field", "issuer:zenith oil", "issuer:zenith (title:oil OR body:oil)", "issuer:zenith AND oil"),
    Query("field", 'wire:"business wire" merger', 'wire:"business wire" merger', 'wire:"business wire" AND merger'),
    Query("field", "wire:globenewswire dividend", "wire:globenewswire dividend", "wire:globenewswire AND dividend"),
    Query("field", "place:tokyo", "place:tokyo", "place:tokyo"),
    Query("field", "place:london bank", "place:london bank", "place:london AND bank"),
    Query("field", "title:coffee", "title:coffee", "title:coffee"),
    Query("field", "title:merger", "title:merger", "title:merger"),
    Query("field", "title:oil place:houston", "title:oil place:houston", "title:oil AND place:houston"),
    Query("field", "issuer:northwind title:gold", "issuer:northwind title:gold", "issuer:northwind AND title:gold"),
]
DATES = [
    Query(
        "date",
        f"{word} date:[{lo} to {hi}]",
        f"{word} date:[{lo.replace('-', '')} to {hi.replace('-', '')}]",
        f'"{word}"',
        dates=(lo, hi),
    )
    for word, lo, hi in [
        ("oil", "2021-01-01", "2021-12-31"),
        ("merger", "2022-01-01", "2022-06-30"),
        ("coffee", "2020-01-01", "2020-12-31"),
        ("dividend", "2023-03-01", "2023-03-31"),
        ("gold", "2024-01-01", "2024-12-31"),
        ("bank", "2025-01-01", "2025-12-31"),
        ("wheat", "2020-06-01", "2021-05-31"),
        ("football", "2022-01-01", "2022-12-31"),
        ("election", "2023-01-01", "2023-12-31"),
        ("yen", "2021-07-01", "2021-09-30"),
    ]
]

QUERIES: list[Query] = [_keyword(k) for k in KEYWORDS] + [_phrase(p) for p in PHRASES] + FIELDS + DATES
