"""Where an index lives, and opening or creating it with a schema-version check.

A Whoosh index stores its schema with pickle: an index directory is trusted data. Never open
one from an untrusted source.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indexer.core.atomic import replace_text
from indexer.core.defaults import DEFAULT_INDEX_DIR, INDEX_ENV
from indexer.core.errors import IncompatibleIndexError, IndexNotFoundError, UnsafeIndexError
from indexer.core.openfiles import is_too_many_open_files
from indexer.core.schema import SCHEMA_VERSION, build_schema
from indexer.core.trust import check_trusted, safe_directories
from indexer.engine.opening import open_dir
from indexer.engine.patches import install as install_patches
from indexer.engine.storage import open_storage

if TYPE_CHECKING:
    from whoosh.index import FileIndex

META_FILE = "dateline.json"


def resolve_index_path(path: str | os.PathLike[str] | None = None) -> Path:
    """``path`` if given, else ``$DATELINE_INDEX``, else ``.dateline`` in the current directory,
    which must be trusted (`indexer.core.trust`: raises `UntrustedLocationError`)."""
    if path is not None and os.fspath(path):
        return Path(path)
    if os.environ.get(INDEX_ENV):
        return Path(os.environ[INDEX_ENV])
    check_trusted(DEFAULT_INDEX_DIR, "the index", f"--index PATH or ${INDEX_ENV}", safe_directories())
    return Path(DEFAULT_INDEX_DIR)


def index_exists(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` holds a dateline index (of any version)."""
    return (Path(path) / META_FILE).is_file()


def read_meta(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The index's own metadata (schema version); ``{}`` when unreadable. A process out of
    file descriptors raises (errno 24): that is no missing metadata, and "rebuild it" would be
    the wrong advice."""
    try:
        meta: dict[str, Any] = json.loads((Path(path) / META_FILE).read_text("utf-8"))
        return meta
    except OSError as exc:
        if is_too_many_open_files(exc):
            raise
        return {}
    except ValueError:
        return {}


def read_roots(path: str | os.PathLike[str], generation: int) -> list[str] | None:
    """The folders and files (absolute paths) the index's commit ``generation`` was built from;
    None when that commit recorded none (an index written before roots were recorded)."""
    roots = read_meta(path).get("roots", {}).get(str(generation))
    return list(roots) if isinstance(roots, list) else None


def write_roots(path: str | os.PathLike[str], generation: int, roots: list[str], *, committed: int) -> None:
    """Record ``roots`` for commit ``generation`` while keeping those of the ``committed`` one.

    Called by a writer holding the index's lock *before* its commit: until the new TOC is in
    place readers still find the committed generation's roots, after it the new ones, so the
    record and the documents always belong to the same commit, even if the run is killed. The
    file is replaced atomically (written aside, flushed, renamed).
    """
    path = Path(path)
    meta = read_meta(path)
    kept = {k: v for k, v in meta.get("roots", {}).items() if k == str(committed)}
    meta["roots"] = {**kept, str(generation): list(roots)}
    replace_text(path / META_FILE, json.dumps(meta) + "\n")


def merge_roots(old: list[str], new: list[str]) -> list[str]:
    """``old`` then ``new`` roots, in order, without duplicates or roots inside another root."""
    merged: list[str] = []
    for root in [*old, *new]:
        if root not in merged:
            merged.append(root)
    return [r for r in merged if not any(r != o and r.startswith(o.rstrip(os.sep) + os.sep) for o in merged)]


def check_version(path: Path) -> None:
    """Raise unless ``path`` holds a dateline index of the schema version this one writes."""
    if not index_exists(path):
        raise IndexNotFoundError(f"no dateline index at {path}")
    version = read_meta(path).get("schema_version")
    if version != SCHEMA_VERSION:
        raise IncompatibleIndexError(
            f"the index at {path} has schema version {version}, this dateline needs "
            f"{SCHEMA_VERSION}; rebuild it (dateline index --rebuild PATH...)"
        )


#: How long opening keeps trying while a commit or a rebuild replaces files under it (each
#: try that loses the race fails at once; the next, 20 ms later, sees one whole index).
OPEN_SECONDS = 2.0


def open_index(path: str | os.PathLike[str]) -> FileIndex:
    """Open an existing index, checking that its schema is the one this version writes.

    Opening reads several files by path. A commit may replace the newest TOC between listing
    and reading it, and a rebuild may swap the whole folder in between (or, where folders
    cannot be exchanged in one step, leave no folder there for a moment): such a try fails and
    the next one, a moment later, sees one whole index, old or new.
    """
    from whoosh import index as whoosh_index

    path = Path(path)
    give_up = time.monotonic() + OPEN_SECONDS
    while True:
        last = time.monotonic() >= give_up
        try:
            check_version(path)
            return open_dir(os.path.abspath(path))  # its files stay found if the cwd changes
        except (FileNotFoundError, whoosh_index.EmptyIndexError, IndexNotFoundError, IncompatibleIndexError) as exc:
            committing = isinstance(exc, FileNotFoundError) and index_exists(path)  # a TOC replaced
            if not last and (committing or _being_replaced(path)):
                time.sleep(0.02)
                continue
            if isinstance(exc, whoosh_index.EmptyIndexError):
                raise IndexNotFoundError(f"no dateline index at {path} (the directory holds no index files)") from None
            if isinstance(exc, FileNotFoundError) and not index_exists(path):
                raise IndexNotFoundError(f"no dateline index at {path}") from None
            raise
        except UnsafeIndexError as exc:
            raise UnsafeIndexError(f"refused to open the index at {path}: {exc}") from None
        except whoosh_index.IndexVersionError as exc:  # an old Whoosh TOC format, never written by dateline
            raise IncompatibleIndexError(f"cannot read the index at {path} ({exc}); rebuild it") from None
        except (AttributeError, ImportError, EOFError, ValueError, TypeError) as exc:
            # The pickled schema names classes this version does not have.
            raise IncompatibleIndexError(f"cannot read the index at {path} ({exc}); rebuild it") from None


def _being_replaced(path: Path) -> bool:
    """Whether a rebuild's folders are beside ``path`` (one may be swapping the index)."""
    folder = Path(os.path.abspath(path))
    try:
        names = os.listdir(folder.parent)
    except OSError:
        return False
    return any(n.startswith((folder.name + ".new-", folder.name + ".old-")) for n in names)


def create_index(path: str | os.PathLike[str]) -> FileIndex:
    """Create an empty index at ``path`` (the directory may exist but must not hold an index)."""
    from whoosh import index as whoosh_index

    install_patches()
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.FileIndex.create(open_storage(str(path)), build_schema(), "MAIN")
    meta = {"schema_version": SCHEMA_VERSION, "format": "dateline"}
    (path / META_FILE).write_text(json.dumps(meta) + "\n", "utf-8")
    return ix


def disk_size(path: str | os.PathLike[str]) -> int:
    """Bytes the index directory takes on disk."""
    return sum(p.stat().st_size for p in Path(path).iterdir() if p.is_file())
