"""Whoosh imported without urllib.request, asyncio and its English morphology: import stand-ins
for the command line's start-up, installed by its entry (`install`), never by importing a module.

``whoosh.compat`` imports ``urlretrieve`` from ``urllib.request`` (which loads http.client,
email, ssl …) and ``whoosh.reading`` imports the ``cached_property`` package, which imports
asyncio to ask whether a function is a coroutine. Neither is used by a search: together they
were about 40 % of importing Whoosh (some 40 ms of a 330 ms ``dateline search``). And
``whoosh.query.terms`` imports ``variations`` from ``whoosh.lang.morph_en``, which compiles
24 large regular expressions (4 ms) for a query type dateline never makes. While each of those
modules runs its top level, a stand-in takes the imported module's place in ``sys.modules``;
the stand-in fetches the real module on first use of anything. The real modules stay
importable as ever: the stand-in is removed as soon as the importing module is loaded.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from importlib.machinery import ModuleSpec


def _real(name: str) -> ModuleType:
    from importlib import import_module

    if isinstance(sys.modules.get(name), _StandIn):  # used while it stands in: load the real one
        del sys.modules[name]
    return import_module(name)


class _StandIn(ModuleType):
    """A module whose every attribute is the real module's (imported then)."""

    def __getattr__(self, attr: str) -> object:
        if attr.startswith("__"):  # the import system asks for __path__ …: not the real module's
            raise AttributeError(attr)
        return getattr(_real(self.__name__), attr)


class _UrllibRequest(_StandIn):
    @staticmethod
    def urlretrieve(*args: object, **kwargs: object) -> object:
        return _real("urllib.request").urlretrieve(*args, **kwargs)


_CO_COROUTINE = 0x80 | 0x100  # CO_COROUTINE | CO_ITERABLE_COROUTINE
_FUNCTION = type(_real)


class _Asyncio(_StandIn):
    def iscoroutinefunction(self, func: object) -> bool:
        """False for a plain function (what asyncio answers), asyncio's answer for anything else."""
        code = getattr(func, "__code__", None)
        plain = type(func) is _FUNCTION and code is not None and not code.co_flags & _CO_COROUTINE
        if plain and not any(name.startswith("_is_coroutine") for name in vars(func)):
            return False
        return _real("asyncio").iscoroutinefunction(func)


class _MorphEn(_StandIn):
    @staticmethod
    def variations(word: str) -> object:
        return _real("whoosh.lang.morph_en").variations(word)


#: Module → (the module it imports, the stand-in's class).
_STAND_INS = {
    "whoosh.compat": ("urllib.request", _UrllibRequest),
    "cached_property": ("asyncio", _Asyncio),
    "whoosh.query.terms": ("whoosh.lang.morph_en", _MorphEn),
}


class _StandInLoader:
    """Runs a module's top level with a stand-in in ``sys.modules``; otherwise its own loader."""

    def __init__(self, loader: object, replaced: str, cls: type) -> None:
        self._loader, self._replaced, self._cls = loader, replaced, cls

    def __getattr__(self, attr: str) -> object:
        return getattr(self._loader, attr)

    def create_module(self, spec: object) -> object:
        return self._loader.create_module(spec)  # type: ignore[attr-defined]  # any loader with exec_module

    def exec_module(self, module: object) -> None:
        name = self._replaced
        if name in sys.modules:  # already imported for real: nothing to save
            self._loader.exec_module(module)  # type: ignore[attr-defined]
            return
        stand_in = self._cls(name)
        sys.modules[name] = stand_in
        try:
            self._loader.exec_module(module)  # type: ignore[attr-defined]
        finally:
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
            if all(loaded in sys.modules for loaded in _STAND_INS):
                _StandInFinder.remove()


class _StandInFinder:
    """Gives `_STAND_INS`' modules a `_StandInLoader`; leaves ``sys.meta_path`` once all are loaded."""

    @classmethod
    def find_spec(
        cls, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in _STAND_INS:
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = None if finder is cls or find is None else find(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        if hasattr(spec.loader, "exec_module"):
            spec.loader = _StandInLoader(spec.loader, *_STAND_INS[fullname])
        return spec

    @classmethod
    def remove(cls) -> None:
        if cls in sys.meta_path:
            sys.meta_path.remove(cls)


def install() -> None:
    """Put the stand-ins' finder first on ``sys.meta_path`` (once; it leaves by itself once the
    three importing modules are loaded). For the command line's entry (`search.cli.launch`,
    ``python -m search``): a library user's process keeps its imports as they are."""
    if not all(name in sys.modules for name in _STAND_INS) and _StandInFinder not in sys.meta_path:
        sys.meta_path.insert(0, _StandInFinder)
