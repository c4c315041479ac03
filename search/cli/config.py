"""Saved defaults: the user's ``config.toml`` and a ``dateline.toml`` in the current directory.

Read on every call (never cached), because `dateline serve` runs each call with its caller's
directory and environment. A value from a file only replaces a built-in default: command-line
flags and environment variables still win. Importing this module loads no Whoosh.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.core.defaults import DEFAULT_BOOSTS, DEFAULT_FIELDS, DEFAULT_INDEX_DIR, INDEX_ENV, K1, TEXT_FIELDS, B
from indexer.core.language import LANGUAGES
from indexer.core.trust import SAFE_KEY, check_trusted, safe_directories
from search.cli.render import Formats
from search.errors import ConfigError
from search.request import SORTS

#: Environment variable naming the one config file to read (``/dev/null``: none).
CONFIG_ENV = "DATELINE_CONFIG"
#: The per-directory config file, read from the current directory.
PROJECT_FILE = "dateline.toml"

COLORS: tuple[str, ...] = ("auto", "always", "never")
#: ``search --format``: the output formats that render results (`search.cli.render`).
SEARCH_FORMATS: Sequence[str] = Formats("results")
#: ``--lang``: the languages with their own analysis, and ``xx`` for any other (`indexer.core.schema.LANG_KEYS`).
LANGS: tuple[str, ...] = (*LANGUAGES, "xx")
DEFAULT_LIMIT = 10

DEFAULT = "default"


def _choice(options: Sequence[str]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value not in options:
            raise ValueError(f"must be one of {', '.join(options)} (got {value!r})")
        return value

    return check


def _number(low: float, high: float | None = None) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"must be a number (got {value!r})")
        if value < low or (high is not None and value > high):
            raise ValueError(
                f"must be {low:g}–{high:g} (got {value!r})"
                if high is not None
                else f"must be {low:g} or more (got {value!r})"
            )
        return float(value)

    return check


def _limit(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"must be a whole number of 1 or more (got {value!r})")
    return value


def _fields(value: Any) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ValueError(f'must be a list of field names, e.g. ["title", "body"] (got {value!r})')
    names = tuple(item.strip() for item in items if item.strip())
    unknown = [name for name in names if name not in TEXT_FIELDS]
    if unknown or not names:
        raise ValueError(f"unknown field {', '.join(unknown) or '(none given)'}; choose from {', '.join(TEXT_FIELDS)}")
    return names


def _path(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"must be a directory path (got {value!r})")
    return value


def _folders(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f'must be a list of folders, such as ["/srv/news"] (or ["*"]), not {value!r}')
    return tuple(value)


def _boost(value: Any) -> float:
    weight = _number(0)(value)
    if not weight > 0:
        raise ValueError(f"must be above 0 (got {value!r})")
    return weight


#: Every key a config file may hold: its check (returning the value to use) and built-in default.
KEYS: dict[str, tuple[Callable[[Any], Any], Any]] = {
    "index": (_path, DEFAULT_INDEX_DIR),
    "color": (_choice(COLORS), "auto"),
    "search.fields": (_fields, DEFAULT_FIELDS),
    "search.limit": (_limit, DEFAULT_LIMIT),
    "search.sort": (_choice(SORTS), "relevance"),
    "search.lang": (_choice(LANGS), None),
    "search.format": (_choice(SEARCH_FORMATS), "text"),
    "search.k1": (_number(0), K1),
    "search.b": (_number(0, 1), B),
    **{f"search.boost.{name}": (_boost, DEFAULT_BOOSTS.get(name, 1.0)) for name in TEXT_FIELDS},
    "show.format": (_choice(Formats("document")), "text"),
    "stats.format": (_choice(Formats("stats")), "text"),
    SAFE_KEY: (_folders, ()),
}

#: Config key (below its command's table) → the Click parameter it gives a default to.
_PARAMS = {"index": "index_dir", "color": "color", "format": "fmt", "boost": "boosts"}


@dataclass(frozen=True)
class Setting:
    """One effective setting: its value and where it came from (a file, ``$VAR``, or ``default``)."""

    key: str
    value: Any
    source: str

    def to_dict(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"key": self.key, "value": value, "source": self.source}


@dataclass
class Config:
    """The settings read from config files, nearest file winning key by key."""

    #: The files read, farthest (lowest precedence) first.
    files: list[str] = field(default_factory=list)
    #: Dotted key (``search.limit``, ``search.boost.title``) → value, checked.
    values: dict[str, Any] = field(default_factory=dict)
    #: Dotted key → the file it came from.
    sources: dict[str, str] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def safe_directories(self, environ: Mapping[str, str] | None = None) -> list[str]:
        """The folders whose implicit index or config is trusted whoever owns it (`indexer.core.trust`)."""
        return safe_directories(environ, self.values.get(SAFE_KEY, ()))

    def boosts(self) -> dict[str, float]:
        """The boosts the files set (merged over all files), without the built-in ones."""
        return {key.rsplit(".", 1)[1]: value for key, value in self.values.items() if key.startswith("search.boost.")}

    def index_options(self) -> dict[str, Any]:
        """Keyword arguments for `search.Index` (``fields``, ``boosts``, ``k1``, ``b``) that the files set."""
        options: dict[str, Any] = {
            name: self.values[f"search.{name}"] for name in ("fields", "k1", "b") if f"search.{name}" in self.values
        }
        if self.boosts():
            options["boosts"] = self.boosts()
        return options

    def search_options(self) -> dict[str, Any]:
        """Keyword arguments for `search.Index.search` (``limit``, ``sort``, ``lang``) that the files set."""
        return {
            name: self.values[f"search.{name}"] for name in ("limit", "sort", "lang") if f"search.{name}" in self.values
        }

    def default_map(self, commands: Mapping[str, Collection[str]]) -> dict[str, dict[str, Any]]:
        """Click's ``default_map``: for each command (name → its parameter names), the defaults
        the files give its options. ``index`` and ``color`` reach every command that has them."""
        result: dict[str, dict[str, Any]] = {}
        for key, value in self.values.items():
            parts = key.split(".")
            if parts[0] == "search" and parts[1] == "boost":
                continue
            targets = [(name, parts[0]) for name in commands] if len(parts) == 1 else [(parts[0], parts[1])]
            for command, name in targets:
                param = _PARAMS.get(name, name)
                if param in commands.get(command, ()):
                    result.setdefault(command, {})[param] = ",".join(value) if name == "fields" else value
        if self.boosts() and "boosts" in commands.get("search", ()):
            result.setdefault("search", {})["boosts"] = tuple(f"{k}={v:g}" for k, v in self.boosts().items())
        return result

    def effective(self, environ: Mapping[str, str] | None = None) -> list[Setting]:
        """Every key's value for a command run without flags, and its source: a file, the
        environment (``$DATELINE_INDEX``), or the built-in default."""
        environ = os.environ if environ is None else environ
        settings = []
        for key, (_check, default) in KEYS.items():
            if (
                key.startswith("search.boost.")
                and key not in self.values
                and key.rsplit(".", 1)[1] not in DEFAULT_BOOSTS
            ):
                continue  # a field without a boost of its own weighs 1 when searched
            if key == "index" and environ.get(INDEX_ENV):
                settings.append(Setting(key, environ[INDEX_ENV], f"${INDEX_ENV}"))
            elif key in self.values:
                settings.append(Setting(key, self.values[key], self.sources[key]))
            else:
                settings.append(Setting(key, default, DEFAULT))
        return settings

    def to_dict(self, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
        return {"files": list(self.files), "settings": [s.to_dict() for s in self.effective(environ)]}


def config_files(environ: Mapping[str, str] | None = None, cwd: str | os.PathLike[str] | None = None) -> list[Path]:
    """The config files to read, farthest first: ``$DATELINE_CONFIG`` alone when set, else the
    user's ``$XDG_CONFIG_HOME/dateline/config.toml`` (``~/.config/…``) and ``./dateline.toml``,
    each where it exists."""
    environ = os.environ if environ is None else environ
    explicit = environ.get(CONFIG_ENV)
    if explicit:
        if not os.path.exists(explicit):
            raise ConfigError(f"${CONFIG_ENV} names {explicit}, which does not exist")
        return [Path(explicit)]
    home = environ.get("XDG_CONFIG_HOME") or os.path.join(environ.get("HOME") or os.path.expanduser("~"), ".config")
    candidates = [Path(home) / "dateline" / "config.toml", Path(cwd or ".") / PROJECT_FILE]
    return [path for path in candidates if path.exists()]


def load_config(environ: Mapping[str, str] | None = None, cwd: str | os.PathLike[str] | None = None) -> Config:
    """Read and check the config files (`config_files`); raises `ConfigError` naming the file and
    the key (or the line, for a TOML syntax error), or `UntrustedLocationError` for a
    ``dateline.toml`` that another user could have written (`indexer.core.trust`)."""
    config = Config()
    project = Path(cwd or ".") / PROJECT_FILE
    for path in config_files(environ, cwd):
        shown = str(path)
        values = _read(path)
        if path == project and not (environ or os.environ).get(CONFIG_ENV):
            if SAFE_KEY in values:
                raise ConfigError(f"{path}: {SAFE_KEY} may only be set in your own config file, not in a folder's")
            check_trusted(path, "the config file", f"${CONFIG_ENV}={path}", config.safe_directories(environ))
        for key, value in values.items():
            config.values[key] = _resolve(key, value, path, cwd)
            config.sources[key] = shown
        config.files.append(shown)
    return config


def _read(path: Path) -> dict[str, Any]:
    """``path``'s keys, flattened (``search.limit``) and checked."""
    import tomllib

    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        at = f", line {where[1]}, column {where[2]}" if where else ""
        raise ConfigError(f"{path}{at}: not valid TOML: {message}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file: {getattr(exc, 'strerror', None) or exc}") from None
    flat: dict[str, Any] = {}
    _flatten(data, "", flat, path)
    for key, value in flat.items():
        if key not in KEYS and any(known.startswith(key + ".") for known in KEYS):
            raise ConfigError(f"{path}: {key}: must be a table ([{key}])")
        if key not in KEYS:
            raise ConfigError(f"{path}: unknown key {key!r}{_known(key)}")
        try:
            flat[key] = KEYS[key][0](value)
        except ValueError as exc:
            raise ConfigError(f"{path}: {key}: {exc}") from None
    return flat


def _flatten(table: dict[str, Any], prefix: str, out: dict[str, Any], path: Path) -> None:
    for name, value in table.items():
        key = prefix + name
        if isinstance(value, dict):
            if not any(known.startswith(key + ".") for known in KEYS):
                raise ConfigError(f"{path}: unknown key {key!r}{_known(key)}")
            _flatten(value, key + ".", out, path)
        else:
            out[key] = value


def _known(key: str) -> str:
    """A hint listing the keys allowed where ``key`` stands."""
    prefix = key.rsplit(".", 1)[0] + "." if "." in key else ""
    names = sorted({k[len(prefix) :].split(".")[0] for k in KEYS if k.startswith(prefix)})
    return f"; known here: {', '.join(names)}"


def _resolve(key: str, value: Any, path: Path, cwd: str | os.PathLike[str] | None) -> Any:
    """An ``index`` path as the file meant it: ``~`` expanded, relative to the file's folder."""
    if key != "index":
        return value
    value = os.path.expanduser(value)
    folder = path.parent
    if os.path.isabs(value) or os.path.abspath(folder) == os.path.abspath(cwd or "."):
        return value
    return os.path.join(os.path.abspath(folder), value)
