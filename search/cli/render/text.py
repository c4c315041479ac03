"""Rendering results, documents and stats as text or JSON for the command line."""

from __future__ import annotations

import html
import json
import math
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from indexer.core.document import Document
from indexer.core.text import escape_controls, printable_path, without_surrogates
from search.results import Hit, Results, Snippet

if TYPE_CHECKING:  # the evaluation code is loaded only by `dateline eval`, stats' by `dateline stats`
    from search.eval.evaluate import Evaluation
    from search.stats import Stats

#: What JSON leaves raw but a terminal may obey or reorder text by: DEL, C1 controls (0x9b is
#: CSI), line separators, bidi controls. They can only stand inside strings, so they are
#: written as ``\\u`` escapes there and programs still read the exact string.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def finite(value: Any) -> Any:
    """``value`` with every float made a number strict JSON allows: infinity as the largest
    float (a score past overflow is still the highest), NaN as ``None`` (JSON's ``null``)."""
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return value if math.isfinite(value) else math.copysign(sys.float_info.max, value)
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def to_json(value: Any) -> str:
    """``value`` as strict JSON (no ``Infinity`` or ``NaN``: see `finite`), non-ASCII text as
    itself but characters a terminal obeys (JSON escapes C0 controls itself; C1 and the others
    above here); with a lone surrogate (a query typed as ``\\ud800``), which no UTF-8 output can
    carry, every non-ASCII character as an escape."""
    value = finite(value)
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, allow_nan=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def mark(snippet: Snippet, style: Callable[[str], str] | None) -> str:
    """The snippet with matches coloured by ``style``, or in ``[brackets]`` without colour."""
    if style is None:
        return snippet.marked("[", "]")
    out, last = [], 0
    for start, end in snippet.spans:
        out += [snippet.text[last:start], style(snippet.text[start:end])]
        last = end
    out.append(snippet.text[last:])
    return "".join(out)


def _hit_text(hit: Hit, style: Callable[[str], str] | None, width: int | None = None) -> str:
    """One hit's block, each part wrapped at ``width`` under a three-space hanging indent."""
    from search.cli.layout import explanation_text, wrap

    doc = hit.document
    score = f"{hit.score:.3f}" if hit.score is not None else "-"
    head = "  ".join(
        x for x in (f"{hit.rank}.", score, doc.date.isoformat() if doc.date else "", doc.issuer or "") if x
    )
    lines = [wrap(head, width, "   ", first=""), wrap(doc.title or "(untitled)", width, "   ")]
    where = " · ".join(x for x in (doc.place, doc.wire, escape_controls(hit.id)) if x)
    lines.append(wrap(where, width, "   "))
    if hit.snippet is not None and hit.snippet.text:
        lines.append(wrap(hit.snippet.text, width, "   ", spans=hit.snippet.spans, style=style))
    if hit.explanation is not None:
        lines.append(explanation_text(hit.explanation, width))
    return "\n".join(lines)


def results_text(results: Results, style: Callable[[str], str] | None = None, width: int | None = None) -> str:
    """Human-readable hits followed by a one-line summary; lines wrapped at ``width``
    columns (None: not wrapped)."""
    blocks = [_hit_text(hit, style, width) for hit in results.hits]
    if results.facets:
        from search.facets import facets_text

        blocks.append(facets_text(results.facets))
    return "\n\n".join(blocks + [_summary(results)])


def results_output(
    results: Results, fmt: str, style: Callable[[str], str] | None = None, width: int | None = None
) -> str:
    if fmt == "json":
        return to_json(results.to_dict())
    if fmt == "jsonl":
        return "\n".join(to_json(hit.to_dict()) for hit in results.hits)
    if fmt == "paths":  # one id a line, as text: escaped, as everywhere but JSON
        return "\n".join(escape_controls(hit.id) for hit in results.hits)
    if fmt == "html":
        return results_html(results)
    if fmt == "csv":
        from search.cli.csv_output import results_csv

        return results_csv(results)
    return results_text(results, style, width)


def id_bytes(doc_id: str) -> bytes:
    """``doc_id`` as the exact bytes a program reads back (`dateline show -0 -`): UTF-8, no
    escaping, a non-UTF-8 byte Python carries as a surrogate written as that byte."""
    try:
        return doc_id.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no file name gives; ids in the index never hold one
        return printable_path(doc_id).encode("utf-8")


def results_paths0(results: Results) -> bytes:
    """``--format paths0``: each hit's id, raw, ended by a NUL byte (as ``find -print0`` writes
    names, for ``xargs -0`` and ``dateline show -0 -``): the one format no name can break."""
    return b"".join(id_bytes(hit.id) + b"\0" for hit in results.hits)


def _summary(results: Results) -> str:
    noun = "hit" if results.total == 1 else "hits"
    summary = f"{results.total} {noun} in {results.elapsed_ms:.0f} ms"
    if results.hits:
        summary += f", showing {results.hits[0].rank}–{results.hits[-1].rank}"
    elif results.total and results.limit:
        summary += f", none on page {results.page} of {results.pages}"
    return summary


def _safe_link(url: str | None) -> str | None:
    """``url`` if it is a web address; a document could carry ``javascript:`` or worse."""
    return url if url and url.lower().startswith(("https://", "http://")) else None


def _escape(text: str) -> str:
    """``text`` for HTML; a lone surrogate (a query typed as ``\\ud800``), which no UTF-8 page
    can carry, becomes U+FFFD."""
    return html.escape(without_surrogates(text))


def results_html(results: Results) -> str:
    """A standalone HTML page of the hits, matches in ``<mark>``. Every piece of document text
    is escaped (documents are untrusted: a release may hold ``<script>``), and only http(s)
    URLs become links."""
    e = _escape
    items = []
    for hit in results.hits:
        doc = hit.document
        title = e(doc.title or "(untitled)")
        if link := _safe_link(doc.url):
            title = f'<a href="{e(link)}">{title}</a>'
        meta = " · ".join(e(x) for x in (doc.date.isoformat() if doc.date else "", doc.issuer, doc.place, doc.wire,
                                          escape_controls(hit.id)) if x)  # fmt: skip
        score = f"{hit.score:.3f}" if hit.score is not None else "-"
        parts = [
            f'<li value="{hit.rank}"><h2>{title}</h2>',
            f'<p class="meta">{meta} <span class="score">{score}</span></p>',
        ]
        if hit.snippet is not None and hit.snippet.text:
            snippet, last, text = [], 0, hit.snippet.text
            for start, end in hit.snippet.spans:
                snippet += [e(text[last:start]), "<mark>", e(text[start:end]), "</mark>"]
                last = end
            snippet.append(e(text[last:]))
            parts.append(f'<p class="snippet">{"".join(snippet)}</p>')
        items.append("".join(parts) + "</li>")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html><head><meta charset="utf-8">',
            f"<title>dateline: {e(escape_controls(results.query))}</title></head><body>",
            f"<h1>{e(escape_controls(results.query))}</h1>",
            "<ol>",
            *items,
            "</ol>",
            f'<p class="summary">{e(_summary(results))}</p>',
            "</body></html>",
        ]
    )


def document_text(doc: Document) -> str:
    """The document's fields, one a line, then its body; its id and source (names of files)
    with control characters escaped (the rest was cleaned when the document was read)."""
    fields = doc.to_dict()
    for name in ("id", "source"):
        if isinstance(fields.get(name), str):
            fields[name] = escape_controls(fields[name])
    body = fields.pop("body", "")
    width = max(len(k) for k in fields)
    head = "\n".join(f"{k + ':':<{width + 1}} {v}".replace("\n", "\n" + " " * (width + 2)) for k, v in fields.items())
    return f"{head}\n\n{body}"


def _human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def stats_text(stats: Stats) -> str:
    def counts(pairs: list[tuple[str, int]]) -> str:
        return "\n".join(f"  {n:>7}  {k}" for k, n in pairs) or "  (none)"

    span = f"{stats.first_date} … {stats.last_date}" if stats.first_date else "(no dates)"
    return "\n".join(
        [
            f"index:      {escape_controls(str(stats.path))} ({_human_size(stats.size_bytes)} on disk)",
            f"documents:  {stats.documents}",
            f"dates:      {span}",
            "wires:",
            counts(stats.wires),
            "top issuers:",
            counts(stats.issuers),
            "languages:",
            counts(stats.languages),
            "formats:",
            counts(stats.formats),
            f"fields:     {', '.join(stats.fields)}",
        ]
    )


def evaluation_text(result: Evaluation) -> str:
    """A table of the mean measures, then one row per query when they were asked for."""
    names = list(result.measures)
    head = f"{'query':<10} " + " ".join(f"{n:>8}" for n in names)
    rows = [head, f"{'all':<10} " + " ".join(f"{result.measures[n]:8.4f}" for n in names)]
    for qid, values in result.per_query.items():
        rows.append(f"{qid:<10} " + " ".join(f"{values.get(n, 0.0):8.4f}" for n in names))
    rows.append(f"{result.queries} queries")
    return "\n".join(rows)
