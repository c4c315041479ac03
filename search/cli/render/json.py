"""``--format json``: every command's output as one strict JSON value, for programs."""

from __future__ import annotations

import math
import re
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from search.cli.render._renderer import Renderer, Style

if TYPE_CHECKING:
    from indexer.check.integrity import CheckReport, RepairReport
    from search.results import Results

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
    import json  # not at import: the command line starts without it

    value = finite(value)
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, allow_nan=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _to_dict(value: Any) -> str:
    """An object with a ``to_dict`` (results, document, stats, timeline, evaluation, settings) as JSON."""
    return to_json(value.to_dict())


def results_json(results: Results, style: Style | None = None, width: int | None = None) -> str:
    """The results as one JSON object (``to_dict``); style and width are for text only."""
    return to_json(results.to_dict())


def check_dict(report: CheckReport) -> dict[str, Any]:
    """The report as JSON-ready data (stable keys, documented in the README)."""
    data = asdict(report)
    data["consistent"] = report.ok
    data["failed"] = [{"path": p.path, "reason": p.reason} for p in report.failed]
    data["skipped"] = [{"path": p.path, "reason": p.reason} for p in report.skipped]
    return data


def repair_dict(repair: RepairReport) -> dict[str, Any]:
    """The report before the repair, what the repair did, and the report after it."""
    run = repair.indexed
    return {
        "before": check_dict(repair.before),
        "repair": None
        if run is None
        else {
            "rebuilt": repair.rebuilt,
            "added": run.added,
            "updated": run.updated,
            "removed": run.removed,
            "unchanged": run.unchanged,
            "failed": len(run.failed),
            "skipped": len(run.skipped),
            "seconds": run.seconds,
        },
        "after": check_dict(repair.after),
    }


RENDERER = Renderer(
    "json",
    results=results_json,
    document=_to_dict,
    stats=_to_dict,
    timeline=_to_dict,
    evaluation=_to_dict,
    settings=_to_dict,
    check=lambda report: to_json(check_dict(report)),
    repair=lambda repair: to_json(repair_dict(repair)),
    duplicates=lambda stories: to_json([story.to_dict() for story in stories]),
)
