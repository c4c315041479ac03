"""E-mail (`.eml`) and mailboxes (`.mbox`): the real AAP story filed by mail, and messages written here as
mailers write them (alternative parts, base64, quoted-printable, attachments, a wire release, mboxrd
escapes), plus hostile ones (10,000 nested multiparts, a 5 MB header, files that are no mail)."""

from __future__ import annotations

import base64
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import shared_path

from indexer.core.errors import DocumentError
from indexer.parse.files import read_documents
from indexer.parse.formats import mail
from indexer.parse.formats.mail import decode_header


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _b64(text: str) -> bytes:
    return base64.encodebytes(text.encode("utf-8"))


RELEASE = (
    b"""\
From: =?utf-8?q?Acme_M=C3=BCnchen_Presse?= <presse@acme.example>
To: newsdesk@example.com
Subject: Fwd: Re: Acme opens a plant in Mali
Date: Fri, 06 Jun 2025 09:00:00 -0400
Organization: Acme Holdings
Keywords: mining, Mali , energy, mining
Content-Language: en-US
Archived-At: <https://lists.example.com/archive/2025/06/msg00042.html>
Message-ID: <release-1@acme.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mixed-1"

This is a multi-part message in MIME format.

--mixed-1
Content-Type: multipart/alternative; boundary="alt-1"

--alt-1
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

BAMAKO, Mali, June 6, 2025 /PRNewswire/ -- Acme Holdings opened its first p=
lant in Mali today, the company's chief executive J=C3=BCrgen M=C3=BCller s=
aid.

The plant employs 300 people.

--alt-1
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: base64

"""
    + _b64("<html><body><p>HTML version &amp; not used</p></body></html>")
    + b"""
--alt-1--

--mixed-1
Content-Type: application/pdf
Content-Disposition: attachment; filename*=utf-8''Jahresbericht%202024.pdf
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--mixed-1
Content-Type: image/jpeg; name="=?utf-8?q?Werk_Bamako_=C3=BC.jpg?="
Content-Disposition: attachment
Content-Transfer-Encoding: base64

/9j/4AAQ
--mixed-1--
"""
)


def test_the_aap_story_mailed_to_the_desk() -> None:
    """Every field of the real message: cp1252 quoted-printable plain part, the desk's Headline/Abstract lines."""
    parsed = read_documents(shared_path("data", "formats", "email", "odd_charset_email.txt"), doc_id="aap")
    assert parsed.errors == []
    # A .txt that opens with transport headers (Delivered-To, Received) and has From and Subject is a saved mail.
    [doc] = parsed.documents
    assert (doc.format, doc.title, doc.wire) == ("eml", "Senden defends but Scott favourite", "AAP")


def test_the_aap_story_as_eml(tmp_path: Path) -> None:
    data = shared_path("data", "formats", "email", "odd_charset_email.txt").read_bytes()
    parsed = read_documents(_write(tmp_path, "aap.eml", data), doc_id="aap")
    assert parsed.errors == [] and parsed.warnings == []
    [doc] = parsed.documents
    assert doc.id == "aap" and doc.format == "eml"
    # The subject belongs to another mail ("TravTalk’s Special …"); the story's own Headline: line wins.
    assert doc.title == "Senden defends but Scott favourite"
    assert doc.description == (
        "John Senden defends his Valspar Championship this week but countryman Adam Scott is getting the headlines."
    )
    assert doc.published == datetime(2015, 3, 10, 14, 17, 1, tzinfo=timezone(timedelta(hours=-7)))
    assert doc.date == date(2015, 3, 10)
    assert doc.author == "Ben"
    assert doc.contact == "Ben <benjamin.everill@a.com>"
    assert doc.issuer is None and doc.url is None and doc.keywords is None
    assert doc.language == "en"  # detected: the message gives no Content-Language
    assert doc.disclaimer == (
        "This email may contain information that is confidential. "
        "If you receive an email in error please delete it immediately."
    )
    # cp1252 =96 is an en dash, =92 a right quote; each unwrapped line is a paragraph.
    # The lines above AAP's dateline stay as the body's lead, as above any wire's dateline.
    assert doc.body.startswith(
        "SDA\nGol PGA\nBy Ben Everill\n\nAdam Scott is hoping to live up to his "
        "favourite tag as he searches for more competitive reps in his Masters preparations.\n\nScott lines up "
        "this week at Innisbrook Resort’s Cooperhead course"
    )
    assert doc.body.endswith("Twitter: @beneverill\n\nSkype: ben.everill")
    assert "Headline:" not in doc.body and "<" not in doc.body and "confidential" not in doc.body
    # AAP's "PLACE, Month D AAP –" (no year: the mail's date stays).
    assert (doc.wire, doc.place, doc.dateline) == ("AAP", "LOS ANGELES", "LOS ANGELES, March 10 AAP –")


def test_the_broken_encoded_word_of_the_sample_is_repaired() -> None:
    """Raw UTF-8 inside a Q word labelled windows-1252 (policy.default gives ``TravTalkâ€™s``)."""
    data = shared_path("data", "formats", "email", "odd_charset_email.txt").read_bytes()
    raw = data.split(b"\nSubject: ", 1)[1].split(b"\n", 1)[0]
    assert decode_header(raw) == "TravTalk’s Special for TAAI convention"


def test_a_wire_release_with_alternative_parts_and_attachments(tmp_path: Path) -> None:
    [doc] = read_documents(_write(tmp_path, "release.eml", RELEASE), doc_id="r").documents
    assert doc.title == "Acme opens a plant in Mali"  # Fwd: and Re: taken off
    assert doc.author == "Acme München Presse"
    assert doc.contact == "Acme München Presse <presse@acme.example>"
    assert doc.issuer == "Acme Holdings"
    assert doc.keywords == ["mining", "Mali", "energy"]
    assert doc.language == "en"
    assert doc.url == "https://lists.example.com/archive/2025/06/msg00042.html"
    assert doc.published == datetime(2025, 6, 6, 13, 0, tzinfo=UTC)
    assert doc.published.utcoffset() == timedelta(hours=-4)
    assert doc.date == date(2025, 6, 6)
    assert doc.wire == "PR Newswire"
    assert doc.place == "BAMAKO, Mali" and doc.country == "Mali"
    assert doc.dateline == "BAMAKO, Mali, June 6, 2025 /PRNewswire/ --"
    assert doc.body == (
        "Acme Holdings opened its first plant in Mali today, the company's chief executive Jürgen Müller said.\n\n"
        "The plant employs 300 people.\n\nAttachments: Jahresbericht 2024.pdf, Werk Bamako ü.jpg"
    )


def test_an_html_only_message_in_base64(tmp_path: Path) -> None:
    html = (
        '<html lang="de"><head><title>ignored</title><style>p{color:red}</style></head><body>'
        "<p>Die Stadt Graz baut ein neues Stadion &amp; eine Halle.</p><p>Der Bau beginnt im Mai &amp;lt;-</p>"
        "</body></html>"
    )
    data = (
        b"From: Stadt Graz <presse@graz.example>\nSubject: =?iso-8859-1?q?Neues_Stadion_f=FCr_Graz?=\n"
        b"Date: Mon, 3 Feb 2025 10:15:00 +0100\nMIME-Version: 1.0\n"
        b"Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" + _b64(html)
    )
    [doc] = read_documents(_write(tmp_path, "graz.eml", data)).documents
    assert doc.title == "Neues Stadion für Graz"
    assert doc.language == "de"  # from <html lang>
    # Entities decoded once, by the HTML parser: "&amp;lt;" is the text "&lt;".
    assert doc.body == "Die Stadt Graz baut ein neues Stadion & eine Halle.\n\nDer Bau beginnt im Mai &lt;-"


def test_an_empty_plain_alternative_falls_back_to_html(tmp_path: Path) -> None:
    data = (
        b'From: a@b.example\nSubject: S\nContent-Type: multipart/alternative; boundary="x"\n\n'
        b"--x\nContent-Type: text/plain\n\n\n--x\nContent-Type: text/html\n\n<p>Only here</p>\n--x--\n"
    )
    assert read_documents(_write(tmp_path, "a.eml", data)).documents[0].body == "Only here"


def test_charsets_declared_undeclared_and_wrong(tmp_path: Path) -> None:
    """A declared charset is honoured (ISO-8859-1 read as its superset cp1252); undeclared 8-bit is UTF-8
    when valid, else cp1252; an unknown or non-text label (``unicode_escape``) is ignored."""
    cases = {
        b"Content-Type: text/plain; charset=iso-8859-1\n\n\x93Caf\xe9\x94 \x96 ok\n": "“Café” – ok",
        b"Content-Type: text/plain\n\n\x93Caf\xe9\x94\n": "“Café”",
        b"Content-Type: text/plain\n\nCaf\xc3\xa9\n": "Café",
        b"Content-Type: text/plain; charset=koi8-r\n\n\xf0\xd2\xc9\xd7\xc5\xd4\n": "Привет",
        b"Content-Type: text/plain; charset=x-nonsense\n\nCaf\xe9\n": "Café",
        b"Content-Type: text/plain; charset=unicode_escape\n\nA \\x41 Caf\xc3\xa9\n": "A \\x41 Café",
        b"Content-Type: text/plain\n\nPlain text &amp; is plain\n": "Plain text &amp; is plain",
    }
    for i, (tail, body) in enumerate(cases.items()):
        data = b"From: a@b.example\nSubject: T\nMIME-Version: 1.0\n" + tail
        assert read_documents(_write(tmp_path, f"{i}.eml", data)).documents[0].body == body, tail


def test_flowed_text_and_a_signature(tmp_path: Path) -> None:
    data = (
        b"From: Reporter <r@paper.example>\nSubject: Flowed\nDate: Tue, 4 Mar 2025 08:00:00 -0000\n"
        b"Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\n\n"
        b"The council voted on Tues \nday to close the bridge.  \nIt reopens in May.\n\n"
        b" From the mayor's office: no comment.\n-- \nR. Reporter\nCity desk, +1 555 0100\n"
    )
    [doc] = read_documents(_write(tmp_path, "f.eml", data)).documents
    assert doc.body == (
        "The council voted on Tuesday to close the bridge. It reopens in May.\n\nFrom the mayor's office: no comment."
    )
    assert doc.contact == "Reporter <r@paper.example>\nR. Reporter\nCity desk, +1 555 0100"
    assert doc.published == datetime(2025, 3, 4, 8, 0, tzinfo=UTC)  # -0000: zone unknown, read as UTC


def test_a_date_that_is_no_date_is_a_warning(tmp_path: Path) -> None:
    data = b"From: a@b.example\nSubject: Late\nDate: sometime soon\n\nText of the mail.\n"
    parsed = read_documents(_write(tmp_path, "d.eml", data))
    assert parsed.documents[0].published is None and parsed.documents[0].date is None
    assert parsed.warnings == ["Date header 'sometime soon' is not a date"]


def test_files_that_are_no_mail(tmp_path: Path) -> None:
    for name, data in {
        "pdf.eml": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        "page.eml": b"<!DOCTYPE html>\n<html><body><p>A page</p></body></html>\n",
        "notes.eml": b"Title: My notes\nAuthor: me\n\nSome text.\n",
    }.items():
        with pytest.raises(DocumentError, match="not an e-mail message: no mail header"):
            read_documents(_write(tmp_path, name, data))
    with pytest.raises(DocumentError, match="empty file"):
        read_documents(_write(tmp_path, "empty.eml", b"\n\n"))
    with pytest.raises(DocumentError, match="no message text"):
        read_documents(_write(tmp_path, "bare.eml", b"From: a@b.example\nTo: c@d.example\n\n\n"))


def _nested(depth: int) -> bytes:
    opening = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i) for i in range(depth))
    closing = b"".join(b"\n--b%d--" % i for i in reversed(range(depth)))
    return b"From: a@b.example\nSubject: Deep\n" + opening + b"Content-Type: text/plain\n\nhello\n" + closing + b"\n"


def test_ten_thousand_nested_multiparts_are_refused_not_a_crash(tmp_path: Path) -> None:
    started = time.perf_counter()
    with pytest.raises(DocumentError, match="MIME parts nested too deeply"):
        read_documents(_write(tmp_path, "deep.eml", _nested(10_000)))
    assert time.perf_counter() - started < 2


def test_parts_nested_beyond_the_walk_s_limit_are_skipped_with_a_warning(tmp_path: Path) -> None:
    parsed = read_documents(_write(tmp_path, "deep.eml", _nested(mail.MAX_DEPTH + 5)))
    assert [d.title for d in parsed.documents] == ["Deep"] and parsed.documents[0].body == ""
    assert parsed.warnings == [f"MIME parts nested deeper than {mail.MAX_DEPTH} levels were skipped"]
    assert read_documents(_write(tmp_path, "ok.eml", _nested(mail.MAX_DEPTH - 1))).documents[0].body == "hello"


def test_a_huge_header_is_cut_fast(tmp_path: Path) -> None:
    """policy.default takes 50 s on 1 MB of encoded words; the raw header is cut before it is decoded."""
    subject = b"=?utf-8?q?w=C3=B6rd?= " * 250_000  # 5.5 MB
    data = b"From: a@b.example\nSubject: " + subject + b"\n\nThe text.\n"
    started = time.perf_counter()
    parsed = read_documents(_write(tmp_path, "big.eml", data))
    assert time.perf_counter() - started < 1.5
    [doc] = parsed.documents
    assert doc.title is not None and doc.title.startswith("wördwörd") and len(doc.title) < mail.MAX_HEADER_CHARS
    assert parsed.warnings == [f"header subject has {len(subject)} characters; read the first 8192"]


MAILBOX = b"""\
From acme@example.com Fri Jun  6 09:00:00 2025
From: Acme <acme@example.com>
Subject: First release
Date: Fri, 06 Jun 2025 09:00:00 +0200

The first release.

>From the archive: this line was escaped by the writer.
>>From stays quoted once.

From garbage without any date
Not: a message? yes: it has headers but none a mail has

From MAILER-DAEMON Sat Jun  7 10:00:00 2025
this is no message at all, just bytes \x00\x01

From - Sun Jun  8 11:30:00 2025
From: Beta <beta@example.com>
Subject: =?utf-8?b?VGhpcmQgbWVzc8OkZ2U=?=
Date: Sun, 08 Jun 2025 11:30:00 +0000

The third message.

From the desk of the editor, a line a careless writer left unescaped.

From x@example.com Mon Jun  9 12:00:00 2025
From: Gamma <g@example.com>
To: y@example.com

"""


def test_an_mbox_with_a_broken_message_in_the_middle_and_escapes(tmp_path: Path) -> None:
    parsed = read_documents(_write(tmp_path, "box.mbox", MAILBOX), doc_id="box")
    assert [(d.id, d.format, d.title) for d in parsed.documents] == [
        ("box#1", "mbox", "First release"),
        ("box#3", "mbox", "Third messäge"),
    ]
    first, third = parsed.documents
    assert first.body == (
        "The first release.\n\n"
        "From the archive: this line was escaped by the writer.\n>From stays quoted once.\n\n"
        "From garbage without any date\nNot: a message? yes: it has headers but none a mail has"
    )
    assert first.author == "Acme" and first.published == datetime(2025, 6, 6, 7, 0, tzinfo=UTC)
    assert third.body == "The third message.\n\nFrom the desk of the editor, a line a careless writer left unescaped."
    assert parsed.errors == [
        "message 2: not an e-mail message: no mail header (From, Date, Subject …) at its start",
        "message 4: no subject and no text",
    ]


def test_an_mbox_message_nested_too_deeply_is_one_error(tmp_path: Path) -> None:
    data = b"From a Mon Jan  1 00:00:00 2024\n" + _nested(10_000) + b"\nFrom b Mon Jan  1 00:00:00 2024\n"
    data += b"From: b@example.com\nSubject: After\n\nStill read.\n"
    parsed = read_documents(_write(tmp_path, "deep.mbox", data), doc_id="d")
    assert [(d.id, d.body) for d in parsed.documents] == [("d#2", "Still read.")]
    assert parsed.errors == ["message 1: MIME parts nested too deeply to read"]


def test_an_mbox_with_crlf_lines(tmp_path: Path) -> None:
    data = (
        b"\r\nFrom a Mon Jan  1 00:00:00 2024\r\nSubject: One\r\n\r\nFirst.\r\n\r\n"
        b"From b Mon Jan  1 00:00:00 2024\r\nSubject: Two\r\n\r\n>From second.\r\n"
    )
    docs = read_documents(_write(tmp_path, "crlf.mbox", data)).documents
    assert [(d.title, d.body) for d in docs] == [("One", "First."), ("Two", "From second.")]


def test_files_that_are_no_mailbox(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="not an mbox mailbox: it does not start with a 'From ' line"):
        read_documents(_write(tmp_path, "one.mbox", b"From: a@b.example\nSubject: x\n\ntext\n"))
    with pytest.raises(DocumentError, match="empty file"):
        read_documents(_write(tmp_path, "empty.mbox", b""))
    data = b"From a Mon Jan  1 00:00:00 2024\n\nFrom b Mon Jan  1 00:00:00 2024\nX-Note: 1\nTo: c@d.example\n\n"
    parsed = read_documents(_write(tmp_path, "none.mbox", data))
    assert (parsed.documents, parsed.errors) == ([], ["message 1: empty message", "message 2: no subject and no text"])
