"""Shell completion for bash, zsh and fish: the scripts to install, and completers for option values.

Completion runs ``dateline`` on every Tab, so it must stay cheap: nothing here opens an index or
loads Whoosh (field names come from `indexer.core.defaults`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from indexer.core.defaults import TEXT_FIELDS

if TYPE_CHECKING:
    import click
    from click.shell_completion import CompletionItem

SHELLS: tuple[str, ...] = ("bash", "zsh", "fish")
#: The variable Click's completion scripts set when they call ``dateline`` for completions.
COMPLETE_ENV = "_DATELINE_COMPLETE"


def script(cli: click.Command, shell: str) -> str:
    """The completion script for ``shell``: what ``_DATELINE_COMPLETE=bash_source dateline`` prints."""
    from click.shell_completion import get_completion_class

    complete = get_completion_class(shell)
    if complete is None:
        raise ValueError(f"no completion for {shell!r}; choose from {', '.join(SHELLS)}")
    return complete(cli, {}, "dateline", COMPLETE_ENV).source()


def complete_fields(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """``--fields title,b`` → ``title,body``: the field names that complete the last item of a
    comma-separated list, leaving out those already given."""
    from click.shell_completion import CompletionItem

    done, comma, last = incomplete.rpartition(",")
    given = set(done.split(",")) if comma else set()
    return [CompletionItem(done + comma + name) for name in TEXT_FIELDS if name.startswith(last) and name not in given]
