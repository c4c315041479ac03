"""Hostile documents never crash the indexer: each bad file (or JSONL line) is listed in
``report.failed`` with its path and a one-line reason, every good document is indexed and
searchable, and nothing else fails. Hypothesis writes real folders of mixed files; explicit
cases run each kind through the real CLI; the size limit is checked on both sides."""

from __future__ import annotations

import datetime as dt
import json
import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer import index_paths
from indexer.write import build
from search import Index

# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 11 lines, not 3.
HOSTILE = settings(deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                          HealthCheck.data_too_large, HealthCheck.large_base_example])  # fmt: skip
WORDS = ("market", "shares", "energy", "Hafen", "Strom", "Übernahme", "growth", "quarter", "Bericht", "order")


def plant(n: int) -> str:
    """A word found nowhere else, made of letters only (no analyser splits or stems it away)."""
    return "zqv" + "".join("bcdfghjklm"[int(c)] for c in str(n)) + "xq"


@dataclass
class Case:
    """One file to write, and exactly what indexing it must give."""

    name: str
    data: bytes
    #: Documents that must be indexed: id -> a word that must find it (None: look it up by id).
    indexed: dict[str, str | None] = field(default_factory=dict)
    #: The whole file fails with a reason containing this.
    fails: str | None = None
    #: JSONL lines that fail: line number -> words one of which the reason names.
    bad_lines: dict[int, tuple[str, ...]] = field(default_factory=dict)
    #: Warnings containing these are given (each in one).
    warnings: tuple[str, ...] = ()
    #: The date the indexed document must carry (checked when not ...).
    date: object = ...


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


# --- strategies: each draws a Case, given its file's number (for unique names and words) -----


@st.composite
def good_documents(draw, n: int) -> Case:
    rng = random.Random(draw(st.integers(0, 2**32)))
    word = plant(n)
    kind = draw(st.sampled_from(["text", "markdown", "html", "seed"]))
    if kind == "text":
        name, text = f"good-{n}.txt", f"{_text(rng, 6)}\n\n{_text(rng, 20)} {word} {_text(rng, 20)}"
    elif kind == "markdown":
        name, text = f"good-{n}.md", f"---\ntitle: {_text(rng, 5)}\n---\n\n{_text(rng, 20)} {word}\n"
    elif kind == "html":
        name = f"good-{n}.html"
        text = f"<html lang=en><title>{_text(rng, 4)}</title><body><p>{_text(rng, 15)} {word}</p></body></html>"
    else:
        name = f"good-{n}.txt"
        text = f"date 2025-06-06 Anzeige\n06.06.2025 13:18 Uhr\nAcme AG: {_text(rng, 5)}\n\n{_text(rng, 30)} {word}"
    return Case(name, text.encode("utf-8"), indexed={name: word})


@st.composite
def random_bytes(draw, n: int) -> Case:
    """Truly random bytes (seeded): Hypothesis's own binary() favours zeros and repeats, text-like."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    return Case(f"random-{n}.txt", rng.randbytes(draw(st.integers(512, 4096))), fails="binary file")


@st.composite
def invalid_utf8(draw, n: int) -> Case:
    """Good text with bytes that are not UTF-8 between its words: read as cp1252, with a warning."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    word = plant(n)
    parts = [_text(rng, 5), "\n\n", *(_text(rng, 3) + " " for _ in range(8)), word]
    stray = draw(
        st.lists(
            st.sampled_from([b"\xff", b"\xfe", b"\xe9", b"\xc3", b"\x80", b"\x81", b"\x9d"]), min_size=1, max_size=6
        )
    )
    data = b"".join(p.encode("utf-8") for p in parts)
    for s in stray:
        cut = data.rfind(b" ", 0, draw(st.integers(1, len(data) - len(word) - 1))) + 1
        data = data[:cut] + s + b" " + data[cut:]
    name = f"latin-{n}.{draw(st.sampled_from(['txt', 'md']))}"
    return Case(name, data, indexed={name: word}, warnings=("not valid UTF-8",))


@st.composite
def nuls_in_text(draw, n: int) -> Case:
    """NUL bytes inside text: the file is binary (a NUL in the first 8 KB says so; UTF-16 has many)."""
    data = bytearray(f"{WORDS[0]} title\n\n{' '.join(WORDS * 4)}".encode())
    for _ in range(draw(st.integers(1, 5))):
        data.insert(draw(st.integers(0, len(data))), 0)
    return Case(f"nul-{n}.txt", bytes(data), fails="binary file (NUL bytes)")


@st.composite
def blank_files(draw, n: int) -> Case:
    ext = draw(st.sampled_from(["txt", "md", "html"]))
    kind = draw(st.sampled_from(["zero", "ascii", "unicode"]))
    if kind == "zero":
        return Case(f"zero-{n}.{ext}", b"", fails="empty file")
    if kind == "ascii":
        return Case(
            f"blank-{n}.{ext}",
            draw(st.text(" \t\n\r\x0b\x0c", min_size=1, max_size=300)).encode(),
            fails="empty file (only whitespace)",
        )
    spaces = draw(st.text(" \n\u00a0\u2009\u3000\u202f", min_size=1, max_size=100)).encode("utf-8")
    if not spaces.strip():  # only ASCII spaces were drawn
        return Case(f"blank-{n}.{ext}", spaces, fails="empty file (only whitespace)")
    return Case(f"spaces-{n}.{ext}", spaces, fails="no text")


def _valid_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


@st.composite
def portal_headers(draw, n: int) -> Case:
    """The portal header with dates like 31.02.2025 and times like 25:61; with no body, or one."""
    y, m, d = draw(st.integers(1990, 2030)), draw(st.integers(1, 14)), draw(st.integers(1, 35))
    hour, minute = draw(st.integers(0, 29)), draw(st.integers(0, 69))
    header = f"date {y}-{m:02d}-{d:02d} Anzeige\n{d:02d}.{m:02d}.{y} {hour:02d}:{minute:02d} Uhr\n"
    name = f"portal-{n}.txt"
    if not draw(st.booleans()):
        return Case(name, header.encode(), fails="no text")
    word = plant(n)
    day = _valid_date(y, m, d)
    warnings: tuple[str, ...] = () if day else ("header date", "is not a valid date")
    if not day or hour > 23 or minute > 59:
        warnings += ("timestamp", "is not a valid time")
    data = f"{header}Acme AG: Quarterly report\n\n{' '.join(WORDS)} {word}".encode()
    return Case(name, data, indexed={name: word}, warnings=warnings, date=day)


def _value(kind: str):
    return {
        "text": st.text("abcdefghij ", min_size=1, max_size=12).filter(str.strip) | st.just("\udfff lone surrogate"),
        "number": st.integers(-(2**40), 2**40) | st.floats(),
        "list": st.lists(st.integers(), max_size=3),
        "object": st.dictionaries(st.text("xyz", max_size=3), st.integers(), max_size=2),
        "null": st.none(),
        "bool": st.booleans(),
        "date": st.dates(dt.date(1990, 1, 1), dt.date(2035, 12, 31)).map(dt.date.isoformat),
        "baddate": st.sampled_from(["2025-02-31", "31.02.2025", "yesterday", "2025-13-01"]),
        "id": st.from_regex(r"j-[a-z0-9]{1,6}", fullmatch=True),
        "blank": st.just(" "),
    }[kind]


#: The kinds of value each key is given, and those it takes (any other makes the line fail,
#: naming the key): text for the text fields, an ISO date for ``date``, text or a number for ``id``.
KEY_KINDS = {
    "title": (
        ["text", "number", "list", "object", "null", "bool", "date", "id", "blank"],
        {"text", "number", "null", "date", "id", "blank"},
    ),
    "body": (["text", "number", "list", "object", "null", "bool", "id"], {"text", "number", "null", "id"}),
    "language": (["text", "number", "list", "object", "null", "bool", "id"], {"text", "null", "id"}),
    "date": (["date", "baddate", "number", "list", "object", "null", "bool"], {"date", "null"}),
    "id": (["id", "number", "list", "object", "null", "bool", "blank", "text"], {"id", "number", "null", "text"}),
}


@st.composite
def jsonl_files(draw, n: int) -> Case:
    """JSON Lines whose values have every wrong type, truncated lines, non-objects, duplicates."""
    name = f"feed-{n}.jsonl"
    case = Case(name, b"")
    lines, seen = [], set()
    for number in range(1, draw(st.integers(1, 8)) + 1):
        shape = draw(st.sampled_from(["record", "record", "record", "truncated", "array", "blank"]))
        if shape == "blank":
            lines.append("   ")
            continue
        keys = draw(st.lists(st.sampled_from(sorted(KEY_KINDS)), unique=True, max_size=5))
        kinds = {k: draw(st.sampled_from(KEY_KINDS[k][0])) for k in keys}
        record = {k: draw(_value(kind)) for k, kind in kinds.items()}
        line = json.dumps(record)
        if shape == "array":
            lines.append(json.dumps(list(record.values())))
            case.bad_lines[number] = ("not an object",)
            continue
        if shape == "truncated":
            lines.append(line[: draw(st.integers(1, len(line) - 1))])
            case.bad_lines[number] = ("not valid JSON",)
            continue
        lines.append(line)
        wrong = tuple(f"'{k}'" for k, kind in kinds.items() if kind not in KEY_KINDS[k][1])
        if kinds.get("id") == "blank":
            wrong += ("empty id",)
        if wrong:
            case.bad_lines[number] = wrong
            continue
        value = record.get("id")
        doc_id = f"{name}#{number}" if value is None else str(value).replace("\udfff", "\ufffd")
        if doc_id in seen:
            case.bad_lines[number] = ("already used earlier in this file",)
            continue
        seen.add(doc_id)
        case.indexed[doc_id] = None
    case.data = ("\n".join(lines) + draw(st.sampled_from(["", "\n"]))).encode("utf-8")
    if not case.data.strip():
        case.fails = "empty file (only whitespace)"
    return case


@st.composite
def long_lines(draw, n: int) -> Case:
    """A 1–2 MB file of one line: its title, searchable."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    size, word = draw(st.integers(1_000_000, 2_000_000)), plant(n)
    half = _text(rng, size // 16)
    name = f"long-{n}.txt"
    return Case(name, f"{half} {word} {half}".encode(), indexed={name: word})


@st.composite
def long_titles(draw, n: int) -> Case:
    """A 100 KB title (words, or one 100 KB token) above a short body."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    title = "T" * 100_000 if draw(st.booleans()) else _text(rng, 12_000)[:100_000]
    name = f"title-{n}.txt"
    return Case(name, f"{title}\n\n{_text(rng, 10)} {plant(n)}".encode(), indexed={name: plant(n)})


@st.composite
def deep_html(draw, n: int) -> Case:
    """HTML nested 10,000–30,000 levels deep, closed or not, with a word at the bottom."""
    tags = draw(
        st.lists(st.sampled_from(["div", "span", "b", "section", "p", "article", "li"]), min_size=1, max_size=4)
    )
    depth = draw(st.integers(10_000, 30_000))
    opened = "".join(f"<{tags[i % len(tags)]}>" for i in range(depth))
    closed = "".join(f"</{tags[i % len(tags)]}>" for i in reversed(range(depth))) if draw(st.booleans()) else ""
    name = f"deep-{n}.html"
    return Case(name, f"<html><body>{opened}{plant(n)}{closed}</body></html>".encode(), indexed={name: plant(n)})


SMALL = [good_documents, random_bytes, invalid_utf8, nuls_in_text, blank_files, portal_headers, jsonl_files]
BIG = [long_lines, long_titles, deep_html, good_documents]


@st.composite
def folders(draw, kinds, max_files: int) -> list[Case]:
    count = draw(st.integers(1, max_files))
    cases = [draw(draw(st.sampled_from(kinds))(n)) for n in range(count)]
    return [*cases, draw(good_documents(count))]  # at least one good document beside the bad


# --- checking a run ------------------------------------------------------------------------


def write_folder(cases: list[Case], parent: Path) -> Path:
    folder = Path(tempfile.mkdtemp(dir=parent))
    for case in cases:
        (folder / case.name).write_bytes(case.data)
    return folder


def check_run(cases: list[Case], folder: Path, index: Path, **options) -> None:
    """Index ``folder`` and check that each case gave exactly what it must, and nothing else failed."""
    report = index_paths([folder], index, **options)
    by_file: dict[str, list[str]] = {}
    for problem in report.failed:
        assert problem.reason.strip() and "\n" not in problem.reason, problem
        by_file.setdefault(problem.path, []).append(problem.reason)
    warned: dict[str, list[str]] = {}
    for problem in report.warnings:
        warned.setdefault(problem.path, []).append(problem.reason)
    for case in cases:
        path = str(folder / case.name)
        reasons = by_file.pop(path, [])
        if case.fails:
            assert len(reasons) == 1 and case.fails in reasons[0], (case.name, case.fails, reasons)
        else:
            lines = {int(r.split(":")[0].removeprefix("line ")): r for r in reasons if r.startswith("line ")}
            lines.update(
                {
                    n: r
                    for r in reasons
                    if "already used" in r
                    for n in case.bad_lines
                    if "already used earlier in this file" in case.bad_lines[n] and n not in lines
                }
            )
            assert sorted(case.bad_lines) == sorted(lines) and len(reasons) == len(case.bad_lines), (
                case.name,
                case.bad_lines,
                reasons,
            )
            for number, words in case.bad_lines.items():
                assert any(w in lines[number] for w in words), (case.name, number, words, lines[number])
        for warning in case.warnings:
            assert any(warning in w for w in warned.get(path, [])), (case.name, warning, warned.get(path))
    assert not by_file, f"unexpected failures: {by_file}"
    expected = {doc_id: word for case in cases for doc_id, word in case.indexed.items()}
    assert report.added == len(expected)
    with Index(index) as ix:
        assert len(ix) == len(expected)
        for case in cases:
            for doc_id, word in case.indexed.items():
                doc = ix.get(doc_id)
                if case.date is not ...:
                    assert doc.date == case.date, (case.name, doc.date, case.date)
                if word is not None:
                    assert [h.id for h in ix.search(word, limit=5).hits] == [doc_id], (case.name, word)


@pytest.mark.parametrize("workers", [1, 2])
@settings(HOSTILE, max_examples=30)
@given(cases=folders(SMALL, max_files=8))
def test_hostile_small_files_are_reported_and_the_rest_indexed(cases, workers, tmp_path, monkeypatch):
    monkeypatch.setattr(build, "MIN_FILES_PER_WORKER", 1)  # with workers=2, two processes really share the files
    folder = write_folder(cases, tmp_path)
    check_run(cases, folder, folder.with_suffix(".ix"), workers=workers)


@settings(HOSTILE, max_examples=8)
@given(cases=folders(BIG, max_files=2))
def test_long_lines_titles_and_deep_html_are_indexed(cases, tmp_path):
    folder = write_folder(cases, tmp_path)
    check_run(cases, folder, folder.with_suffix(".ix"), workers=1)


# --- the same kinds through the real CLI -----------------------------------------------------

#: Random bytes without a NUL: binary by their share of control characters (ASCII's, counted here).
NO_NULS = bytes(b for b in random.Random(7).randbytes(2048) if b)
CONTROLS = sum(1 for b in NO_NULS if b < 0x20 and b not in b"\t\n\x0c\r" or b == 0x7F)

#: One real sample of each bad kind: file name, bytes, the reason `dateline index` prints.
CLI_CASES = [
    ("random.txt", NO_NULS, f"binary file ({CONTROLS} control characters in the first {len(NO_NULS)})"),
    ("nul.txt", b"Title\n\nsome \x00 text", "binary file (NUL bytes)"),
    ("zero.txt", b"", "empty file"),
    ("blank.md", b" \n\t\r\n ", "empty file (only whitespace)"),
    ("header.txt", b"date 2025-02-31 Anzeige\n31.02.2025 13:18 Uhr\n", "no text"),
    ("feed.jsonl", b'{"id": "a", "title": [1, 2]}\n', "line 1: 'title' must be text, not list"),
    (
        "types.jsonl",
        b'{"id": "b", "language": 7}\n',
        "line 1: 'language' must be a language code such as \"en\", not int",
    ),
    ("cut.jsonl", b'{"id": "c", "bo', "line 1: not valid JSON (Unterminated string starting at, column 13)"),
    ("nested.jsonl", b"[" * 100_000 + b"]" * 100_000 + b"\n", "line 1: JSON nested too deeply"),
    (
        "front.md",
        b"---\ntitle: Fine\n  bad: indent\n---\nbody\n",
        "front matter is not valid YAML (mapping values are not allowed here)",
    ),
]


@pytest.mark.parametrize("name, data, reason", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_cli_lists_each_bad_file_and_exits_1(cli, tmp_path, name, data, reason):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / name).write_bytes(data)
    (docs / "good.txt").write_text(f"Good title\n\nstory {plant(1)}", "utf-8")
    result = cli("index", str(docs), index=tmp_path / "ix")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"dateline: failed: {docs / name}: {reason}"]
    assert result.output.splitlines()[-1].startswith("1 added, 0 updated, 0 removed, 0 unchanged, 1 failed")
    assert cli("search", plant(1), "--format", "paths", index=tmp_path / "ix").output == "good.txt\n"


def test_cli_indexes_text_that_is_not_utf8_with_a_warning(cli, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "legacy.txt").write_bytes(b"Caf\xe9 title\n\nstory \x81 " + plant(2).encode())
    result = cli("index", str(docs), index=tmp_path / "ix")
    assert result.exit_code == 0
    assert result.stderr == f"dateline: warning: {docs / 'legacy.txt'}: not valid UTF-8 (byte 3); read as Latin-1\n"
    assert cli("search", plant(2), "--format", "paths", index=tmp_path / "ix").output == "legacy.txt\n"


# --- the size limit ----------------------------------------------------------------------------


@pytest.mark.parametrize("option, limit", [("1000", 1000), ("2KB", 2048), ("1.5k", 1536), ("1MB", 1024**2)])
def test_max_size_skips_a_file_just_over_and_indexes_one_at_the_limit(cli, tmp_path, option, limit):
    from indexer.parse.files import format_size

    docs = tmp_path / "docs"
    docs.mkdir()
    body = f"Title\n\n{plant(3)} "
    (docs / "under.txt").write_text(body + "x" * (limit - len(body)), "utf-8")
    (docs / "over.txt").write_text(body + "x" * (limit + 1 - len(body)), "utf-8")
    assert (docs / "under.txt").stat().st_size == limit
    result = cli("index", str(docs), "--max-size", option, index=tmp_path / "ix")
    assert result.exit_code == 1
    assert result.stderr == (
        f"dateline: failed: {docs / 'over.txt'}: larger than the {format_size(limit)} limit "
        f"(--max-size); skipped: {limit + 1} bytes\n"
    )
    assert cli("search", plant(3), "--format", "paths", index=tmp_path / "ix").output == "under.txt\n"


@pytest.mark.parametrize("option", ["0", "-5", "20XB", "MB", "lots"])
def test_max_size_refuses_what_is_not_a_size(cli, tmp_path, option):
    (tmp_path / "a.txt").write_text("Title\n\nbody", "utf-8")
    result = cli("index", str(tmp_path / "a.txt"), "--max-size", option, index=tmp_path / "ix")
    assert result.exit_code == 2 and "--max-size" in result.stderr
    assert not (tmp_path / "ix").exists()


def test_a_jsonl_line_with_a_5000_digit_number_fails_alone(cli, tmp_path):
    # Python refuses to turn more than 4300 digits into an int (a ValueError, not a JSON
    # error): that line is reported, the lines around it are indexed.
    feed = tmp_path / "feed.jsonl"
    lines = [
        {"id": "before", "title": "Before", "body": plant(5)},
        None,
        {"id": "after", "title": "After", "body": plant(5)},
    ]
    text = "\n".join(json.dumps(x) if x else '{"id": "huge", "title": "Huge", "n": ' + "7" * 5000 + "}" for x in lines)
    feed.write_text(text + "\n", "utf-8")
    result = cli("index", str(feed), index=tmp_path / "ix")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"dateline: failed: {feed}: line 2: a number with more than 4300 digits"]
    found = cli("search", plant(5), "--format", "paths", index=tmp_path / "ix").output.split()
    assert sorted(found) == ["after", "before"]


@pytest.mark.parametrize("option", ["30GB", "18446744073709551616", "9" * 400, "4097MB"])
def test_max_size_above_the_maximum_is_a_usage_error(cli, tmp_path, option):
    (tmp_path / "a.txt").write_text("Title\n\nbody", "utf-8")
    result = cli("index", str(tmp_path / "a.txt"), "--max-size", option, index=tmp_path / "ix")
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert errors == [f"Error: Invalid value for '--max-size': {option!r}: the size must be at most 4 GB"]
    assert not (tmp_path / "ix").exists()


def test_the_largest_max_size_is_not_allocated_up_front(tmp_path):
    # With the address space bounded below the limit, a small file is still read: the limit
    # bounds what is read, it is not a buffer allocated before reading.
    import resource
    import subprocess

    from conftest import installed_dateline

    (tmp_path / "a.txt").write_text(f"Title\n\n{plant(6)}", "utf-8")
    room = 4 * 1024**3 - 256 * 1024**2  # the documented maximum, 4 GB, less 256 MB

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (room, room))

    proc = subprocess.run(
        [
            installed_dateline(),
            "index",
            str(tmp_path / "a.txt"),
            "--max-size",
            "4GB",
            "--workers",
            "1",
            "--index",
            str(tmp_path / "ix"),
        ],
        capture_output=True,
        text=True,
        preexec_fn=bounded,
        timeout=120,
    )
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.startswith("1 added")


def test_default_limit_is_20_mb(cli, tmp_path):
    from indexer.parse.files import MAX_FILE_BYTES, parse_size

    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: 20 MB and one byte, none of it written
    result = cli("index", str(big), index=tmp_path / "ix")
    assert parse_size("20MB") == MAX_FILE_BYTES
    assert (
        result.stderr
        == f"dateline: failed: {big}: larger than the 20 MB limit (--max-size); skipped: {MAX_FILE_BYTES + 1} bytes\n"
    )
