"""The ``dateline`` command: a thin Click layer over `indexer` and `search`, its saved defaults,
shell completion and the renderers of its output."""
