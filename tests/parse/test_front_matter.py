"""Front matter as real sites write it (issue 19.1): YAML, TOML and JSON, lists, aliases,
RFC 2822 dates, `--map`, and bad values that skip a key instead of failing the file."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from conftest import shared_path

from indexer.parse.files import read_documents

BERLIN_SUMMER = "+02:00"


@pytest.mark.parametrize(
    "name, title, day, published, keywords, language, warnings",
    [
        # An ordinary German post: RFC 2822 date with its zone.
        (
            "2024-04-15-lungenembolie.md",
            "🔥🔥 [Lungenembolie] Kristina Vogel erleidet Lungenembolie – das sind die Warnzeichen",
            date(2024, 4, 15),
            "2024-04-15T23:00:00" + BERLIN_SUMMER,
            ["entries", "DE"],
            "de",
            ["front matter keys not used: layout"],
        ),
        # An "llm" post whose time is broken (13 00 00): the date stays, the time is not guessed.
        (
            "2024-04-03-luke-mockridge.md",
            "🔥🔥 [Luke Mockridge]  I am 'the one from Aulendorf': This is how Steffen experienced the show with Luke...",
            date(2024, 4, 3),
            None,
            ["entries", "DE", "llm"],
            "en",
            [
                "front matter key 'date': time of day not read in 'Wed, 03 Apr 2024 13 00 00 +0200'; date kept",
                "front matter keys not used: layout",
            ],
        ),
    ],
)
def test_real_jekyll_posts(name, title, day, published, keywords, language, warnings):
    path = shared_path("data", "archives", "trends-de-jekyll", "_posts", name)
    doc = read_documents(path).documents[0]
    assert (doc.title, doc.date, doc.keywords, doc.language) == (title, day, keywords, language)
    assert (doc.published.isoformat() if doc.published else None) == published
    assert doc.warnings == warnings


def _read(tmp_path, name: str, text: str, **kwargs):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return read_documents(path, **kwargs).documents[0]


def test_yaml_lists_and_aliases(tmp_path):
    # Reconstruction of a Hugo finance site's front matter (issue 19's archive), values shortened.
    doc = _read(
        tmp_path,
        "hugo.md",
        (
            '---\ntitle: "Acme beats estimates"\ndate: "2025-02-13 15:30:54"\nlang: ["en"]\n'
            'tags: ["earnings", "S&P 500"]\ncategories: [Markets, earnings]\nsummary: "Acme rose 5%."\n'
            'author: ["Ann Lee", "Bo Chen"]\npermalink: https://example.com/acme\ntranslations: [de]\n---\n\n'
            "Acme Corp reported higher sales.\n"
        ),
    )
    assert doc.title == "Acme beats estimates" and doc.language == "en"
    assert doc.keywords == ["earnings", "S&P 500", "Markets"]
    assert (doc.description, doc.author, doc.url) == ("Acme rose 5%.", "Ann Lee, Bo Chen", "https://example.com/acme")
    # A naive front matter time is read as UTC (Hugo's default time zone).
    assert doc.date == date(2025, 2, 13)
    assert doc.published == datetime(2025, 2, 13, 15, 30, 54, tzinfo=UTC)
    assert doc.warnings == ["front matter keys not used: translations"]


def test_toml_front_matter(tmp_path):
    # Reconstruction of Hugo's TOML front matter.
    doc = _read(
        tmp_path,
        "toml.md",
        (
            '+++\ntitle = "Fed holds rates"\ndate = 2025-02-13T15:30:54-05:00\nkeywords = ["rate cut", "fed"]\n'
            'description = "No change."\nbyline = "Ann Lee"\ncanonical = "https://example.com/fed"\n+++\n\n'
            "The Federal Reserve kept rates unchanged.\n"
        ),
    )
    assert (doc.title, doc.date, doc.published.isoformat()) == (
        "Fed holds rates",
        date(2025, 2, 13),
        "2025-02-13T15:30:54-05:00",
    )
    assert (doc.keywords, doc.description, doc.author, doc.url) == (
        ["rate cut", "fed"],
        "No change.",
        "Ann Lee",
        "https://example.com/fed",
    )
    assert doc.body == "The Federal Reserve kept rates unchanged." and not doc.warnings


def test_json_front_matter(tmp_path):
    # Reconstruction of Hugo's JSON front matter: an object at the top of the file.
    meta = {
        "title": "Chip output rises",
        "date": "2025-03-01",
        "tags": ["chips"],
        "excerpt": "Up 4%.",
        "source_url": "https://example.com/chips",
        "weight": 3,
    }
    doc = _read(tmp_path, "json.md", json.dumps(meta, indent=2) + "\n\nFoundries raised output in March.\n")
    assert (doc.title, doc.date, doc.keywords, doc.description, doc.url) == (
        "Chip output rises",
        date(2025, 3, 1),
        ["chips"],
        "Up 4%.",
        "https://example.com/chips",
    )
    assert doc.body == "Foundries raised output in March."
    assert doc.warnings == ["front matter keys not used: weight"]


def test_bad_values_skip_the_key_not_the_file(tmp_path):
    doc = _read(
        tmp_path,
        "bad.md",
        ("---\ntitle: Fine\ndate: 2025-02-31\nlanguage: 7\nauthor: {name: Ann}\ntags: [[nested]]\n---\n\nBody text.\n"),
    )
    assert (doc.title, doc.date, doc.author, doc.keywords, doc.body) == ("Fine", None, None, None, "Body text.")
    assert doc.warnings == [
        "front matter key skipped: 'date' is not a date: '2025-02-31'",
        "front matter key skipped: 'language' must be a language code such as \"en\", not int",
        "front matter key skipped: 'author' must be text, not dict",
        "front matter key skipped: 'tags' must be a list of words, not list",
    ]


def test_map_applies_to_front_matter(tmp_path):
    doc = _read(
        tmp_path,
        "mapped.md",
        "---\nheadline: Mapped title\nteaser: Short.\n---\n\nBody.\n",
        field_map={"headline": "title", "teaser": "description"},
    )
    assert (doc.title, doc.description, doc.warnings) == ("Mapped title", "Short.", [])


def test_cli_map_keywords_facet_filter_and_author(cli, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text(
        "---\nheadline: Fed holds\ntags: [rate cut, fed]\nbyline: Ann Lee\n---\n\nRates held.\n", "utf-8"
    )
    (docs / "b.md").write_text("---\nheadline: Chips\ncategories: chips fed\n---\n\nOutput rose.\n", "utf-8")
    ix = str(tmp_path / "ix")
    result = cli("index", str(docs), "--index", ix, "--map", "headline=title")
    assert result.exit_code == 0, result.output
    found = cli("search", 'keywords:"rate cut"', "--index", ix)
    assert found.exit_code == 0 and "Fed holds" in found.output and "Chips" not in found.output
    assert "Fed holds" in cli("search", "author:lee", "--index", ix).output
    facets = cli("search", "*", "--index", ix, "--facet", "keywords")
    block = facets.output.split("keywords:\n")[1].split("\n\n")[0].split("\n")
    assert [line.split() for line in block] == [["2", "fed"], ["1", "chips"], ["1", "rate", "cut"]]
    chips = cli("search", "*", "--index", ix, "--filter", "keywords=chips")
    assert "Chips" in chips.output and "Fed holds" not in chips.output
