"""Checking an index against its corpus and repairing it (`dateline check`)."""
