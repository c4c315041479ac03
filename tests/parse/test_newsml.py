"""NewsML-G2 and NewsML 1 (issue 23): a document per text item, read from real agency files (dpa,
Reuters, ANSA, BusinessDesk, AFP, ANA-MPA) and IPTC examples; packages and pictures skipped with a
reason; hostile or broken XML refused (entity bombs, external entities, truncated, not NewsML)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import shared_path

from indexer.core.document import Document
from indexer.core.errors import DocumentError
from indexer.parse.files import ParsedFile, read_documents
from indexer.parse.formats._xml import local, parse_xml
from indexer.parse.formats.newsml import ROOTS

G2 = "http://iptc.org/std/nar/2006-10-01/"
REUTERS_TEXT = "tag_reuters.com_2014_newsml_KBN0FL0NN_version_5"
REUTERS_PACKAGE = "tag_reuters.com_2014_newsml_KBN0FL0NM_version_10"
REUTERS_GOLD = "tag_reuters.com,0000_newsml_L4N1FL0N0_1132689232"
COUNTS = [
    ("newsml-g2", "dpa.xml", 1),
    ("newsml-g2", "ansa-newsmlg2-text.xml", 1),
    ("newsml-g2", "scoop.xml", 1),
    ("newsml-g2", REUTERS_TEXT, 1),
    ("newsml-g2", REUTERS_GOLD, 1),
    ("newsml-g2", REUTERS_PACKAGE, 0),
    ("newsml-g2", "LISTING_1_A_NewsML-G2_News_Item.xml", 1),
    ("newsml-g2", "LISTING_2_NewsML-G2_Text_Document.xml", 1),
    ("newsml-1", "afp.xml", 1),
    ("newsml-1", "afp20.xml", 1),
    ("newsml-1", "ana1.xml", 1),
]


def sample(folder: str, name: str, tmp_path: Path) -> ParsedFile:
    """The documents of a sample, read as it is named: ``.xml`` files and Reuters' extensionless
    ones go to this reader by their root element."""
    return read_documents(shared_path("data", "formats", folder, name), doc_id=name)


def item(folder: str, name: str, tmp_path: Path) -> Document:
    result = sample(folder, name, tmp_path)
    assert result.errors == []
    assert len(result.documents) == 1
    return result.documents[0]


def message(tmp_path: Path, data: bytes | str, name: str = "m.newsml") -> ParsedFile:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return read_documents(path, doc_id=name)


@pytest.mark.parametrize("folder, name, count", COUNTS)
def test_documents_per_sample_and_their_ids(folder: str, name: str, count: int, tmp_path: Path) -> None:
    root = parse_xml(shared_path("data", "formats", folder, name).read_bytes())
    assert local(root.tag) in ROOTS  # what the lead sniffs in a .xml or extensionless file
    result = sample(folder, name, tmp_path)
    assert len(result.documents) == count
    for doc in result.documents:
        assert doc.format == "newsml" and doc.title and doc.date
        assert doc.id.startswith(f"{name}#")


def test_dpa_xhtml_item(tmp_path: Path) -> None:
    doc = item("newsml-g2", "dpa.xml", tmp_path)
    assert doc.id == "dpa.xml#1"
    assert doc.title == "Eintracht in London: Hintereggers Tränen und Attacke auf Reporter"
    assert doc.published == datetime(2022, 10, 11, 11, 14, 42, tzinfo=timezone(timedelta(hours=2)))
    assert doc.date == date(2022, 10, 11)
    assert doc.language == "de"
    assert (doc.wire, doc.dateline, doc.place, doc.city) == ("dpa", "London (dpa) -", "London", "London")
    assert doc.author == "degenhardt.sandra"  # the <creator>, as dpa names it
    assert doc.keywords == [
        "Extra",
        "Deutschland",
        "Hessen",
        "Großbritannien",
        "International",
        "Fußball",
        "Champions League",
        "Frankfurt",
        "London",
        "Sport",
        "Tottenham Hotspur Stadium, High Road 782, N17 , Vereinigtes Königreich",
    ]
    assert doc.copyright == "Copyright 2022, dpa (www.dpa.de). Alle Rechte vorbehalten"  # the notice in German
    assert (doc.label, doc.description, doc.url) == (None, None, None)
    assert doc.body.startswith("2019 gab es bittere Tränen in der Kurve, 2022 erst mächtig Wut auf englische Fans")
    assert doc.body.endswith("Eine Woche später gewann die Eintracht auch das Rückspiel und zog ins Endspiel ein.")
    assert doc.body.count("\n\n") == 2
    assert "Notizblock" not in doc.body and "dpa pre yyhe" not in doc.body and "11.10.2022" not in doc.body


def test_reuters_text_item_dateline_in_first_paragraphs(tmp_path: Path) -> None:
    doc = item("newsml-g2", REUTERS_TEXT, tmp_path)
    assert doc.title == "Confident Assad launches new term in stronger position"
    assert doc.label == "US-SYRIA-CRISIS-ASSAD"
    assert doc.published == datetime(2014, 7, 16, 8, 10, 15, tzinfo=UTC)  # firstCreated, not versionCreated
    assert doc.author == "Marwan Makdisi"  # <by>
    assert (doc.wire, doc.dateline, doc.place) == ("Reuters", "DAMASCUS (Reuters) -", "DAMASCUS")  # not Bangalore
    assert doc.keywords == ["Politics", "Elections", "Top News", "Middle East"]  # the N2: codes give no names
    assert doc.language == "en"
    assert (
        doc.copyright
        == "(c) Copyright Thomson Reuters 2014. Click For Restrictions - http://about.reuters.com/fulllegal.asp"
    )
    assert doc.description is None  # a "descRole:caption" is no summary
    assert doc.body.startswith("By Marwan Makdisi\n\nBashar al-Assad was sworn in for a new term as Syria's president")
    assert "\n\nSTILL STANDING\n\n" in doc.body
    assert doc.body.endswith(
        "Official returns gave him 88.7 percent of the vote.\n\n(Additional reporting by Sylvia Westall, Laila Bassam, Oliver Holmes, Mariam Karouny and Tom Perry in Beirut; Editing by Peter Graff)"
    )


def test_reuters_teletype_text_in_one_paragraph(tmp_path: Path) -> None:
    doc = item("newsml-g2", REUTERS_GOLD, tmp_path)
    assert doc.title == "PRECIOUS-Gold rises as Trump policy fuels safe haven demand"
    assert doc.label == "GLOBAL-PRECIOUS/ (UPDATE 1)"
    assert doc.published == datetime(2017, 1, 31, 3, 47, 29, tzinfo=UTC)
    assert doc.author == "Arpan Varghese"  # the byline line of the text
    assert (doc.wire, doc.dateline) == ("Reuters", "Jan 30 (Reuters) -")
    assert doc.place is None  # "Jan 30" is a date, not a place
    assert doc.keywords == [
        *("Market Reports", "Reports", "Media type Graphics"),  # genres
        *("Business", "Economy", "Politics", "Asia", "Europe", "US", "UK"),  # memberOf; the 36 codes give no names
    ]
    assert doc.body.startswith("(Adds comments, detail)\n* Spot gold may edge up to $1,205 per ounce- technicals")
    assert (
        "\n\nGold rose on Tuesday on increased safe haven demand as U.S. President Donald Trump's tough stance on immigration rattled global markets, with prices finding further support from a weaker dollar.\n\nTraders were"
        in doc.body
    )
    assert doc.body.endswith(
        "Palladium rose 0.7 percent, to $745.40 per ounce.\n\n(Reporting by Arpan Varghese in Bengaluru; Editing by Joseph Radford and Richard Pullin)"
    )


def test_reuters_package_is_reported_not_indexed(tmp_path: Path) -> None:
    result = sample("newsml-g2", REUTERS_PACKAGE, tmp_path)
    assert result.documents == []
    assert result.errors == ["item 1: a package of 5 item references, no story of its own"]


def test_ansa_plain_text_with_markup_and_a_wrong_language(tmp_path: Path) -> None:
    result = sample("newsml-g2", "ansa-newsmlg2-text.xml", tmp_path)
    doc = result.documents[0]
    assert doc.title == "Catalan independence declaration unacceptable - Alfano"
    assert doc.description == "Foreign minister expresses faith in Spanish government"  # hld:subHeadline
    assert doc.published == datetime(2017, 10, 11, 10, 41, tzinfo=timezone(timedelta(hours=1)))  # "+0100"
    assert doc.language == "en"  # declared "it", written in English
    assert result.warnings == ["item 1: declared language 'it' but the text is 'en'; 'en' kept"]
    assert doc.author == "VRG"
    assert (doc.place, doc.city) == ("Rome", "Rome")  # <located literal="Rome">
    assert doc.keywords == ["ALR"]  # the other subject repeats the headline
    assert (
        doc.copyright
        == "(c) Copyright ANSA 2017. Click For Restrictions - http://www.ansa.it/sito/static/copyright.html"
    )
    assert (doc.wire, doc.dateline, doc.label) == ("ANSA", "(ANSA) - Rome, October 11 -", None)
    assert doc.body.split("\n\n") == [
        "Italian Foreign Minister Angelino Alfano has said that the Catalan independence declaration is unacceptable.",
        '"Unacceptable Catalan unilateral independence declaration," Alfano said via his @angealfa Twitter account.',
        '"Our faith in the Spanish government, which will know how to guarantee the rights of all citizens".',
        "Catalan leader Carles Puigdemont signed a declaration of independence on Tuesday, but halted implementation to allow for negotiations.",
    ]


def test_scoop_package_beside_its_nitf_item(tmp_path: Path) -> None:
    result = sample("newsml-g2", "scoop.xml", tmp_path)  # UTF-8 BOM, CRLF, <Header>
    assert result.errors == []  # the package only lists the item beside it
    doc = result.documents[0]
    assert doc.id == "scoop.xml#2"
    assert (
        doc.title == "Dick Smith receivers install Don Grover as acting CEO as Abboud quits; retailer put up for sale"
    )
    assert doc.author == "Staff Reporter"  # <person> of the NITF byline, not "ByStaff ReporterBusinessDesk"
    assert doc.published is None and doc.date == date(2016, 1, 12)  # "2016-01-12 12:35:40" has no zone
    assert doc.language == "en"  # the message's lang="en-US"
    assert (doc.keywords, doc.copyright, doc.wire, doc.place, doc.label) == (None, None, None, None, None)
    assert doc.body.startswith("By Jonathan Underhill\n\nJan. 12 (BusinessDesk) - The receivers of Dick Smith Holdings")
    assert doc.body.endswith(
        "Anchorage sold its remaining 20 percent in September 2014 for about A$2.22 a share.\n\n(BusinessDesk)"
    )


def test_iptc_examples(tmp_path: Path) -> None:
    one = item("newsml-g2", "LISTING_1_A_NewsML-G2_News_Item.xml", tmp_path)
    assert one.title == 'Fed to halt QE to avert "bubble"'  # the leading space gone
    assert one.body == ""  # an empty inlineXML: the headline is still an item
    assert one.published == datetime(2016, 10, 18, 13, 12, 21, tzinfo=timezone(timedelta(hours=-5)))
    assert (one.author, one.label, one.wire) == ("Meredith Jameson", "US-Finance-Fed", "Reuters")
    assert (one.place, one.country) == ("Berlin", None)
    assert one.keywords == ["economy, business and finance", "labour market", "Interview"]
    assert one.copyright == "Copyright 2017-18 Example Enews LLP, all rights reserved"
    assert one.language == "en"
    two = item("newsml-g2", "LISTING_2_NewsML-G2_Text_Document.xml", tmp_path)
    assert two.published == datetime(2018, 11, 21, 16, 25, 32, tzinfo=timezone(timedelta(hours=-5)))
    assert (two.place, two.city, two.region, two.country) == ("New York, NY", "New York", "New York", "United States")
    assert two.keywords == ["economy, business and finance", "central bank", "money and monetary policy"]
    assert two.body.startswith("(New York, NY - October 21) Et, sent luptat luptat, commy Nim zzriureet vendreetue")
    assert two.body.count("\n\n") == 1  # two <p>, XML indentation is no paragraph break
    with pytest.raises(DocumentError, match=r"XML of a kind dateline does not read \(root element <contentMeta>;"):
        sample("newsml-g2", "LISTING_28_Illustrating_Located_Subject_and_Dateline.xml", tmp_path)


def test_afp_newsml1_with_dateline_element(tmp_path: Path) -> None:
    doc = item("newsml-1", "afp.xml", tmp_path)
    assert doc.id == "afp.xml#1"
    assert doc.title == "Sweden court accepts receivership for Saab carmaker"
    assert doc.label == "Sweden-SAAB"
    assert doc.published == datetime(2014, 8, 29, 13, 49, 51, tzinfo=UTC)
    assert (doc.wire, doc.dateline, doc.place) == ("AFP", "STOCKHOLM, Aug 29, 2014 (AFP) -", "STOCKHOLM")
    assert doc.keywords == ["Sweden", "China", "auto", "business", "bankruptcy", "Saab"]
    assert doc.language == "en"
    assert (doc.author, doc.copyright, doc.description) == (None, None, None)
    assert doc.body.startswith("A Chinese-owned company set up to take over Saab's assets after the troubled Swedish")
    assert doc.body.count("\n\n") == 9


def test_afp_french_declared_latin1_but_utf8(tmp_path: Path) -> None:
    result = sample("newsml-1", "afp20.xml", tmp_path)
    doc = result.documents[0]
    assert result.warnings == ["declared encoding iso-8859-1 but the bytes are UTF-8; read as UTF-8"]
    assert doc.title == "Décès de Naomi Musenga: l'opératrice du Samu définitivement condamnée"
    assert doc.label == "procès-santé-secours"
    assert doc.published == datetime(2024, 7, 10, 12, 59, 2, tzinfo=UTC)
    assert (doc.wire, doc.dateline, doc.place) == ("AFP", "Strasbourg, 10 juil 2024 (AFP)", "Strasbourg")
    assert doc.copyright == "© 2024 AFP"
    assert doc.language == "fr"
    assert doc.keywords is None
    assert doc.body.startswith("L'opératrice du Samu condamnée pour non-assistance à personne en danger")
    assert doc.body.endswith("\n\nL'opératrice, Corinne M.")


def test_ana_html_in_cdata_and_topic_names(tmp_path: Path) -> None:
    doc = item("newsml-1", "ana1.xml", tmp_path)
    assert doc.title == "Wage employment balance positive in Jan-March"
    assert (
        doc.description
        == "Wage employment in the private sector grew in March, recording the best performance since 2001, the Labour ministry said in a report released on Wednesday."
    )
    assert doc.published == datetime(2018, 4, 4, 17, 58, 59, tzinfo=timezone(timedelta(hours=3)))
    assert doc.language == "en"
    assert doc.wire == "ΑΠΕ-ΜΠΕ"
    assert doc.copyright == "© 2018 ΑΘΗΝΑΪΚΟ ΠΡΑΚΤΟΡΕΙΟ ΕΙΔΗΣΕΩΝ - ΜΑΚΕΔΟΝΙΚΟ ΠΡΑΚΤΟΡΕΙΟ ΕΙΔΗΣΕΩΝ"
    assert (doc.place, doc.dateline, doc.label) == ("Athens", None, None)  # the DateLine holds a date
    assert doc.keywords == ["Current", "Employment/Unemployment", "Job Layoffs", "Economic Indicator"]
    assert doc.body.startswith("Wage employment in the private sector grew in March, recording the best performance")
    assert "<P>" not in doc.body and doc.body.count("\n\n") == 3


# --- Messages of several items, pictures, hostile and broken files -----------------------------------


def g2_item(
    headline: str, item_class: str = "ninat:text", body: str = "<p>Some text here.</p>", status: str = ""
) -> str:
    return f"""<newsItem guid="urn:x:{headline}" xml:lang="en"><itemMeta><itemClass qcode="{item_class}"/>
<versionCreated>2024-03-01T10:00:00Z</versionCreated>{status}</itemMeta>
<contentMeta><headline>{headline}</headline></contentMeta>
<contentSet><inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml"><body>{body}</body></html></inlineXML></contentSet></newsItem>"""


def g2_message(*items: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><newsMessage xmlns="{G2}"><itemSet>{"".join(items)}</itemSet></newsMessage>'


def test_message_of_several_items(tmp_path: Path) -> None:
    result = message(tmp_path, g2_message(g2_item("One"), g2_item("Two"), g2_item("Three")))
    assert [(d.id, d.title, d.body) for d in result.documents] == [
        ("m.newsml#1", "One", "Some text here."),
        ("m.newsml#2", "Two", "Some text here."),
        ("m.newsml#3", "Three", "Some text here."),
    ]
    assert result.documents[0].published == datetime(2024, 3, 1, 10, tzinfo=UTC)


def test_pictures_are_skipped_beside_a_story_and_reported_alone(tmp_path: Path) -> None:
    result = message(tmp_path, g2_message(g2_item("Photo", "ninat:picture"), g2_item("Story")))
    assert [d.id for d in result.documents] == ["m.newsml#2"]
    assert result.errors == []
    result = message(tmp_path, g2_message(g2_item("Photo", "ninat:picture")))
    assert result.documents == []
    assert result.errors == ["item 1: a picture item (ninat:picture), no story text"]


def test_bad_items_are_reported_and_the_rest_read(tmp_path: Path) -> None:
    withdrawn = g2_item("Gone", status='<pubStatus qcode="stat:canceled"/>')
    empty = g2_item("", body="")
    result = message(tmp_path, g2_message(withdrawn, empty, g2_item("Kept")))
    assert [d.id for d in result.documents] == ["m.newsml#3"]
    assert result.errors == [
        "item 1: withdrawn by its provider (stat:canceled)",
        "item 2: a text item with neither headline nor text",
    ]


def test_message_without_items_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no news items"):
        message(tmp_path, f'<newsMessage xmlns="{G2}"><header/></newsMessage>')


def test_entity_bomb_is_refused(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE newsMessage [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        + g2_message(g2_item("&c;"))[len('<?xml version="1.0" encoding="UTF-8"?>') :]
    )
    started = time.perf_counter()
    with pytest.raises(DocumentError, match="refused unsafe XML: it declares entities"):
        message(tmp_path, bomb)
    assert time.perf_counter() - started < 1


def test_external_entity_is_refused(tmp_path: Path) -> None:
    external = '<!DOCTYPE NewsML [<!ENTITY x SYSTEM "file:///etc/passwd">]><NewsML><NewsItem>&x;</NewsItem></NewsML>'
    with pytest.raises(DocumentError, match="refused unsafe XML") as caught:
        message(tmp_path, external)
    assert "root:" not in str(caught.value)


def test_truncated_and_foreign_xml_are_refused(tmp_path: Path) -> None:
    data = shared_path("data", "formats", "newsml-g2", "dpa.xml").read_bytes()
    with pytest.raises(DocumentError, match="not well-formed XML"):
        message(tmp_path, data[: len(data) // 2])
    with pytest.raises(DocumentError, match=r"not NewsML: the root element is <rss>"):
        message(tmp_path, "<rss><channel/></rss>")


def test_the_samples_read_fast(tmp_path: Path) -> None:
    started = time.perf_counter()
    for folder, name, _count in COUNTS:
        sample(folder, name, tmp_path)
    assert time.perf_counter() - started < 0.5
