"""Names of a package imported on first use (PEP 562), so that light modules load without
Whoosh. Shared by `indexer` and `search`; it imports nothing. (Whoosh imported without the
modules it loads but dateline never uses is `indexer.engine.standins`, installed by the command
line's entry.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


def lazy_exports(
    package: str, homes: dict[str, str], namespace: dict[str, object]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package`` (whose globals are ``namespace``) that
    import each name of ``homes`` (name → module) on first use and keep it."""

    def __getattr__(name: str) -> object:
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        from importlib import import_module

        value = getattr(import_module(homes[name]), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted([*namespace, *homes])

    return __getattr__, __dir__
