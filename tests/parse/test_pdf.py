"""PDF press releases (`indexer.parse.formats.pdf`): a Word PDF and two Chromium-printed EQS releases,
read through `read_documents`; PDFs made here with pypdf for metadata, running headers, hyphenation and
hostile files (no text layer, encrypted, truncated, not a PDF)."""

from __future__ import annotations

import io
import logging
import re
import sys
import unicodedata
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import shared_path

from indexer.core.document import Document
from indexer.core.errors import DocumentError
from indexer.parse.files import read_documents
from indexer.parse.formats.pdf import FORMAT

pypdf = pytest.importorskip("pypdf")
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, TextStringObject  # noqa: E402

BERLIN = ZoneInfo("Europe/Berlin")
LIGATURES = "\ufb00\ufb01\ufb02\ufb03\ufb04"


def sample(*parts: str) -> Path:
    return shared_path("data", "formats", "pdf", *parts)


def one_doc(path: Path) -> Document:
    result = read_documents(path)
    assert len(result.documents) == 1 and result.errors == [] and result.warnings == []
    return result.documents[0]


def _escape(line: str) -> bytes:
    return line.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def make_pdf(
    path: Path, pages: list[list[str]], *, info: dict[str, str] | None = None, lang: str | None = None
) -> Path:
    """A PDF whose pages show ``pages``' lines in Helvetica, one text line each (an empty one as a
    space, as Word writes them)."""
    writer = pypdf.PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    font_ref = writer._add_object(font)
    for lines in pages:
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})}
        )
        ops = (
            b"BT /F1 11 Tf 14 TL 72 740 Td "
            + b" ".join(b"(" + _escape(line or " ") + b") Tj T*" for line in lines)
            + b" ET"
        )
        stream = DecodedStreamObject()
        stream.set_data(ops)
        page[NameObject("/Contents")] = writer._add_object(stream)
    if info:
        writer.add_metadata(info)
    if lang:
        writer._root_object[NameObject("/Lang")] = TextStringObject(lang)
    writer.write(path)
    return path


RELEASE = [
    "Acme Widgets Wins Award For",
    "Its Blue Widget",
    "",
    "TOLEDO, Ohio, March 3, 2025 /PRNewswire/ -- Acme Widgets said on Monday that its",
    "blue widget won the award.",
]


# --- the samples -------------------------------------------------------------------------------


def test_word_pdf_every_field() -> None:
    doc = one_doc(sample("downloaded_pdf.pdf"))
    assert doc.id == str(sample("downloaded_pdf.pdf")) and doc.format == "pdf"
    # No /Title: the headline wrapped over page 1's first two lines, joined.
    assert doc.title == "HSMAI TO HONOR RED ROOF® WITH A BRONZE ADRIAN AWARD FOR OUTSTANDING TRAVEL MARKETING"
    assert doc.author == "Andrew Hoffer"  # /Author
    assert doc.language == "en"  # the catalog's /Lang
    # The dateline's day; /CreationDate (2024-12-05 15:10 UTC) is the file's, not the release's.
    assert doc.date == date(2024, 12, 5) and doc.published is None
    assert doc.dateline == "MCLEAN, Va., Dec. 5, 2024 –"
    assert (doc.place, doc.city, doc.region, doc.country) == ("MCLEAN, Va.", "MCLEAN", "Virginia", "United States")
    assert doc.wire is None and doc.issuer is None and doc.url is None
    assert doc.keywords is None and doc.description is None and doc.headline is None
    assert doc.body.startswith("Red Roof®, an award-winning leader in the lodging industry, will be\nhonored for")
    assert doc.body.endswith("adrianawards.hsmai.org for more information on the event and competition.")
    assert doc.contact == (
        "Elaine Simon\nRed Roof Franchising, LLC\n7815 Walton Parkway\nNew Albany, Ohio 43054\n216.375.4958\n"
        "esimon@redroof.com"
    )
    assert doc.about is not None and doc.about.startswith("About HSMAI\nThe Hospitality Sales & Marketing")
    # A compound broken at a line end keeps its hyphen ("usergenerated" is nowhere in the text).
    assert "brought together user-generated\ncontent creators" in doc.body
    lines = [line for field in (doc.body, doc.about) for line in field.split("\n")]
    assert [line for line in lines if line != line.rstrip()] == []  # 75 lines had trailing spaces
    assert "\n\n\n" not in doc.body


def test_eqs_adhoc_german_every_field() -> None:
    path = sample("eqs", "DE0008404005", "DE0008404005_10-05-2023.pdf")
    doc = one_doc(path)
    assert doc.id == str(path) and doc.format == "pdf"
    assert (
        doc.title
        == "Allianz SE beschließt neues Rückkaufprogramm für eigene Aktien im Volumen von bis zu 1,5 Milliarden Euro"
    )
    assert doc.headline == f"Allianz SE: {doc.title}"
    assert (doc.issuer, doc.label, doc.wire, doc.description) == ("Allianz SE", "Ad-hoc", "EQS", "Aktienrückkauf")
    assert doc.published == datetime(2023, 5, 10, 19, 56, tzinfo=BERLIN) and doc.date == date(2023, 5, 10)
    assert doc.language == "de"  # detected: the PDF has no /Lang
    assert doc.author is None and doc.keywords is None and doc.url is None and doc.place is None
    assert doc.body.startswith("Allianz SE hat heute ein neues Rückkaufprogramm für eigene Aktien beschlossen.")
    assert doc.body.endswith("Datenschutzerklärung.")
    assert doc.contact is not None and doc.contact.startswith("Unternehmen: Allianz SE\nKoeniginstr. 28\n80802")
    assert doc.contact.endswith("EQS News ID: 1629835")
    assert doc.disclaimer is not None and doc.disclaimer.startswith("Vorbehalt bei Zukunftsaussagen")
    # Ligatures spelt out: 9 in the text layer (Veröﬀentlichung, Pﬂicht, Häuﬁgkeit …).
    fields = [doc.title, doc.body, doc.contact, doc.disclaimer]
    assert not any(c in f for f in fields for c in LIGATURES)
    assert "Veröffentlichungspflicht" in doc.body and "Häufigkeit" in doc.disclaimer
    # The sticky page header (issuer and headline, drawn at the end of page 1) is gone from the disclaimer.
    assert "Leistungsdaten\noder Ereignisse" in doc.disclaimer and "Milliarden" not in doc.disclaimer


def test_eqs_voting_rights_english_every_field() -> None:
    path = sample("eqs", "DE0005557508", "DE0005557508_09-06-2023.pdf")
    doc = one_doc(path)
    assert doc.title == (
        "Release according to Article 40, Section 1 of the WpHG [the German Securities Trading Act] "
        "with the objective of Europe-wide distribution"
    )
    assert doc.headline == f"Deutsche Telekom AG: {doc.title}"
    assert (doc.issuer, doc.label, doc.wire) == ("Deutsche Telekom AG", "Voting Rights Announcements", "EQS")
    assert doc.published == datetime(2023, 6, 9, 8, 15, tzinfo=BERLIN) and doc.date == date(2023, 6, 9)
    assert doc.language == "en" and doc.author is None and doc.url is None and doc.description is None
    assert (
        doc.contact
        == "Company: Deutsche Telekom AG\nFriedrich Ebert Allee 140\n53113 Bonn\nGermany\nInternet: www.telekom.com"
    )
    assert doc.body.startswith("Notification of Major Holdings\n1. Details of issuer\n2. Reason for notification\n")
    # The sticky header repeated inside page 1 is gone; the table rows stay one line each.
    assert "Release according" not in doc.body
    assert "3. Details of person subject to the notification obligation\nName: Deutsche Telekom AG" in doc.body
    assert "\nCall Option 31.03.2035 Cash 102333510 2.05 %\n" in doc.body
    assert doc.body.count("\n\n") >= 6  # 8 pages, separated by blank lines


def test_eqs_pdf_agrees_with_its_extracted_text() -> None:
    """The PDF gives the fields that the already extracted .txt of the same release gives."""
    pdf = one_doc(sample("eqs", "DE0008404005", "DE0008404005_10-05-2023.pdf"))
    txt = one_doc(shared_path("data", "wires", "eqs", "allianz-adhoc-rueckkaufprogramm-de.txt"))
    for name in ("title", "headline", "issuer", "label", "wire", "published", "date", "description", "contact"):
        assert getattr(pdf, name) == getattr(txt, name), name
    # The .txt keeps the ligatures and its lines of a lone space; the PDF's body spells them out.
    spelt = re.sub(f"[{LIGATURES}]", lambda m: unicodedata.normalize("NFKC", m[0]), txt.body)
    assert pdf.body == spelt.replace("\n \n", "\n\n")


# --- metadata and cleaning, on PDFs made here ---------------------------------------------------


def test_metadata_title_author_language_keywords(tmp_path: Path) -> None:
    info = {
        "/Title": "Acme Widgets Wins Award For Its Blue Widget",
        "/Author": "Jane Roe",
        "/Subject": "Awards",
        "/Keywords": "widgets; awards, widgets",
        "/CreationDate": "D:20250401120000+00'00'",
    }
    doc = one_doc(make_pdf(tmp_path / "a.pdf", [RELEASE], info=info, lang="fr-CA"))
    assert doc.title == "Acme Widgets Wins Award For Its Blue Widget"
    assert (doc.author, doc.description, doc.keywords, doc.language) == (
        "Jane Roe",
        "Awards",
        ["widgets", "awards"],
        "fr",
    )
    # /Lang, not the detected "en" (a Canadian issuer's French-tagged template, say); /CreationDate is not used.
    assert doc.date == date(2025, 3, 3) and doc.published is None
    assert (doc.wire, doc.place) == ("PR Newswire", "TOLEDO, Ohio")
    assert doc.body == "Acme Widgets said on Monday that its\nblue widget won the award."


@pytest.mark.parametrize("title", ["Microsoft Word - acme-award-final.docx", "acme.pdf", "Untitled", " "])
def test_file_name_titles_give_way_to_the_first_lines(tmp_path: Path, title: str) -> None:
    doc = one_doc(make_pdf(tmp_path / "a.pdf", [RELEASE], info={"/Title": title, "/Author": "Administrator"}))
    assert doc.title == "Acme Widgets Wins Award For Its Blue Widget"
    assert doc.author is None  # an account, not a person
    assert doc.body.startswith("Acme Widgets said on Monday")


def test_running_headers_and_footers_removed(tmp_path: Path) -> None:
    pages = [
        ["ACME WIDGETS PRESS RELEASE", *RELEASE, "", "Page 1 of 3"],
        ["ACME WIDGETS PRESS RELEASE", "The widget is blue.", "", "Page 2 of 3"],
        ["ACME WIDGETS PRESS RELEASE", "It is also round.", "", "Page 3 of 3"],
    ]
    doc = one_doc(make_pdf(tmp_path / "a.pdf", pages))
    assert doc.title == "Acme Widgets Wins Award For Its Blue Widget"
    assert doc.body == (
        "Acme Widgets said on Monday that its\nblue widget won the award.\n\nThe widget is blue.\n\nIt is also round."
    )


def test_hyphenated_line_ends(tmp_path: Path) -> None:
    lines = [
        "Acme Widgets Wins",
        "",
        "TOLEDO, Ohio, March 3, 2025 /PRNewswire/ -- The announce-",
        "ment came on Monday. The announcement said that pre-",
        "and post-merger widgets and user-",
        "generated designs are blue.",
    ]
    doc = one_doc(make_pdf(tmp_path / "a.pdf", [lines]))
    assert doc.body == (
        "The announcement\ncame on Monday. The announcement said that pre-\n"
        "and post-merger widgets and user-generated\ndesigns are blue."
    )


# --- hostile files ------------------------------------------------------------------------------


def refused(path: Path) -> str:
    with pytest.raises(DocumentError) as info:
        read_documents(path)
    return info.value.reason


def test_no_text_layer(tmp_path: Path) -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(612, 792)
    writer.add_metadata({"/Title": "Scanned release"})
    writer.write(tmp_path / "scan.pdf")
    assert refused(tmp_path / "scan.pdf") == "no text layer (a scanned PDF? dateline does not OCR)"


def test_encrypted_with_a_password_is_refused(tmp_path: Path) -> None:
    writer = pypdf.PdfWriter(clone_from=make_pdf(tmp_path / "plain.pdf", [RELEASE]))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    writer.write(tmp_path / "locked.pdf")
    assert refused(tmp_path / "locked.pdf") == "encrypted PDF: it needs a password to open"


def test_encrypted_without_a_user_password_is_read(tmp_path: Path) -> None:
    """Permissions only (no printing, no copying): every reader opens it, so does dateline."""
    writer = pypdf.PdfWriter(clone_from=make_pdf(tmp_path / "plain.pdf", [RELEASE]))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    writer.write(tmp_path / "restricted.pdf")
    assert one_doc(tmp_path / "restricted.pdf").title == "Acme Widgets Wins Award For Its Blue Widget"


def test_truncated_pdf_is_refused_silently(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = sample("downloaded_pdf.pdf").read_bytes()
    (tmp_path / "half.pdf").write_bytes(data[: len(data) // 2])
    with caplog.at_level(logging.DEBUG):
        assert refused(tmp_path / "half.pdf").startswith("truncated PDF (no %%EOF at the end): ")
    # pypdf's log warnings ("EOF marker not found") would reach stderr: dateline configures no logging.
    assert [r.getMessage() for r in caplog.records if r.name.startswith("pypdf")] == []


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"Acme Widgets Wins Award\n\nTOLEDO, Ohio -- text, not a PDF.\n", "not a PDF (no %PDF- header)"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "not a PDF (no %PDF- header)"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage\n%%EOF\n", "damaged PDF: "),
    ],
)
def test_not_a_pdf(tmp_path: Path, data: bytes, reason: str) -> None:
    (tmp_path / "release.pdf").write_bytes(data)
    assert refused(tmp_path / "release.pdf").startswith(reason)


def test_missing_library_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_pdf(tmp_path / "a.pdf", [RELEASE])
    monkeypatch.setitem(sys.modules, "pypdf", None)
    assert refused(path) == "reading PDFs needs 'pip install dateline[pdf]'"


def test_bytes_in_memory_are_enough() -> None:
    """The reader takes bytes (no file name): the caller's ``--max-size`` bounds what it reads."""
    data = io.BytesIO(sample("downloaded_pdf.pdf").read_bytes()).getvalue()
    docs = list(FORMAT.read_bytes(data, "x", None)) if FORMAT.read_bytes else []
    assert [d.id for d in docs if isinstance(d, Document)] == ["x"]
