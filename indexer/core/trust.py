"""Whether an index or config file found in the current folder, rather than named, may be used.

A ``.dateline`` index or a ``dateline.toml`` in a folder another user can write may have been
planted there: it would steer the caller's searches, or point ``index`` at the caller's own index
for ``--prune`` to cut. As git does with ``safe.directory``, such a file is used only when it is
owned by the caller (or root) and nobody else can write it, unless its folder is listed as safe
in ``$DATELINE_SAFE_DIRECTORIES`` (``os.pathsep``-separated; ``*`` for every folder) or in the
``safe_directories`` key of the user's own config file. Something named explicitly (``--index``,
``$DATELINE_INDEX``, ``$DATELINE_CONFIG``) is the caller's choice and is not checked.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping

from indexer.core.errors import UntrustedLocationError

SAFE_ENV = "DATELINE_SAFE_DIRECTORIES"
#: The config key (in the user's own config file only) listing folders to trust.
SAFE_KEY = "safe_directories"


def safe_directories(environ: Mapping[str, str] | None = None, configured: Iterable[str] = ()) -> list[str]:
    """The folders whose implicit files are trusted whoever owns them: ``$DATELINE_SAFE_DIRECTORIES``
    and the user's config's ``safe_directories``."""
    environ = os.environ if environ is None else environ
    listed = [d for d in environ.get(SAFE_ENV, "").split(os.pathsep) if d]
    return listed + [d for d in configured if d]


def untrusted_reason(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` (a file or folder, maybe a link) could have been planted by another user, or
    None when only the caller or root can have made it what it is."""
    if not hasattr(os, "getuid"):
        return None  # no owners to compare (Windows)
    me = os.getuid()
    try:
        link, target = os.lstat(path), os.stat(path)
    except OSError:
        return None  # nothing there: nothing to trust
    for st, what in ((link, "it"), (target, "what it links to")):
        if st.st_uid not in (me, 0):
            return f"{what} is owned by user {st.st_uid}, not by you or root"
    if target.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"it is writable by others (mode {stat.S_IMODE(target.st_mode):o})"
    return None


def check_trusted(path: str | os.PathLike[str], what: str, how_to_name: str, safe: Iterable[str] = ()) -> None:
    """Raise `UntrustedLocationError` when ``path``, found implicitly, may have been planted
    (`untrusted_reason`) and its folder is not in ``safe``. ``what`` names it in the message
    (``"the index"``); ``how_to_name`` says how to name it explicitly instead."""
    reason = untrusted_reason(path)
    if reason is None:
        return
    safe = list(safe)
    folder = os.path.realpath(os.path.dirname(os.path.abspath(path)))
    if "*" in safe or any(os.path.realpath(os.path.expanduser(d)) == folder for d in safe):
        return
    raise UntrustedLocationError(
        f"not using {what} {path} found in the current folder: {reason}; name it ({how_to_name}) if you "
        f"trust it, or add {folder} to ${SAFE_ENV} or to {SAFE_KEY} in your config file"
    )
