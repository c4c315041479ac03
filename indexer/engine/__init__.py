"""The Whoosh boundary: the only modules that read or write Whoosh's private file format or
attributes (tests/engine/test_boundary.py checks every other module). The ``whoosh-reloaded<2.8``
pin is audited here. Nothing here changes Whoosh on import: `patches.install` (called where an
index is opened) applies the work-arounds, and `standins.install` (called by the command line's
entry only) the import stand-ins that speed up its start."""
