"""Rendering `dateline check` reports as text lines or JSON for the command line."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from indexer.check.integrity import CheckReport, RepairReport
from indexer.core.text import escape_controls as e
from indexer.write.indexing import IndexReport


def problem_lines(report: CheckReport) -> list[str]:
    """One line per problem: ``missing: PATH``, ``stale: ID (PATH)``, ``orphaned: ID``,
    ``unreadable: FILE: reason``; paths and ids with control characters escaped."""
    return [
        *(f"unreadable: {e(d.file)}: {e(d.reason)}" for d in report.unreadable),
        *(f"missing: {e(path)}" for path in report.missing),
        *(f"stale: {e(s.id)} ({e(s.source)})" for s in report.stale),
        *(f"orphaned: {e(doc_id)}" for doc_id in report.orphaned),
    ]


def summary_line(report: CheckReport) -> str:
    """What was compared, and the verdict."""
    roots = f"{len(report.roots)} root{'s' if len(report.roots) != 1 else ''}"
    if not report.compared:
        return (f"{len(report.unreadable)} unreadable: the index at {e(report.index)} is damaged, documents not "
                f"compared (dateline check --repair rebuilds it from {roots}) in {report.seconds:.2f} s")  # fmt: skip
    counts = f"{report.documents} documents, {report.files} files under {roots}"
    failed = f"{len(report.failed)} failed" + (f", {len(report.skipped)} skipped" if report.skipped else "")
    if report.ok:
        return f"consistent: {counts}, {failed}, in {report.seconds:.2f} s"
    return (f"{report.problems} problems: {len(report.missing)} missing, {len(report.stale)} stale, "
            f"{len(report.orphaned)} orphaned ({counts}, {failed}) in {report.seconds:.2f} s")  # fmt: skip


def repair_line(repair: RepairReport) -> str:
    """What the repair did."""
    run = repair.indexed
    if run is None:
        return "repaired: nothing to do"
    how = "rebuilt the index" if repair.rebuilt else "reindexed"
    return (f"repaired: {how}: {run.added} added, {run.updated} updated, {run.removed} removed, "
            f"{run.unchanged} unchanged, {len(run.failed)} failed in {run.seconds:.2f} s")  # fmt: skip


def check_dict(report: CheckReport) -> dict[str, Any]:
    """The report as JSON-ready data (stable keys, documented in the README)."""
    data = asdict(report)
    data["consistent"] = report.ok
    data["failed"] = [{"path": p.path, "reason": p.reason} for p in report.failed]
    data["skipped"] = [{"path": p.path, "reason": p.reason} for p in report.skipped]
    return data


def repair_dict(repair: RepairReport) -> dict[str, Any]:
    run: IndexReport | None = repair.indexed
    return {
        "before": check_dict(repair.before),
        "repair": None if run is None else {
            "rebuilt": repair.rebuilt, "added": run.added, "updated": run.updated, "removed": run.removed,
            "unchanged": run.unchanged, "failed": len(run.failed), "skipped": len(run.skipped), "seconds": run.seconds,
        },
        "after": check_dict(repair.after),
    }  # fmt: skip
