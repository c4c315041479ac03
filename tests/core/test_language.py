"""Language detection: measured on real English and German news, and on what it must refuse."""

from __future__ import annotations

import csv
import re

import pytest
from conftest import CORPUS, shared_path

from indexer import read_documents
from indexer.core.language import detect_language, file_language


def test_bbc_news_is_english():
    files = sorted(shared_path("data", "bbc_news", "bbc").rglob("*.txt"))
    assert len(files) == 2225
    found = [detect_language(p.read_text("utf-8", errors="replace")) for p in files]
    assert found.count("en") / len(files) >= 0.995
    assert "de" not in found


def test_german_news_is_german():
    with shared_path("data", "gnad10k_german_news", "test.csv").open(encoding="utf-8") as fh:
        texts = [row[1] for row in csv.reader(fh, delimiter=";", quotechar="'")]
    assert len(texts) == 1028
    found = [detect_language(t) for t in texts]
    assert found.count("de") / len(texts) >= 0.99
    assert "en" not in found


LABELLED = sorted([*CORPUS.glob("de/*.txt"), *CORPUS.glob("en/*.txt"), *CORPUS.glob("*.txt")])


@pytest.mark.parametrize("path", LABELLED, ids=lambda p: p.name)
def test_sample_releases(path):
    """de/ holds German releases, en/ and the seed English ones."""
    doc = read_documents(path).documents[0]
    assert detect_language(f"{doc.title}\n{doc.body}") == ("de" if path.parent.name == "de" else "en")


# Documents whose source states its language (front matter, <html lang>, a JSONL key).
STATED = [
    d
    for p in sorted(CORPUS.rglob("*.*"))
    if p.suffix in (".md", ".html", ".jsonl")
    and re.search(r'^language:|lang="|"language":', p.read_text("utf-8"), re.MULTILINE)
    for d in read_documents(p).documents
]


@pytest.mark.parametrize("doc", STATED, ids=lambda d: d.id.rsplit("/", 1)[-1])
def test_detection_agrees_with_stated_language(doc):
    assert detect_language(f"{doc.title}\n{doc.body}") == doc.language


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Q3 2025: EUR 5.2bn",
        "Le gouvernement a annoncé mardi une nouvelle réforme des retraites pour les fonctionnaires de l'État.",
        "El gobierno anunció el martes una nueva reforma de las pensiones para los funcionarios públicos.",
        "Het kabinet heeft dinsdag een nieuwe hervorming van de pensioenen aangekondigd voor ambtenaren.",
    ],
)
def test_other_or_too_short_is_unknown(text):
    assert detect_language(text) is None


def test_a_given_language_is_kept(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("---\nlanguage: fr\n---\n# Titre\n\nThe text is English but the source says French.", "utf-8")
    assert read_documents(path).documents[0].language == "fr"


def test_a_feed_lends_its_language_to_items_too_short_to_tell(tmp_path):
    """Headline-only items in an English JSONL export are English, not unknown."""
    path = tmp_path / "feed.jsonl"
    lines = [
        f'{{"_id": "{i}", "text": "The company said that it will report the results of the year on {i} May."}}'
        for i in range(6)
    ]
    lines += ['{"_id": "short", "text": "Cascade directional filter"}']
    path.write_text("\n".join(lines) + "\n", "utf-8")
    docs = {d.id.rsplit("#", 1)[-1]: d for d in read_documents(path).documents}
    assert detect_language("Cascade directional filter") is None
    assert docs["short"].language == "en" and all(d.language == "en" for d in docs.values())


@pytest.mark.parametrize(
    "languages, expected",
    [
        (["en"] * 9 + [None] * 5, "en"),
        (["de"] * 5, "de"),
        (["en"] * 4 + [None], None),  # too few detected to speak for the file
        (["en"] * 9 + ["de"] * 2, None),  # a mixed file: no language of its own
        ([None] * 8, None),
    ],
)
def test_file_language(languages, expected):
    assert file_language(languages) == expected
