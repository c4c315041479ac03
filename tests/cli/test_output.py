"""Output safety (issue: reliability, security): document text is untrusted.

HTML output escapes every piece of it and links only web addresses; `show` prints what the
index stored and never opens a file, so no id can make it read outside the indexed roots.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import CORPUS, SEED_NAME

from search.doc_ids import ID_HINT

HOSTILE_TITLE = 'Acme <script>alert("title")</script> & Co'
HOSTILE_BODY = (
    "The armed forces said <img src=x onerror=alert(1)> that the <b>storm</b> passed. "
    "Close the comment --> and the tag </p><script>alert('body')</script> too."
)


def index_of(tmp_path: Path, cli, files: dict[str, str]) -> Path:
    """An index, built by the CLI, of the files ``{name: text}`` written into ``tmp_path/docs``."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in files.items():
        (docs / name).write_text(text, "utf-8")
    index = tmp_path / "ix"
    assert cli("index", str(docs), index=index).exit_code == 0
    return index


@pytest.fixture
def hostile_index(tmp_path: Path, cli) -> Path:
    """An index of one Markdown release whose title, issuer, URL and body carry markup."""
    hostile = (
        f"---\ntitle: '{HOSTILE_TITLE}'\nissuer: '<i>Evil</i> Corp'\nurl: 'javascript:alert(document.cookie)'\n"
        f"date: 2025-06-06\n---\n\n{HOSTILE_BODY}\n"
    )
    linked = (
        "---\ntitle: 'Storm over <Mali>'\nurl: 'https://example.com/a?x=1&y=\"2\"'\n---\n\nA storm and armed forces.\n"
    )
    return index_of(tmp_path, cli, {"hostile.md": hostile, "linked.md": linked})


class _Page(HTMLParser):
    """The elements, link targets, marked words and text of an HTML page, as a browser parses it."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.marked: list[str] = []
        self.text: list[str] = []
        self._in_mark = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [value or "" for name, value in attrs if name == "href"]
        self._in_mark = tag == "mark"

    def handle_endtag(self, tag: str) -> None:
        self._in_mark = False if tag == "mark" else self._in_mark

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_mark:
            self.marked.append(data)


def _page(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


@pytest.mark.parametrize("query", ["storm", '"armed forces"', "title:acme", "<script>"])
def test_html_output_escapes_document_text(cli, hostile_index: Path, query: str) -> None:
    result = cli("search", query, "--format", "html", "--any", index=hostile_index)
    assert result.exit_code in (0, 1), result.stderr
    page = _page(result.stdout)
    # Only the page's own elements: nothing a document or the query said became markup.
    assert set(page.tags) <= {"html", "head", "meta", "title", "body", "h1", "ol", "li", "h2", "p", "span", "mark", "a"}
    assert "script" not in page.tags and "img" not in page.tags and "b" not in page.tags and "i" not in page.tags
    shown = "".join(page.text)
    if result.exit_code == 0:
        assert HOSTILE_TITLE in shown or "Storm over <Mali>" in shown  # the text itself survives, as text


def test_html_output_marks_matches_and_links_only_web_addresses(cli, hostile_index: Path) -> None:
    result = cli("search", "storm", "--format", "html", index=hostile_index)
    assert result.exit_code == 0, result.stderr
    page = _page(result.stdout)
    assert [m.lower() for m in page.marked] == ["storm", "storm"]  # one in each body
    assert page.hrefs == ['https://example.com/a?x=1&y="2"']  # javascript: is no link
    assert HOSTILE_TITLE in "".join(page.text)
    assert "<i>Evil</i> Corp" in "".join(page.text)
    assert re.search(r'<p class="summary">2 hits in \d+ ms, showing 1–2</p>', result.stdout)


def test_html_escaping_round_trips_the_snippet(cli, hostile_index: Path) -> None:
    """Unescaping the marked snippet gives back exactly the JSON snippet: nothing dropped or doubled."""
    as_html = cli("search", '"armed forces" onerror', "--format", "html", index=hostile_index).stdout
    as_json = json.loads(cli("search", '"armed forces" onerror', "--format", "json", index=hostile_index).stdout)
    (snippet_html,) = re.findall(r'<p class="snippet">(.*?)</p>', as_html)
    plain = html.unescape(snippet_html.replace("<mark>", "").replace("</mark>", ""))
    assert plain == as_json["hits"][0]["snippet"]
    assert "<img" in plain and "<img" not in snippet_html


def test_show_prints_the_stored_document_without_reading_its_file(cli, tmp_path: Path) -> None:
    """`show` answers from the index: with the file replaced by another's text, or gone, it
    prints what was indexed."""
    docs = tmp_path / "docs"
    docs.mkdir()
    source = docs / SEED_NAME
    source.write_bytes((CORPUS / SEED_NAME).read_bytes())
    index = tmp_path / "ix"
    assert cli("index", str(docs), index=index).exit_code == 0
    before = cli("show", SEED_NAME, "--format", "json", index=index)
    source.write_text("Replaced\n\nSomething else entirely.\n", "utf-8")
    assert cli("show", SEED_NAME, "--format", "json", index=index).stdout == before.stdout
    source.unlink()
    after = cli("show", SEED_NAME, "--format", "json", index=index)
    assert after.exit_code == 0 and after.stdout == before.stdout
    assert "Armed Forces" in json.loads(after.stdout)["title"]


@pytest.mark.parametrize(
    "doc_id", ["/etc/passwd", "../../../../etc/passwd", str(CORPUS / "no-such-file.txt"), "corpus/../" + SEED_NAME]
)
def test_show_of_a_path_that_is_no_indexed_id_reads_nothing(cli, corpus_index: Path, doc_id: str) -> None:
    result = cli("show", doc_id, index=corpus_index)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"dateline: no document with id {doc_id!r} in {corpus_index} ({ID_HINT})\n"


# -- text layout: width, wrapping, match styles ------------------------------------------------

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _words(text: str) -> list[str]:
    return ANSI.sub("", text).split()


@pytest.mark.parametrize("width", [40, 60, 80, 120])
@pytest.mark.parametrize("query", ['"armed forces"', "solar OR wind", "Unternehmen"])
def test_text_output_fits_the_width(cli, corpus_index: Path, monkeypatch, width: int, query: str) -> None:
    """With $COLUMNS set, no line is wider than it, except a lone word that cannot be broken;
    wrapping loses or adds no word."""
    from search.cli.layout import cells

    unwrapped = cli("search", query, "--explain", index=corpus_index).stdout
    monkeypatch.setenv("COLUMNS", str(width))
    result = cli("search", query, "--explain", index=corpus_index)
    assert result.exit_code == 0, result.stderr
    for line in result.stdout.splitlines():
        assert cells(line) <= width or len(line.split()) == 1 or (len(line.split()) == 2 and line.split()[0] in "=+"), (
            line
        )
    assert _words(result.stdout)[:-5] == _words(unwrapped)[:-5]  # all but the timing
    # A continuation keeps the block's indent (the hanging indent).
    assert all(line.startswith("   ") for block in result.stdout.split("\n\n")[:-1] for line in block.splitlines()[1:])


def test_piped_output_is_not_wrapped(cli, corpus_index: Path) -> None:
    """Without $COLUMNS and off a terminal, each part of a hit stays on one line (for grep)."""
    result = cli("search", '"armed forces"', index=corpus_index)
    first = result.stdout.split("\n\n")[0].splitlines()
    assert len(first) == 4
    assert (
        first[1]
        == "   General Staff of the Malian Armed Forces Announces Strategic Counter-Offensive Following Escalation in Terrorist Activity"
    )


@pytest.mark.parametrize("width", [1, 20, 33, 50, 79])
def test_wrap_marks_matches_across_lines(width: int) -> None:
    from search.cli.layout import cells, emphasis, wrap

    text = "The Malian Armed Forces, in close coordination with their allies, said the armed forces held."
    spans = [(m.start(), m.end()) for m in re.finditer(r"(?i)armed|forces", text)]
    bracketed = wrap(text, width, "   ", spans=spans)
    assert (
        _words(bracketed)
        == "The Malian [Armed] [Forces], in close coordination with their allies, said the [armed] [forces] held.".split()
    )
    styled = wrap(text, width, "   ", spans=spans, style=emphasis)
    assert ANSI.sub("", styled).split() == text.split()
    assert re.findall(r"\x1b\[1;4m(\w+)\x1b\[0m", styled) == ["Armed", "Forces", "armed", "forces"]
    assert "\x1b[3" not in styled  # bold and underline, no colour
    column = max(width - 3, 20)
    for line in bracketed.splitlines():
        assert cells(line) <= column + 3 or len(line.split()) == 1


def test_wide_characters_take_two_columns() -> None:
    from search.cli.layout import cells, line_breaks

    assert cells("Ozoliņš") == 7 and cells("東京") == 4 and cells("e\u0301") == 1
    assert line_breaks("東京 東京 東京", 10) == [(0, 5), (6, 8)]


# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 11 lines, not 5.
@pytest.mark.parametrize(
    "choice, tty, no_color, expected",
    [("auto", True, False, "colour"), ("auto", True, True, "emphasis"), ("auto", False, False, None),
     ("auto", False, True, None), ("always", False, True, "colour"), ("never", True, False, None)],
)  # fmt: skip
def test_match_style(choice: str, tty: bool, no_color: bool, expected: str | None) -> None:
    from search.cli import layout

    style = layout.match_style(choice, tty, no_color)
    assert style is (getattr(layout, expected) if expected else None)
    if expected == "emphasis":
        assert style is not None
        assert style("x") == "\x1b[1;4mx\x1b[0m"


@pytest.mark.parametrize(
    "columns, tty, expected", [("57", False, 57), ("", False, None), ("", True, 80), ("0", False, None)]
)
def test_terminal_width(columns: str, tty: bool, expected: int | None) -> None:
    """$COLUMNS wins; a pipe is not wrapped; a terminal whose size cannot be read (here a
    stream with no file descriptor) gets 80."""
    import io

    from search.cli.layout import terminal_width

    class Stream(io.StringIO):
        def isatty(self) -> bool:
            return tty

    assert terminal_width(Stream(), {"COLUMNS": columns} if columns else {}) == expected


# -- CSV ----------------------------------------------------------------------------------------


@pytest.fixture
def awkward_index(tmp_path: Path, cli) -> Path:
    """Releases whose title, issuer and place hold commas, quotes and semicolons."""
    awkward = (
        "---\ntitle: 'Acme, Inc. says \"storage, at last\"'\nissuer: 'Acme, Inc.'\nplace: 'Paris, France'\n"
        "date: 2025-06-06\nurl: 'https://example.com/a?x=1,2'\n---\n\nStorage for the grid; \"quoted\" storage, too.\n"
    )
    return index_of(tmp_path, cli, {"a.md": awkward, "b.md": "---\ntitle: Plain storage\n---\n\nSome storage.\n"})


def test_csv_round_trips_through_csv_reader(cli, awkward_index: Path) -> None:
    import csv

    from search.cli.render.csv import CSV_COLUMNS

    result = cli("search", "storage", "--format", "csv", index=awkward_index)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(result.stdout.splitlines(keepends=True)))
    as_json = json.loads(cli("search", "storage", "--format", "json", index=awkward_index).stdout)["hits"]
    assert rows[0] == list(CSV_COLUMNS)
    assert len(rows) == 1 + len(as_json) == 3
    for row, hit in zip(rows[1:], as_json, strict=True):
        record = dict(zip(CSV_COLUMNS, row, strict=True))
        assert record["rank"] == str(hit["rank"]) and record["id"] == hit["id"]
        assert float(record["score"]) == pytest.approx(hit["score"], abs=1e-6)
        for key in ("date", "issuer", "title", "wire", "place", "url", "snippet"):
            assert record[key] == hit.get(key, ""), key
    titles = {r[5] for r in rows[1:]}
    assert 'Acme, Inc. says "storage, at last"' in titles
    assert '"Acme, Inc. says ""storage, at last"""' in result.stdout  # quoted, quotes doubled


def test_csv_quotes_line_breaks() -> None:
    """A field holding a line break stays one field (``csv`` quotes it)."""
    import csv

    from indexer.core.document import Document
    from search.cli.render.csv import results_csv
    from search.results import Hit, Results, Snippet

    doc = Document(id="x", title='Two\nlines, "and" quotes', body="b")
    hit = Hit(rank=1, id="x", score=None, document=doc, snippet=Snippet("a,b\r\nc"))
    rows = list(csv.reader(results_csv(Results("q", 1, 1, 10, 1.0, [hit])).splitlines(keepends=True)))
    assert rows[1] == ["1", "x", "", "", "", 'Two\nlines, "and" quotes', "", "", "", "a,b\r\nc"]
