"""``python -m search`` runs the ``dateline`` command."""

from indexer.engine.standins import install

install()  # as the installed command's entry (`search.cli.launch.main`) does
from search.cli.commands import main  # noqa: E402

main(prog_name="dateline")
