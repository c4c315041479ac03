"""Quiet by default (issue 19, point 2): warnings of one kind are shown for a few files and then
counted; --verbose lists every one; failures are all listed, then counted by reason."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import installed_dateline, shared_path

from indexer.write.indexing import Problem


def _hugo_archive(folder: Path, count: int) -> list[Path]:
    """Reconstruction (not in the shared data: its archives' front matter fails today) of a Hugo
    site's Markdown files, whose front matter carries keys dateline does not use."""
    folder.mkdir()
    files = []
    for i in range(count):
        file = folder / f"{i:03}.md"
        extra = "draft: false\n" if i % 2 else ""
        file.write_text(
            f"---\ntitle: Story {i}\nslug: s{i}\nweight: {i}\n{extra}---\nText of story {i}.\n", encoding="utf-8"
        )
        files.append(file)
    return files


def _bad_files(folder: Path) -> dict[str, Path]:
    """Files that fail, of three reasons, one of them twice on one JSONL file's lines."""
    folder.mkdir()
    paths = {
        "a.txt": b"\x00\x01bin",
        "b.txt": b"\x00\x02bin",
        "e.txt": b"",
        "feed.jsonl": b'{"title": "x", "date": "soon"}\n{"title": "y", "date": "later"}\n',
    }
    for name, data in paths.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in paths}


def test_kinds_of_warnings_and_failures() -> None:
    from indexer.core.kinds import Kind, kind_of

    unused = Problem("a.md", "front matter keys not used: slug, weight")
    assert unused.kind == Kind("front-matter-keys-unused", "front matter keys not used", ("slug", "weight"))
    assert kind_of("line 7: keys not used: lede").details == ("lede",)
    assert kind_of("not valid UTF-8 (byte 3); read as Latin-1") == Kind(
        "not-utf8-latin1", "not valid UTF-8; read as Latin-1"
    )
    assert kind_of("not valid UTF-8 (byte 99); read as cp1252").key == "not-utf8-cp1252"
    # A failure's per-file parts (line number, value, size, explanation) are taken out of its label.
    assert kind_of("line 2: 'date' is not a date: 'soon'").label == "'date' is not a date"
    assert (
        kind_of("binary file (NUL bytes)").label == kind_of("binary file (7 control characters in the first 9)").label
    )
    assert (
        kind_of("larger than the 1 KB limit (--max-size); skipped: 2048 bytes").label
        == "larger than the 1 KB limit; skipped"
    )
    assert kind_of("document id 'x' is already used by /a/b.txt") == kind_of(
        "document id 'y' is already used earlier in this file"
    )
    assert kind_of("Permission denied").label == "Permission denied"
    broken = "front matter key 'date': time of day not read in 'Wed, 03 Apr 2024 13 00 00 +0200'; date kept"
    assert kind_of(broken) == Kind(
        "front-matter-time-not-read", "front matter time of day not read (date kept)", ("date",)
    )
    assert (
        kind_of("front matter key skipped: 'date' is not a date: 'soon'").label
        == "front matter key skipped: 'date' is not a date"
    )


#: Real Jekyll posts (../shared trends-de-jekyll) whose RFC 2822 date has a broken time (``13 00 00``)
#: and whose front matter has a key dateline does not use (``layout``): two warnings each.
# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 7 lines, not 2.
JEKYLL = ["2024-04-03-luke-mockridge.md", "2024-04-03-maite-kelly.md", "2024-04-03-nato.md",
          "2024-04-03-notker-wolf.md", "2024-04-03-taiwan.md"]  # fmt: skip


def test_real_jekyll_posts_warn_three_times_per_kind_then_count(cli, tmp_path: Path) -> None:
    posts = [shared_path("data", "archives", "trends-de-jekyll", "_posts", name) for name in JEKYLL]
    result = cli("index", *map(str, posts), index=tmp_path / "ix")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 8, lines
    assert [line.split(": ", 3)[2] for line in lines[:3]] == list(map(str, posts[:3]))
    assert all(
        line.endswith("; date kept") and "time of day not read in 'Wed, 03 Apr 2024 " in line for line in lines[:3]
    )
    assert lines[3] == (
        "dateline: warning: 5 files: front matter time of day not read (date kept): date (5); "
        "first 3 above, all with --verbose"
    )
    assert lines[4:7] == [f"dateline: warning: {p}: front matter keys not used: layout" for p in posts[:3]]
    assert (
        lines[7]
        == "dateline: warning: 5 files: front matter keys not used: layout (5); first 3 above, all with --verbose"
    )
    assert result.stdout.startswith("5 added, 0 updated, 0 removed, 0 unchanged, 0 failed")


def test_repeated_warnings_are_counted_not_repeated(cli, tmp_path: Path) -> None:
    files = _hugo_archive(tmp_path / "site", 8)
    result = cli("index", str(tmp_path / "site"), index=tmp_path / "ix")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[:3] == [
        f"dateline: warning: {f}: front matter keys not used: slug, weight" + (", draft" if i % 2 else "")
        for i, f in enumerate(files[:3])
    ]
    assert lines[3:] == [
        "dateline: warning: 8 files: front matter keys not used: slug (8), weight (8), draft (4); "
        "first 3 above, all with --verbose"
    ]
    assert result.stdout.startswith("8 added, 0 updated, 0 removed, 0 unchanged, 0 failed")


def test_verbose_lists_every_warning(cli, tmp_path: Path) -> None:
    files = _hugo_archive(tmp_path / "site", 5)
    for flag in ("--verbose", "-v"):
        result = cli("index", str(tmp_path / "site"), flag, "--rebuild", index=tmp_path / "ix")
        assert result.exit_code == 0, result.output
        assert sorted(result.stderr.splitlines()) == sorted(
            f"dateline: warning: {f}: front matter keys not used: slug, weight" + (", draft" if i % 2 else "")
            for i, f in enumerate(files)
        )


def test_failures_are_listed_then_counted_by_reason(cli, tmp_path: Path) -> None:
    bad = _bad_files(tmp_path / "docs")
    result = cli("index", str(tmp_path / "docs"), index=tmp_path / "ix")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert sorted(lines[:-1]) == [
        f"dateline: failed: {bad['a.txt']}: binary file (NUL bytes)",
        f"dateline: failed: {bad['b.txt']}: binary file (NUL bytes)",
        f"dateline: failed: {bad['e.txt']}: empty file",
        f"dateline: failed: {bad['feed.jsonl']}: line 1: 'date' is not a date: 'soon'",
        f"dateline: failed: {bad['feed.jsonl']}: line 2: 'date' is not a date: 'later'",
    ]
    assert lines[-1] == "dateline: failed: 4 files: binary file (2), empty file (1), 'date' is not a date (1)"


def test_check_counts_its_failures_by_reason(cli, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    bad = _bad_files(docs)
    (docs / "good.txt").write_text("A headline\n\nSome text.\n", encoding="utf-8")
    index = tmp_path / "ix"
    cli("index", str(docs), index=index)
    result = cli("check", index=index)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 6 and f"dateline: failed: {bad['e.txt']}: empty file" in lines
    assert lines[-1] == "dateline: failed: 4 files: binary file (2), empty file (1), 'date' is not a date (1)"


def test_installed_dateline_stays_quiet_on_many_files(tmp_path: Path) -> None:
    _hugo_archive(tmp_path / "site", 60)
    _bad_files(tmp_path / "site" / "bad")
    command = [installed_dateline(), "index", str(tmp_path / "site"), "--index", str(tmp_path / "ix"), "--workers", "2"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 3 + 1 + 5 + 1, lines
    assert lines[3] == (
        "dateline: warning: 60 files: front matter keys not used: slug (60), weight (60), "
        "draft (30); first 3 above, all with --verbose"
    )
    assert lines[-1].startswith("dateline: failed: 4 files: ")
    assert (
        json.loads(
            subprocess.run(
                [installed_dateline(), "stats", "--format", "json", "--index", str(tmp_path / "ix")],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )["documents"]
        == 60
    )
