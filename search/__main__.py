"""``python -m search`` runs the ``dateline`` command."""

from .cli import main

main(prog_name="dateline")
