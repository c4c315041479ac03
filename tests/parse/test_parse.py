"""Parsing every format into `Document` fields, on the sample corpus and on edge-case files."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest
from conftest import CORPUS, SEED_NAME, shared_path

from indexer import DocumentError, parse_file, read_documents
from indexer.parse.dates import BERLIN


def test_seed_fields_exactly(seed_file):
    doc = parse_file(seed_file)
    assert doc.format == "seed"
    assert doc.date == date(2025, 6, 6)
    assert doc.label == "Anzeige"
    assert doc.published == datetime(2025, 6, 6, 13, 18, tzinfo=BERLIN)
    assert doc.published.utcoffset().total_seconds() == 7200
    assert doc.issuer == "General Staff of the Armed Forces of Mali (FAMa)"
    assert doc.title == (
        "General Staff of the Malian Armed Forces Announces Strategic Counter-Offensive "
        "Following Escalation in Terrorist Activity"
    )
    assert doc.headline == f"{doc.issuer}: {doc.title}"
    assert (doc.place, doc.city, doc.country) == ("BAMAKO, Mali", "BAMAKO", "Mali")
    assert doc.wire == "PR Newswire"
    assert doc.dateline == "BAMAKO, Mali, June 6, 2025 /PRNewswire/ --"
    assert doc.url == (
        "https://www.prnewswire.co.uk/news-releases/general-staff-of-the-malian-armed-forces-announces-"
        "strategic-counter-offensive-following-escalation-in-terrorist-activity-302475262.html"
    )
    assert doc.contact == "Public Affairs Office\nGeneral Staff of the Armed Forces of Mali (FAMa)"
    assert doc.copyright == "© 2025 PR Newswire"
    assert doc.body.startswith(
        "The General Staff of the Armed Forces of Mali (FAMa) has released an official communiqué"
    )
    assert doc.body.endswith("against all forms of insurgency and destabilizing influences.")
    for gone in ("Anzeige", "13:18", "/PRNewswire/", "please contact", "Cision", "©", "\u00a0"):
        assert gone not in doc.body
    assert doc.language == "en"  # detected from the text (the seed does not say)


def test_corpus_seed_is_the_shared_seed(seed_file):
    assert seed_file.read_bytes() == shared_path("seed", SEED_NAME).read_bytes()


SEED_LAYOUT = sorted(p for p in CORPUS.glob("[de][en]/*.txt"))


@pytest.mark.parametrize("path", SEED_LAYOUT, ids=lambda p: p.name)
def test_every_seed_layout_file(path):
    """Header, timestamp, issuer, wire and trailers come out of every sample release."""
    lines = path.read_text("utf-8").split("\n")
    doc = parse_file(path)
    assert doc.format == "seed"
    assert doc.date is not None and doc.date.isoformat() == lines[0].split()[1] == path.stem[-10:]
    assert doc.published.date() == doc.date and doc.published.tzinfo is BERLIN
    assert doc.label == lines[0].split()[2]
    assert doc.headline == lines[2] and doc.issuer and doc.title and lines[2] == f"{doc.issuer}: {doc.title}"
    assert doc.copyright and doc.copyright.startswith("© 2025")
    assert doc.copyright not in doc.body and lines[1] not in doc.body
    assert "\u00a0" not in doc.body
    if doc.url:
        assert doc.url not in doc.body


@pytest.mark.parametrize(
    "name, wire, place",
    [
        ("en/businesswire-corvane-lindqvist-acquisition-2025-06-24.txt", "Business Wire", "SAN DIEGO"),
        ("en/globenewswire-amberline-rail-corridor-2025-06-03.txt", "GlobeNewswire", "RIGA, Latvia"),
        ("en/accesswire-redmark-geothermal-well-2025-01-14.txt", "ACCESSWIRE", "HOUSTON, TX"),
        ("en/newsfile-silverpine-gold-yukon-2025-07-08.txt", "Newsfile", "Vancouver, British Columbia"),
        ("de/dpa-afx-kuestenstrom-windpark-ostseebogen-2025-06-26.txt", "dpa-AFX", "HAMBURG"),
        ("de/ots-verband-schienengueterverkehr-umfrage-2025-07-29.txt", "news aktuell", "Köln"),
    ],
)
def test_wire_and_place_per_wire(name, wire, place):
    doc = parse_file(CORPUS / name)
    assert (doc.wire, doc.place) == (wire, place)
    assert not doc.body.startswith(place)


def test_plain_text_first_line_is_title():
    path = CORPUS / "plain" / "rotterdam-terminal-strike-ends.txt"
    doc = parse_file(path)
    first = path.read_text("utf-8").split("\n")[0]
    assert doc.format == "text" and doc.title == first
    assert doc.body.startswith("Dock workers at the Nieuwe Waterweg Container Terminal")
    assert (doc.date, doc.issuer, doc.wire, doc.place, doc.url) == (None, None, None, None, None)


def test_markdown_front_matter():
    doc = parse_file(CORPUS / "markdown" / "meridia-port-mombasa-expansion-2025-04-02.md")
    assert doc.format == "markdown"
    assert doc.title == "Meridia Port Holdings Starts USD 410 Million Expansion of Mombasa Bulk Terminal"
    assert (doc.date, doc.issuer, doc.place, doc.wire, doc.language) == (
        date(2025, 4, 2),
        "Meridia Port Holdings Ltd",
        "Mombasa, Kenya",
        "GlobeNewswire",
        "en",
    )
    assert doc.url.startswith("https://www.globenewswire.com/news-release/2025/04/02/")
    assert doc.id.endswith("meridia-port-mombasa-expansion-2025-04-02.md")
    # The bold wire dateline was recognised and left the body.
    assert doc.body.startswith("Meridia Port Holdings Ltd, an operator of bulk")
    assert "**" not in doc.body and "(GLOBE NEWSWIRE)" not in doc.body


def test_markdown_without_front_matter():
    doc = parse_file(CORPUS / "markdown" / "grid-congestion-connection-queue.md")
    assert doc.title.startswith("Grid connection queues hold back 40 GW")
    assert (doc.place, doc.date) == ("Brussels", date(2025, 10, 9))
    assert doc.body.startswith("More than 40 gigawatts") and "#" not in doc.body[:5]


def test_markdown_bad_front_matter(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: [unclosed\n---\n\nBody", "utf-8")
    with pytest.raises(DocumentError, match="front matter is not valid YAML"):
        parse_file(bad)
    wrong = tmp_path / "wrong.md"
    wrong.write_text("---\ndate: someday\n---\n\nBody", "utf-8")
    doc = parse_file(wrong)  # a bad value skips its key (issue 19.1), never the file
    assert (doc.date, doc.body, doc.warnings) == (
        None,
        "Body",
        ["front matter key skipped: 'date' is not a date: 'someday'"],
    )


def test_html_page():
    doc = parse_file(CORPUS / "html" / "solenne-space-satellite-launch-2025-06-12.html")
    assert doc.format == "html" and doc.language == "en"
    assert doc.title == "Solenne Space Launches First Two Earth-Observation Satellites for Crop and Flood Monitoring"
    assert doc.description.startswith("Toulouse-based Solenne Space has launched")
    assert doc.date == date(2025, 6, 12)
    for hidden in ("dataLayer", "font-family", "Careers", "Newsroom"):
        assert hidden not in doc.body  # scripts, styles and the nav outside <main>
    assert "Solenne Space SAS today confirmed" in doc.body


def test_html_published_time_and_entities():
    doc = parse_file(CORPUS / "html" / "hansekaffee-uebernahme-roesterei-2025-10-08.html")
    assert doc.language == "de"
    assert doc.published == datetime.fromisoformat("2025-10-08T09:30:00+02:00")
    assert doc.title == "Hansekaffee übernimmt Traditionsrösterei Müller & Töchter"
    assert "&amp;" not in doc.body and "&Uuml;" not in doc.body


def test_deeply_nested_html_does_not_crash(tmp_path):
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + "<div>" * 5000 + "<p>Deep text</p>" + "</div>" * 5000 + "</body></html>")
    assert parse_file(page).body == "Deep text"


def test_jsonl_feed_uses_dateline_field_names():
    parsed = read_documents(CORPUS / "feeds" / "wire-feed-2025-07.jsonl")
    rows = [json.loads(line) for line in (CORPUS / "feeds" / "wire-feed-2025-07.jsonl").read_text("utf-8").splitlines()]
    assert [d.id for d in parsed.documents] == [r["id"] for r in rows]
    for doc, row in zip(parsed.documents, rows, strict=True):
        assert (doc.title, doc.issuer, doc.wire, doc.language, doc.date.isoformat()) == (
            row["title"],
            row["issuer"],
            row["wire"],
            row["language"],
            row["date"],
        )
        assert doc.place == row["place"]  # the record's own place wins over the body's dateline
    assert not parsed.errors


def test_jsonl_beir_keys_and_map(tmp_path):
    feed = tmp_path / "beir.jsonl"
    feed.write_text(
        json.dumps({"_id": "d1", "title": "Wing loading", "text": "Flow over a swept wing."})
        + "\n"
        + json.dumps({"_id": 2, "headline": "Mapped", "story": "Body text", "extra": 1})
        + "\n",
        "utf-8",
    )
    docs = read_documents(feed, field_map={"headline": "title", "story": "body"}).documents
    assert [(d.id, d.title, d.body) for d in docs] == [
        ("d1", "Wing loading", "Flow over a swept wing."),
        ("2", "Mapped", "Body text"),
    ]
    assert docs[1].warnings == ["line 2: keys not used: extra"]


@pytest.mark.parametrize(
    "text, body, copyright",
    [
        # An abstract about copyright is text, however it starts (CISI has one).
        (
            "Copyright protection became necessary with the invention of printing in 1450; " * 4,
            ("Copyright protection became necessary with the invention of printing in 1450; " * 4).strip(),
            None,
        ),
        (
            "Flow over a swept wing.\n© 2025 Acme Inc. All rights reserved.",
            "Flow over a swept wing.",
            "© 2025 Acme Inc. All rights reserved.",
        ),
    ],
)
def test_a_copyright_notice_is_a_short_last_line(tmp_path, text, body, copyright):
    feed = tmp_path / "f.jsonl"
    feed.write_text(json.dumps({"_id": "1", "title": "T", "text": text}) + "\n", "utf-8")
    doc = read_documents(feed).documents[0]
    assert (doc.body, doc.copyright) == (body, copyright)


def test_jsonl_without_ids_gets_line_ids(tmp_path):
    feed = tmp_path / "f.jsonl"
    feed.write_text('{"title": "A"}\n\n{"title": "B"}\n', "utf-8")
    assert [d.id for d in read_documents(feed, doc_id="feeds/f.jsonl").documents] == [
        "feeds/f.jsonl#1",
        "feeds/f.jsonl#3",
    ]


def test_parse_file_refuses_jsonl():
    with pytest.raises(DocumentError, match="use read_documents"):
        parse_file(CORPUS / "feeds" / "wire-feed-2025-07.jsonl")


@pytest.mark.parametrize(
    "content, reason",
    [(b"", "empty file"), (b"\n \n", "empty file"), (b"\x00\x01binary", "binary file"), (b"<html></html>", "no text")],
)
def test_unusable_files(tmp_path, content, reason):
    path = tmp_path / ("x.html" if content.startswith(b"<") else "x.txt")
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=reason) as caught:
        parse_file(path)
    assert caught.value.path == str(path)


def test_too_large_file_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("Title\n\n" + "word " * 1000, "utf-8")
    with pytest.raises(DocumentError, match="larger than"):
        read_documents(path, max_bytes=1000)


def test_invalid_header_date_is_a_warning_not_a_guess(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text(" date 2025-02-31 News\n31.02.2025 10:00 Uhr\nAcme: Something happened\n\nBody text.", "utf-8")
    doc = parse_file(path)
    assert (doc.date, doc.published, doc.label, doc.issuer) == (None, None, "News", "Acme")
    assert doc.warnings == [
        "header date '2025-02-31' is not a valid date",
        "timestamp '31.02.2025 10:00 Uhr' is not a valid time",
    ]


@pytest.mark.parametrize(
    "name, content",
    [
        (
            "feed.jsonl",
            '{"id": "a\\u001b[2J", "title": "Red \\u001b[31mALERT", "body": "The forces \\u001b]0;pwned\\u0007 said \\u009b2J so."}\n',
        ),
        ("release.md", '---\ntitle: "Red \\e[31mALERT"\nissuer: "Acme\\a"\n---\n\nThe forces \\x1b]0;pwned said so.\n'),
        (
            "page.html",
            "<html><head><title>Red &#27;[31mALERT</title></head><body><p>The forces &#x1b;]0;pwned&#7; said &#155;2J so.</p></body></html>",
        ),
    ],
)
def test_escapes_decode_to_no_control_characters(tmp_path, name, content):
    """JSON, YAML and HTML escapes are decoded after the text was cleaned: a terminal must still
    never be sent ESC, BEL or CSI from a document's fields."""
    path = tmp_path / name
    path.write_text(content, "utf-8")
    (doc,) = read_documents(path).documents
    values = [v for v in doc.to_dict().values() if isinstance(v, str)]
    assert "ALERT" in doc.title and "forces" in doc.body
    assert not [v for v in values if re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", v)]
