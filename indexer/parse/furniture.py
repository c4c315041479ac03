"""Portal furniture: short lines a site repeats across many of its documents ("Anzeige",
"Drucken Teilen", "Read full article here"), kept out of the body's scoring and snippets.

The rule: a body line of at most `MAX_LINE` characters (compared with its spaces collapsed and
its case folded) is furniture when it occurs in at least `MIN_DOCS` documents and at least
`MIN_SHARE` of the documents of its source, a source being the top folder under the indexed
root (`source_of`). The lines are counted in the files' text (Markdown and plain text; HTML and
JSONL files are not counted, so nothing of theirs is furniture). Furniture lines move from
``body`` to the stored, unsearched ``furniture`` field, so no text is lost; a body made only of
such lines is left whole (that is a document repeated, not a page's furniture, and it must stay
searchable). The counts are made at index time over the files a run reads, added to those of
earlier runs, and kept with the index (`FURNITURE_FILE`, one entry per commit like the roots
record) so that later runs apply the same rule; documents already indexed keep the furniture
of their own run until they change or the index is rebuilt.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from indexer.core.atomic import replace_text

MAX_LINE = 80
MIN_DOCS = 20
MIN_SHARE = 0.01
FURNITURE_FILE = "furniture.json"


def source_of(file_id: str) -> str:
    """A file's source: the first folder of its id (its path under the root), or ``""``."""
    head, sep, _ = file_id.partition("/")
    return head if sep else ""


def file_lines(text: str) -> str:
    """A file's short lines as its body would read them: normalised, inline Markdown removed.
    Lines too long to be furniture are dropped first (a link's URL may make a short line long),
    which saves most of the Markdown work."""
    from indexer.core.text import normalise
    from indexer.parse.formats.markdown import plain_text

    lines = [line for line in normalise(text).split("\n") if len(line) <= MAX_LINE + 8 or "](" in line]
    return plain_text("\n".join(lines))


def line_key(line: str) -> str | None:
    """How a line is compared: spaces collapsed, case folded; None if long or without letters."""
    key = " ".join(line.split()).casefold()
    if not key or len(key) > MAX_LINE or not any(c.isalpha() for c in key):
        return None
    return key


class LineCounts:
    """In how many documents of each source each short line occurs."""

    def __init__(self, data: dict[str, Any] | None = None) -> None:
        self.docs: Counter[str] = Counter()
        self.lines: dict[str, Counter[str]] = {}
        for source, entry in (data or {}).items():
            self.docs[source] = int(entry.get("docs", 0))
            self.lines[source] = Counter({k: int(v) for k, v in entry.get("lines", {}).items()})

    def add(self, source: str, body: str) -> None:
        """Count one document's body."""
        self.docs[source] += 1
        keys = {k for k in map(line_key, body.split("\n")) if k}
        self.lines.setdefault(source, Counter()).update(keys)

    def update(self, other: LineCounts) -> None:
        """Add ``other``'s counts (another worker's share of the files) to these."""
        self.docs.update(other.docs)
        for source, lines in other.lines.items():
            self.lines.setdefault(source, Counter()).update(lines)

    def furniture(self) -> dict[str, frozenset[str]]:
        """Each source's furniture lines (as `line_key` gives them), by the module's rule."""
        out = {}
        for source, counts in self.lines.items():
            least = max(MIN_DOCS, MIN_SHARE * self.docs[source])
            found = frozenset(k for k, n in counts.items() if n >= least)
            if found:
                out[source] = found
        return out

    def to_json(self) -> dict[str, Any]:
        """The counts to keep: lines seen once are left out, which bounds the file's size."""
        return {
            s: {"docs": self.docs[s], "lines": {k: n for k, n in c.items() if n > 1}} for s, c in self.lines.items()
        }


def split_furniture(body: str, lines: frozenset[str]) -> tuple[str, str | None]:
    """``body`` without its furniture ``lines``, and those lines (None when there were none)."""
    if not lines:
        return body, None
    kept: list[str] = []
    removed: list[str] = []
    for line in body.split("\n"):
        (removed if line_key(line) in lines else kept).append(line)
    if not removed or not any(line.strip() for line in kept):  # all repeated: a repeated document
        return body, None
    return _close_gaps("\n".join(kept)), "\n".join(line.strip() for line in removed)


def _close_gaps(text: str) -> str:
    """Blank lines left by removed lines collapse to one paragraph break."""
    out: list[str] = []
    for line in text.split("\n"):
        if not line.strip() and out and not out[-1].strip():
            continue
        out.append(line)
    return "\n".join(out).strip()


def _read(folder: str | os.PathLike[str]) -> dict[str, Any]:
    try:
        data = json.loads((Path(folder) / FURNITURE_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_counts(folder: str | os.PathLike[str], generation: int) -> LineCounts:
    """The counts recorded with commit ``generation`` (empty when none were)."""
    entry = _read(folder).get(str(generation))
    return LineCounts(entry if isinstance(entry, dict) else None)


def read_furniture(folder: str | os.PathLike[str]) -> dict[str, frozenset[str]]:
    """The furniture of the newest entry: the one the running writer recorded before building."""
    data = _read(folder)
    gens = [int(g) for g in data if g.isdigit() and isinstance(data[g], dict)]
    return LineCounts(data[str(max(gens))]).furniture() if gens else {}


def write_counts(folder: str | os.PathLike[str], generation: int, counts: LineCounts, *, committed: int) -> None:
    """Record ``counts`` for commit ``generation``, keeping the ``committed`` one's, before the
    commit (as `store.write_roots` does): readers of a commit always find its own counts. The
    file is replaced atomically."""
    folder = Path(folder)
    data = {k: v for k, v in _read(folder).items() if k == str(committed)}
    data[str(generation)] = counts.to_json()
    replace_text(folder / FURNITURE_FILE, json.dumps(data, ensure_ascii=False) + "\n")
