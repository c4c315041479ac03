"""The README documents every command and option, and its Python example runs as written."""

from __future__ import annotations

import re

import click
import pytest

from conftest import ROOT
from search.cli import main

README = (ROOT / "README.md").read_text("utf-8")


def _commands():
    return sorted(main.commands.items())


@pytest.mark.parametrize("name, command", _commands())
def test_every_command_is_documented(name, command):
    assert f"dateline {name}" in README
    assert command.help and "\b" in command.help, f"`dateline {name} --help` shows no examples"


@pytest.mark.parametrize(
    "name, option",
    [(name, opt) for name, cmd in _commands() for param in cmd.params if isinstance(param, click.Option)
     for opt in param.opts if opt.startswith("--")],
)  # fmt: skip
def test_every_option_is_documented(name, option):
    assert option in README, f"dateline {name} {option} is not in the README"


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
