"""NITF (issue 23): one story per file, read from six real agency files (AP twice, AAP, PA, EFE,
NTB), and hostile or broken XML refused with a reason (entity bombs, external entities, truncated,
not NITF, no story)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import shared_path

from indexer.core.errors import DocumentError
from indexer.parse.files import ParsedFile, read_documents
from indexer.parse.formats._xml import local, parse_xml
from indexer.parse.formats.nitf import ROOTS, read_dateline, unwrap

SAMPLES = ("aap.xml", "ap-nitf.xml", "ap_media_text_nitf.xml", "efe_nitf.xml", "nitf-ntb.xml", "pa1.xml")


def sample(name: str, tmp_path: Path) -> ParsedFile:
    """The documents of a sample, read as it is named: a ``.xml`` file goes to this reader by its root."""
    return read_documents(shared_path("data", "formats", "nitf", name), doc_id=name)


def story(name: str, tmp_path: Path):
    result = sample(name, tmp_path)
    assert result.errors == []
    assert len(result.documents) == 1
    return result.documents[0]


def nitf(tmp_path: Path, data: bytes | str, name: str = "s.nitf") -> ParsedFile:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return read_documents(path, doc_id=name)


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_is_one_story_with_title_time_and_text(name: str, tmp_path: Path) -> None:
    root = parse_xml(shared_path("data", "formats", "nitf", name).read_bytes())
    assert local(root.tag) in ROOTS  # what the lead sniffs in a .xml file
    doc = story(name, tmp_path)
    assert doc.id == name and doc.format == "nitf"
    assert doc.title and doc.body and doc.date
    assert "\n\n\n\n" not in doc.body and "<p>" not in doc.body


def test_ap_story_with_dateline_in_text_and_location_element(tmp_path: Path) -> None:
    doc = story("ap-nitf.xml", tmp_path)
    assert doc.title == "Can trading pollution like stocks help fight climate change?"
    assert doc.published == datetime(2015, 12, 10, 19, 10, 44, tzinfo=UTC)
    assert doc.date == date(2015, 12, 10)
    assert doc.author == "BERNARD CONDON"  # the <byttl> "AP Business Writer" is a title, not the name
    assert (doc.wire, doc.dateline, doc.place, doc.city) == ("AP", "NEW YORK (AP) —", "NEW YORK", "NEW YORK")
    assert doc.body.startswith("The gas produced by hog manure at farms across the U.S. punches holes")
    assert doc.body.count("\n\n") >= 25  # 28 paragraphs, the "___" rule gone
    assert "___" not in doc.body
    assert doc.copyright == "© 2015 AP"
    assert doc.language == "en"  # no baselang: detected by the caller
    assert (doc.keywords, doc.label, doc.description, doc.url) == (None, None, None, None)


def test_aap_story_with_anpa_slug_subjects_and_br_wraps(tmp_path: Path) -> None:
    doc = story("aap.xml", tmp_path)
    assert doc.title == "The main stories on today's 1900 ABC TV news"
    assert doc.label == "Monitor 1900 ABC News"  # <meta name="anpa-keyword">
    assert doc.published == datetime(2013, 10, 20, 19, 27, 51, tzinfo=timezone(timedelta(hours=11)))
    assert doc.date == date(2013, 10, 20)
    assert doc.author == "John Doe"
    assert (doc.place, doc.city, doc.dateline) == ("Sydney", "Sydney", "Sydney")
    assert doc.keywords == ["Current", "law enforcement", "investigation"]
    assert doc.copyright == "© 2013 Australian Associated Press"
    assert doc.wire == "AAP"  # "Australian Associated Press" is AAP, not AP
    assert doc.description is None  # the abstract only repeats the headline
    paragraphs = doc.body.split("\n\n")
    assert paragraphs[0] == "The main stories on ABC television's 1900 news:"
    assert paragraphs[1].startswith("1A) More extreme weather forecast over the next few days the fire situation")
    assert paragraphs[1].endswith("southern edge of the State Mine Fire is more than 30 ks long.")  # <br/> wraps joined
    assert paragraphs[-1] == "AAP RTV ar"
    assert len(paragraphs) == 13  # 1, 1A–1G, 2–5, the sign-off


def test_pa_story_declared_latin1_with_inline_markup(tmp_path: Path) -> None:
    doc = story("pa1.xml", tmp_path)
    assert doc.title == "PA SPORT TRIVIA (OCTOBER 14)"
    assert doc.published == datetime(2015, 10, 14, 4, 30, 1, tzinfo=timezone(timedelta(hours=1)))
    assert doc.description == "ON THIS DAY IN SPORT"
    assert doc.keywords == ["Trivia (Oct 14)"]  # the subject codes only where nothing readable is given
    assert doc.copyright == "© 2015 PA Sport"
    assert doc.language == "en"
    assert (doc.author, doc.place, doc.wire, doc.dateline, doc.label) == (None, None, None, None, None)
    assert doc.body.startswith("ON THIS DAY IN SPORT\n\n1878: Two local teams took part in the first football match")
    assert (
        "1996: Mark Bosnich, then of Aston Villa, was charged with misconduct by the Football Association" in doc.body
    )
    assert "Portugal Masters - Sky Sports 4 1130-1330 & 1500-1800" in doc.body
    assert doc.body.endswith("5. Barry Manilow.\n\nends")


def test_efe_story_without_declaration_place_from_evloc(tmp_path: Path) -> None:
    doc = story("efe_nitf.xml", tmp_path)
    assert doc.title == "Honduran president announces Cabinet changes"
    assert doc.published == datetime(2017, 1, 2, 22, 28, tzinfo=UTC)
    assert doc.description == "Test Abstract"
    assert doc.author == "gr/bp"
    assert doc.wire == "EFE"  # <distributor> "Agencia EFE", as the wire table names it
    assert doc.copyright == "© Agencia EFE"  # <rights.owner>
    assert doc.keywords == ["Executive (government)", "GOVERNMENT", "HONDURAS GOVERNMENT"]
    assert doc.language == "en"  # baselang en-US
    assert (doc.place, doc.city) == ("Tegucigalpa", "Tegucigalpa")  # <evloc city=…>; the dateline holds a time
    assert doc.dateline == "Tegucigalpa, Jan 2 (EFE).-"  # in the text; no year, the item's date stays
    assert doc.body == "Test body."


def test_ntb_story_norwegian_character_references_and_naive_time(tmp_path: Path) -> None:
    doc = story("nitf-ntb.xml", tmp_path)
    assert doc.title == "Faktisk.no: Nei, dette dokumentet beskriver ikke FNs Agenda 21 eller Agenda 2030"
    assert doc.published is None  # "2020-09-07T14:45:26" names no zone: not guessed
    assert doc.date == date(2020, 9, 7)
    assert doc.language == "nb"
    assert doc.author == "Geir Molnes / Faktisk.no"
    assert (doc.wire, doc.place, doc.dateline) == ("NTB", "Oslo", "Oslo")
    assert doc.keywords == ["Faktasjekk"]
    assert doc.body.startswith("Nei, dette dokumentet beskriver ikke FNs Agenda 21 eller Agenda 2030\n\nPåstand\n\n«[")
    assert "Én global verdensregjering" in doc.body  # &#201; in an <li>
    assert "<script" not in doc.body and "faktisk-embed" not in doc.body  # escaped embed code dropped
    assert "Foto: NTB / Scanpix" not in doc.body  # <media> is a picture, not text


def test_ap_media_namespaced_agate_with_tables(tmp_path: Path) -> None:
    doc = story("ap_media_text_nitf.xml", tmp_path)
    assert doc.title == "BC-BBN--Top Ten"
    assert doc.label == "BC-BBN--Top Ten"  # AP's slug stands in the hl1
    assert doc.published == datetime(2019, 7, 3, 4, 5, 12, tzinfo=UTC)
    assert doc.wire == "AP"
    assert doc.author == "The Associated Press"  # the agate's "By The Associated Press" line
    assert doc.body.startswith("BASEBALL'S TOP TEN\n\nBy The Associated Press\n\nNATIONAL LEAGUE\n\nG AB R H Pct.")
    assert "\n\nMcNeil NYM 72 271 37 95 .351\n\n" in doc.body  # a table row is a line
    assert (
        "Yelich, Milwaukee, 31; Alonso, New York, 28; Bellinger, Los Angeles, 27; Bell, Pittsburgh, 25; FReyes, San Diego, 24;"
        in doc.body
    )
    assert doc.body.endswith("Scherzer, Washington, 8-5.")


# --- Hostile and broken files -------------------------------------------------------------------------

BOMB = """<?xml version="1.0"?>
<!DOCTYPE nitf [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<nitf><body><body.head><hedline><hl1>&c;</hl1></hedline></body.head></body></nitf>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE nitf [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<nitf><body><body.content><p>&x;</p></body.content></body></nitf>"""
SMALL = """<?xml version="1.0" encoding="{encoding}"?>
<!DOCTYPE nitf PUBLIC "-//IPTC//DTD NITF 3.4//EN" "http://www.nitf.org/IPTC/NITF/3.4/specification/dtd/nitf-3-4.dtd">
<nitf baselang="de-DE"><head><docdata><date.issue norm="20240105T093000+0100"/></docdata></head>
<body><body.head><hedline><hl1>Caf\u00e9 &amp; Kuchen</hl1></hedline></body.head>
<body.content><p>Der Text \u20ac.</p></body.content></body></nitf>"""


def test_entity_bomb_is_refused(tmp_path: Path) -> None:
    started = time.perf_counter()
    with pytest.raises(DocumentError, match="refused unsafe XML: it declares entities"):
        nitf(tmp_path, BOMB)
    assert time.perf_counter() - started < 1


def test_external_entity_is_refused_not_read(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="refused unsafe XML") as caught:
        nitf(tmp_path, EXTERNAL)
    assert "root:" not in str(caught.value)


def test_external_dtd_reference_is_read_without_fetching(tmp_path: Path) -> None:
    doc = nitf(tmp_path, SMALL.format(encoding="utf-8")).documents[0]
    assert doc.title == "Café & Kuchen"
    assert doc.body == "Der Text €."
    assert doc.published == datetime(2024, 1, 5, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    assert doc.language == "de"


def test_truncated_file_is_refused(tmp_path: Path) -> None:
    data = shared_path("data", "formats", "nitf", "ap-nitf.xml").read_bytes()
    with pytest.raises(DocumentError, match="not well-formed XML"):
        nitf(tmp_path, data[: len(data) // 2])


def test_not_xml_and_not_nitf_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="not well-formed XML"):
        nitf(tmp_path, "Just a story in plain text.\n")
    with pytest.raises(DocumentError, match=r"not NITF: the root element is <newsMessage>"):
        nitf(tmp_path, '<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"/>')


def test_nitf_without_headline_or_text_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no story"):
        nitf(tmp_path, "<nitf><head><docdata/></head><body><body.content><p> </p></body.content></body></nitf>")


def test_wrong_declared_encodings_are_read_with_a_warning(tmp_path: Path) -> None:
    latin = SMALL.format(encoding="iso-8859-1").replace("\u20ac", "EUR").encode("utf-8")  # UTF-8 bytes
    result = nitf(tmp_path, latin)
    assert result.documents[0].title == "Café & Kuchen"
    assert result.warnings == ["declared encoding iso-8859-1 but the bytes are UTF-8; read as UTF-8"]
    cp1252 = SMALL.format(encoding="utf-8").encode("cp1252")  # declared UTF-8, written in Windows-1252
    result = nitf(tmp_path, cp1252)
    assert (result.documents[0].title, result.documents[0].body) == ("Café & Kuchen", "Der Text €.")
    assert result.warnings == ["not valid utf-8 as declared (byte 288); read as cp1252"]


# --- Pieces -------------------------------------------------------------------------------------------


def test_unwrap_tells_teletype_indents_from_xml_indentation() -> None:
    teletype = "   First para\nwrapped here.\n   Second para\nwrapped.\n"
    assert unwrap(teletype) == ["First para wrapped here.", "Second para wrapped."]
    pretty = "First line\n            goes on\n            and on.\n\n            New para."
    assert unwrap(pretty) == ["First line goes on and on.", "New para."]


@pytest.mark.parametrize(
    "dateline, place, wire",
    [
        ("STOCKHOLM, Aug 29, 2014 (AFP) -", "STOCKHOLM", "AFP"),
        ("MOSCOW, Monday (Reuters)", "MOSCOW", "Reuters"),
        ("BAMAKO, Mali (AP) —", "BAMAKO, Mali", "AP"),
        ("Strasbourg, 10 juil 2024 (AFP)", "Strasbourg", "AFP"),
        ("2014-07-16 15:53:10 GMT+00:00", None, None),
        ("4/4/2018", None, None),
    ],
)
def test_dateline_elements(dateline: str, place: str | None, wire: str | None) -> None:
    assert read_dateline(dateline) == (place, wire)


def test_the_samples_read_fast(tmp_path: Path) -> None:
    started = time.perf_counter()
    for name in SAMPLES:
        sample(name, tmp_path)
    assert time.perf_counter() - started < 0.5


def test_html_named_entities_of_an_undeclared_dtd_are_read_as_characters(tmp_path: Path) -> None:
    # NITF's DTD declares HTML's entities; it is never fetched, so &eacute; would be an undefined entity.
    result = nitf(
        tmp_path,
        "<nitf><body><body.head><hedline><hl1>Caf&eacute; opens</hl1></hedline></body.head>"
        "<body.content><p>A&nbsp;new caf&eacute; &amp; bar opened.</p></body.content></body></nitf>",
    )
    [doc] = result.documents
    assert (doc.title, doc.body) == ("Café opens", "A new café & bar opened.")
