"""Output that programs read: ids through a pipe whatever their names hold, and strict JSON.

Real files with unusual names are indexed, then the installed ``dateline`` runs in real
pipelines (no shell): ``search --format paths0 | show -0 -`` and ``| xargs -0 dateline show --``.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import ids_in, installed_dateline

from indexer.core.text import printable_path

#: Names that broke `--format paths | xargs dateline show`, and some ordinary ones.
# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 18 lines, not 5.
NAMES = [
    b"plain.txt", b"with space.txt", b"new\nline.txt", b"quote'.txt", b'double".txt', b"back\\slash.txt",
    b"-leading.txt", b"--double-dash.txt", b"caf\xe9.txt", b"cr\r.txt", "rlo\u202etxt.txt".encode(),
    b"tab\t.txt", "\u00fcml\u00e4ut.txt".encode(), b"star*.txt", b"$(echo hi).txt", b"esc\x1b[31m.txt",
]  # fmt: skip
WORD = "zorblat"


@pytest.fixture
def unusual(tmp_path: Path) -> tuple[Path, set[str]]:
    """An index of one file per name in `NAMES`, and the ids they get."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for n, name in enumerate(NAMES):
        with open(os.path.join(bytes(docs), name), "wb") as fh:
            fh.write(f"Story {n}\n\n{WORD} story number {n}\n".encode())
    index = tmp_path / "ix"
    proc = subprocess.run(
        [installed_dateline(), "index", str(docs), "--index", str(index)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    ids = ids_in(index)  # as indexing named them (non-UTF-8 bytes as printable_path writes them)
    assert len(ids) == len(NAMES) and printable_path(os.fsdecode(b"caf\xe9.txt")) in ids
    return index, ids


def strict_json(text: str) -> object:
    def refuse(constant: str) -> object:
        raise ValueError(f"not strict JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def _pipe(first: list[str], second: list[str]) -> tuple[int, int, bytes, str]:
    """Run ``first | second`` (no shell); both exit statuses, the second's output and errors."""
    producer = subprocess.Popen(first, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        consumer = subprocess.Popen(second, stdin=producer.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    finally:
        assert producer.stdout is not None
        producer.stdout.close()  # the consumer holds it now
    out, err = consumer.communicate(timeout=120)
    return producer.wait(timeout=60), consumer.returncode, out, err.decode("utf-8", "replace")


def _shown_ids(out: bytes) -> list[str]:
    return [strict_json(line)["id"] for line in out.decode("utf-8").splitlines()]  # type: ignore[index]


def test_paths0_piped_into_show_dash_shows_every_unusual_id(unusual):
    index, ids = unusual
    exe = installed_dateline()
    found, shown, out, err = _pipe(
        [exe, "search", WORD, "-n", "100", "--format", "paths0", "--index", str(index)],
        [exe, "show", "-0", "-", "--format", "json", "--index", str(index)],
    )
    assert (found, shown, err) == (0, 0, "")
    assert sorted(_shown_ids(out)) == sorted(ids)


def test_paths0_bytes_are_the_ids_ended_by_nul(unusual):
    index, ids = unusual
    proc = subprocess.run(
        [installed_dateline(), "search", WORD, "-n", "100", "-0", "--index", str(index)],
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 0 and proc.stdout.endswith(b"\0")
    assert sorted(proc.stdout[:-1].split(b"\0")) == sorted(i.encode("utf-8") for i in ids)


def test_paths0_through_xargs_0_show_dashdash_shows_every_unusual_id(unusual):
    index, ids = unusual
    exe = installed_dateline()
    found, shown, out, err = _pipe(
        [exe, "search", WORD, "-n", "100", "-0", "--index", str(index)],
        ["xargs", "-0", exe, "show", "--format", "json", "--index", str(index), "--"],
    )
    assert (found, shown, err) == (0, 0, "")
    assert sorted(_shown_ids(out)) == sorted(ids)


def test_show_dash_reads_one_id_a_line_and_reports_a_missing_one(unusual):
    index, _ = unusual
    proc = subprocess.run(
        [installed_dateline(), "show", "-", "--format", "json", "--index", str(index)],
        input=b"plain.txt\nno-such-id\n-leading.txt\n",
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert _shown_ids(proc.stdout) == ["plain.txt", "-leading.txt"]
    errors = proc.stderr.decode().splitlines()
    assert len(errors) == 1 and errors[0].startswith(f"dateline: no document with id 'no-such-id' in {index}")


def test_a_boost_option_above_the_maximum_is_refused(cli, unusual):
    index, _ = unusual
    result = cli("search", WORD, "--boost", "title=1e308", index=index)
    assert result.exit_code == 2
    assert (
        "Error: Invalid value for '--boost': 'title=1e308': boost for 'title' must be at most 1000000" in result.stderr
    )


def test_a_query_boost_above_the_maximum_is_refused(cli, unusual):
    index, _ = unusual
    result = cli("search", f"{WORD}^1{'0' * 400}", "--format", "json", index=index)
    assert (result.exit_code, result.stdout) == (2, "")
    assert len(result.stderr.splitlines()) == 1 and "a boost (word^N) must be at most 1000000" in result.stderr


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_stays_strict_when_nested_boosts_overflow_the_score(cli, unusual, fmt):
    index, _ = unusual
    query = WORD
    for _ in range(60):  # each boost allowed, their product (1e360) past the largest float
        query = f"({query})^1000000"
    result = cli("search", query, "--format", fmt, "--explain", "-n", "3", index=index)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == (1 if fmt == "json" else 3)
    parsed = [strict_json(line) for line in lines]
    hits = parsed[0]["hits"] if fmt == "json" else parsed
    assert all(isinstance(hit["score"], float) for hit in hits)
