"""``--format text``: every command's output for people on a terminal (the default format)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from search.cli.render._renderer import Renderer, Style

if TYPE_CHECKING:
    from indexer.check.integrity import CheckReport, RepairReport
    from indexer.core.document import Document
    from search.cli.config import Config
    from search.eval.evaluate import Evaluation
    from search.results import Copy, FacetCount, Hit, Results, Story
    from search.stats import Stats
    from search.timeline import Timeline


def _hit_text(hit: Hit, style: Style | None, width: int | None = None) -> str:
    """One hit's block, each part wrapped at ``width`` under a three-space hanging indent."""
    from indexer.core.text import escape_controls
    from search.cli.layout import explanation_text, wrap

    doc = hit.document
    score = f"{hit.score:.3f}" if hit.score is not None else "-"
    head = "  ".join(
        x for x in (f"{hit.rank}.", score, doc.date.isoformat() if doc.date else "", doc.issuer or "") if x
    )
    lines = [wrap(head, width, "   ", first=""), wrap(doc.title or "(untitled)", width, "   ")]
    where = " · ".join(x for x in (doc.place, doc.wire, escape_controls(hit.id)) if x)
    lines.append(wrap(where, width, "   "))
    if hit.copies:
        lines.append(wrap(copies_line(hit), width, "   "))
    if hit.snippet is not None and hit.snippet.text:
        lines.append(wrap(hit.snippet.text, width, "   ", spans=hit.snippet.spans, style=style))
    if hit.explanation is not None:
        lines.append(explanation_text(hit.explanation, width))
    return "\n".join(lines)


#: Sites named on a hit's copies line; the others are counted.
COPY_SITES = 4


def copies_line(hit: Hit) -> str:
    """``+3 copies: prnewswire.com, finanznachrichten.de (first), …``: the copies collapsed under a hit,
    by site (each named once), the lead's marked ``first`` (the hit itself: ``first published``)."""
    from indexer.core.text import escape_controls

    sites: list[str] = []
    for c in hit.copies:
        name = escape_controls(c.site or "?") + (" (first)" if c.lead else "")
        if name not in sites:
            sites.append(name)
    more = len(sites) - COPY_SITES
    named = ", ".join(sites[:COPY_SITES]) + (f" and {more} more" if more > 0 else "")
    noun = "copy" if len(hit.copies) == 1 else "copies"
    first = "; this one first published" if hit.lead else ""
    return f"+{len(hit.copies)} {noun}: {named}{first}"


def results_text(results: Results, style: Style | None = None, width: int | None = None) -> str:
    """Human-readable hits followed by a one-line summary; lines wrapped at ``width``
    columns (None: not wrapped). A document's own copies (``similar``) come first."""
    blocks = [_hit_text(hit, style, width) for hit in results.hits]
    if results.copies:
        blocks.insert(0, copies_text(results.copies, f"copies of {results.query}"))
    if results.facets:
        blocks.append(facets_text(results.facets))
    return "\n\n".join(blocks + [results_summary(results)])


def results_summary(results: Results) -> str:
    """``12 hits in 3 ms, showing 1–10``: the line under the hits (also the HTML page's)."""
    noun = "hit" if results.total == 1 else "hits"
    summary = f"{results.total} {noun} in {results.elapsed_ms:.0f} ms"
    if results.stories is not None and results.stories != results.total:
        stories = "story" if results.stories == 1 else "stories"
        summary = (
            f"{results.total} {noun} ({results.stories} {stories}, copies collapsed) in {results.elapsed_ms:.0f} ms"
        )
    if results.hits:
        summary += f", showing {results.hits[0].rank}–{results.hits[-1].rank}"
    elif results.total and results.limit:
        summary += f", none on page {results.page} of {results.pages}"
    return summary


def copies_text(copies: Sequence[Copy], head: str) -> str:
    """``head (N):`` then a line per copy: date, site, id, ``first`` for the lead."""
    from indexer.core.text import escape_controls as e

    lines = [f"{e(head)} ({len(copies)}):"]
    for c in copies:
        when = c.date.isoformat() if c.date else "(no date)"
        lines.append(f"  {when}  {e(c.site or '?')}  {e(c.id)}" + ("  (first)" if c.lead else ""))
    return "\n".join(lines)


def duplicates_text(stories: list[Story]) -> str:
    """Each story's copies under its title (`copies_text`), parted by a blank line."""
    if not stories:
        return "no copies found"
    return "\n\n".join(copies_text(s.copies, s.title or "(untitled)") for s in stories)


def facets_text(facets: Mapping[str, Sequence[FacetCount]]) -> str:
    """A short block per facet: its name, then one ``count  value`` line per value."""
    blocks = []
    for name, counts in facets.items():
        lines = [f"{name}:"] + [f"  {c.count:>5}  {c.value}" for c in counts]
        blocks.append("\n".join(lines if counts else [f"{name}:", "  (none)"]))
    return "\n".join(blocks)


def document_text(doc: Document) -> str:
    """The document's fields, one a line, then its body; its id and source (names of files)
    with control characters escaped (the rest was cleaned when the document was read)."""
    from indexer.core.text import escape_controls

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
    """The index's summary: where and how large, documents, dates, then the counts by wire,
    issuer, language and format."""
    from indexer.core.text import escape_controls

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


def timeline_text(timeline: Timeline, width: int = 40) -> str:
    """A bar chart, one line per period (``2025-06  ████████ 8``), then a summary line."""
    most = max((p.count for p in timeline.periods), default=0)
    pad = max((len(p.period) for p in timeline.periods), default=0)
    lines = []
    for p in timeline.periods:
        bar = "█" * (max(1, round(p.count * width / most)) if p.count else 0)
        lines.append(f"{p.period:<{pad}}  {bar} {p.count}")
    noun = "hit" if timeline.total == 1 else "hits"
    summary = f"{timeline.total} {noun} by {timeline.by}"
    if timeline.undated:
        summary += f", {timeline.undated} undated"
    return "\n".join(lines + [summary])


def evaluation_text(result: Evaluation) -> str:
    """A table of the mean measures, then one row per query when they were asked for."""
    names = list(result.measures)
    head = f"{'query':<10} " + " ".join(f"{n:>8}" for n in names)
    rows = [head, f"{'all':<10} " + " ".join(f"{result.measures[n]:8.4f}" for n in names)]
    for qid, values in result.per_query.items():
        rows.append(f"{qid:<10} " + " ".join(f"{values.get(n, 0.0):8.4f}" for n in names))
    rows.append(f"{result.queries} queries")
    return "\n".join(rows)


def settings_text(config: Config, environ: Mapping[str, str] | None = None) -> str:
    """The effective settings as TOML (dotted keys), each with its source as a comment: the
    output of ``dateline config``, and a valid config file itself."""
    import json

    lines = [f"# files read: {', '.join(config.files) or 'none'}"]
    for setting in config.effective(environ):
        if setting.value is None:
            lines.append(f"# {setting.key} is not set  # {setting.source}")
            continue
        value = list(setting.value) if isinstance(setting.value, tuple) else setting.value
        lines.append(f"{setting.key} = {json.dumps(value, ensure_ascii=False)}  # {setting.source}")
    return "\n".join(lines)


def problem_lines(report: CheckReport) -> list[str]:
    """One line per problem: ``missing: PATH``, ``stale: ID (PATH)``, ``orphaned: ID``,
    ``unreadable: FILE: reason``; paths and ids with control characters escaped."""
    from indexer.core.text import escape_controls as e

    return [
        *(f"unreadable: {e(d.file)}: {e(d.reason)}" for d in report.unreadable),
        *(f"missing: {e(path)}" for path in report.missing),
        *(f"stale: {e(s.id)} ({e(s.source)})" for s in report.stale),
        *(f"orphaned: {e(doc_id)}" for doc_id in report.orphaned),
    ]


def check_text(report: CheckReport) -> str:
    """The problems ``dateline check`` found, one a line (nothing when there are none)."""
    return "\n".join(problem_lines(report))


def repair_text(repair: RepairReport) -> str:
    """The problems found, what the repair did, and what it left."""
    lines = [*problem_lines(repair.before), repair_line(repair)]
    if repair.indexed:
        lines += [f"not repaired: {line}" for line in problem_lines(repair.after)]
    return "\n".join(lines)


def summary_line(report: CheckReport) -> str:
    """What was compared, and the verdict."""
    from indexer.core.text import escape_controls as e

    roots = f"{len(report.roots)} root{'s' if len(report.roots) != 1 else ''}"
    if not report.compared:
        return (
            f"{len(report.unreadable)} unreadable: the index at {e(report.index)} is damaged, documents not "
            f"compared (dateline check --repair rebuilds it from {roots}) in {report.seconds:.2f} s"
        )
    counts = f"{report.documents} documents, {report.files} files under {roots}"
    failed = f"{len(report.failed)} failed" + (f", {len(report.skipped)} skipped" if report.skipped else "")
    if report.ok:
        return f"consistent: {counts}, {failed}, in {report.seconds:.2f} s"
    return (
        f"{report.problems} problems: {len(report.missing)} missing, {len(report.stale)} stale, "
        f"{len(report.orphaned)} orphaned ({counts}, {failed}) in {report.seconds:.2f} s"
    )


def repair_line(repair: RepairReport) -> str:
    """What the repair did."""
    run = repair.indexed
    if run is None:
        return "repaired: nothing to do"
    how = "rebuilt the index" if repair.rebuilt else "reindexed"
    return (
        f"repaired: {how}: {run.added} added, {run.updated} updated, {run.removed} removed, "
        f"{run.unchanged} unchanged, {len(run.failed)} failed in {run.seconds:.2f} s"
    )


RENDERER = Renderer(
    "text",
    results=results_text,
    document=document_text,
    stats=stats_text,
    timeline=timeline_text,
    evaluation=evaluation_text,
    settings=settings_text,
    check=check_text,
    repair=repair_text,
    check_summary=summary_line,
    duplicates=duplicates_text,
    people=True,
)
