"""CSV and TSV files (`indexer.parse.formats.tables`): the shared scraper samples, 10kGNAD, and hostile files."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from conftest import shared_path

from indexer import DocumentError
from indexer.parse.dates import BERLIN
from indexer.parse.files import read_documents
from indexer.parse.formats.tables import COLUMN_ALIASES, key_name


def _csv(tmp_path, text: str | bytes, name: str = "f.csv", **kwargs):
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8", newline="")
    else:
        path.write_bytes(text)
    return read_documents(path, doc_id=name, **kwargs)


# --- the shared samples -------------------------------------------------------------------------


def test_news_csv_every_field_of_the_first_row():
    parsed = read_documents(shared_path("data", "formats", "csv", "news.csv"), doc_id="news.csv")
    assert (len(parsed.documents), parsed.errors) == (37, [])
    doc = parsed.documents[0]
    assert doc.id == "news.csv#2"  # the line the row starts on (line 1 is the header)
    assert doc.format == "csv"
    assert doc.title == (
        "After $1.5 billion was spent, the centerpiece of Paris' Olympic efforts may still be too filthy to use"
    )
    assert doc.published == datetime(2024, 4, 21, 8, 59, 7, 765000, tzinfo=UTC)  # the `date` column's time
    assert doc.date == date(2024, 4, 21)
    assert (
        doc.url
        == "https://www.nbcnews.com/news/world/olympic-effort-clean-river-seine-may-spoiled-rainy-day-rcna147966"
    )
    assert (doc.dateline, doc.place, doc.city, doc.country, doc.wire) == ("PARIS —", "PARIS", "PARIS", None, None)
    assert (doc.author, doc.keywords, doc.issuer, doc.label, doc.description) == (None, None, None, None, None)
    assert doc.language == "en"
    assert doc.body.startswith("Meandering down the Seine River, the light breeze, gentle current")
    assert "\u00a0" not in doc.body
    # The unnamed pandas index column and the placeholder date are each said once, not once per row.
    assert parsed.warnings == [
        "columns not used: (unnamed)",
        "line 22: 'date' is not a date: 'No link found' (said once)",
    ]


def test_news_csv_placeholder_and_date_only_rows():
    parsed = read_documents(shared_path("data", "formats", "csv", "news.csv"), doc_id="news.csv")
    by_id = {d.id: d for d in parsed.documents}
    placeholder = by_id["news.csv#22"]
    assert placeholder.title == "2 dead, 6 injured in shooting at block party in Memphis"
    assert (placeholder.url, placeholder.date, placeholder.published, placeholder.body) == (
        None,
        None,
        None,
        "No link found",
    )
    made_up = by_id["news.csv#36"]  # the project's test rows: a date without a time gives no `published`
    assert (made_up.date, made_up.published) == (date(2024, 4, 2), None)
    assert made_up.url == "https://news.example.com/environment/amazon-deforestation-2024"
    assert [d.id for d in parsed.documents][-1] == "news.csv#38"


def test_press_release_csv_cms_layout():
    parsed = read_documents(shared_path("data", "formats", "csv", "press_releases.csv"), doc_id="p.csv")
    assert (len(parsed.documents), parsed.errors) == (1, [])
    doc = parsed.documents[0]
    assert doc.id == "1"  # the `id` column, unique in the file
    assert doc.title == "1 Hotels To Debut in Japan with 1 Hotel Tokyo: a New Nature-Inspired Urban Icon"
    assert doc.published == datetime(2024, 12, 18, 10, 11, 25, tzinfo=BERLIN)  # created_at, naive: Berlin
    assert doc.date == date(2024, 12, 18)
    assert doc.language == "en"
    assert doc.body.startswith("Miami, FL (December 4, 2024) - SH Hotels & Resorts, the sustainable hotel brand")
    assert doc.contact == "Elizabeth Traub/EJ Media Groupelizabeth@ejmediagroup.com212.518.4771, x105"
    assert (doc.url, doc.author, doc.keywords, doc.description, doc.issuer, doc.place) == (None,) * 6
    assert parsed.warnings == [
        "columns not used: slug, image, type, custom_field, parent_id, updated_at, added_timestamp, seo_title, "
        "seo_content, seo_title_desc, seo_content_desc, category_id"
    ]


def test_scraped_csv_multiline_fields_and_per_row_dates():
    parsed = read_documents(shared_path("data", "formats", "csv", "scraped_data.csv"), doc_id="s.csv")
    assert parsed.errors == []
    docs = parsed.documents
    # `id` says 1 for three rows and nothing for two: not ids, so every row is known by its line.
    assert [d.id for d in docs] == ["s.csv#2", "s.csv#24", "s.csv#34", "s.csv#63", "s.csv#64"]
    assert [d.date for d in docs] == [None, date(2024, 12, 16), date(2024, 11, 12), None, date(2024, 12, 17)]
    assert all(d.published is None for d in docs)  # the dates have no time of day
    assert parsed.warnings[0].startswith("the id column's values are not used as ids (empty in 2 (first at line 24))")
    assert "line 63: 'created_at' is not a date: 'Dec 10, 2024  4 mins read ' (said once)" in parsed.warnings
    ihcl = docs[1]
    assert ihcl.title == "IHCL ANNOUNCES COUNTRY’S LARGEST HOSPITALITY SKILLING CENTRE AT AGUADA PLATEAU IN GOA"
    assert ihcl.body.startswith("~ MARKS 50 YEARS OF TAJ FORT AGUADA RESORT & SPA, GOA\n\nMUMBAI, DECEMBER 16, 2024:")
    assert ihcl.about is not None and ihcl.about.startswith("About The Indian Hotels Company Limited (IHCL)\n")
    assert ihcl.language == "en"
    sonesta = docs[3]  # empty `content`: the title and the `lead` column are the document
    assert (sonesta.body, sonesta.language) == ("", None)
    assert sonesta.description == (
        "Centrally Located Westchester Hotel Debuts a Renewed Dynamic Experience for Travelers, "
        "Offering Seamless Access to NYC and the Hudson Valley"
    )


def test_eqs_sidecar_csv_german_columns():
    path = shared_path("data", "formats", "pdf", "eqs", "DE0008404005", "DE0008404005_10-05-2023.csv")
    parsed = read_documents(path, doc_id="allianz.csv")
    (doc,) = parsed.documents
    assert doc.id == "allianz.csv#2"
    assert (
        doc.title
        == "Allianz SE beschließt neues Rückkaufprogramm für eigene Aktien im Volumen von bis zu 1,5 Milliarden Euro"
    )
    assert doc.headline == f"Allianz SE: {doc.title}"
    assert doc.issuer == "Allianz SE"  # r_comp_name
    assert doc.label == "Ad-hoc"  # r_type
    assert (doc.date, doc.published) == (date(2023, 5, 10), None)  # r_date; r_scraped is the scrape time
    assert doc.url.startswith("https://www.eqs-news.com/de/news/adhoc/allianz-se-allianz-se-beschliesst-")
    assert doc.language == "de"  # Sprache: Deutsch
    assert doc.body.startswith("Allianz SE hat heute ein neues Rückkaufprogramm für eigene Aktien beschlossen.")
    assert (doc.author, doc.keywords, doc.place) == (None, None, None)
    assert parsed.warnings == [
        "columns not used: (unnamed), r_scraped, r_body_title, r_body_disc, r_text_after_contact, Telefon, "
        "E-Mail, Internet, ISIN, WKN, Indizes, Börsen, EQS News ID"
    ]


def test_eqs_sidecar_csv_english_columns_without_text():
    path = shared_path("data", "formats", "pdf", "eqs", "DE0005557508", "DE0005557508_09-06-2023.csv")
    (doc,) = read_documents(path, doc_id="telekom.csv").documents
    assert (doc.issuer, doc.label, doc.date, doc.language) == (
        "Deutsche Telekom AG",
        "Stimmrechtsanteile",
        date(2023, 6, 9),
        "en",  # Language: English
    )
    assert doc.title.startswith("Release according to Article 40, Section 1 of the WpHG")
    assert doc.body == ""  # r_text is empty: a title-only document


def test_gnad_needs_a_map_then_reads_every_row():
    path = shared_path("data", "gnad10k_german_news", "test.csv")
    with pytest.raises(DocumentError, match=r"no column names a dateline field .*--map 1=FIELD"):
        read_documents(path)
    parsed = read_documents(path, doc_id="gnad.csv", field_map={"1": "label", "2": "body"})
    assert (len(parsed.documents), parsed.errors, parsed.warnings) == (1028, [], [])
    assert Counter(d.label for d in parsed.documents) == {
        "Web": 168, "Panorama": 168, "International": 151, "Wirtschaft": 141, "Sport": 120,
        "Inland": 102, "Etat": 67, "Wissenschaft": 57, "Kultur": 54,
    }  # fmt: skip
    doc = parsed.documents[0]
    assert (doc.id, doc.label, doc.language, doc.title) == ("gnad.csv#1", "Wirtschaft", "de", None)
    assert doc.body.startswith('Die Gewerkschaft GPA-djp lanciert den "All-in-Rechner" und findet')  # ' was the quote


# --- names, dialects, values ------------------------------------------------------------------


def test_column_names_match_case_and_spelling_insensitively(tmp_path):
    parsed = _csv(
        tmp_path,
        "Headline;Article Text;publishedAt;Authors;Category;Publisher;URL;Lang\n"
        "Flood warning;RIGA, Latvia, June 6, 2025 /PRNewswire/ -- Rivers rose.;2025-06-06T10:00:00+02:00;"
        "\"['Ann Lee', 'Bo Ek']\";Weather, Baltics;Acme News;https://x.example/1;en-GB\n",
    )
    (doc,) = parsed.documents
    assert doc.title == "Flood warning"
    assert doc.body == "Rivers rose."
    assert (doc.wire, doc.place, doc.country) == ("PR Newswire", "RIGA, Latvia", "Latvia")
    assert doc.published == datetime.fromisoformat("2025-06-06T10:00:00+02:00")
    assert doc.date == date(2025, 6, 6)
    assert doc.author == "Ann Lee, Bo Ek"
    assert doc.keywords == ["Weather", "Baltics"]
    assert doc.issuer == "Acme News"
    assert (doc.url, doc.language) == ("https://x.example/1", "en")
    assert parsed.warnings == []


def test_key_names_and_aliases():
    assert key_name(" Publish Date ") == key_name("publishDate") == key_name("publish-date") == "publish_date"
    assert COLUMN_ALIASES["headline"] == "title"  # the column, not Document.headline


def test_map_wins_and_the_exact_field_name_beats_an_alias(tmp_path):
    parsed = _csv(
        tmp_path,
        "headline,title,story,teaser\nAlias title,Own title,Text of the story.,The teaser\n",
        field_map={"teaser": "title"},
    )
    (doc,) = parsed.documents
    assert (doc.title, doc.body) == ("The teaser", "Text of the story.")
    parsed = _csv(tmp_path, "headline,title,story\nAlias title,,Text.\n")  # an empty cell falls through
    assert parsed.documents[0].title == "Alias title"


def test_tsv_is_tab_separated_and_a_stray_quote_is_text(tmp_path):
    parsed = _csv(tmp_path, 'title\tbody\n"Unclosed\tOne\nSecond\tTwo, three; four\n', name="f.tsv")
    assert [(d.id, d.title, d.body) for d in parsed.documents] == [
        ("f.tsv#2", '"Unclosed', "One"),
        ("f.tsv#3", "Second", "Two, three; four"),
    ]
    parsed = _csv(tmp_path, 'title\tbody\n"Tab\tinside"\tOne\n', name="g.tsv")  # quoted as pandas writes it
    assert [(d.title, d.body) for d in parsed.documents] == [("Tab inside", "One")]


def test_semicolons_quotes_crlf_and_multiline_rows_keep_line_numbers(tmp_path):
    text = 'title;body\r\n"A; b";"Line one\r\nline two"\r\n\r\nC;"Say ""hi"""\r\n'
    parsed = _csv(tmp_path, text)
    assert [(d.id, d.title, d.body) for d in parsed.documents] == [
        ("f.csv#2", "A; b", "Line one\n\nline two"),
        ("f.csv#5", "C", 'Say "hi"'),
    ]


def test_bom_and_cp1252(tmp_path):
    assert _csv(tmp_path, "\ufefftitle,body\nA,Text\n".encode()).documents[0].title == "A"
    parsed = _csv(tmp_path, "title,body\nCafé – news,Straße\n".encode("cp1252"))
    assert (parsed.documents[0].title, parsed.documents[0].body) == ("Café – news", "Straße")
    assert parsed.warnings == ["not valid UTF-8 (byte 14); read as cp1252"]


def test_html_bodies_become_text_and_entities_are_decoded_once(tmp_path):
    parsed = _csv(
        tmp_path,
        'title,content\nAT&amp;T &amp;amp; more,"<p>First &amp; one.</p><p>Second<br>line</p><script>x()</script>"\n',
    )
    (doc,) = parsed.documents
    assert doc.title == "AT&T &amp; more"
    assert doc.body == "First & one.\n\nSecond\n\nline"


def test_own_ids_are_used_when_unique(tmp_path):
    parsed = _csv(tmp_path, "ID,title\nnbc-1,One\nnbc-2,Two\n")
    assert [d.id for d in parsed.documents] == ["nbc-1", "nbc-2"]
    parsed = _csv(tmp_path, "id,title\n7,One\n7,Two\n")
    assert [d.id for d in parsed.documents] == ["f.csv#2", "f.csv#3"]
    assert parsed.warnings == ["the id column's values are not used as ids ('7' repeated); each line is <file>#<line>"]


def test_unknown_language_is_left_to_detection(tmp_path):
    parsed = _csv(
        tmp_path,
        "title,body,language\nA,Der Rat hat am Montag in der Stadt die neue Regel für das Jahr beschlossen.,Klingon\n",
    )
    assert parsed.documents[0].language == "de"
    assert parsed.warnings == ["line 2: language 'Klingon' is not a language code"]


# --- hostile and broken files -----------------------------------------------------------------


def test_ragged_rows_are_errors_and_the_rest_is_read(tmp_path):
    parsed = _csv(tmp_path, "title,body,url\nA,Text,u\nB,Text\nC,Text,u,extra\nD,Text,u\n")
    assert [d.id for d in parsed.documents] == ["f.csv#2", "f.csv#5"]
    assert parsed.errors == ["line 3: 2 fields where the header has 3", "line 4: 4 fields where the header has 3"]


def test_a_row_without_title_or_text_is_an_error(tmp_path):
    parsed = _csv(tmp_path, "title,body,url\n,,https://x.example\nA,,\n,,\n")
    assert [d.title for d in parsed.documents] == ["A"]
    assert parsed.errors == ["line 2: no title and no text"]


def test_one_warning_for_unused_columns_however_many_rows(tmp_path):
    rows = "".join(f"Title {i},Body {i},{i}\n" for i in range(3000))
    parsed = _csv(tmp_path, "title,body,extra\n" + rows)
    assert len(parsed.documents) == 3000
    assert parsed.warnings == ["columns not used: extra"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"title,body\n", "no rows"),
        (b"title,body\nA,B\x00C\n", "binary file (NUL bytes)"),
        (b"foo,bar\n1,2\n", "no column names a dateline field (title, body, date …) in the first row"),
    ],
)
def test_unusable_files(tmp_path, content, reason):
    with pytest.raises(DocumentError, match=re.escape(f"f.csv: {reason}")):
        _csv(tmp_path, content)


def test_nul_bytes_past_the_sniffed_start_become_spaces(tmp_path):
    parsed = _csv(tmp_path, b"title,body\n" + b"A,filler\n" * 1000 + b"B,x\x00y\n")
    assert parsed.documents[-1].body == "x y"


def test_a_field_larger_than_csv_default_limit(tmp_path):
    big = "word " * 60_000  # 300 KB: csv refuses fields over 128 KB by default
    parsed = _csv(tmp_path, f'title,body\nBig,"{big}"\nSmall,after\n')
    assert [len(d.body) for d in parsed.documents] == [len(big.strip()), 5]
    with pytest.raises(DocumentError, match="larger than the 100 KB limit"):
        _csv(tmp_path, f'title,body\nBig,"{big}"\n', max_bytes=100 * 1024)


def test_unclosed_quote_swallows_to_the_end_as_one_row(tmp_path):
    parsed = _csv(tmp_path, 'title,body\nA,"open\nB,text\n')
    assert [(d.id, d.body) for d in parsed.documents] == [("f.csv#2", "open\n\nB,text")]
