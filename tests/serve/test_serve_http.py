"""The installed ``dateline serve --http`` as users run it: it prints the URL with its token,
the URL opens the page in a browser-like client (the token exchanged for a cookie), the same
process answers the command line's socket, and a taken port is one clear error."""

from __future__ import annotations

import http.cookiejar
import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import installed_dateline

pytestmark = pytest.mark.slow


def _start(index: Path, tmp_path: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [installed_dateline(), "serve", "--http", "--port", "0", "--index", str(index), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "DATELINE_SOCKET": str(tmp_path / "sock" / "serve.sock")},
    )
    assert proc.stdout is not None and proc.stderr is not None
    url = proc.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), (url, proc.stderr.read() if proc.poll() is not None else "")
    return proc, url


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.terminate()
    _, err = proc.communicate(timeout=20)
    return err


def test_the_printed_url_opens_the_page(corpus_index: Path, tmp_path: Path) -> None:
    proc, url = _start(corpus_index, tmp_path)
    try:
        assert "?token=" in url
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with browser.open(url, timeout=30) as page:  # 303 to / with the cookie, then the page
            assert page.status == 200 and page.url.endswith("/") and "token" not in page.url
            assert '<form role="search"' in page.read().decode()
        base = url.split("?")[0]
        with browser.open(base + "api/search?q=mali", timeout=30) as reply:  # the cookie is enough now
            assert b'"total"' in reply.read()
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + "api/search?q=mali", timeout=30)  # no cookie, no token
        assert refused.value.code == 401
        refused.value.close()
        # The same process answers the command line's socket.
        deadline = time.monotonic() + 20
        while not (tmp_path / "sock" / "serve.sock").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        env = {
            **os.environ,
            "DATELINE_SOCKET": str(tmp_path / "sock" / "serve.sock"),
            "DATELINE_INDEX": str(corpus_index),
        }
        done = subprocess.run(
            [installed_dateline(), "search", "mali", "-n", "1"], capture_output=True, text=True, env=env
        )
        assert done.returncode == 0 and "1. " in done.stdout
    finally:
        err = _stop(proc)
    assert "search mali" in err  # the served call's log line
    assert "Traceback" not in err


def test_a_taken_port_is_one_clear_error(corpus_index: Path, tmp_path: Path) -> None:
    proc, url = _start(corpus_index, tmp_path)
    try:
        port = url.split(":")[2].split("/")[0]
        second = subprocess.run(
            [installed_dateline(), "serve", "--http", "--port", port, "--index", str(corpus_index)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "DATELINE_SOCKET": str(tmp_path / "other" / "serve.sock")},
        )
        assert second.returncode == 2
        assert (
            second.stderr.startswith(f"dateline: cannot listen on 127.0.0.1:{port}") and second.stderr.count("\n") == 1
        )
    finally:
        _stop(proc)
