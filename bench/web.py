"""The web page's round trip (issue 21): Enter pressed in the search box to the hits drawn in place,
in a real Chromium, against the same queries through /api/search alone (urllib), so the ratio shows
what the page adds (HTML, timeline, facets, parsing and drawing) over the search itself.

    python bench/web.py [INDEX]          # default: the sample corpus/ indexed into a temporary directory

Needs Chromium (``chromium`` on PATH or DATELINE_CHROMIUM) and the ``playwright`` package (the test extra).
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.serve.web import WebServer  # noqa: E402

#: Each has hits in the sample corpus; German ones too.
QUERIES = (
    "armed forces|contract|Unternehmen|rail freight|radar|energy|bank|drones|vote|2025|market|Umsatz|acquisition"
    "|election|dashboard|treasury|Mali|launch|customers|Millionen"
).split("|")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def page_round_trips(server: WebServer, chromium: str) -> list[float]:
    """Keypress to hits drawn (the page's own figure, `document.body.dataset.roundTrip`) per query."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(server.url)
        for q in ["warm up", *QUERIES]:
            page.fill("#q", q)
            page.evaluate("delete document.body.dataset.roundTrip")
            page.press("#q", "Enter")
            page.wait_for_selector("body[data-round-trip]", state="attached", timeout=30_000)
            times.append(float(page.evaluate("document.body.dataset.roundTrip")))
        browser.close()
    return times[1:]


def api_round_trips(server: WebServer) -> list[float]:
    """The same queries through /api/search, wall time of each request and its JSON read."""
    times = []
    for q in ["warm up", *QUERIES]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{server.port}/api/search?{urlencode({'q': q})}",
            headers={"Authorization": f"Bearer {server.token}"},
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request) as response:
            response.read()
        times.append((time.perf_counter() - started) * 1000)
    return times[1:]


def main() -> None:
    chromium = os.environ.get("DATELINE_CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        sys.exit("no Chromium: install it (apt-get install chromium) or set DATELINE_CHROMIUM")
    with tempfile.TemporaryDirectory() as tmp:
        if len(sys.argv) > 1:
            index = Path(sys.argv[1])
        else:
            from indexer import index_paths

            index = Path(tmp) / "index"
            index_paths([ROOT / "corpus"], index)
        server = WebServer(index, port=0)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            page, api = page_round_trips(server, chromium), api_round_trips(server)
        finally:
            server.shutdown()
            server.server_close()
    print(f"{len(QUERIES)} queries over {index if len(sys.argv) > 1 else 'corpus/'}")
    print(f"page (Enter to hits drawn): median {statistics.median(page):6.1f} ms, p95 {p95(page):6.1f} ms")
    print(f"/api/search (urllib):       median {statistics.median(api):6.1f} ms, p95 {p95(api):6.1f} ms")
    print(f"ratio page/api: median {statistics.median(page) / statistics.median(api):.1f}x")


if __name__ == "__main__":
    main()
