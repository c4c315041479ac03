"""Front matter at the top of a Markdown file, as site generators write it: YAML between ``---``
lines (Jekyll, Hugo), TOML between ``+++`` lines (Hugo) and a JSON object (Hugo)."""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

import yaml

_YAML = re.compile(r"\A---[ \t]*\n(?P<text>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_TOML = re.compile(r"\A\+\+\+[ \t]*\n(?P<text>.*?)\n\+\+\+[ \t]*(?:\n|\Z)", re.DOTALL)
_AFTER_JSON = re.compile(r"[ \t]*(?:\n|\Z)")


class _TextDates(yaml.SafeLoader):
    """YAML's safe loader with timestamps left as text: `indexer.parse.dates` reads them, so a bad day
    (``2025-02-31``) skips one key instead of failing the whole front matter."""


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def split_front_matter(text: str) -> tuple[dict[str, Any] | None, str]:
    """``(keys, rest of the text)``; ``(None, text)`` when the text opens with no front matter.

    Raises `ValueError` when a ``---`` or ``+++`` block is there but is not a valid mapping. A
    leading ``{`` that is not a JSON object followed by a line break is text, not front matter.
    """
    if m := _YAML.match(text):
        try:
            meta = yaml.load(m["text"], Loader=_TextDates) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"front matter is not valid YAML ({_first_line(exc)})") from None
        except (ValueError, RecursionError) as exc:  # nesting deeper than Python's stack
            raise ValueError(f"front matter could not be read ({_first_line(exc)})") from None
    elif m := _TOML.match(text):
        try:
            meta = tomllib.loads(m["text"])
        except (tomllib.TOMLDecodeError, RecursionError) as exc:
            raise ValueError(f"front matter is not valid TOML ({_first_line(exc)})") from None
    elif text.startswith("{"):
        try:
            meta, end = json.JSONDecoder().raw_decode(text)
        except (ValueError, RecursionError):
            return None, text
        after = _AFTER_JSON.match(text, end)
        if not isinstance(meta, dict) or after is None:
            return None, text
        return meta, text[after.end() :]
    else:
        return None, text
    if not isinstance(meta, dict):
        raise ValueError("front matter is not a mapping of keys to values")
    return meta, text[m.end() :]


def _first_line(exc: Exception) -> str:
    return str(exc).strip().split("\n")[0]
