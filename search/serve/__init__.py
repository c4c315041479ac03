"""``dateline serve``: one resident process answering the command line's calls over a local socket."""
