"""The `dateline` command through Click's CliRunner, plus a few runs of the installed script."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import CORPUS, ROOT, SEED_NAME, installed_dateline, on_terminal

from search.cli.commands import main

HIT_KEYS = {"rank", "id", "score", "snippet", "highlights", "title", "issuer", "date", "body"}


@pytest.fixture
def run(cli):
    return cli


def test_index_prints_one_summary_line_and_exits_0(run, tmp_path):
    result = run("index", str(CORPUS), index=tmp_path / "ix")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert " added, 0 updated, 0 removed, 0 unchanged, 0 failed in " in lines[0]
    assert "docs/s" in lines[0]
    again = run("index", str(CORPUS), index=tmp_path / "ix")
    assert again.stdout.startswith("0 added, 0 updated, 0 removed, ")


def test_index_with_failures_exits_1_and_lists_them(run, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text("Good\n\nstory", "utf-8")
    (docs / "bad.txt").write_bytes(b"\x00\x01\x02binary")
    result = run("index", str(docs), index=tmp_path / "ix")
    assert result.exit_code == 1
    assert f"dateline: failed: {docs / 'bad.txt'}: binary file (NUL bytes)" in result.stderr
    assert result.stdout.startswith("1 added, 0 updated, 0 removed, 0 unchanged, 1 failed")


def test_index_uses_dateline_index_env(run, isolated_index):
    result = run("index", str(CORPUS / SEED_NAME))
    assert result.exit_code == 0
    assert (isolated_index / "dateline.json").is_file()
    assert run("search", "communique").exit_code == 0


def test_bad_map_is_a_usage_error(run, tmp_path):
    result = CliRunner().invoke(main, ["index", str(CORPUS), "--map", "headline"])
    assert result.exit_code == 2
    assert "KEY=FIELD" in result.stderr


def test_search_text_output(run, corpus_index, corpus_ix):
    result = run("search", '"armed forces"', index=corpus_index)
    assert result.exit_code == 0
    first = result.stdout.split("\n\n")[0].splitlines()
    assert first[0].startswith("1.  ") and "2025-06-06  General Staff of the Armed Forces of Mali (FAMa)" in first[0]
    assert first[2].strip() == "BAMAKO, Mali · PR Newswire · prnewswire-fama-2025-06-06.txt"
    assert "[Armed] [Forces]" in first[3]
    assert "\x1b[" not in result.stdout  # no colour when not a terminal
    total = corpus_ix.search('"armed forces"').total
    assert total > 1
    assert re.fullmatch(rf"{total} hits in \d+ ms, showing 1–{total}", result.stdout.rstrip().splitlines()[-1])


def test_search_color_always(run, corpus_index):
    result = run("search", "communique", "--color", "always", index=corpus_index)
    assert "\x1b[" in result.stdout and "[communiqué]" not in result.stdout


def test_search_json_has_the_documented_keys(run, corpus_index):
    result = run("search", "mali", "--format", "json", "-n", "2", index=corpus_index)
    data = json.loads(result.stdout)
    assert set(data) == {"query", "total", "elapsed_ms", "page", "limit", "hits", "suggestion"}
    assert data["query"] == "mali" and data["page"] == 1 and data["limit"] == 2
    assert data["total"] >= len(data["hits"]) > 0
    seed = next(h for h in data["hits"] if h["id"] == SEED_NAME)
    assert HIT_KEYS <= set(seed)
    assert seed["published"] == "2025-06-06T13:18:00+02:00"
    for start, end in seed["highlights"]:
        assert seed["snippet"][start:end].lower().startswith("mali")


def test_search_jsonl_and_paths(run, corpus_index):
    jsonl = run("search", '"armed forces"', "--format", "jsonl", index=corpus_index)
    paths = run("search", '"armed forces"', "--format", "paths", index=corpus_index)
    hits = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert [h["id"] for h in hits] == paths.stdout.split()
    assert paths.stdout.split()[0] == SEED_NAME


def test_zero_hits_exit_1(run, corpus_index):
    result = run("search", "xylophone", index=corpus_index)
    assert result.exit_code == 1
    assert re.fullmatch(r"0 hits in \d+ ms", result.stdout.strip())


@pytest.mark.parametrize(
    "query, message",
    [
        ("date:2025-13", "dateline: query 'date:2025-13': month must be in 1..12"),
        ("date:soon", "dateline: query 'date:soon': 'soon' is not a date"),
        ("nosuchfield:x", "dateline: query 'nosuchfield:x': unknown field 'nosuchfield'"),
        ("   ", "dateline: empty query"),
    ],
)
def test_malformed_query_exit_2_one_line(run, corpus_index, query, message):
    result = run("search", query, index=corpus_index)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_missing_index_exit_2(run, tmp_path):
    result = run("search", "mali", index=tmp_path / "none")
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == f"dateline: no dateline index at {tmp_path / 'none'} (create it with: dateline index PATH)"
    )


def test_incompatible_index_exit_2(run, tmp_path):
    run("index", str(CORPUS / SEED_NAME), index=tmp_path / "ix")
    (tmp_path / "ix" / "dateline.json").write_text('{"schema_version": 999}', "utf-8")
    result = run("search", "mali", index=tmp_path / "ix")
    assert result.exit_code == 2
    assert "schema version 999" in result.stderr and "--rebuild" in result.stderr


def test_show_and_stats(run, corpus_index):
    shown = run("show", SEED_NAME, index=corpus_index)
    assert shown.exit_code == 0
    assert "issuer:" in shown.stdout and "General Staff of the Armed Forces of Mali (FAMa)" in shown.stdout
    doc = json.loads(run("show", SEED_NAME, "--format", "json", index=corpus_index).stdout)
    assert doc["place"] == "BAMAKO, Mali" and doc["copyright"] == "© 2025 PR Newswire"
    missing = run("show", "nope.txt", index=corpus_index)
    assert missing.exit_code == 2 and "no document with id 'nope.txt'" in missing.stderr
    stats = json.loads(run("stats", "--format", "json", index=corpus_index).stdout)
    assert stats["documents"] > 40
    assert {"wire": "PR Newswire", "count": stats["wires"][0]["count"]} in stats["wires"]
    assert {row["language"] for row in stats["languages"]} == {"en", "de"}
    assert sum(row["count"] for row in stats["languages"]) == stats["documents"]
    text = run("stats", index=corpus_index).stdout
    assert f"documents:  {stats['documents']}" in text and "languages:" in text


def test_search_lang_option(run, corpus_index):
    german = run("search", "solar OR Solarenergie", "--lang", "de", "--format", "json", "-n", "50", index=corpus_index)
    hits = json.loads(german.stdout)["hits"]
    assert hits and {h["language"] for h in hits} == {"de"}
    bad = run("search", "solar", "--lang", "fr", index=corpus_index)
    assert bad.exit_code == 2 and "'fr' is not one of" in bad.stderr


@pytest.mark.slow
def test_installed_command_end_to_end(tmp_path):
    exe = installed_dateline()
    env = {**os.environ, "DATELINE_INDEX": str(tmp_path / "ix")}
    indexed = subprocess.run([exe, "index", str(CORPUS)], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert indexed.returncode == 0, indexed.stderr
    found = subprocess.run(
        [exe, "search", '"armed forces"', "--format", "paths"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert found.returncode == 0 and found.stdout.split()[0] == SEED_NAME
    bad = subprocess.run(
        [exe, "search", "date:[2025-99-01 TO 2025-06-30]"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert bad.returncode == 2 and bad.stderr.startswith("dateline: query ") and "Traceback" not in bad.stderr
    none = subprocess.run([exe, "search", "xylophone"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert none.returncode == 1


@pytest.mark.slow
def test_installed_command_exits_with_all_its_output(corpus_index, cli):
    """A read-only command ends without the interpreter's teardown (`search.cli.launch`): its
    output is still all there, its status the command's; a reader gone early is no error."""
    exe = installed_dateline()
    env = {**os.environ, "DATELINE_INDEX": str(corpus_index), "DATELINE_NO_SERVE": "1"}
    for args, status in [
        (("search", "energy OR solar OR wind", "--format", "json", "-n", "40"), 0),
        (("search", "xylophone"), 1),
        (("stats",), 0),
        (("show", "no-such-document.txt"), 2),
    ]:
        proc = subprocess.run([exe, *args], capture_output=True, text=True, env=env)
        local = cli(*args, index=corpus_index)
        assert proc.returncode == local.exit_code == status, proc.stderr
        same = lambda text: re.sub(r'in \d+ ms|"elapsed_ms": [\d.]+', "TIME", text)  # noqa: E731
        assert (same(proc.stdout), proc.stderr) == (same(local.stdout), local.stderr)
    gone = subprocess.Popen(
        [exe, "search", "energy OR solar OR wind", "-n", "40"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert gone.stdout is not None and gone.stderr is not None
    gone.stdout.close()
    assert gone.wait(timeout=60) == 0 and gone.stderr.read() == b""
    gone.stderr.close()


@pytest.mark.slow
def test_python_dash_m_search(tmp_path):
    env = {**os.environ, "DATELINE_INDEX": str(tmp_path / "ix")}
    subprocess.run(
        [sys.executable, "-m", "search", "index", str(CORPUS / SEED_NAME)],
        check=True,
        env=env,
        capture_output=True,
        cwd=ROOT,
    )
    shown = subprocess.run(
        [sys.executable, "-m", "search", "show", SEED_NAME, "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert json.loads(shown.stdout)["wire"] == "PR Newswire"


@pytest.mark.slow
def test_progress_bar_only_on_a_terminal(tmp_path):
    """On a real pseudo-terminal stderr gets a progress bar; piped, only the summary line is printed."""
    exe = installed_dateline()
    env = {**os.environ, "DATELINE_INDEX": str(tmp_path / "ix"), "COLUMNS": "100"}
    proc, shown = on_terminal([exe, "index", str(CORPUS)], "stderr", env=env, cwd=tmp_path)
    assert proc.returncode == 0
    assert b"indexing" in shown and b"100%" in shown
    piped = subprocess.run([exe, "index", "--rebuild", str(CORPUS)], capture_output=True, env=env, cwd=tmp_path)
    assert piped.stderr == b"" and len(piped.stdout.splitlines()) == 1


@pytest.mark.parametrize(
    "tty, no_color, choice, coloured, emphasised",
    [
        (True, None, "auto", True, False),
        (True, "1", "auto", False, True),
        (False, None, "auto", False, False),
        (False, None, "always", True, False),
        (True, None, "never", False, False),
    ],
)
def test_colour_choice(monkeypatch, tty, no_color, choice, coloured, emphasised):
    """Colour on a terminal; bold and underline there with NO_COLOR; [brackets] (no style) off it."""
    from search.cli import commands as cli

    monkeypatch.setattr(sys.stdout, "isatty", lambda: tty)
    if no_color:
        monkeypatch.setenv("NO_COLOR", no_color)
    style = cli._style(choice)
    assert (style is not None) == (coloured or emphasised)
    if coloured:
        assert style("x") != "x" and "\x1b[1;33m" in style("x")
    if emphasised:
        assert style("x") == "\x1b[1;4mx\x1b[0m"


@pytest.mark.parametrize("no_color, mark", [(None, b"\x1b[1;33m"), ("1", b"\x1b[1;4m")])
def test_search_on_a_terminal_wraps_and_marks(tmp_path, corpus_index, no_color, mark):
    """On a real pseudo-terminal 50 columns wide: matches coloured (bold and underlined with
    NO_COLOR, never coloured then), every line within 50 columns but lone long words."""
    exe = installed_dateline()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    env.update({"DATELINE_INDEX": str(corpus_index), "COLUMNS": "50", "DATELINE_NO_SERVE": "1"})
    if no_color:
        env["NO_COLOR"] = no_color
    proc, shown = on_terminal([exe, "search", '"armed forces"', "--explain"], "stdout", env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert mark in shown and shown.count(mark) >= 4
    if no_color:
        assert b"\x1b[1;33m" not in shown and b"[Armed]" not in shown
    text = re.sub(r"\x1b\[[0-9;]*m", "", shown.decode("utf-8"))
    lines = text.replace("\r\n", "\n").splitlines()
    assert len(lines) > 20
    assert all(len(line) <= 50 or len(line.split()) == 1 for line in lines), [line for line in lines if len(line) > 50]
    assert "General Staff of the Malian Armed Forces" in text.replace("\n   ", " ")


def test_any_ranks_documents_with_some_of_the_words(run, corpus_index):
    every = run("search", "mali tessellate", "--format", "paths", "-n", "100", index=corpus_index)
    some = run("search", "mali tessellate", "--any", "--format", "paths", "-n", "100", index=corpus_index)
    assert every.exit_code == 1 and every.stdout == ""
    found = set(some.stdout.split())
    assert SEED_NAME in found and "en/globenewswire-tessellate-treasury-analytics-2025-09-16.txt" in found


def test_batch_writes_a_trec_run(run, corpus_index, tmp_path):
    queries = tmp_path / "q.tsv"
    queries.write_text('1\tarmed forces of Mali?\n2\t( " ?\n', "utf-8")  # query 2 has no words
    result = run("search", "--batch", str(queries), "-n", "3", index=corpus_index)
    assert result.exit_code == 0
    lines = [line.split() for line in result.stdout.strip().split("\n")]
    assert [fields[:2] + fields[3:4] + fields[5:] for fields in lines] == [
        ["1", "Q0", str(r), "dateline"] for r in (1, 2, 3)
    ]
    assert lines[0][2] == SEED_NAME


@pytest.mark.parametrize("args", [[], ["mali", "--batch", "q.tsv"]])
def test_search_needs_a_query_or_a_batch(run, corpus_index, args):
    result = run("search", *args, index=corpus_index)
    assert result.exit_code == 2 and result.stderr == "dateline: give a QUERY or --batch QUERIES (not both)\n"


def test_batch_file_errors_are_one_line(run, corpus_index, tmp_path):
    bad = tmp_path / "q.tsv"
    bad.write_text("no tab\n", "utf-8")
    result = run("search", "--batch", str(bad), index=corpus_index)
    assert result.exit_code == 2 and result.stderr == f"dateline: {bad}, line 1: expected 'qid<TAB>text'\n"


def test_ranking_options_change_the_order(run, jsonl_index):
    path = jsonl_index(
        [
            {"_id": "title", "title": "Solar results", "text": "Output rose in the quarter.", "language": "en"},
            {
                "_id": "body",
                "title": "Results",
                "text": "Solar output rose, solar margins rose, solar demand rose.",
                "language": "en",
            },
            *({"_id": f"f{i}", "title": f"Note {i}", "text": "The board met.", "language": "en"} for i in range(8)),
        ]
    )

    def first(*opts: str) -> str:
        return run("search", "solar", "--format", "paths", *opts, index=path).stdout.split()[0]

    def scores(*opts: str) -> dict[str, float]:
        hits = json.loads(run("search", "solar", "--format", "json", *opts, index=path).stdout)["hits"]
        return {h["id"]: h["score"] for h in hits}

    assert first("--boost", "title=10") == "title"
    assert first("--boost", "title=0.1") == "body"
    # k1 = 0: neither how often nor in which field the word occurs counts any more.
    assert scores("--k1", "0")["title"] == pytest.approx(scores("--k1", "0")["body"])
    # b = 1 penalises the longer body more than b = 0 does.
    assert scores("--b", "1")["body"] < scores("--b", "0")["body"]


@pytest.mark.parametrize(
    "option, message",
    [
        (["--boost", "title"], "use FIELD=WEIGHT"),
        (["--boost", "nope=2"], "cannot boost unknown field 'nope'; choose from title, body"),
        (["--boost", "title=0"], "boost for 'title' must be above 0"),
        (["--boost", "title=x"], "use FIELD=WEIGHT"),
        (["--k1", "-1"], "-1.0 is not in the range x>=0"),
        (["--b", "1.5"], "1.5 is not in the range 0<=x<=1"),
    ],
)
def test_bad_ranking_options_are_usage_errors(run, corpus_index, option, message):
    result = run("search", "mali", *option, index=corpus_index)
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.stderr
