"""Filesystem surprises are reported, never fatal: symlink loops, FIFOs, files deleted or changed
between the walk and the read, names that are not valid UTF-8, unreadable files and folders
(checked as an unprivileged user, since root reads whatever the permissions)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TypedDict

import pytest
from conftest import ROOT, ids_in, installed_dateline, story

from indexer import index_paths
from search import Index


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(story("alpha"), "utf-8")
    (folder / "sub" / "b.txt").write_text(story("bravo"), "utf-8")
    return folder


@pytest.mark.parametrize("workers", [1, 2])
def test_symlink_loops_end_and_are_reported(docs, tmp_path, workers, monkeypatch):
    from indexer.write import build

    monkeypatch.setattr(build, "MIN_FILES_PER_WORKER", 1)
    (docs / "sub" / "up").symlink_to("..", target_is_directory=True)  # a folder linking to its parent
    (docs / "sub" / "root").symlink_to(docs, target_is_directory=True)
    (docs / "self.txt").symlink_to("self.txt")  # a file linking to itself
    (docs / "dangling.txt").symlink_to("nowhere.txt")
    report = index_paths([docs], tmp_path / "ix", workers=workers)
    assert sorted((Path(p.path).name, p.reason) for p in report.failed) == [
        ("dangling.txt", "a broken symbolic link to nowhere.txt (No such file or directory)"),
        ("self.txt", "a symbolic link loop to self.txt (Too many levels of symbolic links)"),
    ]
    assert ids_in(tmp_path / "ix") == {"a.txt", "sub/b.txt"}


def test_a_fifo_named_like_a_document_does_not_hang_the_run(docs, tmp_path):
    os.mkfifo(docs / "pipe.txt")  # opening it for reading would wait for a writer forever
    report = index_paths([docs], tmp_path / "ix")
    assert [(Path(p.path).name, p.reason) for p in report.failed] == [
        ("pipe.txt", "not a regular file (a FIFO, socket or device); skipped")
    ]
    assert report.added == 2


def test_files_deleted_or_changed_after_the_walk(docs, tmp_path, monkeypatch):
    """Listed, then changed before their ``stat``: the walk streams, so the files change at
    the first ``stat`` (for real), while the others are listed and not yet looked at."""
    from indexer.write import indexing

    (docs / "c.txt").write_text(story("charlie"), "utf-8")
    index = tmp_path / "ix"
    assert index_paths([docs], index).added == 3
    (docs / "d.txt").write_text(story("delta"), "utf-8")  # new, and deleted before it is read
    real = indexing.file_stamp
    meddled = []

    def stamp_after_meddling(path):
        if not meddled:
            meddled.append(path)
            (docs / "c.txt").unlink()
            (docs / "d.txt").unlink()
            (docs / "a.txt").write_text(story("rewritten"), "utf-8")
            (docs / "sub" / "b.txt").write_bytes(b"\x00binary now")
        return real(path)

    monkeypatch.setattr(indexing, "file_stamp", stamp_after_meddling)
    report = index_paths([docs], index)
    monkeypatch.undo()
    assert [Path(p).name for p in meddled] == ["a.txt"]  # the first file looked at
    gone = "deleted while indexing (after the folder was listed)"
    assert sorted((Path(p.path).name, p.reason) for p in report.failed) == [
        ("b.txt", "binary file (NUL bytes)"),
        ("c.txt", gone),
        ("d.txt", gone),
    ]
    assert (report.added, report.updated, report.removed) == (0, 1, 1)
    with Index(index) as ix:
        assert [h.id for h in ix.search("rewritten").hits] == ["a.txt"]
        assert not ix.search("charlie").hits  # its file is gone: so is its document
        assert [h.id for h in ix.search("bravo").hits] == ["sub/b.txt"]  # unreadable now: the last good version stays
    again = index_paths([docs], index)  # the next run agrees with the files
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 1)
    assert [(Path(p.path).name, p.reason) for p in again.failed] == [("b.txt", "binary file (NUL bytes)")]


def test_files_changed_after_they_were_checked(docs, tmp_path):
    """``on_start`` runs once the files are compared with the index and before any is read:
    the files to read change there; the next run puts right what this one could not see."""
    index = tmp_path / "ix"
    index_paths([docs], index)
    (docs / "d.txt").write_text(story("delta"), "utf-8")
    (docs / "sub" / "b.txt").write_text(story("bravo again"), "utf-8")
    counts = []

    def meddle(count: int) -> None:
        counts.append(count)
        (docs / "d.txt").unlink()
        (docs / "sub" / "b.txt").write_bytes(b"\x00binary now")
        (docs / "a.txt").unlink()  # unchanged when looked at: its document stays until the next run

    report = index_paths([docs], index, on_start=meddle)
    assert counts == [2]  # d.txt and b.txt are to be read; a.txt is unchanged
    assert sorted((Path(p.path).name, p.reason) for p in report.failed) == [
        ("b.txt", "binary file (NUL bytes)"),
        ("d.txt", "No such file or directory"),
    ]
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 1)
    assert ids_in(index) == {"a.txt", "sub/b.txt"}
    again = index_paths([docs], index)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 1, 0)
    assert ids_in(index) == {"sub/b.txt"}  # its last good version


def test_a_file_deleted_while_being_read_loses_its_documents(docs, tmp_path, monkeypatch):
    """Deleted after its ``stat`` and before it is opened: the read fails, its old documents go."""
    from indexer.write import build

    index = tmp_path / "ix"
    index_paths([docs], index)
    (docs / "a.txt").write_text(story("changed"), "utf-8")
    real = build.read_documents

    def read_after_deleting(path, **kwargs):
        if path.endswith("a.txt"):
            os.unlink(path)  # a real deletion, at the moment between stat and open
        return real(path, **kwargs)

    monkeypatch.setattr(build, "read_documents", read_after_deleting)
    report = index_paths([docs], index, workers=1)
    assert [(Path(p.path).name, p.reason) for p in report.failed] == [("a.txt", "No such file or directory")]
    assert report.removed == 1 and ids_in(index) == {"sub/b.txt"}


NAMES = [b"caf\xe9.txt", b"dir\xff/na\xefve.md", b"\xc3\x28bad.txt"]


def _bytes_corpus(root: Path) -> Path:
    folder = os.fsencode(root / "bytes")
    for i, name in enumerate(NAMES):
        path = os.path.join(folder, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(story(f"word{'xyz'[i]}").encode())
    return Path(os.fsdecode(folder))


def escaped(name: bytes) -> str:
    """The documented id of a file named ``name``: bytes that are not UTF-8 as backslash escapes."""
    return name.decode("utf-8", "backslashreplace")


def test_names_that_are_not_utf8_index_and_search(tmp_path):
    folder = _bytes_corpus(tmp_path)
    report = index_paths([folder], tmp_path / "ix")
    assert (report.added, report.failed) == (3, [])
    with Index(tmp_path / "ix") as ix:
        for i, name in enumerate(NAMES):
            assert [h.id for h in ix.search(f"word{'xyz'[i]}").hits] == [escaped(name)]
            assert ix.get(escaped(name)).source == os.path.join(escaped(os.fsencode(folder)), escaped(name))
    again = index_paths([folder], tmp_path / "ix")  # the escaped sources still match the files
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 3)
    os.unlink(os.path.join(os.fsencode(folder), NAMES[0]))
    assert index_paths([folder], tmp_path / "ix").removed == 1


def test_names_that_are_not_utf8_print_through_the_cli(cli, tmp_path):
    folder = _bytes_corpus(tmp_path)
    os.symlink(b"nowhere", os.path.join(os.fsencode(folder), b"link\xe9.txt"))
    result = cli("index", str(folder), index=tmp_path / "ix")
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"dateline: failed: {folder}/link\\xe9.txt: a broken symbolic link to nowhere (No such file or directory)\n"
    )
    result = cli("search", "story", "--format", "paths", index=tmp_path / "ix")
    assert sorted(result.output.splitlines()) == sorted(escaped(n) for n in NAMES)
    assert "Traceback" not in result.output
    shown = cli("show", escaped(NAMES[0]), index=tmp_path / "ix")
    assert shown.exit_code == 0 and "wordx" in shown.output


# --- unreadable files and folders: as an unprivileged user ------------------------------------

NOBODY = 65534


class Privileges(TypedDict, total=False):
    """``subprocess.run`` arguments that run a command as another user."""

    user: int
    group: int
    extra_groups: list[int]


def _unprivileged_dateline() -> tuple[list[str], dict[str, str], Privileges]:
    """How to run the real ``dateline`` as an unprivileged user: the command, environment to
    add, and ``subprocess.run`` arguments (nobody's uid and gid when root; none otherwise).

    The installed script is tried first; where its interpreter is under a folder only root may
    enter (a pyenv under /root), the system's Python of the same version runs ``-m search``
    with this environment's packages on its path. Skips when neither can run.
    """
    if os.geteuid() != 0:
        return [installed_dateline()], {}, {}
    privileges: Privileges = {"user": NOBODY, "group": NOBODY, "extra_groups": []}
    packages = [p for p in sys.path if p.endswith("site-packages")]
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    candidates: list[tuple[list[str], dict[str, str]]] = [([installed_dateline()], {})] + [
        ([python, "-m", "search"], {"PYTHONPATH": os.pathsep.join([str(ROOT), *packages])})
        for python in (f"/usr/bin/{version}", f"/usr/local/bin/{version}")
        if os.path.exists(python)
    ]
    tried = []
    for command, env in candidates:
        try:
            done = subprocess.run(
                [*command, "--version"],
                capture_output=True,
                text=True,
                cwd="/",
                env={**os.environ, **env},
                **privileges,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            tried.append(f"{command[0]}: {exc}")
            continue
        if done.returncode == 0:
            return command, env, privileges
        tried.append(f"{command[0]}: {done.stderr.strip().splitlines()[-1:]}")
    pytest.skip(f"cannot run dateline as uid {NOBODY} ({'; '.join(tried)}); root reads any file, so this needs it")


@pytest.fixture
def open_tmp():
    """A folder any user may enter (pytest's tmp_path is private to root): removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix="dateline-perm-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    for p in [path, *path.rglob("*")]:
        if not p.is_symlink():
            p.chmod(0o755)
    shutil.rmtree(path)


def test_unreadable_files_and_folders_are_reported_and_the_rest_indexed(open_tmp):
    dateline, extra_env, privileges = _unprivileged_dateline()
    docs, index = open_tmp / "docs", open_tmp / "out" / "ix"
    (docs / "sub").mkdir(parents=True)
    (docs / "closed").mkdir()
    (docs / "a.txt").write_text(story("alpha"), "utf-8")
    (docs / "sub" / "b.txt").write_text(story("bravo"), "utf-8")
    (docs / "closed" / "c.txt").write_text(story("charlie"), "utf-8")
    (docs / "locked.txt").write_text(story("locked"), "utf-8")
    for p in [docs, docs / "sub", docs / "closed"]:
        p.chmod(0o755)
    for p in [docs / "a.txt", docs / "sub" / "b.txt", docs / "closed" / "c.txt"]:
        p.chmod(0o644)
    (docs / "locked.txt").chmod(0o000)
    (docs / "closed").chmod(0o000)
    index.parent.mkdir()  # the index is built beside where it goes: its user must write its folder
    if privileges:
        os.chown(index.parent, NOBODY, NOBODY)
    env = {**os.environ, **extra_env, "DATELINE_NO_SERVE": "1", "HOME": str(open_tmp)}
    result = subprocess.run(
        [*dateline, "index", str(docs), "--index", str(index), "--workers", "1"],
        capture_output=True,
        text=True,
        env=env,
        cwd=open_tmp,
        **privileges,
    )
    assert result.returncode == 1, result.stderr
    assert sorted(result.stderr.splitlines()) == [
        f"dateline: failed: {docs / 'closed'}: Permission denied",
        f"dateline: failed: {docs / 'locked.txt'}: Permission denied",
        "dateline: failed: 2 files: Permission denied (2)",  # each is listed, then counted by reason
    ]
    assert result.stdout.startswith("2 added, 0 updated, 0 removed, 0 unchanged, 2 failed")
    found = subprocess.run(
        [*dateline, "search", "story", "--format", "paths", "--index", str(index)],
        capture_output=True,
        text=True,
        env=env,
        cwd=open_tmp,
        **privileges,
    )
    assert sorted(found.stdout.split()) == ["a.txt", "sub/b.txt"]
    denied = subprocess.run(
        [*dateline, "index", str(docs / "a.txt"), "--index", str(open_tmp / "ix")],
        capture_output=True,
        text=True,
        env=env,
        cwd=open_tmp,
        **privileges,
    )
    assert (denied.returncode, denied.stderr) == (
        2,
        f"dateline: writing the index at {open_tmp / 'ix'} failed: Permission denied; nothing was committed\n",
    )
