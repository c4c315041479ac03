"""Shell completion (`search.cli.completion`): the installed ``dateline`` script completes commands,
options, choices, field names and paths, in its own process, without loading Whoosh."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import installed_dateline

from indexer.core.defaults import TEXT_FIELDS
from search.cli.commands import main


def complete(line: str, **env: str) -> list[str]:
    """What ``dateline`` offers for the last word of ``line`` (``type,value`` lines, as bash gets them)."""
    words = line.split(" ")
    environ = {
        **os.environ,
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(words) - 1),
        "_DATELINE_COMPLETE": "bash_complete",
        **env,
    }
    proc = subprocess.run([installed_dateline()], env=environ, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and not proc.stderr, proc.stderr
    return proc.stdout.splitlines()


@pytest.mark.parametrize(
    "line, expected",
    [
        ("dateline se", ["plain,search", "plain,serve"]),
        ("dateline st", ["plain,stats"]),
        ("dateline co", ["plain,completion", "plain,config"]),
        ("dateline search --so", ["plain,--sort"]),
        ("dateline search mali --li", ["plain,--limit"]),
        ("dateline search --sort ", ["plain,relevance", "plain,date", "plain,-date"]),
        ("dateline search --format j", ["plain,json", "plain,jsonl"]),
        ("dateline search --lang ", ["plain,en", "plain,de", "plain,xx"]),
        ("dateline search --color n", ["plain,never"]),
        ("dateline completion ", ["plain,bash", "plain,zsh", "plain,fish"]),
        ("dateline search --fields title,b", ["plain,title,body"]),
        ("dateline search --fields d", ["plain,description", "plain,disclaimer"]),
        ("dateline index co", ["file,co"]),  # the shell lists the files and folders
        ("dateline search --index ", ["dir,"]),
        ("dateline search --batch q", ["file,q"]),
    ],
)
def test_installed_script_completes(line, expected):
    assert complete(line) == expected


def test_field_completion_offers_every_field_not_yet_given():
    offered = [item.split(",", 1)[1] for item in complete("dateline search --fields title,body,")]
    assert offered == [f"title,body,{name}" for name in TEXT_FIELDS if name not in ("title", "body")]


def test_completion_runs_locally_and_cheaply(tmp_path):
    """No Whoosh, no numpy, no index: completion runs on every Tab. With a server socket
    configured (even a dead one) the answer still comes from this process."""
    environ = {
        **os.environ,
        "COMP_WORDS": "dateline search --so",
        "COMP_CWORD": "2",
        "_DATELINE_COMPLETE": "bash_complete",
        "DATELINE_INDEX": str(tmp_path / "nothing"),
    }
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", installed_dateline()],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stdout == "plain,--sort\n"
    imported = {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines() if "|" in line}
    assert "click" in imported and "search.cli.commands" in imported
    assert not {name for name in imported if name.split(".")[0] in ("whoosh", "numpy", "Stemmer", "yaml")}
    assert not (tmp_path / "nothing").exists()


def test_completion_ignores_a_broken_config(tmp_path):
    """Completion does not read config files: a bad one must not break Tab."""
    bad = tmp_path / "bad.toml"
    bad.write_text("[search\n")
    assert complete("dateline se", DATELINE_CONFIG=str(bad)) == ["plain,search", "plain,serve"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_command_prints_the_script(shell):
    printed = CliRunner().invoke(main, ["completion", shell]).output
    environ = {**os.environ, "_DATELINE_COMPLETE": f"{shell}_source"}
    sourced = subprocess.run([installed_dateline()], env=environ, capture_output=True, text=True, timeout=60).stdout
    assert printed.strip() == sourced.strip()
    assert (
        f"_DATELINE_COMPLETE={shell}_complete" in printed
        or f"_DATELINE_COMPLETE={shell}_complete" in printed.replace('"', "")
    )


def test_completion_command_rejects_other_shells():
    result = CliRunner().invoke(main, ["completion", "powershell"])
    assert result.exit_code == 2 and "'powershell' is not one of 'bash', 'zsh', 'fish'" in result.output


@pytest.mark.skipif(not shutil.which("bash"), reason="bash is not installed")
@pytest.mark.parametrize(
    "words, expected",
    [
        ("dateline se", "search serve"),
        ("dateline search --sort d", "date"),
        ("dateline search --fields title,bo", "title,body"),
    ],
)
def test_bash_uses_the_script(tmp_path, words, expected):
    """Load the printed script into a real bash, as ~/.bashrc would, and press Tab."""
    script = tmp_path / "dateline.bash"
    script.write_text(CliRunner().invoke(main, ["completion", "bash"]).output)
    exe_dir = os.path.dirname(installed_dateline())
    program = (
        f"source {script}; COMP_WORDS=({words}); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 )); "
        f'[[ "{words}" == *" " ]] && COMP_CWORD=${{#COMP_WORDS[@]}}; '
        '_dateline_completion dateline; echo "${COMPREPLY[@]}"'
    )
    environ = {**os.environ, "PATH": exe_dir + os.pathsep + os.environ.get("PATH", "")}
    proc = subprocess.run(["bash", "--norc", "-c", program], env=environ, capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == expected, proc.stderr
