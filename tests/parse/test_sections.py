"""Trailer sections (about, disclaimer, contact) only where a release has them, ending where
they end; trailers found under a scraper's appended link lines (issue 19, point 3).

Real files are read from ../shared (skipped where absent); reconstructions are marked as such.
"""

from pathlib import Path

from conftest import shared_path

from indexer.parse.files import parse_file

CITYBIZ = ("data", "archives", "newsworthy-citybiz", "citybiz", "2025")


def _citybiz(day: str, slug: str) -> Path:
    return shared_path(*CITYBIZ, day, f"{slug}.md")


def test_about_a_quantity_is_article_text():
    """Real: a paragraph opening "About 25% of Maryland Medicare recipients" is not a heading."""
    doc = parse_file(
        _citybiz("0831", "maryland-market-threatens-to-push-more-medicare-advantage-plans-out-of-the-state")
    )
    assert doc.about is None and doc.contact is None and doc.disclaimer is None
    assert doc.body.startswith("Tens of thousands of retirees could learn")
    assert "About 25% of Maryland Medicare recipients" in doc.body
    assert doc.url.startswith("https://www.citybiz.co/article/")
    assert "appeared first on citybiz" not in doc.body and "Reddit Post" not in doc.body


def test_about_sections_each_end_at_the_next_heading():
    """Real: "About UST" and "About aiOla" (a name in lower case) are two about sections."""
    doc = parse_file(
        _citybiz(
            "1104",
            "ust-invests-in-aiola-to-accelerate-global-expansion-of-hands-free-voice-ai-automation-for-frontline-operations",
        )
    )
    assert doc.about.startswith("About UST\nSince 1999, UST has worked")
    assert "\n\nAbout aiOla\naiOla is a deep tech Voice AI lab" in doc.about
    assert "About UST" not in doc.body and "aiOla is a deep tech Voice AI lab" not in doc.body
    assert doc.contact is None and doc.disclaimer is None


def test_legal_sections_leave_the_about_section():
    """Real: a SPAC release's "Additional Information and Where to Find It" is a disclaimer, not about."""
    doc = parse_file(
        _citybiz(
            "0805",
            "irocket-secures-640-million-contract-with-spacebelt-ksa-to-deliver-encrypted-satellite-launch-services",
        )
    )
    assert doc.about.startswith("About iRocket\nSince 2018, iRocket is transforming")
    assert "\n\nAbout SpaceBelt KSA\n" in doc.about and "\n\nAbout BPGC Acquisition Corp.\n" in doc.about
    assert "Additional Information and Where to Find It" not in doc.about
    assert doc.disclaimer.startswith("Additional Information and Where to Find It")
    assert "No Offer or Solicitation" in doc.disclaimer


def test_run_on_about_headings():
    """Real: "About Keystone.aiKeystone.ai is …" (heading glued to its text) is an about section,
    and the citybiz archive's "Original/Source Press Release" link is the url."""
    doc = parse_file(_citybiz("0603", "brad-miller-joins-keystone-as-president-of-coreai"))
    assert doc.wire == "PR Newswire" and doc.place == "SEATTLE"
    assert doc.about.startswith("About Keystone.aiKeystone.ai is a global technology")
    assert doc.about.endswith("For more information, visit www.keystone.ai.")
    assert doc.body.endswith("To learn more about Keystone and its services, visit www.keystone.ai.")
    assert doc.url == "https://www.citybiz.co/article/701702/brad-miller-joins-keystone-as-president-of-coreai/"


def test_trailer_found_under_a_scrapers_link_line(tmp_path):
    """Reconstruction of the issue's layout: a real PR Newswire release (read from ../shared) as a
    Markdown page with the scraper's link line to its site appended after the trailer."""
    lines = shared_path("data", "wires", "prnewswire", "ebay-payments-uk-london.txt").read_text("utf-8").split("\n")
    page = tmp_path / "ebay.md"
    page.write_text(
        f"# {lines[0]}\n\n" + "\n".join(lines[3:]) + "\n\n[Example Finance](https://finance.example.com/)\n", "utf-8"
    )
    doc = parse_file(page)
    assert doc.issuer == "eBay Inc."
    assert (
        doc.url
        == "http://www.prnewswire.com/news-releases/ebay-will-begin-managing-payments-in-the-united-kingdom-301011093.html"
    )
    assert doc.contact is None
    assert "View original content" not in doc.body and "Example Finance" not in doc.body
    assert doc.wire == "PR Newswire" and doc.place == "LONDON"


def test_sub_heading_about_ends_at_the_next_heading_and_tables_stay_in_body(tmp_path):
    """Reconstruction (written for this test) of the issue's article: a sub-heading "About Acme
    Stock" mid-article, later sub-headings, a disclaimer followed by a financial table."""
    story = tmp_path / "acme.md"
    story.write_text(
        "# Is Acme a Buy After Its Record Quarter?\n\n"
        "Acme Corp. reported record revenue for the third quarter on Tuesday, beating analysts' estimates "
        "by a wide margin as demand for its industrial batteries kept growing in Europe and Asia.\n\n"
        "## About Acme Stock\n\n"
        "Acme shares have doubled this year and trade at 40 times earnings.\n\n"
        "## What Analysts Say\n\n"
        "Most analysts rate the stock a buy, citing the federal reserve rate cut and a higher price target.\n\n"
        "## Forward-Looking Statements\n\n"
        "This release contains forward-looking statements about revenue. Actual results may differ.\n\n"
        "| Quarter | Revenue |\n|---|---|\n| Q3 2025 | $1,204 million |\n",
        "utf-8",
    )
    doc = parse_file(story)
    assert doc.about == "About Acme Stock\nAcme shares have doubled this year and trade at 40 times earnings."
    assert "What Analysts Say\n\nMost analysts rate the stock a buy, citing the federal reserve rate cut" in doc.body
    assert doc.disclaimer == (
        "Forward-Looking Statements\nThis release contains forward-looking statements about revenue. Actual results may differ."
    )
    assert doc.body.endswith("| Q3 2025 | $1,204 million |")
    assert doc.body.startswith("Acme Corp. reported record revenue")


def test_for_more_information_before_article_text_keeps_the_text(tmp_path):
    """Reconstruction: a "**For more information:**" line followed by article prose is no contact
    block; heading and prose stay in the body."""
    story = tmp_path / "fmi.md"
    prose = (
        "The survey of 2,000 retirees found that most of them would switch insurers if their plan "
        "dropped dental coverage, and that a third of them had already done so once in the past five "
        "years, the institute said in its report."
    )
    story.write_text(
        "# Retirees Would Switch Plans\n\n"
        "A new survey from the Retirement Institute shows that retirees care more about dental and vision "
        "coverage than about premiums when they choose a supplemental plan for the coming year.\n\n"
        f"**For more information:**\n\n{prose}\n",
        "utf-8",
    )
    doc = parse_file(story)
    assert doc.contact is None
    assert doc.body.endswith(f"For more information:\n\n{prose}")


def test_german_news_sub_headings_are_no_about_sections():
    """Real German news posts: "Über Falten und Schmerzen" and "Über 20 Jahre später: …" are
    sub-headings of the article (no company named; a number is "more than"), and what follows
    them is article text. A German release's "Über die Netfonds Gruppe" stays an about section."""
    for name, words in (
        ("2024-06-02-kubitschek.md", "Über Falten und Schmerzen"),
        ("2024-06-29-mittelstadt.md", "Über 20 Jahre später"),
    ):
        doc = parse_file(shared_path("data", "archives", "trends-de-jekyll", "_posts", name))
        assert doc.about is None and words in doc.body
    release = parse_file(shared_path("data", "wires", "eqs", "netfonds-aktienrueckkauf-24-zwischenmeldung-de.txt"))
    assert release.about is not None and release.about.startswith("Über die Netfonds Gruppe")


def _real_texts() -> list[str]:
    """Every text file of the sample corpus and of ../shared's wires and scraped archives."""
    texts = []
    roots = [
        Path(__file__).resolve().parents[2] / "corpus",
        shared_path("data", "wires"),
        shared_path("data", "archives"),
    ]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in (".txt", ".md") and path.is_file():
                texts.append(path.read_text("utf-8", errors="replace"))
    return texts


def test_glued_headings_are_found_as_by_a_scan_of_the_whole_text():
    """The glued "About" and contact headings are searched from their words (issue 25: the
    look-behind-first patterns were tried at every character); the matches are those of the
    original patterns run over the whole text, on every real file."""
    import re

    from indexer.parse.trailers import ABOUT_GLUED, CONTACT_GLUED, _glued_contacts

    about_scan = re.compile(r"(?<=[a-z0-9.!?\"”)\]])About\s+(?=[A-Z])")
    texts = _real_texts()
    assert len(texts) > 4000
    abouts = contacts = 0
    for text in texts:
        expected = [m.span() for m in about_scan.finditer(text)]
        assert [m.span() for m in ABOUT_GLUED.finditer(text)] == expected
        scanned = [(m.start(), m.end(), "contact") for m in CONTACT_GLUED.finditer(text)]
        assert _glued_contacts(text) == scanned
        abouts, contacts = abouts + len(expected), contacts + len(scanned)
    assert abouts and contacts  # both kinds occur: the comparison is not of empty lists
