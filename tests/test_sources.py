"""Every module of both packages compiles with the running interpreter, and none holds a lone
surrogate in a string or docstring: Python 3.13 cleans docstrings at compile time and cannot
encode one, so a single ``\\ud800`` written in a regular string broke every search there."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from conftest import ROOT

SOURCES = sorted(p for pkg in ("indexer", "search") for p in (ROOT / pkg).rglob("*.py"))
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def test_there_are_sources_to_check() -> None:
    assert len(SOURCES) > 40 and all(p.suffix == ".py" for p in SOURCES)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_compiles_and_holds_no_lone_surrogate(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    bad = _surrogate_lines(source)
    assert not bad, f"{path.name}: lone surrogate in a string on line(s) {bad}; write \\\\ud800 or use a raw string"
    compile(source, str(path), "exec", dont_inherit=True)


def test_the_check_finds_a_lone_surrogate() -> None:
    """The check above is not vacuous: a docstring as search/cli/output.py had it is caught."""
    assert _surrogate_lines('x = 1\n\n\ndef f():\n    """a \\ud800 b"""\n') == [5]
    assert _surrogate_lines('def f():\n    """a \\\\ud800 b"""\n') == []


def _surrogate_lines(source: str) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _SURROGATE.search(node.value)
    ]
