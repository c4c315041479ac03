"""The timeline as a bar chart: inline SVG drawn on the server, each bar a link that narrows the
search to its period, with a text alternative (a list of the periods and their counts).

No script and no ``style`` attributes (the page's Content-Security-Policy forbids inline
styles): sizes and colours are SVG presentation attributes and the page's stylesheet's classes.
"""

from __future__ import annotations

import html
from dataclasses import replace

from search.serve.params import SearchParams
from search.timeline import Timeline, period_range

__all__ = ["FINER", "narrowed", "timeline_svg"]

#: The period a bar's link shows its days in: a month by day, a week by day.
FINER = {"month": "day", "week": "day", "day": "day"}
WIDTH, HEIGHT, GAP = 720, 120, 1
#: Bars drawn at most; a longer timeline is drawn by its latest periods (the list names them all).
MAX_BARS = 400


def narrowed(params: SearchParams, period: str, by: str) -> SearchParams:
    """``params`` narrowed to ``period`` (a label of a timeline ``by``), shown by the finer period."""
    first, last = period_range(period, by)
    return replace(params, since=first.isoformat(), until=last.isoformat(), by=FINER[by], page=1)


def timeline_svg(timeline: Timeline, params: SearchParams) -> str:
    """The chart of ``timeline`` for the search ``params``: an ``<svg>`` of linked bars, then
    the same periods as a list (its text alternative, also the chart for a screen reader)."""
    e = html.escape
    periods = timeline.periods[-MAX_BARS:]
    if not periods:
        return '<p class="timeline-empty">No dated documents match.</p>'
    top = max(p.count for p in periods) or 1
    step = WIDTH / len(periods)
    bar = max(step - GAP, 1.0)
    parts = [
        f'<svg class="timeline" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" height="{HEIGHT}" role="group" '
        f'aria-labelledby="timeline-title" preserveAspectRatio="none" focusable="false">',
        f'<title id="timeline-title">Hits per {e(timeline.by)}, '
        f"{e(periods[0].period)} to {e(periods[-1].period)}</title>",
    ]
    for i, p in enumerate(periods):
        h = 0.0 if not p.count else max(HEIGHT * p.count / top, 2.0)
        label = f"{p.period}: {p.count:,} hit{'s' if p.count != 1 else ''}"
        href = narrowed(params, p.period, timeline.by).href()
        parts.append(
            f'<a href="{e(href)}" class="bar" aria-label="{e(label)}"><title>{e(label)}</title>'
            f'<rect x="{i * step:.2f}" y="0" width="{step:.2f}" height="{HEIGHT}" class="bar-hit"></rect>'
            f'<rect x="{i * step:.2f}" y="{HEIGHT - h:.2f}" width="{bar:.2f}" height="{h:.2f}" '
            'class="bar-fill"></rect></a>'
        )
    parts.append("</svg>")
    top_label = f"{top:,} hit{'s' if top != 1 else ''}"
    parts.append(
        f'<p class="timeline-range"><span>{e(periods[0].period)}</span>'
        f"<span>highest bar: {e(top_label)}</span><span>{e(periods[-1].period)}</span></p>"
    )
    items = "".join(
        f'<li><a href="{e(narrowed(params, p.period, timeline.by).href())}">{e(p.period)}</a>: {p.count:,}</li>'
        for p in timeline.periods
        if p.count
    )
    undated = f" ({timeline.undated:,} without a date)" if timeline.undated else ""
    parts.append(
        f'<details class="timeline-list"><summary>Hits per {e(timeline.by)} as a list{e(undated)}</summary>'
        f"<ul>{items}</ul></details>"
    )
    return "".join(parts)
