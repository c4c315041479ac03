"""Web archives (`indexer.parse.formats.warc`): each captured HTML page is a document, read as an
HTML file is; revisits and repeated payloads are not indexed twice; other records are passed over;
a damaged archive keeps what came before the damage."""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import shared_path

from indexer.core.errors import DocumentError
from indexer.parse.files import read_documents

STORM = (
    b'<html lang="en"><head><title>Storm | Example News</title>'
    b'<meta property="article:published_time" content="2016-10-17T08:52:00-05:00"></head>'
    b"<body><nav><a href='/'>Home</a></nav><article><h1>Storm hits the coast</h1>"
    b"<p>GALVESTON, Texas, Oct. 17, 2016 /PRNewswire/ -- A storm hit the coast today, the city said.</p>"
    b"<p>Contact: Jane Roe, jane@example.com</p></article></body></html>"
)
MARKT = (
    "<html><head><title>Markt</title></head><body><main><h1>Börse schließt höher</h1>"
    "<p>Die Börse in Frankfurt schloss am Montag höher, weil die Anleger auf sinkende Zinsen setzen und die "
    "Unternehmen gute Zahlen für das erste Quartal vorgelegt haben.</p></main></body></html>"
)


def _record(kind: str, uri: str, block: bytes, gz: bool, extra: str = "", when: str = "2016-10-17T14:57:38Z") -> bytes:
    """One WARC record, written out by hand (as the WARC 1.1 standard lays it out), gzipped alone
    when ``gz`` as crawlers write ``.warc.gz``."""
    content_type = {"warcinfo": "application/warc-fields", "metadata": "application/warc-fields"}.get(
        kind, f"application/http; msgtype={'request' if kind == 'request' else 'response'}"
    )
    head = (
        f"WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {when}\r\n"
        f"WARC-Record-ID: <urn:uuid:{abs(hash((kind, uri, block))):032x}>\r\n{extra}"
        f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    )
    record = head.encode() + block + b"\r\n\r\n"
    return gzip.compress(record) if gz else record


def _http(body: bytes, content_type: str, status: str = "200 OK") -> bytes:
    return f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body


def _warc(path: Path, *, gz: bool = True) -> Path:
    """A small crawl: warcinfo, a request, two pages (one in Latin-1), a revisit, the first page
    again under another URL, an image, a 404 and a metadata record."""
    records = [
        _record("warcinfo", "", b"software: test\r\n", gz),
        _record("request", "http://example.com/storm", b"GET /storm HTTP/1.1\r\nHost: example.com\r\n\r\n", gz),
        _record("response", "http://example.com/storm", _http(STORM, "text/html; charset=utf-8"), gz),  # record 3
        _record(
            "response",
            "http://example.de/markt",
            _http(MARKT.encode("latin-1"), "text/html; charset=iso-8859-1"),
            gz,
            when="2021-05-03T09:00:00Z",
        ),
        _record(
            "revisit",
            "http://example.com/storm",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n",
            gz,
            "WARC-Profile: http://netpreserve.org/warc/1.1/revisit/identical-payload-digest\r\n"
            "WARC-Refers-To-Target-URI: http://example.com/storm\r\n",
        ),
        _record("response", "http://example.com/storm?utm=1", _http(STORM, "text/html"), gz),  # the same page again
        _record("response", "http://example.com/logo.png", _http(b"\x89PNG\r\n", "image/png"), gz),
        _record(
            "response",
            "http://example.com/gone",
            _http(b"<html><body><p>Not here</p></body></html>", "text/html", "404 Not Found"),
            gz,
        ),
        _record("metadata", "http://example.com/storm", b"x: y\r\n", gz),
    ]
    path.write_bytes(b"".join(records))
    return path


@pytest.mark.parametrize("gz", [True, False])
def test_each_captured_page_is_a_document_once(tmp_path: Path, gz: bool) -> None:
    path = _warc(tmp_path / ("crawl.warc.gz" if gz else "crawl.warc"), gz=gz)
    parsed = read_documents(path, doc_id="crawl")
    assert parsed.errors == []
    assert [d.id for d in parsed.documents] == ["crawl#3", "crawl#4"]
    storm, markt = parsed.documents
    assert storm.format == "warc"
    assert storm.title == "Storm hits the coast"
    assert storm.url == "http://example.com/storm"
    assert storm.published is not None and storm.published.isoformat() == "2016-10-17T08:52:00-05:00"
    assert storm.date == date(2016, 10, 17)
    assert (storm.wire, storm.place, storm.country) == ("PR Newswire", "GALVESTON, Texas", "United States")
    assert storm.body.startswith("A storm hit the coast today, the city said.")
    assert storm.language == "en"
    assert "Home" not in storm.body  # outside <article>
    assert markt.title == "Börse schließt höher"  # Latin-1 as the HTTP header declares
    assert markt.body.startswith("Die Börse in Frankfurt schloss am Montag höher")
    assert markt.language == "de"
    # No date in the page: the capture time stands for it.
    assert markt.published == datetime(2021, 5, 3, 9, 0, tzinfo=UTC)


def test_an_arc_file_is_read_too(tmp_path: Path) -> None:
    http = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + STORM
    description = b"1 0 Example\nURL IP-address Archive-date Content-type Archive-length\n"
    data = (
        b"filedesc://crawl.arc 0.0.0.0 20161017145738 text/plain %d\n" % len(description)
        + description
        + b"\nhttp://example.com/storm 1.2.3.4 20161017145738 text/html %d\n" % len(http)
        + http
        + b"\n"
    )
    path = tmp_path / "crawl.arc.gz"
    path.write_bytes(gzip.compress(data))  # gzipped whole, not record by record as crawlers do
    [doc] = read_documents(path, doc_id="crawl.arc.gz").documents
    assert (doc.id, doc.title, doc.url, doc.wire) == (
        "crawl.arc.gz#2",
        "Storm hits the coast",
        "http://example.com/storm",
        "PR Newswire",
    )


def test_a_real_clipped_capture_is_read_up_to_its_cut() -> None:
    path = shared_path("data", "formats", "warc", "clipped.warc.gz")
    parsed = read_documents(path, doc_id="clipped.warc.gz")
    [doc] = parsed.documents
    assert doc.id == "clipped.warc.gz#1"
    assert (
        doc.url
        == "http://www.houstonpress.com/music/a-humble-chance-the-rapper-leads-a-spiritual-awakening-at-revention-8866723"
    )
    # The page's own publication time, not the capture's (2016-10-17T14:57:38Z).
    assert doc.published is not None and doc.published.isoformat() == "2016-10-17T08:52:00-05:00"
    assert doc.language == "en"
    assert doc.description is not None and doc.description.startswith(
        "Chance The Rapper's Magnificent Coloring World Tour"
    )
    assert "Chance" in doc.body


def test_damage_after_the_first_pages_keeps_them(tmp_path: Path) -> None:
    whole = _warc(tmp_path / "whole.warc", gz=False).read_bytes()
    cut = whole.index(b"WARC/1.1\r\nWARC-Type: revisit")
    path = tmp_path / "damaged.warc"
    path.write_bytes(whole[:cut] + b"GARBAGE" + whole[cut + 8 :])
    parsed = read_documents(path, doc_id="d")
    assert [d.id for d in parsed.documents] == ["d#3", "d#4"]
    assert len(parsed.errors) == 1 and parsed.errors[0].startswith("record ")
    assert "the archive is damaged here; the rest is not read" in parsed.errors[0]


@pytest.mark.parametrize("data", [b"this is not a web archive at all\n" * 3, gzip.compress(b"neither is this\n")])
def test_a_file_that_is_not_an_archive_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "x.warc.gz"
    path.write_bytes(data)
    with pytest.raises(DocumentError, match="not a readable WARC or ARC file"):
        read_documents(path)


def test_an_archive_without_pages_says_so(tmp_path: Path) -> None:
    whole = _warc(tmp_path / "whole.warc", gz=False).read_bytes()
    path = tmp_path / "info.warc"
    path.write_bytes(whole[: whole.index(b"WARC/1.1", 10)])  # the warcinfo record only
    with pytest.raises(DocumentError, match="no HTML pages captured"):
        read_documents(path)
