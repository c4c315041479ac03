"""Tokens of scraped text: sentences glued with no space split into their words, while
abbreviations, decimals and domain names stay one token (issue 19, point 7).

Samples are real occurrences, read by their path in ../shared/data/archives (skipped where
absent); the Markdown case is a faithful reconstruction, marked as such.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from conftest import shared_path

from indexer.core.analysis import english_analyzer, german_analyzer, neutral_analyzer

CITYBIZ = ("data", "archives", "newsworthy-citybiz", "citybiz", "2025")
TRENDS = ("data", "archives", "trends-de-jekyll", "_posts")
#: Real glued sentences: (file, the glued text as it is in the file).
ECONOMY = (*CITYBIZ, "0707", "q-a-with-arvind-chary-ceo-of-atlas-real-estate-partners.md")
GROWTH = (*CITYBIZ, "0820", "q-a-with-mike-kelley-president-americas-at-dywidag.md")


def _words(analyzer, text: str) -> list[str]:
    return [t.text for t in analyzer(text)]


def _around(parts: tuple[str, ...], needle: str, width: int = 30) -> str:
    """The real text around ``needle`` in a shared file (asserting it is there)."""
    text = shared_path(*parts).read_text(encoding="utf-8")
    at = text.index(needle)
    return text[max(0, at - width) : at + len(needle) + width]


def test_glued_sentences_split_and_names_stay_one_token() -> None:
    """Each real occurrence analysed: a glue splits, an abbreviation, decimal or domain does not."""
    english, german, unstemmed = english_analyzer(), german_analyzer(), neutral_analyzer()
    glued = [
        (ECONOMY, "local economy.And in", ["local", "economi", "and", "in"]),
        (GROWTH, "phase of growth.We", ["phase", "of", "growth", "we"]),
        (
            (*CITYBIZ, "0623", "interview-with-terrence-defranco-chairman-and-ceo-of-iotacomm.md"),
            "shareholders.For more",
            ["sharehold", "for", "more"],
        ),
        (
            (
                *CITYBIZ,
                "1023",
                "snap-benefits-uncertain-how-boca-helping-hands-will-help-plus-help-for-federal-workers.md",
            ),
            "visit BocaHelpingHands.org.Since 1998",
            ["visit", "bocahelpinghands.org", "sinc", "1998"],
        ),
    ]
    for parts, text, words in glued:
        assert text in _around(parts, text)
        assert _words(english, text) == words, text
    family = "seine Familie.Dabei verriet"
    assert family in _around((*TRENDS, "2024-05-02-martin-brambach.md"), family)
    assert _words(german, family) == ["sein", "famili", "dabei", "verriet"]
    # A closing bracket already separates words; it still does.
    assert _words(english, "(NYSE: ACME)The company") == ["nyse", "acm", "the", "compani"]
    kept = [
        (
            (*CITYBIZ, "0905", "rosso-commercial-sells-office-condo-at-annapolis-town-center-for-1-175m.md"),
            "www.RossoCRE.com",
            ["www.rossocre.com"],
        ),
        ((*CITYBIZ, "0602", "trump-media-raises-2-4-billion-amid-pivot-to-bitcoin.md"), "Truth.Fi", ["truth.fi"]),
    ]
    for parts, text, words in kept:
        assert text in _around(parts, text)
        assert _words(unstemmed, text) == words, text
    for text, words in [
        ("U.S. stocks", ["u.s", "stocks"]),
        ("rose 5.2 percent", ["rose", "5.2", "percent"]),
        ("e.g. bonds", ["e.g", "bonds"]),
        ("prnewswire.co.uk", ["prnewswire.co.uk"]),
        ("Amazon.com", ["amazon.com"]),
        ("inDrive.Money", ["indrive.money"]),
        ("z.B. Aktien", ["z.b", "aktien"]),
        ("1,000 jobs", ["1,000", "jobs"]),
    ]:
        assert _words(unstemmed, text) == words, text


def _hits(cli, query: str, index: Path) -> set[str]:
    result = cli("search", query, "--format", "json", "-n", "50", index=index)
    assert result.exit_code in (0, 1), result.output
    return {hit["id"] for hit in json.loads(result.stdout)["hits"]}


def test_a_phrase_across_a_glued_sentence_finds_the_real_article(cli, tmp_path: Path) -> None:
    """Indexed with the real CLI: phrases that cross the glue find the article; a query typed
    glued, or for a domain, is analysed the same way and still finds it."""
    src = tmp_path / "src"
    src.mkdir()
    for parts in (ECONOMY, GROWTH):
        shutil.copy(shared_path(*parts), src / parts[-1])
    index = tmp_path / "ix"
    assert cli("index", str(src), index=index).exit_code == 0
    economy, growth = ECONOMY[-1], GROWTH[-1]
    assert _hits(cli, '"local economy and in nashville"', index) == {economy}
    assert _hits(cli, '"new phase of growth we"', index) == {growth}
    assert _hits(cli, "economy.And", index) == {economy}
    assert _hits(cli, "growth.We", index) == {growth}


def test_markdown_link_or_bold_glued_to_the_next_word_gives_two_words(cli, tmp_path: Path) -> None:
    """The Markdown reader keeps a span's text with a space before a capitalised word glued to it.

    Faithful reconstruction (no such file is in ../shared): scraped releases write
    ``**Darigold**Headquartered`` and ``[Jane Doe](https://www.linkedin.com/in/janedoe/)Founder``."""
    from indexer.parse.files import parse_file

    path = tmp_path / "darigold.md"
    path.write_text(
        "# Darigold opens a plant\n\n"
        "SEATTLE, June 3, 2025 -- **Darigold**Headquartered in Seattle, the cooperative opened a plant.\n\n"
        "Contact: [Jane Doe](https://www.linkedin.com/in/janedoe/)Founder and president.\n",
        encoding="utf-8",
    )
    text = parse_file(path).body
    assert "Darigold Headquartered in Seattle" in text
    assert re.search(r"Jane Doe Founder", text), text
    index = tmp_path / "ix"
    assert cli("index", str(path), index=index).exit_code == 0
    assert _hits(cli, "headquartered", index) == {"darigold.md"}
    assert _hits(cli, '"doe founder"', index) == {"darigold.md"}
