"""The Whoosh boundary: the only modules that read or write Whoosh's private file format or
attributes. The ``whoosh-reloaded<2.8`` pin is audited here."""
