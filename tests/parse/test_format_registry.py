"""Input formats are a registry (`indexer.parse.formats.FORMATS`): every extension the README
names has a reader, the table is consistent, and a format added in one module and one line is
read by ``dateline index`` and found by ``dateline search``."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

import indexer.parse.formats as formats
from indexer.core.document import Document
from indexer.core.errors import DocumentError
from indexer.parse.files import parse_file, read_documents
from indexer.parse.formats import FALLBACK, FORMATS, Format, LineError, extensions, format_for, one

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_s_format_table_lists_every_extension_and_extra() -> None:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| format | extensions |") : text.index("A format that needs an extra")]
    rows = [line.split(" | ") for line in table.splitlines()[2:] if line.startswith("|")]
    listed = {ext for row in rows for ext in re.findall(r"`(\.[a-z0-9.]+)`", row[1])}
    assert len(rows) >= 15
    assert listed == set(extensions())
    needs = {extra for row in rows for extra in re.findall(r"`dateline\[(\w+)\]`", row[3])}
    assert needs == {f.extra for f in FORMATS if f.extra} | {"zstd"}


def test_the_registry_is_complete_and_consistent() -> None:
    names = [f.name for f in FORMATS]
    assert len(names) == len(set(names))
    seen: dict[str, str] = {}
    for fmt in FORMATS:
        assert fmt.extensions, fmt.name
        for ext in fmt.extensions:
            assert re.fullmatch(r"(\.[a-z0-9]+)+", ext), ext
            assert ext not in seen, f"{ext} is read by both {seen[ext]} and {fmt.name}"
            seen[ext] = fmt.name
    assert FALLBACK in FORMATS
    declared = []  # every module of the package that declares a FORMAT is registered
    for info in pkgutil.iter_modules(formats.__path__):
        module = importlib.import_module(f"{formats.__name__}.{info.name}")
        if isinstance(getattr(module, "FORMAT", None), Format):
            declared.append(module.FORMAT)
    assert sorted(f.name for f in declared) == sorted(names)


@pytest.mark.parametrize("name", ["a.TXT", "a.md", "b.Markdown", "c.htm", "d.xhtml", "e.ndjson", "f.jsonl", "g.text"])
def test_each_extension_goes_to_its_format(name: str) -> None:
    assert name.rsplit(".", 1)[1].lower() in {e[1:] for e in format_for(name).extensions}


def test_an_unknown_extension_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "story.log"
    path.write_text("A title\n\nThe body of the story.\n")
    assert format_for(path) is FALLBACK
    assert parse_file(path).format == "text"


def _read_news(text: str, doc_id: str, field_map: Mapping[str, str] | None) -> Iterator[Document | LineError]:
    """A tiny format: records parted by ``%%``, each ``key: value`` lines (``--map`` renames keys)."""
    for number, record in enumerate(text.split("%%"), start=1):
        doc = Document(id=f"{doc_id}#{number}", format="news")
        for line in record.strip().splitlines():
            key, _, value = line.partition(": ")
            key = (field_map or {}).get(key, key)
            if key not in ("title", "body"):
                yield LineError(number, f"unknown key {key!r}")
                break
            setattr(doc, key, value)
        else:
            yield from one(doc)


#: The one module and one line a newcomer writes (here the fixture adds the line).
NEWS = Format("news", (".news",), _read_news, many=True, empty="no news records")


@pytest.fixture
def news_format(monkeypatch: pytest.MonkeyPatch) -> Format:
    """`NEWS` registered for one test, as its line in `FORMATS` would."""
    monkeypatch.setattr(formats, "FORMATS", [*FORMATS, NEWS])
    return NEWS


def test_a_new_format_is_read_by_index_and_found_by_search(news_format: Format, tmp_path: Path, cli) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "wire.news").write_text(
        "headline: Quillwort harvest doubles\nbody: The quillwort harvest doubled this spring.\n%%\n"
        "headline: Second record\nbody: Nothing about that plant here.\n"
    )
    (corpus / "plain.txt").write_text("Other news\n\nA story about the weather.\n")
    index = tmp_path / "ix"
    done = cli("index", str(corpus), "--map", "headline=title", index=index)
    assert done.exit_code == 0, done.output
    found = cli("search", "quillwort", "--format", "json", index=index)
    assert found.exit_code == 0, found.output
    hits = json.loads(found.output)["hits"]
    assert [(h["id"], h["title"], h["format"]) for h in hits] == [("wire.news#1", "Quillwort harvest doubles", "news")]
    assert cli("search", "weather", "--format", "paths", index=index).output.strip().endswith("plain.txt")


def test_a_new_format_s_errors_and_empty_files_are_reported(news_format: Format, tmp_path: Path) -> None:
    path = tmp_path / "bad.news"
    path.write_text("title: One\n%%\nsubject: Two\n")
    parsed = read_documents(path)
    assert [d.title for d in parsed.documents] == ["One"]
    assert parsed.errors == ["line 2: unknown key 'subject'"]
    (tmp_path / "empty.news").write_text("%%\n")
    with pytest.raises(Exception, match="no news records"):
        read_documents(tmp_path / "empty.news")
    with pytest.raises(Exception, match="many documents"):
        parse_file(path)


def test_without_its_line_the_walk_skips_the_new_extension(tmp_path: Path, cli) -> None:
    """The control for the test above: unregistered, a ``.news`` file is not indexed at all."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "wire.news").write_text("title: Quillwort harvest doubles\nbody: The quillwort harvest doubled.\n")
    (corpus / "plain.txt").write_text("Other news\n\nA story about the weather.\n")
    index = tmp_path / "ix"
    assert cli("index", str(corpus), index=index).exit_code == 0
    assert cli("search", "quillwort", index=index).exit_code == 1


@pytest.mark.parametrize(
    "data, fmt",
    [
        (
            b'<?xml version="1.0"?>\n<!-- a comment -->\n<rss version="2.0"><channel><title>T</title><item><title>Item one</title><description>Text of item one.</description></item></channel></rss>',
            "feed",
        ),
        (
            b"<nitf><head><title>T</title></head><body><body.head><hedline><hl1>Headline here</hl1></hedline></body.head><body.content><p>Text of the story.</p></body.content></body></nitf>",
            "nitf",
        ),
        (b"A title\n\n<b>not XML</b> but text that mentions a tag.", "text"),
    ],
)
def test_a_file_with_no_known_extension_is_read_as_news_xml_when_it_starts_like_it(
    tmp_path: Path, data: bytes, fmt: str
) -> None:
    path = tmp_path / "tag_reuters.com_2014_newsml_KBN0FL0NN_version_5"
    path.write_bytes(data)
    [doc] = read_documents(path).documents
    assert doc.format == fmt
    assert doc.title in ("Item one", "Headline here", "A title")


def test_a_txt_file_holding_xml_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"<rss><channel><item><title>x</title></item></channel></rss>")
    assert read_documents(path).documents[0].format == "text"


def test_a_txt_file_that_is_a_wire_transmission_is_read_as_one(tmp_path: Path) -> None:
    path = tmp_path / "dpa.txt"
    path.write_bytes(
        b"\x01eca062 4 i 211 ccccb   dpa 061\r\n\r\nGermany-politics/\r\n\x02Coalition talks go on =\r\n"
        b"   Berlin (dpa) - The talks on a coalition went on late into the night on Tuesday.\r\n"
        b"\x03131137 GMT Nov 13\r\n\x7f\x7f\x04"
    )
    [doc] = read_documents(path).documents
    assert (doc.format, doc.title, doc.wire, doc.place, doc.label) == (
        "wiretext",
        "Coalition talks go on",
        "dpa",
        "Berlin",
        "Germany-politics",
    )


@pytest.mark.parametrize(
    "data, fmt",
    [
        (
            b"Received: by 10.0.0.1 with SMTP\r\nFrom: Press <press@example.com>\r\nSubject: Plant opens\r\n\r\nThe plant opened.\r\n",
            "eml",
        ),
        (b"From: Press Office\nSubject: Plant opens\n\nThe plant opened.\n", "text"),  # a release, not a saved mail
        (b"Received: yes\n\nBut no From header, so this is text.\n", "text"),
    ],
)
def test_a_txt_file_that_is_a_saved_mail_is_read_as_one(tmp_path: Path, data: bytes, fmt: str) -> None:
    path = tmp_path / "message.txt"
    path.write_bytes(data)
    assert read_documents(path).documents[0].format == fmt


def test_a_binary_txt_that_starts_with_soh_is_still_a_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "random.txt"
    path.write_bytes(b"\x01\x19\xf2n\x9a!\x90\xfc\x94;\x05\xffx\xa0\xc0\x07\xa5Z\x02\xed,9\xda@\xf3\x86\x00" * 20)
    with pytest.raises(DocumentError, match="binary file"):
        read_documents(path)


def test_known_format_is_the_longest_extension_of_the_first_format_listing_it() -> None:
    """`known_format` looks the name's suffixes up in a table; the answer is the rule's, checked
    by walking every format's extensions, for every extension with every ending and prefix."""
    import os

    from indexer.parse.formats import FORMATS, known_format

    def by_the_rule(name: str):
        lower = os.path.basename(name).lower()
        found, length = None, 0
        for fmt in FORMATS:
            for ext in fmt.extensions:
                if len(ext) > length and lower.endswith(ext) and len(lower) > len(ext):
                    found, length = fmt, len(ext)
        return found

    exts = sorted({ext for fmt in FORMATS for ext in fmt.extensions})
    endings = [*exts, "", ".", ".GZ", ".Tar.Gz", ".txt.gz", ".sql.gz", ".warc.gz.zip", ".md.", "..txt"]
    names = [
        head + end
        for head in ["", "x", ".", "a.b", "X.TAR", "tar", ".hidden", "a..", "d/a.gz", "b.txt/c"]
        for end in endings
    ]
    assert sum(by_the_rule(n) is not None for n in names) > 100
    assert [known_format(n) for n in names] == [by_the_rule(n) for n in names]
