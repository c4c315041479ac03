"""``--format csv``: one row per hit, for spreadsheets and data frames."""

from __future__ import annotations

from typing import TYPE_CHECKING

from search.cli.render._renderer import Renderer, Style

if TYPE_CHECKING:
    from search.results import Hit, Results

#: The columns, in order; the first row of the output names them.
CSV_COLUMNS: tuple[str, ...] = ("rank", "id", "score", "date", "issuer", "title", "wire", "place", "url", "snippet")


def csv_row(hit: Hit) -> list[str]:
    """One hit as the values of `CSV_COLUMNS`."""
    from indexer.core.text import escape_controls

    doc = hit.document
    return [
        str(hit.rank),
        escape_controls(hit.id),  # a name: no terminal control in a table printed on one
        "" if hit.score is None else f"{hit.score:.6f}",
        doc.date.isoformat() if doc.date else "",
        doc.issuer or "",
        doc.title or "",
        doc.wire or "",
        doc.place or "",
        doc.url or "",
        hit.snippet.text if hit.snippet is not None else "",
    ]


def results_csv(results: Results, style: Style | None = None, width: int | None = None) -> str:
    """The hits as CSV, a header row first: Python's ``csv`` module in Excel's dialect (a field
    holding a comma, quote or line break is quoted, its quotes doubled), rows ending in ``\\n``
    as Unix tools expect; the last row's end is left to the caller's ``echo``."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_row(hit) for hit in results.hits)
    return out.getvalue().removesuffix("\n")


RENDERER = Renderer("csv", results=results_csv)
