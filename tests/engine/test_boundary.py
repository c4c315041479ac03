"""The Whoosh boundary: only `indexer/engine/` reads or writes Whoosh's private file format and
attributes, so the ``whoosh-reloaded<2.8`` pin has one folder to audit. Every other module of
the library (`indexer/`, `search/`) uses Whoosh's public API alone; this test reads their source
with `ast` and names each place that does not."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import whoosh

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ("indexer", "search")
ENGINE = Path("indexer") / "engine"

#: Whoosh's modules that are its on-disk format or internal plumbing rather than its API: importing
#: them (or anything from them) outside engine/ reads Whoosh's files behind its back.
INTERNAL_MODULES = {
    "whoosh.codec": "the segment file formats (postings, term infos, per-document columns, lengths)",
    "whoosh.filedb.structfile": "the binary file reader and writer under every index file",
    "whoosh.filedb.compound": "the compound segment file's layout",
    "whoosh.filedb.filetables": "the on-disk hash and ordered tables of the term index",
    "whoosh.filedb.gae": "a storage for Google App Engine, internals of the file database",
    "whoosh.system": "the struct formats of Whoosh's files",
    "whoosh.util.numlists": "the encodings of integer lists in Whoosh's files",
    "whoosh.matching.mcore": "the matcher protocol's internals (`whoosh.matching` is the public name)",
}

#: Names of Whoosh's public modules that are its internals all the same.
INTERNAL_NAMES = {
    "whoosh.index": {"TOC": "the table of contents file (a commit's segment list) and its format"},
}

#: Whoosh's private methods that dateline's subclasses of Whoosh's classes outside engine/ override
#: (and call on ``self`` or ``super()``): extension hooks, each audited with the pin. Anywhere
#: else, or on another object, they count as private access.
SUBCLASS_HOOKS = {
    "_parse_datestring": "indexer/core/schema.py's DateField (DATETIME) reads more date forms; the class "
    "is pickled into every index's schema, so it stays with the schema",
    "_btexts": "search/limits.py bounds a MultiTerm's expansions (wildcards, fuzzy terms) as they are made",
    "_score": "search/ranking.py's BM25 scorers (WeightLengthScorer's hook: a score from weight and length)",
    "_replacement": "search/ranking.py's saturated matcher (a WrappingMatcher) rebuilds itself around a replaced child",
}


def whoosh_private_names() -> set[str]:
    """Every private name Whoosh gives its objects, from its installed source: each ``self._x``
    or ``cls._x`` it assigns, and each ``_x`` method or class attribute its classes define."""
    names: set[str] = set()
    for path in Path(whoosh.__file__).parent.rglob("*.py"):
        with warnings.catch_warnings():  # Whoosh's source has invalid escapes in plain strings
            warnings.simplefilter("ignore", SyntaxWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            tree = ast.parse(path.read_text("utf-8", "replace"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                    names.add(node.attr)
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                        names.add(item.name)
                    elif isinstance(item, ast.Assign):
                        names.update(t.id for t in item.targets if isinstance(t, ast.Name))
    return {n for n in names if _private(n)}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def library_modules(root: Path) -> list[Path]:
    """The library's modules outside engine/."""
    return sorted(
        path
        for package in LIBRARY
        for path in (root / package).rglob("*.py")
        if not path.relative_to(root).is_relative_to(ENGINE)
    )


def _whoosh_imports(tree: ast.Module) -> set[str]:
    """The local names a module binds to Whoosh's modules and classes."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "whoosh":
            bound.update(alias.asname or alias.name for alias in node.names)
    return bound


def dateline_own_names(root: Path) -> set[str]:
    """Private names dateline gives its own objects outside engine/: ``self._x`` assigned in
    classes not derived from a Whoosh class, methods and class attributes of those classes, and
    module-level private names (read as ``module._x``)."""
    names: set[str] = set()
    for path in library_modules(root):
        tree = ast.parse(path.read_text("utf-8"))
        from_whoosh = _whoosh_imports(tree)
        for statement in tree.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(statement.name)
            elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                names.update(t.id for t in targets if isinstance(t, ast.Name))
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            if _bases(cls) & from_whoosh:
                continue  # a subclass of Whoosh's: its private names are Whoosh's
            for node in ast.walk(cls):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    names.add(node.name)
                elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                    if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                        names.add(node.attr)
    return {n for n in names if _private(n)}


def _bases(cls: ast.ClassDef) -> set[str]:
    """The local names a class's bases start with (``wq`` for ``wq.Term``)."""
    return {ast.unparse(base).split(".")[0].split("(")[0] for base in cls.bases}


def _on_self(value: ast.expr) -> bool:
    """Whether an attribute is read from ``self``, ``super()`` or ``super(…, self)``."""
    if isinstance(value, ast.Name):
        return value.id in ("self", "cls")
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "super"


def _internal(module: str) -> str | None:
    for name, why in INTERNAL_MODULES.items():
        if module == name or module.startswith(name + "."):
            return why
    return None


def violations(root: Path) -> list[str]:
    """Each place outside engine/ that touches Whoosh's private parts, as ``path:line: what``."""
    private = whoosh_private_names() - dateline_own_names(root)
    found = []
    for path in library_modules(root):
        where = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text("utf-8"))
        from_whoosh = _whoosh_imports(tree)
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and _bases(n) & from_whoosh):
            for item in cls.body:
                if isinstance(item, ast.FunctionDef) and item.name in private and item.name not in SUBCLASS_HOOKS:
                    found.append(f"{where}:{item.lineno}: {cls.name} overrides Whoosh's private {item.name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if why := _internal(alias.name):
                        found.append(f"{where}:{node.lineno}: imports {alias.name} ({why})")
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "whoosh":
                module = node.module or ""
                for alias in node.names:
                    why = _internal(module) or _internal(f"{module}.{alias.name}")
                    why = why or INTERNAL_NAMES.get(module, {}).get(alias.name)
                    if why:
                        found.append(f"{where}:{node.lineno}: imports {alias.name} from {module} ({why})")
                    elif _private(alias.name):
                        found.append(f"{where}:{node.lineno}: imports Whoosh's private {alias.name} from {module}")
            elif isinstance(node, ast.Attribute) and node.attr in private:
                if node.attr in SUBCLASS_HOOKS and _on_self(node.value):
                    continue
                found.append(f"{where}:{node.lineno}: {ast.unparse(node)} is Whoosh's private attribute")
    return found


def test_whoosh_private_names_are_found() -> None:
    """The collected names include those dateline used to read outside engine/ (if Whoosh
    renamed them, the pin would need auditing anyway)."""
    private = whoosh_private_names()
    assert {"_dbfile", "_basepos", "_lengths", "_perdoc", "_terms", "_finalize_segment", "_commit_toc"} <= private
    assert not private & {"__init__", "__hash__", "schema", "reader"}


def test_only_the_engine_touches_whoosh_private_parts() -> None:
    assert violations(ROOT) == []


def test_the_check_sees_a_private_access(tmp_path: Path) -> None:
    """A module reading a column's private file, importing a codec and a private name, is named."""
    (tmp_path / "search").mkdir()
    (tmp_path / "indexer" / "engine").mkdir(parents=True)
    (tmp_path / "indexer" / "engine" / "fine.py").write_text("def f(column):\n    return column._dbfile\n")
    (tmp_path / "search" / "bad.py").write_text(
        "from whoosh.codec.whoosh3 import LENGTHS_COLUMN\n"
        "from whoosh.util.numeric import _length_byte_cache\n"
        "from whoosh.index import TOC\n"
        "import whoosh.filedb.structfile\n"
        "class Own:\n    def __init__(self):\n        self._count = 0\n"
        "def f(column, own):\n    return column._dbfile, own._count\n"
    )
    found = [line.split(": ", 1)[1] for line in violations(tmp_path)]
    assert len(found) == 5, found
    assert found[0].startswith("imports LENGTHS_COLUMN from whoosh.codec.whoosh3")
    assert found[1] == "imports Whoosh's private _length_byte_cache from whoosh.util.numeric"
    assert found[2].startswith("imports TOC from whoosh.index") and found[3].startswith("imports whoosh.filedb.")
    assert found[4] == "column._dbfile is Whoosh's private attribute"  # own._count is dateline's own
