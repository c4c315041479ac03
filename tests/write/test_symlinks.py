"""Symbolic links out of the paths given are not followed (issue 17, point 5): whoever can write
into an archive must not pull other files into the index (``ln -s /etc/shadow shadow.txt`` in a
folder that root indexes). Links inside the paths work as before; --follow-links opts in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ids_in, story

from indexer import index_paths
from indexer.check.integrity import check_index
from search import Index

REASON = "a symbolic link to {}, outside the paths given; not followed (--follow-links)"


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """An archive with links out of it (to a secret file and a secret folder) and links inside it
    (to a file, to a sibling folder, to its own parent: a loop)."""
    secret = tmp_path / "secret"
    (secret / "deep").mkdir(parents=True)
    (secret / "shadow").write_text(story("secretfile"), "utf-8")
    (secret / "deep" / "key.txt").write_text(story("secretfolder"), "utf-8")
    root = tmp_path / "archive"
    (root / "sub").mkdir(parents=True)
    (root / "other").mkdir()
    (root / "a.txt").write_text(story("alpha"), "utf-8")
    (root / "other" / "b.txt").write_text(story("bravo"), "utf-8")
    (root / "shadow.txt").symlink_to(secret / "shadow")
    (root / "sub" / "etcdir").symlink_to(secret, target_is_directory=True)
    (root / "sub" / "chain.txt").symlink_to("../hop.txt")  # inside, then out: resolved in full
    (root / "hop.txt").symlink_to(secret / "deep" / "key.txt")
    (root / "sub" / "in.txt").symlink_to("../a.txt")  # a file link inside: followed, as before
    (root / "sub" / "otherlink").symlink_to("../other", target_is_directory=True)  # a folder link inside
    (root / "sub" / "up").symlink_to("..", target_is_directory=True)  # a loop: ends
    return root


OUT_LINKS = ["hop.txt", "shadow.txt", "sub/chain.txt", "sub/etcdir"]
# other/ is walked before sub/otherlink, which leads to the same folder: followed once, as before
INSIDE_IDS = {"a.txt", "other/b.txt", "sub/in.txt"}


@pytest.mark.parametrize("workers", [1, 2])
def test_links_out_of_the_paths_are_skipped_and_reported_once(
    archive: Path, tmp_path: Path, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexer.write import build

    monkeypatch.setattr(build, "MIN_FILES_PER_WORKER", 1)
    # the archive twice (and a part of it): each link is still listed once
    report = index_paths([archive, archive / "sub", archive], tmp_path / "ix", workers=workers)
    with Index(tmp_path / "ix") as ix:
        assert ix.search("secretfile OR secretfolder").total == 0
    assert INSIDE_IDS <= ids_in(tmp_path / "ix")
    secret = tmp_path / "secret"
    assert [(p.path, p.reason) for p in report.skipped] == [
        (str(archive / "hop.txt"), REASON.format(secret / "deep" / "key.txt")),
        (str(archive / "shadow.txt"), REASON.format(secret / "shadow")),
        (str(archive / "sub" / "chain.txt"), REASON.format(secret / "deep" / "key.txt")),
        (str(archive / "sub" / "etcdir"), REASON.format(secret)),
    ]
    assert report.failed == []


def test_follow_links_opts_in_and_check_agrees_either_way(archive: Path, tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    index_paths([archive], ix)
    assert ids_in(ix) == INSIDE_IDS
    plain = check_index(ix)
    assert (
        plain.ok
        and plain.missing == []
        and [Path(p.path).name for p in plain.skipped] == ["hop.txt", "shadow.txt", "chain.txt", "etcdir"]
    )
    followed = check_index(ix, follow_links=True)  # these links, followed, have no document
    assert sorted(followed.missing) == sorted(
        str(archive / p) for p in ["hop.txt", "shadow.txt", "sub/chain.txt", "sub/etcdir/deep/key.txt"]
    )
    report = index_paths([archive], ix, follow_links=True)
    assert report.skipped == [] and report.added == 4 and report.unchanged == 3
    assert ids_in(ix) == INSIDE_IDS | {"hop.txt", "shadow.txt", "sub/chain.txt", "sub/etcdir/deep/key.txt"}
    assert check_index(ix, follow_links=True).ok
    assert sorted(check_index(ix).orphaned) == ["hop.txt", "shadow.txt", "sub/chain.txt", "sub/etcdir/deep/key.txt"]
    again = index_paths([archive], ix)  # without the option: what only the links gave is removed
    assert again.removed == 4 and ids_in(ix) == INSIDE_IDS


def test_links_are_judged_by_where_they_lead_among_all_the_paths_given(archive: Path, tmp_path: Path) -> None:
    (tmp_path / "alias").symlink_to(archive, target_is_directory=True)
    report = index_paths([tmp_path / "alias"], tmp_path / "ix")  # a root that is a link is walked
    assert ids_in(tmp_path / "ix") == INSIDE_IDS
    assert [Path(p.path).name for p in report.skipped] == ["hop.txt", "shadow.txt", "chain.txt", "etcdir"]
    report = index_paths([archive, tmp_path / "secret"], tmp_path / "ix2")  # a link into another path given
    assert report.skipped == [] and report.failed == []
    assert {"shadow.txt", "sub/etcdir/deep/key.txt", "hop.txt", "deep/key.txt"} <= ids_in(tmp_path / "ix2")


def test_the_cli_lists_skipped_links_and_counts_them(cli, archive: Path, tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    result = cli("index", str(archive), index=ix)
    assert result.exit_code == 0, result.output
    skipped = [line for line in result.stderr.splitlines() if line.startswith("dateline: skipped: ")]
    assert skipped[1] == f"dateline: skipped: {archive / 'shadow.txt'}: {REASON.format(tmp_path / 'secret' / 'shadow')}"
    assert len(skipped) == 4
    assert result.stdout.startswith("3 added, 0 updated, 0 removed, 0 unchanged, 0 failed, 4 skipped in ")
    checked = cli("check", index=ix)
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.startswith("consistent: 3 documents, 3 files under 1 root, 0 failed, 4 skipped, in ")
    assert checked.stderr.count("dateline: skipped: ") == 4
    data = json.loads(cli("check", "--format", "json", index=ix).stdout)
    assert [Path(s["path"]).name for s in data["skipped"]] == ["hop.txt", "shadow.txt", "chain.txt", "etcdir"]
    missing = cli("check", "--follow-links", index=ix)
    assert missing.exit_code == 1 and "missing: " + str(archive / "shadow.txt") in missing.stdout
    followed = cli("index", "--follow-links", str(archive), index=ix)
    assert followed.exit_code == 0 and "dateline: skipped" not in followed.stderr
    assert followed.stdout.startswith("4 added, 0 updated, 0 removed, 3 unchanged, 0 failed in ")
    assert cli("check", "--follow-links", index=ix).exit_code == 0
