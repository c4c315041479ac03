"""The copies and templates of an index's documents, as one commit found them, in a file of that commit.

An indexing run groups the copies of one story (`indexer.write.grouping`) and writes the result as
``groups_<generation>.npz`` before its commit; once the commit is in place, older generations' files
are removed (as Whoosh removes the segments a commit dropped), and a failed commit's file too.
Searching reads the file of the generation it opened, so document numbers always agree.
The file holds numpy arrays only (read without pickle).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.core.atomic import replace_bytes

_NAME = "groups_{}.npz"
_PATTERN = re.compile(r"^groups_(\d+)\.npz$")


@dataclass(frozen=True)
class Groups:
    """Per document number: ``group`` (-1: no copies), ``family`` (-1: no template family), ``time``
    (seconds, `indexer.write.sigs.NO_TIME` undated) and ``site`` (into ``sites``); per group, its
    ``lead`` (the earliest published copy) and ``size``."""

    group: np.ndarray
    lead: np.ndarray
    size: np.ndarray
    family: np.ndarray
    time: np.ndarray
    site: np.ndarray
    sites: np.ndarray

    @classmethod
    def none(cls, count: int) -> Groups:
        """No document in a group (an index written before groups were found)."""
        minus = np.full(count, -1, np.int32)
        return cls(
            minus,
            np.zeros(0, np.int32),
            np.zeros(0, np.int32),
            minus,
            np.zeros(count, np.int64),
            np.zeros(count, np.int32),
            np.asarray([""]),
        )

    def __len__(self) -> int:
        return len(self.group)

    def members(self, group: int) -> np.ndarray:
        """The document numbers of ``group``, lead first, then by time and number."""
        docs = np.flatnonzero(self.group == group)
        return docs[np.lexsort((docs, self.time[docs], docs != self.lead[group]))]

    def keys(self, docs: np.ndarray) -> np.ndarray:
        """A key per document of ``docs`` that copies share and no two other documents do."""
        g = self.group[docs].astype(np.int64)
        return np.where(g >= 0, g, len(self.lead) + docs.astype(np.int64))

    def site_name(self, doc: int) -> str:
        return str(self.sites[self.site[doc]])


def groups_path(folder: str | os.PathLike[str], generation: int) -> Path:
    return Path(folder) / _NAME.format(generation)


def write_groups(folder: str | os.PathLike[str], generation: int, groups: Groups) -> None:
    """Write commit ``generation``'s groups, atomically, before that commit."""
    buffer = io.BytesIO()
    np.savez(buffer, **{name: getattr(groups, name) for name in Groups.__dataclass_fields__})
    replace_bytes(groups_path(folder, generation), buffer.getvalue())


def remove_groups(folder: str | os.PathLike[str], *, before: int | None = None, only: int | None = None) -> None:
    """Remove the groups files of generations ``before`` one (after its commit), or of generation
    ``only`` (a commit that failed)."""
    for name in os.listdir(folder):
        m = _PATTERN.match(name)
        if m and ((before is not None and int(m[1]) < before) or (only is not None and int(m[1]) == only)):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, name))


def read_groups(folder: str | os.PathLike[str], generation: int, count: int) -> Groups | None:
    """Commit ``generation``'s groups of its ``count`` documents; None when it has none (an index
    written before groups were) or the file does not fit."""
    try:
        with np.load(groups_path(folder, generation), allow_pickle=False) as data:
            groups = Groups(**{name: data[name] for name in Groups.__dataclass_fields__})
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return groups if len(groups) == count else None
