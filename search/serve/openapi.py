"""The JSON API described as OpenAPI 3.1 (served at ``/openapi.json``); ``tests/serve`` checks
real responses of every endpoint against these schemas."""

from __future__ import annotations

from typing import Any

from search.serve.params import FILTERS, MAX_LIMIT

__all__ = ["spec"]

_STR, _INT, _NUM, _BOOL = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}
_NSTR = {"type": ["string", "null"]}
_URL = {"type": ["string", "null"], "description": "A URL of this server (path and query), or null."}


def _param(
    name: str, schema: dict[str, Any], description: str, required: bool = False, many: bool = False
) -> dict[str, Any]:
    if many:
        schema = {"type": "array", "items": schema}
    out: dict[str, Any] = {"name": name, "in": "query", "schema": schema, "description": description}
    if required:
        out["required"] = True
    if many:
        out["style"], out["explode"] = "form", True
    return out


def _search_params() -> list[dict[str, Any]]:
    return [
        _param("q", _STR, 'The query (Whoosh syntax: words, "phrases", field:value, OR, NOT); empty: every document.'),
        _param("page", {"type": "integer", "minimum": 1, "maximum": 1000}, "Page of hits."),
        _param("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, "Hits per page (default 10)."),
        _param("sort", {"enum": ["relevance", "date", "-date"]}, "Order (default relevance; -date without q)."),
        _param("since", {"type": "string", "format": "date"}, "Only documents dated on or after (YYYY-MM-DD)."),
        _param("until", {"type": "string", "format": "date"}, "Only documents dated on or before (inclusive)."),
        _param("lang", {"enum": ["en", "de", "xx"]}, "Only documents in this language (xx: any other)."),
        _param("by", {"enum": ["day", "week", "month"]}, "Timeline periods (default month)."),
        _param(
            "collapse",
            {"enum": ["0", "1"]},
            "1: show the copies of one story once (hits get copies, results stories); default 1 on the page, 0 here.",
        ),
        _param("recent", _STR, "Half-life of a recency decay on scores (12h, 30d, 2w, 6m, 1y)."),
        _param(
            "per_source",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            "At most this many hits of one source a page.",
        ),
        *(_param(name, _STR, f"Only documents whose {name} is one of these.", many=True) for name in FILTERS),
    ]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _problems(*statuses: int) -> dict[str, Any]:
    described = {
        400: "A malformed query or parameter (the command line's message).",
        401: "No token, or not this server's.",
        404: "No document with that id.",
        421: "A Host header that is not this server's.",
        503: "The search timed out, or the index is missing or unreadable.",
    }
    return {
        str(s): {"description": described[s], "content": {"application/problem+json": {"schema": _ref("Problem")}}}
        for s in statuses
    }


def _schemas() -> dict[str, Any]:
    snippet_spans = {"type": "array", "items": {"type": "array", "items": _INT, "minItems": 2, "maxItems": 2}}
    document: dict[str, Any] = {
        "type": "object",
        "required": ["id", "body"],
        "properties": {
            "id": _STR,
            "title": _STR,
            "headline": _STR,
            "issuer": _STR,
            "label": _STR,
            "date": {"type": "string", "format": "date"},
            "published": {"type": "string", "format": "date-time"},
            "place": _STR,
            "city": _STR,
            "region": _STR,
            "country": _STR,
            "wire": _STR,
            "dateline": _STR,
            "url": _STR,
            "author": _STR,
            "keywords": {"type": "array", "items": _STR},
            "language": _STR,
            "description": _STR,
            "contact": _STR,
            "about": _STR,
            "disclaimer": _STR,
            "copyright": _STR,
            "body": _STR,
            "furniture": _STR,
            "source": _STR,
            "format": _STR,
        },
        "additionalProperties": False,
    }
    hit: dict[str, Any] = {
        "type": "object",
        "required": ["rank", "id", "score"],
        "properties": {
            **document["properties"],
            "rank": {"type": "integer", "minimum": 1},
            "score": {"type": ["number", "null"]},
            "snippet": _STR,
            "highlights": snippet_spans,
            "copies": {"type": "array", "items": _ref("Copy")},
            "lead": _BOOL,
        },
        "additionalProperties": False,
    }
    copy: dict[str, Any] = {
        "type": "object",
        "required": ["id", "site", "date", "lead"],
        "properties": {"id": _STR, "site": _STR, "date": {"type": ["string", "null"], "format": "date"}, "lead": _BOOL},
        "additionalProperties": False,
    }
    facet_value: dict[str, Any] = {
        "type": "object",
        "required": ["value", "count", "selected", "href"],
        "properties": {"value": _STR, "count": {"type": "integer", "minimum": 0}, "selected": _BOOL, "href": _STR},
        "additionalProperties": False,
    }
    results: dict[str, Any] = {
        "type": "object",
        "required": ["query", "total", "elapsed_ms", "page", "limit", "hits", "suggestion"],
        "properties": {
            "query": _STR,
            "total": {"type": "integer", "minimum": 0},
            "elapsed_ms": _NUM,
            "page": {"type": "integer", "minimum": 1},
            "limit": {"type": "integer", "minimum": 0},
            "hits": {"type": "array", "items": _ref("Hit")},
            "suggestion": _NSTR,
            "stories": {"type": "integer", "minimum": 0},
            "copies": {"type": "array", "items": _ref("Copy")},
        },
    }
    search: dict[str, Any] = {
        "type": "object",
        "description": "dateline search --format json's object, plus pages, next, prev "
        "and the facets' selected and href.",
        "required": [*results["required"], "facets", "pages", "next", "prev", "read_as", "repairs"],
        "properties": {
            **results["properties"],
            "facets": {"type": "object", "additionalProperties": {"type": "array", "items": _ref("FacetValue")}},
            "pages": {"type": "integer", "minimum": 0},
            "next": _URL,
            "prev": _URL,
            "read_as": _NSTR,
            "repairs": {"type": "array", "items": _STR},
        },
        "additionalProperties": False,
    }
    timeline: dict[str, Any] = {
        "type": "object",
        "required": ["query", "by", "total", "undated", "periods", "widen"],
        "properties": {
            "query": _STR,
            "by": {"enum": ["day", "week", "month"]},
            "total": {"type": "integer", "minimum": 0},
            "undated": {"type": "integer", "minimum": 0},
            "periods": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["period", "count", "href"],
                    "properties": {"period": _STR, "count": {"type": "integer", "minimum": 0}, "href": _STR},
                    "additionalProperties": False,
                },
            },
            "widen": _URL,
        },
        "additionalProperties": False,
    }
    marked: dict[str, Any] = {
        "type": "object",
        "required": ["id", "body", "query", "title_highlights", "body_highlights"],
        "properties": {
            **document["properties"],
            "query": _STR,
            "title_highlights": snippet_spans,
            "body_highlights": snippet_spans,
        },
        "additionalProperties": False,
    }
    counted = {"type": "array", "items": {"type": "object", "properties": {"count": _INT}, "required": ["count"]}}
    stats: dict[str, Any] = {
        "type": "object",
        "required": [
            "path",
            "documents",
            "first_date",
            "last_date",
            "issuers",
            "wires",
            "formats",
            "languages",
            "fields",
            "size_bytes",
        ],
        "properties": {
            "path": _STR,
            "documents": {"type": "integer", "minimum": 0},
            "first_date": {"type": ["string", "null"], "format": "date"},
            "last_date": {"type": ["string", "null"], "format": "date"},
            "issuers": counted,
            "wires": counted,
            "formats": counted,
            "languages": counted,
            "fields": {"type": "array", "items": _STR},
            "size_bytes": {"type": "integer", "minimum": 0},
        },
        "additionalProperties": False,
    }
    problem: dict[str, Any] = {
        "type": "object",
        "required": ["type", "title", "status", "detail", "code"],
        "properties": {
            "type": _STR,
            "title": _STR,
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": _STR,
            "code": _STR,
            "instance": _STR,
        },
    }
    similar: dict[str, Any] = {
        **results,
        "properties": {**results["properties"], "facets": {"type": "object"}},
        "additionalProperties": False,
    }
    return {
        "Document": document,
        "Hit": hit,
        "Copy": copy,
        "FacetValue": facet_value,
        "Search": search,
        "Similar": similar,
        "Timeline": timeline,
        "Marked": marked,
        "Stats": stats,
        "Problem": problem,
    }


def spec() -> dict[str, Any]:
    """The OpenAPI 3.1 document of this server's API."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("dateline")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree never installed
        release = "0"
    search_params = _search_params()
    id_param = _param("id", _STR, "A document id (or the path of an indexed file).", required=True)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "dateline",
            "version": release,
            "description": "Search an archive of news articles and press releases. Every endpoint is a GET "
            "without side effects; errors are application/problem+json (RFC 9457) with a code.",
        },
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The token of the URL dateline serve --http printed.",
                },
                "cookie": {"type": "apiKey", "in": "cookie", "name": "dateline_token"},
            },
        },
        "security": [{"token": []}, {"cookie": []}],
        "paths": {
            "/api/search": {
                "get": {
                    "summary": "One page of ranked hits with snippets, facets and did-you-mean",
                    "operationId": "search",
                    "parameters": search_params,
                    "responses": {
                        "200": _ok("Search", "The hits (total 0 when nothing matches)."),
                        **_problems(400, 401, 421, 503),
                    },
                }
            },
            "/api/timeline": {
                "get": {
                    "summary": "Hits per day, week or month",
                    "operationId": "timeline",
                    "parameters": search_params,
                    "responses": {
                        "200": _ok("Timeline", "Every period, empty ones as 0."),
                        **_problems(400, 401, 421, 503),
                    },
                }
            },
            "/api/document": {
                "get": {
                    "summary": "One document, the matches of q marked in its whole title and body",
                    "operationId": "document",
                    "parameters": [id_param, _param("q", _STR, "The query whose matches to mark.")],
                    "responses": {"200": _ok("Marked", "The document."), **_problems(400, 401, 404, 421, 503)},
                }
            },
            "/api/similar": {
                "get": {
                    "summary": "Documents most like one (more like this)",
                    "operationId": "similar",
                    "parameters": [
                        id_param,
                        _param("limit", {"type": "integer", "minimum": 1, "maximum": 100}, "How many (default 10)."),
                    ],
                    "responses": {
                        "200": _ok("Similar", "The most similar documents."),
                        **_problems(400, 401, 404, 421, 503),
                    },
                }
            },
            "/api/stats": {
                "get": {
                    "summary": "A summary of the index",
                    "operationId": "stats",
                    "responses": {
                        "200": _ok("Stats", "Counts by issuer, wire, format and language."),
                        **_problems(401, 421, 503),
                    },
                }
            },
            "/export": {
                "get": {
                    "summary": "Every hit (up to 10,000) as CSV or JSON lines, streamed",
                    "operationId": "export",
                    "parameters": [
                        _param("format", {"enum": ["csv", "jsonl"]}, "csv (default) or jsonl."),
                        *search_params,
                    ],
                    "responses": {
                        "200": {
                            "description": "The hits, in ranked order; X-Total-Count says how many matched.",
                            "content": {"text/csv": {"schema": _STR}, "application/jsonl": {"schema": _STR}},
                        },
                        **_problems(400, 401, 421, 503),
                    },
                }
            },
        },
    }
