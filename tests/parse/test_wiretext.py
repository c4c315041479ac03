"""Wire-service text transmissions (issue 23): IPTC 7901 (dpa) and ANPA 1312 (AP), read from seven
real files, several messages in one file, and hostile or broken transmissions (only control
characters, truncated, 100,000 SOH bytes, no STX)."""

from __future__ import annotations

import shutil
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import shared_path

from indexer.core.errors import DocumentError
from indexer.parse.files import ParsedFile, read_documents
from indexer.parse.formats.wiretext import is_transmission

IPTC = ("IPTC7901.txt", "IPTC7901_odd_charset.txt", "dpa_two_line.txt", "dpa_copyright.txt")
ANPA = ("anpa-1.tst", "ap_anpa-1.tst", "ap_anpa-5.tst")


def sample_path(name: str) -> Path:
    return shared_path("data", "formats", "iptc7901" if name in IPTC else "anpa1312", name)


def sample(name: str, tmp_path: Path) -> ParsedFile:
    """The documents of a sample, read under a ``.tst`` copy (``.txt`` goes to the text reader until
    the lead routes transmissions by `is_transmission`)."""
    path = sample_path(name)
    return read_documents(shutil.copy(path, tmp_path / f"{path.stem}.tst"), doc_id=name)


def story(name: str, tmp_path: Path):
    result = sample(name, tmp_path)
    assert result.errors == []
    assert len(result.documents) == 1
    doc = result.documents[0]
    assert doc.id == f"{name}#1" and doc.format == "wiretext"
    assert "\x01" not in doc.body and "\x7f" not in doc.body and "\r" not in doc.body
    return doc


def wire(tmp_path: Path, data: bytes, name: str = "w.tst") -> ParsedFile:
    path = tmp_path / name
    path.write_bytes(data)
    return read_documents(path, doc_id=name)


def message(headline: str = "Lighthouse keepers gather for annual meeting", text: str = "", trailer: str = "") -> bytes:
    """A 7901 message of our own, CRLF line ends as dpa sends them."""
    text = text or (
        "   Bremen (dpa) - Lighthouse keepers from eleven countries met on\r\n"
        "Tuesday to compare notes on lamps, fog horns and storms.\r\n\r\n"
        "   The meeting ends on Friday with a boat trip.\r\n"
    )
    trailer = trailer or "\x03121015 GMT Mar 24\r\n\x7f\r\n\x7f\x04"
    return f"\x01ecb001 3 v 55 ccccb   dpa 012\r\n\r\nLighthouses/\r\n\x02{headline} =\r\n\r\n{text}{trailer}".encode()


@pytest.mark.parametrize("name", IPTC + ANPA)
def test_every_sample_is_a_transmission(name: str) -> None:
    assert is_transmission(sample_path(name).read_bytes())


def test_is_transmission_wants_soh_first() -> None:
    assert is_transmission(b"\xef\xbb\xbf\x16\x16 \r\n\x01abc")
    assert not is_transmission(b"Berlin (dpa) - a plain text story\n")
    assert not is_transmission(b"\x02\x03")
    assert not is_transmission(b"")


def test_dpa_story_with_dateline_notebook_and_closing_codes(tmp_path: Path) -> None:
    doc = story("IPTC7901.txt", tmp_path)
    assert doc.title == "Germany Social Democrats: Coalition talks with Merkel could fail"
    assert doc.label == "Germany-politics"
    assert doc.keywords == ["Germany-politics"]
    assert doc.published == datetime(2013, 11, 13, 11, 37, tzinfo=UTC)  # "131137 GMT Nov 13"
    assert doc.date == date(2013, 11, 13)
    assert doc.author == "Wolfgang Schmidt"  # no byline: the notebook's "Reporting by:"
    assert (doc.wire, doc.dateline, doc.place, doc.city) == ("dpa", "Berlin (dpa) -", "Berlin", "Berlin")
    assert doc.language == "en" and doc.url is None and doc.description is None
    assert doc.body.startswith("Negotiations between German conservatives headed by Chancellor Angela Merkel and")
    assert doc.body.endswith("to be sworn in for a third term before Christmas.")
    assert doc.body.count("\n\n") == 4  # five teletype paragraphs, each rejoined
    for dropped in ("NOTEBOOK", "not for publication", "Joseph Nasr", "englishservice@dpa.com", "dpa wsz"):
        assert dropped not in doc.body


def test_dpa_story_with_version_line_byline_and_a_latin1_byte(tmp_path: Path) -> None:
    result = sample("IPTC7901_odd_charset.txt", tmp_path)
    assert result.warnings == ["message 1: not valid UTF-8 (byte 3216); read as cp1252"]
    doc = story("IPTC7901_odd_charset.txt", tmp_path)
    assert doc.title == "German football saddened by illness to striker legend Mueller"  # "1ST LEAD" dropped
    assert doc.label == "Germany-football/Munich/Mueller"
    assert doc.keywords == ["Germany-football", "Munich", "Mueller"]
    assert doc.author == "Manuel Schwarz"  # "By Manuel Schwarz, dpa =", not the notebook's reporter
    assert doc.published == datetime(2015, 10, 7, 13, 41, tzinfo=UTC)  # German month: "071341 GMT Okt 15"
    assert doc.date == date(2015, 10, 7)
    assert (doc.wire, doc.dateline, doc.place) == ("dpa", "Munich (dpa) -", "Munich")
    assert doc.language == "en" and doc.url is None
    assert doc.body.startswith("German football generations past and present on Wednesday expressed sadness")
    assert "Thomas Müller" in doc.body
    assert doc.body.endswith("respect his and his family's private sphere.\"")
    assert "Note to editors" not in doc.body and "Barry Whelan" not in doc.body


def test_dpa_extra_with_markdown_notebook(tmp_path: Path) -> None:
    doc = story("dpa_two_line.txt", tmp_path)
    assert doc.title == "Peace talks on Yemen to take place in Sweden next month, Mattis says"  # "EXTRA" dropped
    assert doc.label == "Yemen/conflict" and doc.keywords == ["Yemen", "conflict"]
    assert doc.author is None  # neither a byline nor a "Reporting by:"
    assert doc.published == datetime(2018, 11, 21, 21, 1, tzinfo=UTC)
    assert doc.date == date(2018, 11, 21)
    assert (doc.wire, doc.dateline, doc.place) == ("dpa", "Washington (dpa) -", "Washington")
    assert doc.language == "en"
    assert doc.url is None  # the notebook's link is not the story's
    assert doc.body.startswith("US Defence Secretary Jim Mattis says he expects the warring parties in Yemen")
    assert doc.body.endswith("in recent days it has decreased considerably.")
    assert "dpaq.de" not in doc.body and "dpa grj" not in doc.body


def test_dpa_service_message_is_reported_not_indexed(tmp_path: Path) -> None:
    result = sample("dpa_copyright.txt", tmp_path)
    assert result.documents == []
    assert result.errors == ["message 1: a service message, not a story"]


def test_ap_feature_with_two_bylines_and_typewriter_quotes(tmp_path: Path) -> None:
    doc = story("anpa-1.tst", tmp_path)
    assert doc.title == "For Argentine chemo patients, mirrors can hurt"
    assert doc.label == "BC-LT--Argentina-Cancer Beauty"
    assert doc.keywords is None
    assert doc.author == "PAUL BYRNE and ALMUDENA CALATRAVA"  # "Associated Press=" is not a name
    assert doc.published == datetime(2013, 11, 13, 15, 9, tzinfo=UTC)  # "AP-WF-11-13-13 1509GMT"
    assert doc.date == date(2013, 11, 13)
    assert (doc.wire, doc.place, doc.city, doc.country) == (
        "AP",
        "BUENOS AIRES, Argentina",
        "BUENOS AIRES",
        "Argentina",
    )
    assert doc.dateline == "BUENOS AIRES, Argentina (AP) —"  # AP's "_" is a dash
    assert doc.language == "en" and doc.url is None and doc.description is None
    assert doc.body.startswith("For cancer patients dealing with the physical and psychological trauma")
    assert '"Look Good Feel Better" is a program' in doc.body and "``" not in doc.body
    assert doc.body.endswith("APTN contributor Kacey Cherry in Buenos Aires helped with this story.")
    assert "AP Photo" not in doc.body and "Eds:" not in doc.body


def test_ap_writethru_with_summary_line(tmp_path: Path) -> None:
    doc = story("ap_anpa-1.tst", tmp_path)
    assert doc.title == "Deng has 30 points, short-handed Heat beat Hawks 115-111"
    assert doc.label == "BC-BKN--Heat-Hawks"  # the take "1st Ld-Writethru" and word count dropped
    assert doc.author == "CHARLES ODUM"
    assert doc.description is not None
    assert doc.description.startswith("Luol Deng scored 30 points and Josh McRoberts had 19 — season highs")
    assert doc.published == datetime(2016, 2, 20, 3, 37, tzinfo=UTC)
    assert doc.date == date(2016, 2, 20)
    assert (doc.wire, doc.dateline, doc.place) == ("AP", "ATLANTA (AP) —", "ATLANTA")
    assert doc.language == "en" and doc.keywords is None and doc.url is None
    assert doc.body.startswith("Luol Deng scored 30 points and Josh McRoberts had 19 — season highs for each")
    assert len([p for p in doc.body.split("\n") if p]) == 18  # one paragraph per tab-indented line but "___"
    assert "\n\nTIP-INS\n\nHeat: The Heat won the season series 3-1." in doc.body
    assert doc.body.endswith("Hawks: Host Milwaukee on Saturday night.")


def test_ap_news_alert_without_headline(tmp_path: Path) -> None:
    doc = story("ap_anpa-5.tst", tmp_path)
    assert doc.title is None and doc.author is None and doc.description is None
    assert doc.label == "BC-US--APNewsAlert"
    assert doc.published == datetime(2017, 6, 29, 23, 50, tzinfo=UTC)
    assert (doc.wire, doc.dateline, doc.place) == ("AP", "HONOLULU (AP) —", "HONOLULU")
    assert doc.language == "en"
    assert doc.body == (
        "Hawaii files court challenge to Trump administration's definition of close U.S. relationship "
        "needed to avoid travel ban."
    )


def test_many_messages_are_numbered_and_charsets_decoded_each(tmp_path: Path) -> None:
    latin = message("Fog horns tested in Bremerhaven").replace(b"notes", "Nötes".encode("cp1252"))
    result = wire(tmp_path, b"\x16\x16" + message() + b"\r\n" + latin + b"\x01\x01\x04")
    assert [d.id for d in result.documents] == ["w.tst#1", "w.tst#2"]
    first, second = result.documents
    assert first.title == "Lighthouse keepers gather for annual meeting"
    assert second.title == "Fog horns tested in Bremerhaven" and "Nötes" in second.body
    assert first.warnings == [] and second.warnings[0].startswith("message 2: not valid UTF-8")
    assert first.body == (
        "Lighthouse keepers from eleven countries met on Tuesday to compare notes on lamps, fog horns and storms."
        "\n\nThe meeting ends on Friday with a boat trip."
    )
    assert first.published == datetime(2024, 3, 12, 10, 15, tzinfo=UTC)
    assert (first.wire, first.place, first.label) == ("dpa", "Bremen", "Lighthouses")


def test_a_headline_without_its_marker_is_found_as_in_text(tmp_path: Path) -> None:
    data = message().replace(b" =\r\n", b"\r\n")
    doc = wire(tmp_path, data).documents[0]
    assert doc.title == "Lighthouse keepers gather for annual meeting"
    assert doc.body.startswith("Lighthouse keepers from eleven countries")


# --- Hostile and broken transmissions ------------------------------------------------------------


def test_a_file_of_only_control_characters_is_no_story(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no story"):
        wire(tmp_path, b"\x16\x16\x01\x02\x03\x7f\x7f\x04\x01\x1f\x13\x11\x0c\x04")
    with pytest.raises(DocumentError, match="not a wire transmission"):
        wire(tmp_path, bytes(range(2, 32)) * 10)


def test_a_truncated_message_is_read_to_its_end_with_a_warning(tmp_path: Path) -> None:
    data = message()
    result = wire(tmp_path, data[: data.index(b"\x03")])
    assert len(result.documents) == 1 and result.errors == []
    doc = result.documents[0]
    assert doc.title == "Lighthouse keepers gather for annual meeting"
    assert doc.body.endswith("The meeting ends on Friday with a boat trip.")
    assert doc.published is None  # the trailer was lost
    assert result.warnings == ["message 1: no ETX (end of text): truncated, read to its end"]


def test_a_message_cut_in_its_header_is_an_error_the_others_are_read(tmp_path: Path) -> None:
    data = message()
    result = wire(tmp_path, data[: data.index(b"\x02")] + b"\x04" + message("Second story of the file"))
    assert result.errors == ["message 1: no STX (start of text): the header cannot be told from the text"]
    assert [(d.id, d.title) for d in result.documents] == [("w.tst#2", "Second story of the file")]


def test_a_message_without_stx_alone_is_an_error(tmp_path: Path) -> None:
    result = wire(tmp_path, message().replace(b"\x02", b""))
    assert result.documents == []
    assert result.errors == ["message 1: no STX (start of text): the header cannot be told from the text"]


def test_100000_soh_bytes_are_refused_fast(tmp_path: Path) -> None:
    started = time.perf_counter()
    with pytest.raises(DocumentError, match="no story"):
        wire(tmp_path, b"\x01" * 100_000)
    assert time.perf_counter() - started < 0.5


def test_a_message_with_no_headline_and_no_text_is_an_error(tmp_path: Path) -> None:
    result = wire(tmp_path, b"\x01ecb001 3 v 55 ccccb   dpa 012\r\nNothing/\r\n\x02\r\n\x03\x04")
    assert result.errors == ["message 1: no story: the message has no headline and no text"]


def test_a_trailer_with_an_impossible_date_sets_no_time(tmp_path: Path) -> None:
    doc = wire(tmp_path, message(trailer="\x03312510 GMT Feb 24\r\n\x04")).documents[0]
    assert doc.published is None and doc.date is None
