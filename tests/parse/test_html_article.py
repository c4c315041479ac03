"""HTML news pages read for their article (`indexer.parse.formats._article`, trafilatura): navigation,
cookie banners, related links and comments stay out of the body; the lead the extractor drops comes
back (it holds a release's dateline); a page with no article falls back to its visible text."""

from __future__ import annotations

from pathlib import Path

from indexer.parse.files import read_documents

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

PAGE = """<!DOCTYPE html><html lang="en"><head><title>Harbour reopens after storm | Coast Daily</title>
<meta property="og:title" content="Harbour reopens after storm">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2025-03-04T10:15:00+01:00"></head>
<body>
<div class="cookie-banner"><p>We use cookies to improve your experience on our site. By continuing to browse you accept
our use of cookies and our privacy policy, which you can read at any time.</p><button>Accept all cookies</button></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/weather">Weather</a></li></ul></nav></header>
<main><article>
<h1>Harbour reopens after storm</h1>
<p class="byline">By Jane Roe</p>
<p>The harbour of Saint-Malo reopened to ships on Tuesday morning, four days after the storm tore two cranes from
the quay and sank a fishing boat at its moorings, the port authority said in a statement.</p>
<p>Divers spent the weekend clearing the channel of debris, and engineers checked the lock gates before the first
ferry was allowed in shortly after eight o'clock, to applause from the dockers waiting on the quay.</p>
<p>The authority said the repairs to the cranes would take until the summer and cost several million euros, most of
it covered by insurance, and that freight would be handled at the northern quay in the meantime.</p>
<aside class="related"><h2>Related stories</h2><ul>
<li><a href="/a">Storm warning issued for the whole Channel coast as winds reach hurricane force overnight</a></li>
<li><a href="/b">Ferry operators cancel crossings for a third day while the port stays closed to all traffic</a></li>
</ul></aside>
</article></main>
<section id="comments"><h2>Comments</h2>
<div class="comment"><p>Great news for the town, my brother works on the ferries and has been waiting all week for this.</p></div>
<div class="comment"><p>The cranes were old anyway, the port should have replaced them years ago instead of waiting.</p></div>
</section>
<footer><p>© 2025 Coast Daily. All rights reserved. Terms of use. Privacy. Contact the newsroom.</p></footer>
</body></html>"""


def _read(tmp_path: Path, html: str, name: str = "page.html"):
    path = tmp_path / name
    path.write_text(html, "utf-8")
    [doc] = read_documents(path).documents
    return doc


def test_the_article_is_read_without_banner_navigation_related_links_and_comments(tmp_path: Path) -> None:
    doc = _read(tmp_path, PAGE)
    assert doc.title == "Harbour reopens after storm"
    assert doc.author == "Jane Roe"
    assert doc.published is not None and doc.published.isoformat() == "2025-03-04T10:15:00+01:00"
    assert doc.body.startswith("The harbour of Saint-Malo reopened to ships on Tuesday morning")
    assert "freight would be handled at the northern quay" in doc.body
    for boilerplate in ("cookies", "Home", "Related stories", "Storm warning issued", "my brother", "cranes were old"):
        assert boilerplate not in doc.body, boilerplate


def test_the_lead_the_extractor_drops_comes_back_with_its_dateline() -> None:
    # The page's first paragraph is a <p class="teaser">: trafilatura leaves such standfirsts out.
    doc = read_documents(CORPUS / "html" / "hansekaffee-uebernahme-roesterei-2025-10-08.html").documents[0]
    assert (doc.place, doc.dateline) == ("Bremen", "Bremen, 8. Oktober 2025 –")
    assert doc.body.startswith("Die Hansekaffee GmbH & Co. KG übernimmt die Dresdner Rösterei Müller & Töchter.")
    assert "Müller & Töchter wurde 1928 gegründet" in doc.body


def test_a_page_with_no_article_keeps_its_visible_text(tmp_path: Path) -> None:
    doc = _read(tmp_path, "<html><head><title>Note</title></head><body><p>Short note.</p></body></html>")
    assert (doc.title, doc.body) == ("Note", "Short note.")


def test_the_page_date_comes_from_the_article_when_no_meta_gives_one(tmp_path: Path) -> None:
    page = PAGE.replace('<meta property="article:published_time" content="2025-03-04T10:15:00+01:00">', "")
    page = page.replace(
        '<p class="byline">By Jane Roe</p>',
        '<p class="byline">By Jane Roe, <time datetime="2025-03-04">4 March 2025</time></p>',
    )
    doc = _read(tmp_path, page)
    assert doc.published is None
    assert doc.date is not None and doc.date.isoformat() == "2025-03-04"
