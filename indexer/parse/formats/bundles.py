"""Bundles (``.zip``, ``.tar`` and compressed tars): each member a file of its own, with the id
``<bundle id>/<member path>``, read by the format its name names.

Nothing is extracted to disk; members are read into memory within limits: a member may not
pass the size limit of one file (``--max-size``) nor expand like a compression bomb, a bundle
may not hold more than `MAX_MEMBERS` members nor expand past `MAX_EXPANDED` bytes in all, and
a member whose path would leave the bundle (``../``, ``/etc/…``), a link or a device is not read.
Each such member is reported on its own; the others are read.
"""

from __future__ import annotations

import io
import posixpath
import tarfile
import zipfile
import zlib
from collections.abc import Iterator

from indexer.parse.formats._format import Format, LineError, Member
from indexer.parse.formats.compressed import SUFFIXES, TooLarge, check_expansion, expand

#: Most members one bundle may hold; a bundle with more is refused whole (split it).
MAX_MEMBERS = 100_000
#: Most bytes a bundle's members may expand to in all (and a compressed tar's tar).
MAX_EXPANDED = 1024**3

_TAR_SUFFIXES = {".tar": None, ".tgz": ".gz", ".tbz2": ".bz2", ".txz": ".xz"}
_TAR_SUFFIXES.update({f".tar{suffix}": suffix for suffix in SUFFIXES})


def member_path(name: str) -> str | None:
    """A member's path as its id's tail (``a/b.txt``), or None when it would leave the bundle:
    absolute, with a drive, or climbing out through ``..``."""
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return posixpath.join(*parts)


def open_bundle(data: bytes, name: str, max_bytes: int) -> Iterator[Member | LineError]:
    """Every member of the zip or tar bundle ``data``, in bundle order."""
    lower = name.lower()
    if lower.endswith(".zip"):
        entries = _zip_members(data, max_bytes)
    else:
        suffix = next(s for s in sorted(_TAR_SUFFIXES, key=len, reverse=True) if lower.endswith(s))
        compression = _TAR_SUFFIXES[suffix]
        if compression is not None:
            data = expand(data, SUFFIXES[compression], MAX_EXPANDED)
        entries = _tar_members(data, max_bytes)
    yield from entries


def _zip_members(data: bytes, max_bytes: int) -> Iterator[Member | LineError]:
    try:
        bundle = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise ValueError(f"not a valid zip file ({exc})") from None
    with bundle:
        infos = [i for i in bundle.infolist() if not i.is_dir()]
        _check_count(len(infos))
        expanded = 0
        for info in infos:
            path = member_path(info.filename)
            if path is None:
                yield LineError(info.filename, "a path that leaves the bundle; not read", unit="member")
                continue
            if info.file_size > max_bytes:
                yield LineError(path, f"larger than the {max_bytes:,}-byte limit (--max-size); skipped", unit="member")
                continue
            try:
                with bundle.open(info) as fh:
                    content = fh.read(max_bytes + 1)  # the header's size may lie
                check_expansion(len(content), info.compress_size, max_bytes, "zip")
            except TooLarge as exc:
                yield LineError(path, str(exc), unit="member")
                continue
            except (
                zipfile.BadZipFile,
                EOFError,
                OSError,
                ValueError,
                NotImplementedError,
                RuntimeError,
                zlib.error,
            ) as exc:
                yield LineError(path, f"cannot be read from the zip ({exc})", unit="member")
                continue
            expanded += len(content)
            if expanded > MAX_EXPANDED:
                yield _past_total(path)
                return
            yield Member(path, content)


def _tar_members(data: bytes, max_bytes: int) -> Iterator[Member | LineError]:
    try:
        bundle = tarfile.open(fileobj=io.BytesIO(data), mode="r:")
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise ValueError(f"not a valid tar file ({exc})") from None
    with bundle:
        count = expanded = 0
        while True:
            try:
                info = bundle.next()
            except (tarfile.TarError, EOFError, OSError) as exc:
                yield LineError(count + 1, f"the tar is damaged here; the rest is not read ({exc})", unit="member")
                return
            if info is None:
                return
            if info.isdir():
                continue
            count += 1
            _check_count(count)
            path = member_path(info.name)
            if path is None:
                yield LineError(info.name, "a path that leaves the bundle; not read", unit="member")
                continue
            if not info.isfile():
                yield LineError(path, "a link or device, not a file; not read", unit="member")
                continue
            if info.size > max_bytes:
                yield LineError(path, f"larger than the {max_bytes:,}-byte limit (--max-size); skipped", unit="member")
                continue
            try:
                handle = bundle.extractfile(info)
                content = handle.read() if handle is not None else b""
            except (tarfile.TarError, EOFError, OSError, zlib.error):
                content = b""
            if len(content) < info.size:  # a tar is read in order: nothing after a cut is whole
                yield LineError(path, "cut short: the tar ends inside it", unit="member")
                return
            expanded += len(content)
            if expanded > MAX_EXPANDED:
                yield _past_total(path)
                return
            yield Member(path, content)


def _check_count(count: int) -> None:
    if count > MAX_MEMBERS:
        raise ValueError(f"more than {MAX_MEMBERS:,} members in one bundle; split it")


def _past_total(path: str) -> LineError:
    return LineError(
        path, f"the bundle expands past {MAX_EXPANDED:,} bytes here; it and the rest not read", unit="member"
    )


def bundle_suffix(name: str) -> str | None:
    """The bundle suffix ``name`` ends with (``.tar.gz`` …), or None."""
    lower = name.lower()
    return next((s for s in (".zip", *_TAR_SUFFIXES) if lower.endswith(s)), None)


FORMAT = Format(
    "bundle",
    (".zip", *sorted(_TAR_SUFFIXES, key=len, reverse=True)),
    open=open_bundle,
    many=True,
    empty="no member of a format dateline reads",
)
