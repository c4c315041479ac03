"""The shape of the code, checked: dateline's modules import each other without circles, none
reaches into another's private names, and each stage imports only the stages below it.

The import graph is read from the source with `ast`, so nothing is imported to build it. Every
``import`` statement counts, at module level and inside functions alike: a function-level import
is how a module puts off a cost, not a way of depending on less, and the ``cli ↔ launch ↔ serve``
circle this test was written against ran entirely through function-level imports. Imports under
``if TYPE_CHECKING:`` never run: they count for the private-name and layering rules (naming a type
of another stage is knowing that stage) but not for circles, since an annotation-only reference
back is the usual way to type a callback without one. The packages' lazy exports (`search`'s and
`indexer`'s ``_HOMES``, module names as strings resolved on first use) are not edges: a package
naming its own modules is its front door, not a dependency of theirs.

The rules (ARCHITECTURE.md cites this table):

=====  ===============================================  ==============================================
rule   modules                                          may not import
=====  ===============================================  ==============================================
A      ``indexer``, ``search``                          each other in a circle (TYPE_CHECKING aside)
B      ``indexer``, ``search``                          another module's ``_private`` name, nor a
                                                        ``_private`` module of another package
C1     ``indexer``                                      ``search``
C2     ``indexer.parse``                                ``whoosh``, ``indexer.write``, ``indexer.check``,
                                                        ``indexer.engine``
C3     ``indexer.core``                                 ``indexer.parse``, ``indexer.write``,
                                                        ``indexer.check``
C4     the library: all but ``search.cli``,             ``search.cli``, ``search.serve``,
       ``search.serve``, ``search.eval`` (and           ``search.eval``
       ``search.__main__``, ``python -m search``)
=====  ===============================================  ==============================================
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("indexer", "search")
FRONT_ENDS = ("search.cli", "search.serve", "search.eval")


@dataclass(frozen=True)
class Layer:
    """One row C of the table: ``modules`` (but not ``excepted``) never import ``forbidden``."""

    rule: str
    modules: tuple[str, ...]
    forbidden: tuple[str, ...]
    why: str
    excepted: tuple[str, ...] = ()


LAYERS = (
    Layer("C1", ("indexer",), ("search",), "the indexer writes what search reads; it never needs the reader"),
    Layer("C2", ("indexer.parse",), ("whoosh", "indexer.write", "indexer.check", "indexer.engine"),
          "parsing turns a file into Documents and knows nothing of the index"),
    Layer("C3", ("indexer.core",), ("indexer.parse", "indexer.write", "indexer.check"),
          "the shared core is used by every stage, so it uses none"),
    Layer("C4", PACKAGES, FRONT_ENDS, "the library never depends on its command line, server or evaluation",
          excepted=(*FRONT_ENDS, "search.__main__")),
)  # fmt: skip


@dataclass(frozen=True)
class Import:
    """One import in ``importer`` (at ``line``): of ``target``, the deepest of our modules it names
    (or an outside module's dotted name), and from it ``names`` that are not modules."""

    importer: str
    target: str
    names: tuple[str, ...]
    line: int
    type_only: bool

    def where(self) -> str:
        return f"{self.importer}:{self.line}"


def within(module: str, prefixes: Iterable[str]) -> bool:
    """Whether ``module`` is one of ``prefixes`` or inside one."""
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def find_modules(root: Path, packages: Iterable[str] = PACKAGES) -> dict[str, Path]:
    """Every module of ``packages`` under ``root``, by dotted name (a package by its ``__init__``)."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def find_imports(module: str, path: Path, known: dict[str, Path]) -> list[Import]:
    """Every import statement of ``module``, wherever it stands in the file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[Import] = []

    def ours(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    def visit(node: ast.AST, type_only: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for statement in node.body:
                visit(statement, True)
            for statement in node.orelse:
                visit(statement, type_only)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(module, ours(alias.name) or alias.name, (), node.lineno, type_only))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*up, *([base] if base else [])])
            names = []
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    found.append(Import(module, f"{base}.{alias.name}", (), node.lineno, type_only))
                else:
                    names.append(alias.name)
            if names:
                found.append(Import(module, ours(base) or base, tuple(names), node.lineno, type_only))
        for child in ast.iter_child_nodes(node):
            visit(child, type_only)

    visit(ast.parse(path.read_text("utf-8"), str(path)), False)
    return found


def import_graph(root: Path = ROOT, packages: Iterable[str] = PACKAGES) -> list[Import]:
    """Every import of every module of ``packages`` under ``root``."""
    known = find_modules(root, packages)
    return [found for module, path in known.items() for found in find_imports(module, path, known)]


def cycles(imports: list[Import]) -> list[list[Import]]:
    """One shortest circle through each group of modules that import each other (TYPE_CHECKING
    imports aside), as the imports that close it, first module first."""
    edges: dict[str, dict[str, Import]] = {}
    for imp in imports:
        if not imp.type_only and imp.target != imp.importer and within(imp.target, PACKAGES):
            edges.setdefault(imp.importer, {}).setdefault(imp.target, imp)
    # Tarjan's strongly connected components, iteratively (the graph is a few hundred modules deep).
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, {}))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, {})))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(group)
    found = []
    for group in groups:
        first = min(group)
        paths = {first: [first]}  # breadth first: the shortest way back to the first module
        queue = [first]
        back = None
        while queue and back is None:
            node = queue.pop(0)
            for child in sorted(edges.get(node, {})):
                if child == first:
                    back = [*paths[node], first]
                    break
                if child in group and child not in paths:
                    paths[child] = [*paths[node], child]
                    queue.append(child)
        assert back is not None
        found.append([edges[a][b] for a, b in zip(back, back[1:], strict=False)])
    return sorted(found, key=lambda circle: circle[0].importer)


def private_imports(imports: list[Import], root: Path = ROOT) -> list[str]:
    """Imports of another module's ``_private`` names, and of a ``_private`` module from outside
    its own package (rule B)."""
    known = find_modules(root)
    problems = []
    for found in imports:
        if not within(found.target, PACKAGES):
            continue
        names = [n for n in found.names if private(n)]
        if names and found.target != found.importer:
            problems.append(f"{found.where()}: from {found.target} import {', '.join(names)}")
        parts = found.target.split(".")
        for depth, part in enumerate(parts):
            if private(part):
                family = ".".join(parts[:depth])
                importer_path = known.get(found.importer)
                own = (
                    found.importer
                    if importer_path is not None and importer_path.name == "__init__.py"
                    else found.importer.rpartition(".")[0]
                )
                if own != family:
                    problems.append(f"{found.where()}: imports {found.target}, private to {family}")
                break
    return problems


def layer_breaches(imports: list[Import], layers: Iterable[Layer] = LAYERS) -> list[str]:
    """Imports that cross a row C of the table the wrong way."""
    problems = []
    for layer in layers:
        for found in imports:
            if (
                within(found.importer, layer.modules)
                and not within(found.importer, layer.excepted)
                and within(found.target, layer.forbidden)
            ):
                problems.append(f"{layer.rule} {found.where()}: imports {found.target} ({layer.why})")
    return problems


def _render(circle: list[Import]) -> str:
    return " → ".join([circle[0].importer, *(f"{i.target} (at {i.where()})" for i in circle)])


# -- the rules, on dateline ------------------------------------------------------------------


def test_no_module_imports_itself_back_through_others() -> None:
    """Rule A."""
    found = cycles(import_graph())
    assert not found, "import circles:\n" + "\n".join(_render(circle) for circle in found)


def test_no_module_imports_another_modules_private_names() -> None:
    """Rule B."""
    found = private_imports(import_graph())
    assert not found, "private imports:\n" + "\n".join(found)


def test_each_stage_imports_only_the_stages_below_it() -> None:
    """Rules C1-C4."""
    found = layer_breaches(import_graph())
    assert not found, "layering:\n" + "\n".join(found)


# -- the checker itself, on dateline and on a made-up package ----------------------------------


def test_the_graph_sees_function_level_and_type_checking_imports() -> None:
    """The entry point imports the Click app inside `main`, and the command line imports `search`
    both in functions and, for `Index` in annotations, under TYPE_CHECKING: each is seen, the
    last marked as such."""
    graph = import_graph()
    assert any(i.importer == "search.cli.launch" and i.target == "search.cli.commands" for i in graph)
    assert {i.type_only for i in graph if i.importer == "search.cli.commands" and i.target == "search"} == {True, False}
    modules = find_modules(ROOT)
    importing = {m for m, path in modules.items() if any(line.lstrip().startswith(("import ", "from ")) for line in
                                                         path.read_text("utf-8").splitlines())}  # fmt: skip
    assert {i.importer for i in graph} == importing and len(importing) > 0.8 * len(modules)


def test_the_checks_find_what_they_forbid(tmp_path: Path) -> None:
    """A package with a circle through a function-level import, one only through annotations,
    private names taken, and stages importing upward: each is found, and nothing else."""
    files = {
        "indexer/__init__.py": "",
        "indexer/core/__init__.py": "",
        "indexer/core/a.py": "def f():\n    from indexer.core import b\n",
        "indexer/core/b.py": "from .c import thing\n",
        "indexer/core/c.py": "import indexer.core.a\nfrom indexer.write.w import _secret\n",
        "indexer/core/d.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from indexer.core.e import E\n",
        "indexer/core/e.py": "from indexer.core.d import D\nfrom indexer.core._family import ok\n",
        "indexer/core/_family.py": "",
        "indexer/parse/__init__.py": "",
        "indexer/parse/p.py": "import whoosh.fields\nfrom indexer.core import _family\n",
        "indexer/write/__init__.py": "",
        "indexer/write/w.py": "_secret = 1\ndef g():\n    from search import errors\n",
        "search/__init__.py": "",
        "search/errors.py": "",
        "search/lib.py": "from search.cli.app import run\nfrom indexer.core.a import f\n",
        "search/cli/__init__.py": "",
        "search/cli/app.py": "from search import lib\nfrom indexer.core.a import __doc__\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    graph = import_graph(tmp_path)
    a, b, c = "indexer.core.a", "indexer.core.b", "indexer.core.c"
    assert [[(i.importer, i.target) for i in circle] for circle in cycles(graph)] == [
        [(a, b), (b, c), (c, a)],
        [("search.cli.app", "search.lib"), ("search.lib", "search.cli.app")],
    ]
    assert private_imports(graph, tmp_path) == [
        "indexer.core.c:2: from indexer.write.w import _secret",
        "indexer.parse.p:2: imports indexer.core._family, private to indexer.core",
    ]
    assert layer_breaches(graph) == [
        f"C1 indexer.write.w:3: imports search.errors ({LAYERS[0].why})",
        f"C2 indexer.parse.p:1: imports whoosh.fields ({LAYERS[1].why})",
        f"C3 indexer.core.c:2: imports indexer.write.w ({LAYERS[2].why})",
        f"C4 search.lib:1: imports search.cli.app ({LAYERS[3].why})",
    ]
