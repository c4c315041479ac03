"""The shared core: what a document is, the schema and analysis it is indexed with, errors, defaults
and the index's location; used by every stage of `indexer` and by `search`."""
