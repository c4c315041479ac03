"""``/openapi.json`` is a valid OpenAPI 3.1 document, and every endpoint's real responses (hits,
no hits, each error) are valid against the schemas it states."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from conftest import Web

jsonschema = pytest.importorskip("jsonschema", reason="the test extra's jsonschema checks responses")
validator = pytest.importorskip("openapi_spec_validator", reason="the test extra's openapi-spec-validator")


@pytest.fixture(scope="module")
def spec(web: Web) -> dict[str, Any]:
    reply = web.get("/openapi.json")
    assert reply.status == 200 and reply.headers["Content-Type"] == "application/json"
    return reply.json


def _check(spec: dict[str, Any], path: str, status: int, data: Any) -> None:
    """``data`` against the schema ``spec`` states for ``path``'s ``status`` response."""
    media = "application/json" if status == 200 else "application/problem+json"
    schema = spec["paths"][path]["get"]["responses"][str(status)]["content"][media]["schema"]
    document = {**schema, "components": spec["components"]}
    jsonschema.Draft202012Validator(document, format_checker=jsonschema.FormatChecker()).validate(data)


def test_the_document_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    validator.validate(spec)
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {
        "/api/search",
        "/api/timeline",
        "/api/document",
        "/api/similar",
        "/api/stats",
        "/export",
    }


def test_real_responses_match_the_schemas(web: Web, spec: dict[str, Any], corpus_ix) -> None:
    hit = corpus_ix.search('"armed forces"', limit=1).hits[0]
    doc = quote(hit.id)
    answered = [
        ("/api/search", "/api/search?q=" + quote('"armed forces"')),
        ("/api/search", "/api/search?q=zzqxjkvw"),
        ("/api/search", "/api/search?q=armd+forcse"),
        ("/api/search", "/api/search?q=2025&wire=PR+Newswire&lang=en&sort=-date&page=2&limit=3"),
        ("/api/search", "/api/search"),
        ("/api/search", "/api/search?q=corvane&collapse=1&recent=30d&per_source=2"),
        ("/api/timeline", "/api/timeline?q=2025&by=week"),
        ("/api/timeline", "/api/timeline?q=2025&since=2025-06-01&until=2025-06-30&by=day"),
        ("/api/document", f"/api/document?id={doc}&q=mali"),
        ("/api/document", f"/api/document?id={doc}"),
        ("/api/similar", f"/api/similar?id={doc}&limit=3"),
        ("/api/stats", "/api/stats"),
    ]
    for path, url in answered:
        _check(spec, path, 200, web.api(url))
    refused = [
        ("/api/search", "/api/search?q=date:[x", 400),
        ("/api/document", "/api/document?id=nope", 404),
        ("/api/similar", "/api/similar?id=nope", 404),
        ("/api/timeline", "/api/timeline?q=mali&by=year", 400),
    ]
    for path, url, status in refused:
        reply = web.get(url)
        assert reply.status == status
        _check(spec, path, status, reply.json)
    _check(spec, "/api/stats", 401, web.get("/api/stats", token=False).json)
    _check(spec, "/api/stats", 421, web.get("/api/stats", host="evil.example").json)


def test_a_response_off_the_schema_fails_the_check(web: Web, spec: dict[str, Any]) -> None:
    """The schemas are strict enough to catch a changed key (so the test above can fail)."""
    data = web.api("/api/search?q=mali")
    data["hits"][0]["rank"] = "1"
    with pytest.raises(jsonschema.ValidationError):
        _check(spec, "/api/search", 200, data)
    data = web.api("/api/search?q=mali")
    data["unexpected"] = True
    with pytest.raises(jsonschema.ValidationError):
        _check(spec, "/api/search", 200, data)
