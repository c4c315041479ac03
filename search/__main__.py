"""``python -m search`` runs the ``dateline`` command."""

from search.cli.commands import main

main(prog_name="dateline")
