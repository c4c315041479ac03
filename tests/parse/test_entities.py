"""HTML entities (``&amp;``, ``&#39;``, ``&quot;``, ``&nbsp;``) are decoded once, in every text field
of every format (issue 19, point 5): real citybiz titles, and reconstructions for each format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import shared_path

from indexer.parse.files import read_documents

CITYBIZ = ("data", "archives", "newsworthy-citybiz", "citybiz", "2025")


def _no_entities(doc) -> None:
    for name, value in doc.to_dict().items():
        if isinstance(value, str) and name not in ("id", "source"):
            for entity in ("&amp;", "&#39;", "&quot;", "&nbsp;"):
                assert entity not in value, (name, value)


@pytest.mark.parametrize(
    ("path", "title"),
    [
        (
            "0718/q-a-with-nate-chang-chief-marketing-officer-for-sequel-brands.md",
            "Q&A with Nate Chang, Chief Marketing Officer for Sequel Brands",
        ),
        (
            "0602/q-a-with-chad-roffers-co-founder-and-ceo-of-concierge-auctions.md",
            "Q&A with Chad Roffers, Co-Founder and CEO of Concierge Auctions",
        ),
    ],
)
def test_real_citybiz_titles_with_amp(path: str, title: str) -> None:
    file = shared_path(*CITYBIZ, *path.split("/"))
    assert file.read_text(encoding="utf-8").startswith("# " + title.replace("&", "&amp;") + "\n")
    doc = read_documents(file).documents[0]
    assert doc.title == title
    assert doc.format == "markdown" and doc.language == "en"
    assert doc.body.startswith(title.split(",")[0].removeprefix("Q&A with "))
    _no_entities(doc)


def test_every_citybiz_title_with_amp_is_decoded() -> None:
    """All 376 files of the archive whose H1 carries ``&amp;``: the title has ``&`` instead."""
    root = shared_path(*CITYBIZ)
    encoded = []
    for file in sorted(root.rglob("*.md")):
        first = file.read_text(encoding="utf-8").split("\n", 1)[0]
        if "&amp;" in first:
            encoded.append((file, first.removeprefix("# ").replace("&amp;", "&")))
    assert len(encoded) == 376
    wrong = [(f.name, t) for f, t in encoded if read_documents(f).documents[0].title != t]
    assert wrong == []


def test_plain_text_fields_decoded_once(tmp_path: Path) -> None:
    # Reconstruction (not in the shared data): the seed layout with entities in its title and body.
    file = tmp_path / "seed.txt"
    file.write_text(
        "date 2025-06-06 Anzeige\n06.06.2025 13:18 Uhr\nAcme&#39;s Corp: Q&amp;A on &quot;growth&quot;\n\n"
        "Acme&nbsp;Corp said profits rose. The code &amp;amp; stays once-decoded; ?a=1&region=us stays.\n",
        encoding="utf-8",
    )
    doc = read_documents(file).documents[0]
    assert doc.format == "seed"
    assert doc.issuer == "Acme's Corp"
    assert doc.title == 'Q&A on "growth"'
    assert doc.headline == 'Acme\'s Corp: Q&A on "growth"'
    assert doc.body == "Acme Corp said profits rose. The code &amp; stays once-decoded; ?a=1&region=us stays."


def test_markdown_front_matter_and_heading_decoded(tmp_path: Path) -> None:
    # Reconstruction: a scraped Markdown page whose front matter and heading carry entities.
    file = tmp_path / "page.md"
    file.write_text(
        '---\ndescription: "Smith &amp; Wesson&#39;s year"\ncontact: Jane O&#39;Brien\nauthor: Pat O&#39;Hara\n'
        'tags: ["M&amp;A", "R&amp;D"]\n'
        "url: https://example.com/?a=1&amp;b=2\n---\n# Smith &amp; Wesson&#39;s results\n\n"
        "Revenue&nbsp;rose &quot;sharply&quot;.\n",
        encoding="utf-8",
    )
    doc = read_documents(file).documents[0]
    assert doc.title == "Smith & Wesson's results"
    assert doc.description == "Smith & Wesson's year"
    assert doc.contact == "Jane O'Brien"
    assert doc.author == "Pat O'Hara"
    assert doc.keywords == ["M&A", "R&D"]
    assert doc.url == "https://example.com/?a=1&b=2"
    assert doc.body == 'Revenue rose "sharply".'
    _no_entities(doc)


def test_jsonl_fields_decoded_once(tmp_path: Path) -> None:
    # Reconstruction: a JSONL feed whose values carry entities, one of them escaped twice.
    file = tmp_path / "feed.jsonl"
    record = {
        "id": "a&amp;b",
        "title": "Q&amp;A: Acme&#39;s CEO",
        "description": "&quot;Bold&quot; plans",
        "body": "Acme&nbsp;Corp writes &amp;amp; in its code.",
        "place": "Lagos&nbsp;Island",
    }
    file.write_text(json.dumps(record) + "\n", encoding="utf-8")
    doc = read_documents(file).documents[0]
    assert doc.id == "a&amp;b"  # an id is a name, kept exactly
    assert doc.title == "Q&A: Acme's CEO"
    assert doc.description == '"Bold" plans'
    assert doc.body == "Acme Corp writes &amp; in its code."
    assert doc.place == "Lagos Island"


def test_each_format_decodes_once(tmp_path: Path) -> None:
    """A title escaped twice (``&amp;amp;``) loses one escape in every format; an HTML page's
    parser decodes it, and nothing decodes it again (which would give a bare ``&``)."""
    files = {
        "t.txt": "Q&amp;amp;A &#39;now&#39;\n\nBody text.\n",
        "t.md": "# Q&amp;amp;A &#39;now&#39;\n\nBody text.\n",
        "t.jsonl": json.dumps({"title": "Q&amp;amp;A &#39;now&#39;", "body": "Body text."}) + "\n",
        "t.html": "<html><head><title>Q&amp;amp;A &#39;now&#39;</title></head><body><p>Body text.</p></body></html>",
    }
    titles = {}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        titles[name] = read_documents(tmp_path / name).documents[0].title
    assert titles == dict.fromkeys(files, "Q&amp;A 'now'")


def test_search_finds_a_title_phrase_with_apostrophe(cli, tmp_path: Path) -> None:
    # Reconstruction: half the files write the apostrophe as an entity, as a scraped site does.
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# Acme&#39;s record quarter\n\nSales rose.\n", encoding="utf-8")
    (docs / "b.md").write_text("# Acme's record quarter\n\nSales rose again.\n", encoding="utf-8")
    index = tmp_path / "ix"
    assert cli("index", str(docs), index=index).exit_code == 0
    result = cli("search", 'title:"acme\'s record"', "--format", "json", index=index)
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)["hits"]
    assert sorted(h["id"] for h in hits) == ["a.md", "b.md"]
    assert {h["title"] for h in hits} == {"Acme's record quarter"}
