"""Names of a package imported on first use (PEP 562), so that light modules load without Whoosh.

Shared by `indexer` and `search`; it imports nothing but `importlib`, since the served command's
start-up (`search.launch`) pays for every import.
"""

from __future__ import annotations

from importlib import import_module


def lazy_exports(package: str, homes: dict[str, str], namespace: dict[str, object]):  # type: ignore[no-untyped-def]
    """The ``__getattr__`` and ``__dir__`` of ``package`` (whose globals are ``namespace``) that
    import each name of ``homes`` (name → module) on first use and keep it."""

    def __getattr__(name: str) -> object:
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(homes[name]), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted([*namespace, *homes])

    return __getattr__, __dir__
