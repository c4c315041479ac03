"""`dateline serve --http`: every endpoint and every error status over real HTTP against a real
index, the safety rules of a local server (Host, token, headers, sizes, methods), escaping of
hostile documents, export, and 50 clients at once."""

from __future__ import annotations

import csv
import io
import json
import re
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from conftest import CORPUS, SEED_NAME, Web

from search.cli.render.csv import CSV_COLUMNS
from search.serve import api as web_api
from search.serve.web import COOKIE, CSP, MAX_URL, allowed_hosts

PHRASE = quote('"armed forces"')
SECURITY = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def _problem(reply, status: int, code: str) -> dict:
    assert reply.status == status, (reply.status, reply.body[:300])
    assert reply.headers["Content-Type"] == "application/problem+json"
    data = reply.json
    assert data["status"] == status and data["code"] == code and data["detail"]
    assert "Traceback" not in reply.text
    return data


# -- search ------------------------------------------------------------------------------------
def test_api_search_is_the_command_lines_json_plus_pages_and_facets(web: Web, cli, corpus_index: Path) -> None:
    got = web.api(f"/api/search?q={PHRASE}")
    printed = cli("search", '"armed forces"', "--format", "json", index=corpus_index)
    want = json.loads(printed.output)
    for key, value in want.items():
        if key not in ("elapsed_ms", "hits"):
            assert got[key] == value, key
    strip = lambda hits: [{k: v for k, v in h.items() if k != "score"} for h in hits]  # noqa: E731
    assert strip(got["hits"]) == strip(want["hits"])
    assert [h["score"] for h in got["hits"]] == pytest.approx([h["score"] for h in want["hits"]])
    assert got["pages"] == -(-got["total"] // 10) and got["prev"] is None
    assert set(got["facets"]) == {"wire", "year", "language", "issuer", "place"}
    for values in got["facets"].values():
        for value in values:
            assert set(value) == {"value", "count", "selected", "href"} and not value["selected"]
            assert value["href"].startswith("/api/search?")


def test_pages_next_and_prev_link_the_pages(web: Web) -> None:
    first = web.api("/api/search?limit=7")  # no q: every document, newest first
    assert first["total"] > 14 and first["pages"] == -(-first["total"] // 7) and first["prev"] is None
    second = web.api(first["next"])
    assert second["page"] == 2 and second["prev"] is not None
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}
    assert web.api(second["prev"])["hits"] == first["hits"]
    dates = [h["date"] for h in first["hits"] + second["hits"] if "date" in h]  # undated: as the CLI sorts them
    assert dates and dates == sorted(dates, reverse=True)


def test_a_facets_href_toggles_its_value(web: Web) -> None:
    everything = web.api("/api/search?q=2025")
    wire = everything["facets"]["wire"][0]
    narrowed = web.api(wire["href"])
    assert narrowed["total"] == wire["count"] < everything["total"]
    assert {h["wire"] for h in narrowed["hits"]} == {wire["value"]}
    chosen = [v for v in narrowed["facets"]["wire"] if v["value"] == wire["value"]]
    assert chosen and chosen[0]["selected"]
    # The other wires are still counted (a field's counts leave its own selection out) and add to it.
    others = {v["value"]: v["count"] for v in narrowed["facets"]["wire"]}
    assert others == {v["value"]: v["count"] for v in everything["facets"]["wire"]}
    second = next(v for v in narrowed["facets"]["wire"] if not v["selected"])
    both = web.api(second["href"])
    assert both["total"] == wire["count"] + second["count"]


def test_toggling_a_selected_value_removes_it(web: Web) -> None:
    everything = web.api("/api/search?q=2025")
    wire = everything["facets"]["wire"][0]
    narrowed = web.api(wire["href"])
    chosen = next(v for v in narrowed["facets"]["wire"] if v["selected"])
    back = web.api(chosen["href"])
    assert back["total"] == everything["total"]
    assert "wire=" not in chosen["href"]


def test_the_language_facet_toggles_lang(web: Web) -> None:
    everything = web.api("/api/search")
    german = next(v for v in everything["facets"]["language"] if v["value"] == "de")
    assert "lang=de" in german["href"]
    narrowed = web.api(german["href"])
    assert narrowed["total"] == german["count"] and {h["language"] for h in narrowed["hits"]} == {"de"}


def test_no_hits_is_200_with_total_0(web: Web) -> None:
    got = web.api("/api/search?q=zzqxjkvw")
    assert got["total"] == 0 and got["hits"] == [] and got["pages"] == 0 and got["next"] is None


def test_did_you_mean(web: Web) -> None:
    got = web.api("/api/search?q=" + quote("armd forcse"))
    assert got["suggestion"] == "armed forces"


def test_a_bad_query_is_400_with_the_command_lines_message(web: Web, cli, corpus_index: Path) -> None:
    for query, params in [("date:[2025-13-45 TO x]", ""), ("mali", "&since=yesterday"), ("mali", "&sort=best")]:
        reply = web.get(f"/api/search?q={quote(query)}{params}")
        data = _problem(reply, 400, "bad_query")
        if "sort" not in params:
            args = ["search", query] + (["--since", "yesterday"] if "since" in params else [])
            printed = cli(*args, index=corpus_index)
            assert printed.exit_code == 2
            assert printed.output.strip().splitlines()[-1] == f"dateline: {data['detail']}"


def test_a_bad_parameter_is_400(web: Web) -> None:
    for params in ["page=0", "page=x", "limit=1000", "lang=fr", "by=year"]:
        _problem(web.get(f"/api/search?q=mali&{params}"), 400, "bad_query")


def test_a_search_past_its_time_limit_is_503(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web_api, "WEB_TIMEOUT", 1e-9)
    reply = web.get("/api/search?q=mali")
    _problem(reply, 503, "timeout")
    assert reply.headers["Retry-After"]


def test_a_bug_is_500_without_a_traceback_which_goes_to_the_log(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> dict:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(web.server.web, "stats", broken)  # a fault put in, as a bug would be
    data = _problem(web.get("/api/stats"), 500, "internal")
    assert "secret internals" not in data["detail"] and "RuntimeError" in data["detail"]
    page = web.get("/?q=")
    assert page.status == 200  # the rest still answers
    assert any("Traceback" in line and "secret internals" in line for line in web.logged)


def test_a_missing_index_is_503_then_served_once_built(tmp_path: Path) -> None:
    from indexer import index_paths

    served = Web(tmp_path / "not-yet")
    try:
        data = _problem(served.get("/api/search?q=mali"), 503, "no_index")
        assert "dateline index" in data["detail"]
        page = served.get("/search?q=mali")
        assert page.status == 503 and page.headers["Content-Type"].startswith("text/html")
        index_paths([CORPUS / SEED_NAME], tmp_path / "not-yet")
        assert served.api("/api/search?q=mali")["total"] == 1
    finally:
        served.close()


# -- the other endpoints -------------------------------------------------------------------------
def test_timeline_periods_narrow_to_their_counts(web: Web) -> None:
    timeline = web.api("/api/timeline?q=2025")
    assert timeline["by"] == "month" and timeline["widen"] is None
    assert sum(p["count"] for p in timeline["periods"]) == timeline["total"] - timeline["undated"]
    busiest = max(timeline["periods"], key=lambda p: p["count"])
    assert "since=" in busiest["href"] and "by=day" in busiest["href"]
    days = web.api(busiest["href"])
    assert days["by"] == "day" and sum(p["count"] for p in days["periods"]) == busiest["count"]
    assert days["widen"] and "since" not in days["widen"]
    search = web.api(busiest["href"].replace("/api/timeline", "/api/search"))
    assert search["total"] == busiest["count"]


def test_document_marks_the_whole_body(web: Web, corpus_ix) -> None:
    hit = corpus_ix.search('"armed forces"', limit=1).hits[0]
    got = web.api(f"/api/document?id={quote(hit.id)}&q={PHRASE}")
    assert got["id"] == hit.id and got["body"] == hit.document.body
    words = {got["body"][a:b].lower() for a, b in got["body_highlights"]}
    assert words == {"armed", "forces"}
    assert len(got["body_highlights"]) > len(hit.snippet.spans)  # the whole body, not a snippet
    plain = web.api(f"/api/document?id={quote(hit.id)}")
    assert plain["body_highlights"] == [] and plain["query"] == ""


def test_unknown_ids_are_404(web: Web) -> None:
    for path in ["/api/document?id=nope", "/api/similar?id=nope"]:
        data = _problem(web.get(path), 404, "not_found")
        assert "nope" in data["detail"]
    page = web.get("/doc?id=nope")
    assert page.status == 404 and "nope" in page.text
    _problem(web.get("/api/document"), 400, "bad_query")  # no id at all


def test_similar_and_stats(web: Web, corpus_ix) -> None:
    hit = corpus_ix.search('"armed forces"', limit=1).hits[0]
    similar = web.api(f"/api/similar?id={quote(hit.id)}&limit=3")
    assert similar["query"] == hit.id and 0 < len(similar["hits"]) <= 3
    assert hit.id not in {h["id"] for h in similar["hits"]}
    assert [h["id"] for h in similar["hits"]] == [h.id for h in corpus_ix.similar(hit.id, limit=3).hits]
    stats = web.api("/api/stats")
    assert stats["documents"] == len(corpus_ix)


def test_unknown_paths_are_404(web: Web) -> None:
    _problem(web.get("/api/nothing"), 404, "no_such_page")
    assert web.get("/etc/passwd").status == 404
    assert web.get("/static/../web.py").status == 404


# -- the page ------------------------------------------------------------------------------------
def test_the_search_page_works_without_script(web: Web, corpus_ix) -> None:
    page = web.get(f"/search?q={PHRASE}")
    assert page.status == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    html = page.text
    total = corpus_ix.search('"armed forces"').total
    assert re.search(r'<form role="search" action="/search" method="get"', html)
    assert '<label for="q">' in html and 'id="q" name="q" value="&quot;armed forces&quot;"' in html
    assert re.search(rf'<p role="status" id="status">{total} hits?', html)
    assert html.count('class="hit"') == min(total, 10)
    assert "<mark>" in html and '<nav class="facets" aria-label="Filters">' in html
    assert '<svg class="timeline"' in html and "/search?q=" in html
    assert "<main" in html and "<h1>" in html
    assert " style=" not in html and "<script>" not in html  # the CSP allows neither


def test_the_document_page(web: Web, corpus_ix) -> None:
    german = corpus_ix.search("*", lang="de", limit=1).hits[0]
    page = web.get(f"/doc?id={quote(german.id)}")
    assert page.status == 200 and '<article class="document" lang="de">' in page.text
    hit = corpus_ix.search('"armed forces"', limit=1).hits[0]
    html = web.get(f"/doc?id={quote(hit.id)}&q={PHRASE}").text
    assert '<article class="document" lang="en">' in html and html.count("<mark>") >= 6
    assert f'href="{hit.document.url}" rel="noopener noreferrer"' in html
    assert "More like this" in html


def test_static_files(web: Web) -> None:
    script = web.get("/static/dateline.js")
    assert script.status == 200 and script.headers["Content-Type"].startswith("text/javascript")
    assert web.get("/static/dateline.css").headers["Content-Type"].startswith("text/css")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    """A server over an index of documents that try to run script in the page."""
    from indexer import index_paths

    root = tmp_path_factory.mktemp("hostile")
    records = [
        {
            "id": "evil-1",
            "title": "<script>alert('title')</script> Quarterly results",
            "issuer": "<img src=x onerror=alert(1)>",
            "url": "javascript:alert(document.cookie)",
            "text": "Revenue rose. <script>alert('body')</script> <a href=\"javascript:alert(2)\">click</a>",
            "language": "en",
        },
        {
            "id": 'evil-2"><script>alert(3)</script>',
            "title": "Quarterly results again",
            "url": " JavaScript:alert(4)",
            "text": "Revenue rose again.",
            "language": "en",
        },
    ]
    source = root / "evil.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    report = index_paths([source], root / "index")
    assert not report.failed, report.failed
    served = Web(root / "index")
    yield served
    served.close()


def test_document_text_is_escaped_and_only_web_links_are_links(hostile: Web) -> None:
    pages = [hostile.get("/search?q=" + quote("revenue <script>")), hostile.get("/search?q=revenue")]
    ids = [h["id"] for h in hostile.api("/api/search?q=revenue")["hits"]]
    assert len(ids) == 2
    pages += [hostile.get("/doc?id=" + quote(i) + "&q=revenue") for i in ids]
    for page in pages:
        assert page.status == 200
        html = page.text
        assert "<script>alert" not in html and "<img src=x" not in html
        assert not re.search(r'href="\s*javascript:', html, re.IGNORECASE)
        assert '<a href="javascript' not in html
    assert "&lt;script&gt;alert(&#x27;body&#x27;)&lt;/script&gt;" in pages[2].text + pages[3].text


# -- safety --------------------------------------------------------------------------------------
def test_every_response_carries_the_security_headers(web: Web) -> None:
    for path in ["/", f"/search?q={PHRASE}", "/api/search?q=mali", "/api/nothing", "/static/dateline.js"]:
        reply = web.get(path)
        for name, value in SECURITY.items():
            assert reply.headers[name] == value, (path, name)
    assert "frame-ancestors 'none'" in CSP and "default-src 'self'" in CSP


def test_a_forged_host_is_421(web: Web) -> None:
    for host in ["evil.example", "evil.example:" + str(web.server.port), "127.0.0.1.evil.example", ""]:
        _problem(web.get("/api/search?q=mali", host=host), 421, "misdirected")
    assert web.get("/api/search?q=mali", host=f"localhost:{web.server.port}").status == 200
    assert web.get("/api/search?q=mali", host="LOCALHOST:" + str(web.server.port)).status == 200


def test_on_all_addresses_this_machines_names_are_answered_and_no_other(corpus_index: Path) -> None:
    served = Web(corpus_index, host="0.0.0.0")
    try:
        port = served.server.port
        for host in [f"127.0.0.1:{port}", f"localhost:{port}", f"{socket.gethostname()}:{port}"]:
            assert served.get("/api/stats", host=host).status == 200, host
        _problem(served.get("/api/stats", host=f"evil.example:{port}"), 421, "misdirected")
    finally:
        served.close()
    allowed = allowed_hosts("127.0.0.1", 8080, ["news.example"])
    assert {"news.example:8080", "localhost:8080", "127.0.0.1"} <= allowed
    assert socket.gethostname().lower() not in allowed  # a loopback server answers loopback names only


def test_the_token_is_required_and_kept_in_a_strict_cookie(web: Web) -> None:
    _problem(web.get("/api/search?q=mali", token=False), 401, "token_required")
    page = web.get("/search?q=mali", token=False)
    assert (
        page.status == 401
        and "dateline serve --http" in page.text
        and "mali" not in page.text.lower().split("<main")[1]
    )
    _problem(
        web.get("/api/search?q=mali", token=False, headers={"Authorization": "Bearer wrong"}), 401, "token_required"
    )
    _problem(web.get("/api/stats?token=wrong", token=False), 401, "bad_token")
    wrong = web.get("/search?q=mali&token=wrong", token=False)
    assert wrong.status == 401 and "Set-Cookie" not in wrong.headers and "not this server" in wrong.text
    url = urlsplit(web.server.url)
    assert web.server.token and parse_qs(url.query)["token"] == [web.server.token] and len(web.server.token) >= 32
    visit = web.get(f"/search?q=mali&token={web.server.token}", token=False)
    assert visit.status == 303 and visit.headers["Location"] == "/search?q=mali"
    cookie = visit.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}={web.server.token};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    with_cookie = web.get("/search?q=mali", token=False, headers={"Cookie": f"{COOKIE}={web.server.token}"})
    assert with_cookie.status == 200
    _problem(web.get("/api/stats", token=False, headers={"Cookie": f"{COOKIE}=nope"}), 401, "token_required")


def test_no_token_serves_everyone_on_the_loopback(corpus_index: Path) -> None:
    served = Web(corpus_index, token=None)
    try:
        assert served.server.url == f"http://127.0.0.1:{served.server.port}/"
        assert served.get("/api/search?q=mali", token=False).status == 200
        _problem(served.get("/api/search?q=mali", host="evil.example"), 421, "misdirected")
    finally:
        served.close()


def test_only_get_and_head(web: Web) -> None:
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]:
        reply = web.get("/api/search?q=mali", method=method, body=b"")
        _problem(reply, 405, "method_not_allowed")
        assert reply.headers["Allow"] == "GET, HEAD"
    _problem(web.get("/api/search?q=mali", body=b"x" * 10), 413, "body_not_allowed")


def test_head_answers_as_get_without_a_body(web: Web) -> None:
    get = web.get(f"/api/search?q={PHRASE}")
    head = web.get(f"/api/search?q={PHRASE}", method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert abs(int(head.headers["Content-Length"]) - len(get.body)) < 8  # elapsed_ms differs


def test_requests_are_bounded(web: Web) -> None:
    _problem(web.get("/api/search?q=" + "a" * (MAX_URL + 10)), 414, "uri_too_long")
    many = "&".join(f"wire=w{i}" for i in range(200))
    _problem(web.get(f"/api/search?q=mali&{many}"), 400, "bad_query")


def test_connections_are_bounded_in_number_and_time(corpus_index: Path) -> None:
    served = Web(corpus_index, max_connections=3, connection_timeout=0.5)
    idle = [socket.create_connection(("127.0.0.1", served.server.port)) for _ in range(3)]
    try:
        time.sleep(0.1)
        with socket.create_connection(("127.0.0.1", served.server.port), timeout=5) as extra:
            assert extra.recv(100).startswith(b"HTTP/1.1 503")  # turned away at once
        started = time.monotonic()
        for conn in idle:
            conn.settimeout(5)
            assert conn.recv(100) == b""  # closed by the server: nothing came within its time
        assert time.monotonic() - started < 3
        assert served.get("/api/search?q=mali").status == 200  # the slots are free again
    finally:
        for conn in idle:
            conn.close()
        served.close()


def test_fifty_clients_at_once_get_the_answers_one_gets_alone(web: Web) -> None:
    queries = ["mali", '"armed forces"', "wind", "Unternehmen", "energy", "acquisition", "2025", "solar"]
    alone = {q: web.api(f"/api/search?q={quote(q)}") for q in queries}

    def fetch(i: int) -> tuple[str, dict]:
        q = queries[i % len(queries)]
        return q, web.api(f"/api/search?q={quote(q)}")

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(fetch, range(100)))
    for q, got in answers:
        assert got["total"] == alone[q]["total"] and [h["id"] for h in got["hits"]] == [
            h["id"] for h in alone[q]["hits"]
        ]


# -- export --------------------------------------------------------------------------------------
def test_export_streams_every_hit(web: Web, corpus_ix) -> None:
    total = corpus_ix.search("2025").total
    reply = web.get("/export?q=2025&format=csv")
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/csv")
    assert reply.headers["X-Total-Count"] == str(total) and "attachment" in reply.headers["Content-Disposition"]
    assert "Content-Length" not in reply.headers  # streamed
    rows = list(csv.reader(io.StringIO(reply.text)))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) - 1 == total
    assert [r[1] for r in rows[1:11]] == [h.id for h in corpus_ix.search("2025").hits]
    lines = web.get("/export?q=2025&format=jsonl").text.splitlines()
    assert len(lines) == total and json.loads(lines[0])["rank"] == 1
    _problem(web.get("/export?q=2025&format=xml"), 400, "bad_query")
    _problem(web.get("/export?q=date:[x"), 400, "bad_query")


def test_export_is_capped(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web_api, "EXPORT_MAX", 7)
    monkeypatch.setattr(web_api, "EXPORT_PAGE", 3)
    lines = web.get("/export?format=jsonl").text.splitlines()
    assert [json.loads(line)["rank"] for line in lines] == list(range(1, 8))
