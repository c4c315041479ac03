"""Saved defaults (`search.cli.config`): which files are read, what each key does, the precedence
flag > environment variable > config file > built-in default, and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import CORPUS, installed_dateline

from indexer.core.trust import SAFE_KEY
from search.cli.commands import main
from search.cli.config import KEYS, Config, load_config
from search.cli.render.text import settings_text

WIDE = "date:[2000-01-01 TO]"  # every dated document of the sample corpus


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config files as a user has them: none named by $DATELINE_CONFIG, the user's file under
    $XDG_CONFIG_HOME, and the current directory (a fresh folder) for dateline.toml."""
    monkeypatch.delenv("DATELINE_CONFIG")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def user_config(text: str) -> Path:
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "dateline" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str, **env: str | None):
    """The CLI in-process, with extra environment variables (None unsets one)."""
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def hits(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["hits"]


def corpus_documents() -> list:
    """The sample corpus's documents, read by the parser (not the index)."""
    from indexer.parse.files import read_documents
    from indexer.write.walk import walk

    return [doc for path in walk(CORPUS).files for doc in read_documents(path).documents]


def dated_documents() -> int:
    return sum(1 for doc in corpus_documents() if doc.date)


# -- precedence: flag > environment variable > config file > built-in default ---------------------


@pytest.mark.parametrize(
    "user, local, explicit, flag, expected",
    [
        (None, None, None, None, 10),  # built-in default
        (7, None, None, None, 7),  # the user's config.toml
        (7, 5, None, None, 5),  # ./dateline.toml overrides it
        (None, 5, None, None, 5),
        (7, 5, 3, None, 3),  # $DATELINE_CONFIG: that file alone
        (7, None, 3, 2, 2),  # a flag beats every file
        (None, 5, None, 4, 4),
    ],
)
def test_limit_precedence(
    home: Path,
    corpus_index: Path,
    user: int | None,
    local: int | None,
    explicit: int | None,
    flag: int | None,
    expected: int,
) -> None:
    assert dated_documents() > 10
    env: dict[str, str | None] = {}
    if user is not None:
        user_config(f"[search]\nlimit = {user}\n")
    if local is not None:
        (home / "dateline.toml").write_text(f"[search]\nlimit = {local}\n")
    if explicit is not None:
        named = home.parent / "named.toml"
        named.write_text(f"[search]\nlimit = {explicit}\n")
        env["DATELINE_CONFIG"] = str(named)
    args = ["search", WIDE, "--index", str(corpus_index), "--format", "json"] + (["-n", str(flag)] if flag else [])
    result = run(*args, **env)
    assert len(hits(result)) == expected
    assert json.loads(result.output)["total"] == dated_documents()


@pytest.mark.parametrize(
    "config, env, flag, expected",
    [
        (None, None, None, ".dateline"),  # built-in default
        ("from-config", None, None, "from-config"),
        ("from-config", "from-env", None, "from-env"),  # $DATELINE_INDEX beats the file
        ("from-config", "from-env", "from-flag", "from-flag"),
        (None, None, "from-flag", "from-flag"),
    ],
)
def test_index_precedence(home, monkeypatch, config, env, flag, expected):
    monkeypatch.delenv("DATELINE_INDEX")
    if config:
        (home / "dateline.toml").write_text(f'index = "{config}"\n')
    if env:
        monkeypatch.setenv("DATELINE_INDEX", env)
    result = run("search", "mali", *(["--index", flag] if flag else []))
    assert result.exit_code == 2
    assert result.output == f"dateline: no dateline index at {expected} (create it with: dateline index PATH)\n"


def test_config_index_is_used_by_every_command(home, monkeypatch, corpus_index):
    monkeypatch.delenv("DATELINE_INDEX")
    (home / "dateline.toml").write_text(f'index = "{corpus_index}"\n[stats]\nformat = "json"\n')
    assert hits(run("search", '"armed forces"', "--format", "json"))[0]["id"] == "prnewswire-fama-2025-06-06.txt"
    assert run("show", "prnewswire-fama-2025-06-06.txt").exit_code == 0
    assert json.loads(run("stats").output)["documents"] == len(corpus_documents())


def test_index_path_is_relative_to_its_file(home, monkeypatch, corpus_index):
    """A relative ``index`` in the user's file means next to that file, wherever one runs dateline."""
    monkeypatch.delenv("DATELINE_INDEX")
    config = user_config('index = "ix"\n')
    (config.parent / "ix").symlink_to(corpus_index)
    assert load_config().get("index") == str(config.parent / "ix")
    assert run("search", "mali", "--format", "paths").output.splitlines()[0] == "prnewswire-fama-2025-06-06.txt"
    (home / "dateline.toml").write_text('index = "here"\n')  # in the current directory: kept as written
    assert load_config().get("index") == "here"


# -- what each key does ---------------------------------------------------------------------------


def test_ranking_keys_match_the_flags_and_the_api(home, corpus_index):
    from search import Index

    (home / "dateline.toml").write_text("[search]\nk1 = 0.9\nb = 0.4\nboost = { title = 5, body = 1.5 }\n")
    args = ["search", "solar OR wind OR storage", "--index", str(corpus_index), "--format", "json"]
    configured = [(h["id"], round(h["score"], 9)) for h in hits(run(*args))]
    flagged = [
        (h["id"], round(h["score"], 9))
        for h in hits(
            run(
                *args,
                "--k1",
                "0.9",
                "--b",
                "0.4",
                "--boost",
                "title=5",
                "--boost",
                "body=1.5",
                DATELINE_CONFIG=os.devnull,
            )
        )
    ]
    default = [(h["id"], round(h["score"], 9)) for h in hits(run(*args, DATELINE_CONFIG=os.devnull))]
    with Index(corpus_index, k1=0.9, b=0.4, boosts={"title": 5, "body": 1.5}) as ix:
        api = [(h.id, round(h.score, 9)) for h in ix.search("solar OR wind OR storage").hits]
    assert configured == flagged == api
    assert configured != default


def test_boosts_merge_over_files_and_a_flag_replaces_them(home, corpus_index):
    user_config("[search.boost]\ntitle = 5\n")
    (home / "dateline.toml").write_text("[search.boost]\nissuer = 4\n")
    assert load_config().boosts() == {"title": 5.0, "issuer": 4.0}
    args = ["search", "solar OR wind", "--index", str(corpus_index), "--format", "json"]
    with_files = [h["score"] for h in hits(run(*args))]
    with_flag = [
        h["score"] for h in hits(run(*args, "--boost", "title=5", "--boost", "issuer=4", DATELINE_CONFIG=os.devnull))
    ]
    assert with_files == pytest.approx(with_flag)
    only_flag = [h["score"] for h in hits(run(*args, "--boost", "title=5"))]
    only_title = [h["score"] for h in hits(run(*args, "--boost", "title=5", DATELINE_CONFIG=os.devnull))]
    assert only_flag == pytest.approx(only_title) and only_flag != pytest.approx(with_files)


def test_sort_lang_fields_and_format_keys(home, corpus_index):
    ix = ["--index", str(corpus_index)]
    (home / "dateline.toml").write_text('[search]\nsort = "-date"\nformat = "json"\nlang = "de"\nlimit = 100\n')
    found = hits(run("search", "Unternehmen OR solar", *ix))
    assert found and all(h["language"] == "de" for h in found)
    dates = [h["date"] for h in found if "date" in h]
    assert len(dates) > 2 and dates == sorted(dates, reverse=True)
    flagged = hits(
        run(
            "search",
            "Unternehmen OR solar",
            *ix,
            "--sort",
            "-date",
            "--lang",
            "de",
            "--format",
            "json",
            "-n",
            "100",
            DATELINE_CONFIG=os.devnull,
        )
    )
    assert [h["id"] for h in found] == [h["id"] for h in flagged]
    everywhere = hits(
        run("search", "Unternehmen OR solar", *ix, "--format", "json", "-n", "100", DATELINE_CONFIG=os.devnull)
    )
    assert {h["id"] for h in found} == {h["id"] for h in everywhere if h.get("language") == "de"}
    assert len(everywhere) > len(found)
    (home / "dateline.toml").write_text('[search]\nfields = ["issuer"]\nformat = "paths"\n')
    by_issuer = run("search", "corvane", *ix).output.splitlines()
    assert by_issuer and all(
        "corvane" in h["issuer"].lower() for h in hits(run("search", "corvane", *ix, "--format", "json"))
    )
    docs = corpus_documents()
    assert any("milestone" in (d.body or "") for d in docs) and not any(
        "milestone" in (d.issuer or "").lower() for d in docs
    )
    assert run("search", "milestone", *ix).exit_code == 1  # a body word, in no issuer
    assert run("search", "milestone", *ix, "--fields", "body").exit_code == 0


def test_color_key_and_no_color(home, corpus_index):
    args = ["search", "mali", "--index", str(corpus_index)]
    assert "\x1b[" not in run(*args).output  # auto: not a terminal
    (home / "dateline.toml").write_text('color = "always"\n')
    assert "\x1b[" in run(*args).output
    assert "\x1b[" in run(*args, NO_COLOR="1").output  # a config file overrides NO_COLOR (no-color.org)
    assert "\x1b[" not in run(*args, "--color", "never").output


@pytest.mark.parametrize("command, args", [("show", ["prnewswire-fama-2025-06-06.txt"]), ("stats", [])])
def test_show_and_stats_format(home, corpus_index, command, args):
    (home / "dateline.toml").write_text(f'[{command}]\nformat = "json"\n')
    result = run(command, *args, "--index", str(corpus_index))
    assert isinstance(json.loads(result.output), dict)
    assert not run(command, *args, "--index", str(corpus_index), "--format", "text").output.startswith("{")


def test_batch_runs_ignore_a_configured_page_size(home, corpus_index, tmp_path):
    queries = tmp_path / "queries.tsv"
    queries.write_text("q1\tsolar wind storage energy\n", encoding="utf-8")
    (home / "dateline.toml").write_text("[search]\nlimit = 2\n")
    lines = run("search", "--batch", str(queries), "--index", str(corpus_index)).output.splitlines()
    assert len(lines) > 2
    assert len(run("search", "--batch", str(queries), "--index", str(corpus_index), "-n", "2").output.splitlines()) == 2


# -- the `dateline config` command and the Python API ---------------------------------------------


def test_config_command_shows_sources_and_is_a_valid_config(home, monkeypatch):
    user = user_config('[search]\nlimit = 7\nsort = "date"\n')
    (home / "dateline.toml").write_text("[search]\nlimit = 5\n")
    monkeypatch.setenv("DATELINE_INDEX", "elsewhere")
    settings = {s["key"]: s for s in json.loads(run("config", "--format", "json").output)["settings"]}
    assert json.loads(run("config", "--format", "json").output)["files"] == [str(user), "dateline.toml"]
    assert settings["search.limit"] == {"key": "search.limit", "value": 5, "source": "dateline.toml"}
    assert settings["search.sort"] == {"key": "search.sort", "value": "date", "source": str(user)}
    assert settings["index"] == {"key": "index", "value": "elsewhere", "source": "$DATELINE_INDEX"}
    assert settings["search.k1"] == {"key": "search.k1", "value": 1.2, "source": "default"}
    text = run("config").output
    assert "search.limit = 5  # dateline.toml" in text
    saved = home.parent / "saved.toml"
    saved.write_text(text)
    tomllib.loads(text)
    again = load_config({"DATELINE_CONFIG": str(saved)})
    assert (
        again.get("search.limit") == 5
        and again.get("search.sort") == "date"
        and again.get("index") == str(saved.parent / "elsewhere")
    )


def test_python_api(home, corpus_index):
    from search import Index

    (home / "dateline.toml").write_text('[search]\nlimit = 3\nsort = "date"\nk1 = 0.9\nfields = "title,body"\n')
    config = load_config()
    assert config.index_options() == {"fields": ("title", "body"), "k1": 0.9}
    assert config.search_options() == {"limit": 3, "sort": "date"}
    with Index(corpus_index, **config.index_options()) as ix:
        ids = [h.id for h in ix.search("solar OR wind", **config.search_options()).hits]
    cli_ids = run("search", "solar OR wind", "--index", str(corpus_index), "--format", "paths").output.splitlines()
    assert ids == cli_ids and len(ids) == 3


def test_keys_match_the_command_line():
    """Every key's built-in default and choices are those of the option it feeds."""
    commands = main.commands
    option = lambda cmd, name: next(p for p in commands[cmd].params if p.name == name)  # noqa: E731
    for key, (check, default) in KEYS.items():
        parts = key.split(".")
        if key == SAFE_KEY:  # no option: a setting of the user's own config only (tests/core/test_trust.py)
            continue
        if parts[0] in ("index", "color"):
            param = option("search", {"index": "index_dir", "color": "color"}[parts[0]])
        elif parts[1] == "boost":
            continue
        elif parts[1] == "fields":
            assert (
                default == ("title", "body", "issuer", "place")
                and "title,body,issuer,place" in option("search", "fields").help
            )
            continue
        else:
            param = option(parts[0], {"format": "fmt"}.get(parts[1], parts[1]))
        if parts[-1] == "limit":
            assert f"default: {default}" in param.help
        elif parts[-1] != "lang":
            assert param.default == default, key
        if isinstance(param.type, click.Choice):
            assert all(check(choice) == choice for choice in param.type.choices)
            with pytest.raises(ValueError):
                check("no-such-choice")


# -- errors: one line naming the file and the key, exit status 2 ----------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "[search]\nlimt = 2\n",
            "unknown key 'search.limt'; known here: b, boost, fields, format, k1, lang, limit, sort",
        ),
        ("colour = 'never'\n", "unknown key 'colour'; known here: color, index, safe_directories, search, show, stats"),
        ("[serch]\nlimit = 2\n", "unknown key 'serch'"),
        ("[search]\nlimit = 'ten'\n", "search.limit: must be a whole number of 1 or more (got 'ten')"),
        ("[search]\nlimit = 2.5\n", "search.limit: must be a whole number of 1 or more (got 2.5)"),
        ("[search]\nlimit = 0\n", "search.limit: must be a whole number of 1 or more (got 0)"),
        (
            "[search]\nformat = 'xml'\n",
            "search.format: must be one of text, json, jsonl, paths, paths0, html, csv (got 'xml')",
        ),
        ("[show]\nformat = 'html'\n", "show.format: must be one of text, json (got 'html')"),
        ("[search]\nk1 = true\n", "search.k1: must be a number (got True)"),
        ("[search]\nb = 1.5\n", "search.b: must be 0–1 (got 1.5)"),
        ("[search]\nfields = ['title', 'bdy']\n", "search.fields: unknown field bdy; choose from title, body"),
        ("[search.boost]\nheadline = 2\n", "unknown key 'search.boost.headline'; known here: about, author, body"),
        ("[search.boost]\ntitle = 0\n", "search.boost.title: must be above 0 (got 0)"),
        ("search = 3\n", "search: must be a table ([search])"),
        ("index = 3\n", "index: must be a directory path (got 3)"),
        ("[search]\nlimit = 2\nlimit = 3\n", ", line 3, column 10: not valid TOML: Cannot overwrite a value"),
        ("[search\n", ", line 1, column 8: not valid TOML: Expected ']' at the end of a table declaration"),
    ],
)
@pytest.mark.parametrize("where", ["user", "local"])
def test_bad_config_is_one_line_naming_file_and_key(home, corpus_index, text, message, where):
    path = user_config(text) if where == "user" else home / "dateline.toml"
    path.write_text(text)
    shown = str(path) if where == "user" else "dateline.toml"
    result = run("search", "mali", "--index", str(corpus_index))
    assert result.exit_code == 2
    assert result.output.startswith(f"dateline: {shown}") and message in result.output
    assert result.output.count("\n") == 1


def test_a_named_config_must_exist(home, tmp_path):
    result = run("stats", DATELINE_CONFIG=str(tmp_path / "missing.toml"))
    assert result.exit_code == 2
    assert result.output == f"dateline: $DATELINE_CONFIG names {tmp_path / 'missing.toml'}, which does not exist\n"


def test_no_config_file_is_read_by_other_tests():
    """The autouse fixture points $DATELINE_CONFIG at /dev/null: a user's files never leak in."""
    assert os.environ["DATELINE_CONFIG"] == os.devnull
    assert load_config() == Config(files=[os.devnull])
    assert "search.limit = 10  # default" in settings_text(load_config())


# -- a served call reads the caller's config, every call ------------------------------------------


@pytest.mark.slow
def test_served_calls_read_the_callers_config(tmp_path, corpus_index, monkeypatch):
    from conftest import Served

    served = Served(tmp_path / "run")
    try:
        env = {**os.environ, "DATELINE_SOCKET": str(served.socket), "DATELINE_INDEX": str(corpus_index)}
        env.pop("DATELINE_CONFIG")
        for name, limit in (("a", 2), ("b", 3), ("a", 4)):
            folder = tmp_path / name
            folder.mkdir(exist_ok=True)
            (folder / "dateline.toml").write_text(f'[search]\nlimit = {limit}\nformat = "paths"\n')
            before = served.answered()
            proc = subprocess.run(
                [installed_dateline(), "search", WIDE], cwd=folder, env=env, capture_output=True, text=True
            )
            assert proc.returncode == 0, proc.stderr
            assert len(proc.stdout.splitlines()) == limit
            assert served.answered() == before + 1
    finally:
        served.stop()


def test_readme_example_config_finds_hits(home, monkeypatch, corpus_index):
    """The README's example dateline.toml, with its index pointed at the sample corpus's, runs
    its example search: 5 hits a page, newest first."""
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text("utf-8")
    example = readme.split("### Saved defaults", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    monkeypatch.delenv("DATELINE_INDEX")
    (home / "dateline.toml").write_text(example.replace('index = ".dateline"', f'index = "{corpus_index}"'))
    assert 'index = ".dateline"' in example
    result = run("search", "solar OR wind", "--format", "json")
    found = hits(result)
    assert len(found) == 5 and json.loads(result.output)["total"] > 5
    dates = [h["date"] for h in found]
    assert dates == sorted(dates, reverse=True)
