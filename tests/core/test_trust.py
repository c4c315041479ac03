"""indexer/core/trust.py: an index or config found in the current folder is used only if nobody else
could have planted it, as git's ``safe.directory``.

"Planted" two ways: owned by a real second user (uid 65534; needs root, as CI runs) or left
writable by everyone (any user). The victim's own index must survive a planted
``dateline.toml`` that points ``index`` at it with ``--prune``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from indexer import UntrustedLocationError, index_paths
from indexer.core.trust import SAFE_ENV, untrusted_reason
from search import Index

NOBODY = 65534
WAYS = ["another user", "writable by all"]


def plant(path: Path, way: str) -> None:
    """Make ``path`` (and everything under it) look planted: another user's, or anyone's to write."""
    for p in [path, *(path.rglob("*") if path.is_dir() else [])]:
        if way == "another user":
            if os.geteuid() != 0:
                pytest.skip("giving a file to another user needs root")
            os.chown(p, NOBODY, NOBODY, follow_symlinks=False)
        elif not p.is_symlink():
            p.chmod(0o777 if p.is_dir() else 0o666)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A shared folder the caller works in: no $DATELINE_INDEX, no $DATELINE_CONFIG, so the
    current folder's ``.dateline`` and ``dateline.toml`` are found as a user's would be."""
    folder = tmp_path / "shared"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.delenv("DATELINE_INDEX")
    monkeypatch.delenv("DATELINE_CONFIG")
    monkeypatch.delenv(SAFE_ENV, raising=False)
    return folder


def _hint(folder: Path) -> str:
    return f"add {folder} to ${SAFE_ENV} or to safe_directories in your config file"


@pytest.mark.parametrize("way", WAYS)
def test_a_planted_dateline_folder_is_not_searched(here: Path, corpus_index: Path, cli, way: str) -> None:
    shutil.copytree(corpus_index, here / ".dateline")
    plant(here / ".dateline", way)
    result = cli("search", "mali")
    assert result.exit_code == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("dateline: not using the index .dateline found in the current folder: ")
    assert ("owned by user 65534" if way == "another user" else "writable by others") in line
    assert line.endswith(_hint(here.resolve())) and "--index PATH" in line
    with pytest.raises(UntrustedLocationError):
        Index()  # the library finds it the same way, and refuses it the same way


@pytest.mark.parametrize("way", WAYS)
def test_a_planted_toml_cannot_prune_the_users_own_index(
    here: Path, corpus_copy: Path, tmp_path: Path, cli, way: str
) -> None:
    own = tmp_path / "home" / "news.idx"
    index_paths([corpus_copy], own)
    with Index(own) as ix:
        before = ix.stats().documents
    (here / "articles").mkdir()
    (here / "articles" / "one.txt").write_text("One headline\n\nText.\n", "utf-8")
    toml = here / "dateline.toml"
    toml.write_text(f'index = "{own}"\n', "utf-8")
    plant(toml, way)
    result = cli("index", "--prune", "articles")
    assert result.exit_code == 2 and "Traceback" not in result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("dateline: not using the config file dateline.toml found in the current folder: ")
    assert "$DATELINE_CONFIG=dateline.toml" in line and line.endswith(_hint(here.resolve()))
    with Index(own) as ix:
        assert ix.stats().documents == before == 50


def test_a_link_planted_as_dateline_to_the_users_index_is_refused(here: Path, corpus_index: Path, cli) -> None:
    """The link is another user's even though what it points to is the caller's own index."""
    (here / ".dateline").symlink_to(corpus_index)
    plant(here / ".dateline", "another user")
    result = cli("stats")
    assert result.exit_code == 2 and "it is owned by user 65534" in result.stderr


def test_the_callers_own_files_are_used_without_a_word(here: Path, corpus_copy: Path, cli) -> None:
    assert cli("index", str(corpus_copy)).exit_code == 0  # creates ./.dateline
    (here / "dateline.toml").write_text("[search]\nlimit = 3\n", "utf-8")
    result = cli("search", "mali")
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.count("\n1. ") + result.stdout.startswith("1. ") == 1
    assert untrusted_reason(here / ".dateline") is None


@pytest.mark.parametrize("allow", ["env", "env-star", "user-config"])
def test_a_folder_listed_as_safe_is_trusted(
    here: Path, corpus_index: Path, tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch, allow: str
) -> None:
    shutil.copytree(corpus_index, here / ".dateline")
    plant(here / ".dateline", "writable by all")
    if allow == "env":
        monkeypatch.setenv(SAFE_ENV, os.pathsep.join(["/elsewhere", str(here)]))
    elif allow == "env-star":
        monkeypatch.setenv(SAFE_ENV, "*")
    else:
        config = tmp_path / "xdg-config" / "dateline" / "config.toml"
        config.parent.mkdir(parents=True)
        config.write_text(f'safe_directories = ["{here}"]\n', "utf-8")
    result = cli("search", "mali")
    assert result.exit_code == 0, result.output


def test_safe_directories_cannot_be_set_by_the_folder_itself(here: Path, cli) -> None:
    (here / "dateline.toml").write_text('safe_directories = ["*"]\n', "utf-8")
    result = cli("search", "mali")
    assert result.exit_code == 2
    assert result.stderr == (
        "dateline: dateline.toml: safe_directories may only be set in your own config file, not in a folder's\n"
    )


@pytest.mark.parametrize("way", WAYS)
def test_an_index_named_explicitly_is_the_callers_choice(here: Path, corpus_index: Path, cli, way: str) -> None:
    """Named with --index, a folder is used whoever owns it (and read only as data: test_pickles)."""
    shutil.copytree(corpus_index, here / "theirs")
    plant(here / "theirs", way)
    assert cli("search", "mali", "--index", "theirs").exit_code == 0
