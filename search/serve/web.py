"""``dateline serve --http``: the web page and the JSON API over HTTP, on the standard library's
`ThreadingHTTPServer` (it imports in a fraction of a framework's time, and `Index` serialises
searches under its lock, so an async server would gain nothing).

Safe for a local server by default: it binds 127.0.0.1; a request's ``Host`` must name the
address it was sent to (421 otherwise: a page of another site cannot reach it through DNS
rebinding); a random per-start token is required (given once in the printed URL, then kept in
an ``HttpOnly; SameSite=Strict`` cookie, or sent as ``Authorization: Bearer``); every endpoint is
a GET without side effects; every response carries a Content-Security-Policy that allows only
the server's own script and stylesheet; requests are bounded in size, connections in number and
time. Errors are ``application/problem+json`` (RFC 9457) with a ``code``, never a traceback.
"""

from __future__ import annotations

import hmac
import http.server
import secrets
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from indexer.core.errors import DatelineError, IndexNotFoundError
from search.errors import DocumentNotFoundError, QueryError, SearchTimeoutError
from search.serve.api import EXPORT_MAX, WebIndex
from search.serve.params import EXPORT_FORMATS, SearchParams

__all__ = ["COOKIE", "MAX_CONNECTIONS", "MAX_URL", "Response", "WebError", "WebServer", "allowed_hosts"]

#: Addresses that mean every interface of this machine.
WILDCARDS = ("0.0.0.0", "::", "")
#: The cookie that carries the token after the first visit.
COOKIE = "dateline_token"
#: Longest request target read (bytes); longer is refused with 414.
MAX_URL = 8192
#: Connections answered at once; more are answered 503 at once and closed.
MAX_CONNECTIONS = 64
#: Seconds a connection may wait between reads (a slow or idle client is then closed).
CONNECTION_TIMEOUT = 10.0
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
STATIC = {
    "dateline.js": "text/javascript; charset=utf-8",
    "dateline.css": "text/css; charset=utf-8",
    # The page's icon: without one a browser asks for /favicon.ico and logs the 404 as an error.
    "dateline.svg": "image/svg+xml",
}
JSON = "application/json"
PROBLEM = "application/problem+json"
HTML = "text/html; charset=utf-8"


class WebError(DatelineError):
    """The web server cannot start: the address is in use or cannot be bound."""


@dataclass
class Response:
    """What a route answers: a status, a media type, the body (or its chunks, streamed) and headers."""

    status: int
    content_type: str
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)


class Problem(Exception):
    """A request refused or failed: answered as problem+json (API) or an error page."""

    def __init__(self, status: int, code: str, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.headers = status, code, detail, headers or {}


def problem_for(exc: Exception) -> Problem:
    """The HTTP problem for a library error, its detail the CLI's message."""
    if isinstance(exc, Problem):
        return exc
    if isinstance(exc, QueryError):
        return Problem(400, "bad_query", str(exc))
    if isinstance(exc, DocumentNotFoundError):
        return Problem(404, "not_found", str(exc))
    if isinstance(exc, SearchTimeoutError):
        return Problem(503, "timeout", str(exc), {"Retry-After": "5"})
    if isinstance(exc, IndexNotFoundError):
        return Problem(503, "no_index", f"{exc} (create it with: dateline index PATH)", {"Retry-After": "30"})
    if isinstance(exc, DatelineError):
        return Problem(503, "index_unavailable", str(exc), {"Retry-After": "30"})
    return Problem(500, "internal", f"internal error: {type(exc).__name__} (the server's log has more)")


def allowed_hosts(host: str, port: int, extra: Iterable[str] = ()) -> frozenset[str]:
    """The ``Host`` header values a request may carry, each with and without the port: the bound
    address; for a loopback one, the loopback names; for all addresses (``0.0.0.0``, ``::``), those
    and this machine's own names and addresses; plus ``extra`` names (``--allow-host``). A name
    an attacker's DNS points here (rebinding) is none of these."""
    names = {host, *extra}
    if host in ("127.0.0.1", "::1", "localhost", *WILDCARDS):
        names |= {"127.0.0.1", "localhost", "::1"}
    if host in WILDCARDS:
        names |= _own_names()
    out = set()
    for name in names:
        shown = f"[{name}]" if ":" in name and not name.startswith("[") else name
        out |= {shown.lower(), f"{shown}:{port}".lower()}
    return frozenset(out)


def _own_names() -> set[str]:
    """This machine's host name, its fully qualified name and the addresses they resolve to."""
    names = {socket.gethostname(), socket.getfqdn()}
    for name in list(names):
        try:
            names |= set(socket.gethostbyname_ex(name)[2])
        except OSError:
            pass
    return {n for n in names if n}


def _json(value: Any, status: int = 200, content_type: str = JSON) -> Response:
    from search.cli.render.json import to_json

    return Response(status, content_type, to_json(value).encode("utf-8"))


class WebServer(http.server.ThreadingHTTPServer):
    """The HTTP server of one index: pages, API and export, each request in its own daemon thread."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self,
        index_path: str | Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8080,
        token: str | None = "",
        allow_hosts: Iterable[str] = (),
        log: Callable[[str], None] = lambda line: None,
        max_connections: int = MAX_CONNECTIONS,
        connection_timeout: float = CONNECTION_TIMEOUT,
        opener: Callable[[Path], Any] | None = None,
    ) -> None:
        """``token`` "" makes a random one; None turns the token off (``--no-token``); ``opener``
        opens what is served instead of an `Index` (`WebIndex`)."""
        self.web = WebIndex(index_path, opener)
        self.token = secrets.token_urlsafe(24) if token == "" else token
        self.log = log
        self.connection_timeout = connection_timeout
        self._slots = threading.BoundedSemaphore(max_connections)
        if ":" in host:
            self.address_family = socket.AF_INET6
        try:
            super().__init__((host, port), Handler)
        except OSError as exc:
            raise WebError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        self.host, self.port = host, self.server_address[1]
        self.allowed = allowed_hosts(host, self.port, allow_hosts)

    @property
    def url(self) -> str:
        """The address to open, with the token when one is required."""
        shown = f"[{self.host}]" if ":" in self.host else self.host
        base = f"http://{shown}:{self.port}/"
        return f"{base}?{urlencode({'token': self.token})}" if self.token else base

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            try:
                request.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n"
                    b"Retry-After: 1\r\n\r\n"
                )
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def server_close(self) -> None:
        super().server_close()
        self.web.close()


class Handler(http.server.BaseHTTPRequestHandler):
    """One connection: checks, then the route, then the response with the security headers."""

    server: WebServer
    protocol_version = "HTTP/1.1"
    server_version = "dateline"
    sys_version = ""
    disable_nagle_algorithm = True  # else a keep-alive response can stall ~40 ms
    timeout = CONNECTION_TIMEOUT

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.connection_timeout)

    def log_message(self, format: str, *args: Any) -> None:
        self.server.log(format % args)

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _refuse_method(self) -> None:
        self._send(
            self._problem(
                Problem(
                    405,
                    "method_not_allowed",
                    f"{self.command} is not served; only GET and HEAD",
                    {"Allow": "GET, HEAD"},
                )
            ),
            head=False,
        )

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse_method

    # -- the request -------------------------------------------------------------------------
    def _answer(self, head: bool) -> None:
        try:
            response = self._route()
        except Exception as exc:  # every failure becomes a problem; its traceback only in the log
            problem = problem_for(exc)
            if problem.status == 500:
                import traceback

                self.server.log("".join(traceback.format_exception(exc)).rstrip())
            response = self._problem(problem)
        self._send(response, head=head)

    def _route(self) -> Response:
        if len(self.path) > MAX_URL:
            raise Problem(414, "uri_too_long", f"the request's URL is longer than {MAX_URL} bytes")
        host = (self.headers.get("Host") or "").strip().lower()
        if host not in self.server.allowed:
            raise Problem(421, "misdirected", f"this server does not answer for host {host!r}")
        if self.headers.get("Transfer-Encoding") or int(self.headers.get("Content-Length") or 0) > 0:
            self.close_connection = True
            raise Problem(413, "body_not_allowed", "requests carry no body here: every endpoint is a GET")
        parts = urlsplit(self.path)
        path, query = parts.path, parts.query
        redirect = self._check_token(path, query)
        if redirect is not None:
            return redirect
        route = ROUTES.get(path)
        if route is None:
            if path.startswith("/static/") and path[len("/static/") :] in STATIC:
                return _static(path[len("/static/") :])
            raise Problem(404, "no_such_page", f"no page at {path!r}")
        return route(self.server.web, query)

    def _check_token(self, path: str, query: str) -> Response | None:
        """None when the request may go on; a redirect that sets the cookie when the URL brings
        the token; a 401 problem when no valid token came."""
        token = self.server.token
        if token is None:
            return None
        pairs = parse_qsl(query, keep_blank_values=True)
        given = [v for k, v in pairs if k == "token"]
        if given:
            if not hmac.compare_digest(given[0].encode(), token.encode()):
                raise Problem(
                    401, "bad_token", "the token in the URL is not this server's (restarted? use the URL it printed)"
                )
            rest = urlencode([(k, v) for k, v in pairs if k != "token"])
            cookie = f"{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/"
            return Response(303, HTML, b"", {"Location": path + (f"?{rest}" if rest else ""), "Set-Cookie": cookie})
        auth = self.headers.get("Authorization") or ""
        if auth.startswith("Bearer ") and hmac.compare_digest(auth[7:].strip().encode(), token.encode()):
            return None
        try:
            cookies = SimpleCookie(self.headers.get("Cookie") or "")
        except CookieError:
            cookies = SimpleCookie()
        morsel = cookies.get(COOKIE)
        if morsel is not None and hmac.compare_digest(morsel.value.encode(), token.encode()):
            return None
        raise Problem(401, "token_required", "open the URL that dateline serve --http printed (it carries the token)")

    # -- the response ------------------------------------------------------------------------
    def _problem(self, problem: Problem) -> Response:
        path = urlsplit(self.path[:MAX_URL]).path
        headers = dict(problem.headers)
        if _is_api(path):
            body = {
                "type": "about:blank",
                "title": HTTPStatus(problem.status).phrase,
                "status": problem.status,
                "detail": problem.detail,
                "code": problem.code,
                "instance": path[:200],
            }
            response = _json(body, problem.status, PROBLEM)
        else:
            from search.serve.pages import error_page

            page = error_page(problem.status, HTTPStatus(problem.status).phrase, problem.detail)
            response = Response(problem.status, HTML, page.encode("utf-8"))
        response.headers.update(headers)
        return response

    def _send(self, response: Response, head: bool) -> None:
        streamed = not isinstance(response.body, bytes)
        try:
            self.send_response(response.status)
            headers = {**SECURITY_HEADERS, "Cache-Control": "no-store", **response.headers}
            headers["Content-Type"] = response.content_type
            if streamed:
                headers["Connection"] = "close"
                self.close_connection = True
            else:
                headers["Content-Length"] = str(len(response.body))  # type: ignore[arg-type]  # bytes here
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if head:
                return
            if streamed:
                for chunk in response.body:
                    self.wfile.write(chunk)  # type: ignore[arg-type]  # the chunks of a stream are bytes
            else:
                self.wfile.write(response.body)  # type: ignore[arg-type]  # bytes here
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True


def _is_api(path: str) -> bool:
    return path.startswith("/api/") or path in ("/openapi.json", "/export")


def _static(name: str) -> Response:
    data = (resources.files("search.serve") / "static" / name).read_bytes()
    return Response(200, STATIC[name], data, {"Cache-Control": "no-cache"})


def _one(query: str, name: str, default: str = "") -> str:
    for key, value in parse_qsl(query, keep_blank_values=True, max_num_fields=64):
        if key == name:
            return value
    return default


def _required(query: str, name: str) -> str:
    value = _one(query, name)
    if not value:
        raise QueryError(f"give the parameter {name}")
    return value


# -- routes -----------------------------------------------------------------------------------
def page_search(web: WebIndex, query: str) -> Response:
    from search.serve.pages import search_page

    params = SearchParams.parse(query)
    view = web.search(params)
    timeline = web.timeline(params)
    return Response(200, HTML, search_page(view, timeline).encode("utf-8"))


def page_document(web: WebIndex, query: str) -> Response:
    from search.serve.pages import document_page

    doc_id, params = _required(query, "id"), SearchParams.parse(query)
    marked = web.document(doc_id, params.q)
    similar = web.similar(marked.document.id, limit=5)
    return Response(200, HTML, document_page(marked, similar, params).encode("utf-8"))


def api_search(web: WebIndex, query: str) -> Response:
    return _json(web.search(SearchParams.parse(query), path="/api/search").to_dict())


def api_timeline(web: WebIndex, query: str) -> Response:
    return _json(web.timeline(SearchParams.parse(query), path="/api/timeline").to_dict())


def api_document(web: WebIndex, query: str) -> Response:
    return _json(web.document(_required(query, "id"), _one(query, "q")).to_dict())


def api_similar(web: WebIndex, query: str) -> Response:
    limit = _one(query, "limit") or "10"
    if not limit.isdigit() or not 1 <= int(limit) <= 100:
        raise QueryError(f"limit must be from 1 to 100 (got {limit!r})")
    return _json(web.similar(_required(query, "id"), limit=int(limit)).to_dict())


def api_stats(web: WebIndex, query: str) -> Response:
    return _json(web.stats())


def openapi(web: WebIndex, query: str) -> Response:
    from search.serve.openapi import spec

    return _json(spec())


def export(web: WebIndex, query: str) -> Response:
    fmt = _one(query, "format", "csv")
    if fmt not in EXPORT_FORMATS:
        raise QueryError(f"unknown export format {fmt!r}; choose from {', '.join(EXPORT_FORMATS)}")
    params = SearchParams.parse(query)
    total, lines = web.export(params, fmt)

    def chunks() -> Iterator[bytes]:
        for text in lines:
            yield text.encode("utf-8")

    kind = "text/csv; charset=utf-8" if fmt == "csv" else "application/jsonl; charset=utf-8"
    headers = {
        "Content-Disposition": f'attachment; filename="dateline.{fmt}"',
        "X-Total-Count": str(total),
        "X-Export-Limit": str(EXPORT_MAX),
    }
    return Response(200, kind, chunks(), headers)


ROUTES: dict[str, Callable[[WebIndex, str], Response]] = {
    "/": page_search,
    "/search": page_search,
    "/doc": page_document,
    "/api/search": api_search,
    "/api/timeline": api_timeline,
    "/api/document": api_document,
    "/api/similar": api_similar,
    "/api/stats": api_stats,
    "/openapi.json": openapi,
    "/export": export,
}
