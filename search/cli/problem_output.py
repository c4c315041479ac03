"""Printing an index run's warnings and failures: a few examples and a count per kind, not thousands of lines.

A scraped archive repeats one warning on every file; the user needs to know it happened, how
often, and for which keys, not to scroll past it 20,000 times. Failures are what the user must
act on, so each one is listed, and a summary by reason follows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from indexer.core.kinds import Kind
from indexer.core.text import escape_controls
from indexer.write.indexing import Problem

#: Warnings of one kind printed in full before the rest are only counted (all with --verbose).
EXAMPLES = 3
#: Details (key names) and failure reasons named in a summary line, the most frequent first.
TOP = 5


def _files(count: int) -> str:
    return f"{count:,} file{'s' if count != 1 else ''}"


def _counted(counts: Counter[str], top: int = TOP) -> str:
    """``name (n), name (m), …``: the ``top`` most frequent names with their counts."""
    ranked = counts.most_common()
    shown = ", ".join(f"{name} ({n:,})" for name, n in ranked[:top])
    return shown + (", …" if len(ranked) > top else "")


def warning_lines(warnings: Sequence[Problem], *, verbose: bool = False) -> list[str]:
    """The ``dateline: warning:`` lines for ``warnings``: every one with ``verbose``, else the
    first `EXAMPLES` of each kind and, when more were held back, one line counting the files of
    that kind and its most frequent details (``20,261 files: front matter keys not used:
    summary (20,261), …``)."""
    if verbose:
        return [f"dateline: warning: {escape_controls(str(w))}" for w in warnings]
    by_kind: dict[str, list[Problem]] = {}
    kinds: dict[str, Kind] = {}
    for warning in warnings:
        kind = warning.kind
        by_kind.setdefault(kind.key, []).append(warning)
        kinds.setdefault(kind.key, kind)
    lines: list[str] = []
    for key, group in by_kind.items():
        lines.extend(f"dateline: warning: {escape_controls(str(w))}" for w in group[:EXAMPLES])
        if len(group) <= EXAMPLES:
            continue
        names_by_file: dict[str, dict[str, None]] = {}  # the names in the order the messages give them
        for w in group:
            names_by_file.setdefault(w.path, {}).update(dict.fromkeys(w.kind.details))
        details: Counter[str] = Counter()
        for names in names_by_file.values():
            details.update(list(names))
        counted = f": {_counted(details)}" if details else ""
        lines.append(
            escape_controls(
                f"dateline: warning: {_files(len(names_by_file))}: {kinds[key].label}{counted}"
                f"; first {EXAMPLES} above, all with --verbose"
            )
        )
    return lines


def failure_summary(failed: Sequence[Problem]) -> str | None:
    """``dateline: failed: N files: reason A (n), reason B (m)``: the files that failed, by
    reason with its per-file parts taken out (`indexer.core.kinds`); None for fewer than two failures,
    whose own line says it all."""
    if len(failed) < 2:
        return None
    reasons: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    for problem in failed:
        pair = (problem.path, problem.kind.label)
        if pair not in seen:
            seen.add(pair)
            reasons[pair[1]] += 1
    files = len({p.path for p in failed})
    return escape_controls(f"dateline: failed: {_files(files)}: {_counted(reasons, top=10)}")
