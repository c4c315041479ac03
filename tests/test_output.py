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

HOSTILE_TITLE = 'Acme <script>alert("title")</script> & Co'
HOSTILE_BODY = (
    "The armed forces said <img src=x onerror=alert(1)> that the <b>storm</b> passed. "
    "Close the comment --> and the tag </p><script>alert('body')</script> too."
)


@pytest.fixture
def hostile_index(tmp_path: Path, cli) -> Path:
    """An index of one Markdown release whose title, issuer, URL and body carry markup."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "hostile.md").write_text(
        "---\n"
        f"title: '{HOSTILE_TITLE}'\n"
        "issuer: '<i>Evil</i> Corp'\n"
        "url: 'javascript:alert(document.cookie)'\n"
        "date: 2025-06-06\n"
        "---\n\n"
        f"{HOSTILE_BODY}\n",
        "utf-8",
    )
    (docs / "linked.md").write_text(
        "---\ntitle: 'Storm over <Mali>'\nurl: 'https://example.com/a?x=1&y=\"2\"'\n---\n\nA storm and armed forces.\n",
        "utf-8",
    )
    index = tmp_path / "ix"
    assert cli("index", str(docs), index=index).exit_code == 0
    return index


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


@pytest.mark.parametrize("doc_id", ["/etc/passwd", "../../../../etc/passwd", str(CORPUS / SEED_NAME), "corpus/../" + SEED_NAME])
def test_show_of_a_path_that_is_no_indexed_id_reads_nothing(cli, corpus_index: Path, doc_id: str) -> None:
    result = cli("show", doc_id, index=corpus_index)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"dateline: no document with id {doc_id!r} in {corpus_index}\n"
