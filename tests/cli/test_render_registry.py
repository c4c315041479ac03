"""Output formats are a registry (`search.cli.render.RENDERERS`): every ``--format`` choice of
every command has a renderer and every renderer is a choice, the README and the config agree with
it, library modules render no text, and a format added in one module and one line is used by
``dateline search``."""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import re
from pathlib import Path

import click
import pytest

import search.cli.render as render
from search.cli.commands import FormatChoice, main
from search.cli.config import KEYS, SEARCH_FORMATS
from search.cli.render import KINDS, RENDERERS, Renderer, formats, renderer
from search.results import Results

ROOT = Path(__file__).resolve().parents[2]


def _format_options() -> dict[str, FormatChoice]:
    """Each command's ``--format`` type, by command name."""
    out = {}
    for name, command in main.commands.items():
        for param in command.params:
            if isinstance(param, click.Option) and "--format" in param.opts:
                assert isinstance(param.type, FormatChoice), name
                out[name] = param.type
    return out


def test_every_format_choice_has_a_renderer_and_every_renderer_is_a_choice() -> None:
    options = _format_options()
    assert set(options) == {"search", "similar", "duplicates", "show", "stats", "timeline", "eval", "check", "config"}
    offered: set[str] = set()
    for command, choice in options.items():
        kind = choice.kind
        own = [c for c in choice.choices if c not in choice.before]
        assert own and all(getattr(renderer(c), kind) is not None for c in own), (command, own)
        if choice.only is None:
            assert tuple(own) == formats(kind), command
        offered.update(own)
    assert offered == {r.name for r in RENDERERS}
    assert options["search"].choices == ("text", "json", "jsonl", "paths", "paths0", "html", "csv")
    assert options["timeline"].choices == ("auto", "text", "json")


def test_the_registry_is_complete_and_consistent() -> None:
    names = [r.name for r in RENDERERS]
    assert len(names) == len(set(names))
    for r in RENDERERS:
        assert any(getattr(r, kind) is not None for kind in KINDS), r.name
        assert (r.check is None) == (r.repair is None), r.name  # check --repair needs both
    assert renderer("text").people and renderer("text").check_summary is not None
    declared = []  # every module of the package that declares a RENDERER is registered
    for info in pkgutil.iter_modules(render.__path__):
        module = importlib.import_module(f"{render.__name__}.{info.name}")
        if isinstance(getattr(module, "RENDERER", None), Renderer):
            declared.append(module.RENDERER.name)
    assert sorted(declared) == sorted(names)
    with pytest.raises(KeyError):
        renderer("yaml")
    with pytest.raises(ValueError):
        formats("nothing")


def test_the_readme_and_the_config_list_the_registry_s_formats() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = re.search(r"\| `--format ([a-z0-9\\|]+)` \| output format", readme)
    assert row and tuple(row[1].split("\\|")) == formats("results")
    config_row = re.search(r"\| `search.format` \| `search --format` \| (.+) \|", readme)
    assert config_row and tuple(re.findall(r"`(\w+)`", config_row[1])) == formats("results")
    assert tuple(SEARCH_FORMATS) == formats("results")
    check = KEYS["search.format"][0]
    for name in formats("results"):
        assert check(name) == name
    with pytest.raises(ValueError, match="must be one of text, json"):
        check("yaml")


def test_library_modules_render_no_terminal_text() -> None:
    """Text renderers live in `search.cli.render`, not beside what they render."""
    for module in ("search/facets.py", "search/timeline.py", "search/cli/config.py"):
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        defined = [n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
        assert [n for n in defined if n.endswith("_text")] == [], module


def _results_tsv(results: Results, style: object = None, width: int | None = None) -> str:
    """A tiny format: rank, tab, id; a line per hit."""
    return "\n".join(f"{hit.rank}\t{hit.id}" for hit in results.hits)


#: The one module and one line a newcomer writes (here the fixture adds the line).
TSV = Renderer("tsv", results=_results_tsv, snippets=False)


@pytest.fixture
def tsv_format(monkeypatch: pytest.MonkeyPatch) -> Renderer:
    """`TSV` registered for one test, as its line in `RENDERERS` would."""
    monkeypatch.setattr(render, "RENDERERS", [*RENDERERS, TSV])
    return TSV


def test_a_new_output_format_is_used_by_search(tsv_format: Renderer, corpus_index: Path, cli, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    expected = json.loads(cli("search", "energy", "--format", "json", index=corpus_index).output)["hits"]
    out = cli("search", "energy", "--format", "tsv", index=corpus_index)
    assert out.exit_code == 0, out.output
    assert out.output == "".join(f"{h['rank']}\t{h['id']}\n" for h in expected)
    assert "tsv" in cli("search", "--help").output
    refused = cli("stats", "--format", "tsv", index=corpus_index)  # renders results only
    assert refused.exit_code == 2 and "'tsv' is not one of 'text', 'json'" in refused.output
    config = tmp_path / "dateline.toml"
    config.write_text('[search]\nformat = "tsv"\n')
    monkeypatch.setenv("DATELINE_CONFIG", str(config))
    assert cli("search", "energy", index=corpus_index).output == out.output


def test_without_its_line_the_new_format_is_refused(corpus_index: Path, cli) -> None:
    """The control for the test above."""
    out = cli("search", "energy", "--format", "tsv", index=corpus_index)
    assert out.exit_code == 2 and "'tsv' is not one of" in out.output
