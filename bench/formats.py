"""The same stories written in every format dateline reads, for `bench/parse.py`'s table per format.

    python bench/formats.py N OUT

From `bench/corpus.py`'s N seed-layout releases (real Reuters, BBC and 10kGNAD text): each story
as a ``.txt`` file, a ``.txt.gz``, an ``.html`` page, a NITF and an ``.eml`` file; all stories in one
``.jsonl``, ``.json`` array, ``.csv``, ``.mbox``, ``.zip`` and ``.tar.gz``; RSS and Atom feeds and
NewsML-G2 messages of 50 items each; and one ``.warc.gz`` of HTML captures. PDFs cannot be written
without a PDF library: `bench/parse.py` times the real sample PDFs instead.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpus import build  # noqa: E402
from indexer.core.document import Document  # noqa: E402
from indexer.parse.files import read_documents  # noqa: E402

#: Items per feed and per NewsML message.
PER_FILE = 50


def stories(n: int, folder: Path) -> list[tuple[Path, Document]]:
    """``n`` seed-layout releases written under ``folder/txt``, each with its parsed fields."""
    build(n, folder / "txt")
    paths = sorted((folder / "txt").rglob("*.txt"))
    return [(path, read_documents(path).documents[0]) for path in paths]


def _text(doc: Document) -> str:
    """The release's text as a wire sends it: the dateline opening the body."""
    return f"{doc.dateline} {doc.body}" if doc.dateline else doc.body


def _iso(doc: Document) -> str:
    when = doc.published or doc.date
    return when.isoformat() if when else "2025-01-01"


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n") if p.strip())


def write_all(items: list[tuple[Path, Document]], out: Path) -> dict[str, list[Path]]:
    """Write every format under ``out``; the files of each format, by name."""
    files: dict[str, list[Path]] = {}

    def put(fmt: str, name: str, data: bytes) -> None:
        path = out / fmt / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        files.setdefault(fmt, []).append(path)

    docs = [doc for _, doc in items]
    files["txt"] = [path for path, _ in items]
    for i, (path, doc) in enumerate(items):
        raw = path.read_bytes()
        put("txt.gz", f"{i}.txt.gz", gzip.compress(raw))
        put("html", f"{i}.html", _html(doc).encode())
        put("nitf", f"{i}.nitf", _nitf(doc).encode())
        put("eml", f"{i}.eml", _mail(doc).as_bytes())
    records = [_record(doc) for doc in docs]
    put("jsonl", "all.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode())
    put("json", "all.json", json.dumps(records, ensure_ascii=False).encode())
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records)
    put("csv", "all.csv", table.getvalue().encode())
    put("mbox", "all.mbox", b"".join(_mbox_entry(_mail(doc)) for doc in docs))
    for start in range(0, len(docs), PER_FILE):
        chunk = docs[start : start + PER_FILE]
        put("rss", f"{start}.rss", _rss(chunk).encode())
        put("atom", f"{start}.atom", _atom(chunk).encode())
        put("newsml", f"{start}.newsml", _newsml(chunk).encode())
    put("zip", "all.zip", _zip(items))
    put("tar.gz", "all.tar.gz", _tar(items))
    put("warc.gz", "all.warc.gz", b"".join(_warc_record(i, doc) for i, doc in enumerate(docs)))
    return files


def _record(doc: Document) -> dict[str, str]:
    return {"title": doc.title or "", "date": _iso(doc), "issuer": doc.issuer or "", "body": _text(doc)}


def _html(doc: Document) -> str:
    return (
        f'<!DOCTYPE html><html lang="{doc.language}"><head><title>{escape(doc.title or "")} | Newsroom</title>'
        f'<meta property="article:published_time" content="{_iso(doc)}"></head><body><nav><a href="/">Home</a>'
        f"</nav><article><h1>{escape(doc.title or '')}</h1>{_paragraphs(_text(doc))}</article>"
        "<footer>© Newsroom</footer></body></html>"
    )


def _nitf(doc: Document) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><nitf><head><title>{escape(doc.title or "")}</title>'
        f'<docdata><date.issue norm="{_iso(doc)}"/></docdata></head><body><body.head><hedline>'
        f"<hl1>{escape(doc.title or '')}</hl1></hedline></body.head><body.content>{_paragraphs(_text(doc))}"
        "</body.content></body></nitf>"
    )


def _newsml(docs: list[Document]) -> str:
    items = "".join(
        f'<newsItem guid="urn:bench:{i}" version="1"><itemMeta><itemClass qcode="ninat:text"/>'
        f"<firstCreated>{_iso(doc)}</firstCreated></itemMeta><contentMeta><headline>{escape(doc.title or '')}"
        f'</headline></contentMeta><contentSet><inlineXML contenttype="application/xhtml+xml">'
        f'<html xmlns="http://www.w3.org/1999/xhtml"><body>{_paragraphs(_text(doc))}</body></html>'
        "</inlineXML></contentSet></newsItem>"
        for i, doc in enumerate(docs)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">'
        f"<header><sent>2025-01-01T00:00:00Z</sent></header><itemSet>{items}</itemSet></newsMessage>"
    )


def _rss(docs: list[Document]) -> str:
    items = "".join(
        f"<item><title>{escape(doc.title or '')}</title><link>https://example.com/{i}</link>"
        f"<description>{escape(_paragraphs(_text(doc)))}</description><pubDate>{_rfc822(doc)}</pubDate></item>"
        for i, doc in enumerate(docs)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>'
    )


def _atom(docs: list[Document]) -> str:
    entries = "".join(
        f"<entry><title>{escape(doc.title or '')}</title><id>urn:bench:{i}</id><updated>{_iso(doc)}</updated>"
        f'<content type="html">{escape(_paragraphs(_text(doc)))}</content></entry>'
        for i, doc in enumerate(docs)
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>{entries}</feed>'


def _rfc822(doc: Document) -> str:
    from datetime import UTC, datetime

    when = doc.published or datetime(2025, 1, 1, tzinfo=UTC)
    return format_datetime(when)


def _mail(doc: Document) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"{doc.issuer or 'Newsroom'} <press@example.com>"
    message["Subject"] = doc.title or ""
    message["Date"] = _rfc822(doc)
    message.set_content(_text(doc))
    return message


def _mbox_entry(message: EmailMessage) -> bytes:
    body = message.as_bytes().replace(b"\nFrom ", b"\n>From ")
    return b"From press@example.com Mon Jan  1 00:00:00 2025\n" + body + b"\n"


def _zip(items: list[tuple[Path, Document]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        for i, (path, _) in enumerate(items):
            bundle.writestr(f"{i}.txt", path.read_bytes())
    return out.getvalue()


def _tar(items: list[tuple[Path, Document]]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as bundle:
        for i, (path, _) in enumerate(items):
            bundle.add(path, arcname=f"{i}.txt")
    return out.getvalue()


def _warc_record(i: int, doc: Document) -> bytes:
    page = _html(doc).encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + page
    head = (
        f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.com/{i}\r\n"
        f"WARC-Date: 2025-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:{i:032x}>\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n"
    )
    return gzip.compress(head.encode() + http + b"\r\n\r\n")


def in_temp(n: int, use: Callable[[dict[str, list[Path]]], None]) -> None:
    """Write the formats of ``n`` stories in a temporary folder and hand their files to ``use``."""
    with tempfile.TemporaryDirectory() as folder:
        use(write_all(stories(n, Path(folder)), Path(folder)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    files = write_all(stories(args.n, args.out), args.out)
    for fmt, paths in files.items():
        print(f"{fmt:8} {len(paths):6} files")


if __name__ == "__main__":
    main()
