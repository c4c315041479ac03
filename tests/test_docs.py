"""The README documents every command and option, and its Python example runs as written."""

from __future__ import annotations

import re
import shlex

import click
import pytest
from click.testing import CliRunner
from conftest import ROOT

from search.cli.commands import main

README = (ROOT / "README.md").read_text("utf-8")


def _commands():
    return sorted(main.commands.items())


@pytest.mark.parametrize("name, command", _commands())
def test_every_command_is_documented(name, command):
    assert f"dateline {name}" in README
    assert command.help and "\b" in command.help, f"`dateline {name} --help` shows no examples"


# Laid out by hand (fmt: skip): ruff's layout, one item a line, takes 11 lines, not 5.
@pytest.mark.parametrize(
    "name, option",
    [(name, opt) for name, cmd in _commands() for param in cmd.params if isinstance(param, click.Option)
     for opt in param.opts if opt.startswith("--")],
)  # fmt: skip
def test_every_option_is_documented(name, option):
    assert option in README, f"dateline {name} {option} is not in the README"


def _examples(command: click.Command) -> list[str]:
    """The lines of a command's examples block (the ``\\b`` paragraph of its docstring)."""
    block = (command.help or "").partition("\b")[2]
    return [line.strip() for line in block.strip("\n").split("\n\n")[0].splitlines() if line.strip()]


@pytest.mark.parametrize("name, command", [("(group)", main), *_commands()])
def test_every_help_shows_examples(name, command):
    """Every command, also those added later, shows two or more `dateline …` examples in --help."""
    argv = [] if command is main else [name]
    shown = CliRunner().invoke(main, [*argv, "--help"], terminal_width=200).output
    examples = _examples(command)
    assert len([line for line in examples if line.startswith("dateline ")]) >= 2, f"dateline {name} --help: {examples}"
    for line in examples:
        assert f"  {line}\n" in shown, f"{line!r} is not shown as written by `dateline {name} --help`"


@pytest.mark.parametrize("line", _examples(main.commands["search"]))
def test_search_help_examples_run(line, corpus_index, tmp_path, monkeypatch):
    """The examples of `dateline search --help` are real: each runs on the sample corpus without
    a usage error (0: hits, 1: none)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "queries.tsv").write_text("q1\tsolar wind storage\nq2\tarmed forces of mali\n", encoding="utf-8")
    argv = shlex.split(line)
    assert argv[0] == "dateline"
    result = CliRunner().invoke(main, [*argv[1:], "--index", str(corpus_index)])
    assert result.exit_code in (0, 1), f"{line}: {result.output}"
    assert "Usage:" not in result.output


def test_readme_python_example_runs(tmp_path, monkeypatch, capsys):
    block = re.search(r"## Python API\n\n```python\n(.*?)```", README, re.DOTALL)[1]
    monkeypatch.chdir(ROOT)
    exec(compile(block.replace("/tmp/dateline-example", str(tmp_path / "ix")), "README", "exec"), {})
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("1 prnewswire-fama-2025-06-06.txt General Staff of the Armed Forces of Mali (FAMa) ")
    assert "[Armed] [Forces]" in lines[0]


def test_readme_opens_with_the_two_setup_commands():
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.DOTALL)
    assert "pip install -q . " in blocks[0] and "dateline index corpus/" in blocks[0] and "dateline search" in blocks[0]
    assert "'.[test]'" in blocks[1] and "pytest" in blocks[1]
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert blocks[1].split("&& ", 1)[1] in ci, "the CI script must run the README's test command"


def test_the_version_moves_with_the_changelog():
    """pyproject.toml's version, the newest CHANGELOG.md heading, the installed package's metadata and
    `dateline --version` agree: a landing that bumps one without the others fails here."""
    import importlib.metadata
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    headings = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", (ROOT / "CHANGELOG.md").read_text("utf-8"), re.MULTILINE)
    assert headings and headings[0] == declared
    assert headings == sorted(headings, key=lambda v: tuple(map(int, v.split("."))), reverse=True)
    assert importlib.metadata.version("dateline") == declared
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output.split()[-1] == declared
