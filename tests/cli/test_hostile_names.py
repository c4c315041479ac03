"""File names do not drive the terminal (issue 17, point 6): a file named with ESC, BEL, an OSC
title or clipboard (52) sequence, a C1 CSI (0x9b) or a newline is printed with those characters
escaped (``\\x1b``), recognisably, wherever a name or id is printed as text: index and check
reports, `show`, search's text, paths, csv and html output, error messages. JSON keeps the exact
strings (JSON escapes control characters itself). Run through the installed `dateline`, so the
bytes checked are those a terminal would get."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest
from conftest import installed_dateline

# (name on disk, its id (exact, as JSON gives it), the id printed, the name printed). Ids come
# from names with control characters as spaces (documents are cleaned when read); newlines and
# other characters that reorder text stay in them.
# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 23 lines, not 10.
NAMES = [
    ("title\x1b]0;PWNED\x07\x1b[2J.txt", "title ]0;PWNED  [2J.txt", "title ]0;PWNED  [2J.txt",
     "title\\x1b]0;PWNED\\x07\\x1b[2J.txt"),
    ("clip\x1b]52;c;cm0gLXJmIH4K\x07.txt", "clip ]52;c;cm0gLXJmIH4K .txt", "clip ]52;c;cm0gLXJmIH4K .txt",
     "clip\\x1b]52;c;cm0gLXJmIH4K\\x07.txt"),
    ("csi\u009b31m.txt", "csi 31m.txt", "csi 31m.txt", "csi\\x9b31m.txt"),  # C1 CSI as a character (c2 9b)
    ("bell\x07.txt", "bell .txt", "bell .txt", "bell\\x07.txt"),
    ("new\nline.txt", "new\nline.txt", "new\\nline.txt", "new\\nline.txt"),
    ("rtl\u202etxt.exe.txt", "rtl\u202etxt.exe.txt", "rtl\\u202etxt.exe.txt", "rtl\\u202etxt.exe.txt"),  # right-to-left override
]  # fmt: skip
RAW_BYTE = b"byte\x9b31m.txt"  # 0x9b as a raw byte (not UTF-8): its id and name are written with \x9b
RAW_SHOWN = "byte\\x9b31m.txt"
#: Anything a terminal obeys or that breaks a line, but the newline that ends each line.
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def story(word: str) -> str:
    return f"Title of {word}\n\nA story about {word} and hostile names."


def dateline(*args: str, index: Path) -> tuple[int, str, str]:
    """Run the installed `dateline`; its exit status, stdout and stderr, checked to hold no
    control character (the bytes decoded strictly: a raw 0x9b byte fails as well)."""
    env = {**os.environ, "DATELINE_INDEX": str(index), "DATELINE_NO_SERVE": "1"}
    done = subprocess.run([installed_dateline(), *args], capture_output=True, env=env, timeout=120)
    out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    for stream, text in (("stdout", out), ("stderr", err)):
        assert not CONTROL.search(text), f"dateline {' '.join(args)}: a raw control character on {stream}: {text!r}"
    return done.returncode, out, err


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    folder.mkdir()
    for i, (name, *_shown) in enumerate(NAMES):
        (folder / name).write_text(story(f"word{i}"), "utf-8")
    with open(os.path.join(os.fsencode(folder), RAW_BYTE), "w", encoding="utf-8") as fh:
        fh.write(story("rawbyte"))
    (folder / "empty\x1b[31m.txt").write_text("", "utf-8")  # fails: a failed: line
    (folder / "out\x1b]0;x\x07.txt").symlink_to(tmp_path / "elsewhere.txt")  # skipped: a skipped: line
    return folder


def test_names_with_control_characters_print_escaped_everywhere(archive: Path, tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    status, out, err = dateline("index", str(archive), index=ix)
    assert status == 1, err
    assert f"dateline: failed: {archive}/empty\\x1b[31m.txt: empty file\n" in err
    assert f"dateline: skipped: {archive}/out\\x1b]0;x\\x07.txt: a symbolic link to " in err
    assert out.startswith(f"{len(NAMES) + 1} added, ")
    assert f"dateline: failed: {archive}/new\\nline.txt" not in err  # (it is indexed)
    ids = [shown for _name, _id, shown, _source in NAMES] + [RAW_SHOWN]

    status, out, _err = dateline("search", "hostile", "--format", "paths", "-n", "50", index=ix)
    assert sorted(out.splitlines()) == sorted(ids)
    status, out, _err = dateline("search", "hostile", "-n", "50", index=ix)
    assert all(shown in out for shown in ids)
    status, out, _err = dateline("search", "hostile", "--format", "csv", "-n", "50", index=ix)
    assert all(shown in out for shown in ids)
    status, out, _err = dateline("search", "hostile", "--format", "html", "-n", "50", index=ix)
    assert all(shown in out for shown in ids)
    status, out, _err = dateline("search", "hostile", "--format", "json", "-n", "50", index=ix)
    hits = json.loads(out)["hits"]
    assert sorted(h["id"] for h in hits) == sorted([exact for _name, exact, _id, _source in NAMES] + [RAW_SHOWN])
    assert sorted(h["source"] for h in hits) == sorted(
        [f"{archive}/{name}" for name, *_ in NAMES] + [f"{archive}/{RAW_SHOWN}"]
    )

    for _name, exact, shown, source in NAMES:
        status, out, _err = dateline("show", exact, index=ix)  # the exact id, as JSON gives it
        assert status == 0
        assert re.search(rf"^id: +{re.escape(shown)}$", out, re.MULTILINE), out
        assert re.search(rf"^source: +{re.escape(f'{archive}/{source}')}$", out, re.MULTILINE), out
        status, out, _err = dateline("similar", exact, "--format", "paths", index=ix)
        assert shown not in out.splitlines()
        status, _out, err = dateline("show", exact + "\x1b[2J", index=ix)  # an error message naming it
        assert status == 2 and shown + "\\x1b[2J" in err

    time.sleep(0.01)
    (archive / NAMES[0][0]).write_text(story("changed"), "utf-8")  # stale
    (archive / "late\x1b]52;c;eA==\x07.txt").write_text(story("late"), "utf-8")  # missing
    os.unlink(archive / NAMES[1][0])  # orphaned
    status, out, err = dateline("check", index=ix)
    assert status == 1
    assert f"missing: {archive}/late\\x1b]52;c;eA==\\x07.txt\n" in out
    assert f"stale: {NAMES[0][2]} ({archive}/{NAMES[0][3]})\n" in out
    assert f"orphaned: {NAMES[1][2]}\n" in out
    assert f"dateline: failed: {archive}/empty\\x1b[31m.txt: empty file\n" in err
    status, out, _err = dateline("check", "--format", "json", index=ix)
    report = json.loads(out)
    assert report["missing"] == [f"{archive}/late\x1b]52;c;eA==\x07.txt"] and report["orphaned"] == [NAMES[1][1]]
    status, out, err = dateline("check", "--repair", index=ix)
    assert "repaired: reindexed" in out


def test_paths_given_on_the_command_line_print_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "ix\x1b]0;PWNED\x07"
    status, _out, err = dateline("stats", index=folder)  # no index there: the error names it
    assert status == 2 and "ix\\x1b]0;PWNED\\x07" in err
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(story("alpha"), "utf-8")
    status, out, _err = dateline("index", str(tmp_path / "docs"), index=folder)
    assert status == 0 and out.rstrip().endswith("ix\\x1b]0;PWNED\\x07")
    status, out, _err = dateline("stats", index=folder)
    assert status == 0 and "ix\\x1b]0;PWNED\\x07" in out
    status, out, _err = dateline("check", index=folder)
    assert status == 0
