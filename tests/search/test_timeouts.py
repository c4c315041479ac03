"""Every command that searches honours ``--timeout`` (issue 18.4): past it, one line on stderr
and exit status 2, as ``search`` does; in the Python API, `SearchTimeoutError`."""

from __future__ import annotations

import os
import subprocess

import pytest
from conftest import installed_dateline

from search import QueryError
from search.cli.commands import main
from search.errors import SearchTimeoutError

FAMA = "prnewswire-fama-2025-06-06.txt"
#: The commands that search the index besides ``search`` (whose option they copy), and
#: arguments that search it.
SEARCHING = {"timeline": ["*"], "similar": [FAMA]}


@pytest.mark.parametrize("command", sorted(SEARCHING))
def test_searching_commands_take_the_same_timeout_option(command):
    option = next(p for p in main.commands[command].params if p.name == "timeout")
    search_option = next(p for p in main.commands["search"].params if p.name == "timeout")
    assert option.opts == ["--timeout"] and option.default == search_option.default and option.metavar == "SECONDS"


@pytest.mark.parametrize("command", sorted(SEARCHING))
def test_past_the_timeout_one_line_and_exit_2(cli, corpus_index, command):
    argument = SEARCHING[command][0]
    late = cli(command, argument, "--timeout", "1e-9", index=corpus_index)
    assert late.exit_code == 2
    assert late.output == f"dateline: query {argument!r}: took longer than 1e-09 s (--timeout)\n"
    assert cli(command, argument, "--timeout", "0", index=corpus_index).exit_code == 0


def test_installed_similar_past_its_timeout(corpus_index):
    proc = subprocess.run(
        [installed_dateline(), "similar", FAMA, "--timeout", "1e-9", "--index", str(corpus_index)],
        capture_output=True,
        text=True,
        env={**os.environ, "DATELINE_NO_SERVE": "1"},
    )
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"dateline: query {FAMA!r}: took longer than 1e-09 s (--timeout)\n"


def test_similar_takes_a_timeout(corpus_ix):
    assert corpus_ix.similar(FAMA, timeout=0).hits == corpus_ix.similar(FAMA, timeout=None).hits
    with pytest.raises(SearchTimeoutError):
        corpus_ix.similar(FAMA, timeout=1e-9)
    with pytest.raises(QueryError):
        corpus_ix.similar(FAMA, timeout=-1)


def test_suggest_takes_a_timeout(corpus_ix):
    """A search's suggestion (did you mean) runs within the search's own time limit; alone, it
    takes its own."""
    assert corpus_ix.suggest("armd forcse", timeout=0) == "armed forces"
    with pytest.raises(SearchTimeoutError):
        corpus_ix.suggest("armd forcse", timeout=1e-9)
