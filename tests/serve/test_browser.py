"""The web page of `dateline serve --http` in a real browser (Chromium through Playwright): the
search, facets, timeline, document view, history, keyboard and no-script paths do what a reader
sees them do, with no console error (CSP violations included) and no axe-core violation.

Needs Chromium (``apt-get install chromium``, or DATELINE_CHROMIUM naming the binary) and the
``playwright`` package; without either the tests here skip and say which is missing. Screenshots
of the results and document pages are left in tests/serve/artifacts/ (ignored by git).
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from search.serve.web import WebServer

ARTIFACTS = Path(__file__).parent / "artifacts"
#: Queries timed for the round trip; each has hits in the sample corpus.
TIMED = ("armed forces", "contract", "Unternehmen", "rail freight", "radar", "energy", "bank", "drones", "vote", "2025")


def chromium_path() -> str | None:
    """The Chromium binary to drive: DATELINE_CHROMIUM, else ``chromium`` on PATH."""
    return os.environ.get("DATELINE_CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="module")
def server(corpus_index: Path) -> Iterator[WebServer]:
    lines: list[str] = []
    served = WebServer(corpus_index, port=0, log=lines.append)
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    yield served
    served.shutdown()
    served.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[test]')")
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium: install it (apt-get install chromium) or set DATELINE_CHROMIUM")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


class Tab:
    """One browser context and page signed in to the server (its token in the cookie), with every
    console error and page error it logs collected for `check`."""

    def __init__(self, browser: Any, server: WebServer, *, javascript: bool = True) -> None:
        self.context = browser.new_context(java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"console {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error {exc}"))
        self.base = f"http://127.0.0.1:{server.port}"
        self.page.goto(server.url)  # 303 to / without the token, which now rides in the cookie
        assert self.page.url == self.base + "/"

    def updating(self) -> None:
        """Clear the script's marker of a finished update, so `updated` waits for the next one."""
        self.page.evaluate("delete document.body.dataset.roundTrip")

    def updated(self) -> int:
        """Wait for the in-page update to be drawn; the milliseconds the script says it took."""
        # A selector, not wait_for_function: that evaluates a string, which the page's CSP refuses.
        self.page.wait_for_selector("body[data-round-trip]", state="attached", timeout=10_000)
        return int(self.page.evaluate("document.body.dataset.roundTrip"))

    def search(self, q: str) -> int:
        """Type ``q`` in the box and press Enter; the round trip in ms."""
        self.page.fill("#q", q)
        self.updating()
        self.page.press("#q", "Enter")
        return self.updated()

    def click(self, selector: str) -> None:
        """Click an in-page link and wait for the update it makes."""
        self.updating()
        self.page.click(selector)
        self.updated()

    def titles(self) -> list[str]:
        return self.page.eval_on_selector_all("ol.hits a.hit-link", "links => links.map(a => a.textContent)")

    def total(self) -> int:
        """The hit count #status shows."""
        status = self.page.inner_text("#status")
        match = re.match(r"([\d,]+) hits?", status)
        assert match, status
        return int(match.group(1).replace(",", ""))

    def api(self, path: str) -> Any:
        response = self.context.request.get(self.base + path)
        assert response.ok, response.status
        return response.json()

    def params(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.page.url).query)

    def check(self) -> None:
        assert not self.errors, self.errors


@pytest.fixture
def tab(browser: Any, server: WebServer) -> Iterator[Tab]:
    opened = Tab(browser, server)
    yield opened
    opened.context.close()


def no_reload_marker(tab: Tab) -> None:
    tab.page.evaluate("window.sameDocument = 'kept'")


def kept(tab: Tab) -> bool:
    """Whether the page is still the one `no_reload_marker` marked (no page load since)."""
    return tab.page.evaluate("window.sameDocument") == "kept"


def test_enter_draws_the_hits_in_place_and_counts_as_the_api(tab: Tab) -> None:
    no_reload_marker(tab)
    tab.search("armed forces")
    assert tab.page.url == tab.base + "/search?q=armed+forces"
    assert kept(tab), "the search reloaded the page"
    api = tab.api("/api/search?q=armed+forces")
    assert tab.total() == api["total"] > 0
    assert tab.titles() == [hit["title"] for hit in api["hits"]]
    assert tab.page.title() == "armed forces – dateline"
    tab.check()


def test_a_facet_narrows_and_a_second_click_widens(tab: Tab) -> None:
    tab.search("contract")
    everything = tab.total()
    facet = tab.page.locator("nav.facets h3:text-is('Wire') + ul a.facet").first
    wire = parse_qs(urlsplit(facet.get_attribute("href")).query)["wire"][0]
    no_reload_marker(tab)
    tab.click("nav.facets h3:text-is('Wire') + ul a.facet >> nth=0")
    assert tab.params()["wire"] == [wire]
    assert kept(tab)
    metas = tab.page.eval_on_selector_all("ol.hits .meta", "ps => ps.map(p => p.textContent)")
    assert metas and all(m.endswith(wire) for m in metas), (wire, metas)
    selected = tab.page.locator("a.facet.selected")
    assert selected.count() == 1 and wire in selected.inner_text()
    assert selected.get_attribute("aria-current") == "true"
    assert tab.total() < everything
    tab.click("a.facet.selected")
    assert "wire" not in tab.params()
    assert tab.total() == everything and tab.page.locator("a.facet.selected").count() == 0
    tab.check()


def test_a_timeline_bar_narrows_to_its_period_and_widen_undoes_it(tab: Tab) -> None:
    tab.search("contract")
    everything = tab.total()
    bars = tab.page.locator("svg.timeline a.bar")
    labels = [bars.nth(i).get_attribute("aria-label") for i in range(bars.count())]
    index, label = next((i, label) for i, label in enumerate(labels) if not label.endswith(": 0 hits"))
    counted = re.search(r": ([\d,]+) hits?$", label)
    assert counted, label
    count = int(counted.group(1).replace(",", ""))
    no_reload_marker(tab)
    tab.click(f"svg.timeline a.bar >> nth={index}")
    assert kept(tab), "a bar's link loaded a new page"
    params = tab.params()
    assert params["since"] and params["until"] and params["by"] == ["day"]
    assert tab.total() == count
    tab.click("a.widen")
    params = tab.params()
    assert "since" not in params and "until" not in params
    assert tab.total() == everything
    tab.check()


def test_a_document_opens_marked_in_its_language_and_back_returns(tab: Tab) -> None:
    tab.search("armed forces")
    results_url, titles = tab.page.url, tab.titles()
    first = tab.api("/api/search?q=armed+forces")["hits"][0]
    with tab.page.expect_navigation():
        tab.page.click("a.hit-link >> nth=0")
    assert tab.params()["id"] == [first["id"]] and urlsplit(tab.page.url).path == "/doc"
    assert tab.page.locator("div.body mark").count() > 0
    assert tab.page.get_attribute("article.document", "lang") == first["language"]
    assert tab.page.inner_text("article.document h1") == first["title"]
    assert tab.page.locator("section.similar h2").inner_text() == "More like this"
    tab.page.go_back()
    assert tab.page.url == results_url
    tab.page.wait_for_selector("ol.hits a.hit-link")
    assert tab.titles() == titles
    tab.check()


def test_a_german_document_says_so(tab: Tab) -> None:
    tab.search("Unternehmen")
    german = [hit for hit in tab.api("/api/search?q=Unternehmen")["hits"] if hit["language"] == "de"]
    assert german
    with tab.page.expect_navigation():
        tab.page.click(f"a.hit-link >> text={german[0]['title']}")
    assert tab.page.get_attribute("article.document", "lang") == "de"
    assert tab.page.locator("div.body mark").count() > 0
    tab.check()


def test_back_and_forward_restore_each_search(tab: Tab) -> None:
    tab.search("armed forces")
    first_url, first_titles = tab.page.url, tab.titles()
    tab.search("Unternehmen")
    second_url, second_titles = tab.page.url, tab.titles()
    assert first_titles != second_titles
    no_reload_marker(tab)
    tab.updating()
    tab.page.go_back()
    tab.updated()
    assert (tab.page.url, tab.titles()) == (first_url, first_titles)
    assert tab.page.input_value("#q") == "armed forces"
    tab.updating()
    tab.page.go_forward()
    tab.updated()
    assert (tab.page.url, tab.titles()) == (second_url, second_titles)
    assert kept(tab), "Back or Forward loaded the page again"
    tab.check()


def focused_href(tab: Tab) -> str | None:
    return tab.page.evaluate("document.activeElement.getAttribute('href')")


def test_slash_focuses_the_box_and_j_k_move_between_hits_unless_turned_off(tab: Tab) -> None:
    tab.search("contract")
    links = tab.page.eval_on_selector_all("a.hit-link", "as => as.map(a => a.getAttribute('href'))")
    assert len(links) >= 2
    tab.page.evaluate("document.activeElement.blur()")
    tab.page.keyboard.press("/")
    assert tab.page.evaluate("document.activeElement.id") == "q"
    tab.page.evaluate("document.activeElement.blur()")
    tab.page.keyboard.press("j")
    assert focused_href(tab) == links[0]
    tab.page.keyboard.press("j")
    assert focused_href(tab) == links[1]
    assert tab.page.locator("li.hit.current a.hit-link").get_attribute("href") == links[1]
    tab.page.keyboard.press("k")
    assert focused_href(tab) == links[0]

    tab.page.uncheck("#keys")
    tab.page.evaluate("document.activeElement.blur()")
    tab.page.keyboard.press("j")
    assert focused_href(tab) is None
    tab.page.keyboard.press("/")
    assert tab.page.evaluate("document.activeElement.id") != "q"
    tab.page.reload()  # the choice is kept across pages
    assert not tab.page.is_checked("#keys")
    tab.check()


def test_without_javascript_the_form_and_a_facet_still_work(browser: Any, server: WebServer) -> None:
    tab = Tab(browser, server, javascript=False)
    try:
        tab.page.fill("#q", "contract")
        with tab.page.expect_navigation():
            tab.page.press("#q", "Enter")
        assert tab.params()["q"] == ["contract"]
        assert tab.total() == tab.api("/api/search?q=contract")["total"] > 0
        with tab.page.expect_navigation():
            tab.page.click("nav.facets h3:text-is('Wire') + ul a.facet >> nth=0")
        wire = tab.params()["wire"][0]
        assert tab.total() == tab.api(f"/api/search?q=contract&wire={wire}")["total"] > 0
        assert tab.page.locator("a.facet.selected").count() == 1
        tab.check()
    finally:
        tab.context.close()


def axe_clean(tab: Tab) -> None:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(tab.page)
    assert result.violations_count == 0, result.generate_report()


def test_results_and_document_pages_pass_axe_and_are_screenshot(tab: Tab) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    tab.search("armed forces")
    # The page names its icon, served: else the browser asks for /favicon.ico and logs its 404 as an
    # error (once per browser, so the console check alone cannot be relied on to see it).
    icon = tab.context.request.get(tab.base + tab.page.get_attribute("link[rel=icon]", "href"))
    assert icon.ok and icon.headers["content-type"] == "image/svg+xml"
    axe_clean(tab)
    tab.page.screenshot(path=ARTIFACTS / "results.png", full_page=True)
    with tab.page.expect_navigation():
        tab.page.click("a.hit-link >> nth=0")
    axe_clean(tab)
    tab.page.screenshot(path=ARTIFACTS / "document.png", full_page=True)
    print(f"\nscreenshots: {ARTIFACTS / 'results.png'}, {ARTIFACTS / 'document.png'}")
    tab.check()


def test_round_trip_from_enter_to_hits_drawn(tab: Tab) -> None:
    drawn, wall = [], []
    for q in TIMED:
        tab.page.fill("#q", q)
        tab.updating()
        started = time.perf_counter()
        tab.page.press("#q", "Enter")
        drawn.append(tab.updated())
        wall.append((time.perf_counter() - started) * 1000)
        assert tab.params()["q"] == [q]
    print(
        f"\nround trip over {len(TIMED)} queries: page's own p50 {statistics.median(drawn):.0f} ms, "
        f"max {max(drawn)} ms; keypress to drawn (wall) p50 {statistics.median(wall):.0f} ms, max {max(wall):.0f} ms"
    )
    tab.check()
