"""What a writer does beside its index (issue 17, points 2 and 3): it removes only the folders
it made, a file in its way is a one-line refusal, and one writer at a time writes an index,
whether it rebuilds or not, so no document reported added is lost at a rebuild's swap."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from conftest import installed_dateline


def _stories(folder: Path, count: int, prefix: str = "d") -> Path:
    folder.mkdir(parents=True)
    for i in range(count):
        (folder / f"{prefix}{i:05}.txt").write_text(f"Story {prefix} {i}\n\nA common story, number {i}.", "utf-8")
    return folder


def _user_folders(beside: Path) -> dict[Path, str]:
    """Folders of the user's with dateline-like names beside the index ``beside/news``, each
    holding a file: plain ones, and one holding a marker copied from a folder of another name."""
    files = {}
    for name in ("news.old", "news.new-drafts", "news.old-notes", "news.new-copy"):
        (beside / name).mkdir(parents=True)
        files[beside / name / "keep.txt"] = f"the user's {name}"
    (beside / "news.new-copy" / ".dateline-made").write_text(json.dumps({"folder": "news.new-abcd1234"}), "utf-8")
    for path, text in files.items():
        path.write_text(text, "utf-8")
    return files


def test_indexing_and_rebuilding_leave_the_users_folders_beside_the_index_alone(cli, tmp_path: Path) -> None:
    docs = _stories(tmp_path / "docs", 3)
    files = _user_folders(tmp_path / "d")
    index = tmp_path / "d" / "news"
    for args in (["index", str(docs)], ["index", str(docs), "--rebuild"], ["index", str(docs), "--rebuild"]):
        result = cli(*args, index=index)
        assert result.exit_code == 0, result.stderr
        assert {path: path.read_text("utf-8") for path in files if path.exists()} == files
    assert sorted(p.name for p in index.parent.iterdir()) == sorted(
        ["news", "news.lock", "news.old", "news.new-drafts", "news.old-notes", "news.new-copy"]
    )  # and no folder of dateline's is left either
    assert cli("search", "common", index=index).exit_code == 0


def test_a_file_named_like_the_old_index_does_not_break_a_rebuild(cli, tmp_path: Path) -> None:
    docs = _stories(tmp_path / "docs", 3)
    index = tmp_path / "news"
    assert cli("index", str(docs), index=index).exit_code == 0
    (tmp_path / "news.old").write_text("my notes", "utf-8")
    (docs / "more.txt").write_text("More\n\nA common story.", "utf-8")
    result = cli("index", str(docs), "--rebuild", index=index)
    assert result.exit_code == 0, result.stderr
    assert "4 added" in result.stdout
    assert (tmp_path / "news.old").read_text("utf-8") == "my notes"


def test_a_folder_where_the_lock_file_goes_is_a_one_line_refusal(tmp_path: Path) -> None:
    """A folder of the user's named like the index's lock file: exit 2, one line, untouched."""
    docs = _stories(tmp_path / "docs", 3)
    index, blocker = tmp_path / "news", tmp_path / "news.lock"
    (blocker / "sub").mkdir(parents=True)
    for rebuild in ([], ["--rebuild"]):
        result = subprocess.run(
            [installed_dateline(), "index", str(docs), "--index", str(index), *rebuild],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2, result.stderr
        assert (
            result.stderr
            == f"dateline: {blocker} is a folder, where dateline keeps the index's lock file; move it away\n"
        )
    assert [p.name for p in blocker.iterdir()] == ["sub"]


def test_indexing_into_a_file_raises_a_typed_error(tmp_path: Path) -> None:
    """The library refuses a file given as the index (the command line's option check already
    does) with its own error, which the CLI prints as one line, not an OS error."""
    from indexer import DatelineError, index_paths

    docs = _stories(tmp_path / "docs", 1)
    (tmp_path / "news").write_text("not an index", "utf-8")
    for rebuild in (False, True):
        with pytest.raises(DatelineError, match="is a file, not an index folder"):
            index_paths([docs], tmp_path / "news", rebuild=rebuild)
    assert (tmp_path / "news").read_text("utf-8") == "not an index"


# --- one writer at a time -------------------------------------------------------------------------


def _dateline(*args: str, index: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [installed_dateline(), *args, "--index", str(index)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "DATELINE_NO_SERVE": "1"},
    )


def _ids(index: Path) -> set[str]:
    from search import Index

    with Index(index) as ix:
        reader = ix._current().reader()
        return {fields["id"] for fields in reader.all_stored_fields()}


@pytest.mark.slow
def test_an_incremental_run_waits_for_a_rebuild_and_loses_nothing(tmp_path: Path) -> None:
    """A rebuild of a few thousand files runs in one process; an incremental run adding five
    documents starts while it builds. It must wait (and, with a short --wait, refuse with the
    usual message), never report documents added that the rebuild's swap then drops."""
    big, extra = _stories(tmp_path / "big", 6000), _stories(tmp_path / "extra", 5, prefix="x")
    index = tmp_path / "news"
    assert _dateline("index", str(big / "d00000.txt"), index=index).returncode == 0
    rebuild = subprocess.Popen(
        [installed_dateline(), "index", "--rebuild", "--workers", "1", str(big), "--index", str(index)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        until = time.monotonic() + 60
        while not list(tmp_path.glob("news.new-*")) and time.monotonic() < until:  # the build has begun
            time.sleep(0.01)
        assert list(tmp_path.glob("news.new-*")), "the rebuild never started building"
        impatient = _dateline("index", str(extra), "--wait", "0.5", index=index)
        assert rebuild.poll() is None, "the rebuild ended first: the test needs more files"
        patient = subprocess.Popen(
            [installed_dateline(), "index", str(extra), "--wait", "300", "--index", str(index)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        out, err = patient.communicate(timeout=300)
    finally:
        rebuilt, rebuild_err = rebuild.communicate(timeout=300)
    assert rebuild.returncode == 0, rebuild_err
    assert "6000 added" in rebuilt
    assert impatient.returncode == 2, impatient.stdout + impatient.stderr
    assert impatient.stderr.splitlines() == [
        "dateline: another process is writing the index; waiting up to 0.5 s",
        f"dateline: the index at {index} is being written by another process (waited 0.5 s)",
    ]
    assert patient.returncode == 0 and "5 added" in out, out + err
    assert "waiting up to 300 s" in err  # it did wait for the rebuild
    assert _ids(index) == {p.name for p in big.iterdir()} | {p.name for p in extra.iterdir()}
    checked = _dateline("check", index=index)
    assert checked.returncode == 0 and checked.stdout.startswith("consistent: "), checked.stdout + checked.stderr


def test_a_rebuild_waits_for_the_writer_lock_beside_the_index(tmp_path: Path) -> None:
    """While another process holds ``<name>.lock``, a rebuild waits --wait seconds, then exits
    2 with one line and leaves the index as it was."""
    docs = _stories(tmp_path / "docs", 3)
    index = tmp_path / "news"
    assert _dateline("index", str(docs), index=index).returncode == 0
    (docs / "new.txt").write_text("New\n\nA common story.", "utf-8")
    with open(tmp_path / "news.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        refused = _dateline("index", str(docs), "--rebuild", "--wait", "0.3", index=index)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert (
        refused.stderr.splitlines()[-1]
        == f"dateline: the index at {index} is being written by another process (waited 0.3 s)"
    )
    assert _ids(index) == {"d00000.txt", "d00001.txt", "d00002.txt"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "news", "news.lock"]
