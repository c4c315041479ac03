"""Small frictions of the command line (issue 18): work a listing need not do, ids given as
paths, ``--limit 0``, and a query repaired without a word."""

from __future__ import annotations

import json

import pytest
from conftest import CORPUS, SEED_NAME

from search import snippets


@pytest.fixture
def snippet_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every snippet built from now on (by `search.snippets.highlights`, still called through)."""
    calls: list[str] = []
    real = snippets.highlights

    def counted(hit, fieldname, text, top):
        calls.append(hit["id"])
        return real(hit, fieldname, text, top)

    monkeypatch.setattr(snippets, "highlights", counted)
    return calls


def test_paths_listing_builds_no_snippet(cli, corpus_index, snippet_calls):
    listed = cli("search", "mali OR energy", "--format", "paths", "-n", "50", index=corpus_index)
    assert listed.exit_code == 0, listed.output
    assert len(listed.stdout.split()) > 3
    assert snippet_calls == []
    shown = cli("search", "mali OR energy", "--format", "text", "-n", "5", "--color", "never", index=corpus_index)
    assert shown.exit_code == 0, shown.output
    assert len(snippet_calls) == 5
    assert "[" in shown.stdout  # the snippets' matches, marked
    for fmt in ("jsonl", "csv"):  # they print each hit's snippet, so they still build them
        before = len(snippet_calls)
        assert cli("search", "mali", "--format", fmt, "-n", "3", index=corpus_index).exit_code == 0
        assert len(snippet_calls) > before


def test_show_accepts_the_path_of_an_indexed_file(cli, corpus_index, monkeypatch):
    by_id = cli("show", "plain/rotterdam-terminal-strike-ends.txt", "--format", "json", index=corpus_index)
    assert by_id.exit_code == 0, by_id.output
    by_path = cli(
        "show", str(CORPUS / "plain" / "rotterdam-terminal-strike-ends.txt"), "--format", "json", index=corpus_index
    )
    assert by_path.exit_code == 0, by_path.output
    assert by_path.stdout == by_id.stdout
    monkeypatch.chdir(CORPUS.parent)  # a path relative to the working directory
    relative = cli("show", f"{CORPUS.name}/{SEED_NAME}", "--format", "json", index=corpus_index)
    assert relative.exit_code == 0, relative.output
    assert json.loads(relative.stdout)["id"] == SEED_NAME
    same = cli("similar", str(CORPUS / SEED_NAME), "--format", "paths", index=corpus_index)
    assert same.exit_code == 0 and SEED_NAME not in same.stdout.split()


def test_show_of_an_unknown_id_says_what_an_id_looks_like(cli, corpus_index):
    result = cli("show", "harbour-berth", index=corpus_index)
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert "relative to the folder it was indexed from, e.g. plain/harbour-berth.txt" in lines[0]


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "paths", "html", "csv"])
def test_limit_0_gives_the_total_and_facets_only(cli, corpus_index, fmt):
    full = json.loads(cli("search", "mali OR energy", "--facet", "wire", "--format", "json", index=corpus_index).stdout)
    result = cli("search", "mali OR energy", "-n", "0", "--facet", "wire", "--format", fmt, index=corpus_index)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        counted = json.loads(result.stdout)
        assert counted["hits"] == [] and counted["limit"] == 0
        assert counted["total"] == full["total"] > 0 and counted["facets"] == full["facets"]
    elif fmt == "text":
        assert result.stdout.splitlines()[-1].startswith(f"{full['total']} hits in ")
        assert "none on page" not in result.stdout
        assert f"{full['facets']['wire'][0]['count']}  {full['facets']['wire'][0]['value']}" in result.stdout
    elif fmt == "csv":
        assert result.stdout.strip().splitlines() == [result.stdout.splitlines()[0]]  # the header alone
    else:
        assert not any(hit["id"] in result.stdout for hit in full["hits"])
    assert cli("search", "zzqxv", "-n", "0", "--format", fmt, index=corpus_index).exit_code == 1


def test_limit_0_with_a_batch_is_refused(cli, corpus_index, tmp_path):
    queries = tmp_path / "queries.tsv"
    queries.write_text("q1\tmali\n", encoding="utf-8")
    result = cli("search", "--batch", str(queries), "-n", "0", index=corpus_index)
    assert result.exit_code == 2
    assert result.stderr == "dateline: --limit 0 lists no hits; a --batch run needs 1 or more per query\n"


def test_an_unclosed_quote_is_closed_and_said_so_on_stderr(cli, corpus_index):
    typed = cli("search", '"armed forces', "--format", "json", index=corpus_index)
    phrase = cli("search", '"armed forces"', "--format", "json", index=corpus_index)
    assert typed.exit_code == phrase.exit_code == 0
    assert typed.stderr == ""  # programs' output: unchanged, nothing said
    assert [h["id"] for h in json.loads(typed.stdout)["hits"]] == [h["id"] for h in json.loads(phrase.stdout)["hits"]]
    shown = cli("search", '"armed forces', "--color", "never", index=corpus_index)
    assert shown.exit_code == 0
    assert shown.stderr == "dateline: query '\"armed forces': read as '\"armed forces\"' (closed the quote)\n"
    assert (
        shown.stdout.split("\n\n")[0]
        == cli("search", '"armed forces"', "--color", "never", index=corpus_index).stdout.split("\n\n")[0]
    )


def test_unbalanced_brackets_are_said_and_the_exit_status_kept(cli, corpus_index):
    none = cli("search", "zzqxv (mali OR", index=corpus_index)
    assert none.exit_code == 1
    assert (
        none.stderr.splitlines()[0]
        == "dateline: query 'zzqxv (mali OR': read as 'zzqxv (mali OR)' (closed the bracket)"
    )
    stray = cli("search", "mali)", index=corpus_index)
    assert stray.exit_code == 0
    assert stray.stderr == "dateline: query 'mali)': read as 'mali' (dropped a bracket that closes nothing)\n"
    assert cli("search", "(mali)", index=corpus_index).stderr == ""


def test_results_hold_the_reading_of_an_unbalanced_query(corpus_ix):
    results = corpus_ix.search('"unbalanced (')
    assert results.read_as == '"unbalanced ("' and results.repairs == ("closed the quote",)
    assert corpus_ix.search('"armed forces"').read_as is None
    assert corpus_ix.search('"armed forces', syntax=False).read_as is None
