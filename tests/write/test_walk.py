"""The walk: files come out in key order (the order the index's sources are read in), each once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import CORPUS

from indexer.core.text import printable_path
from indexer.parse.formats import extensions
from indexer.write.walk import iter_files, iter_walk, walk

# Names whose order as path strings differs from a walk that lists a folder's files before its
# subfolders, or sorts names without the "/" that follows a folder's name.
TRICKY = ["a-b.txt", "a.txt", "a/x.txt", "a/b/y.md", "a b/z.txt", "a0.txt", "b.txt", "B.txt", "ä.txt", "ab/c.txt"]


def make(root: Path, names: list[str]) -> Path:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("From x\n\nbody", "utf-8")
    return root


def test_files_come_in_key_order(tmp_path: Path) -> None:
    root = make(tmp_path / "docs", TRICKY)
    files = list(iter_walk(root))
    assert files == sorted(files)
    assert sorted(os.path.relpath(f, root) for f in files) == sorted(TRICKY)


def test_non_utf8_names_sort_by_their_printable_key(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path / "docs")
    os.makedirs(os.path.join(folder, b"sub\xff"))
    for name in (b"caf\xe9.txt", b"cafe.txt", b"sub\xff/x.txt", b"z.txt", b"\xc3\x28.txt"):
        with open(os.path.join(folder, name), "wb") as fh:
            fh.write(b"From x\n\nbody")
    keys = [key for key, _root, _path in iter_files([os.fsdecode(folder)])]
    assert len(keys) == 5
    assert keys == sorted(keys)
    assert all(key == printable_path(key) for key in keys)


def test_several_roots_merge_in_key_order_each_file_once(tmp_path: Path) -> None:
    make(tmp_path / "docs", TRICKY)
    roots = [tmp_path / "docs" / "a", tmp_path / "docs", tmp_path / "docs" / "a.txt"]
    found = list(iter_files(roots))
    keys = [key for key, _root, _path in found]
    assert keys == sorted(set(keys))  # sorted, and no file twice
    assert len(keys) == len(TRICKY)
    by_key = {key: root for key, root, _path in found}
    assert by_key[str(tmp_path / "docs" / "a" / "x.txt")] == str(
        tmp_path / "docs" / "a"
    )  # the first root given that holds it
    assert by_key[str(tmp_path / "docs" / "b.txt")] == str(tmp_path / "docs")


def test_the_sample_corpus_walks_as_its_sorted_file_list() -> None:
    expected = sorted(
        str(p)
        for p in CORPUS.rglob("*")
        if p.is_file()
        and p.suffix.lower() in extensions()
        and not any(part.startswith(".") for part in p.relative_to(CORPUS).parts)
    )
    assert walk(CORPUS).files == expected


@pytest.mark.parametrize("excluded", ["ix", "deep/ix"])
def test_the_excluded_folder_is_not_walked(tmp_path: Path, excluded: str) -> None:
    make(tmp_path, ["a.txt", f"{excluded}/b.txt"])
    assert [Path(p).name for p in iter_walk(tmp_path, exclude=tmp_path / excluded)] == ["a.txt"]


def test_unlistable_folders_are_reported_and_the_walk_goes_on(tmp_path: Path) -> None:
    make(tmp_path, ["a.txt", "z.txt"])
    problems: list[tuple[str, str]] = []
    (tmp_path / "m").symlink_to(tmp_path / "nowhere")  # a broken link to a folder: not a folder
    (tmp_path / "loop").symlink_to(tmp_path)  # a loop: ends
    assert [Path(p).name for p in iter_walk(tmp_path, problems=problems)] == ["a.txt", "z.txt"]
    assert problems == []
