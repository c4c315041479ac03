"""Stage 2, `Document` → index: walking the paths, comparing with the index, building segments in
worker processes, committing, merging and swapping."""
