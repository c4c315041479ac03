"""`search.cluster.manifest`: which file goes to which shard, and that files never move."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from search.cluster.manifest import MANIFEST, bucket, plan, read_manifest, write_manifest
from search.errors import ClusterError


@pytest.fixture(scope="module")
def years(archive, tmp_path_factory):
    root = tmp_path_factory.mktemp("years")
    manifest = plan(root, [archive], "year")
    write_manifest(manifest)
    return manifest


def _files(manifest) -> dict[str, str]:
    return {file: shard.name for shard in manifest.shards for file in shard.files}


def test_a_year_plan_puts_each_file_in_the_shard_of_its_document_s_year(archive, years) -> None:
    assert [s.name for s in years.shards] == ["2020", "2021", "2022", "2023", "2024", "2025"]
    placed = _files(years)
    assert sorted(placed) == sorted(str(p) for p in archive.rglob("*.txt"))  # each file once
    for shard in years.shards:
        assert shard.path == years.root / "shards" / shard.name
        assert shard.first.year == shard.last.year == int(shard.name)
        assert all(f"/{shard.name}/" in file for file in shard.files)  # bench/corpus.py files by date
    assert read_manifest(years.root) == years


def test_month_and_hash_plans(archive, tmp_path) -> None:
    months = plan(tmp_path / "m", [archive], "month")
    assert len(months.shards) == 72 and months.shards[0].name == "2020-01"
    hashed = plan(tmp_path / "h", [archive], "hash:3")
    assert [s.name for s in hashed.shards] == ["h0", "h1", "h2"]
    for shard in hashed.shards:
        assert {bucket(str(Path(f).relative_to(archive)), 3) for f in shard.files} == {int(shard.name[1:])}
    assert min(len(s.files) for s in hashed.shards) > 300  # 1,200 files spread


def test_large_periods_are_split_by_hash(archive, tmp_path) -> None:
    split = plan(tmp_path / "s", [archive], "year", max_files=100)
    names = [s.name for s in split.shards]
    assert "2021-h0" in names and "2021-h2" in names and "2021" not in names  # 220 files: 3 parts
    assert sum(len(s.files) for s in split.shards) == 1200


def test_undated_files_have_a_shard_of_their_own(tmp_path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "note.txt").write_text("A plain note without any date in it.\n\nJust text.\n", encoding="utf-8")
    manifest = plan(tmp_path / "c", [src], "year")
    assert [(s.name, s.first, len(s.files)) for s in manifest.shards] == [("undated", None, 1)]


def test_planning_again_never_moves_a_file(archive, tmp_path) -> None:
    src = tmp_path / "src"
    shutil.copytree(archive / "eqs", src / "eqs")
    first = plan(tmp_path / "c", [src], "hash:2")
    write_manifest(first)
    gone = Path(first.shards[0].files[0])
    gone.unlink()
    added = src / "eqs" / "2024" / "01" / "new.txt"
    added.parent.mkdir(parents=True, exist_ok=True)
    added.write_text(Path(first.shards[1].files[0]).read_text("utf-8"), encoding="utf-8")
    again = plan(tmp_path / "c", [src], "hash:2")
    before, after = _files(first), _files(again)
    assert str(gone) not in after and str(added) in after
    assert all(after[f] == before[f] for f in after if f in before)
    assert after[str(added)] == f"h{bucket('eqs/2024/01/new.txt', 2)}"
    for file in _files(again):
        Path(file).unlink()
    emptied = plan(tmp_path / "c", [src], "hash:2")
    assert [(s.name, s.files) for s in emptied.shards] == [("h0", ()), ("h1", ())]  # kept, to be emptied
    with pytest.raises(ClusterError, match="planned by hash:2, not year"):
        plan(tmp_path / "c", [src], "year")


@pytest.mark.parametrize("shard_by", ["week", "hash:0", "hash:", "hash:x", "year,month"])
def test_an_unknown_rule_is_refused(archive, tmp_path, shard_by: str) -> None:
    with pytest.raises(ClusterError, match="--shard-by"):
        plan(tmp_path, [archive], shard_by)


@pytest.mark.parametrize(
    "text, message",
    [
        ("{not json", "not a readable cluster manifest"),
        ('{"format": 1, "shard_by": "year", "sources": []}', "damaged"),
        ('{"format": 9, "shard_by": "year", "sources": [], "shards": []}', "format 9"),
        (
            '{"format": 1, "shard_by": "year", "sources": [], "shards": '
            '[{"name": "../elsewhere", "first": null, "last": null, "files": []}]}',
            "not a folder name",
        ),
    ],
)
def test_a_damaged_manifest_is_named(tmp_path, text: str, message: str) -> None:
    (tmp_path / MANIFEST).write_text(text, encoding="utf-8")
    with pytest.raises(ClusterError, match=message) as caught:
        read_manifest(tmp_path)
    assert str(tmp_path / MANIFEST) in str(caught.value)


def test_a_missing_manifest_says_to_plan_first(tmp_path) -> None:
    with pytest.raises(ClusterError, match="dateline cluster plan"):
        read_manifest(tmp_path)


def test_the_archive_s_line_counts_are_kept_beside_the_manifest(years) -> None:
    counts = read_manifest(years.root).line_counts()
    assert counts.docs and counts.furniture() == years.counts.furniture()
    assert json.loads((years.root / "line-counts.json").read_text("utf-8"))
