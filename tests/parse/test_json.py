"""JSON files holding an array of articles (`indexer.parse.formats.jsonarray`): arrays, API answers, hostile files."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from indexer import DocumentError
from indexer.parse.dates import BERLIN
from indexer.parse.files import read_documents


def _json(tmp_path, value: Any, **kwargs):
    path = tmp_path / "f.json"
    if isinstance(value, bytes):
        path.write_bytes(value)
    else:
        path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return read_documents(path, doc_id="f.json", **kwargs)


ARTICLE = {
    "title": "Acme opens plant",
    "body": "BAMAKO, Mali, June 6, 2025 /PRNewswire/ -- Acme Corp opened a plant in the city today.\n\n"
    "It employs 300 people.",
    "published": "2025-06-06T09:30:00Z",
    "author": ["Ann Lee", "Bo Ek"],
    "tags": ["industry", "Mali"],
    "link": "https://news.example/acme",
    "lang": "en",
    "summary": "A plant &amp; jobs",
    "views": 12,
}


def test_array_of_articles_every_field(tmp_path):
    parsed = _json(tmp_path, [ARTICLE, {"headline": "Second", "text": "Short text."}])
    assert (len(parsed.documents), parsed.errors) == (2, [])
    doc = parsed.documents[0]
    assert (doc.id, doc.format) == ("f.json#1", "json")
    assert doc.title == "Acme opens plant"
    assert doc.published == datetime(2025, 6, 6, 9, 30, tzinfo=UTC)
    assert doc.date == date(2025, 6, 6)
    assert doc.author == "Ann Lee, Bo Ek"
    assert doc.keywords == ["industry", "Mali"]
    assert (doc.url, doc.language, doc.description) == ("https://news.example/acme", "en", "A plant & jobs")
    assert (doc.wire, doc.place, doc.city, doc.country) == ("PR Newswire", "BAMAKO, Mali", "BAMAKO", "Mali")
    assert doc.dateline == "BAMAKO, Mali, June 6, 2025 /PRNewswire/ --"
    assert doc.body == "Acme Corp opened a plant in the city today.\n\nIt employs 300 people."
    assert (parsed.documents[1].id, parsed.documents[1].title) == ("f.json#2", "Second")
    assert parsed.warnings == ["keys not used: views"]


def test_news_api_answer_reads_its_one_array(tmp_path):
    answer = {
        "status": "ok",
        "totalResults": 2,
        "articles": [
            {
                "source": {"id": None, "name": "Example Times"},
                "author": "Cy Doe",
                "title": "Markets rally",
                "description": "Stocks rose.",
                "url": "https://times.example/rally",
                "urlToImage": "https://times.example/rally.jpg",
                "publishedAt": "2025-06-06T14:00:00",
                "content": "Stocks rose on Friday as investors cheered the figures. [+1200 chars]",
            },
            {"source": {"name": "Other"}, "title": "Second story", "content": None, "publishedAt": "not a date"},
        ],
    }
    parsed = _json(tmp_path, answer)
    assert [d.id for d in parsed.documents] == ["f.json#1", "f.json#2"]
    doc = parsed.documents[0]
    assert (doc.issuer, doc.author, doc.title, doc.description) == (
        "Example Times",
        "Cy Doe",
        "Markets rally",
        "Stocks rose.",
    )
    assert doc.url == "https://times.example/rally"
    assert doc.published == datetime(2025, 6, 6, 14, 0, tzinfo=BERLIN)  # naive: the project's zone, as JSONL
    assert doc.body == "Stocks rose on Friday as investors cheered the figures. [+1200 chars]"
    assert (parsed.documents[1].body, parsed.documents[1].published) == ("", None)
    assert parsed.warnings == [
        "keys not used: urlToImage",
        "item 2: 'publishedAt' is not a date: 'not a date' (said once)",
    ]


def test_a_single_article_object_is_the_file_document(tmp_path):
    parsed = _json(tmp_path, {"title": "Alone", "content": "Just one.", "authors": [{"name": "Di"}]})
    assert [(d.id, d.title, d.body, d.author) for d in parsed.documents] == [("f.json", "Alone", "Just one.", "Di")]


def test_own_ids_when_unique_and_line_ids_otherwise(tmp_path):
    assert [d.id for d in _json(tmp_path, [{"id": 7, "title": "A"}, {"_id": "b", "title": "B"}]).documents] == [
        "7",
        "b",
    ]
    parsed = _json(tmp_path, [{"id": "x", "title": "A"}, {"title": "B"}])
    assert [d.id for d in parsed.documents] == ["f.json#1", "f.json#2"]
    assert parsed.warnings == [
        "the items' ids are not used as ids (empty in 1 (first at item 2)); each item is <file>#<item>"
    ]


def test_bad_items_are_errors_in_order(tmp_path):
    parsed = _json(tmp_path, [1, {"title": "A"}, {"title": {"nested": True}}, {"url": "https://x.example"}, "s"])
    assert [d.id for d in parsed.documents] == ["f.json#2"]
    assert parsed.errors == [
        "item 1: a JSON number, not an object",
        "item 3: 'title' must be text, not dict",
        "item 4: no title and no text",
        "item 5: a JSON string, not an object",
    ]


def test_map_renames_keys(tmp_path):
    parsed = _json(tmp_path, [{"hed": "Mapped", "copy": "Text."}], field_map={"hed": "title", "copy": "body"})
    assert [(d.title, d.body) for d in parsed.documents] == [("Mapped", "Text.")]


def test_unused_keys_are_said_once_per_file(tmp_path):
    parsed = _json(tmp_path, [{"title": f"T{i}", "score": i, f"k{i % 3}": 1} for i in range(2000)])
    assert len(parsed.documents) == 2000
    assert parsed.warnings == ["keys not used: score, k0, k1, k2"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"[]", "no JSON objects"),
        (b"42", "a JSON number, not an array of objects"),
        (b'"text"', "a JSON string, not an array of objects"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON nested too deeply"),
        (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "JSON nested too deeply"),
        (b'[{"title": "A"}', "not valid JSON (Expecting ',' delimiter, line 1 column 16)"),
        (b"[" + b"9" * 5000 + b"]", "a number with more than 4300 digits"),
        (b'{"a": [{"title": "x"}], "b": [{"title": "y"}]}', "a JSON object with 2 arrays of objects (a, b), not one"),
        (b'{"status": "ok"}', "a JSON object with neither a title or text key nor an array of objects"),
    ],
)
def test_unusable_files(tmp_path, content, reason):
    with pytest.raises(DocumentError, match=re.escape(f"f.json: {reason}")):
        _json(tmp_path, content)
