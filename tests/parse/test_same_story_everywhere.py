"""One press release in every format dateline reads gives the fields a ``.txt`` of it gives: every
reader's text goes through the same dateline, trailer and section logic (`indexer.parse.story`), so a
PR Newswire release in a feed item, a web archive, a mail, a PDF or a CSV row keeps its wire, place,
date, contact, source URL and copyright."""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from collections.abc import Callable
from email.message import EmailMessage
from html import escape
from pathlib import Path

import pytest

from indexer.core.document import Document
from indexer.parse.files import read_documents

#: The fields a release's own text decides (not those a format's metadata gives).
FROM_TEXT = ("wire", "place", "city", "region", "country", "dateline", "date", "url", "contact", "copyright", "about")


def _release(seed_file: Path) -> tuple[str, str]:
    """The seed release's headline and its story: dateline, paragraphs, contact, source link, ©."""
    lines = seed_file.read_text("utf-8").split("\n")
    return lines[2].split(": ", 1)[1], "\n".join(lines[4:]).strip()


def _paragraphs(story: str) -> list[str]:
    return [" ".join(p.split("\n")) if not p.startswith("For further") else p for p in story.split("\n\n")]


def _xhtml(story: str) -> str:
    return "".join(f"<p>{'<br/>'.join(escape(line) for line in p.split(chr(10)))}</p>" for p in _paragraphs(story))


def _rss(title: str, story: str) -> bytes:
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>{escape(title)}</title>'
        f"<description>{escape(_xhtml(story))}</description></item></channel></rss>"
    ).encode()


def _atom(title: str, story: str) -> bytes:
    return (
        f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><entry>'
        f"<title>{escape(title)}</title><id>urn:x:1</id><updated>2025-06-06T11:18:00Z</updated>"
        f'<content type="html">{escape(_xhtml(story))}</content></entry></feed>'
    ).encode()


def _nitf(title: str, story: str) -> bytes:
    return (
        f"<nitf><head><title>{escape(title)}</title></head><body><body.head><hedline><hl1>{escape(title)}</hl1>"
        f"</hedline></body.head><body.content>{_xhtml(story)}</body.content></body></nitf>"
    ).encode()


def _newsml(title: str, story: str) -> bytes:
    return (
        '<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><itemSet><newsItem guid="urn:x:1" version="1">'
        '<itemMeta><itemClass qcode="ninat:text"/></itemMeta>'
        f"<contentMeta><headline>{escape(title)}</headline></contentMeta><contentSet>"
        '<inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml"><body>'
        f"{_xhtml(story)}</body></html></inlineXML></contentSet></newsItem></itemSet></newsMessage>"
    ).encode()


def _html(title: str, story: str) -> bytes:
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{escape(title)}</title></head><body><nav>Home</nav>"
        f"<article><h1>{escape(title)}</h1>{_xhtml(story)}</article></body></html>"
    ).encode()


def _warc(title: str, story: str) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + _html(title, story)
    head = (
        "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.com/fama\r\n"
        "WARC-Date: 2025-06-06T12:00:00Z\r\nWARC-Record-ID: <urn:uuid:00000000000000000000000000000001>\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n"
    )
    return gzip.compress(head.encode() + http + b"\r\n\r\n")


def _mail(title: str, story: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Newsroom <press@example.com>"
    message["Subject"] = title
    message["Date"] = "Fri, 06 Jun 2025 13:18:00 +0200"
    message.set_content(story)
    return message.as_bytes()


def _mbox(title: str, story: str) -> bytes:
    return b"From press@example.com Fri Jun  6 13:18:00 2025\n" + _mail(title, story) + b"\n"


def _csv(title: str, story: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([["title", "body"], [title, story]])
    return out.getvalue().encode()


def _json(title: str, story: str) -> bytes:
    return json.dumps([{"title": title, "body": story}]).encode()


def _zip(title: str, story: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as bundle:
        bundle.writestr("2025/fama.txt", f"{title}\n\n{story}\n")
    return out.getvalue()


def _pdf(title: str, story: str) -> bytes:
    """A one-page PDF with the text in Helvetica, one line a paragraph line, written by hand."""
    lines = [title, ""] + [line for p in story.split("\n\n") for line in [*p.split("\n"), ""]]

    def literal(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT /F1 9 Tf 11 TL 36 800 Td"] + [f"({literal(line)}) '" for line in lines] + ["ET"]
    content = "\n".join(ops).encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 4000 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


WRITERS: dict[str, Callable[[str, str], bytes]] = {
    "release.rss": _rss,
    "release.atom": _atom,
    "release.xml": _nitf,
    "release.newsml": _newsml,
    "release.html": _html,
    "release.warc.gz": _warc,
    "release.eml": _mail,
    "release.mbox": _mbox,
    "release.csv": _csv,
    "release.json": _json,
    "bundle.zip": _zip,
    "release.pdf": _pdf,
    "release.txt.gz": lambda title, story: gzip.compress(f"{title}\n\n{story}\n".encode()),
}


@pytest.fixture(scope="module")
def as_text(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, Document]:
    seed = Path(__file__).resolve().parents[2] / "corpus" / "prnewswire-fama-2025-06-06.txt"
    title, story = _release(seed)
    path = tmp_path_factory.mktemp("text") / "release.txt"
    path.write_text(f"{title}\n\n{story}\n", "utf-8")
    return title, story, read_documents(path).documents[0]


@pytest.mark.parametrize("name", list(WRITERS))
def test_the_release_gives_the_same_fields_in_every_format(
    name: str, as_text: tuple[str, str, Document], tmp_path: Path
) -> None:
    title, story, expected = as_text
    assert expected.wire == "PR Newswire" and expected.country == "Mali" and expected.contact and expected.url
    if name.endswith(".pdf"):
        pytest.importorskip("pypdf")
    path = tmp_path / name
    path.write_bytes(WRITERS[name](title, story))
    parsed = read_documents(path)
    assert parsed.errors == []
    [doc] = parsed.documents
    assert doc.title == title
    if name.endswith((".eml", ".mbox")):  # a mail's sender is a contact too, after the release's own
        assert doc.contact == f"{expected.contact}\n\nNewsroom <press@example.com>"
        doc.contact = expected.contact
    assert {f: getattr(doc, f) for f in FROM_TEXT} == {f: getattr(expected, f) for f in FROM_TEXT}
    assert " ".join(doc.body.split()) == " ".join(expected.body.split())
