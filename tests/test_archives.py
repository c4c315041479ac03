"""Real scraped archives (../shared/data/archives): every file indexed, and no article text lost.

The oracle is plain Python over the raw files, written apart from the parsers: a document's
*article text* is what a reader would call the article (the headline and the paragraphs under it),
up to the first section heading (``About Acme`` on a line of its own or run into its text,
``Forward-Looking Statements``, ``Contact``) or the portal's own footer, and without the
scraper's link lines. Every document
whose article text holds a word or phrase must be found by a bare-word search for it.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import shared_path

#: A line that starts a release's closing section, as a stand-alone heading (Markdown marks removed).
_SECTION = re.compile(
    r"(about (?!\d)(?!(?:a|an|this|its|how|why|what|half|one|two|three|\$)\b)[\w&.,'’ -]{2,60}"
    r"|(?:legal notice regarding )?forward[- ]looking statements?|safe harbor statement|cautionary (?:note|statement).*"
    r"|(?:media|press|investor|company)? ?contacts?|for more information|disclaimer|source:? .*)[:.]?",
    re.IGNORECASE,
)
#: The portal's footer: citybiz's "The post … appeared first", a German site's "you may also like".
_FOOTER = re.compile(r"The post .* appeared first on citybiz\.|^\s*Das könnte Sie auch interessieren\s*$")
_LINK_LINE = re.compile(r"!?\[[^\]]*\]\([^)]*\)\s*$")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")  # HTML tags a scraper left (``<details>``)
_LINKS_BEFORE = re.compile(r"^\s*(?:!?\[[^\]]*\]\([^)]*\)\s*)+")  # image links a heading's line opens with

# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 16 lines, not 5.
ARCHIVES = {
    "newsworthy-citybiz": ["federal reserve", "price target", "S&P 500", "rate cuts", "interest rates", "net income", "artificial intelligence",
                           "private equity", "supply chain", "chief executive", "real estate"],
    "trends-de-jekyll": ["Bundesregierung", "Europameisterschaft", "Klimaschutz", "Polizei", "Bundesliga"],
}  # fmt: skip


#: A paragraph that opens with a company's about section run into its text, as releases print
#: them: ``About Greysteel: Greysteel is …``, ``About MobileXHeadquartered in …``, ``About 365 Data
#: Centers 365 Data Centers is …``, ``About the IDBThe Inter-American …``; never ``About 60% of …``
#: or ``About half of …``.
_RUN_ON_ABOUT = re.compile(
    r"About (?:the )?(?:Author\b|[A-Z]|\d+ ?[A-Z])|(?:Media|Press|Investor) Contacts?:"
    r"|For (?:more|further) information,? please contact|Certain statements .*forward-looking"
)
#: An about heading glued to the end of a sentence: ``… visit www.inc.com/inc5000.About CloudMellowCloudMellow is``.
_GLUED_ABOUT = re.compile(r"(?<=[a-z0-9]\.)About [A-Z]")


def _heading(line: str) -> bool:
    bare = _LINKS_BEFORE.sub("", line).strip().strip("*#_ ").strip()
    return (0 < len(bare) <= 70 and _SECTION.fullmatch(bare) is not None) or _RUN_ON_ABOUT.match(bare) is not None


def furniture_lines(folder: Path) -> dict[str, set[str]]:
    """Portal furniture by the README's rule, counted in plain Python: per top folder, the lines
    of at most 80 characters (spaces collapsed, case folded) in at least 20 files and 1% of them."""
    counts: dict[str, Counter[str]] = {}
    files: Counter[str] = Counter()
    for path in folder.rglob("*.md"):
        top = path.relative_to(folder).parts[0] if len(path.relative_to(folder).parts) > 1 else ""
        files[top] += 1
        keys = {" ".join(line.split()).casefold() for line in path.read_text("utf-8").split("\n")}
        counts.setdefault(top, Counter()).update(k for k in keys if k and len(k) <= 80)
    return {top: {k for k, n in c.items() if n >= max(20, 0.01 * files[top])} for top, c in counts.items()}


def article_text(path: Path, furniture: set[str] = frozenset()) -> str:  # type: ignore[assignment]
    """The article a reader sees in ``path``: front matter, link and image lines, the portal's
    footer and furniture lines, and everything from the first closing section heading on left out."""
    text = path.read_text("utf-8")
    if text.startswith("---\n"):
        text = text.split("\n---\n", 1)[1] if "\n---\n" in text else ""
    kept: list[str] = []
    for line in text.split("\n"):
        if _FOOTER.search(line) or _heading(line):
            break
        if glued := _GLUED_ABOUT.search(line):
            kept.append(line[: glued.start()])
            break
        if not _LINK_LINE.match(line.strip()) and " ".join(line.split()).casefold() not in furniture:
            kept.append(line)
    return " ".join(" ".join(kept).split())


def holds(text: str, phrase: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", text, re.IGNORECASE) is not None


@pytest.fixture(scope="module", params=sorted(ARCHIVES))
def archive(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """(name, folder, index, report) for one real archive, indexed whole."""
    from indexer import index_paths

    folder = shared_path("data", "archives", request.param)
    index = tmp_path_factory.mktemp("archive") / "ix"
    report = index_paths([folder], index)
    return request.param, folder, index, report


@pytest.mark.slow
def test_every_file_of_a_real_archive_is_indexed(archive) -> None:
    name, folder, index, report = archive
    files = list(folder.rglob("*.md"))
    assert [f"{p.path}: {p.reason}" for p in report.failed][:5] == []
    assert report.documents == len(files)


@pytest.mark.slow
def test_bare_words_find_every_document_whose_article_text_holds_them(archive) -> None:
    from search import Index

    name, folder, index, _ = archive
    texts = {p: article_text(p) for p in folder.rglob("*.md") if p.name != "SOURCE.md"}
    missed: dict[str, list[str]] = {}
    with Index(index) as ix:
        for phrase in ARCHIVES[name]:
            expected = {p for p, text in texts.items() if holds(text, phrase)}
            assert expected, f"{phrase!r} is in no article of {name}: choose another word"
            query = f'"{phrase}"' if " " in phrase else phrase
            found = ix.search(query, limit=len(texts), snippets=False, timeout=0)
            sources = {Path(h.document.source or "").resolve() for h in found.hits}
            lost = sorted(str(p.relative_to(folder)) for p in expected if p.resolve() not in sources)
            if lost:
                missed[phrase] = lost
    assert missed == {}, {k: (len(v), v[:3]) for k, v in missed.items()}


def last_words(text: str, count: int = 3) -> list[str]:
    """The last ``count`` words of four or more letters (not parts of links, numbers or domains):
    the article's end, which a section taken for a heading too early would carry away from the body."""
    words = (token.strip(".,;:!?()[]\"“”‘’'*_") for token in _TAG.sub(" ", text).split())
    return [w for w in words if len(w) >= 4 and w.isalpha()][-count:]


@pytest.mark.slow
def test_every_articles_last_words_find_it(archive) -> None:
    from search import Index

    name, folder, index, _ = archive
    lost: list[str] = []
    furniture = furniture_lines(folder)
    with Index(index) as ix:
        for path in sorted(folder.rglob("*.md")):
            top = path.relative_to(folder).parts[0]
            words = last_words(article_text(path, furniture.get(top, set()))) if path.name != "SOURCE.md" else []
            if not words:
                continue
            # The ids of the best 1000 (no stored fields read: 2,000+ searches of an archive).
            found = ix.ranked(" ".join(words), limit=1000, match="all", syntax=False, timeout=0)
            if ix.known_id(str(path)) not in {doc_id for doc_id, _ in found}:
                lost.append(f"{path.relative_to(folder)}: {' '.join(words)}")
    assert lost == [], f"{len(lost)} articles not found by their last words, e.g. {lost[:5]}"


def test_citybiz_releases_are_dated_by_their_folders_where_they_give_no_date() -> None:
    """newsworthy-citybiz keeps each release in ``citybiz/2025/MMDD/``, the only date most of them
    have (no front matter; Business Wire's datelines carry none). A release's own dateline wins."""
    from indexer.parse.files import parse_file

    folder = shared_path("data", "archives", "newsworthy-citybiz", "citybiz")
    undated, differ = [], 0
    for path in sorted(folder.rglob("*.md")):
        doc = parse_file(path)
        day = path.parent.name
        in_path = f"{path.parent.parent.name}-{day[:2]}-{day[2:]}"
        if doc.date is None:
            undated.append(path.name)
        elif doc.date.isoformat() != in_path:
            differ += 1
            assert doc.dateline, f"{path.name}: dated {doc.date}, not by its folder {in_path}, and has no dateline"
    assert undated == []
    assert differ < 50  # a wire dateline a day or two before the archive's folder, not more


def test_a_scraped_posts_source_link_is_its_url_and_its_headline_is_not_repeated() -> None:
    """trends-de-jekyll posts open with ``[Headline](article URL)``: the page they were taken from."""
    from indexer.parse.files import parse_file

    folder = shared_path("data", "archives", "trends-de-jekyll", "_posts")
    missing = []
    for path in sorted(folder.glob("*.md"))[::10]:
        text = path.read_text("utf-8").split("\n---\n", 1)[1].lstrip("\n")
        link = re.match(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)\n", text)
        doc = parse_file(path)
        if link is None:
            continue
        if doc.url != link[2]:
            missing.append(path.name)
        assert not doc.body.startswith(link[1] + "\n"), path.name  # the link line, or its image, as text
    assert missing == []
