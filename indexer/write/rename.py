"""Exchanging two folders in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``).

Replacing an index by a rebuilt one with two renames leaves a moment with no index at its path,
and a search opening it then failed. Exchanged in one step, the path always names a whole
index: the old one, then the new one.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
from typing import Any

AT_FDCWD = -100
RENAME_EXCHANGE = 2

#: Errors meaning "this system or filesystem cannot exchange": the caller falls back to renames.
UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EPERM}


@functools.cache
def _renameat2() -> Any:
    """libc's ``renameat2``, or None where there is none (not Linux, glibc before 2.28)."""
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def exchange(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Swap what the paths ``a`` and ``b`` name, atomically; False (nothing done) where the
    system or filesystem cannot, other failures raise `OSError`."""
    function = _renameat2()
    if function is None:
        return False
    if function(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), os.fspath(a), None, os.fspath(b))
